"""Markdown documentation of slugs and schema nodes (shared by completion and hover)."""

from __future__ import annotations

import textwrap
from typing import Any, Sequence

from jetls.document import Entry
from jetls.document.edits import toml_value as toml_literal
from jetls.schema import Field, Section
from jetls.workspace import KIND_LABELS, Definition, Workspace
from jetls.workspace.scope import GLOBAL, LOCAL, Resolution, merged_value

_SQL_KEYS = {
    "metric": ("select_expression", "SELECT"),
    "segment": ("select_expression", "SELECT"),
    "dimension": ("select_expression", "SELECT"),
    "data_source": ("from_expression", "FROM"),
    "segment_data_source": ("from_expression", "FROM"),
    "function": ("definition", "definition"),
}

_LAYER_WORDS = {
    "config": "this config",
    "defaults": "defaults",
    "outcome": "outcome",
    "definitions": "definitions",
    "jetstream-definitions": "Jetstream definitions",
    "opmon-definitions": "OpMon definitions",
    "looker-definitions": "Looker definitions",
    "functions": "functions",
}


def _dedent(s: Any) -> str:
    return textwrap.dedent(str(s)).strip()


def rel(ws: Workspace, path: str) -> str:
    sf = ws.file(path)
    return sf.info.rel if sf is not None else path


def summary(kind: str, defs: Sequence[Definition], ws: Workspace) -> dict[str, Any]:
    """Merged attributes of a slug over its definitions (winner first)."""
    info: dict[str, Any] = {}
    if kind == "outcome":
        for d in defs:
            sf = ws.file(d.path)
            root = sf.doc.root if sf is not None else None
            for k in ("friendly_name", "description"):
                e = root.items.get(k) if root is not None else None
                if isinstance(e, Entry) and e.to_python() and k not in info:
                    info[k] = e.to_python()
        return info
    for key in (
        "friendly_name",
        "description",
        "data_source",
        "deprecated",
        "select_expression",
        "from_expression",
        "definition",
        "default",
        "window_start",
        "window_end",
    ):
        v, _src = merged_value(defs, key)
        if v not in (None, "", [], {}):
            info[key] = v
    return info


def slug_markdown(
    ws: Workspace, res: Resolution, platform: str | None = None, rendered: str | None = None, here: str | None = None
) -> str:
    """A hover card: what the slug resolves to from the file `here`, and where it is defined."""
    kind, slug = res.kind, res.slug
    defs = res.targets
    info = summary(kind, defs, ws)
    label = KIND_LABELS.get(kind, kind)
    lines = []
    title = f"**{info['friendly_name']}**" if info.get("friendly_name") else f"**{slug}**"
    lines.append(f"{title} — {label} `{slug}`" + (f" ({platform})" if platform else ""))
    if info.get("deprecated") is True:
        lines += ["", "⚠️ **Deprecated.**"]
    if info.get("description"):
        lines += ["", _dedent(info["description"])]
    if kind in ("metric", "segment", "dimension") and info.get("data_source"):
        lines += ["", f"Data source: `{info['data_source']}`"]
    sql = _SQL_KEYS.get(kind)
    if sql and info.get(sql[0]):
        lines += ["", f"`{sql[0]}`:", "```sql", _dedent(info[sql[0]]), "```"]
    if rendered:
        lines += ["", "Rendered:", "```sql", rendered.strip(), "```"]
    if kind == "parameter" and info.get("default") is not None:
        lines += ["", f"Default: {_parameter_default(info['default'])}"]
    if res.status == LOCAL and here is not None and res.globals and kind == "metric":
        lines += ["", f"Overrides the predefined metric in `{rel(ws, res.globals[-1].path)}` for this file."]
    elif res.status == LOCAL and here is not None and kind == "metric" and any(d.path != here for d in res.local):
        others = [d for d in res.local if d.path != here]
        lines += [
            "",
            "Merged with "
            + ", ".join(f"`{rel(ws, d.path)}`" for d in others)
            + " (attribute by attribute; this file wins).",
        ]
    if defs:
        where = [f"`{rel(ws, d.path)}` ({_LAYER_WORDS.get(d.layer, d.layer)})" for d in defs]
        lines += ["", ("Defined in " if len(where) == 1 else "Merged from, winner first: ") + ", ".join(where)]
    if res.status == GLOBAL and res.local and kind == "metric":
        lines += ["", "Statistics from " + ", ".join(f"`{rel(ws, d.path)}`" for d in res.local)]
    return "\n".join(lines)


def _parameter_default(value: Any) -> str:
    if isinstance(value, dict):
        return "per branch: " + ", ".join(f"`{b}` → `{v}`" for b, v in value.items())
    return f"`{value}`"


def slug_detail(ws: Workspace, defs: Sequence[Definition], platform: str | None) -> str:
    """Short one-line detail: platform and defining file relative to the root."""
    if not defs:
        return platform or ""
    d = defs[-1]
    plat = d.platform or platform
    return f"{plat} · {rel(ws, d.path)}" if plat else rel(ws, d.path)


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
