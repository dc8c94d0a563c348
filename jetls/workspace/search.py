"""Where slugs are written, which symbol each occurrence is, and every occurrence of a symbol.

rust-analyzer's `ide-db` split: `occurrence_at` + `classify` say what the slug under the cursor
means (its `Resolution`, from the file's `Scope`); `find_occurrences` finds a symbol's uses by
taking every file that writes the slug (the index knows them) and keeping the occurrences that
classify to the same symbol.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Iterator

from jetls.syntax import InlineTable

from .index import Definition
from .scope import Resolution, Symbol, scope_of

if TYPE_CHECKING:
    from .model import SourceFile, Workspace


@dataclass(frozen=True, slots=True)
class Occurrence:
    """A slug written in a file: a table key naming it (`definition`), or a reference."""

    kind: str
    slug: str
    path: str
    span: tuple[int, int]
    definition: bool
    #: References: where the slug is written ("window weekly", "depends_on", "select_expression", …).
    where: str = ""


#: Table paths whose next key is a slug: (prefix, kind).
_SLUG_TABLES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("segments", "data_sources"), "segment_data_source"),
    (("metrics",), "metric"),
    (("data_sources",), "data_source"),
    (("segments",), "segment"),
    (("functions",), "function"),
    (("parameters",), "parameter"),
    (("dimensions",), "dimension"),
    (("alerts",), "alert"),
)


def slug_table(path: tuple[str, ...]) -> tuple[str, str, int] | None:
    """(kind, slug, index of the slug in `path`) when `path` is, or is below, a slug's table."""
    for prefix, kind in _SLUG_TABLES:
        n = len(prefix)
        if len(path) > n and path[:n] == prefix:
            if kind == "segment" and path[1] == "data_sources":
                continue
            return kind, path[n], n
    return None


def _key_parts(sf: "SourceFile", chunks) -> Iterator[tuple[tuple[str, ...], tuple[int, int]]]:
    """(full path, span) of every key part written in the given chunks: header parts, dotted
    key parts and keys of inline tables."""
    for chunk in chunks:
        t, d = chunk.tree, chunk.delta
        base: tuple[str, ...] = ()
        header = t.header
        if header is not None and header.key.parts:
            names: tuple[str, ...] = ()
            for p in header.key.parts:
                names = names + (p.name,)
                yield names, (p.start + d, p.end + d)
            base = names
        stack = [(kv, base) for kv in t.entries]
        while stack:
            kv, b = stack.pop()
            full = b
            for p in kv.key.parts:
                full = full + (p.name,)
                yield full, (p.start + d, p.end + d)
            if isinstance(kv.value, InlineTable):
                stack.extend((inner, full) for inner in kv.value.entries)


def _definition_keys(sf: "SourceFile", chunks) -> Iterator[Occurrence]:
    fi = sf.index
    for path, span in _key_parts(sf, chunks):
        hit = slug_table(path)
        if hit is None or len(path) != hit[2] + 1:
            continue
        kind, slug, _ = hit
        if fi.named(kind, slug):
            yield Occurrence(kind, slug, sf.path, span, True)


def occurrences_in(sf: "SourceFile", kind: str | None = None, slug: str | None = None) -> list[Occurrence]:
    """Every slug written in a file (or only those of `kind`/`slug`), in source order: each key
    naming a definition (`[metrics.x]` and the `x` of `[metrics.x.statistics.y]` alike) and
    each reference."""
    fi = sf.index
    out: list[Occurrence] = []
    if kind is None or slug is None or fi.named(kind, slug):
        for o in _definition_keys(sf, sf.tree.chunks):
            if (kind is None or o.kind == kind) and (slug is None or o.slug == slug):
                out.append(o)
    for r in fi.references:
        if (kind is None or r.kind == kind) and (slug is None or r.slug == slug):
            out.append(Occurrence(r.kind, r.slug, sf.path, r.span, False, r.where))
    out.sort(key=lambda o: o.span)
    return out


def occurrence_at(ws: "Workspace", path: str, offset: int) -> Occurrence | None:
    """The slug written at `offset` (a reference or a key naming a definition), if any."""
    sf = ws.file(path)
    if sf is None:
        return None
    for r in sf.index.references:
        a, b = r.span
        if a <= offset <= b and b > a:
            return Occurrence(r.kind, r.slug, sf.path, r.span, False, r.where)
    for o in _definition_keys(sf, (sf.tree.chunk_at(offset),)):
        a, b = o.span
        if a <= offset <= b:
            return o
    return None


def classify(ws: "Workspace", occ: Occurrence) -> Resolution | None:
    """What an occurrence resolves to, from its own file's scope."""
    scope = scope_of(ws, occ.path)
    if scope is None:
        return None
    return scope.resolve(occ.kind, occ.slug, upstream=occ.where == "depends_on")


def symbol_at(ws: "Workspace", path: str, offset: int) -> tuple[Occurrence, Resolution] | None:
    occ = occurrence_at(ws, path, offset)
    if occ is None:
        return None
    res = classify(ws, occ)
    return (occ, res) if res is not None else None


def candidate_paths(ws: "Workspace", kind: str, slug: str) -> list[str]:
    """Files that write (kind, slug): the only ones that can hold an occurrence of its symbols."""
    idx = ws.index
    seen: dict[str, None] = {}
    for d in idx.all_definitions(kind, slug):
        seen.setdefault(d.path, None)
    for r in idx.references(kind, slug):
        seen.setdefault(r.path, None)
    return list(seen)


def find_occurrences(ws: "Workspace", symbol: Symbol, within: Iterable[str] | None = None) -> list[Occurrence]:
    """Every occurrence of `symbol` in the workspace (or in the files `within`), by file then
    position."""
    out: list[Occurrence] = []
    if within is not None:
        paths = list(within)
    elif symbol.local and not symbol.resolved:
        paths = [symbol.home] if symbol.home is not None else []
    else:
        paths = candidate_paths(ws, symbol.kind, symbol.slug)
    for path in paths:
        sf = ws.file(path)
        if sf is None:
            continue
        for occ in occurrences_in(sf, symbol.kind, symbol.slug):
            res = classify(ws, occ)
            if res is not None and res.symbol == symbol:
                out.append(occ)
    out.sort(key=lambda o: (o.path, o.span))
    return out


def definition_occurrences(ws: "Workspace", d: Definition) -> list[Occurrence]:
    """The keys naming one definition's table in its file (header and sub-table headers)."""
    sf = ws.file(d.path)
    if sf is None:
        return []
    return [o for o in occurrences_in(sf, d.kind, d.slug) if o.definition]
