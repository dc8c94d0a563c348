"""The tables of a schema source: `load(root)` builds a `Catalog` (through the cache), and
`Catalog.table(name)` gives a table's columns, decoded on first use.

Where a table's columns come from, first found wins: its `schema.yaml`; a columns JSON file;
its `view.sql`, resolved against the other tables (see `scope.view_columns`).
"""

from __future__ import annotations

import logging
import marshal
import os
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Mapping
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Callable, Iterable, cast

from . import cache
from .model import Column, Table, canonical, split_name
from .source import COLUMNS, METADATA, SCHEMA, VIEW, Listed, SourceProblem, digest, parse_many, scan, unpack

log = logging.getLogger(__name__)

#: progress(message, fraction done or None)
Progress = Callable[[str, "float | None"], None]

#: Below this many files to parse, parse in this process (worker start-up costs more).
_PARALLEL_FROM = 200
_CHUNK = 40


class Catalog:
    """An immutable view of one loaded source. Thread-safe for readers: decoded tables are
    memoised (two threads decoding the same table at once both get an equal answer)."""

    def __init__(
        self,
        root: str,
        files: Mapping[str, tuple[str, str | None, object]],
        date: str | None,
        problems: Iterable[str] = (),
        load_seconds: float = 0.0,
        parsed: int = 0,
    ) -> None:
        self.root = root
        #: Date of the snapshot (YYYY-MM-DD): named in every message, since schemas drift.
        self.date = date
        #: One message per file that could not be read (the rest works without it).
        self.problems = tuple(problems)
        self.load_seconds = load_seconds
        self.parsed = parsed  # files parsed by this load (0: everything came from the cache)
        self._schemas: dict[str, tuple[str, bytes]] = {}
        self._json: dict[str, tuple[str, bytes]] = {}
        self._views: dict[str, str] = {}
        self._meta: dict[str, bytes] = {}
        for rel, (kind, table, value) in files.items():
            if value is None:
                if kind == VIEW and table:
                    self._views[table] = rel
            elif kind == SCHEMA and table:
                self._schemas[table] = (rel, cast(bytes, value))
            elif kind == METADATA and table:
                self._meta[table] = cast(bytes, value)
            elif kind == COLUMNS and isinstance(value, tuple):
                for name, blob in value[1]:
                    self._json.setdefault(name, (rel, blob))
        self._tables: dict[str, Table | None] = {}
        self._resolving: set[str] = set()
        self._lock = threading.RLock()
        #: Per-catalog memo of derived answers (resolved FROM clauses, analysed expressions).
        self.memo: dict = {}

    # -- lookups -----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.names())

    def names(self) -> frozenset[str]:
        """Every table whose columns the source may know (views with only a view.sql included)."""
        n = self.__dict__.get("_names")
        if n is None:
            n = self.__dict__["_names"] = frozenset(self._schemas) | frozenset(self._json) | frozenset(self._views)
        return n

    def table(self, name: str | Iterable[str]) -> Table | None:
        """The table of a name (`mozdata.x.y`, `` `moz-fx-data-shared-prod.x.y` ``, `x.y`, or its
        parts), with its columns; None when the source does not know its columns."""
        parts = split_name(name) if isinstance(name, str) else [p for part in name for p in split_name(part)]
        key = canonical(parts)
        if key is None:
            return None
        try:
            return self._tables[key]
        except KeyError:
            pass
        with self._lock:
            if key in self._tables:
                return self._tables[key]
            if key in self._resolving:  # a view that reads itself (directly or not)
                return None
            self._resolving.add(key)
            try:
                t = self._build(key)
            finally:
                self._resolving.discard(key)
            self._tables[key] = t
            return t

    def _build(self, key: str) -> Table | None:
        try:
            return self._decode(key)
        except (ValueError, EOFError, TypeError, zlib.error):  # a damaged cache: the table is unknown
            log.warning("jetls: the cached columns of %s cannot be read", key)
            return None

    def _decode(self, key: str) -> Table | None:
        meta = self.metadata(key)
        hit = self._schemas.get(key)
        if hit is not None:
            rel, blob = hit
            path = os.path.join(self.root, rel)
            return Table(key, _columns(blob, key, ()), "schema.yaml", path, *meta)
        hit = self._json.get(key)
        if hit is not None:
            rel, blob = hit
            return Table(key, _columns(blob, key, ()), "columns JSON", os.path.join(self.root, rel), *meta)
        view = self._views.get(key)
        if view is not None:
            path = os.path.join(self.root, view)
            try:
                with open(path, encoding="utf-8", errors="replace") as fh:
                    sql = fh.read()
            except OSError:
                return None
            from .scope import view_columns  # sqlglot: only when a view needs resolving

            cols = view_columns(sql, self, key)
            if cols is None:
                return None
            return Table(key, cols, "view.sql", path, *meta)
        return None

    def metadata(self, name: str) -> tuple[str | None, str | None, bool]:
        """(friendly name, description, deprecated) of a table from its metadata.yaml."""
        blob = self._meta.get(canonical(split_name(name)) or "")
        try:
            return tuple(marshal.loads(blob)) if blob is not None else (None, None, False)
        except (ValueError, EOFError, TypeError):
            return (None, None, False)

    def describe(self) -> str:
        return (
            f"{len(self._schemas)} schema.yaml, {len(self._json)} tables from columns JSON, "
            f"{len(set(self._views) - set(self._schemas) - set(self._json))} views resolved from view.sql"
        )


