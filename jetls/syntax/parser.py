"""Error-tolerant TOML 1.0 parser for one chunk: never raises, reports every problem.

Recovery rules (what keeps one broken line from hiding the rest of the file):
- a statement that goes wrong is abandoned at the end of its line;
- an unclosed array stops before a line that looks like a new statement (`key =` or
  `[table]`), an unclosed inline table stops at the end of its line;
- an unterminated multi-line string ends before the next line that looks like a table header.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from typing import Callable, cast

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
    UnterminatedString,
    Value,
)
from jetls.syntax.strings import decode_basic, decode_ml_literal

_WS = re.compile(r"[ \t]*")
_WS_NL_COMMENT = re.compile(r"(?:[ \t]|\r?\n)*")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
# Fast path for the common line start `bare_key = ` (one match instead of key, part, spaces, '=').
_SIMPLE_KV = re.compile(r"([A-Za-z0-9_-]+)[ \t]*=[ \t]*")
# ... and for a header of bare keys without spaces: `[metrics.active_hours]`.
_SIMPLE_HEADER = re.compile(r"\[([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)\]")
_COMMENT = re.compile(r"#[^\n]*")
_CTRL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_CTRL_COMMENT = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_CTRL_ML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\r(?!\n)")
_SIMPLE_BASIC = re.compile(r'"([^"\\\x00-\x08\x0a-\x1f\x7f]*)"')
_BASIC = re.compile(r'"((?:[^"\\\n]|\\[^\n])*)("?)')
_LITERAL = re.compile(r"'([^'\n]*)('?)")
_JUNK = re.compile(r"[^ \t\r\n,\]\}#]+")
_JUNK_KEY = re.compile(r"[^ \t\r\n=\]\[#]+")
_TIME = r"([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9])(?:\.([0-9]+))?"
_DATETIME = re.compile(
    r"([0-9]{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"(?:[Tt ]" + _TIME + r"(?:([Zz])|([+-])([01][0-9]|2[0-3]):([0-5][0-9]))?)?"
)
_LOCALTIME = re.compile(_TIME)
_NUMBER = re.compile(
    r"0(?:x[0-9A-Fa-f](?:_?[0-9A-Fa-f])*|b[01](?:_?[01])*|o[0-7](?:_?[0-7])*)"
    r"|[+-]?(?:0|[1-9](?:_?[0-9])*)(?P<floatpart>(?:\.[0-9](?:_?[0-9])*)?(?:[eE][+-]?[0-9](?:_?[0-9])*)?)"
)
_SPECIAL_FLOAT = re.compile(r"[+-]?(?:inf|nan)")
_BOOL = re.compile(r"true|false")
MAX_DEPTH = 100  # real configs nest 3 levels; this keeps hostile input off the recursion limit
_DELIMS = frozenset(" \t\r\n,]}#")
# Heuristics for recovery: a line that starts a new statement.
_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')"""
_LOOKS_LIKE_KV = re.compile(rf"[ \t]*{_KEY_PART}(?:[ \t]*\.[ \t]*{_KEY_PART})*[ \t]*=")
_LOOKS_LIKE_HEADER = re.compile(
    rf"[ \t]*\[\[?[ \t]*(?!(?:true|false|inf|nan)\b)[A-Za-z_][A-Za-z0-9_-]*(?:[ \t]*\.[ \t]*{_KEY_PART})*[ \t]*\]"
)
_HEADER_LINE = re.compile(r"^\[\[?[ \t]*[A-Za-z0-9_\"'-][^\n]*\]", re.M)


def _always(rx: re.Pattern[str]) -> Callable[[str, int], re.Match[str]]:
    """`rx.match` for a pattern that matches wherever the parser uses it (it may match nothing)."""
    return cast(Callable[[str, int], re.Match[str]], rx.match)


_ws_at = _always(_WS)
_space_at = _always(_WS_NL_COMMENT)
_comment_at = _always(_COMMENT)  # (at a `#`)
_basic_at = _always(_BASIC)  # (at a `"`)
_literal_at = _always(_LITERAL)  # (at a `'`)


