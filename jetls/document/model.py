"""The typed view of one TOML file: tables, keys and values with absolute positions, and
TOML's semantic rules (no duplicate keys or tables, inline tables and static arrays are
closed). Built from the syntax tree even when it has errors: broken parts are left out,
everything else is present.
"""

from __future__ import annotations

from typing import Iterator, Union

from jetls.diagnostics import Diagnostic, Related, Severity
from jetls.syntax import Array, InlineTable, KeyPart, KeyValue, Scalar, String, SyntaxTree, Value

SYNTAX_CODE = "JET001"
SEMANTIC_CODE = "JET002"


class Entry:
    """`key = value` (not an inline table: those become `Table`s of kind 'inline')."""

    __slots__ = ("part", "kv", "delta", "table_path")

    def __init__(self, part: KeyPart, kv: KeyValue, delta: int, table: "Table") -> None:
        self.part = part
        self.kv = kv
        self.delta = delta
        # The path of the table holding the key (for dotted keys, the innermost one). Not the
        # table itself: no entry -> table -> entry cycle, so an old document is freed at once
        # by reference counting instead of piling up for the cyclic collector.
        self.table_path = table.path

    @property
    def name(self) -> str:
        return self.part.name

    @property
    def path(self) -> tuple[str, ...]:
        return self.table_path + (self.part.name,)

    @property
    def value(self) -> Value:
        return self.kv.value

    @property
    def key_span(self) -> tuple[int, int]:
        return self.part.start + self.delta, self.part.end + self.delta

    @property
    def value_span(self) -> tuple[int, int]:
        v = self.kv.value
        return v.start + self.delta, v.end + self.delta

    @property
    def span(self) -> tuple[int, int]:
        return self.kv.start + self.delta, self.kv.end + self.delta

    def to_python(self) -> object:
        return value_to_python(self.kv.value)


class Table:
    """kind: root | header | implicit (created by a deeper header) | dotted | inline | array-item."""

    __slots__ = (
        "path",
        "kind",
        "items",
        "decl",
        "delta",
        "node",
        "sealed",
        "attached",
        "_lower",
        "sig",
        "_unit_key",
        "_replay_key",
    )

    def __init__(
        self, path: tuple[str, ...], kind: str, decl: tuple[int, int] | None, node=None, delta: int = 0
    ) -> None:
        self.path = path
        self.kind = kind
        self.items: dict[str, Union[Entry, "Table", "TableArray"]] = {}
        self.decl = decl  # absolute span of the key that declared it
        self.node = node  # Header or the inline table's KeyValue
        self.delta = delta
        self.sealed = False  # dotted tables can no longer be extended once their section ends
        self.attached = True
        self._lower: dict | None = None
        # Tables two levels down (`[metrics.<slug>]`, ...): every (chunk tree, delta) that built
        # their subtree, in order. Unchanged chunk trees are re-used across edits, so this is a
        # constant-time identity of the subtree's content (see `unit_key`).
        self.sig: list | None = None
        self._unit_key: tuple | None = None
        self._replay_key: tuple | None = None  # memo of jetls.document.replay

    def get_lower(self, name: str):
        """The item whose key, lower-cased, is `name` (the reference lower-cases some tables' keys)."""
        item = self.items.get(name)
        if item is not None:
            return item
        if self._lower is None or len(self._lower) != len(self.items):
            self._lower = {}
            for k, v in self.items.items():
                self._lower.setdefault(k.lower(), v)
        return self._lower.get(name)

    @property
    def name(self) -> str:
        return self.path[-1] if self.path else ""

    def get(self, name: str):
        return self.items.get(name)

    def entries(self) -> Iterator[Entry]:
        for item in self.items.values():
            if isinstance(item, Entry):
                yield item

    def to_python(self) -> dict:
        return {k: v.to_python() for k, v in self.items.items()}


class TableArray:
    __slots__ = ("path", "tables", "decl")

    def __init__(self, path: tuple[str, ...], decl: tuple[int, int]) -> None:
        self.path = path
        self.tables: list[Table] = []
        self.decl = decl

    def to_python(self) -> list:
        return [t.to_python() for t in self.tables]


Item = Union[Entry, Table, TableArray]


def value_to_python(value: Value) -> object:
    if isinstance(value, (String, Scalar)):
        return value.value
    if isinstance(value, Array):
        return [value_to_python(v) for v in value.items if v.kind != "invalid"]
    if isinstance(value, InlineTable):
        out: dict = {}
        for kv in value.entries:
            target = out
            names = kv.key.names
            for name in names[:-1]:
                nxt = target.setdefault(name, {})
                if not isinstance(nxt, dict):
                    break
                target = nxt
            else:
                if names and names[-1] not in target:
                    target[names[-1]] = value_to_python(kv.value)
        return out
    return None


