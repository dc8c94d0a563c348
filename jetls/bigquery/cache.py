"""The parsed source on disk, under the user's cache directory.

One file per source folder: `$XDG_CACHE_HOME/jetls/bigquery/<hash of the folder>.cache` (or
`~/.cache/jetls/...`). It maps each file of the source to (size, mtime_ns, content digest,
kind, parsed value): a header, then the values' bytes, which a reader maps instead of reading.
A restart re-parses only the files whose content changed: a file whose size and mtime are
unchanged is taken as is; otherwise its content digest decides (a fresh clone of the same commit
re-parses nothing).

The header is `marshal` (plain values only, nothing executable) behind a magic line naming the
format and Python version; anything unexpected reads as "no cache". Writes go to a temporary file
renamed into place, so a reader never sees half a file and two processes cannot corrupt it.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import mmap
import os
import sys
import tempfile
from pathlib import Path

from .source import COLUMNS, FORMAT

log = logging.getLogger(__name__)

_MAGIC = f"jetls-bigquery-cache {FORMAT} py{sys.version_info[0]}.{sys.version_info[1]}\n".encode()


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME")
    if not base or not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "jetls" / "bigquery"


def cache_file(root: str) -> Path:
    key = hashlib.sha256(os.path.abspath(root).encode("utf-8", "surrogatepass")).hexdigest()[:24]
    return cache_dir() / f"{key}.cache"


def read(path: Path) -> dict | None:
    """{"root": str, "files": {rel: (size, mtime_ns, digest, kind, value, problem)}} or None.

    The file is mapped, not read: each stored value (a compressed field tree, metadata) is a
    view into the mapping, paged in only when a table is used."""
    try:
        with open(path, "rb") as fh:
            mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # missing, unreadable, or empty
        return None
    try:
        if mm[: len(_MAGIC)] != _MAGIC:
            return None
        start = len(_MAGIC) + 8
        n = int.from_bytes(mm[len(_MAGIC) : start], "little")
        header = marshal.loads(mm[start : start + n])
        data = memoryview(mm)[start + n :]
        if not isinstance(header, dict) or header.get("size") != len(data):
            return None  # truncated or not ours
        files = {}
        for rel, (size, mtime, dig, kind, ref, problem) in header["files"].items():
            files[rel] = (size, mtime, dig, kind, _value(kind, ref, data), problem)
        return {"root": header.get("root"), "files": files}
    except (ValueError, EOFError, TypeError, KeyError):
        return None


def _value(kind: str, ref, data: memoryview):
    if ref is None:
        return None
    if kind == COLUMNS:
        date, tables = ref
        return (date, tuple((name, data[off : off + size]) for name, off, size in tables))
    off, size = ref
    return data[off : off + size]


def write(path: Path, doc: dict) -> str | None:
    """Store `doc` (as `read` returns it; values bytes-like); returns an error message instead
    of raising (a cache is optional)."""
    chunks: list = []
    pos = 0

    def put(blob) -> tuple[int, int]:
        nonlocal pos
        chunks.append(blob)
        pos += len(blob)
        return (pos - len(blob), len(blob))

    files = {}
    for rel, (size, mtime, dig, kind, value, problem) in doc["files"].items():
        ref: object
        if value is None:
            ref = None
        elif kind == COLUMNS:
            ref = (value[0], tuple((name, *put(blob)) for name, blob in value[1]))
        else:
            ref = put(value)
        files[rel] = (size, mtime, dig, kind, ref, problem)
    header = marshal.dumps({"root": doc["root"], "size": pos, "files": files})
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(_MAGIC)
                fh.write(len(header).to_bytes(8, "little"))
                fh.write(header)
                for c in chunks:
                    fh.write(c)
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except OSError as exc:
        log.warning("jetls: cannot write the bigquery-etl cache %s: %s", path, exc)
        return f"cannot write the cache {path}: {exc.strerror or exc}"
    return None
