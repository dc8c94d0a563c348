"""Text edits that keep a TOML file valid. Values, keys and tables are written by tomlkit; this
module only decides where they go."""

from __future__ import annotations

from typing import Any, Mapping

import tomlkit

from jetls.diagnostics import TextEdit
from jetls.syntax import Array, InlineTable, String, SyntaxTree

from .model import Entry, Table, TomlDocument


def toml_value(value: Any) -> str:
    """`value` written as a TOML value (a mapping as an inline table)."""
    return _value_item(value).as_string()


def _value_item(value: Any) -> Any:
    if isinstance(value, Mapping):
        table = tomlkit.inline_table()
        for k, v in value.items():
            table.append(k, _value_item(v))
        return table
    if isinstance(value, list) and any(isinstance(v, Mapping) for v in value):
        array = tomlkit.array()
        array.extend(_value_item(v) for v in value)
        return array
    return tomlkit.item(value)


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


def insert_before_sections(tree, path: tuple[str, ...], tables: Mapping[str, Any]) -> TextEdit:
    """Insert tables on the lines before the first section whose header is `path` or below it
    (a `[metrics]` written above the `[metrics.<slug>]` sections), else at the end."""
    text = tree.text
    for chunk in tree.chunks:
        h = chunk.tree.header
        if h is not None and h.key.names[: len(path)] == path:
            at = line_span(text, h.start + chunk.delta, h.start + chunk.delta)[0]
            return TextEdit(at, at, tomlkit.dumps(tables) + "\n")
    return append_tables(text, tables)


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
        eol = text.find("\n", comma, close)
        if eol >= 0 and (text[comma:eol].strip() or "#").startswith("#"):
            # a new line of its own: the last item's comment stays on the last item's line
            return TextEdit(eol + 1, eol + 1, f"{indent}{written},\n")
        return TextEdit(comma, comma, f"\n{indent}{written},")
    return TextEdit(last, last, f", {written}")


def insert_into_inline(text: str, table: Table, key: str, value: Any) -> TextEdit | None:
    """Add `key = value` to an inline table `{ ... }` (one is closed once written: its keys can
    only go between its braces)."""
    node = table.node.value if table.kind == "inline" and table.node is not None else None
    if not isinstance(node, InlineTable) or not node.closed:
        return None
    d = table.delta
    pair = f"{toml_key(key)} = {toml_value(value)}"
    if not node.entries:
        return TextEdit(node.start + d, node.end + d, "{ " + pair + " }")
    last = node.entries[-1].end + d
    return TextEdit(last, last, ", " + pair)


def add_table(doc: TomlDocument, tree: SyntaxTree, path: tuple[str, ...], value: Mapping[str, Any]) -> TextEdit | None:
    """Create table `path` holding `value`, where TOML lets this file have it: inside the inline
    table that holds one of its ancestors; else as a `[path]` section after the sections of its
    nearest ancestor (two levels down at least: `[metrics.<slug>]`), or at the end of the file.
    None when an ancestor is a value or an array of tables."""
    text = tree.text
    for n in range(len(path) - 1, 0, -1):
        item = doc.lookup(path[:n])
        if item is None:
            continue
        if isinstance(item, Table) and item.kind == "inline":
            nested: Any = dict(value)
            for part in reversed(path[n + 1 :]):
                nested = {part: nested}
            return insert_into_inline(text, item, path[n], nested)
        if not isinstance(item, Table):
            return None
        break
    tables: Any = dict(value)
    for part in reversed(path):
        tables = {part: tables}
    for n in range(len(path) - 1, 1, -1):
        end = section_end(tree, path[:n])
        if end is not None:
            return insert_after_table(text, end, tables)
    return append_tables(text, tables)


def apply_to_tree(tree: SyntaxTree, edits: list[TextEdit]) -> SyntaxTree:
    """The tree of the text with `edits` applied (non-overlapping; by the incremental parser)."""
    for e in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        tree = tree.edit(e.start, e.end, e.new_text)
    return tree
