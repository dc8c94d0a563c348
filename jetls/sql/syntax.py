"""BigQuery SQL syntax: sqlglot's parse (BigQuery dialect), then strict token-level checks.

Pure functions over strings; offsets are indices into the given SQL, half-open.  sqlglot is a
lenient transpiler, not a validator: it drops an empty list item (`COALESCE(x,, 0)`), accepts
`==`, a `WHEN` without `THEN`, `GROUP BY` with nothing after it... and regenerates valid SQL.
So after a successful parse the token stream is checked against BigQuery's own grammar for those
classes (see docs/sql.md); BigQuery's liberties stay allowed: a trailing comma at the end of a
SELECT list, `SAFE.` prefixes, `IGNORE NULLS`, `STRUCT<...>` types, `r''` strings, `WEEK(MONDAY)`.
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

from jetls.diagnostics import Problem

from .lexer import Lexed, lex

__all__ = ["KINDS", "MAX_SQL", "FROM_PREFIX", "parse_problems", "strict_problems", "unclosed_paren"]

KINDS = ("expression", "from", "query")
FROM_PREFIX = "SELECT * FROM "
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
    from sqlglot.dialects.dialect import Dialect
    from sqlglot.errors import ErrorLevel, ParseError, TokenError

    return sqlglot, exp, ErrorLevel, ParseError, TokenError, Dialect.get_or_raise("bigquery")


def hint(sql: str, message: str) -> Problem:
    return Problem(0, len(sql), "JET451", "hint", message)


def _err(start: int, end: int, message: str, data: dict | None = None) -> Problem:
    return Problem(start, max(end, start + 1) if start >= 0 else end, "JET450", "error", message, data)


def parse_problems(text: str, kind: str, lx: Lexed | None) -> list[Problem]:
    """sqlglot's verdict on `text` (`lx`: its tokens, None when it could not be tokenized)."""
    if lx is None:
        return [_from_token_error(text)]
    toks = lx.toks
    _, exp, ErrorLevel, ParseError, TokenError, dialect = _sqlglot()
    _local.parsing = True
    try:
        try:
            trees = _parse(dialect, ErrorLevel, toks, text)
        except ParseError as e:
            return _from_parse_error(text, e)
        except TokenError:
            return [_from_token_error(text)]
        except RecursionError:
            return [hint(text, "SQL not validated: nested too deeply for the checker")]
        except Exception:  # noqa: BLE001 — a crash inside sqlglot on valid SQL (`TRANSLATE(x, 'a', 'b')`)
            masked = _parse_masked(dialect, ErrorLevel, lx)
            if masked is None:
                return []  # judged by the strict checks alone
            trees = masked
    finally:
        _local.parsing = False
    trees = [t for t in trees if t is not None]
    problems: list[Problem] = []
    if any(isinstance(t, exp.Command) for t in trees):
        return [
            hint(
                text,
                "SQL not validated: sqlglot does not understand this syntax (it fell back to an "
                "unparsed command); use a BigQuery dry run to check it",
            )
        ]
    if len(trees) > 1:
        semi = _statement_separator(toks)
        what = {"expression": "one expression", "from": "one table or subquery", "query": "one query"}[kind]
        problems.append(_err(semi, semi + 1, f"more than one SQL statement: expected {what}; remove the `;`"))
    elif kind == "expression" and trees:
        t = trees[0]
        if (
            isinstance(t, exp.Query)
            and not isinstance(t, exp.Subquery)
            or isinstance(t, exp.DDL)
            or isinstance(t, exp.DML)
        ):
            problems.append(
                _err(
                    0,
                    len(text),
                    "a select expression must be an expression, not a statement; "
                    "wrap a subquery in parentheses: `(SELECT ...)`",
                )
            )
    elif kind == "query" and trees and not isinstance(trees[0], exp.Query):
        problems.append(_err(0, len(text), f"expected a query (SELECT / WITH ...), found {type(trees[0]).__name__}"))
    return problems


def _parse(dialect, ErrorLevel, toks: list, text: str) -> list:
    return dialect.parser(error_level=ErrorLevel.RAISE, max_errors=5).parse(toks, text)


