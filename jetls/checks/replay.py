"""Findings recorded once and replayed, shifted, for content that did not change.

A keystroke re-parses one chunk; every other chunk tree, and so every other `[section.<slug>]`
table, is re-used as it was. A check of such content (the schema walk of one table, the checks
of a definitions metric, the mixed arrays of one chunk) gives the same diagnostics as last time,
moved by how far the content moved. `Replayed.run` records them relative to the content's
position under a key that identifies the content and what else the check read, and replays
them on later snapshots. This is the one record-and-replay helper of the checks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Hashable

if TYPE_CHECKING:
    from jetls.checks.context import Context


class Replayed:
    """One store of recorded findings (bounded: cleared when full)."""

    __slots__ = ("name", "limit", "_entries")

    def __init__(self, name: str, limit: int = 20000) -> None:
        self.name = name
        self.limit = limit
        self._entries: dict = {}

    def run(self, ctx: "Context", key: Hashable, base: int, check: Callable[[], None], pure_only: bool = False) -> None:
        """Emit what `check()` emits into `ctx`, replaying an earlier recording under `key` when
        there is one. `base`: where the content starts now (recordings are relative to it).
        `pure_only`: keep a recording only when the check read nothing of `ctx` beyond its
        content (see `Context.reads_context`) and points at no other file."""
        try:
            hit = self._entries.get(key)
        except TypeError:  # defensive: an unhashable key
            check()
            return
        if hit is None:
            recorded, pure = ctx.record(check)
            hit = tuple(d.shifted(-base) for d in recorded)
            if not pure_only or (pure and all(r.path is None for d in hit for r in d.related)):
                if len(self._entries) >= self.limit:
                    self._entries.clear()
                self._entries[key] = hit
            ctx.add_all(recorded)
            return
        ctx.add_all([d.shifted(base) for d in hit] if base else hit)

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
