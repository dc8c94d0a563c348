"""Mozilla's routines (UDFs), read from a bigquery-etl checkout.

A routine lives in a folder `sql/mozfun/<dataset>/<name>/` or
`sql/moz-fx-data-shared-prod/<udf dataset>/<name>/` holding `metadata.yaml` (friendly name,
description) and `udf.sql` (its `CREATE [OR REPLACE] FUNCTION <dataset>.<name>(<params>)`) or
`stored_procedure.sql`. The catalog is loaded once per checkout path and cached in-process
(`load_routines`); its `key` (path + a digest of what was read) is its identity in every cache
that depends on it. Loading never raises: unreadable files are skipped, a routine without SQL
has an unknown arity (its calls are judged by name only).
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from jetls.diagnostics import Problem

__all__ = ["Routine", "RoutineCatalog", "load_routines"]


@dataclass(frozen=True)
class Routine:
    name: str  # "mozfun.hist.extract", "moz-fx-data-shared-prod.udf.get_key"
    params: tuple[str, ...] | None  # parameter declarations (`x INT64`), None when unknown
    description: str = ""
    kind: str = "udf"  # "udf" | "procedure"

    @property
    def signature(self) -> str:
        if self.params is None:
            return f"{self.name}(…)"
        return f"{self.name}({', '.join(self.params)})"


@dataclass(frozen=True, eq=False)
class RoutineCatalog:
    path: str
    routines: dict[str, Routine] = field(repr=False)
    key: str = ""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RoutineCatalog) and other.key == self.key

    def __hash__(self) -> int:
        return hash(self.key)

    def get(self, key: str) -> Routine | None:
        return self.routines.get(key) or self.routines.get(key.lower())

    def problems(self, call, key: str, text: str) -> list[Problem]:
        """Warnings of one routine call (`call`: a `jetls.sql.lexer.Call`)."""
        written = text[call.start : call.end]
        r = self.get(key)
        if r is None:
            prefix = key.rsplit(".", 1)[0] + "."
            same = [k for k in self.routines if k.startswith(prefix)] or list(self.routines)
            close = difflib.get_close_matches(key, same, 1, 0.75)
            msg = f"`{written}` is not a routine of the bigquery-etl checkout at {self.path}"
            data = None
            if close:
                fix = _written_like(written, close[0])
                msg += f"; did you mean `{fix}`?"
                data = {"replacement": fix}
            return [Problem(call.start, call.end, "JET456", "warning", msg, data)]
        if r.params is None or call.close is None or not call.counted:
            return []
        n, want = len(call.args), len(r.params)
        if n == want:
            return []
        return [
            Problem(
                call.start,
                call.close + 1,
                "JET457",
                "warning",
                f"`{written}` takes {want} argument{'s' if want != 1 else ''}, but {n} "
                f"{'was' if n == 1 else 'were'} given: {r.signature}",
            )
        ]


def _written_like(written: str, key: str) -> str:
    """The routine `key` written the way the reference was (same qualifier, same quoting)."""
    name = key.rsplit(".", 1)[1]
    head = written.rsplit(".", 1)[0]
    if written.endswith("`"):
        return written[: written.rfind(".") + 1] + name + "`"
    return f"{head}.{name}"


_CACHE: dict[str, RoutineCatalog] = {}
_LOCK = threading.Lock()


def load_routines(path: str | os.PathLike) -> RoutineCatalog:
    """The routines of the bigquery-etl checkout at `path`, loaded once per process."""
    real = os.path.realpath(os.fspath(path))
    with _LOCK:
        hit = _CACHE.get(real)
        if hit is None:
            hit = _CACHE[real] = _load(real)
        return hit


def _routine_dirs(root: Path):
    sql = root / "sql"
    for project, pattern in (("mozfun", "*"), ("moz-fx-data-shared-prod", "udf*")):
        base = sql / project
        if not base.is_dir():
            continue
        for ds in sorted(base.glob(pattern)):
            if not ds.is_dir():
                continue
            for d in sorted(ds.iterdir()):
                if d.is_dir():
                    yield project, ds.name, d


def _load(real: str) -> RoutineCatalog:
    routines: dict[str, Routine] = {}
    digest = hashlib.sha1(real.encode())
    for project, dataset, d in _routine_dirs(Path(real)):
        files = {n: d / n for n in ("metadata.yaml", "udf.sql", "stored_procedure.sql") if (d / n).is_file()}
        if not files:
            continue
        name = f"{project}.{dataset}.{d.name}"
        sql_file = files.get("udf.sql") or files.get("stored_procedure.sql")
        params = None
        if sql_file is not None:
            text = _read(sql_file)
            digest.update(text.encode("utf-8", "replace"))
            params = parse_params(text, dataset, d.name)
        desc = ""
        if "metadata.yaml" in files:
            meta = _read(files["metadata.yaml"])
            digest.update(meta.encode("utf-8", "replace"))
            desc = _description(meta)
        kind = "procedure" if "stored_procedure.sql" in files and "udf.sql" not in files else "udf"
        digest.update(name.encode())
        routines[name] = Routine(name, params, desc, kind)
    return RoutineCatalog(real, routines, f"{real}#{digest.hexdigest()[:16]}")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _description(meta: str) -> str:
    import yaml

    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(meta, Loader=loader)  # noqa: S506 — a safe loader
    except Exception:  # noqa: BLE001 — a broken metadata file only loses its description
        return ""
    if not isinstance(data, dict):
        return ""
    desc = data.get("description")
    friendly = data.get("friendly_name")
    text = desc.strip() if isinstance(desc, str) else ""
    if not text and isinstance(friendly, str):
        text = friendly.strip()
    return text


_CREATE = re.compile(
    r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+)?(?:FUNCTION|PROCEDURE)\s+(?:IF\s+NOT\s+EXISTS\s+)?"
    r"([`\w.\-]+)\s*\(",
    re.I,
)


def parse_params(sql: str, dataset: str, name: str) -> tuple[str, ...] | None:
    """Parameters of `CREATE FUNCTION <...dataset.name>(...)` in a udf.sql, None when not found."""
    fallback = None
    for m in _CREATE.finditer(sql):
        qualified = m.group(1).replace("`", "")
        params = _split_params(sql, m.end())
        if params is None:
            continue
        if qualified.lower().endswith(f"{dataset}.{name}".lower()) or qualified.lower() == name.lower():
            return params
        if qualified.rsplit(".", 1)[-1].lower() == name.lower():
            fallback = params
    return fallback


def _split_params(sql: str, i: int) -> tuple[str, ...] | None:
    depth, angle = 1, 0
    cur: list[str] = []
    out: list[str] = []
    while i < len(sql):
        c = sql[i]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                last = "".join(cur).strip()
                if last:
                    out.append(" ".join(last.split()))
                return tuple(out)
        elif c == "<":
            angle += 1
        elif c == ">":
            angle -= 1
        elif c == "," and depth == 1 and angle <= 0:
            out.append(" ".join("".join(cur).split()))
            cur = []
            i += 1
            continue
        cur.append(c)
        i += 1
    return None
