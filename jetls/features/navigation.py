"""Go to definition, find references, rename (slugs across the workspace)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from . import _ws
from .rendered_sql import metric_defs


@dataclass(frozen=True)
class Location:
    path: str
    start: int
    end: int


@dataclass(frozen=True)
class TextEdit:
    start: int
    end: int
    new_text: str


RENAMEABLE = frozenset({"metric", "data_source", "segment", "segment_data_source", "function", "parameter", "dimension"})


def _stem(path: str) -> str:
    return os.path.splitext(os.path.basename(path))[0]


def definition(ws: Any, path: str, offset: int) -> list[Location]:
    """Where the slug (or template function / parameter) under the cursor is defined.

    Metric: this file's table, attached outcomes, ``jetstream/definitions/P.toml``,
    ``definitions/P.toml`` (every layer that has a table, winner first). Outcome slug: the
    outcome file. Function: ``functions.toml``. ``parameters.x``: the outcome declaring it."""
    file = _ws.get_file(ws, path)
    if file is None:
        return []
    o = _ws.occurrence_at(ws, file, offset)
    if o is None:
        from .columns import definition as column_definition  # a column's schema.yaml entry

        return [Location(t.path, t.start, t.end) for t in column_definition(ws, str(file.path), offset)]
    platform = _ws.platform_of(ws, file)
    here = str(file.path)
    if o.kind == "metric":
        defs = metric_defs(ws, file, o.slug)
        # Jump straight to the table Jetstream takes the SQL from (the first full definition,
        # in precedence order); statistics-only overrides are reachable through references.
        full = [d for d in defs if _is_full_metric(d)]
        if full:
            defs = full[:1]
    elif o.kind == "function":
        defs = _ws.definitions(ws, "function", o.slug)
    elif o.kind == "outcome":
        defs = _ws.definitions(ws, "outcome", o.slug, platform)
        return [Location(d.path, 0, 0) for d in defs]
    elif o.kind == "parameter":
        attached = set(_ws.attached_outcomes(file))
        defs = [d for d in _ws.definitions(ws, "parameter", o.slug, platform)
                if d.path == here or _stem(d.path) in attached]
    elif o.kind == "experiment_attribute":
        return []
    else:
        defs = [d for d in _ws.definitions(ws, o.kind, o.slug, platform) if d.path == here or d.layer != "config"]
    out = []
    for d in defs:
        if d.path == here and d.span == (o.start, o.end):
            continue
        out.append(Location(d.path, d.span[0], d.span[1]))
    return out


def _is_full_metric(d: Any) -> bool:
    table = getattr(d, "table", None)
    items = getattr(table, "items", None) or {}
    return "select_expression" in items or "depends_on" in items


def _matching(ws: Any, kind: str, slug: str, platform: str | None) -> list[_ws.Occurrence]:
    out = []
    for f in ws.files.values():
        if kind != "function" and platform is not None:
            p = _ws.platform_of(ws, f)
            if p is not None and p != platform:
                continue
        for o in _ws.file_occurrences(ws, f):
            if o.kind == kind and o.slug == slug:
                out.append(o)
    return out


def _target(ws: Any, path: str, offset: int) -> tuple[Any, _ws.Occurrence, str | None] | None:
    file = _ws.get_file(ws, path)
    if file is None:
        return None
    o = _ws.occurrence_at(ws, file, offset)
    if o is None:
        return None
    return file, o, _ws.platform_of(ws, file)


def references(ws: Any, path: str, offset: int, include_declaration: bool = True) -> list[Location]:
    """Every place the slug under the cursor is written, in files of the same platform
    (functions: everywhere). Declarations are the definition tables (and their sub-tables)."""
    t = _target(ws, path, offset)
    if t is None:
        return []
    _file, o, platform = t
    if o.kind == "experiment_attribute":
        return []
    seen: set[tuple[str, int, int]] = set()
    out: list[Location] = []
    for m in _matching(ws, o.kind, o.slug, platform):
        if m.is_definition and not include_declaration:
            continue
        key = (m.path, m.start, m.end)
        if key not in seen:
            seen.add(key)
            out.append(Location(m.path, m.start, m.end))
    if include_declaration and o.kind == "outcome":
        for d in _ws.definitions(ws, "outcome", o.slug, platform):
            out.insert(0, Location(d.path, 0, 0))
    idx = getattr(ws, "index", None)
    fn = getattr(idx, "references", None)
    if fn is not None:
        try:
            extra = fn(o.kind, o.slug, None if o.kind == "function" else platform)
        except Exception:  # noqa: BLE001
            extra = []
        for r in extra:
            key = (str(r.path), r.span[0], r.span[1])
            if key not in seen:
                seen.add(key)
                out.append(Location(*key))
    out.sort(key=lambda loc: (loc.path, loc.start))
    return out


def prepare_rename(ws: Any, path: str, offset: int) -> tuple[int, int, str] | None:
    """(start, end, placeholder) of the renameable slug under the cursor, else None."""
    t = _target(ws, path, offset)
    if t is None:
        return None
    _file, o, _platform = t
    if o.kind not in RENAMEABLE:
        return None
    return o.start, o.end, o.slug


def rename(ws: Any, path: str, offset: int, new_name: str) -> dict[str, list[TextEdit]]:
    """Edits renaming the slug under the cursor in every file (definition headers including
    sub-tables, window lists, depends_on, data_source values, statistic numerator/denominator,
    Jinja calls of functions, ``parameters.x``). Raises ValueError for an invalid new slug or a
    symbol that cannot be renamed (outcome slugs: renaming means renaming the file)."""
    if not _ws.SLUG_RE.match(new_name or ""):
        raise ValueError(f"'{new_name}' is not a valid slug: use only letters, digits and '_' (^[a-zA-Z0-9_]+$)")
    t = _target(ws, path, offset)
    if t is None:
        raise ValueError("nothing to rename here")
    _file, o, platform = t
    if o.kind == "outcome":
        raise ValueError("renaming an outcome means renaming its file (jetstream/outcomes/<platform>/<slug>.toml); not supported")
    if o.kind not in RENAMEABLE:
        raise ValueError(f"a {o.kind.replace('_', ' ')} cannot be renamed")
    edits: dict[str, list[TextEdit]] = {}
    seen: set[tuple[str, int, int]] = set()
    for m in _matching(ws, o.kind, o.slug, platform):
        key = (m.path, m.start, m.end)
        if key in seen:
            continue
        seen.add(key)
        edits.setdefault(m.path, []).append(TextEdit(m.start, m.end, new_name))
    for v in edits.values():
        v.sort(key=lambda e: e.start)
    return edits
