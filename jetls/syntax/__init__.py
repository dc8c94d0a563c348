"""Lossless, error-tolerant, incremental TOML 1.0 syntax layer (knows nothing of Jetstream or LSP)."""

from jetls.syntax.nodes import (
    Array,
    ChunkTree,
    Comment,
    Header,
    InlineTable,
    Invalid,
    Key,
    KeyPart,
    KeyValue,
    Scalar,
    String,
    SyntaxProblem,
    Value,
)
from jetls.syntax.positions import UTF8, UTF16, UTF32, LineIndex
from jetls.syntax.tree import Chunk, SyntaxTree, parse

__all__ = [
    "Array",
    "Chunk",
    "ChunkTree",
    "Comment",
    "Header",
    "InlineTable",
    "Invalid",
    "Key",
    "KeyPart",
    "KeyValue",
    "LineIndex",
    "Scalar",
    "String",
    "SyntaxProblem",
    "SyntaxTree",
    "UTF8",
    "UTF16",
    "UTF32",
    "Value",
    "parse",
]


def decode(data: bytes) -> tuple[str, list[SyntaxProblem]]:
    """Bytes of a file -> text. Invalid UTF-8 is replaced (U+FFFD) and reported where it is."""
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        offset = len(data[: exc.start].decode("utf-8", errors="replace"))
        return text, [
            SyntaxProblem(offset, offset + 1, f"invalid UTF-8 byte 0x{data[exc.start]:02x}: a TOML file must be UTF-8")
        ]
