"""Put jetls and its pure-Python dependencies into ``bundled/libs`` for the .vsix.

The layout of Microsoft's Python tool extensions: the extension ships the server's packages
and starts them with a Python the user already has (``bundled/tool/jetls_server.py``).

- The dependencies are read from the repository's ``pyproject.toml`` (``[project]
  dependencies``), so a dependency added there is bundled without touching this script.
- Extras are dropped: the one we use, ``sqlglot[c]``, only adds ``sqlglotc``, sqlglot's
  compiled (mypyc) modules, and jetls runs on pure sqlglot.
- Wheels are resolved for the oldest supported Python (3.11), so environment markers pick
  what every supported interpreter needs.
- Compiled extension modules are removed (a .vsix runs on every OS and Python version), so
  a dependency is only accepted when it works without them (MarkupSafe and PyYAML fall back
  to pure Python). The bundle is then checked under ``python -I -S`` (no site-packages at
  all): every bundled package imports, jetls checks the example workspace, and no compiled
  module is loaded.

Usage: ``python3 scripts/bundle_python.py`` (``npm run bundle-python``; part of
``npm run package``). Needs Python >= 3.11 with pip and access to the package index.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent  # editors/vscode
REPO = HERE.parent.parent
LIBS = HERE / "bundled" / "libs"
LAUNCHER = HERE / "bundled" / "tool" / "jetls_server.py"
OLDEST_PYTHON = "3.11"
NATIVE_SUFFIXES = (".so", ".pyd", ".dylib", ".dll")


def dependencies(pyproject: Path) -> list[str]:
    """``[project] dependencies`` of pyproject.toml, without extras."""
    deps = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    # PEP 508: extras are the bracketed list right after the name ("sqlglot[c]>=30").
    return [re.sub(r"^([A-Za-z0-9._-]+)\s*\[[^\]]*\]", r"\1", d.strip()) for d in deps]


def pip(*args: str) -> None:
    cmd = [sys.executable, "-m", "pip", "--disable-pip-version-check", "install", "--no-compile", "--no-user", *args]
    print("bundle-python: $", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)


def strip_native(libs: Path) -> list[Path]:
    """Delete compiled modules, console scripts and caches; return the modules removed."""
    removed = sorted(p for p in libs.rglob("*") if p.is_file() and p.name.endswith(NATIVE_SUFFIXES))
    for p in removed:
        p.unlink()
    for junk in [libs / "bin", *libs.rglob("__pycache__")]:
        shutil.rmtree(junk, ignore_errors=True)
    return removed


# Run under `python -I -S` with only the bundle on sys.path.
SELF_CHECK = r"""
import importlib, json, pkgutil, sys
libs = sys.argv[1]
sys.path.insert(0, libs)
names = sorted(m.name for m in pkgutil.iter_modules([libs]) if not m.name.startswith("_"))
for name in names:
    importlib.import_module(name)
import jetls.server.server  # the language server's whole import graph
files = {n: getattr(m, "__file__", None) or "" for n, m in list(sys.modules.items())}
native = sorted(n for n, f in files.items() if f.startswith(libs) and f.endswith((".so", ".pyd", ".dylib")))
outside = sorted(n for n in names if not files[n].startswith(libs))
print(json.dumps({"packages": names, "native": native, "outside": outside}))
"""


def self_check(libs: Path) -> None:
    base = [sys.executable, "-I", "-S", "-B"]
    out = subprocess.run([*base, "-c", SELF_CHECK, str(libs)], check=True, capture_output=True, text=True)
    report = json.loads(out.stdout)
    if report["native"] or report["outside"]:
        raise SystemExit(f"bundle-python: the bundle is not self-contained and pure: {report}")
    # The example workspace has deliberate mistakes: exit status 1 with diagnostics.
    check = subprocess.run(
        [*base, str(LAUNCHER), "check", str(REPO / "examples" / "metric-hub"), "--format", "json", "--jobs", "1"],
        capture_output=True,
        text=True,
    )
    if check.returncode != 1 or not json.loads(check.stdout):
        raise SystemExit(f"bundle-python: `jetls check` with the bundle failed ({check.returncode}):\n{check.stderr}")
    print(f"bundle-python: {len(report['packages'])} packages import without site-packages: {', '.join(report['packages'])}")


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> int:
    if sys.version_info < (3, 11):
        raise SystemExit(f"bundle-python: needs Python >= 3.11 (tomllib), this is {sys.version.split()[0]}")
    deps = dependencies(REPO / "pyproject.toml")
    shutil.rmtree(LIBS, ignore_errors=True)
    LIBS.mkdir(parents=True)
    pip("--target", str(LIBS), "--only-binary=:all:", "--python-version", OLDEST_PYTHON, *deps)
    pip("--target", str(LIBS), "--no-deps", str(REPO))
    removed = strip_native(LIBS)
    if removed:
        print(f"bundle-python: removed {len(removed)} compiled module(s): {', '.join(p.name for p in removed)}")
    self_check(LIBS)
    print(f"bundle-python: {LIBS} holds {size(LIBS) / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
