"""SQL syntax checks of rendered metric-hub SQL with sqlglot (BigQuery dialect).

Pure functions over strings; offsets are indices into the given SQL, half-open.  sqlglot is
not a validator (it accepts some invalid SQL), so this catches unbalanced parentheses, missing
operands, unterminated strings and obvious token errors — not "BigQuery accepts this".
Never give it unrendered template text: `{{x}}` parses as a STRUCT.

kinds:
- ``"expression"`` — a select expression (metric / segment / exposure signal), parsed bare;
- ``"from"`` — a data source ``from_expression``: a table name or ``( SELECT ... )``, checked
  as ``SELECT * FROM <it>``;
- ``"query"`` — a full query (``enrollment_query``).
"""

from __future__ import annotations

import functools
import logging
import threading

from jetls.lru import weighed_lru
from .templates import Problem

__all__ = ["check_sql", "unclosed_paren", "KINDS"]

KINDS = ("expression", "from", "query")
_FROM_PREFIX = "SELECT * FROM "
MAX_SQL = 500_000

_local = threading.local()


class _QuietWhileParsing(logging.Filter):
    """Drops sqlglot's own warnings (e.g. the Command fallback) emitted during our parses."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(_local, "parsing", False)


_sqlglot_logger = logging.getLogger("sqlglot")
_sqlglot_logger.addFilter(_QuietWhileParsing())


@functools.cache
def _sqlglot():
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ErrorLevel, ParseError, TokenError

    return sqlglot, exp, ErrorLevel, ParseError, TokenError


def check_sql(sql: str, kind: str) -> tuple[Problem, ...]:
    """Syntax problems of `sql` (JET450 errors, JET451 hints), positioned in `sql`."""
    if kind not in KINDS:  # a caller bug, but nothing escapes
        return (_hint(sql, f"SQL not validated: unknown SQL kind {kind!r} (expected one of {KINDS})"),)
    try:
        return _check_cached(sql, kind)
    except BaseException as exc:  # noqa: BLE001 — nothing escapes
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return (_hint(sql, f"SQL not validated: the checker failed ({type(exc).__name__})"),)


def _hint(sql: str, message: str) -> Problem:
    return Problem(0, len(sql), "JET451", "hint", message)


def _err(start: int, end: int, message: str) -> Problem:
    return Problem(start, max(end, start + 1) if start >= 0 else end, "JET450", "error", message)


@weighed_lru(2_000_000, lambda problems, sql, kind: len(sql) + 200 * len(problems) + 150)
def _check_cached(sql: str, kind: str) -> tuple[Problem, ...]:
    if len(sql) > MAX_SQL:
        return (_hint(sql, f"SQL not validated: longer than {MAX_SQL:,} characters"),)
    if not sql.strip():
        what = {"expression": "a select expression", "from": "a table or subquery", "query": "a query"}[kind]
        return (Problem(0, len(sql), "JET450", "error", f"empty SQL: expected {what}"),)
    prefix = _FROM_PREFIX if kind == "from" else ""
    text = prefix + sql
    shift = len(prefix)
    problems = _parse_problems(text, kind)
    out = []
    n = len(sql)
    for p in problems:
        s = min(max(p.start - shift, 0), n)
        e = min(max(p.end - shift, s), n)
        if e == s:
            if s >= n and n:
                s = n - 1
            e = s + 1 if n else 0
        out.append(Problem(s, e, p.code, p.severity, p.message))
    return tuple(out)


def _parse_problems(text: str, kind: str) -> list[Problem]:
    sqlglot, exp, ErrorLevel, ParseError, TokenError = _sqlglot()
    _local.parsing = True
    try:
        try:
            trees = sqlglot.parse(text, read="bigquery", error_level=ErrorLevel.RAISE, max_errors=5)
        except ParseError as e:
            return _from_parse_error(text, e)
        except TokenError as e:
            return [_from_token_error(text, e)]
        except RecursionError:
            return [_hint(text, "SQL not validated: nested too deeply for the checker")]
    finally:
        _local.parsing = False
    trees = [t for t in trees if t is not None]
    problems: list[Problem] = []
    if any(isinstance(t, exp.Command) for t in trees):
        return [_hint(text, "SQL not validated: sqlglot does not understand this syntax (it fell back to an "
                            "unparsed command); use a BigQuery dry run to check it")]
    if len(trees) > 1:
        semi = _statement_separator(text)
        what = {"expression": "one expression", "from": "one table or subquery", "query": "one query"}[kind]
        problems.append(_err(semi, semi + 1, f"more than one SQL statement: expected {what}; remove the `;`"))
    elif kind == "expression" and trees:
        t = trees[0]
        if isinstance(t, exp.Query) and not isinstance(t, exp.Subquery) or isinstance(t, exp.DDL) or isinstance(t, exp.DML):
            problems.append(_err(0, len(text), "a select expression must be an expression, not a statement; "
                                               "wrap a subquery in parentheses: `(SELECT ...)`"))
    elif kind == "query" and trees and not isinstance(trees[0], exp.Query):
        problems.append(_err(0, len(text), f"expected a query (SELECT / WITH ...), found {type(trees[0]).__name__}"))
    return problems


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for i, c in enumerate(text):
        if c == "\n":
            starts.append(i + 1)
    return starts


def _tokens(text: str):
    sqlglot, *_ = _sqlglot()
    try:
        return sqlglot.tokenize(text, read="bigquery")
    except Exception:  # noqa: BLE001
        return []


def unclosed_paren(text: str) -> int | None:
    """Offset of the innermost `(` that is never closed (per sqlglot's tokenizer), if any."""
    from sqlglot.tokens import TokenType

    stack = []
    for t in _tokens(text):
        if t.token_type == TokenType.L_PAREN:
            stack.append(t.start)
        elif t.token_type == TokenType.R_PAREN and stack:
            stack.pop()
    return stack[-1] if stack else None


def _statement_separator(text: str) -> int:
    from sqlglot.tokens import TokenType

    for t in _tokens(text):
        if t.token_type == TokenType.SEMICOLON:
            return t.start
    return 0


def _describe(text: str, desc: str, highlight: str, start: int) -> str:
    if desc.startswith("Expecting )"):
        p = unclosed_paren(text)
        where = ""
        if p is not None:
            before = text[max(0, p - 40) : p].split()
            word = before[-1] if before else ""
            where = f" (the `(` after `{word[-30:]}` is never closed)" if word else " (a `(` is never closed)"
        return f"unbalanced parentheses: expected `)` near `{highlight}`{where}"
    if desc.startswith("Expecting"):
        return f"syntax error: {desc.lower().replace('expecting', 'expected', 1)} near `{highlight}`"
    if desc.startswith("Required keyword: 'expression' missing"):
        return f"incomplete expression: `{highlight}` is missing its right-hand operand"
    if desc.startswith("Required keyword: 'this' missing"):
        return f"incomplete expression near `{highlight}`: an operand is missing"
    if desc.startswith("Invalid expression / Unexpected token"):
        return f"syntax error: unexpected `{highlight}`"
    return f"syntax error: {desc} near `{highlight}`"


def _from_parse_error(text: str, e) -> list[Problem]:
    starts = _line_starts(text)
    out: list[Problem] = []
    seen = set()
    # only the first error: the following ones are usually cascades of it
    for d in (e.errors or [])[:1]:
        line, col = d.get("line"), d.get("col")
        hl = d.get("highlight") or ""
        desc = d.get("description") or str(e)
        if isinstance(line, int) and isinstance(col, int) and 1 <= line <= len(starts):
            end = min(starts[line - 1] + col, len(text))
            start = max(end - len(hl), 0)
            if hl and text[start:end] != hl:
                # fall back to searching the highlight around the reported place
                k = text.rfind(hl, 0, end + len(hl))
                if k >= 0:
                    start, end = k, k + len(hl)
        else:
            start, end = 0, len(text)
        if (start, end) in seen:
            continue
        seen.add((start, end))
        out.append(_err(start, end, _describe(text, desc, hl.strip() or hl, start)))
    if not out:
        out.append(_err(0, len(text), f"syntax error: {e}"))
    return out


def _from_token_error(text: str, e) -> Problem:
    """TokenError has no usable position: find the unterminated quote/comment ourselves."""
    pos = _unterminated(text)
    if pos is not None:
        start, opener = pos
        if opener in ("/*",):
            return _err(start, start + 2, "unterminated comment: `/*` is never closed with `*/`")
        if opener == "`":
            return _err(start, start + 1, "unterminated quoted identifier: the backtick opened here is never closed")
        return _err(start, start + len(opener),
                    f"unterminated string literal: the `{opener}` opened here is never closed")
    return _err(0, len(text), f"SQL could not be tokenized: {e}")


def _unterminated(text: str) -> tuple[int, str] | None:
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "-" and text.startswith("--", i) or c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
            continue
        if c == "/" and text.startswith("/*", i):
            j = text.find("*/", i + 2)
            if j < 0:
                return (i, "/*")
            i = j + 2
            continue
        if c in "'\"`":
            start = i
            q = text[i : i + 3] if c != "`" and text.startswith(c * 3, i) else c
            i += len(q)
            while i < n:
                if text[i] == "\\" and c != "`":  # also in raw strings, as sqlglot does
                    i += 2
                    continue
                if text.startswith(q, i):
                    break
                if len(q) == 1 and c != "`" and text[i] == "\n":
                    return (start, q)
                i += 1
            if i >= n:
                return (start, q)
            i += len(q)
            continue
        i += 1
    return None