def _columns(blob: bytes, table: str, parent: tuple[str, ...]) -> Mapping[str, Column]:
    out: dict[str, Column] = {}
    for name, typ, mode, desc, line, sub in unpack(blob):
        path = parent + (name,)
        subs = _Record(sub, table, path) if sub is not None else None
        out.setdefault(name.lower(), Column(name, typ, mode, desc, subs, table, path, line))
    return MappingProxyType(out)


class _Record(Mapping):
    """The fields of a RECORD column, decoded when first read."""

    __slots__ = ("_blob", "_table", "_path", "_map")

    def __init__(self, blob: bytes, table: str, path: tuple[str, ...]) -> None:
        self._blob, self._table, self._path = blob, table, path
        self._map: Mapping[str, Column] | None = None

    def _fields(self) -> Mapping[str, Column]:
        m = self._map
        if m is None:  # two threads may both decode: the same answer either way
            m = self._map = _columns(self._blob, self._table, self._path)
        return m

    def __getitem__(self, key: str) -> Column:
        return self._fields()[key]

    def get(self, key, default=None):
        return self._fields().get(key, default)

    def __contains__(self, key) -> bool:
        return key in self._fields()

    def __iter__(self):
        return iter(self._fields())

    def __len__(self) -> int:
        return len(self._fields())


# --------------------------------------------------------------------------------- loading


def load(root: str, progress: Progress | None = None, jobs: int | None = None) -> Catalog:
    """Read a source through its cache. Raises SourceProblem when `root` is no source at all;
    files that cannot be parsed are listed in `Catalog.problems` and left out."""
    t0 = time.perf_counter()
    root = os.path.abspath(root)
    listed = scan(root)
    cpath = cache.cache_file(root)
    old = cache.read(cpath)
    old_files: dict = old["files"] if old is not None and old.get("root") == root else {}
    by_digest = {v[2]: v for v in old_files.values()}
    files: dict[str, tuple] = {}  # rel → (size, mtime_ns, digest, kind, value, problem)
    todo: list[Listed] = []
    changed = len(old_files) != len(listed)
    for item in listed:
        prev = old_files.get(item.rel)
        if prev is not None and prev[0] == item.size and prev[1] == item.mtime_ns and prev[3] == item.kind:
            files[item.rel] = prev
            continue
        changed = True
        if item.kind == VIEW:  # resolved on use: nothing to parse
            files[item.rel] = (item.size, item.mtime_ns, b"", VIEW, None, None)
            continue
        d = _digest_of(os.path.join(root, item.rel))
        same = by_digest.get(d) if d is not None else None
        if same is not None and same[3] == item.kind:
            files[item.rel] = (item.size, item.mtime_ns, d, item.kind, same[4], same[5])
        else:
            todo.append(item)
    if todo:
        for item, (ok, value, d) in zip(todo, _parse_all(root, todo, progress, jobs), strict=False):
            files[item.rel] = (item.size, item.mtime_ns, d, item.kind, value if ok else None, None if ok else value)
    if changed:
        err = cache.write(cpath, {"root": root, "files": files})
        if err:
            log.info("jetls: %s", err)
    tables = {i.rel: (i.kind, i.table, files[i.rel][4]) for i in listed}
    problems = sorted(v[5] for v in files.values() if v[5])
    return Catalog(root, tables, _snapshot_date(root, listed, tables), problems, time.perf_counter() - t0, len(todo))


