"""`functools.lru_cache`, bounded by the weight of what it holds instead of its number of entries.

The content-keyed caches (a string's offset map, compiled and rendered templates, SQL parses)
keep a result per string. A count bound does not bound memory: typing in a 5 KB SQL string
makes every entry 5 KB and more. Each cache here weighs an entry (about the bytes it holds: its
strings, plus a fixed part measured on the metric-hub corpus) and evicts the least recently used
ones past its budget; a result heavier than the whole budget is returned but not kept.
`docs/architecture.md` ("Memory") lists the budgets. A leaf module (syntax and checks use it).
"""

from __future__ import annotations

import functools
import threading
from typing import Any, Callable

from cachetools import LRUCache, cached


def weighed_lru(budget: int, weight: Callable[..., int]):
    """Memoise a function of hashable arguments; `weight(result, *args)` is an entry's weight and
    the entries kept weigh at most `budget` together. The wrapper has `cache_info()` and
    `cache_clear()` as `lru_cache`'s has."""

    def decorate(fn: Callable[..., Any]):
        # entries are (weight, result): LRUCache weighs values only, the arguments are the key
        @cached(LRUCache(budget, getsizeof=lambda entry: entry[0]), lock=threading.Lock(), info=True)
        def weighed(*args):
            out = fn(*args)
            return weight(out, *args), out

        @functools.wraps(fn)
        def memoised(*args):
            return weighed(*args)[1]

        memoised.cache_info = weighed.cache_info  # type: ignore[attr-defined]
        memoised.cache_clear = weighed.cache_clear  # type: ignore[attr-defined]
        return memoised

    return decorate
