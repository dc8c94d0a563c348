"""Checking many files of one snapshot, optionally on several cores.

`check_files(ws, paths, options, jobs)` returns `{path: FileReport}` in the order of `paths`.
With `jobs > 1` (and the `fork` start method: Linux), worker processes are forked *after* the
workspace is loaded, so they share the parsed snapshot copy-on-write and pay neither the
import nor the load again; each checks an interleaved share of the files. Any failure of the
pool falls back to checking in this process.
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Sequence

from jetls.options import Options

from .engine import FileReport, check_file

_STATE: tuple | None = None  # (ws, options) inherited by forked workers


def default_jobs() -> int:
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    return max(1, n)


def _work(share: Sequence[str]) -> list[tuple[str, FileReport]]:
    assert _STATE is not None  # (set before the workers are forked)
    ws, options = _STATE
    return [(p, check_file(ws, p, options)) for p in share]


def check_files(ws, paths: Sequence[str], options: Options | None = None, jobs: int = 1) -> dict[str, FileReport]:
    options = options or ws.options
    paths = list(paths)
    if jobs > 1 and len(paths) >= 2 * jobs and "fork" in multiprocessing.get_all_start_methods():
        global _STATE
        _ = ws.index  # build the shared parts once, before forking
        if options.sql:
            from jetls.sql.syntax import _sqlglot

            _sqlglot()  # import once, shared by the workers
            if options.bigquery_etl:
                from jetls.sql.routines import load_routines

                load_routines(options.bigquery_etl)  # read once, shared by the workers
        _STATE = (ws, options)
        try:
            ctx = multiprocessing.get_context("fork")
            # interleaved shares: neighbouring files (same folder) cost alike
            shares = [paths[i::jobs] for i in range(jobs)]
            with ctx.Pool(jobs - 1) as pool:
                pending = [pool.apply_async(_work, (s,)) for s in shares[1:]]
                done = dict(_work(shares[0]))
                for r in pending:
                    done.update(r.get())
            return {p: done[p] for p in paths}
        except Exception:  # noqa: BLE001 — a broken pool: do it here
            pass
        finally:
            _STATE = None
    return {p: check_file(ws, p, options) for p in paths}
