"""A parsed file as a sequence of chunks, updated incrementally by text edits."""

from __future__ import annotations

from bisect import bisect_right
from typing import Iterator

from jetls.syntax.nodes import ChunkTree, SyntaxProblem
from jetls.syntax.parser import parse_chunk
from jetls.syntax.positions import LineIndex


class Chunk:
    """A chunk tree placed in the current text: absolute position = node position + delta."""

    __slots__ = ("tree", "delta")

    def __init__(self, tree: ChunkTree, delta: int) -> None:
        self.tree = tree
        self.delta = delta

    @property
    def start(self) -> int:
        return self.tree.base + self.delta

    @property
    def end(self) -> int:
        return self.tree.end + self.delta


class SyntaxTree:
    """Lossless: `text` is kept whole and the chunks cover it without gaps.

    Immutable: `edit` returns a new tree sharing the untouched chunks.
    """

    # __weakref__: a file kept as text refers to its last rebuilt tree weakly (jetls/workspace/model.py)
    __slots__ = ("text", "chunks", "_starts", "_lines", "__weakref__")

    def __init__(self, text: str, chunks: tuple[Chunk, ...]) -> None:
        self.text = text
        self.chunks = chunks
        self._starts = [c.start for c in chunks]
        self._lines: LineIndex | None = None

    @property
    def lines(self) -> LineIndex:
        if self._lines is None:
            self._lines = LineIndex(self.text)
        return self._lines

    def problems(self) -> list[SyntaxProblem]:
        """Every syntax problem of the file, in absolute offsets."""
        out: list[SyntaxProblem] = []
        for chunk in self.chunks:
            d = chunk.delta
            for p in chunk.tree.problems:
                out.append(p if not d else SyntaxProblem(p.start + d, p.end + d, p.message))
        return out

    def chunk_index_at(self, offset: int) -> int:
        return max(0, bisect_right(self._starts, offset) - 1)

    def chunk_at(self, offset: int) -> Chunk:
        return self.chunks[self.chunk_index_at(offset)]

    def __iter__(self) -> Iterator[Chunk]:
        return iter(self.chunks)

    def edit(self, start: int, end: int, new_text: str) -> "SyntaxTree":
        """Replace text[start:end] by new_text, re-parsing only the chunks the edit touched."""
        old = self.text
        start = max(0, min(start, len(old)))
        end = max(start, min(end, len(old)))
        text = old[:start] + new_text + old[end:]
        delta = len(new_text) - (end - start)
        chunks = self.chunks
        # Re-parse from the chunk before the one holding the edit: the edit may turn the
        # header line of its chunk into a plain line that belongs to the previous chunk.
        first = max(0, self.chunk_index_at(max(0, start - 1)) - 1)
        for i in range(first):
            if chunks[i].tree.tail_dependent:
                first = i
                break
        old_starts = {c.start: i for i, c in enumerate(chunks)}
        edit_end_new = start + len(new_text)
        new_chunks = list(chunks[:first])
        pos = chunks[first].start if chunks else 0
        n = len(text)
        while True:
            tree = parse_chunk(text, pos)
            new_chunks.append(Chunk(tree, 0))
            pos = tree.end
            if pos >= n:
                break
            if pos > edit_end_new or (pos == edit_end_new and delta == 0 and pos > start):
                j = old_starts.get(pos - delta)
                if j is not None and chunks[j].start >= end:
                    new_chunks.extend(Chunk(c.tree, c.delta + delta) for c in chunks[j:])
                    break
        out = SyntaxTree(text, tuple(new_chunks))
        if self._lines is not None:
            out._lines = self._lines.edited(start, end, new_text, text)
        return out


def parse(text: str) -> SyntaxTree:
    """Parse a whole text. Never raises."""
    chunks: list[Chunk] = []
    pos = 0
    n = len(text)
    while True:
        tree = parse_chunk(text, pos)
        chunks.append(Chunk(tree, 0))
        if tree.end >= n or tree.end <= pos:
            if tree.end < n:  # defensive: no progress would loop forever
                chunks.append(Chunk(parse_chunk(text, n), 0))
            break
        pos = tree.end
    return SyntaxTree(text, tuple(chunks))


def dump(tree: SyntaxTree) -> list:
    """A canonical, position-absolute description of a tree (for comparing parses)."""
    from jetls.syntax.nodes import Array, InlineTable, Invalid, Scalar, String

    def key(k, d):
        return tuple((p.name, p.start + d, p.end + d) for p in k.parts), k.start + d, k.end + d

    def value(v, d):
        if isinstance(v, String):
            return ("s", v.style, v.value, v.start + d, v.end + d, v.content_start + d)
        if isinstance(v, Scalar):
            return (v.kind, repr(v.value), v.start + d, v.end + d)
        if isinstance(v, Array):
            return ("a", v.start + d, v.end + d, v.closed, tuple(value(i, d) for i in v.items))
        if isinstance(v, InlineTable):
            return ("t", v.start + d, v.end + d, v.closed, tuple(kv(e, d) for e in v.entries))
        if isinstance(v, Invalid):
            return ("x", v.text, v.start + d, v.end + d)
        raise TypeError(v)

    def kv(e, d):
        return key(e.key, d), value(e.value, d), e.start + d, e.end + d

    out = []
    for c in tree.chunks:
        t, d = c.tree, c.delta
        h = t.header
        out.append(
            (
                c.start,
                c.end,
                None if h is None else (key(h.key, d), h.is_array, h.start + d, h.end + d, h.closed),
                tuple(kv(e, d) for e in t.entries),
                tuple((m.start + d, m.end + d) for m in t.comments),
                tuple((p.start + d, p.end + d, p.message) for p in t.problems),
            )
        )
    return out
