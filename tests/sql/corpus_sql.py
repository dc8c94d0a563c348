"""Every SQL text jetls checks in the real metric-hub corpus, as it checks it: after Jinja and
str.format rendering (collected by running the real checks with `jetls.sql.check_sql` observed)."""

from __future__ import annotations

import functools
from pathlib import Path

import jetls.sql
from jetls.checks import check_file
from jetls import templates as T
from jetls.workspace import Workspace


@functools.lru_cache(maxsize=2)
def rendered_fragments(root: str) -> tuple[tuple[str, str], ...]:
    """Distinct (rendered SQL, kind) pairs of every file of the checkout at `root`."""
    seen: dict[tuple[str, str], None] = {}
    real = jetls.sql.check_sql

    def observe(sql, kind, *rest):
        seen.setdefault((sql, kind), None)
        return real(sql, kind, *rest)

    ws = Workspace.load(root)
    T.clear_caches()
    jetls.sql.check_sql = observe
    try:
        for path in sorted(ws.files):
            check_file(ws, path)
    finally:
        jetls.sql.check_sql = real
        T.clear_caches()
    return tuple(seen)


def sources(root: str | Path) -> list[str]:
    return sorted(str(p) for p in Path(root).rglob("*.toml"))
