"""Hover: schema docs of keys and values, slug documentation, functions, statistics, platform."""

from __future__ import annotations

from dataclasses import dataclass

from jetls.schema import PRE_TREATMENTS, STATISTICS, FileKind, Section, lookup
from jetls.workspace import Workspace
from jetls.workspace.parser import parser_choice
from jetls.workspace.scope import Resolution, Scope, scope_of
from jetls.workspace.search import Occurrence, symbol_at

from . import _docs
from ._docs import merged_value
from .completion import _EXPERIMENT_DOCS
from .context import HEADER, KEY, VALUE, context_at
from .rendered_sql import render_select


@dataclass(frozen=True)
class Hover:
    markdown: str
    start: int
    end: int


def _slug_hover(ws: Workspace, occ: Occurrence, res: Resolution, scope: Scope) -> Hover:
    rendered = None
    if res.kind in ("metric", "segment") and res.targets:
        text, _from = render_select(scope, res)
        expr, _ = merged_value(res.targets, "select_expression")
        if text is not None and text.strip() != str(expr or "").strip():
            rendered = text
    platform = None if res.kind == "function" else scope.platform
    md = _docs.slug_markdown(ws, res, platform, rendered, here=scope.file.path)
    if not res.targets:
        md += "\n\n⚠️ No definition found" + (f" on `{platform}`." if platform else ".")
    return Hover(md, occ.span[0], occ.span[1])


def _attribute_hover(ctx, offset: int) -> Hover | None:
    """`experiment.<attribute>` in a template."""
    j = ctx.jinja if ctx is not None else None
    if j is None or j.attribute_of != "experiment":
        return None
    value = ctx.string.value
    i = ctx.string_index
    a = i
    while a > 0 and (value[a - 1].isalnum() or value[a - 1] == "_"):
        a -= 1
    b = i
    while b < len(value) and (value[b].isalnum() or value[b] == "_"):
        b += 1
    name = value[a:b]
    if not name:
        return None
    s, e = ctx.string.offset_of(a) + ctx.delta, ctx.string.offset_of(b) + ctx.delta
    md = f"**`experiment.{name}`**\n\n" + _EXPERIMENT_DOCS.get(name, "Attribute of the experiment.")
    return Hover(md, s, e)


def _statistic_md(name: str, tool: str | None) -> str | None:
    vocab = STATISTICS.get(tool or "jetstream") or STATISTICS["jetstream"]
    stat = vocab.get(name) or STATISTICS["any"].get(name)
    if stat is None:
        return None
    lines = [f"**`{name}`** — statistic ({stat.tool})", "", stat.doc]
    if stat.params:
        lines += ["", "Parameters:"]
        for p in stat.params.values():
            d = f" (default `{p.default}`)" if p.default is not None else ""
            r = " **required**" if p.required else ""
            lines.append(f"- `{p.name}`{r}{d}: {p.doc}")
    return "\n".join(lines)


def hover(ws: Workspace, path: str, offset: int) -> Hover | None:
    file = ws.file(path)
    if file is None:
        return None
    hit = symbol_at(ws, file.path, offset)
    scope = scope_of(ws, file.path)
    if hit is not None and scope is not None:
        return _slug_hover(ws, hit[0], hit[1], scope)
    from .columns import hover as column_hover  # a column of a bigquery-etl source, in SQL strings

    column = column_hover(ws, file.path, offset)
    if column is not None:
        return Hover(column.markdown, column.start, column.end)
    ctx = context_at(ws, file.path, offset)
    if ctx is None:
        return None
    attribute = _attribute_hover(ctx, offset)
    if attribute is not None:
        return attribute
    if ctx.location == VALUE and ctx.string is not None:  # a SQL function name inside a SQL string
        from . import sql_help

        h = sql_help.hover(ws, file.path, offset, ctx)
        if h is not None:
            return Hover(h.markdown, h.start, h.end)
    kind = file.kind
    span = ctx.replace_span or (offset, offset)
    if ctx.location in (HEADER, KEY) and ctx.key_path:
        name = ctx.key_path[-1]
        parent = ctx.key_path[:-1]
        if name == "experiment" and parent == () and kind is FileKind.EXPERIMENT:
            return Hover(_experiment_header_md(ws, file), span[0], span[1])
        if parent[-1:] == ("statistics",) and len(parent) >= 3:
            md = _statistic_md(name, _tool(ws, file))
            if md:
                return Hover(md, span[0], span[1])
        node = ctx.schema
        if node is not None:
            if isinstance(node, Section) and node.entries is node:
                pass
            return Hover(_docs.node_markdown(name, node), span[0], span[1])
        return None
    kp = ctx.key_path or ()
    if (
        ctx.location == VALUE
        and ctx.string is not None
        and ctx.string_span is not None
        and kp[-2:] == ("pre_treatments", "name")
        and ctx.string.value in PRE_TREATMENTS
    ):
        return Hover(_pre_treatment_md(ctx.string.value), *ctx.string_span)
    if ctx.location == VALUE and ctx.schema is not None and kp:
        node = ctx.schema
        value = getattr(ctx.value, "value", None)
        if ctx.string is not None and ctx.string_span is not None:
            value = ctx.string.value
            span = ctx.string_span
        ref = getattr(node, "reference", None)
        if ref == "pre_treatment" and isinstance(value, str) and value in PRE_TREATMENTS:
            return Hover(_pre_treatment_md(value), span[0], span[1])
        enum = getattr(node, "enum", None)
        if enum and isinstance(value, str) and value in enum:
            doc = (getattr(node, "enum_docs", None) or {}).get(value, "")
            md = f"**`{value}`** — value of `{kp[-1]}`" + (f"\n\n{doc}" if doc else "")
            return Hover(md, span[0], span[1])
        if isinstance(value, bool):
            return Hover(_docs.node_markdown(kp[-1], node), ctx.value.start + ctx.delta, ctx.value.end + ctx.delta)
    return None


def _pre_treatment_md(name: str) -> str:
    pt = PRE_TREATMENTS[name]
    lines = [f"**`{name}`** — pre-treatment", "", pt.doc]
    for p in pt.params.values():
        lines.append(f"- `{p.name}`: {p.doc}")
    return "\n".join(lines)


def _tool(ws: Workspace, file) -> str | None:
    return file.info.tool


def _experiment_header_md(ws: Workspace, file) -> str:
    lines = ["**`[experiment]`** — experiment settings"]
    choice = ws.platform_of(file.path)
    if choice is not None:
        lines += ["", f"Platform: **`{choice.platform}`** — {choice.reason}"]
    parser = parser_choice(ws)
    lines += ["", f"Rules: metric-config-parser **{parser.release}** — {parser.reason}"]
    node = lookup(FileKind.EXPERIMENT, ("experiment",))
    if node is not None:
        lines += ["", node.doc]
    return "\n".join(lines)
