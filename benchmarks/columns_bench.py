"""What a bigquery-etl schema source costs (issue 13), on the real corpus:

- cold parse: a load with an empty cache (every schema.yaml / metadata.yaml parsed, in worker
  processes), in a fresh process;
- cached load: a fresh process loading the source from its cache (median of several);
- peak RSS growth: fresh processes loading the metric-hub workspace and checking every file,
  with and without the source (difference of their peak RSS);
- keystroke -> diagnostics on definitions/firefox_desktop.toml without and with the source, in
  the same run (wall and CPU time: the machine may be shared);
- completion of columns in a select expression with the source loaded.

    python benchmarks/columns_bench.py [--bigquery-etl PATH] [--root PATH] [-n 60] [--no-cold]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO, corpus_root, stats

DEFINITIONS = "definitions/firefox_desktop.toml"


def child(code: str, cache: str) -> dict:
    """Run `code` in a fresh interpreter (cache dir `cache`); it prints one JSON object."""
    env = {**os.environ, "XDG_CACHE_HOME": cache, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


LOAD = """
import json, time
t = time.perf_counter()
from jetls.bigquery import load
cat = load({source!r})
print(json.dumps({{"seconds": time.perf_counter() - t, "inside": cat.load_seconds, "parsed": cat.parsed,
                  "tables": len(cat.names()), "problems": len(cat.problems)}}))
"""

RSS = """
import gc, json, resource, sys
from jetls.checks.batch import check_files
from jetls.options import Options
from jetls.workspace import Workspace
from jetls.bigquery import sources
source = {source!r}
if source:
    sources.load(source)
options = Options(platform="firefox_desktop", bigquery_etl=source)
ws = Workspace.load({root!r}, options)
check_files(ws, sorted(ws.files), options, jobs=1)
from jetls.features.completion import complete
text = ws.file({defs!r}).text
complete(ws, {defs!r}, text.index("COUNTIF(is_tagged") + len("COUNTIF("))
print(json.dumps({{"maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}}))
"""


def keystrokes(ws, path: str, at_text: str, n: int, options, check_file) -> tuple[list[float], list[float]]:
    sf = ws.file(path)
    tree = sf.tree
    at = tree.text.index(at_text) + len(at_text) - 1
    wall, cpu = [], []
    for i in range(n):
        t, c = time.perf_counter(), time.process_time()
        tree = tree.edit(at, at, "x") if i % 2 == 0 else tree.edit(at, at + 1, "")
        ws = ws.with_tree(path, tree)
        check_file(ws, path, options)
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return wall, cpu


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=corpus_root() / "metric-hub")
    ap.add_argument("--bigquery-etl", type=Path, default=corpus_root() / "bigquery-etl")
    ap.add_argument("-n", type=int, default=60)
    ap.add_argument("--no-cold", action="store_true", help="skip the cold parse (tens of seconds)")
    args = ap.parse_args()
    root, source = args.root.resolve(), args.bigquery_etl.resolve()
    if not (root / "definitions").is_dir() or not (source / "sql").is_dir():
        print(f"no metric-hub checkout at {root} or no bigquery-etl source at {source}", file=sys.stderr)
        return 2
    print(f"jetls columns benchmark: {root} with {source}")
    with tempfile.TemporaryDirectory(prefix="jetls-bench-cache-") as cache:
        if not args.no_cold:
            r = child(LOAD.format(source=str(source)), cache)
            print(f"  cold parse (empty cache): {r['seconds']:.1f} s wall, {r['parsed']:,} files parsed, "
                  f"{r['tables']:,} tables, {r['problems']} problems")
        else:
            child(LOAD.format(source=str(source)), cache)
        loads = [child(LOAD.format(source=str(source)), cache) for _ in range(7)]
        assert all(x["parsed"] == 0 for x in loads)
        print(f"  cached load, fresh process: {stats([x['inside'] for x in loads])}"
              f"   (with the import: median {statistics.median(x['seconds'] for x in loads) * 1000:.0f} ms)")
        base = child(RSS.format(source=None, root=str(root), defs=str(root / DEFINITIONS)), cache)
        with_ = child(RSS.format(source=str(source), root=str(root), defs=str(root / DEFINITIONS)), cache)
        print(f"  peak RSS, load + check every file + a completion: {base['maxrss_kb'] / 1024:.0f} MB without, "
              f"{with_['maxrss_kb'] / 1024:.0f} MB with the source: +{(with_['maxrss_kb'] - base['maxrss_kb']) / 1024:.0f} MB")

        os.environ["XDG_CACHE_HOME"] = cache
        sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))
        from jetls.bigquery import sources
        from jetls.checks import check_file
        from jetls.features.completion import complete
        from jetls.options import Options
        from jetls.workspace import Workspace

        sources.load(str(source))
        defs = str(root / DEFINITIONS)
        results = {}
        for label, bq in (("without the source", None), ("with the source   ", str(source))):
            options = Options(platform="firefox_desktop", bigquery_etl=bq)
            ws = Workspace.load(root, options)
            for key in ws.files:  # as the server after indexing
                check_file(ws, key, options)
            gc.collect()
            gc.freeze()  # as the server: long-lived objects out of the collector's way
            for where, at in (("slug reference", 'data_source = "clients_daily'), ("SQL string", "COUNTIF(is_tagged = FALSE")):
                keystrokes(ws, defs, at, 6, options, check_file)
                wall, cpu = keystrokes(ws, defs, at, args.n, options, check_file)
                results[(label, where)] = statistics.median(wall)
                print(f"  keystroke -> diagnostics, {DEFINITIONS}, {where:14}, {label}: {stats(wall)}   "
                      f"cpu median {statistics.median(cpu) * 1000:.2f} ms")
            gc.unfreeze()
        for where in ("slug reference", "SQL string"):
            a, b = results[("without the source", where)], results[("with the source   ", where)]
            print(f"  ratio with/without, {where}: {b / a:.2f}")

        text = ws.file(defs).text
        for label, marker in (("top-level columns", "COUNTIF(is_tagged"), ("nested fields    ", None)):
            if marker is None:
                # a nested record's fields: a Glean metric of fenix
                path = str(root / "definitions" / "fenix.toml")
                t = ws.file(path).text
                off = t.index("metrics.counter.") + len("metrics.counter.")
            else:
                path, off = defs, text.index(marker) + len("COUNTIF(")
            complete(ws, path, off)
            times, items = [], []
            for _ in range(args.n):
                t0 = time.perf_counter()
                items = complete(ws, path, off)
                times.append(time.perf_counter() - t0)
            print(f"  completion of columns, {label} ({len(items)} items): {stats(times)}")
            # the editor's sequence: a keystroke (new snapshot), then completion on it
            tree = ws.file(path).tree
            times = []
            for i in range(args.n):
                tree = tree.edit(off, off, "x") if i % 2 == 0 else tree.edit(off, off + 1, "")
                ws2 = ws.with_tree(path, tree)
                t0 = time.perf_counter()
                items = complete(ws2, path, off + (1 if i % 2 == 0 else 0))
                times.append(time.perf_counter() - t0)
            print(f"  completion of columns after a keystroke, {label}: {stats(times)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
