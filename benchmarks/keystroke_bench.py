"""In-process latency of the server's hot paths on the real metric-hub (no JSON-RPC):

- keystroke -> diagnostics: `tree.edit` + `ws.with_tree` + `check_file`, typing a character
  into (a) a slug reference, (b) a SQL string, alternating insert / delete;
- completion of metric slugs on an experiment config (`features.completion.complete`).

    python benchmarks/keystroke_bench.py [--corpus PATH] [-n 60]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from _common import corpus_root, stats

EXPERIMENT = "jetstream/reminder-set-firefox-as-default.toml"
DEFINITIONS = "definitions/firefox_desktop.toml"


def keystrokes(ws, path: str, at_text: str, n: int, options, check_file) -> tuple[list[float], object]:
    sf = ws.file(path)
    tree = sf.tree
    text = tree.text
    at = text.index(at_text) + len(at_text) - 1
    times = []
    for i in range(n):
        t = time.perf_counter()
        if i % 2 == 0:
            tree = tree.edit(at, at, "x")
        else:
            tree = tree.edit(at, at + 1, "")
        ws = ws.with_tree(path, tree)
        check_file(ws, path, options)
        times.append(time.perf_counter() - t)
    return times, ws


def main() -> int:
    default = corpus_root() / "metric-hub"
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=default)
    ap.add_argument("-n", type=int, default=60)
    args = ap.parse_args()
    root = args.root.resolve()
    if not (root / "definitions").is_dir():
        print(f"no metric-hub checkout at {root}", file=sys.stderr)
        return 2
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))
    from jetls.checks import check_file
    from jetls.features.completion import complete
    from jetls.options import Options
    from jetls.workspace import Workspace

    options = Options(platform="firefox_desktop")
    ws = Workspace.load(root, options)
    for key in ws.files:  # warm: every file checked once (as the server does after indexing)
        check_file(ws, key, options)
    defs = str(root / DEFINITIONS)
    exp = str(root / EXPERIMENT)
    print(f"jetls in-process benchmark on {root}")
    for label, path, at in (
        ("definitions, slug reference", defs, 'data_source = "clients_daily'),
        ("definitions, SQL string    ", defs, "COUNTIF(is_tagged = FALSE"),
        ("experiment,  slug reference", exp, "'organic_search_count"),
    ):
        if at not in ws.file(path).text:
            print(f"  {label}: marker {at!r} not found")
            continue
        keystrokes(ws, path, at, 6, options, check_file)  # warm-up
        times, _ = keystrokes(ws, path, at, args.n, options, check_file)
        print(f"  keystroke -> diagnostics, {label}: {stats(times)}")

    text = ws.file(exp).text
    off = text.index("weekly = ['days_of") + len("weekly = ['days_of")
    complete(ws, exp, off)
    times = []
    items = []
    for _ in range(args.n):
        t = time.perf_counter()
        items = complete(ws, exp, off)
        times.append(time.perf_counter() - t)
    print(f"  completion on the experiment, same snapshot ({len(items)} items): {stats(times)}")
    # the editor's sequence: a keystroke (new snapshot), then completion on it
    times = []
    tree = ws.file(exp).tree
    at = text.index("'organic_search_count") + len("'organic_search_count") - 1
    for i in range(args.n):
        tree = tree.edit(at, at, "x") if i % 2 == 0 else tree.edit(at, at + 1, "")
        ws2 = ws.with_tree(exp, tree)
        t = time.perf_counter()
        items = complete(ws2, exp, off if off < at else off + (1 if i % 2 == 0 else 0))
        times.append(time.perf_counter() - t)
    print(f"  completion on the experiment, after a keystroke ({len(items)} items): {stats(times)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
