"""The parsed source on disk, under the user's cache directory.

One file per source folder: `$XDG_CACHE_HOME/jetls/bigquery/<hash of the folder>.cache` (or
`~/.cache/jetls/...`). It maps each file of the source to (size, mtime_ns, content digest,
kind, parsed value). A restart re-parses only the files whose content changed: a file whose
size and mtime are unchanged is taken as is; otherwise its content digest decides (a fresh
clone of the same commit re-parses nothing).

The format is `marshal` (plain values only, nothing executable) behind a magic header naming the
format and Python version; anything unexpected reads as "no cache". Writes go to a temporary file
renamed into place, so a reader never sees half a file and two processes cannot corrupt it.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import sys
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

from .source import FORMAT

_MAGIC = f"jetls-bigquery-cache {FORMAT} py{sys.version_info[0]}.{sys.version_info[1]}\n".encode()


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME")
    if not base or not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "jetls" / "bigquery"


def cache_file(root: str) -> Path:
    key = hashlib.sha256(os.path.abspath(root).encode("utf-8", "surrogatepass")).hexdigest()[:24]
    return cache_dir() / f"{key}.cache"


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def read(path: Path) -> dict | None:
    """{"root": str, "files": {rel: (size, mtime_ns, digest, kind, value)}} or None."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    if not data.startswith(_MAGIC):
        return None
    try:
        doc = marshal.loads(memoryview(data)[len(_MAGIC):])
    except (ValueError, EOFError, TypeError):
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get("files"), dict):
        return None
    return doc


def write(path: Path, doc: dict) -> str | None:
    """Store `doc`; returns an error message instead of raising (a cache is optional)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(_MAGIC)
                fh.write(marshal.dumps(doc))
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
