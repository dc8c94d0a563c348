"""Parser benchmark: full parse and one-character edit, beside tomllib, in one run.

    python benchmarks/parse_bench.py [--corpus PATH] [--repeat N]

Prints medians (ms) and ratios. Figures from one run only: these machines are noisy.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tomllib
from pathlib import Path

from _common import corpus_root

from jetls.document import build
from jetls.syntax import parse


def median_ms(fn, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples) * 1000


def main() -> int:
    default = corpus_root()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=default)
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()
    hub = args.corpus / "metric-hub"
    if not hub.is_dir():
        print(f"corpus not found at {hub}", file=sys.stderr)
        return 2
    big_path = hub / "definitions" / "firefox_desktop.toml"
    big = big_path.read_text()
    files = [p.read_text() for p in sorted(hub.rglob("*.toml"))]
    total = sum(len(t.encode()) for t in files)

    rows = []
    t_toml = median_ms(lambda: tomllib.loads(big), args.repeat)
    t_parse = median_ms(lambda: parse(big), args.repeat)
    t_model = median_ms(lambda: build(parse(big)), args.repeat)
    rows.append((f"full parse {big_path.name} ({len(big.encode()) // 1024} KB)", t_toml, t_parse, t_model))

    reps = max(3, args.repeat // 5)
    c_toml = median_ms(lambda: [tomllib.loads(t) for t in files], reps)
    c_parse = median_ms(lambda: [parse(t) for t in files], reps)
    c_model = median_ms(lambda: [build(parse(t)) for t in files], reps)
    rows.append((f"whole corpus ({len(files)} files, {total / 1e6:.1f} MB)", c_toml, c_parse, c_model))

    tree = parse(big)
    middle = len(big) // 2
    t_edit = median_ms(lambda: tree.edit(middle, middle, "x"), args.repeat * 10)
    t_edit_model = median_ms(lambda: build(tree.edit(middle, middle, "x")), args.repeat)

    print(f"{'workload':48} {'tomllib':>9} {'jetls parse':>12} {'+ model':>9} {'parse/tomllib':>14}")
    for name, a, b, c in rows:
        print(f"{name:48} {a:8.2f}ms {b:11.2f}ms {c:8.2f}ms {b / a:13.2f}x")
    print(f"{'1-char edit in the middle of ' + big_path.name:48} {'':>9} {t_edit:11.3f}ms {t_edit_model:8.2f}ms"
          f"   (full parse / edit: {t_parse / t_edit:.0f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
