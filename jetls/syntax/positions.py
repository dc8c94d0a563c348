"""Offsets (str indices) <-> (line, column) in UTF-8, UTF-16 or UTF-32 code units."""

from __future__ import annotations

from bisect import bisect_right

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def _units(s: str, encoding: str) -> int:
    if encoding == UTF32 or s.isascii():
        return len(s)
    if encoding == UTF16:
        return len(s) + sum(1 for ch in s if ord(ch) > 0xFFFF)
    return len(s.encode("utf-8", "surrogatepass"))


class LineIndex:
    __slots__ = ("text", "starts")

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        find = text.find
        i = find("\n")
        while i >= 0:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self.starts = starts

    def edited(self, start: int, end: int, new_text: str, text: str) -> "LineIndex":
        """The index of `text` = this text with [start, end) replaced by `new_text`, without
        rescanning: line starts before the edit are kept, those after it are shifted."""
        starts = self.starts
        lo = bisect_right(starts, start)  # starts <= start: their newline precedes the edit
        hi = bisect_right(starts, end)  # start < s <= end: their newline was replaced
        new = starts[:lo]
        find = new_text.find
        i = find("\n")
        while i >= 0:
            new.append(start + i + 1)
            i = find("\n", i + 1)
        shift = len(new_text) - (end - start)
        new.extend([s + shift for s in starts[hi:]] if shift else starts[hi:])
        out = LineIndex.__new__(LineIndex)
        out.text = text
        out.starts = new
        return out

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def line_of(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1

    def position(self, offset: int, encoding: str = UTF16) -> tuple[int, int]:
        """0-based (line, column) of an offset, the column in code units of `encoding`."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        return line, _units(self.text[start:offset], encoding)

    def offset(self, line: int, column: int, encoding: str = UTF16) -> int:
        """Offset of a (line, column); out-of-range values are clamped (as LSP asks)."""
        if line < 0:
            return 0
        if line >= len(self.starts):
            return len(self.text)
        start = self.starts[line]
        end = self.starts[line + 1] - 1 if line + 1 < len(self.starts) else len(self.text)
        if end > start and self.text[end - 1] == "\r":
            end -= 1
        segment = self.text[start:end]
        if encoding == UTF32 or segment.isascii():
            return start + max(0, min(column, len(segment)))
        units = 0
        for i, ch in enumerate(segment):
            if units >= column:
                return start + i
            cp = ord(ch)
            if encoding == UTF16:
                units += 2 if cp > 0xFFFF else 1
            else:
                units += 1 if cp < 0x80 else 2 if cp < 0x800 else 3 if cp < 0x10000 else 4
        return end