def _parse_masked(dialect, ErrorLevel, lx: Lexed) -> list | None:
    """sqlglot crashed (an AttributeError in its rewrite of some functions): parse again with every
    called name replaced by an anonymous one of the same length, so that the syntax is still
    checked and every offset stays the same. None when that crashes too."""
    chars = list(lx.text)
    for call in lx.calls:
        for k in range(call.start, call.end):
            if chars[k] not in ".`":
                chars[k] = "x" if k > call.start else "f"
    masked = "".join(chars)
    try:
        masked_lx = lex(masked)
        return _parse(dialect, ErrorLevel, masked_lx.toks if masked_lx else [], masked)
    except Exception:  # noqa: BLE001 — whatever it is, it is sqlglot's
        return None


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for i, c in enumerate(text):
        if c == "\n":
            starts.append(i + 1)
    return starts


def unclosed_paren(text: str) -> int | None:
    """Offset of the innermost `(` or `[` that is never closed (per sqlglot's tokenizer), if any."""
    lx = lex(text)
    if lx is None:
        return None
    unclosed = lx.parens[1]
    return lx.toks[unclosed[-1]].start if unclosed else None


def _statement_separator(toks: list) -> int:
    for t in toks:
        if t.token_type.name == "SEMICOLON":
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


def _from_token_error(text: str) -> Problem:
    """TokenError has no usable position: find the unterminated quote/comment ourselves."""
    pos = _unterminated(text)
    if pos is not None:
        start, opener = pos
        if opener in ("/*",):
            return _err(start, start + 2, "unterminated comment: `/*` is never closed with `*/`")
        if opener == "`":
            return _err(start, start + 1, "unterminated quoted identifier: the backtick opened here is never closed")
        return _err(
            start, start + len(opener), f"unterminated string literal: the `{opener}` opened here is never closed"
        )
    return _err(0, len(text), "SQL could not be tokenized")


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


# --------------------------------------------------------------------------------------
# Strict checks: what BigQuery rejects and sqlglot's parser lets through
# --------------------------------------------------------------------------------------

_SELECT_CLAUSES = {
    "FROM",
    "WHERE",
    "GROUP_BY",
    "HAVING",
    "QUALIFY",
    "WINDOW",
    "ORDER_BY",
    "LIMIT",
    "UNION",
    "INTERSECT",
}
# Tokens that end a clause: a keyword that needs something after it is incomplete before them.
_CLAUSE_END = _SELECT_CLAUSES | {
    "R_PAREN",
    "R_BRACKET",
    "SEMICOLON",
    "COMMA",
    "EXCEPT",
    "JOIN",
    "LEFT",
    "RIGHT",
    "INNER",
    "FULL",
    "CROSS",
    "OUTER",
    "ON",
    "USING",
    "ROWS",
    "RANGE",
    "THEN",
    "ELSE",
    "END",
    "WHEN",
}
_NEEDS_OPERAND = {
    "GROUP_BY": "`GROUP BY` has nothing after it: name the grouping columns (or remove it)",
    "PARTITION_BY": "`PARTITION BY` has nothing after it: name the partitioning columns (or remove it)",
    "ORDER_BY": "`ORDER BY` has nothing after it: name the ordering columns (or remove it)",
    "ON": "`ON` has no join condition after it",
    "WHERE": "`WHERE` has no condition after it",
    "HAVING": "`HAVING` has no condition after it",
    "QUALIFY": "`QUALIFY` has no condition after it",
}
# `AS` before one of these has no alias.
_ALIAS_MISSING_BEFORE = _SELECT_CLAUSES | {
    "COMMA",
    "R_PAREN",
    "R_BRACKET",
    "SEMICOLON",
    "JOIN",
    "LEFT",
    "RIGHT",
    "INNER",
    "FULL",
    "CROSS",
    "ON",
    "USING",
}
_IS_OPERANDS = {"NULL", "TRUE", "FALSE", "DISTINCT", "UNKNOWN"}
# Date parts of INTERVAL literals (`INTERVAL 3 DAY`, `INTERVAL '1:2' HOUR TO MINUTE`).
INTERVAL_PARTS = ("YEAR", "QUARTER", "MONTH", "WEEK", "DAY", "HOUR", "MINUTE", "SECOND", "MILLISECOND", "MICROSECOND")
_JOIN_KINDS = {"LEFT", "RIGHT", "INNER", "FULL", "OUTER", "CROSS", "NATURAL"}
_JOIN_END = {
    "WHERE",
    "GROUP_BY",
    "JOIN",
    "LEFT",
    "RIGHT",
    "INNER",
    "FULL",
    "CROSS",
    "R_PAREN",
    "COMMA",
    "ORDER_BY",
    "LIMIT",
    "HAVING",
    "QUALIFY",
    "WINDOW",
    "UNION",
    "INTERSECT",
    "SEMICOLON",
}