def _tz(sign: str, hh: str, mm: str) -> timezone:
    s = 1 if sign == "+" else -1
    return timezone(timedelta(hours=s * int(hh), minutes=s * int(mm)))


def _looks_like_statement(text: str, pos: int) -> bool:
    return bool(_LOOKS_LIKE_KV.match(text, pos) or _LOOKS_LIKE_HEADER.match(text, pos))


class _ChunkParser:
    __slots__ = ("text", "n", "problems", "comments", "tail_dependent", "depth")

    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        self.problems: list[SyntaxProblem] = []
        self.comments: list[Comment] = []
        self.tail_dependent = False
        self.depth = 0

    def error(self, start: int, end: int, message: str) -> None:
        self.problems.append(SyntaxProblem(start, max(end, start), message))

    # -- statements ---------------------------------------------------------------------

    def parse(self, base: int) -> ChunkTree:
        text, n = self.text, self.n
        pos = base
        if pos == 0 and text.startswith("\ufeff"):
            pos = 1  # byte order mark
        header: Header | None = None
        entries: list[KeyValue] = []
        ws_match = _ws_at
        while True:
            pos = ws_match(text, pos).end()
            if pos >= n:
                break
            c = text[pos]
            if c == "\n":
                pos += 1
                continue
            if c == "#":
                pos = self.comment(pos)
                continue
            if c == "\r":
                if text.startswith("\r\n", pos):
                    pos += 2
                else:
                    self.error(pos, pos + 1, "a carriage return must be followed by a line feed")
                    pos += 1
                continue
            if c == "[":
                if header is not None or entries:
                    # The next chunk starts at the beginning of this line.
                    line_start = text.rfind("\n", base, pos) + 1
                    if line_start <= base:
                        line_start = pos
                    return self.finish(base, line_start, header, entries)
                header, pos = self.header(pos)
            else:
                kv, pos = self.key_value(pos, inline=False)
                if kv is not None:
                    entries.append(kv)
            pos = self.end_of_statement(pos)
        return self.finish(base, n, header, entries)

    def finish(self, base: int, end: int, header: Header | None, entries: list[KeyValue]) -> ChunkTree:
        return ChunkTree(
            base, end, header, tuple(entries), tuple(self.comments), tuple(self.problems), self.tail_dependent
        )

    def comment(self, pos: int) -> int:
        m = _comment_at(self.text, pos)
        end = m.end()
        if end > pos + 1 and text_has_ctrl(self.text, pos, end):
            for cm in _CTRL_COMMENT.finditer(self.text, pos, end):
                if cm.group() == "\r" and self.text.startswith("\r\n", cm.start()):
                    continue
                self.error(
                    cm.start(), cm.start() + 1, f"control character U+{ord(cm.group()):04X} is not allowed in a comment"
                )
        if end > pos and self.text[end - 1] == "\r":
            pass
        self.comments.append(Comment(pos, end))
        return end

    def end_of_statement(self, pos: int) -> int:
        """After a statement: whitespace, an optional comment, then a newline or the end."""
        text = self.text
        if pos > 0 and text[pos - 1] == "\n":
            return pos  # recovery already stopped at the start of a line
        pos = _ws_at(text, pos).end()
        if pos >= self.n:
            return pos
        c = text[pos]
        if c == "#":
            pos = self.comment(pos)
            if pos >= self.n:
                return pos
            c = text[pos]
        if c == "\n":
            return pos + 1
        if c == "\r" and text.startswith("\r\n", pos):
            return pos + 2
        eol = text.find("\n", pos)
        if eol < 0:
            eol = self.n
        self.error(
            pos,
            eol if text[eol - 1] != "\r" else eol - 1,
            "expected the end of the line after this statement (one key = value or [table] per line)",
        )
        return eol + 1 if eol < self.n else eol

    def skip_line(self, pos: int) -> int:
        eol = self.text.find("\n", pos)
        return self.n if eol < 0 else eol

    def header(self, pos: int) -> tuple[Header, int]:
        text = self.text
        start = pos
        m = _SIMPLE_HEADER.match(text, pos)
        if m is not None:
            parts = []
            p = pos + 1
            for name in m.group(1).split("."):
                parts.append(KeyPart(name, p, p + len(name), False))
                p += len(name) + 1
            return Header(Key(tuple(parts), pos + 1, p - 1), False, start, m.end(), True), m.end()
        is_array = text.startswith("[[", pos)
        pos += 2 if is_array else 1
        pos = _ws_at(text, pos).end()
        key, pos = self.key(pos)
        pos = _ws_at(text, pos).end()
        closer = "]]" if is_array else "]"
        if text.startswith(closer, pos):
            pos += len(closer)
            return Header(key, is_array, start, pos, True), pos
        if not key.parts:
            end = self.skip_line(pos)
            return Header(key, is_array, start, pos, False), end
        if is_array and text.startswith("]", pos):
            self.error(pos, pos + 1, "an array-of-tables header must end with ']]'")
            return Header(key, is_array, start, pos + 1, False), pos + 1
        self.error(start, pos, f"table header is missing its closing '{closer}'")
        m = _JUNK_KEY.match(text, pos)
        return Header(key, is_array, start, pos, False), (m.end() if m else pos)

    def key(self, pos: int) -> tuple[Key, int]:
        text = self.text
        parts: list[KeyPart] = []
        start = pos
        while True:
            part, pos = self.key_part(pos)
            if part is None:
                break
            parts.append(part)
            p2 = _ws_at(text, pos).end()
            if p2 < self.n and text[p2] == ".":
                pos = _ws_at(text, p2 + 1).end()
                if not (pos < self.n and (text[pos] in "\"'" or _BARE_KEY.match(text, pos))):
                    self.error(p2, p2 + 1, "expected a key after '.'")
                    break
                continue
            break
        if not parts:
            self.error(start, start + 1 if start < self.n and text[start] not in "\r\n" else start, "expected a key")
        return Key(tuple(parts), start, parts[-1].end if parts else start), pos

    def key_part(self, pos: int) -> tuple[KeyPart | None, int]:
        text = self.text
        m = _BARE_KEY.match(text, pos)
        if m is not None:
            return KeyPart(m.group(), pos, m.end(), False), m.end()
        if pos >= self.n:
            return None, pos
        c = text[pos]
        if c == '"' or c == "'":
            if text.startswith(c * 3, pos):
                self.error(pos, pos + 3, "a key cannot be a multi-line string")
            s, end = self.string(pos, allow_ml=False)
            return KeyPart(s.value, pos, end, True), end
        return None, pos

    def key_value(self, pos: int, inline: bool) -> tuple[KeyValue | None, int]:
        text = self.text
        start = pos
        m = _SIMPLE_KV.match(text, pos)
        if m is not None:
            name_end = m.end(1)
            part = KeyPart(m.group(1), pos, name_end, False)
            value, end = self.value(m.end())
            return KeyValue(Key((part,), pos, name_end), value, start, end), end
        key, pos = self.key(pos)
        if not key.parts:
            m = _JUNK_KEY.match(text, pos)
            end = m.end() if m else pos + 1
            if inline:
                return None, end
            return None, self.skip_line(pos)
        pos = _ws_at(text, pos).end()
        if pos >= self.n or text[pos] != "=":
            self.error(key.start, key.end, f"expected '=' after the key '{key.parts[-1].name}'")
            value = Invalid("", pos, pos)
            if inline:
                return KeyValue(key, value, start, pos), pos
            return KeyValue(key, value, start, pos), self.skip_line(pos)
        pos = _ws_at(text, pos + 1).end()
        value, pos = self.value(pos)
        return KeyValue(key, value, start, pos), pos

    # -- values -------------------------------------------------------------------------

    def value(self, pos: int) -> tuple[Value, int]:
        text = self.text
        if pos >= self.n:
            self.error(pos, pos, "expected a value")
            return Invalid("", pos, pos), pos
        c = text[pos]
        if c == '"' or c == "'":
            return self.string(pos, allow_ml=True)
        if c == "[" or c == "{":
            if self.depth >= MAX_DEPTH:
                end = self.skip_line(pos)
                self.error(pos, end, f"arrays and inline tables nested deeper than {MAX_DEPTH} levels are not analysed")
                return Invalid(text[pos:end], pos, end), end
            self.depth += 1
            try:
                return self.array(pos) if c == "[" else self.inline_table(pos)
            finally:
                self.depth -= 1
        if c in "\r\n#":
            self.error(pos, pos, "expected a value after '='")
            return Invalid("", pos, pos), pos
        if c == "t" or c == "f":
            m = _BOOL.match(text, pos)
            if m is not None and self.delimited(m.end()):
                return Scalar("boolean", c == "t", pos, m.end()), m.end()
        elif c in "0123456789+-in":
            m = _DATETIME.match(text, pos)
            if m is not None and self.delimited(m.end()):
                return self.datetime(m)
            m = _LOCALTIME.match(text, pos)
            if m is not None and self.delimited(m.end()):
                hh, mm, ss, frac = m.groups()
                micros = int(frac[:6].ljust(6, "0")) if frac else 0
                return Scalar("local-time", time(int(hh), int(mm), int(ss), micros), pos, m.end()), m.end()
            m = _NUMBER.match(text, pos)
            if m is not None and self.delimited(m.end()):
                s = m.group()
                if m.group("floatpart"):
                    return Scalar("float", float(s.replace("_", "")), pos, m.end()), m.end()
                return Scalar("integer", int(s.replace("_", ""), 0), pos, m.end()), m.end()
            m = _SPECIAL_FLOAT.match(text, pos)
            if m is not None and self.delimited(m.end()):
                return Scalar("float", float(m.group()), pos, m.end()), m.end()
        m = _JUNK.match(text, pos)
        end = m.end() if m else pos + 1
        junk = text[pos:end]
        self.error(pos, end, _explain_bad_value(junk))
        return Invalid(junk, pos, end), end

    def delimited(self, pos: int) -> bool:
        return pos >= self.n or self.text[pos] in _DELIMS

    def datetime(self, m: re.Match) -> tuple[Value, int]:
        (y, mo, d, hh, mi, ss, frac, zulu, sign, oh, om) = m.groups()
        try:
            if hh is None:
                return Scalar("local-date", date(int(y), int(mo), int(d)), m.start(), m.end()), m.end()
            micros = int(frac[:6].ljust(6, "0")) if frac else 0
            if sign:
                tz = _tz(sign, oh, om)
            elif zulu:
                tz = timezone.utc
            else:
                tz = None
            value = datetime(int(y), int(mo), int(d), int(hh), int(mi), int(ss), micros, tzinfo=tz)
            return Scalar("local-datetime" if tz is None else "offset-datetime", value, m.start(), m.end()), m.end()
        except ValueError as exc:
            self.error(m.start(), m.end(), f"invalid date or time: {exc}")
            return Invalid(m.group(), m.start(), m.end()), m.end()

    def string(self, pos: int, allow_ml: bool) -> tuple[String, int]:
        text = self.text
        q = text[pos]
        if allow_ml and text.startswith(q * 3, pos):
            return self.ml_string(pos, q)
        if q == '"':
            m = _SIMPLE_BASIC.match(text, pos)
            if m is not None:
                return String(m.group(1), "basic", pos, m.end(), pos + 1, None), m.end()
            m = _basic_at(text, pos)
            content = m.group(1)
            end = m.end()
            if not m.group(2):
                self.error(
                    pos,
                    end,
                    'unterminated string: add the closing \'"\' on this line (use """ for a multi-line string)',
                )
            value, problems, _ = decode_basic(content, ml=False)
            for s, e, msg in problems:
                self.error(pos + 1 + s, pos + 1 + e, msg)
            self.check_ctrl(pos + 1, pos + 1 + len(content), multiline=False)
            raw = text[pos:end] if "\\" in content else None
            return (String if m.group(2) else UnterminatedString)(value, "basic", pos, end, pos + 1, raw), end
        m = _literal_at(text, pos)
        content = m.group(1)
        end = m.end()
        if not m.group(2):
            self.error(
                pos,
                end,
                "unterminated literal string: add the closing \"'\" on this line (use ''' for a multi-line string)",
            )
        self.check_ctrl(pos + 1, pos + 1 + len(content), multiline=False)
        return (String if m.group(2) else UnterminatedString)(content, "literal", pos, end, pos + 1, None), end

    def ml_string(self, pos: int, q: str) -> tuple[String, int]:
        text = self.text
        style = "ml-basic" if q == '"' else "ml-literal"
        close = self.find_ml_close(pos + 3, q)
        if close is not None:
            content_end, end = close
        else:
            # Unterminated: stop before the next line that looks like a table header.
            self.tail_dependent = True
            hm = _HEADER_LINE.search(text, pos + 3)
            content_end = end = hm.start() if hm else self.n
            self.error(
                pos,
                pos + 3,
                f"unterminated multi-line string: no closing {q * 3} (it was assumed to end before the next table)",
            )
        content_start = pos + 3
        if text.startswith("\n", content_start):
            content_start += 1
        elif text.startswith("\r\n", content_start):
            content_start += 2
        content_start = min(content_start, content_end) if content_end >= pos + 3 else content_start
        content = text[content_start:content_end]
        self.check_ctrl(content_start, content_end, multiline=True)
        if q == '"':
            value, problems, _ = decode_basic(content, ml=True)
            for s, e, msg in problems:
                self.error(content_start + s, content_start + e, msg)
            raw = text[pos:end] if ("\\" in content or "\r" in content) else None
        else:
            value, _ = decode_ml_literal(content)
            raw = text[pos:end] if "\r" in content else None
        cls = String if close is not None else UnterminatedString
        return cls(value, style, pos, end, content_start, raw), end

    def find_ml_close(self, i: int, q: str) -> tuple[int, int] | None:
        """(content end, string end) of the multi-line string whose content starts at i."""
        text, n = self.text, self.n
        delim = q * 3
        while True:
            j = text.find(delim, i)
            if j < 0:
                return None
            if q == '"':
                k = j
                while k > i and text[k - 1] == "\\":
                    k -= 1
                if (j - k) % 2:
                    i = j + 1  # an escaped quote
                    continue
            run_end = j
            while run_end < n and text[run_end] == q:
                run_end += 1
            if run_end - j > 5:
                self.error(j + 5, run_end, f"too many quotes: at most two {q} may precede the closing {delim}")
                return j + 2, j + 5
            return run_end - 3, run_end

    def check_ctrl(self, start: int, end: int, multiline: bool) -> None:
        pattern = _CTRL_ML if multiline else _CTRL
        for cm in pattern.finditer(self.text, start, end):
            ch = cm.group()
            self.error(cm.start(), cm.start() + 1, f"control character U+{ord(ch):04X} must be escaped in a string")

    def array(self, pos: int) -> tuple[Array, int]:
        text = self.text
        start = pos
        pos += 1
        items: list[Value] = []
        expect_value = True
        carried = False
        while True:
            pos, crossed = self.skip_trivia(pos)
            crossed = crossed or carried
            carried = False
            if pos >= self.n:
                self.error(start, start + 1, "unclosed array: missing ']'")
                return Array(tuple(items), start, pos, False), pos
            c = text[pos]
            if c == "]":
                return Array(tuple(items), start, pos + 1, True), pos + 1
            if crossed and _looks_like_statement(text, pos):
                self.error(start, start + 1, "unclosed array: missing ']'")
                return Array(tuple(items), start, pos, False), pos
            if c == ",":
                self.error(pos, pos + 1, "expected a value before ',' in the array")
                pos += 1
                continue
            if not expect_value:
                self.error(pos, pos + 1, "expected ',' between array elements")
            before = pos
            item, pos = self.value(pos)
            items.append(item)
            if pos == before:
                pos += 1  # ensure progress on junk
            # An unclosed inner array stops at the start of a line: that counts as crossing it.
            stopped_at_line_start = text[pos - 1] == "\n"
            pos, carried = self.skip_trivia(pos)
            carried = carried or stopped_at_line_start
            if pos < self.n and text[pos] == ",":
                pos += 1
                expect_value = True
                carried = False
            else:
                expect_value = False

    def skip_trivia(self, pos: int) -> tuple[int, bool]:
        """Whitespace, newlines and comments inside an array; tells whether a newline was crossed."""
        text = self.text
        crossed = False
        while True:
            m = _space_at(text, pos)
            if m.end() > pos:
                if "\n" in text[pos : m.end()]:
                    crossed = True
                pos = m.end()
            if pos < self.n and text[pos] == "#":
                pos = self.comment(pos)
                continue
            if pos < self.n and text[pos] == "\r":
                self.error(pos, pos + 1, "a carriage return must be followed by a line feed")
                pos += 1
                continue
            return pos, crossed

    def inline_table(self, pos: int) -> tuple[InlineTable, int]:
        text = self.text
        start = pos
        pos = _ws_at(text, pos + 1).end()
        entries: list[KeyValue] = []
        if pos < self.n and text[pos] == "}":
            return InlineTable((), start, pos + 1, True), pos + 1
        while True:
            pos = _ws_at(text, pos).end()
            if pos >= self.n or text[pos] in "\r\n":
                self.error(
                    start, start + 1, "unclosed inline table: missing '}' (an inline table must fit on one line)"
                )
                return InlineTable(tuple(entries), start, pos, False), pos
            if text[pos] == "}":
                self.error(pos - 1 if pos > 0 else pos, pos, "trailing comma is not allowed in an inline table")
                return InlineTable(tuple(entries), start, pos + 1, True), pos + 1
            before = pos
            kv, pos = self.key_value(pos, inline=True)
            if kv is not None:
                entries.append(kv)
            if pos == before:
                pos += 1
            pos = _ws_at(text, pos).end()
            if pos < self.n and text[pos] == ",":
                pos += 1
                continue
            if pos < self.n and text[pos] == "}":
                return InlineTable(tuple(entries), start, pos + 1, True), pos + 1
            if pos >= self.n or text[pos] in "\r\n":
                self.error(
                    start, start + 1, "unclosed inline table: missing '}' (an inline table must fit on one line)"
                )
                return InlineTable(tuple(entries), start, pos, False), pos
            if text[pos] == "#":
                self.error(pos, pos + 1, "comments are not allowed inside an inline table")
                eol = self.skip_line(pos)
                return InlineTable(tuple(entries), start, eol, False), eol
            self.error(pos, pos + 1, "expected ',' or '}' in the inline table")


def text_has_ctrl(text: str, start: int, end: int) -> bool:
    return _CTRL_COMMENT.search(text, start, end) is not None


def _explain_bad_value(junk: str) -> str:
    low = junk.lower()
    if low in ("true", "false") or low in ("yes", "no", "on", "off"):
        return f"invalid value '{junk}': booleans are lower-case 'true' or 'false'"
    if junk[:1].isalpha() and junk[:1] not in "in":
        return f"invalid value '{junk}': strings must be quoted, e.g. \"{junk}\""
    return f"invalid value '{junk}'"


def parse_chunk(text: str, base: int) -> ChunkTree:
    """Parse one chunk starting at `base` (a line start); it ends before the next header line."""
    try:
        return _ChunkParser(text).parse(base)
    except RecursionError:
        # Absurdly deep nesting: report it and give up on the rest of the chunk.
        end = text.find("\n[", base)
        end = len(text) if end < 0 else end + 1
        problem = SyntaxProblem(base, min(end, base + 1), "nesting too deep to analyse")
        return ChunkTree(base, end, None, (), (), (problem,), False)
