"""BigQuery tokens (sqlglot's tokenizer) and the function calls they contain.

Shared by the strict syntax checks, the function checks and the editor help. Offsets are indices
into the tokenized text; a token's span is ``[tok.start, tok.end + 1)`` (sqlglot's ``end`` is
inclusive).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass


@functools.cache
def _dialect():
    import sqlglot  # noqa: F401 — first: importing sqlglot.dialects.dialect first is a circular import
    from sqlglot.dialects.dialect import Dialect

    return Dialect.get_or_raise("bigquery")


_RAW_BYTES = re.compile(r"""(?i)(?<![\w.])(?:rb|br)('\'\'|\"\"\"|'|\")""")


def mask_raw_bytes(text: str) -> str:
    """`rb'...'` and `br'...'` (raw bytes: valid BigQuery that sqlglot's tokenizer does not know)
    written as `b'...'` of the same length (offsets stay): the `r` a space, and the content's
    backslashes, which escape nothing in a raw literal, `x`."""
    if not _RAW_BYTES.search(text):
        return text
    out, pos = [], 0
    for m in _RAW_BYTES.finditer(text):
        if m.start() < pos:
            continue
        quote = m.group(1)
        end = text.find(quote, m.end())
        if end < 0:
            break
        out.append(text[pos : m.start()] + " b" + quote + text[m.end() : end].replace("\\", "x") + quote)
        pos = end + len(quote)
    out.append(text[pos:])
    return "".join(out)


def tokenize(text: str) -> list | None:
    """sqlglot tokens of `text`, or None when it cannot be tokenized (an unterminated string...)."""
    dialect = _dialect()
    try:
        return dialect.tokenize(text)
    except Exception:  # noqa: BLE001 — TokenError and whatever else the tokenizer raises
        return None


def span(tok) -> tuple[int, int]:
    return tok.start, tok.end + 1


class Lexed:
    """A text, its tokens and what every check needs of them, each computed once."""

    __slots__ = ("text", "toks", "names", "_parens", "_angles", "_calls")

    def __init__(self, text: str, toks: list) -> None:
        self.text = text
        self.toks = toks
        self.names = [t.token_type.name for t in toks]
        self._parens: tuple[dict[int, int], list[int], list[int]] | None = None
        self._angles: set[int] | None = None
        self._calls: list[Call] | None = None

    @property
    def parens(self) -> tuple[dict[int, int], list[int], list[int]]:
        """(open index -> close index, `(`/`[` never closed, `)`/`]` never opened)."""
        if self._parens is None:
            self._parens = matching_parens(self.toks, self.names)
        return self._parens

    @property
    def angles(self) -> set[int]:
        if self._angles is None:
            self._angles = angle_ranges(self.toks, self.names)
        return self._angles

    @property
    def calls(self) -> list["Call"]:
        if self._calls is None:
            self._calls = find_calls(self)
        return self._calls


def lex(text: str) -> Lexed | None:
    """`text` tokenized, or None when it cannot be (an unterminated string...)."""
    toks = tokenize(text)
    return None if toks is None else Lexed(text, toks)


@dataclass(frozen=True)
class Call:
    """`name(args)` in SQL text. `parts` are the dotted name's parts (backticks removed, a quoted
    `a.b.c` split at its dots); `args` the spans of the top-level arguments, () for `f()`;
    `close` is None when the `(` is never closed. `counted` is False when the argument list is not
    a plain comma list (a subquery), so its length says nothing about arity."""

    parts: tuple[str, ...]
    start: int
    end: int
    open: int
    close: int | None
    args: tuple[tuple[int, int], ...]
    commas: tuple[int, ...]
    counted: bool = True

    @property
    def name(self) -> str:
        return ".".join(self.parts)


# Keyword tokens that are followed by `(` without being a call.
_NOT_CALLS = {
    "IN",
    "OVER",
    "ALIAS",
    "USING",
    "EXISTS",
    "ON",
    "AND",
    "OR",
    "NOT",
    "WHEN",
    "THEN",
    "ELSE",
    "SELECT",
    "FROM",
    "JOIN",
    "WHERE",
    "WITH",
    "INTERVAL",
    "IS",
    "LIKE",
    "BETWEEN",
    "UNION",
    "INTERSECT",
    "WINDOW",
    "QUALIFY",
    "HAVING",
    "LIMIT",
    "VALUES",
    "ALL",
    "ANY",
    "SOME",
    "DISTINCT",
    "PIVOT",
    "UNPIVOT",
    "TABLE_SAMPLE",
    "FOR",
    "GROUP_BY",
    "ORDER_BY",
    "PARTITION_BY",
    "ROLLUP",
    "CUBE",
    "GROUPING_SETS",
    "RETURNS",
    "CASE",
    "TABLE",
    "LATERAL",
    "RECURSIVE",
    "ROWS",
    "RANGE_BETWEEN",
    "PERCENT",
    "ESCAPE",
    "SET",
    "DECLARE",
    "CREATE",
    "FUNCTION",
    "OPTIONS",
    "LANGUAGE",
    "INSERT",
    "INTO",
    "UPDATE",
    "DELETE",
    "MERGE",
}
# Tokens after which a `name (` is a type with parameters (`CAST(x AS NUMERIC(10, 2))`), a
# declaration (`FUNCTION f(x INT64)`), or a column/alias list, not a call.
# (`TABLESAMPLE SYSTEM (10 PERCENT)`: a sampling method, not a call)
_NOT_CALL_AFTER = {"ALIAS", "FUNCTION", "TABLE", "PROCEDURE", "INTO", "TABLE_SAMPLE"}
_NAME_TYPES = {"VAR", "IDENTIFIER"}
# After `*` (or `t.*`): `EXCEPT (a, b)` / `REPLACE (x AS y)` are column lists.
_STAR_MODIFIERS = {"EXCEPT", "REPLACE"}
_TYPE_OPENERS = {"STRUCT", "ARRAY", "RANGE"}