def _date_part_fix(word: str, parts: tuple[str, ...]) -> str | None:
    """The date part a mistaken word most likely meant (`DAYS` → `DAY`), if any."""
    w = word.upper()
    for cand in (w[:-1] if w.endswith("S") else None, w.rstrip("S")):
        if cand and cand in parts:
            return cand
    import difflib

    close = difflib.get_close_matches(w, parts, 1, 0.75)
    return close[0] if close else None


def strict_problems(text: str, kind: str, lx: Lexed) -> list[Problem]:
    """BigQuery syntax errors that sqlglot parses without complaint (run after a clean parse)."""
    toks, names = lx.toks, lx.names
    out: list[Problem] = []
    n = len(toks)
    pairs, unclosed, stray = lx.parens
    angles = lx.angles

    def at(i: int):
        return toks[i] if 0 <= i < n else None

    def name(i: int) -> str:
        return names[i] if 0 <= i < n else "EOF"

    def word(i: int) -> str:
        t = at(i)
        return "the end of the text" if t is None else f"`{text[t.start : t.end + 1]}`"

    def err(i: int, j: int, message: str, data: dict | None = None, code: str = "JET450") -> None:
        s = toks[i].start
        e = toks[j].end + 1 if j < n else len(text)
        p = _err(s, e, message, data)
        out.append(p if code == "JET450" else Problem(p.start, p.end, code, "error", message, data))

    if unclosed:
        i = unclosed[0]
        opener = toks[i].text
        before = (
            f" after `{toks[i - 1].text}`"
            if i and names[i - 1] in ("VAR", "IDENTIFIER") or i and toks[i - 1].text[:1].isalpha()
            else ""
        )
        closer = ")" if opener == "(" else "]"
        err(i, i, f"unbalanced parentheses: the `{opener}`{before} is never closed; add `{closer}`")
    if stray:
        i = stray[0]
        err(i, i, f"unbalanced parentheses: this `{toks[i].text}` closes nothing")

    # per bracket level: the clause being read ("select" while in a SELECT list)
    clause: list[str | None] = [None]
    cases: list[list] = []  # open CASE expressions: [state, index of the last WHEN]
    opened: list[int] = []  # indices of the brackets open at this point
    for i in [k for k, nm in enumerate(names) if nm in _STRICT_TOKENS]:
        t = toks[i]
        tt = names[i]
        nx = name(i + 1)
        if tt in ("L_PAREN", "L_BRACKET"):
            clause.append(None)
            opened.append(i)
            if nx == "COMMA" and i + 1 not in angles:
                err(i + 1, i + 1, "an item is missing before this `,`")
            continue
        if tt in ("R_PAREN", "R_BRACKET"):
            if len(clause) > 1:
                clause.pop()
            if opened:
                opened.pop()
            continue
        if tt in _OTHER_DIALECTS:
            err(i, i, _OTHER_DIALECTS[tt])
            continue
        if tt == "FILTER" and name(i - 1) == "R_PAREN" and nx == "L_PAREN":
            err(i, i, _FILTER)
            continue
        if tt == "ALIAS" and opened and i + 1 < n and toks[i + 1].text.upper() in _OTHER_TYPES:
            o = opened[-1]
            if o and toks[o - 1].text.upper() in ("CAST", "SAFE_CAST"):
                typ = toks[i + 1].text
                good = _OTHER_TYPES[typ.upper()]
                err(i + 1, i + 1, f"`{typ}` is not a BigQuery type: write `{good}`", {"replacement": good})
                continue
        if tt == "SELECT":
            clause[-1] = "select"
        elif tt in _SELECT_CLAUSES or tt == "EXCEPT" and name(i - 1) != "STAR":
            clause[-1] = "other"

        if tt == "COMMA" and i not in angles:
            if nx == "COMMA":
                err(i, i + 1, "two commas in a row: an item is missing between them")
            elif nx in ("R_PAREN", "R_BRACKET", "SEMICOLON", "EOF"):
                # BigQuery allows a trailing comma at the end of a SELECT list, nowhere else
                if not (clause[-1] == "select" and nx != "R_BRACKET"):
                    where = "before " + word(i + 1) if nx != "EOF" else "at the end"
                    err(i, i, f"trailing comma {where}: an item is missing after this `,` (remove the comma)")
        elif tt == "EQ" and t.text == "==":
            err(i, i, "`==` is not a BigQuery operator: write `=`", {"replacement": "="})
        elif tt == "SEMICOLON":
            err(i, i, "`;` ends a statement, and this SQL is embedded in a larger query: remove the `;`")
            break
        elif tt == "IN" and nx == "L_PAREN" and name(i + 2) == "R_PAREN":
            err(i, i + 2, "`IN ()` is empty: list at least one value")
        elif (
            tt in ("USING", "EXCEPT", "REPLACE")
            and nx == "L_PAREN"
            and name(i + 2) == "R_PAREN"
            and (tt == "USING" or name(i - 1) == "STAR")
        ):
            err(i, i + 2, f"`{t.text.upper()} ()` is empty: list at least one column")
        elif tt == "ALIAS" and nx in _ALIAS_MISSING_BEFORE or tt == "ALIAS" and nx == "EOF":
            err(i, i, f"`AS` has no alias after it (found {word(i + 1)})")
        elif tt == "IS":
            k = i + 1 if nx != "NOT" else i + 2
            if name(k) not in _IS_OPERANDS:
                what = "`IS NOT`" if k == i + 2 else "`IS`"
                err(
                    i,
                    k if k < n else k - 1,
                    f"{what} must be followed by NULL, TRUE, FALSE or DISTINCT FROM, found {word(k)}",
                )
        elif tt in _NEEDS_OPERAND and (nx in _CLAUSE_END or nx == "EOF"):
            err(i, i, _NEEDS_OPERAND[tt])
        elif tt == "DISTINCT" and nx in ("R_PAREN", "COMMA", "FROM", "EOF") and name(i - 1) not in ("IS", "NOT"):
            err(i, i, f"`DISTINCT` has no expression after it (found {word(i + 1)})")
        elif tt == "CASE":
            cases.append([None, i])
        elif tt == "WHEN" and cases:
            if cases[-1][0] == "when":
                w = cases[-1][1]
                err(w, w, "`WHEN` without `THEN`: write `WHEN <condition> THEN <result>`")
            cases[-1] = ["when", i]
        elif tt == "THEN" and cases:
            cases[-1][0] = "then"
        elif tt in ("ELSE", "END") and cases:
            if cases[-1][0] == "when":
                w = cases[-1][1]
                err(w, w, "`WHEN` without `THEN`: write `WHEN <condition> THEN <result>`")
            cases[-1][0] = "else"
            if tt == "END":
                cases.pop()
        elif tt == "INTERVAL":
            _check_interval(toks, names, i, pairs, err, text)
        elif tt == "JOIN":
            _check_join(toks, names, i, pairs, err)
    return out


