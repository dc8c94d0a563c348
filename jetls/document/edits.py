"""Text edits that keep a TOML file valid. Values, keys and tables are written by tomlkit; this
module only decides where they go."""

from __future__ import annotations

from typing import Any, Mapping

import tomlkit

from jetls.diagnostics import TextEdit
from jetls.syntax import Array, String

from .model import Entry, Table


def toml_value(value: Any) -> str:
    """`value` written as a TOML value."""
    return tomlkit.item(value).as_string()


def toml_key(*parts: str) -> str:
    """A (dotted) key, each part quoted only when it must be."""
    return tomlkit.key(list(parts)).as_string() if len(parts) > 1 else tomlkit.key(parts[0]).as_string()


def line_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The whole lines holding [start, end), their newline included."""
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", max(end - 1, start))
    return a, len(text) if b < 0 else b + 1


def remove_entry(text: str, e: Entry) -> TextEdit | None:
    """Delete `key = value` with its line when nothing else but a comment shares the line."""
    s, t = e.span
    a, b = line_span(text, s, t)
    after = text[t:b].strip()
    if text[a:s].strip() or (after and not after.startswith("#")):
        return None
    return TextEdit(a, b, "")


def append_tables(text: str, tables: Mapping[str, Any]) -> TextEdit:
    """Append tables (a nested mapping, e.g. `{"metrics": {"x": {...}}}`) at the end of the
    file, after one blank line."""
    block = tomlkit.dumps(tables)
    end = len(text)
    body = text.rstrip()
    sep = "" if not body else "\n\n"
    return TextEdit(len(body), end, sep + block)


def insert_after_table(text: str, table_end: int, tables: Mapping[str, Any]) -> TextEdit:
    """Insert tables right after the section ending at `table_end` (see `section_end`)."""
    block = tomlkit.dumps(tables)
    return TextEdit(table_end, table_end, "\n\n" + block.rstrip("\n"))


def section_end(tree, path: tuple[str, ...]) -> int | None:
    """End of the last section whose header is `path` or below it (trailing blank space left
    out): where a new sub-table of `path` goes."""
    end = None
    for chunk in tree.chunks:
        h = chunk.tree.header
        if h is not None and h.key.names[: len(path)] == path:
            end = chunk.end
    if end is None:
        return None
    text = tree.text
    while end > 0 and text[end - 1] in " \t\r\n":
        end -= 1
    return end


def insert_entry(text: str, table: Table, key: str, value: Any) -> TextEdit | None:
    """Add `key = value` as the last entry of a header table (a line of its own)."""
    if table.kind not in ("header", "root") and not (table.kind == "implicit"):
        return None
    last = None
    for item in table.items.values():
        if isinstance(item, Entry) and (last is None or item.span[1] > last):
            last = item.span[1]
    if last is None:
        decl = table.decl
        if decl is None:
            return None
        last = text.find("]", decl[1])
        if last < 0:
            return None
        last += 1
    a, b = line_span(text, last, last)
    line = f"{toml_key(key)} = {toml_value(value)}\n"
    if b == len(text) and not text.endswith("\n"):
        return TextEdit(b, b, "\n" + line.rstrip("\n"))
    return TextEdit(b, b, line)


def append_to_array(text: str, e: Entry, item: str) -> TextEdit | None:
    """Add a string to an array value, in the quote style of its items."""
    arr = e.value
    if not isinstance(arr, Array) or not arr.closed:
        return None
    d = e.delta
    literal = any(isinstance(i, String) and i.style == "literal" for i in arr.items)
    written = f"'{item}'" if literal and "'" not in item else toml_value(item)
    close = arr.end + d - 1  # the `]`
    if not arr.items:
        return TextEdit(close, close, written)
    last = arr.items[-1].end + d
    between = text[last:close]
    if "," in between:  # a trailing comma: the array is written one item per line
        indent = text[line_span(text, arr.items[-1].start + d, last)[0] : arr.items[-1].start + d]
        comma = last + between.index(",") + 1
        return TextEdit(comma, comma, f"\n{indent}{written},")
    return TextEdit(last, last, f", {written}")