def _describe(item: Item) -> str:
    if isinstance(item, Entry):
        return "a value"
    if isinstance(item, TableArray):
        return "an array of tables"
    return {"inline": "an inline table", "dotted": "a table (by dotted keys)"}.get(item.kind, "a table")


def _decl_of(item: Item) -> tuple[int, int] | None:
    if isinstance(item, Entry):
        return item.key_span
    return item.decl


class TomlDocument:
    """The document model of one syntax tree. Immutable once built."""

    # __weakref__: a file kept as text refers to its last rebuilt document weakly (jetls/workspace/model.py)
    __slots__ = ("tree", "root", "problems", "tables", "__weakref__")

    def __init__(self, tree: SyntaxTree) -> None:
        self.tree = tree
        self.root = Table((), "root", None)
        self.problems: list[Diagnostic] = []
        # Every table in source order with where its section starts (for features).
        self.tables: list[Table] = [self.root]
        _Builder(self).build()

    @property
    def text(self) -> str:
        return self.tree.text

    def syntax_diagnostics(self) -> list[Diagnostic]:
        out = [Diagnostic(SYNTAX_CODE, Severity.ERROR, p.start, p.end, p.message) for p in self.tree.problems()]
        out.extend(self.problems)
        return out

    def lookup(self, path: tuple[str, ...]) -> Item | None:
        node: Item | None = self.root
        for name in path:
            if isinstance(node, TableArray):
                node = node.tables[-1] if node.tables else None
            if not isinstance(node, Table):
                return None
            node = node.items.get(name)
            if node is None:
                return None
        return node

    def to_python(self) -> dict:
        return self.root.to_python()

    def entries(self) -> Iterator[Entry]:
        """Every `key = value` of the document, depth first (array-of-tables items included)."""
        stack: list[Table] = [self.root]
        while stack:
            t = stack.pop()
            for item in t.items.values():
                if isinstance(item, Entry):
                    yield item
                elif isinstance(item, Table):
                    stack.append(item)
                elif isinstance(item, TableArray):
                    stack.extend(item.tables)


