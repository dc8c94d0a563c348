"""The schema sources loaded in this process, by folder.

`catalog(path)` is what checks and features call: the loaded `Catalog`, or None. The CLI (and
any caller that never asked for background loading) loads on first use, on the caller's thread.
The server calls `set_background(True)` and `start(path, ...)`: a load runs on its own thread
(parsing, when the cache is cold, in worker processes) and `catalog(path)` answers None until it
is done, so loading is never on the keystroke path.

A folder that is no source, or files that cannot be parsed, are reported once per load through
`State.error` / `Catalog.problems`; the rest keeps working.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from typing import Callable

from .catalog import Catalog, Progress
from .catalog import load as _load
from .source import SourceProblem

log = logging.getLogger(__name__)

LOADING, READY, FAILED = "loading", "ready", "failed"


@dataclass(eq=False)
class State:
    path: str
    status: str = LOADING
    catalog: Catalog | None = None
    error: str | None = None  # why the folder could not be used at all
    done: threading.Event = field(default_factory=threading.Event)


_lock = threading.Lock()
_states: dict[str, State] = {}
_background = False


def set_background(on: bool) -> None:
    """Background mode (the server): never load on the thread that asks for a catalog."""
    global _background
    _background = on


_keys: dict[str, str] = {}


def _key(path: str) -> str:
    k = _keys.get(path)
    if k is None:
        k = _keys[path] = os.path.abspath(os.path.expanduser(path))
    return k


def state(path: str | None) -> State | None:
    return _states.get(_key(path)) if path else None


def catalog(path: str | None) -> Catalog | None:
    """The loaded catalog of `path`; None without a path, while loading, or when it failed."""
    if not path:
        return None
    key = _key(path)
    s = _states.get(key)
    if s is None:
        if _background:
            start(key)
            return None
        s = load(key)
    return s.catalog if s.status == READY else None


def load(path: str, progress: Progress | None = None) -> State:
    """Load `path` on this thread (or wait for the load already running) and register it."""
    key = _key(path)
    with _lock:
        s = _states.get(key)
        owner = s is None
        if s is None:
            s = _states[key] = State(key)
    if not owner:
        s.done.wait()
        return s
    _run(s, progress)
    return s


def start(
    path: str, progress: Progress | None = None, finished: Callable[[State], None] | None = None, reload: bool = False
) -> State:
    """Load `path` on a background thread (unless it is loaded or loading); `finished(state)` is
    called on that thread when done (also at once when it was loaded already)."""
    key = _key(path)
    with _lock:
        s = _states.get(key)
        if s is not None and not (reload and s.done.is_set()):
            owner = False
        else:
            owner = True
            s = _states[key] = State(key)
    if not owner:
        if finished is not None:
            threading.Thread(
                target=lambda: (s.done.wait(), finished(s)), daemon=True, name="jetls-bigquery-wait"
            ).start()
        return s

    def work() -> None:
        _run(s, progress)
        if finished is not None:
            finished(s)

    threading.Thread(target=work, daemon=True, name="jetls-bigquery-load").start()
    return s


def _run(s: State, progress: Progress | None) -> None:
    try:
        cat = _load(s.path, progress)
    except SourceProblem as exc:
        s.status, s.error = FAILED, str(exc)
    except Exception as exc:  # noqa: BLE001 — a broken source must not break the checks
        log.exception("jetls: loading the bigquery-etl source %s failed", s.path)
        s.status, s.error = FAILED, f"cannot load {s.path}: {type(exc).__name__}: {exc}"
    else:
        s.catalog, s.status = cat, READY
        for p in cat.problems:
            log.warning("jetls: bigquery-etl source: %s", p)
    finally:
        s.done.set()


def forget(path: str | None = None) -> None:
    """Drop loaded sources (all of them without a path): the next use loads again."""
    with _lock:
        if path is None:
            _states.clear()
        else:
            _states.pop(_key(path), None)


def summary(s: State) -> str | None:
    """One message about a load that did not fully succeed (None when it did)."""
    if s.status == FAILED:
        return f"bigquery-etl source not used: {s.error}"
    cat = s.catalog
    if cat is not None and cat.problems:
        n = len(cat.problems)
        more = f" (and {n - 1} more, listed in the log)" if n > 1 else ""
        return (
            f"{n} file{'s' if n != 1 else ''} of the bigquery-etl source could not be read; their tables "
            f"are not checked: {cat.problems[0]}{more}"
        )
    return None
