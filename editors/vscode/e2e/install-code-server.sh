#!/usr/bin/env sh
# Install code-server (VS Code's server and web workbench) from the npm registry, outside the
# repository, for the real-VS-Code test (tests/editors/test_real_vscode.py).
#
# Needs Node 20 and Debian's `ripgrep` and `libkrb5-dev` (native modules are built from source
# against Debian's Node headers); the test drives Debian's `chromium`:
#   apt-get install -y chromium ripgrep libkrb5-dev
#
# Installs into $JETLS_E2E_CACHE (default: ${XDG_CACHE_HOME:-~/.cache}/jetls-e2e) and prints the
# path of the code-server executable. Does nothing when that version is already installed.
set -eu

VERSION=4.100.3
CACHE="${JETLS_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/jetls-e2e}"
DEST="$CACHE/code-server-$VERSION"
BIN="$DEST/node_modules/.bin/code-server"

if [ -x "$BIN" ]; then
    echo "$BIN"
    exit 0
fi

for tool in node npm rg; do
    command -v "$tool" >/dev/null 2>&1 || { echo "install-code-server: '$tool' is not on PATH" >&2; exit 1; }
done
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" = 20 ] || { echo "install-code-server: code-server $VERSION needs Node 20, found $(node --version)" >&2; exit 1; }

# @vscode/ripgrep downloads its binary from GitHub unless the tarball is in its cache:
# give it Debian's rg instead.
case "$(uname -m)" in
    x86_64) rg_target=x86_64-unknown-linux-musl ;;
    aarch64) rg_target=aarch64-unknown-linux-musl ;;
    *) echo "install-code-server: no ripgrep target for $(uname -m)" >&2; exit 1 ;;
esac
rg_cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
rg_tarball="$rg_cache/ripgrep-v13.0.0-10-$rg_target.tar.gz"
if [ ! -s "$rg_tarball" ]; then
    mkdir -p "$rg_cache"
    rg_dir=$(mktemp -d)
    cp "$(command -v rg)" "$rg_dir/rg"
    tar -czf "$rg_tarball.tmp" -C "$rg_dir" rg
    mv "$rg_tarball.tmp" "$rg_tarball"
    rm -rf "$rg_dir"
fi

partial="$DEST.partial"
rm -rf "$partial"
mkdir -p "$partial"
cd "$partial"
echo '{"name": "jetls-e2e-code-server", "private": true}' >package.json
# code-server's postinstall runs `npm install` in its bundled VS Code, whose native modules
# build with node-gyp against Debian's Node headers; their install scripts must run.
npm_config_nodedir=/usr \
npm_config_yes=true \
npm_config_unsafe_perm=true \
npm_config_dangerously_allow_all_scripts=true \
npm_config_audit=false \
npm_config_fund=false \
    npm install --no-save "code-server@$VERSION" >&2
cd "$CACHE"
rm -rf "$DEST"
mv "$partial" "$DEST"
node -p "require(\"$DEST/node_modules/code-server/package.json\").version" >&2
echo "$BIN"
