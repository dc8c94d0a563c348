"""Go to definition and find references, answered by the semantic layer (`jetls.workspace.search`)."""

from __future__ import annotations

from dataclasses import dataclass

from jetls.workspace import Workspace
from jetls.workspace.search import find_occurrences, symbol_at


@dataclass(frozen=True)
class Location:
    path: str
    start: int
    end: int


def definition(ws: Workspace, path: str, offset: int) -> list[Location]:
    """What the slug under the cursor resolves to, as Jetstream (or OpMon) resolves it from this
    file: one target when one table defines it; every table that merges into it, in precedence
    order, when several do (a local override, `jetstream/definitions/`, `definitions/`)."""
    hit = symbol_at(ws, path, offset)
    if hit is None:
        from .columns import definition as column_definition  # a column's schema.yaml entry

        return [Location(t.path, t.start, t.end) for t in column_definition(ws, path, offset)]
    occ, res = hit
    out: list[Location] = []
    for d in res.targets:
        if d.kind == "outcome":
            out.append(Location(d.path, 0, 0))
            continue
        if d.path == occ.path and d.span == occ.span:
            continue  # the cursor is on this definition itself
        out.append(Location(d.path, d.span[0], d.span[1]))
    return out


def references(ws: Workspace, path: str, offset: int, include_declaration: bool = True) -> list[Location]:
    """Every place the symbol under the cursor is written: the occurrences that resolve to the
    same definition, in any file (a slug a config defines for itself stays in that config)."""
    hit = symbol_at(ws, path, offset)
    if hit is None:
        return []
    occ, res = hit
    symbol = res.symbol
    out = [
        Location(o.path, o.span[0], o.span[1])
        for o in find_occurrences(ws, symbol)
        if include_declaration or not o.definition
    ]
    if include_declaration and symbol.kind == "outcome":
        out[:0] = [Location(d.path, 0, 0) for d in res.globals]
    return out


def highlights(ws: Workspace, path: str, offset: int) -> list[tuple[int, int, bool]]:
    """(start, end, is_definition) of the symbol's occurrences in this file."""
    hit = symbol_at(ws, path, offset)
    if hit is None:
        return []
    return [(o.span[0], o.span[1], o.definition) for o in find_occurrences(ws, hit[1].symbol, (hit[0].path,))]
