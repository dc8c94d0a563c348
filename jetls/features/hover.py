"""Hover: schema docs of keys and values, slug documentation, functions, statistics, platform."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jetls.schema import PRE_TREATMENTS, STATISTICS, FileKind, Section

from . import _docs, _ws
from .completion import _EXPERIMENT_DOCS
from .context import HEADER, KEY, VALUE, context_at
from .rendered_sql import metric_defs, render_metric


@dataclass(frozen=True)
class Hover:
    markdown: str
    start: int
    end: int


def _defs_for(ws: Any, file: Any, kind: str, slug: str) -> list[_ws.Definition]:
    platform = _ws.platform_of(ws, file)
    if kind == "metric":
        return metric_defs(ws, file, slug)
    if kind == "function":
        fn = _ws.functions(ws).get(slug)
        return [fn] if fn else []
    defs = _ws.definitions(ws, kind, slug, platform)
    here = str(file.path)
    return [d for d in defs if d.path == here or d.layer != "config"]


def _slug_hover(ws: Any, file: Any, o: _ws.Occurrence) -> Hover:
    platform = _ws.platform_of(ws, file)
    if o.kind == "experiment_attribute":
        md = f"**`experiment.{o.slug}`**\n\n" + _EXPERIMENT_DOCS.get(o.slug, "Attribute of the experiment.")
        return Hover(md, o.start, o.end)
    defs = _defs_for(ws, file, o.kind, o.slug)
    rendered = None
    if o.kind == "metric":
        text, from_expr, _ = render_metric(ws, file, o.slug)
        info = _docs.slug_summary(ws, "metric", o.slug, defs)
        if text is not None and text.strip() != str(info.get("select_expression", "")).strip():
            rendered = text
    md = _docs.slug_markdown(ws, o.kind, o.slug, defs, None if o.kind == "function" else platform, rendered)
    if not defs:
        md += "\n\n⚠️ No definition found" + (f" on `{platform}`." if platform else ".")
    return Hover(md, o.start, o.end)


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


def hover(ws: Any, path: str, offset: int) -> Hover | None:
    file = _ws.get_file(ws, path)
    if file is None:
        return None
    o = _ws.occurrence_at(ws, file, offset)
    if o is not None:
        return _slug_hover(ws, file, o)
    from .columns import hover as column_hover  # a column of a bigquery-etl source, in SQL strings

    h = column_hover(ws, str(file.path), offset)
    if h is not None:
        return Hover(h.markdown, h.start, h.end)
    ctx = context_at(ws, str(file.path), offset)
    if ctx is None:
        return None
    kind = _ws.kind_of(file)
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
    if ctx.location == VALUE and ctx.schema is not None:
        node = ctx.schema
        value = getattr(ctx.value, "value", None)
        if ctx.string is not None:
            value = ctx.string.value
            span = ctx.string_span
        ref = getattr(node, "reference", None)
        if ref == "pre_treatment" and isinstance(value, str) and value in PRE_TREATMENTS:
            pt = PRE_TREATMENTS[value]
            lines = [f"**`{value}`** — pre-treatment", "", pt.doc]
            for p in pt.params.values():
                lines.append(f"- `{p.name}`: {p.doc}")
            return Hover("\n".join(lines), span[0], span[1])
        enum = getattr(node, "enum", None)
        if enum and isinstance(value, str) and value in enum:
            doc = (getattr(node, "enum_docs", None) or {}).get(value, "")
            md = f"**`{value}`** — value of `{ctx.key_path[-1]}`" + (f"\n\n{doc}" if doc else "")
            return Hover(md, span[0], span[1])
        if isinstance(value, bool):
            return Hover(_docs.node_markdown(ctx.key_path[-1], node), ctx.value.start + ctx.delta, ctx.value.end + ctx.delta)
    return None


def _tool(ws: Any, file: Any) -> str | None:
    return getattr(getattr(file, "info", None), "tool", None)


def _experiment_header_md(ws: Any, file: Any) -> str:
    lines = ["**`[experiment]`** — experiment settings"]
    chooser = getattr(ws, "platform_of", None)
    choice = chooser(str(file.path)) if chooser is not None else None
    if choice is not None:
        lines += ["", f"Platform: **`{choice.platform}`** — {choice.reason}"]
    else:
        lines += ["", f"Platform: **`{_ws.platform_of(ws, file)}`**"]
    from jetls.schema import lookup

    node = lookup(FileKind.EXPERIMENT, ("experiment",))
    if node is not None:
        lines += ["", node.doc]
    return "\n".join(lines)