# Other dialects' syntax that sqlglot's BigQuery parser accepts (and rewrites) but BigQuery rejects.
_OTHER_DIALECTS = {
    "DCOLON": "`::` is not a BigQuery cast: write `CAST(<value> AS <type>)`",
    "ILIKE": "BigQuery has no `ILIKE`: write `LOWER(<value>) LIKE LOWER(<pattern>)`",
}
_FILTER = (
    "BigQuery has no `FILTER (WHERE ...)` clause on aggregates: write `COUNTIF(<condition>)`, or the "
    "aggregate of `IF(<condition>, <value>, NULL)`"
)
# Type names of other dialects in `CAST(x AS <type>)`, and BigQuery's.
_OTHER_TYPES = {
    "VARCHAR": "STRING",
    "NVARCHAR": "STRING",
    "CHAR": "STRING",
    "NCHAR": "STRING",
    "CHARACTER": "STRING",
    "TEXT": "STRING",
    "DOUBLE": "FLOAT64",
    "REAL": "FLOAT64",
    "FLOAT4": "FLOAT64",
    "FLOAT8": "FLOAT64",
    "INT2": "INT64",
    "INT4": "INT64",
    "INT8": "INT64",
}

# The tokens the loop of `strict_problems` looks at (the others only sit between them).
_STRICT_TOKENS = (
    frozenset(
        {
            "L_PAREN",
            "L_BRACKET",
            "R_PAREN",
            "R_BRACKET",
            "SELECT",
            "EXCEPT",
            "COMMA",
            "EQ",
            "SEMICOLON",
            "IN",
            "USING",
            "REPLACE",
            "ALIAS",
            "IS",
            "DISTINCT",
            "CASE",
            "WHEN",
            "THEN",
            "ELSE",
            "END",
            "INTERVAL",
            "JOIN",
            "FILTER",
        }
    )
    | set(_OTHER_DIALECTS)
    | _SELECT_CLAUSES
    | set(_NEEDS_OPERAND)
)


