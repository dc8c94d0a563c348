"""What is at an offset of a file, tolerant of broken and incomplete text.

``analyze(text_or_tree, offset, kind)`` works on the syntax tree alone; ``context_at(ws, path,
offset)`` takes the file from a workspace snapshot. Offsets are absolute str indices.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from jetls.schema import FileKind, lookup
from jetls.syntax import Array, InlineTable, Invalid, KeyValue, Scalar, String, SyntaxTree, parse
from jetls.workspace import Workspace

# Where the cursor is.
HEADER = "header"  # inside `[a.b.c]` (the key being typed is `prefix`)
KEY = "key"  # typing / on a key (a new line in a table counts as a key position)
VALUE = "value"  # on a value (scalar, invalid, or an array/inline-table slot)
COMMENT = "comment"
NONE = "none"  # after a complete value, between key and `=`, ...


@dataclass(frozen=True)
class JinjaContext:
    """The cursor is inside a Jinja tag of a string."""

    tag: str  # "{{" or "{%"
    tag_start: int  # decoded index of the tag's opening delimiter
    text: str  # tag text from after the delimiter up to the cursor
    prefix: str  # identifier being typed (may be "")
    prefix_span: tuple[int, int]  # absolute span of the identifier under the cursor
    attribute_of: str | None  # "parameters" / "experiment" / other name before `.`, else None


@dataclass(frozen=True)
class CursorContext:
    offset: int
    kind: FileKind
    location: str  # HEADER | KEY | VALUE | COMMENT | NONE
    table_path: tuple[str, ...]  # the table the key at the cursor belongs to
    key_path: tuple[str, ...] | None  # full path of the key (being typed / whose value holds the cursor)
    prefix: str = ""  # key / header part / scalar text before the cursor
    replace_span: tuple[int, int] | None = None  # absolute span of the word to replace
    is_array_header: bool = False
    in_array: bool = False
    before_item: bool = False  # an insertion slot right before an existing array item
    array_index: int | None = None  # element index (or insertion index between elements)
    array_items: tuple[Any, ...] = ()  # the array's item nodes (chunk-relative)
    string: String | None = None  # string node holding the cursor (chunk-relative offsets)
    string_index: int | None = None  # decoded index of the cursor in the string
    string_span: tuple[int, int] | None = None  # absolute span of the decoded content
    string_closed: bool = True
    value: Any = None  # the value node under the cursor (chunk-relative)
    delta: int = 0  # chunk delta (absolute = node offset + delta)
    jinja: JinjaContext | None = None
    existing_keys: frozenset[str] = field(default_factory=frozenset)
    table_schema: Any = None  # schema node of table_path
    schema: Any = None  # schema node of key_path (Field / Section) or None

    @property
    def in_string(self) -> bool:
        return self.string is not None


_IDENT_TAIL = re.compile(r"[A-Za-z0-9_]*$")
_IDENT_HEAD = re.compile(r"[A-Za-z0-9_]*")
_ATTR_BEFORE = re.compile(r"([A-Za-z_]\w*)\s*\.\s*$")


def _closed_string(text: str, node: String, d: int) -> bool:
    q = 3 if node.style.startswith("ml") else 1
    quote = '"' if node.style in ("basic", "ml-basic") else "'"
    end = node.end + d
    return end - q >= node.content_start + d and text[end - q : end] == quote * q


def _decoded_index(node: String, rel: int) -> int:
    """Decoded index of chunk-relative source offset ``rel`` (inside the content)."""
    if node.raw is None:
        return max(0, min(len(node.value), rel - node.content_start))
    lo, hi = 0, len(node.value)
    while lo < hi:
        mid = (lo + hi) // 2
        if node.offset_of(mid) < rel:
            lo = mid + 1
        else:
            hi = mid
    return lo


def jinja_at(value: str, index: int, node: String, d: int) -> JinjaContext | None:
    """The Jinja tag around decoded ``index`` of a string value, if any."""
    before = value[:index]
    best = -1
    tag = ""
    for t, close in (("{{", "}}"), ("{%", "%}")):
        i = before.rfind(t)
        if i > best and before.find(close, i + 2) < 0:
            best, tag = i, t
    if best < 0:
        return None
    text = before[best + 2 :]
    m = _IDENT_TAIL.search(text)
    prefix = m.group() if m else ""
    after = _IDENT_HEAD.match(value, index)
    end_i = after.end() if after else index
    start_i = index - len(prefix)
    attr = _ATTR_BEFORE.search(text[: len(text) - len(prefix)])
    return JinjaContext(
        tag,
        best,
        text,
        prefix,
        (node.offset_of(start_i) + d, node.offset_of(end_i) + d),
        attr.group(1) if attr else None,
    )


def _schema(kind: FileKind, path: tuple[str, ...] | None, tool: str | None = None) -> Any:
    if path is None:
        return None
    try:
        return lookup(kind, path, tool)
    except Exception:  # noqa: BLE001
        return None


class _Builder:
    def __init__(self, tree: SyntaxTree, offset: int, kind: FileKind, doc: Any, tool: str | None) -> None:
        self.tree = tree
        self.text = tree.text
        self.offset = offset
        self.kind = kind
        self.doc = doc
        self.tool = tool

    def existing(self, table_path: tuple[str, ...]) -> frozenset[str]:
        if self.doc is None:
            return frozenset()
        try:
            item = self.doc.lookup(table_path) if table_path else self.doc.root
        except Exception:  # noqa: BLE001
            return frozenset()
        items = getattr(item, "items", None)
        if isinstance(items, dict):
            return frozenset(items)
        tables = getattr(item, "tables", None)
        if tables:
            return frozenset(tables[-1].items)
        return frozenset()

    def make(
        self, location: str, table_path: tuple[str, ...], key_path: tuple[str, ...] | None, **kw: Any
    ) -> CursorContext:
        return CursorContext(
            offset=self.offset,
            kind=self.kind,
            location=location,
            table_path=table_path,
            key_path=key_path,
            existing_keys=self.existing(table_path),
            table_schema=_schema(self.kind, table_path, self.tool),
            schema=_schema(self.kind, key_path, self.tool),
            **kw,
        )

    def build(self) -> CursorContext:
        off = self.offset
        chunk = self.tree.chunk_at(off)
        t, d = chunk.tree, chunk.delta
        for c in t.comments:
            if c.start + d < off <= c.end + d:
                return self.make(COMMENT, (), None)
        header = t.header
        base: tuple[str, ...] = ()
        if header is not None:
            base = header.key.names
            hs, he = header.start + d, header.end + d
            line_end = self.text.find("\n", hs)
            line_end = len(self.text) if line_end < 0 else line_end
            limit = he if header.closed else line_end
            if hs < off <= limit and not (header.closed and off == he):
                return self.in_header(header, d)
        for kv in t.entries:
            if kv.start + d <= off <= kv.end + d:
                ctx = self.in_kv(kv, d, base)
                if ctx is not None:
                    return ctx
        # A blank position in the section: a key may be typed here.
        line_start = self.text.rfind("\n", 0, off) + 1
        before = self.text[line_start:off]
        if before.strip() == "":
            return self.make(KEY, base, base, prefix="", replace_span=(off, off))
        return self.make(NONE, base, None)

    def in_header(self, header: Any, d: int) -> CursorContext:
        off = self.offset
        parts = header.key.parts
        parents: list[str] = []
        for p in parts:
            s, e = p.start + d, p.end + d
            if s <= off <= e:
                prefix = p.name[: max(0, off - s - (1 if p.quoted else 0))]
                path = tuple(parents)
                return self.make(
                    HEADER, path, path + (p.name,), prefix=prefix, replace_span=(s, e), is_array_header=header.is_array
                )
            if e <= off:
                parents.append(p.name)
        path = tuple(parents)
        return self.make(HEADER, path, path, prefix="", replace_span=(off, off), is_array_header=header.is_array)

    def in_kv(self, kv: KeyValue, d: int, base: tuple[str, ...]) -> CursorContext | None:
        off = self.offset
        key = kv.key
        names = key.names
        if key.parts and key.start + d <= off <= key.end + d:
            parents = list(base)
            for p in key.parts:
                s, e = p.start + d, p.end + d
                if s <= off <= e:
                    prefix = p.name[: max(0, off - s - (1 if p.quoted else 0))]
                    tp = tuple(parents)
                    return self.make(KEY, tp, tp + (p.name,), prefix=prefix, replace_span=(s, e))
                parents.append(p.name)
            tp = tuple(parents)
            return self.make(KEY, tp, tp, prefix="", replace_span=(off, off))
        value = kv.value
        if off < value.start + d:
            return self.make(NONE, base + names[:-1], base + names)
        return self.in_value(value, d, base + names[:-1], base + names, in_array=False)

    def in_value(
        self,
        value: Any,
        d: int,
        table_path: tuple[str, ...],
        key_path: tuple[str, ...],
        in_array: bool,
        array_index: int | None = None,
        array_items: tuple = (),
    ) -> CursorContext | None:
        off = self.offset
        vs, ve = value.start + d, value.end + d
        common = dict(in_array=in_array, array_index=array_index, array_items=array_items, delta=d, value=value)
        if isinstance(value, String):
            closed = _closed_string(self.text, value, d)
            cs = value.content_start + d
            content_end = ve - (3 if value.style.startswith("ml") else 1) if closed else ve
            if not (cs <= off <= content_end):
                return self.make(NONE, table_path, key_path, **common)
            idx = _decoded_index(value, off - d)
            span = (cs, content_end)
            return self.make(
                VALUE,
                table_path,
                key_path,
                prefix=value.value[:idx],
                replace_span=span,
                string=value,
                string_index=idx,
                string_span=span,
                string_closed=closed,
                jinja=jinja_at(value.value, idx, value, d),
                **common,
            )
        if isinstance(value, Array):
            if not (vs < off and (off < ve or not value.closed)):
                return self.make(NONE, table_path, key_path, **common)
            items = value.items
            index, before = None, False
            for i, item in enumerate(items):
                if off == item.start + d and isinstance(item, (String, Scalar)):
                    index, before = i, True  # before an item's first character (`[|"x"]`): a new item goes here
                    break
                if item.start + d <= off <= item.end + d and not (isinstance(item, Invalid) and item.start == item.end):
                    ctx = self.in_value(item, d, table_path, key_path, True, i, items)
                    if ctx is not None and ctx.location != NONE:
                        return ctx
                    if ctx is not None and isinstance(item, (Array, InlineTable, String)):
                        return ctx
            if index is None:
                index = sum(1 for it in items if it.end + d <= off)
            return self.make(
                VALUE,
                table_path,
                key_path,
                prefix="",
                replace_span=(off, off),
                in_array=True,
                array_index=index,
                array_items=items,
                delta=d,
                value=value,
                before_item=before,
            )
        if isinstance(value, InlineTable):
            if not (vs < off and (off < ve or not value.closed)):
                return self.make(NONE, table_path, key_path, **common)
            for kv in value.entries:
                if kv.start + d <= off <= kv.end + d:
                    ctx = self.in_kv(kv, d, key_path)
                    if ctx is not None:
                        return ctx
            return self.make(
                KEY, key_path, key_path, prefix="", replace_span=(off, off), value=value, delta=d, in_array=in_array
            )
        if isinstance(value, (Scalar, Invalid)):
            if not (vs <= off <= ve):
                return self.make(NONE, table_path, key_path, **common)
            return self.make(VALUE, table_path, key_path, prefix=self.text[vs:off], replace_span=(vs, ve), **common)
        return None


def analyze(
    source: str | SyntaxTree,
    offset: int,
    kind: FileKind | str = FileKind.PLAIN,
    doc: Any = None,
    tool: str | None = None,
) -> CursorContext:
    """Context at ``offset`` of a text or syntax tree (``doc``: its document model, optional)."""
    tree = parse(source) if isinstance(source, str) else source
    offset = max(0, min(offset, len(tree.text)))
    return _Builder(tree, offset, FileKind(kind), doc, tool).build()


def context_at(ws: Workspace, path: str, offset: int) -> CursorContext | None:
    file = ws.file(path)
    if file is None:
        return None
    return analyze(file.tree, offset, file.kind, file.doc, file.info.tool)
