"""Results recorded for unchanged parts of a file, replayed on later snapshots while those parts
are alive.

A keystroke re-parses one chunk; every other chunk tree is re-used, as the same object, by the
new syntax tree. A result computed from some chunk trees (a `[section.<slug>]` table's index
records or diagnostics: see `unit_key`; a chunk's own findings) is therefore recorded once, in
positions relative to its unit, and replayed, shifted, while those trees are in use.

Lifetime: a `ReplayCache` keys an entry by the *identity* of the chunk trees it was recorded
from and holds them weakly; as soon as one of them is freed (the snapshot that used it was
replaced, its document closed), the entry goes too. A cache therefore holds entries only for
content some live snapshot still has: its size follows the open workspace, not the number of
edits. (Keys hold ids, not the trees: a tree is never kept alive by a cache, and its entries
are dropped before its id can be re-used.)
"""

from __future__ import annotations

import threading
import weakref
from typing import Any, Hashable

from jetls.document.model import Table
from jetls.syntax import ChunkTree


class _Watch(weakref.ref):
    """A weak reference to a chunk tree that anchors entries; when the tree is freed, its
    callback drops them. (One per tree, with no closure: the whole metric-hub anchors ~6 000.)"""

    __slots__ = ("tree_id", "dependents")

    def __new__(cls, tree: ChunkTree) -> "_Watch":
        return super().__new__(cls, tree, _release)  # (the callback is taken here, not by __init__)

    def __init__(self, tree: ChunkTree) -> None:
        super().__init__(tree, _release)  # type: ignore[call-arg]  # (typeshed's ref.__init__ takes no args)
        self.tree_id = id(tree)
        self.dependents: list = []  # entries, key, entries, key, ...


# id(chunk tree) -> its watch
_WATCHED: dict[int, _Watch] = {}
# Every cache (a handful, module-level: they live as long as the process).
_CACHES: list["ReplayCache"] = []
# Puts come from the checking thread and the event loop; a callback may run in either, and
# inside a put (a collection triggered by an allocation): re-entrant.
_LOCK = threading.RLock()


def _release(watch: _Watch) -> None:
    with _LOCK:
        if _WATCHED.get(watch.tree_id) is watch:
            del _WATCHED[watch.tree_id]
        deps = watch.dependents
        for i in range(0, len(deps), 2):
            deps[i].pop(deps[i + 1], None)
        deps.clear()


def _watch(tree: ChunkTree, entries: dict, key: Hashable) -> None:
    watch = _WATCHED.get(id(tree))
    if watch is None:
        watch = _WATCHED[id(tree)] = _Watch(tree)
    watch.dependents += (entries, key)


def _identity(content: Table | ChunkTree) -> Hashable | None:
    """The identity of one chunk tree, or of a unit table's content: its `unit_key` (the chunk
    trees that built it and how far apart they are), flat, with ids for trees. None: not
    replayable. Memoised on the table (every cache asks for it)."""
    if isinstance(content, ChunkTree):
        return id(content)
    key = content._replay_key
    if key is None:
        sig = content.sig
        if sig is None:  # (as unit_key: only tables two levels down have one)
            return None
        base = content.delta
        flat: list = [content.kind, content.attached]
        for tree, d in sig:
            flat += (id(tree), d - base)
        key = content._replay_key = tuple(flat)
    return key


def _trees(content: Table | ChunkTree) -> list[ChunkTree]:
    return [content] if isinstance(content, ChunkTree) else [tree for tree, _ in content.sig or ()]


class ReplayCache:
    """(content, key) -> a result recorded for that content, alive while the content is.

    `content` is a table two levels down (its `unit_key`: the chunk trees that built it, and how
    far apart they are) or one `ChunkTree`; `key` says what else the result depends on (plain
    values only: no node, table or tree, which would outlive their snapshot here)."""

    __slots__ = ("name", "_entries")

    def __init__(self, name: str) -> None:
        self.name = name
        self._entries: dict = {}
        _CACHES.append(self)

    def get(self, content: Table | ChunkTree, key: Hashable = ()) -> Any:
        """The result recorded for `content` under `key`, or None."""
        if isinstance(content, ChunkTree):
            return self._entries.get((key, id(content)))
        ident = content._replay_key or _identity(content)  # (inlined: ~1 000 lookups a keystroke)
        return None if ident is None else self._entries.get((key, ident))

    def put(self, content: Table | ChunkTree, key: Hashable, result: Any) -> None:
        """Record `result`; nothing happens for content without a unit key (it is not replayable)."""
        ident = _identity(content)
        if ident is None:
            return
        full = (key, ident)
        with _LOCK:
            known = full in self._entries  # (recorded meanwhile by another thread: already watched)
            self._entries[full] = result
            if not known:
                for tree in _trees(content):
                    _watch(tree, self._entries, full)

    def __len__(self) -> int:
        return len(self._entries)


def sizes() -> dict[str, int]:
    """Entries per cache, and how many chunk trees anchor them (for tests and measurements)."""
    out = {c.name: len(c) for c in _CACHES}
    out["chunk trees watched"] = len(_WATCHED)
    return out
