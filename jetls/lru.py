"""`functools.lru_cache`, bounded by the weight of what it holds instead of its number of entries.

The content-keyed caches (a string's offset map, compiled and rendered templates, SQL parses)
keep a result per string. A count bound does not bound memory: typing in a 5 KB SQL string
makes every entry 5 KB and more. Each cache here weighs an entry (about the bytes it holds: its
strings, plus a fixed part measured on the metric-hub corpus) and evicts the least recently used
ones past its budget; a result heavier than the whole budget is returned but not kept.
`docs/architecture.md` ("Memory") lists the budgets. A leaf module (syntax and checks use it).

Why not `cachetools.LRUCache(getsizeof=...)`: its hit path is several Python-level calls (measured
1.0 µs a hit, against 0.14 for `lru_cache`), and a keystroke in definitions/firefox_desktop.toml
makes ~300 hits (one per template string). Here a hit is one `OrderedDict` lookup and move (0.4 µs).
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict, namedtuple
from typing import Any, Callable

CacheInfo = namedtuple("CacheInfo", "hits misses maxsize currsize")  # as lru_cache's; sizes are weights


def weighed_lru(budget: int, weight: Callable[..., int]):
    """Memoise a function of hashable positional arguments; `weight(result, *args)` is an entry's
    weight and the entries kept weigh at most `budget` together. The wrapper has `cache_info()`
    and `cache_clear()`, as `lru_cache`'s has (the hit and miss counts are approximate when threads
    race). Thread-safe; the function itself runs unlocked."""

    def decorate(fn: Callable[..., Any]):
        entries: OrderedDict = OrderedDict()  # args -> (weight, result), least recently used first
        lock = threading.Lock()
        counts = [0, 0, 0]  # total weight, hits, misses

        @functools.wraps(fn)
        def memoised(*args):
            # a hit takes no lock: each OrderedDict call is atomic, and an entry evicted by
            # another thread between the two is simply not moved
            entry = entries.get(args)
            if entry is not None:
                try:
                    entries.move_to_end(args)
                except KeyError:
                    pass
                counts[1] += 1
                return entry[1]
            counts[2] += 1
            result = fn(*args)
            w = weight(result, *args)
            if w <= budget:
                with lock:
                    old = entries.pop(args, None)  # (computed meanwhile by another thread)
                    if old is not None:
                        counts[0] -= old[0]
                    entries[args] = (w, result)
                    counts[0] += w
                    while counts[0] > budget:
                        counts[0] -= entries.popitem(last=False)[1][0]
            return result

        def cache_info() -> CacheInfo:
            return CacheInfo(counts[1], counts[2], budget, counts[0])

        def cache_clear() -> None:
            with lock:
                entries.clear()
                counts[:] = [0, 0, 0]

        memoised.cache_info = cache_info  # type: ignore[attr-defined]
        memoised.cache_clear = cache_clear  # type: ignore[attr-defined]
        return memoised

    return decorate
