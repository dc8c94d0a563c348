"""Help while writing SQL in a string value: function completion, signature help and hover for
BigQuery built-ins, Mozilla routines (with a bigquery-etl checkout) and the Jinja helpers of
functions.toml (`{{ agg_sum(` shows its parameter and what it expands to).

Pure functions `(ws, path, offset) -> plain value`; the SQL knowledge comes from `jetls.sql`.
A string is SQL when its schema field says so (`sql = "expression" | "from" | "query"`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from jetls.sql.functions import NAMESPACES, Function, catalog, first_form, lookup, params_of, routine_key
from jetls.sql.lexer import lex, tokenize
from jetls.workspace.scope import scope_of

from ._docs import merged_value, rel
from .context import CursorContext, context_at

__all__ = ["SqlCompletion", "SqlHover", "SqlSignature", "completions", "hover", "signature_help"]


@dataclass(frozen=True)
class SqlCompletion:
    """The fields of `completion.CompletionItem` (the completion hook converts)."""

    label: str
    kind: str
    detail: str = ""
    documentation: str = ""
    insert_text: str | None = None
    is_snippet: bool = False
    replace_span: tuple[int, int] | None = None
    sort_text: str | None = None
    filter_text: str | None = None


@dataclass(frozen=True)
class SqlSignature:
    label: str  # `IF(expr, true_result, else_result)`
    documentation: str  # markdown
    parameters: tuple[tuple[int, int], ...]  # [start, end) of each parameter in `label`
    active_parameter: int


@dataclass(frozen=True)
class SqlHover:
    markdown: str
    start: int
    end: int


_NAME_TAIL = re.compile(r"[`\w.\-]*$")
_NAME_HEAD = re.compile(r"[`\w.\-]*")
_REFERENCE = "https://cloud.google.com/bigquery/docs/reference/standard-sql/functions-all"


def _sql_context(ws: Any, path: str, offset: int, ctx: CursorContext | None) -> CursorContext | None:
    ctx = ctx if ctx is not None else context_at(ws, path, offset)
    if ctx is None or ctx.string is None or ctx.string_index is None:
        return None
    if not getattr(ctx.schema, "sql", None):
        return None
    return ctx


def _abs(ctx: CursorContext, i: int) -> int:
    assert ctx.string is not None  # a SQL context (see _sql_context)
    return ctx.string.offset_of(i) + ctx.delta


def _name_tail(text: str) -> str:
    """The name (dotted, backquoted) that `text` ends with."""
    m = _NAME_TAIL.search(text)
    return m.group() if m else ""


def _name_head(text: str, i: int) -> str:
    """The name (dotted, backquoted) that starts at `i`."""
    m = _NAME_HEAD.match(text, i)
    return m.group() if m else ""


def _routines(ws: Any):
    path = getattr(getattr(ws, "options", None), "bigquery_etl", None)
    if not path:
        return None
    from jetls.sql.routines import load_routines

    return load_routines(path)


def _function_doc(fn: Function) -> str:
    return f"```sql\n{fn.signature}\n```\n\n{fn.description}\n\nBigQuery built-in function ([reference]({_REFERENCE}))."


def _routine_doc(r) -> str:
    desc = r.description or "Mozilla routine."
    return f"```sql\n{r.signature}\n```\n\n{desc}\n\nMozilla routine (bigquery-etl)."


def _in_code(before: str) -> bool:
    """A name starting at the end of `before` would be SQL code (not in a string literal or a
    comment): the tokenizer reads a name put there as the last token."""
    toks = tokenize(before + "x")
    return toks is not None and bool(toks) and toks[-1].end == len(before)


# ----------------------------------------------------------------------------------- completion


def completions(ws: Any, path: str, offset: int, ctx: CursorContext | None = None) -> list[SqlCompletion]:
    """Functions for the name being typed in a SQL string (Jinja helpers inside `{{ }}`)."""
    ctx = _sql_context(ws, path, offset, ctx)
    if ctx is None:
        return []
    if ctx.jinja is not None:
        return _jinja_helpers(ws, path, ctx) if ctx.jinja.tag == "{{" and ctx.jinja.attribute_of is None else []
    assert ctx.string is not None and ctx.string_index is not None
    value, index = ctx.string.value, ctx.string_index
    prefix = _name_tail(value[:index])
    if not prefix or prefix[0].isdigit() or not _in_code(value[: index - len(prefix)]):
        return []
    tail = _name_head(value, index)
    span = (_abs(ctx, index - len(prefix)), _abs(ctx, index + len(tail)))
    bare = prefix.replace("`", "")
    lower = bare[:1].islower()
    out: list[SqlCompletion] = []
    qualifier, _, _ = bare.rpartition(".")
    q = qualifier.upper()
    first = bare.rpartition(".")[2][:1].upper()
    for name, fn in catalog().items():
        if first and not (name.rpartition(".")[2] if q else name).startswith(first):
            continue  # editors match the first character: send only what can match
        ns = name.rpartition(".")[0]
        if q and q != "SAFE" and ns != q:
            continue
        if not q and ns:
            if ns not in NAMESPACES:
                continue
        label = (f"{qualifier}." if q == "SAFE" else "") + (name.lower() if lower else name)
        out.append(
            SqlCompletion(label, "function", fn.signature, _function_doc(fn), label, False, span, f"0{name}", label)
        )
    routines = _routines(ws)
    if routines is not None:
        for key, r in routines.routines.items():
            if r.kind != "udf":
                continue
            if key.startswith("mozfun."):
                label = insert = key
            else:
                project, ds, name = key.split(".")
                label = key
                insert = f"`{project}`.{ds}.{name}"
            out.append(
                SqlCompletion(
                    label,
                    "function",
                    r.signature,
                    _routine_doc(r),
                    insert,
                    False,
                    span,
                    f"1{label}",
                    prefix if prefix.startswith("`") else label,
                )
            )
    return out


def _jinja_helpers(ws: Any, path: str, ctx: CursorContext) -> list[SqlCompletion]:
    assert ctx.jinja is not None
    span = ctx.jinja.prefix_span
    out = []
    for slug, (_definition, doc) in sorted(_helpers(ws, path).items()):
        out.append(SqlCompletion(slug, "function", f"{slug}(select_expr)", doc, slug, False, span, f"0{slug}", slug))
    return out


def _helpers(ws: Any, path: str) -> dict[str, tuple[str, str]]:
    """functions.toml helpers visible from `path`: slug → (definition, markdown)."""
    scope = scope_of(ws, path)
    out: dict[str, tuple[str, str]] = {}
    if scope is None:
        return out
    for slug, defs in scope.visible("function").items():
        definition, _ = merged_value(defs[:1], "definition")
        fname, _ = merged_value(defs[:1], "friendly_name")
        desc, _ = merged_value(defs[:1], "description")
        definition = definition if isinstance(definition, str) else ""
        doc = "\n\n".join(
            x
            for x in (
                f"**{fname}**" if isinstance(fname, str) and fname else None,
                desc if isinstance(desc, str) and desc else None,
                f"Expands to:\n\n```sql\n{definition}\n```" if definition else None,
                f"Defined in `{rel(ws, defs[0].path)}`",
            )
            if x
        )
        out[slug] = (definition, doc)
    return out


# ------------------------------------------------------------------------------- signature help


def signature_help(ws: Any, path: str, offset: int, ctx: CursorContext | None = None) -> SqlSignature | None:
    """The signature of the innermost call whose parentheses hold the cursor."""
    ctx = _sql_context(ws, path, offset, ctx)
    if ctx is None:
        return None
    if ctx.jinja is not None:
        return _jinja_signature(ws, path, ctx)
    assert ctx.string is not None
    before = ctx.string.value[: ctx.string_index]
    lx = None
    for closing in ("", "'", '"', "'''", '"""', "`"):
        lx = lex(before + closing)
        if lx is not None:
            break
    if lx is None or not lx.toks:
        return None
    open_calls = [c for c in lx.calls if c.close is None]
    if not open_calls:
        return None
    call = open_calls[-1]
    active = len(call.commas)
    return _call_signature(ws, call.parts, active)


