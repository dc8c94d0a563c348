"""Plain core values <-> lsprotocol types. The only place positions meet offsets.

The core speaks str offsets (code points); LSP speaks (line, character) in the negotiated
position encoding (UTF-16 unless the client offered UTF-8 / UTF-32).
"""

from __future__ import annotations

from typing import Callable

from lsprotocol import types as lsp

from jetls.checks.codes import code_href
from jetls.diagnostics import Diagnostic
from jetls.syntax import LineIndex

SOURCE = "jetls"

_ENCODINGS = {
    lsp.PositionEncodingKind.Utf8: "utf-8",
    lsp.PositionEncodingKind.Utf16: "utf-16",
    lsp.PositionEncodingKind.Utf32: "utf-32",
    "utf-8": "utf-8",
    "utf-16": "utf-16",
    "utf-32": "utf-32",
}


def encoding_name(kind: object) -> str:
    """An LSP PositionEncodingKind (or its string) -> the syntax layer's encoding name."""
    value = getattr(kind, "value", kind)
    return _ENCODINGS.get(value, "utf-16") if isinstance(value, str) else "utf-16"


def position(lines: LineIndex, offset: int, encoding: str) -> lsp.Position:
    line, col = lines.position(offset, encoding)
    return lsp.Position(line=line, character=col)


def range_(lines: LineIndex, start: int, end: int, encoding: str) -> lsp.Range:
    if end < start:
        end = start
    return lsp.Range(start=position(lines, start, encoding), end=position(lines, end, encoding))


def offset(lines: LineIndex, pos: lsp.Position, encoding: str) -> int:
    """Out-of-range lines / columns are clamped (LSP: a too-long character means end of line)."""
    return lines.offset(max(0, pos.line), max(0, pos.character), encoding)


def span(lines: LineIndex, rng: lsp.Range, encoding: str) -> tuple[int, int]:
    """An LSP range -> (start, end) offsets."""
    return offset(lines, rng.start, encoding), offset(lines, rng.end, encoding)


def diagnostic(
    d: Diagnostic,
    lines: LineIndex,
    uri: str,
    encoding: str,
    other: Callable[[str], tuple[str, LineIndex] | None],
    related_support: bool = True,
) -> lsp.Diagnostic:
    """`other(path)` gives (uri, LineIndex) of another file for related information."""
    related: list[lsp.DiagnosticRelatedInformation] = []
    if related_support:
        for r in d.related:
            if r.path is None:
                target_uri, target_lines = uri, lines
            else:
                found = other(r.path)
                if found is None:
                    continue
                target_uri, target_lines = found
            related.append(
                lsp.DiagnosticRelatedInformation(
                    location=lsp.Location(uri=target_uri, range=range_(target_lines, r.start, r.end, encoding)),
                    message=r.message,
                )
            )
    message = d.message
    if not related_support and d.related:
        message += "".join(f"\n  {r.message}" for r in d.related)
    return lsp.Diagnostic(
        range=range_(lines, d.start, d.end, encoding),
        message=message,
        severity=lsp.DiagnosticSeverity(int(d.severity)),
        code=d.code,
        code_description=lsp.CodeDescription(href=code_href(d.code)) if d.code else None,
        source=SOURCE,
        related_information=related or None,
        tags=[lsp.DiagnosticTag(int(t)) for t in d.tags] or None,
        data=d.data,
    )


def diagnostic_key(d: lsp.Diagnostic) -> tuple:
    """What identifies a published diagnostic (to match a code action's context to ours)."""
    r = d.range
    return (str(d.code), r.start.line, r.start.character, r.end.line, r.end.character, d.message)