def _digest_of(path: str) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return digest(fh.read())
    except OSError:
        return None


def _parse_all(
    root: str, todo: list[Listed], progress: Progress | None, jobs: int | None
) -> list[tuple[bool, object, bytes]]:
    work = [(i.kind, os.path.join(root, i.rel), i.rel) for i in todo]
    chunks = [work[i : i + _CHUNK] for i in range(0, len(work), _CHUNK)]
    n = jobs if jobs is not None else min(os.cpu_count() or 1, 4)
    results: list[list] = [None] * len(chunks)  # type: ignore[list-item]
    done = 0

    def report() -> None:
        if progress is not None:
            progress(f"parsing {len(work):,} files of the bigquery-etl source", done / max(len(chunks), 1))

    report()
    if n > 1 and len(work) >= _PARALLEL_FROM:
        try:
            for index, value in _in_workers(list(enumerate(chunks)), n):
                results[index] = value
                done += 1
                report()
        except Exception as exc:  # noqa: BLE001 — no worker processes here: parse in this one
            log.info("jetls: parsing the bigquery-etl source in one process (%s)", exc)
    for i, c in enumerate(chunks):
        if results[i] is None:
            results[i] = parse_many(c)
            done += 1
            report()
    return [r for chunk in results for r in chunk]


def _in_workers(chunks: list[tuple[int, list]], n: int):
    """Yield (chunk index, results) from `n` worker interpreters as they finish chunks."""
    import queue

    env = dict(os.environ)
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env["PYTHONPATH"] = here + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    procs = []
    answers: queue.Queue = queue.Queue()
    try:
        for k in range(n):
            share = chunks[k::n]
            if not share:
                continue
            p = subprocess.Popen(
                [sys.executable, "-m", "jetls.bigquery._worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=env,
            )
            procs.append(p)
            threading.Thread(target=_feed_and_read, args=(p, share, answers), daemon=True).start()
        for _ in range(len(chunks)):
            item = answers.get(timeout=600)
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
            p.wait()


def _feed_and_read(p: subprocess.Popen, share: list, answers) -> None:
    import marshal

    assert p.stdin is not None and p.stdout is not None  # (opened with pipes)
    try:
        p.stdin.write(marshal.dumps(share))
        p.stdin.close()
        for _ in share:
            head = p.stdout.read(8)
            if len(head) != 8:
                raise RuntimeError(f"a parsing worker stopped (exit status {p.wait()})")
            answers.put(marshal.loads(p.stdout.read(int.from_bytes(head, "little"))))
    except BaseException as exc:  # noqa: BLE001 — handed to the loader, which parses here instead
        answers.put(exc)


def _snapshot_date(root: str, listed: list[Listed], tables: Mapping[str, tuple]) -> str | None:
    """The checkout's commit date, else a columns JSON's `source.date`, else the newest file."""
    if os.path.exists(os.path.join(root, ".git")):
        try:
            r = subprocess.run(
                ["git", "-C", root, "log", "-1", "--format=%cs"], capture_output=True, text=True, timeout=5, check=False
            )
            if r.returncode == 0 and r.stdout.strip():
                return r.stdout.strip()
        except (OSError, subprocess.SubprocessError):
            pass
    for i in listed:
        value = tables.get(i.rel, (None, None, None))[2]
        if i.kind == COLUMNS and isinstance(value, tuple) and value[0]:
            return value[0]
    newest = max((i.mtime_ns for i in listed if i.kind in (SCHEMA, VIEW)), default=0)
    if newest:
        return datetime.fromtimestamp(newest / 1e9, timezone.utc).strftime("%Y-%m-%d")
    return None


__all__ = ["Catalog", "Progress", "SourceProblem", "load"]