def angle_ranges(toks: list, names: list[str]) -> set[int]:
    """Indices of tokens inside a type's `<...>` (`STRUCT<a INT64, b STRING>`): their commas and
    `>` are not list separators or comparisons."""
    inside: set[int] = set()
    i, n = 0, len(toks)
    while i < n:
        if names[i] in _TYPE_OPENERS and i + 1 < n and names[i + 1] == "LT":
            depth = 0
            j = i + 1
            while j < n:
                t = names[j]
                if t == "LT":
                    depth += 1
                elif t == "GT":
                    depth -= 1
                    if depth == 0:
                        break
                elif t in ("L_PAREN", "R_PAREN", "SEMICOLON"):  # not a type after all
                    break
                inside.add(j)
                j += 1
            inside.add(j)
            i = j + 1
            continue
        i += 1
    return inside


def matching_parens(toks: list, names: list[str] | None = None) -> tuple[dict[int, int], list[int], list[int]]:
    """(open index -> close index, indices of `(`/`[` never closed, indices of `)`/`]` never opened)."""
    names = names if names is not None else [t.token_type.name for t in toks]
    pairs: dict[int, int] = {}
    stack: list[int] = []
    stray: list[int] = []
    closer = {"R_PAREN": "L_PAREN", "R_BRACKET": "L_BRACKET"}
    for i, tt in enumerate(names):
        if tt == "L_PAREN" or tt == "L_BRACKET":
            stack.append(i)
        elif tt in closer:
            if stack and names[stack[-1]] == closer[tt]:
                pairs[stack.pop()] = i
            else:
                stray.append(i)
    return pairs, stack, stray


def _name_parts(tok) -> list[str]:
    if tok.token_type.name == "IDENTIFIER":
        return tok.text.split(".")
    return [tok.text]


def find_calls(lx: Lexed) -> list[Call]:
    """Every `name(...)` call of a lexed text, outermost first (nested calls follow their parent)."""
    toks, names, text = lx.toks, lx.names, lx.text
    pairs = lx.parens[0]
    angles = lx.angles
    out: list[Call] = []
    for i in [k - 1 for k, nm in enumerate(names) if nm == "L_PAREN" and k]:
        tok = toks[i]
        tname = names[i]
        if tname in _NOT_CALLS or i in angles:
            continue
        pname = names[i - 1] if i else ""
        if tname in _STAR_MODIFIERS or tok.text.upper() in _STAR_MODIFIERS:
            if pname in ("STAR", "R_PAREN"):  # `* EXCEPT (a)`, `* EXCEPT (a) REPLACE (x AS b)`
                continue
        if pname in _NOT_CALL_AFTER:
            continue
        if tname == "FILTER" and pname == "R_PAREN":
            continue  # `COUNT(*) FILTER (WHERE ...)`: a clause BigQuery lacks (the strict checks say so)
        if tname not in _NAME_TYPES and not tok.text[:1].isalpha():
            continue  # punctuation, literals
        if tname in ("STRING", "NUMBER") or tname.endswith("_STRING"):
            continue
        # the dotted name: walk back over `a.b.` parts
        parts = _name_parts(tok)
        j = i
        while j >= 2 and names[j - 1] == "DOT" and (names[j - 2] in _NAME_TYPES or toks[j - 2].text[:1].isalpha()):
            parts = _name_parts(toks[j - 2]) + parts
            j -= 2
        if j >= 1 and names[j - 1] == "DOT":
            continue  # `x.(...)` or a field access on an expression: not a named call
        if j >= 1 and names[j - 1] in _NOT_CALL_AFTER:
            continue
        open_i = i + 1
        close_i = pairs.get(open_i)
        args, commas, counted = _arguments(toks, names, open_i, close_i, angles, text)
        out.append(
            Call(
                tuple(parts),
                toks[j].start,
                tok.end + 1,
                toks[open_i].start,
                toks[close_i].start if close_i is not None else None,
                args,
                commas,
                counted,
            )
        )
    return out


# Inside a call, these end the argument list proper (`ARRAY_AGG(x ORDER BY a, b LIMIT 1)`).
_ARG_LIST_END = {"ORDER_BY", "LIMIT", "HAVING"}


def _arguments(toks: list, names: list[str], open_i: int, close_i: int | None, angles: set[int], text: str):
    end_i = close_i if close_i is not None else len(toks)
    if end_i == open_i + 1:
        return (), (), True
    first = names[open_i + 1]
    if first == "SELECT" or first == "WITH":
        end = toks[close_i].start if close_i is not None else len(text)
        return ((toks[open_i + 1].start, end),), (), False
    depth = 0
    commas: list[int] = []
    stop = end_i
    for k in range(open_i + 1, end_i):
        tt = names[k]
        if tt == "L_PAREN" or tt == "L_BRACKET":
            depth += 1
        elif tt == "R_PAREN" or tt == "R_BRACKET":
            depth -= 1
        elif depth == 0 and k not in angles:
            if tt == "COMMA":
                commas.append(k)
            elif tt in _ARG_LIST_END:
                stop = k
                break
    bounds = [open_i] + commas + [stop]
    args = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        if b > a + 1:
            args.append((toks[a + 1].start, toks[b - 1].end + 1))
        else:  # an empty argument: the gap between the separators
            s = toks[a].end + 1
            args.append((s, toks[b].start if b < len(toks) else len(text)))
    return tuple(args), tuple(toks[c].start for c in commas), True
