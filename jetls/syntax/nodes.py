"""Syntax nodes of one chunk (a table header and the key/values up to the next header).

Offsets are str indices into the text the chunk was parsed from. A chunk re-used after an
edit elsewhere keeps its nodes untouched; `Chunk.delta` says how far they moved, so every
absolute position is `node.start + chunk.delta`. Nodes are immutable by convention.
"""

from __future__ import annotations


class KeyPart:
    __slots__ = ("name", "start", "end", "quoted")

    def __init__(self, name: str, start: int, end: int, quoted: bool) -> None:
        self.name = name
        self.start = start
        self.end = end
        self.quoted = quoted

    def __repr__(self) -> str:
        return f"KeyPart({self.name!r}, {self.start}, {self.end})"


class Key:
    """A dotted key: `a."b".c`. `parts` may be empty when the key is missing."""

    __slots__ = ("parts", "start", "end")

    def __init__(self, parts: tuple[KeyPart, ...], start: int, end: int) -> None:
        self.parts = parts
        self.start = start
        self.end = end

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parts)


class Value:
    __slots__ = ("start", "end")
    kind = "value"
    start: int
    end: int


class Scalar(Value):
    """integer, float, boolean, offset-datetime, local-datetime, local-date, local-time."""

    __slots__ = ("kind", "value")

    def __init__(self, kind: str, value: object, start: int, end: int) -> None:
        self.kind = kind
        self.value = value
        self.start = start
        self.end = end


class String(Value):
    """A string value or quoted key content.

    `content_start` is where the decoded content begins in the source. `raw` is kept only
    when decoding is not a plain slice (escapes, line-ending backslashes, CRLF), and the
    character map is then computed on demand by `offset_of`.
    """

    __slots__ = ("value", "style", "content_start", "raw")
    kind = "string"
    closed = True  # see UnterminatedString

    def __init__(self, value: str, style: str, start: int, end: int, content_start: int, raw: str | None) -> None:
        self.value = value
        self.style = style  # basic | literal | ml-basic | ml-literal
        self.start = start
        self.end = end
        self.content_start = content_start
        self.raw = raw

    def offset_of(self, index: int) -> int:
        """Source offset (same frame as `start`) of decoded character `index`.

        `index == len(value)` maps to the end of the content (before the closing quotes).
        """
        if self.raw is None:
            return self.content_start + index
        from jetls.syntax.strings import offset_map

        table = offset_map(self.raw, self.style, self.content_start - self.start)
        if index >= len(table):
            return self.start + table[-1] if table else self.content_start
        return self.start + table[index]


class UnterminatedString(String):
    """A string whose closing quote is missing (a syntax error is reported for it): its text is
    being typed, so what it names is not judged."""

    __slots__ = ()
    closed = False


class Array(Value):
    __slots__ = ("items", "closed")
    kind = "array"

    def __init__(self, items: tuple[Value, ...], start: int, end: int, closed: bool) -> None:
        self.items = items
        self.start = start
        self.end = end
        self.closed = closed


class InlineTable(Value):
    __slots__ = ("entries", "closed")
    kind = "inline-table"

    def __init__(self, entries: tuple["KeyValue", ...], start: int, end: int, closed: bool) -> None:
        self.entries = entries
        self.start = start
        self.end = end
        self.closed = closed


class Invalid(Value):
    """Text where a value should be that is not one (or nothing at all: start == end)."""

    __slots__ = ("text",)
    kind = "invalid"

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text = text
        self.start = start
        self.end = end


class KeyValue:
    __slots__ = ("key", "value", "start", "end")

    def __init__(self, key: Key, value: Value, start: int, end: int) -> None:
        self.key = key
        self.value = value
        self.start = start
        self.end = end


class Header:
    """`[a.b]` or `[[a.b]]`; `closed` is False when the closing bracket is missing."""

    __slots__ = ("key", "is_array", "start", "end", "closed")

    def __init__(self, key: Key, is_array: bool, start: int, end: int, closed: bool) -> None:
        self.key = key
        self.is_array = is_array
        self.start = start
        self.end = end
        self.closed = closed


class Comment:
    __slots__ = ("start", "end")

    def __init__(self, start: int, end: int) -> None:
        self.start = start
        self.end = end


class SyntaxProblem:
    __slots__ = ("start", "end", "message")

    def __init__(self, start: int, end: int, message: str) -> None:
        self.start = start
        self.end = end
        self.message = message

    def __repr__(self) -> str:
        return f"SyntaxProblem({self.start}, {self.end}, {self.message!r})"


class ChunkTree:
    """The parse of text[base:end]: an optional header then key/values and comments.

    `tail_dependent` marks a chunk whose parse looked past its end (an unterminated
    multi-line string): an edit anywhere after it must re-parse it.
    """

    # __weakref__: caches of later stages hold chunk trees weakly (jetls/document/replay.py)
    __slots__ = ("base", "end", "header", "entries", "comments", "problems", "tail_dependent", "__weakref__")

    def __init__(
        self,
        base: int,
        end: int,
        header: Header | None,
        entries: tuple[KeyValue, ...],
        comments: tuple[Comment, ...],
        problems: tuple[SyntaxProblem, ...],
        tail_dependent: bool,
    ) -> None:
        self.base = base
        self.end = end
        self.header = header
        self.entries = entries
        self.comments = comments
        self.problems = problems
        self.tail_dependent = tail_dependent
