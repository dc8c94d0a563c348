"""Document outline and workspace symbol search."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jetls.document import Entry
from jetls.schema import WINDOWS
from jetls.syntax import InlineTable
from jetls.workspace import Workspace
from jetls.workspace.search import slug_table

#: Values of ``Symbol.kind``.
SYMBOL_KINDS = (
    "table",
    "metric",
    "data_source",
    "segment",
    "segment_data_source",
    "statistic",
    "window",
    "function",
    "parameter",
    "dimension",
    "alert",
    "key",
    "outcome",
)


@dataclass
class Symbol:
    name: str
    kind: str
    detail: str
    start: int  # whole extent (header to the end of the table's last sub-table)
    end: int
    selection_start: int  # the name
    selection_end: int
    children: list["Symbol"] = field(default_factory=list)


@dataclass(frozen=True)
class WorkspaceSymbol:
    name: str
    kind: str
    path: str
    start: int
    end: int
    container: str  # e.g. "definitions/firefox_desktop.toml"


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " \t\r\n":
        end -= 1
    return end


def _friendly(file, path: tuple[str, ...]) -> str:
    e = file.doc.lookup(path + ("friendly_name",))
    v = e.to_python() if isinstance(e, Entry) else None
    return v if isinstance(v, str) else ""


def document_symbols(ws: Workspace, path: str) -> list[Symbol]:
    """Outline: top-level sections → metric / data source / segment tables → statistics."""
    file = ws.file(path)
    if file is None:
        return []
    text = file.text
    roots: list[Symbol] = []
    by_path: dict[tuple[str, ...], Symbol] = {}

    def classify(p: tuple[str, ...]) -> tuple[str, str]:
        tk = slug_table(p)
        if tk is not None:
            kind, slug, n = tk
            n += 1
            if len(p) == n:
                return kind, _friendly(file, p)
            if kind == "metric" and len(p) == n + 2 and p[n] == "statistics":
                return "statistic", ""
        if len(p) == 1:
            return "table", ""
        return "table", ""

    def meaningful(p: tuple[str, ...]) -> bool:
        if len(p) == 1:
            return True
        tk = slug_table(p)
        if tk is not None:
            n = tk[2] + 1
            if len(p) == n:
                return True
            if tk[0] == "metric" and len(p) == n + 2 and p[n] == "statistics":
                return True
            return False
        if p == ("segments", "data_sources"):
            return False
        return len(p) == 2 and p[0] in ("experiment", "project")

    def ensure(p: tuple[str, ...], sel: tuple[int, int], start: int, end: int) -> Symbol:
        sym = by_path.get(p)
        if sym is None:
            kind, detail = classify(p)
            sym = Symbol(p[-1], kind, detail, start, end, sel[0], sel[1])
            by_path[p] = sym
            parent = None
            for k in range(len(p) - 1, 0, -1):
                if p[:k] in by_path:
                    parent = by_path[p[:k]]
                    break
            (parent.children if parent is not None else roots).append(sym)
        else:
            sym.start = min(sym.start, start)
            sym.end = max(sym.end, end)
        return sym

    for chunk in file.tree.chunks:
        t, d = chunk.tree, chunk.delta
        _cstart, cend = chunk.start, _trim_end(text, chunk.start, chunk.end)
        if t.header is not None and t.header.key.parts:
            parts = t.header.key.parts
            names = tuple(p.name for p in parts)
            for k in range(1, len(names) + 1):
                p = names[:k]
                if meaningful(p):
                    part = parts[k - 1]
                    s = t.header.start + d
                    ensure(p, (part.start + d, part.end + d), s, cend)
            base = names
        else:
            base = ()
        # dotted / inline definitions and window lists inside the chunk
        for kv in t.entries:
            names = kv.key.names
            full = base + names
            for k in range(len(base) + 1, len(full) + 1):
                p = full[:k]
                is_table_here = k < len(full) or type(kv.value).__name__ == "InlineTable"
                if is_table_here and meaningful(p):
                    part = kv.key.parts[k - len(base) - 1]
                    ensure(p, (part.start + d, part.end + d), kv.start + d, kv.end + d)
            if len(full) == 2 and full[0] == "metrics" and full[1] in WINDOWS:
                parent = by_path.get(("metrics",))
                part = kv.key.parts[-1]
                sym = Symbol(full[1], "window", "", kv.start + d, kv.end + d, part.start + d, part.end + d)
                (parent.children if parent else roots).append(sym)
            # inline statistics: statistics = { bootstrap_mean = {} }
            v = kv.value
            if isinstance(v, InlineTable) and full[-1:] == ("statistics",):
                owner = by_path.get(full[:-1])
                for inner in v.entries:
                    if inner.key.parts:
                        part = inner.key.parts[0]
                        sp = full + (part.name,)
                        if sp not in by_path:
                            sym = Symbol(
                                part.name, "statistic", "", inner.start + d, inner.end + d, part.start + d, part.end + d
                            )
                            by_path[sp] = sym
                            (owner.children if owner else roots).append(sym)
    return roots


def _score(query: str, name: str) -> int | None:
    """How well `name` matches `query`, lower is better, None for no match: exact, prefix,
    substring, then every word of the query found in order (`activ hours` finds `active_hours`),
    then a subsequence. Case, spaces and `_` do not matter."""
    q, n = query.lower().strip(), name.lower()
    if not q:
        return 5
    if q == n:
        return 0
    if n.startswith(q):
        return 1
    if q in n:
        return 2
    words = [w for w in re.split(r"[\s_.]+", q) if w]
    pos = 0
    for w in words:
        i = n.find(w, pos)
        if i < 0:
            break
        pos = i + len(w)
    else:
        return 3
    flat, i = q.replace(" ", "").replace("_", ""), 0
    for ch in n.replace("_", ""):
        if i < len(flat) and ch == flat[i]:
            i += 1
    return 4 if i == len(flat) else None


def workspace_symbols(ws: Workspace, query: str, limit: int = 500) -> list[WorkspaceSymbol]:
    """Definitions (metrics, data sources, segments, functions, outcomes, …) whose slug or
    friendly name matches ``query`` (see `_score`), best matches first."""
    scored: list[tuple[int, WorkspaceSymbol]] = []
    for f in ws.files.values():
        container = f.info.rel
        for d in f.index.definitions:
            score = _score(query, d.slug)
            if score is None and d.friendly_name is not None:
                score = _score(query, d.friendly_name)
                score = None if score is None else score + 1
            if score is None:
                continue
            start, end = (0, 0) if d.kind == "outcome" else d.span
            scored.append((score, WorkspaceSymbol(d.slug, d.kind, f.path, start, end, container)))
    scored.sort(key=lambda x: (x[0], x[1].name, x[1].container))
    return [s for _, s in scored[:limit]]
