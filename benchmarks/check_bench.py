"""`jetls check` of the whole real metric-hub (definitions/ + jetstream/), process start included,
beside tomllib merely parsing the same files; plus a warm re-check in one process.

    python benchmarks/check_bench.py [--corpus PATH] [--repeat N]
"""

from __future__ import annotations

import argparse
import collections
import json
import statistics
import subprocess
import sys
import time
import tomllib
from pathlib import Path

from _common import corpus_root


def main() -> int:
    default = corpus_root()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=default)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    hub = args.corpus / "metric-hub"
    if not hub.is_dir():
        print(f"corpus not found at {hub}", file=sys.stderr)
        return 2
    files = sorted(p for d in ("definitions", "jetstream") for p in (hub / d).rglob("*.toml"))
    size = sum(p.stat().st_size for p in files)

    def tomllib_all():
        for p in files:
            tomllib.loads(p.read_text())

    samples = []
    for _ in range(3):
        t = time.perf_counter()
        tomllib_all()
        samples.append(time.perf_counter() - t)
    t_tomllib = statistics.median(samples)

    cmd = [sys.executable, "-m", "jetls", "check", ".", "--format", "json"]
    runs = []
    out = ""
    for _ in range(args.repeat):
        t = time.perf_counter()
        proc = subprocess.run(cmd, cwd=hub, capture_output=True, text=True)
        runs.append(time.perf_counter() - t)
        out = proc.stdout
    t_check = statistics.median(runs)
    diags = json.loads(out)

    # In one process: a cold check, then a re-check of the unchanged workspace, per file.
    from jetls.checks import check_file
    from jetls.options import Options
    from jetls.workspace import Workspace

    options = Options()
    t = time.perf_counter()
    ws = Workspace.load(hub, options)
    t_load = time.perf_counter() - t
    per_file = {}
    for key in sorted(ws.files):
        t = time.perf_counter()
        check_file(ws, key, options)
        per_file[key] = time.perf_counter() - t
    t = time.perf_counter()
    for key in ws.files:
        check_file(ws, key, options)
    t_warm = time.perf_counter() - t
    slowest = max(per_file, key=per_file.get)

    print(f"files: {len(files)} ({size / 1e6:.2f} MB) under definitions/ and jetstream/")
    print(f"tomllib parse of those files (median of 3):      {t_tomllib * 1000:8.0f} ms")
    print(f"jetls check . (process start included, median of {args.repeat}): {t_check * 1000:8.0f} ms"
          f"  = {t_check / t_tomllib:.1f}x tomllib (goal <= 15x)")
    print(f"in-process: load {t_load * 1000:.0f} ms, first check {sum(per_file.values()) * 1000:.0f} ms,"
          f" re-check of the unchanged workspace {t_warm * 1000:.0f} ms")
    print(f"slowest file (cold): {Path(slowest).relative_to(hub)} {per_file[slowest] * 1000:.0f} ms")
    by = collections.Counter((d["severity"], d["code"]) for d in diags)
    print("diagnostics by severity/code: " + ", ".join(f"{s}/{c}={n}" for (s, c), n in sorted(by.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