def _call_signature(ws: Any, parts: tuple[str, ...], active: int) -> SqlSignature | None:
    name = ".".join(parts)
    fn = lookup(name)
    if fn is not None:
        return _signature(first_form(fn.signature), params_of(fn.signature), _function_doc(fn), active)
    routines = _routines(ws)
    if routines is not None:
        key = routine_key(parts)
        r = routines.get(key) if key else None
        if r is not None and r.params is not None:
            return _signature(r.signature, list(r.params), _routine_doc(r), active)
    return None


def _signature(label: str, params: list[str], doc: str, active: int) -> SqlSignature:
    spans = []
    pos = label.find("(") + 1
    for p in params:
        i = label.find(p, pos)
        if i < 0:
            continue
        spans.append((i, i + len(p)))
        pos = i + len(p)
    if spans and active >= len(spans) and params and params[-1] == "...":
        active = len(spans) - 1
    return SqlSignature(label, doc, tuple(spans), min(active, max(len(spans) - 1, 0)))


_JINJA_CALL = re.compile(r"([A-Za-z_]\w*)\s*\(")


def _jinja_signature(ws: Any, path: str, ctx: CursorContext) -> SqlSignature | None:
    assert ctx.jinja is not None
    text = ctx.jinja.text
    stack: list[tuple[str, int]] = []
    i = 0
    quote = None
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "(":
            m = re.search(r"([A-Za-z_]\w*)\s*$", text[:i])
            stack.append((m.group(1) if m else "", 0))
        elif c == ")" and stack:
            stack.pop()
        elif c == "," and stack:
            name, n = stack.pop()
            stack.append((name, n + 1))
        i += 1
    if not stack:
        return None
    name, active = stack[-1]
    helper = _helpers(ws, path).get(name)
    if helper is None:
        return None
    label = f"{name}(select_expr)"
    return SqlSignature(label, helper[1], ((len(name) + 1, len(label) - 1),), min(active, 0))


# ---------------------------------------------------------------------------------------- hover


def hover(ws: Any, path: str, offset: int, ctx: CursorContext | None = None) -> SqlHover | None:
    """Signature and description of the SQL function whose name is under the cursor."""
    ctx = _sql_context(ws, path, offset, ctx)
    if ctx is None or ctx.jinja is not None:
        return None
    assert ctx.string is not None and ctx.string_index is not None
    value, index = ctx.string.value, ctx.string_index
    left = _name_tail(value[:index])
    right = _name_head(value, index)
    word = left + right
    if not word or not value[index + len(right) :].lstrip().startswith("("):
        return None
    if not _in_code(value[: index - len(left)]):
        return None
    start, end = index - len(left), index + len(right)
    parts = tuple(p for p in word.replace("`", "").split(".") if p)
    fn = lookup(".".join(parts))
    md = None
    if fn is not None:
        md = _function_doc(fn)
    else:
        routines = _routines(ws)
        if routines is not None:
            key = routine_key(parts)
            r = routines.get(key) if key else None
            if r is not None:
                md = _routine_doc(r)
    if md is None:
        return None
    return SqlHover(md, _abs(ctx, start), _abs(ctx, end))
