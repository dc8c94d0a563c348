"""SQL checks of the real metric-hub: every distinct rendered SQL text jetls checks (syntax with
sqlglot + the strict token checks + the function catalog, and with the routine catalog of a
bigquery-etl checkout), timed cold (caches cleared) beside tomllib parsing the same files, and the
one-time load of the routine catalog.

    python benchmarks/sql_bench.py [--corpus PATH] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tomllib
from pathlib import Path

from _common import REPO, corpus_root, stats

sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "tests" / "sql"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=corpus_root())
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    hub = args.corpus / "metric-hub"
    etl = args.corpus / "bigquery-etl"
    if not hub.is_dir():
        print(f"corpus not found at {hub}", file=sys.stderr)
        return 2
    from corpus_sql import rendered_fragments
    from synthetic_etl import write_checkout

    from jetls.sql import check_sql, clear_caches
    from jetls.sql import routines as R
    from jetls.sql.check import _check_cached
    from jetls.sql.lexer import lex
    from jetls.sql.syntax import parse_problems

    files = sorted(p for d in ("definitions", "jetstream") for p in (hub / d).rglob("*.toml"))
    texts = [p.read_text() for p in files]
    fragments = rendered_fragments(str(hub))
    chars = sum(len(s) for s, _ in fragments)

    def tomllib_all():
        for t in texts:
            tomllib.loads(t)

    def timed(fn, n):
        out = []
        for _ in range(n):
            t = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t)
        return out

    t_toml = timed(tomllib_all, args.repeat)

    def sqlglot_only():  # what jetls did before: sqlglot's parse alone
        for sql, kind in fragments:
            text = "SELECT * FROM " + sql if kind == "from" else sql
            parse_problems(text, kind, lex(text))

    def full(routines=None):
        def run():
            clear_caches()
            for sql, kind in fragments:
                _check_cached.__wrapped__(sql, kind, routines)
        return run

    t_parse = timed(sqlglot_only, args.repeat)
    t_full = timed(full(), args.repeat)
    routines = None
    t_load = []
    if (etl / "derived" / "routines.json").is_file():
        with tempfile.TemporaryDirectory() as tmp:
            checkout = write_checkout(etl / "derived" / "routines.json", Path(tmp))
            for _ in range(3):
                R._CACHE.clear()
                t = time.perf_counter()
                routines = R.load_routines(checkout)
                t_load.append(time.perf_counter() - t)
            t_routines = timed(full(routines), args.repeat)
    clear_caches()
    t = time.perf_counter()
    for sql, kind in fragments:
        check_sql(sql, kind, routines)
    t = time.perf_counter()
    for sql, kind in fragments:
        check_sql(sql, kind, routines)
    t_cached = time.perf_counter() - t

    base = statistics.median(t_toml)
    print(f"corpus: {len(files)} TOML files; {len(fragments)} distinct rendered SQL texts ({chars / 1e3:.0f} k characters)")
    print(f"tomllib parse of the files           {stats(t_toml)}")
    print(f"sqlglot parse alone (before)         {stats(t_parse)}   = {statistics.median(t_parse) / base:.1f}x tomllib")
    print(f"full SQL check, cold                 {stats(t_full)}   = {statistics.median(t_full) / base:.1f}x tomllib")
    if t_load:
        print(f"  + routine catalog (316 routines)   {stats(t_routines)}   = {statistics.median(t_routines) / base:.1f}x tomllib")
        print(f"routine catalog load (once per path) {stats(t_load)}")
    print(f"full SQL check, cached (a re-check)  {t_cached * 1000:7.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