def _skip_operand(names: list[str], toks: list, k: int, pairs: dict[int, int]) -> int:
    """Index after one operand starting at `k`: a literal, a dotted name (with a call's parentheses)
    or a parenthesised expression, after an optional sign."""
    n = len(names)
    if k < n and names[k] in ("DASH", "PLUS"):
        k += 1
    if k < n and names[k] == "L_PAREN":
        return pairs.get(k, n - 1) + 1
    if k >= n:
        return k
    k += 1
    while k + 1 < n and names[k] == "DOT":
        k += 2
    if k < n and names[k] == "L_PAREN":
        k = pairs.get(k, n - 1) + 1
    return k


def _check_interval(toks, names, i, pairs, err, text) -> None:
    k = _skip_operand(names, toks, i + 1, pairs)
    if k >= len(toks):
        err(i, i, "`INTERVAL` has no date part: write e.g. `INTERVAL 7 DAY`")
        return
    t = toks[k]
    w = t.text.upper()
    if w in INTERVAL_PARTS:
        return
    if names[k] in ("VAR",) or t.text[:1].isalpha():
        fix = _date_part_fix(w, INTERVAL_PARTS)
        hint_ = f": write `{fix}`" if fix else f" (one of {', '.join(INTERVAL_PARTS)})"
        err(
            k,
            k,
            f"`{t.text}` is not a date part of an INTERVAL{hint_}",
            {"replacement": fix} if fix else None,
            "JET455",
        )
    elif names[k] in ("R_PAREN", "COMMA", "EOF"):
        err(i, i, "`INTERVAL` has no date part: write e.g. `INTERVAL 7 DAY`")


def _check_join(toks, names, i, pairs, err) -> None:
    n = len(names)
    j = i - 1
    while j >= 0 and names[j] in _JOIN_KINDS:
        if names[j] in ("CROSS", "NATURAL"):
            return
        j -= 1
    k = i + 1
    if k >= n:
        return
    if names[k] == "UNNEST":
        return  # a correlated join with an array: no condition needed
    if names[k] == "L_PAREN":
        k = pairs.get(k, n - 1) + 1
    else:
        parts = 0
        if names[k] not in ("VAR", "IDENTIFIER"):
            return
        while k < n and names[k] in ("VAR", "IDENTIFIER"):
            parts += toks[k].text.count(".") + 1 if names[k] == "IDENTIFIER" else 1
            k += 1
            if k + 1 < n and names[k] == "DOT":
                k += 1
            else:
                break
        if parts == 2:
            return  # `alias.array_field`: possibly a correlated join, no condition needed
        if k < n and names[k] == "L_PAREN":
            k = pairs.get(k, n - 1) + 1
    if k < n and names[k] == "ALIAS":
        k += 2
    elif k < n and names[k] in ("VAR", "IDENTIFIER"):
        k += 1
    nxt = names[k] if k < n else "EOF"
    if nxt in ("ON", "USING"):
        return
    if nxt in _JOIN_END or nxt == "EOF":
        err(i, i, "`JOIN` without a condition: add `ON <condition>` or `USING (<columns>)`, or write `CROSS JOIN`")
