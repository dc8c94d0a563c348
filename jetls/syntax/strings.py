"""Decoding of TOML string contents, with a map from decoded characters to source offsets."""

from __future__ import annotations

import re

from jetls.lru import weighed_lru

_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}
_WS_NL = re.compile(r"[ \t]*(?:\r?\n[ \t]*)*")
_HEX = re.compile(r"[0-9A-Fa-f]+")


def decode_basic(
    content: str, ml: bool, want_map: bool = False
) -> tuple[str, list[tuple[int, int, str]], list[int] | None]:
    """Decode a basic string's content. Returns (value, problems, map).

    Problems and map entries are offsets relative to `content`. The map has one entry per
    decoded character plus a final entry for the end of the content.
    """
    out: list[str] = []
    problems: list[tuple[int, int, str]] = []
    offsets: list[int] | None = [] if want_map else None
    i = 0
    n = len(content)
    while i < n:
        j = content.find("\\", i)
        if ml:
            k = content.find("\r", i, j if j >= 0 else n)
            if k >= 0:
                j = k
        if j < 0:
            j = n
        if j > i:
            out.append(content[i:j])
            if offsets is not None:
                offsets.extend(range(i, j))
        if j >= n:
            break
        c = content[j]
        if c == "\r":  # CRLF inside a multi-line string reads as LF
            out.append("\n")
            if offsets is not None:
                offsets.append(j)
            i = j + 2 if content.startswith("\r\n", j) else j + 1
            continue
        esc = content[j + 1 : j + 2]
        if esc in _ESCAPES:
            out.append(_ESCAPES[esc])
            if offsets is not None:
                offsets.append(j)
            i = j + 2
        elif esc in ("u", "U"):
            width = 4 if esc == "u" else 8
            m = _HEX.match(content, j + 2, j + 2 + width)
            if m is None or m.end() - m.start() != width:
                problems.append(
                    (j, min(n, j + 2 + width), f"invalid unicode escape '\\{esc}': expected {width} hex digits")
                )
                i = j + 2
                continue
            cp = int(m.group(), 16)
            if cp > 0x10FFFF or 0xD800 <= cp <= 0xDFFF:
                problems.append((j, j + 2 + width, f"invalid unicode escape: U+{cp:X} is not a Unicode scalar value"))
            else:
                out.append(chr(cp))
                if offsets is not None:
                    offsets.append(j)
            i = j + 2 + width
        elif ml and (esc in (" ", "\t", "\n", "\r")):
            m = _WS_NL.match(content, j + 1)
            end = m.end() if m is not None else j + 1
            if "\n" not in content[j + 1 : end]:
                problems.append(
                    (j, j + 2, "a line-ending backslash must be followed only by whitespace up to the end of the line")
                )
            i = end
        else:
            shown = esc if esc else "end of string"
            problems.append(
                (
                    j,
                    j + 2,
                    f"invalid escape sequence '\\{shown}' (valid: \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX)",
                )
            )
            i = j + 2 if esc else j + 1
    if offsets is not None:
        offsets.append(n)
    return "".join(out), problems, offsets


def decode_ml_literal(content: str, want_map: bool = False) -> tuple[str, list[int] | None]:
    if "\r" not in content:
        return content, (list(range(len(content) + 1)) if want_map else None)
    out: list[str] = []
    offsets: list[int] | None = [] if want_map else None
    i = 0
    n = len(content)
    while i < n:
        if content.startswith("\r\n", i):
            out.append("\n")
            if offsets is not None:
                offsets.append(i)
            i += 2
        else:
            out.append(content[i])
            if offsets is not None:
                offsets.append(i)
            i += 1
    if offsets is not None:
        offsets.append(n)
    return "".join(out), offsets


# an entry holds a tuple of len(raw) ints (~36 bytes each): typing in a long string with escapes
# or CRLF line ends makes each one bigger, hence a weight bound (about bytes), not a count
@weighed_lru(4_000_000, lambda table, raw, style, content_rel: 37 * len(raw) + 200)
def offset_map(raw: str, style: str, content_rel: int) -> tuple[int, ...]:
    """Map decoded index -> offset relative to the string's start, for a string's `raw` text."""
    q = 3 if style.startswith("ml") else 1
    content = (
        raw[content_rel : len(raw) - q]
        if raw.endswith(raw[0] * q) and len(raw) - q >= content_rel
        else raw[content_rel:]
    )
    if style in ("basic", "ml-basic"):
        _, _, offsets = decode_basic(content, style == "ml-basic", want_map=True)
    else:
        _, offsets = decode_ml_literal(content, want_map=True)
    return tuple(o + content_rel for o in offsets or [0])
