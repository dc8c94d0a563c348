"""How the server scales with the number of experiment configs: index time and peak RSS on the real
metric-hub (1x) and on a copy holding k times its experiment configs (copies under new names).

Usage: python benchmarks/scale_bench.py [--root METRIC_HUB] [-k 10]

For each workspace, a fresh server is started over stdio; printed: files, time from spawn to the
end of indexing (the `$/progress` end), the same minus the interpreter's import floor, and peak
RSS (VmHWM) after indexing and after the first diagnostics of an experiment config; then the
references of `active_hours` from definitions/firefox_desktop.toml (the first request, which
reads every config that writes it, and the median of the next ones) and the peak RSS after them.
(The server keeps the experiment configs no editor has open as text: references rebuild the
trees of those that define the slug themselves.)
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from _common import corpus_root
from lsp_bench import Server, import_floor_ms, position, start_indexed

DEFINITIONS = "definitions/firefox_desktop.toml"
NEEDLE = "[metrics.active_hours]"


def build_copy(src: Path, dst: Path, k: int) -> int:
    shutil.copytree(src, dst)
    configs = sorted((dst / "jetstream").glob("*.toml"))
    for f in configs:
        text = f.read_text()
        for i in range(1, k):
            (f.parent / f"{f.stem}-copy{i}.toml").write_text(text)
    return sum(1 for _ in dst.rglob("*.toml"))


def references(srv: Server, root: Path, n: int = 7) -> tuple[int, float, float]:
    """(locations, first request s, median of the next `n - 1` s) of `active_hours`' references."""
    path = root / DEFINITIONS
    uri, text = path.as_uri(), path.read_text()
    srv.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "toml", "version": 1, "text": text}})
    srv.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri, 120)
    pos = position(text, text.index(NEEDLE) + len(NEEDLE) - 3)
    times, found = [], []
    for _ in range(n):
        dt, found = srv.request("textDocument/references", {"textDocument": {"uri": uri}, "position": pos,
                                                            "context": {"includeDeclaration": True}})
        times.append(dt)
    return len(found or []), times[0], statistics.median(times[1:])


def measure(root: Path, python: str) -> tuple[float, float, float, tuple[int, float, float], float]:
    srv, _, indexed = start_indexed(f"{shlex.quote(python)} -m jetls.server", root, timeout=300)
    rss_indexed = (srv.vmhwm_kb() or 0) / 1024
    exp = next(iter(sorted((root / "jetstream").glob("*.toml"))))
    uri = exp.as_uri()
    srv.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "toml", "version": 1,
                                                         "text": exp.read_text()}})
    srv.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri, 120)
    rss = (srv.vmhwm_kb() or 0) / 1024
    refs = references(srv, root)
    rss_refs = (srv.vmhwm_kb() or 0) / 1024
    srv.close()
    return indexed, rss_indexed, rss, refs, rss_refs


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", type=Path, default=corpus_root() / "metric-hub")
    ap.add_argument("-k", type=int, default=10)
    args = ap.parse_args()
    src = args.root.resolve()
    if not (src / "jetstream").is_dir():
        print(f"no metric-hub checkout at {src}", file=sys.stderr)
        return 2
    floor = import_floor_ms(sys.executable) / 1000
    print(f"interpreter + `import pygls.lsp.server`: {floor * 1000:.0f} ms")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in (1, args.k):
            root = Path(tmp) / f"x{k}" / "metric-hub"
            n = build_copy(src, root, k)
            indexed, rss_indexed, rss, (found, first, median), rss_refs = measure(root, sys.executable)
            rows.append((k, n, indexed, rss_indexed, rss))
            print(f"{k:>3}x: {n:5d} files   indexed in {indexed * 1000:7.0f} ms ({(indexed - floor) * 1000:7.0f} ms "
                  f"beyond the import floor)   peak RSS {rss_indexed:6.1f} MB indexed, {rss:6.1f} MB after a check")
            print(f"       references of active_hours ({found}): first {first * 1000:6.1f} ms, then median "
                  f"{median * 1000:6.1f} ms   peak RSS {rss_refs:6.1f} MB")
    (k1, n1, t1, _, r1), (kk, nk, tk, _, rk) = rows
    print(f"ratio {kk}x/1x: files {nk / n1:.1f}x, index time beyond the floor {(tk - floor) / max(t1 - floor, 1e-9):.1f}x, "
          f"peak RSS {rk / r1:.1f}x (+{rk - r1:.0f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
