"""Findings recorded once and replayed, shifted, for content that did not change.

A keystroke re-parses one chunk; every other chunk tree, and so every other `[section.<slug>]`
table, is re-used as it was. A check of such content (the schema walk of one table, the checks
of a definitions metric, the mixed arrays of one chunk) gives the same diagnostics as last time,
moved by how far the content moved. `Replayed.run` records them relative to the content's
position, in a `jetls.document.replay.ReplayCache` (its entries die with the chunk trees they
were recorded from), and replays them on later snapshots. This is the one record-and-replay
helper of the checks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Hashable

from jetls.document import Table
from jetls.document.replay import ReplayCache
from jetls.syntax import ChunkTree

if TYPE_CHECKING:
    from jetls.checks.context import Context


class Replayed:
    """The recorded findings of one check, per content."""

    __slots__ = ("_cache",)

    def __init__(self, name: str) -> None:
        self._cache = ReplayCache(name)

    def run(
        self,
        ctx: "Context",
        content: Table | ChunkTree,
        key: Hashable,
        base: int,
        check: Callable[[], None],
        pure_only: bool = False,
    ) -> None:
        """Emit what `check()` emits into `ctx`, replaying an earlier recording for `content`
        (a unit table or a chunk tree) under `key` (plain values: what else the result depends
        on) when there is one. `base`: where the content starts now (recordings are relative to
        it). `pure_only`: keep a recording only when the check read nothing of
        `ctx` beyond its content (see `Context.reads_context`) and points at no other file."""
        hit = self._cache.get(content, key)
        if hit is None:
            recorded, pure = ctx.record(check)
            if not pure_only or (pure and all(r.path is None for d in recorded for r in d.related)):
                self._cache.put(content, key, tuple(d.shifted(-base) for d in recorded))
            ctx.add_all(recorded)
            return
        ctx.add_all([d.shifted(base) for d in hit] if base else hit)
