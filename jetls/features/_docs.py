"""Markdown documentation of slugs and schema nodes (shared by completion and hover)."""

from __future__ import annotations

import textwrap
from typing import Any

from jetls.schema import Field, Section, toml_literal
from jetls.workspace.index import KIND_LABELS

from . import _ws

_SQL_KEYS = {
    "metric": ("select_expression", "SELECT"),
    "segment": ("select_expression", "SELECT"),
    "dimension": ("select_expression", "SELECT"),
    "data_source": ("from_expression", "FROM"),
    "segment_data_source": ("from_expression", "FROM"),
    "function": ("definition", "definition"),
}


def _dedent(s: Any) -> str:
    return textwrap.dedent(str(s)).strip()


def slug_summary(ws: Any, kind: str, slug: str, defs: list[_ws.Definition]) -> dict[str, Any]:
    """Merged attributes of a slug over its definitions (later layers win)."""
    info: dict[str, Any] = {}
    if kind == "outcome":
        for d in defs:
            f = _ws.get_file(ws, d.path)
            for k in ("friendly_name", "description"):
                v = _ws.table_value(f, (k,))
                if v and k not in info:
                    info[k] = v
        return info
    for key in ("friendly_name", "description", "data_source", "deprecated", "select_expression",
                "from_expression", "definition", "default", "window_start", "window_end"):
        v, _src = _ws.merged_attr(ws, defs, key)
        if v not in (None, "", [], {}):
            info[key] = v
    return info


def slug_markdown(ws: Any, kind: str, slug: str, defs: list[_ws.Definition], platform: str | None = None,
                  rendered: str | None = None) -> str:
    info = slug_summary(ws, kind, slug, defs)
    label = KIND_LABELS.get(kind, kind)
    lines = []
    title = f"**{info['friendly_name']}**" if info.get("friendly_name") else f"**{slug}**"
    lines.append(f"{title} — {label} `{slug}`" + (f" ({platform})" if platform else ""))
    if info.get("deprecated") is True:
        lines.append("")
        lines.append("⚠️ **Deprecated.**")
    if info.get("description"):
        lines.append("")
        lines.append(_dedent(info["description"]))
    if kind in ("metric", "segment", "dimension") and info.get("data_source"):
        lines.append("")
        lines.append(f"Data source: `{info['data_source']}`")
    sql = _SQL_KEYS.get(kind)
    if sql and info.get(sql[0]):
        lines.append("")
        lines.append(f"`{sql[0]}`:")
        lines.append("```sql")
        lines.append(_dedent(info[sql[0]]))
        lines.append("```")
    if rendered:
        lines.append("")
        lines.append("Rendered:")
        lines.append("```sql")
        lines.append(rendered.strip())
        lines.append("```")
    if kind == "parameter" and info.get("default") is not None:
        lines.append("")
        lines.append(f"Default: `{info['default']}`")
    if defs:
        lines.append("")
        where = []
        for d in defs:
            f = _ws.get_file(ws, d.path)
            rel = _ws.relpath(ws, d.path, f)
            where.append(f"`{rel}` ({d.layer})")
        lines.append("Defined in " + ", ".join(where))
    return "\n".join(lines)


def slug_detail(ws: Any, defs: list[_ws.Definition], platform: str | None) -> str:
    """Short one-line detail: platform and defining file relative to the root."""
    if not defs:
        return platform or ""
    d = defs[-1]
    rel = _ws.relpath(ws, d.path, _ws.get_file(ws, d.path))
    plat = d.platform or platform
    return f"{plat} · {rel}" if plat else rel


def node_markdown(name: str, node: Any) -> str:
    """Docs of a schema Field / Section / Param: type, default, allowed values."""
    lines = [f"**`{name}`**"]
    if isinstance(node, Section):
        lines[0] += " — table"
    else:
        types = " | ".join(getattr(node, "types", ()) or ())
        items = getattr(node, "items", None)
        if items and "array" in (getattr(node, "types", ()) or ()):
            it = items if isinstance(items, str) else " | ".join(items)
            types = types.replace("array", f"array of {it}")
        if types:
            lines[0] += f" — {types}"
        if getattr(node, "required", False):
            lines[0] += " (required)"
    doc = getattr(node, "doc", "")
    if doc:
        lines += ["", doc]
    default = getattr(node, "default", None)
    if default is not None and not isinstance(node, Section):
        lines += ["", f"Default: `{toml_literal(default)}`"]
    enum = getattr(node, "enum", None)
    if enum:
        docs = getattr(node, "enum_docs", None) or {}
        lines += ["", "Allowed values:"]
        for v in enum:
            lines.append(f"- `{v}`" + (f": {docs[v]}" if v in docs else ""))
    if isinstance(node, Field) and node.deprecated:
        lines += ["", f"⚠️ {node.deprecated}"]
    return "\n".join(lines)
