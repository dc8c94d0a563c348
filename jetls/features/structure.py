"""Structure-aware editing helpers: selection ranges (expand selection), linked editing of a slug
in its table headers, and document links from references to where they are defined."""

from __future__ import annotations

from dataclasses import dataclass

from jetls.syntax import Array, InlineTable, KeyValue, String
from jetls.workspace import Workspace
from jetls.workspace.search import occurrence_at, occurrences_in, symbol_at

#: A slug as typed in linked editing (what keeps the headers in step).
SLUG_PATTERN = r"[A-Za-z0-9_]+"


# ------------------------------------------------------------------------------ selection ranges


def selection_ranges(ws: Workspace, path: str, offsets: list[int]) -> list[list[tuple[int, int]]]:
    """For each offset, the spans to grow the selection through, innermost first: the word, a
    string's content, the value, the key/value, the table section, the whole file."""
    sf = ws.file(path)
    if sf is None:
        return [[] for _ in offsets]
    return [_ranges(sf, off) for off in offsets]


def _ranges(sf, off: int) -> list[tuple[int, int]]:
    text = sf.text
    out: list[tuple[int, int]] = []

    def add(a: int, b: int) -> None:
        if a <= off <= b and (not out or (a <= out[-1][0] and out[-1][1] <= b and (a, b) != out[-1])):
            out.append((a, b))

    chunk = sf.tree.chunk_at(off)
    t, d = chunk.tree, chunk.delta
    word = _word(text, off)
    if word is not None:
        add(*word)
    for kv in t.entries:
        if kv.start + d <= off <= kv.end + d:
            _kv_ranges(kv, d, off, add)
            break
    h = t.header
    if h is not None and h.start + d <= off <= h.end + d:
        add(h.key.start + d, h.key.end + d)
        add(h.start + d, h.end + d)
    end = chunk.tree.end + d
    while end > chunk.tree.base + d and text[end - 1] in " \t\r\n":
        end -= 1
    add(chunk.tree.base + d if h is None else h.start + d, end)
    add(0, len(text))
    return out


def _kv_ranges(kv: KeyValue, d: int, off: int, add) -> None:
    inner: list[tuple[int, int]] = []

    def value(v) -> None:
        vs, ve = v.start + d, v.end + d
        if not (vs <= off <= ve):
            return
        if isinstance(v, Array):
            for item in v.items:
                value(item)
        elif isinstance(v, InlineTable):
            for inner_kv in v.entries:
                if inner_kv.start + d <= off <= inner_kv.end + d:
                    _kv_ranges(inner_kv, d, off, lambda a, b: inner.append((a, b)))
        elif isinstance(v, String):
            inner.append((v.content_start + d, max(v.content_start + d, ve - (3 if v.style.startswith("ml") else 1))))
        inner.append((vs, ve))

    value(kv.value)
    if kv.key.start + d <= off <= kv.key.end + d:
        inner.append((kv.key.start + d, kv.key.end + d))
    for a, b in sorted(inner, key=lambda r: r[1] - r[0]):
        add(a, b)
    add(kv.start + d, kv.end + d)


def _word(text: str, off: int) -> tuple[int, int] | None:
    a = off
    while a > 0 and (text[a - 1].isalnum() or text[a - 1] == "_"):
        a -= 1
    b = off
    while b < len(text) and (text[b].isalnum() or text[b] == "_"):
        b += 1
    return (a, b) if b > a else None


# ------------------------------------------------------------------------------ linked editing


def linked_ranges(ws: Workspace, path: str, offset: int) -> list[tuple[int, int]] | None:
    """A slug in `[metrics.x]` and its `[metrics.x.statistics.*]` headers (the keys naming one
    table in this file) edit together."""
    occ = occurrence_at(ws, path, offset)
    if occ is None or not occ.definition:
        return None
    sf = ws.file(path)
    if sf is None:
        return None
    spans = [o.span for o in occurrences_in(sf, occ.kind, occ.slug) if o.definition]
    return spans if len(spans) > 1 else None


# ------------------------------------------------------------------------------ document links


@dataclass(frozen=True)
class DocumentLink:
    start: int
    end: int
    target: str  # a path
    target_offset: int  # where in the target (0: the file)
    tooltip: str


def document_links(ws: Workspace, path: str) -> list[DocumentLink]:
    """Each reference that resolves elsewhere links to the table it takes its definition from
    (for a metric, the one with its SQL); an outcome links to its file."""
    sf = ws.file(path)
    if sf is None:
        return []
    out: list[DocumentLink] = []
    for o in occurrences_in(sf):
        if o.definition:
            continue
        hit = symbol_at(ws, path, o.span[0])
        if hit is None or hit[0].span != o.span:
            continue
        targets = [t for t in hit[1].targets if t.path != sf.path]
        if not targets:
            continue
        t = targets[-1]  # the definition the others merge into (metrics: where the SQL is)
        target_file = ws.file(t.path)
        rel = target_file.info.rel if target_file is not None else t.path
        offset = 0 if t.kind == "outcome" else t.span[0]
        out.append(
            DocumentLink(o.span[0], o.span[1], t.path, offset, f"{o.kind.replace('_', ' ')} `{o.slug}` in {rel}")
        )
    return out