class _Builder:
    def __init__(self, doc: TomlDocument) -> None:
        self.doc = doc
        self.dotted_pending: list[Table] = []

    def error(self, span: tuple[int, int], message: str, earlier: tuple[int, int] | None, earlier_msg: str) -> None:
        related = (Related(earlier[0], earlier[1], earlier_msg),) if earlier else ()
        self.doc.problems.append(Diagnostic(SEMANTIC_CODE, Severity.ERROR, span[0], span[1], message, related))

    def touch(self, table: Table) -> None:
        """`table` (two levels down) takes content from the current chunk."""
        sig = table.sig
        if sig is None:
            table.sig = [self.chunk]
        elif sig[-1] is not self.chunk:
            sig.append(self.chunk)

    def build(self) -> None:
        doc = self.doc
        add = self.add
        for chunk in doc.tree.chunks:
            tree, d = chunk.tree, chunk.delta
            self.chunk = (tree, d)
            if self.dotted_pending:
                for t in self.dotted_pending:
                    t.sealed = True
                self.dotted_pending = []
            current = doc.root
            header = tree.header
            if header is not None:
                current = self.open_header(header, d) if header.key.parts else self.detached(())
            items = current.items
            path = current.path
            for kv in tree.entries:
                parts = kv.key.parts
                # inline fast path of `add` for the common `plain_key = scalar or string`
                if len(parts) == 1 and parts[0].name not in items:
                    vt = type(kv.value)
                    if vt is not InlineTable and vt is not Array:
                        items[parts[0].name] = Entry(parts[0], kv, d, current)
                        continue
                add(current, kv, d, path)

    def detached(self, path: tuple[str, ...], kind: str = "header") -> Table:
        t = Table(path, kind, None)
        t.attached = False
        return t

    def open_header(self, header, d: int) -> Table:
        parts = header.key.parts
        path = tuple(p.name for p in parts)
        table = self.doc.root
        for i, part in enumerate(parts[:-1]):
            child = table.items.get(part.name)
            span = (part.start + d, part.end + d)
            if child is None:
                child = Table(path[: i + 1], "implicit", span, header, d)
                table.items[part.name] = child
            elif isinstance(child, TableArray):
                child = child.tables[-1]
            elif isinstance(child, Entry) or child.kind == "inline":
                self.error(
                    span,
                    f"cannot define a table inside '{'.'.join(path[: i + 1])}': it is already {_describe(child)}",
                    _decl_of(child),
                    "defined here",
                )
                return self.detached(path)
            if i == 1:
                self.touch(child)
            table = child
        last = parts[-1]
        span = (parts[0].start + d, last.end + d)
        existing = table.items.get(last.name)
        dotted = ".".join(path)
        if header.is_array:
            if existing is None:
                existing = TableArray(path, span)
                table.items[last.name] = existing
            elif not isinstance(existing, TableArray):
                self.error(
                    span,
                    f"'{dotted}' is already {_describe(existing)}; it cannot also be an array of tables",
                    _decl_of(existing),
                    "first defined here",
                )
                return self.detached(path, "array-item")
            new = Table(path, "array-item", span, header, d)
            existing.tables.append(new)
            self.doc.tables.append(new)
            if len(path) == 2:
                self.touch(new)
            return new
        if existing is None:
            new = Table(path, "header", span, header, d)
            table.items[last.name] = new
            self.doc.tables.append(new)
            if len(path) == 2:
                self.touch(new)
            return new
        if isinstance(existing, Table) and existing.kind == "implicit":
            existing.kind = "header"
            existing.decl = span
            existing.node = header
            existing.delta = d
            self.doc.tables.append(existing)
            if len(path) == 2:
                self.touch(existing)
            return existing
        if not header.closed:
            # a header being typed (its `]` missing, a syntax error says so): not a second table
            dup = self.detached(path)
            dup.decl, dup.node, dup.delta = span, header, d
            return dup
        if isinstance(existing, Table) and existing.kind in ("header", "array-item"):
            message = f"duplicate table [{dotted}]: it is already defined; merge the two tables"
        else:
            message = f"table [{dotted}] cannot be defined: '{dotted}' is already {_describe(existing)}"
        self.error(span, message, _decl_of(existing), "first defined here")
        dup = self.detached(path)
        dup.decl = span
        dup.node = header
        dup.delta = d
        return dup

    def add(self, table: Table, kv: KeyValue, d: int, base_path: tuple[str, ...], inline: bool = False) -> None:
        parts = kv.key.parts
        if len(parts) == 1:  # fast path: a plain key
            last = parts[0]
            value = kv.value
            if last.name not in table.items and type(value) is not InlineTable:
                table.items[last.name] = Entry(last, kv, d, table)
                if type(value) is Array:
                    self.check_array(value, d, base_path)
                return
        if not parts:
            return
        path = base_path
        for part in parts[:-1]:
            path = path + (part.name,)
            span = (part.start + d, part.end + d)
            child = table.items.get(part.name)
            if child is None:
                child = Table(path, "dotted", span, kv, d)
                table.items[part.name] = child
                if not inline:
                    self.dotted_pending.append(child)
            elif isinstance(child, Table) and child.kind == "dotted" and not child.sealed:
                pass
            else:
                what = _describe(child)
                if isinstance(child, Table) and child.kind == "inline":
                    msg = f"cannot add keys to '{'.'.join(path)}': an inline table is closed once defined"
                elif isinstance(child, Entry):
                    msg = f"cannot use '{'.'.join(path)}' as a table: it is already {what}"
                else:
                    msg = (
                        f"cannot extend '{'.'.join(path)}' with dotted keys here: it is already {what} "
                        "defined elsewhere"
                    )
                self.error(span, msg, _decl_of(child), "defined here")
                return
            if len(path) == 2:
                self.touch(child)
            table = child
        last = parts[-1]
        path = path + (last.name,)
        span = (last.start + d, last.end + d)
        existing = table.items.get(last.name)
        if existing is not None:
            self.error(
                span,
                f"duplicate key '{'.'.join(path)}': it is already {_describe(existing)}",
                _decl_of(existing),
                "first defined here",
            )
            if isinstance(kv.value, InlineTable):
                self.check_inline(kv.value, d, path)
            return
        value = kv.value
        if isinstance(value, InlineTable):
            sub = Table(path, "inline", span, kv, d)
            table.items[last.name] = sub
            if len(path) == 2:
                self.touch(sub)
            for inner in value.entries:
                self.add(sub, inner, d, path, inline=True)
            return
        table.items[last.name] = Entry(last, kv, d, table)
        if isinstance(value, Array):
            self.check_array(value, d, path)

    def check_array(self, array: Array, d: int, path: tuple[str, ...]) -> None:
        for item in array.items:
            if isinstance(item, InlineTable):
                self.check_inline(item, d, path)
            elif isinstance(item, Array):
                self.check_array(item, d, path)

    def check_inline(self, node: InlineTable, d: int, path: tuple[str, ...]) -> None:
        scratch = Table(path, "inline", None)
        for inner in node.entries:
            self.add(scratch, inner, d, path, inline=True)


def unit_key(table: Table):
    """A constant-time identity of the content of a table two levels down (`[metrics.<slug>]`):
    the chunk trees that built it and how far apart they are. None for other tables. Equal keys
    mean equal subtrees, shifted by the difference of the tables' `delta`."""
    key = table._unit_key
    if key is None:
        sig = table.sig
        if sig is None:
            return None
        base = table.delta
        key = table._unit_key = (table.kind, table.attached, tuple([(tree, d - base) for tree, d in sig]))
    return key


def build(tree: SyntaxTree) -> TomlDocument:
    return TomlDocument(tree)
