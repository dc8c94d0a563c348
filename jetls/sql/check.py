"""`check_sql`: every problem of one rendered SQL text — syntax (sqlglot + strict token checks),
BigQuery functions and, with a routine catalog, Mozilla routines. Cached by content."""

from __future__ import annotations

from jetls.diagnostics import Problem
from jetls.lru import weighed_lru

from .lexer import lex, mask_raw_bytes
from .syntax import FROM_PREFIX, KINDS, MAX_SQL, hint, parse_problems, strict_problems

__all__ = ["KINDS", "check_sql", "clear_caches"]


def check_sql(sql: str, kind: str, routines=None) -> tuple[Problem, ...]:
    """Problems of `sql` (a select expression, a FROM item or a query), positioned in `sql`.

    `routines`: a `RoutineCatalog` (or None: routine calls are not judged). It is part of the
    cache key (by its identity: path and content fingerprint)."""
    if kind not in KINDS:  # a caller bug, but nothing escapes
        return (hint(sql, f"SQL not validated: unknown SQL kind {kind!r} (expected one of {KINDS})"),)
    try:
        return _check_cached(sql, kind, routines)
    except BaseException as exc:  # noqa: BLE001 — nothing escapes
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return (hint(sql, f"SQL not validated: the checker failed ({type(exc).__name__})"),)


def clear_caches() -> None:
    _check_cached.cache_clear()


@weighed_lru(2_000_000, lambda problems, sql, kind, routines: len(sql) + 200 * len(problems) + 150)
def _check_cached(sql: str, kind: str, routines) -> tuple[Problem, ...]:
    if len(sql) > MAX_SQL:
        return (hint(sql, f"SQL not validated: longer than {MAX_SQL:,} characters"),)
    if not sql.strip():
        what = {"expression": "a select expression", "from": "a table or subquery", "query": "a query"}[kind]
        return (Problem(0, len(sql), "JET450", "error", f"empty SQL: expected {what}"),)
    prefix = FROM_PREFIX if kind == "from" else ""
    text = prefix + mask_raw_bytes(sql)
    lx = lex(text)
    problems = parse_problems(text, kind, lx)
    if lx is not None:
        from .functions import function_problems

        calls = function_problems(text, lx, routines)
        if not problems:
            problems = strict_problems(text, kind, lx) + calls
        else:
            # sqlglot trips over a known function's wrong argument count (`SAFE_DIVIDE(a)`)
            # with a confusing message: the argument count says what is wrong
            _, unclosed, stray = lx.parens
            arity = [
                c
                for c in calls
                if c.code == "JET454"
                and not unclosed
                and not stray
                and any(c.start <= p.start < c.end for p in problems if p.code == "JET450")
            ]
            if arity:
                problems = arity
    return tuple(_shift(problems, len(prefix), len(sql)))


def _shift(problems: list[Problem], shift: int, n: int) -> list[Problem]:
    out = []
    for p in sorted(problems, key=lambda p: (p.start, p.end, p.code)):
        s = min(max(p.start - shift, 0), n)
        e = min(max(p.end - shift, s), n)
        if e == s:
            if s >= n and n:
                s = n - 1
            e = s + 1 if n else 0
        out.append(Problem(s, e, p.code, p.severity, p.message, p.data))
    return out
