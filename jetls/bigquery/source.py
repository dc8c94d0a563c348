"""What a schema source folder holds, and the parsing of each of its files.

A source is a bigquery-etl checkout (or a folder shaped like one):

- `sql/<project>/<dataset>/<table>/schema.yaml` — fields (name, type, mode, description,
  nested `fields`);
- `sql/<project>/<dataset>/<table>/metadata.yaml` — friendly name, description, deprecation;
- `sql/<project>/<dataset>/<table>/view.sql` — a view whose columns are resolved from its SQL
  when it has no schema.yaml;
- a columns JSON file (`*.json` at the top or in `derived/`) shaped like bigquery-etl's
  `derived/view-columns.json`: `{"source": {"date": ...}, "tables": {"p.d.t": {"col": 0,
  "record": {"field": 0}}}}` (leaves are numbers, nested records are objects).

The parse functions are pure and picklable (they run in worker processes on a cold start);
each returns plain values (tuples, strings, bytes) that `marshal` can store in the cache.
A file that cannot be parsed raises `SourceProblem` with a message naming the file and line.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import zlib
from dataclasses import dataclass

SCHEMA = "schema"
METADATA = "metadata"
VIEW = "view"
COLUMNS = "columns"

#: Version of the stored form of parsed files (part of the cache's identity).
FORMAT = 3

_TABLE_FILES = {"schema.yaml": SCHEMA, "metadata.yaml": METADATA, "view.sql": VIEW}
#: Files larger than this are not parsed (a real schema.yaml is at most a few MB).
MAX_FILE = 64 * 1024 * 1024


class SourceProblem(Exception):
    """A file of the source that cannot be read; the message names it."""


@dataclass(frozen=True, slots=True)
class Listed:
    rel: str  # path relative to the source root (posix)
    kind: str  # SCHEMA | METADATA | VIEW | COLUMNS
    table: str | None  # project.dataset.table (lower case) for per-table files
    size: int
    mtime_ns: int


def digest(data: bytes) -> bytes:
    """The content digest of a file of the source (the cache's identity of what was parsed)."""
    return hashlib.blake2b(data, digest_size=16).digest()


def scan(root: str) -> list[Listed]:
    """Every file of the source that jetls reads, with its size and mtime (no file is opened).

    Raises SourceProblem when `root` is not a folder holding `sql/` or a columns JSON file."""
    if not os.path.isdir(root):
        raise SourceProblem(f"{root} is not a folder")
    out: list[Listed] = []
    sql = os.path.join(root, "sql")
    if os.path.isdir(sql):
        for project in _dirs(sql):
            for dataset in _dirs(project.path):
                for table in _dirs(dataset.path):
                    key = f"{project.name}.{dataset.name}.{table.name}".lower()
                    try:
                        entries = list(os.scandir(table.path))
                    except OSError:
                        continue
                    for f in entries:
                        kind = _TABLE_FILES.get(f.name)
                        if kind is None:
                            continue
                        try:
                            st = f.stat()
                        except OSError:
                            continue
                        rel = f"sql/{project.name}/{dataset.name}/{table.name}/{f.name}"
                        out.append(Listed(rel, kind, key, st.st_size, st.st_mtime_ns))
    for folder in ("", "derived"):
        d = os.path.join(root, folder) if folder else root
        if not os.path.isdir(d):
            continue
        for f in sorted(os.scandir(d), key=lambda e: e.name):
            if f.name.endswith(".json") and f.is_file():
                st = f.stat()
                out.append(
                    Listed(f"{folder}/{f.name}" if folder else f.name, COLUMNS, None, st.st_size, st.st_mtime_ns)
                )
    if not out and not os.path.isdir(sql):
        raise SourceProblem(f"{root} is not a bigquery-etl checkout: it has no sql/ folder and no columns JSON file")
    return out


def _dirs(path: str):
    try:
        entries = sorted(os.scandir(path), key=lambda e: e.name)
    except OSError:
        return []
    return [e for e in entries if e.is_dir() and not e.name.startswith(".")]


# ----------------------------------------------------------------------------- parsing


def parse(kind: str, path: str, rel: str) -> object:
    """The stored form of one file (see the module docstring); SourceProblem on bad input."""
    return _parse(kind, _read(path, rel), rel)


def _read(path: str, rel: str) -> bytes:
    try:
        size = os.path.getsize(path)
        if size > MAX_FILE:
            raise SourceProblem(f"{rel}: {size:,} bytes, larger than {MAX_FILE:,}: skipped")
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise SourceProblem(f"{rel}: cannot be read ({exc.strerror or exc})") from None


def _parse(kind: str, data: bytes, rel: str) -> object:
    if kind == SCHEMA:
        return parse_schema(data, rel)
    if kind == METADATA:
        return parse_metadata(data, rel)
    if kind == COLUMNS:
        return parse_columns_json(data, rel)
    return None  # view.sql: resolved when first used (it needs the other tables)


def parse_many(jobs: list[tuple[str, str, str]]) -> list[tuple[bool, object, bytes]]:
    """`parse` over (kind, path, rel) triples: (True, value, digest) or (False, message, digest)
    each, with the content digest of what was parsed (b"" when unreadable)."""
    out: list[tuple[bool, object, bytes]] = []
    for kind, path, rel in jobs:
        d = b""
        try:
            data = _read(path, rel)
            d = digest(data)
            out.append((True, _parse(kind, data, rel), d))
        except SourceProblem as exc:
            out.append((False, str(exc), d))
        except Exception as exc:  # noqa: BLE001 — a parser bug must not stop the load
            out.append((False, f"{rel}: cannot be parsed ({type(exc).__name__}: {exc})", d))
    return out


def _yaml():
    import yaml

    loader = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
    return yaml, loader


def _compose(data: bytes, rel: str):
    yaml, loader = _yaml()
    try:
        return yaml.compose(data, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SourceProblem(f"{rel}:{where}: not valid YAML ({problem})") from None


def parse_schema(data: bytes, rel: str = "schema.yaml") -> bytes | None:
    """schema.yaml → its fields, `pack`ed (None for an empty schema `{}`); a field's `line` is
    the 0-based line of its `- name:` entry."""
    import yaml

    root = _compose(data, rel)
    if root is None or isinstance(root, yaml.MappingNode) and not root.value:
        return None  # `{}`: bigquery-etl writes it for tables whose schema it does not know
    if not isinstance(root, yaml.MappingNode):
        raise SourceProblem(f"{rel}: line {root.start_mark.line + 1}: expected a mapping with `fields`")
    for k, v in root.value:
        if isinstance(k, yaml.ScalarNode) and k.value == "fields":
            return pack(_fields(v, rel, yaml))
    raise SourceProblem(f"{rel}: no `fields` list")


def _fields(node, rel: str, yaml) -> tuple:
    if not isinstance(node, yaml.SequenceNode):
        raise SourceProblem(f"{rel}: line {node.start_mark.line + 1}: `fields` must be a list")
    out = []
    for item in node.value:
        if not isinstance(item, yaml.MappingNode):
            raise SourceProblem(f"{rel}: line {item.start_mark.line + 1}: a field must be a mapping")
        name = typ = mode = desc = None
        sub = None
        for k, v in item.value:
            key = k.value if isinstance(k, yaml.ScalarNode) else None
            if key == "fields":
                sub = _fields(v, rel, yaml)
            elif isinstance(v, yaml.ScalarNode):
                if key == "name":
                    name = v.value
                elif key == "type":
                    typ = v.value.upper()
                elif key == "mode":
                    mode = v.value.upper()
                elif key == "description":
                    desc = v.value or None
        if not name:
            raise SourceProblem(f"{rel}: line {item.start_mark.line + 1}: a field without `name`")
        out.append((name, typ, mode, desc, item.start_mark.line, None if sub is None else pack(sub)))
    return tuple(out)


def parse_metadata(data: bytes, rel: str = "metadata.yaml") -> bytes:
    """metadata.yaml → `marshal` of (friendly_name, description, deprecated)."""
    yaml, loader = _yaml()
    try:
        doc = yaml.load(data, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise SourceProblem(f"{rel}:{where}: not valid YAML ({getattr(exc, 'problem', None) or exc})") from None
    if not isinstance(doc, dict):
        return marshal.dumps((None, None, False))
    fn, desc = doc.get("friendly_name"), doc.get("description")
    return marshal.dumps(
        (fn if isinstance(fn, str) else None, desc if isinstance(desc, str) else None, doc.get("deprecated") is True)
    )


def parse_columns_json(data: bytes, rel: str = "columns.json") -> tuple | None:
    """A columns JSON file → (snapshot date or None, ((table, compressed field tree), ...)),
    or None for a JSON file of another shape (e.g. bigquery-etl's routines.json)."""
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SourceProblem(f"{rel}: not valid JSON ({exc})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("tables"), dict):
        return None
    src = doc.get("source")
    date = src.get("date") if isinstance(src, dict) and isinstance(src.get("date"), str) else None
    tables = []
    for name, cols in doc["tables"].items():
        if isinstance(name, str) and isinstance(cols, dict):
            tables.append((name.lower(), pack(_json_fields(cols))))
    return (date[:10] if date else None, tuple(tables))


def _json_fields(cols: dict) -> tuple:
    # Leaves carry no type: `None` fields means "not known to be a record".
    return tuple(
        (
            str(name),
            "RECORD" if isinstance(v, dict) else None,
            None,
            None,
            None,
            pack(_json_fields(v)) if isinstance(v, dict) else None,
        )
        for name, v in cols.items()
    )


def pack(fields: tuple) -> bytes:
    """One level of fields, compressed. A field is (name, type, mode, description, line, sub)
    where `sub` is the packed level below (or None): a table's columns are decoded one record
    at a time, when something reads into it (a Glean `metrics` table has ~13 000 fields)."""
    return zlib.compress(marshal.dumps(fields), 6)


def unpack(blob: bytes) -> tuple:
    """The fields `pack` stored (their own `sub` still packed)."""
    return marshal.loads(zlib.decompress(blob))
