"""Adapter between the features and the workspace model (internal).

Features only rely on this narrow surface of a workspace snapshot ``ws``:

- ``ws.files: Mapping[str, SourceFile]`` with ``SourceFile.path/text/tree/doc/kind/platform/root``;
- ``ws.index.definitions(kind, slug, platform)`` (optional: a scan of ``ws.files`` is used when
  the index lacks it).

Everything about *where* slugs occur (definitions and references with exact spans) is computed
here from the document model of each file, so rename / references / semantic tokens agree on
the same occurrences.
"""

from __future__ import annotations

import os
import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Iterator

from jetls.document import Entry, Table, TableArray, TomlDocument
from jetls.schema import FileKind
from jetls.syntax import Array, InlineTable, String

SLUG_RE = re.compile(r"^[a-zA-Z0-9_]+$")
DEFAULT_PLATFORM = "firefox_desktop"

# Slug kinds of definitions tables: path prefix -> kind (the slug is the next path element).
TABLE_KINDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("segments", "data_sources"), "segment_data_source"),
    (("metrics",), "metric"),
    (("data_sources",), "data_source"),
    (("segments",), "segment"),
    (("functions",), "function"),
    (("parameters",), "parameter"),
    (("dimensions",), "dimension"),
)

WINDOW_KEYS = ("daily", "weekly", "28_day", "overall", "preenrollment_weekly", "preenrollment_days28")

# Which files may hold definitions of which kind (others are ignored / local only).
_DEFINING_KINDS = {
    FileKind.DEFINITIONS: {"metric", "data_source", "segment", "segment_data_source", "dimension", "parameter"},
    FileKind.FUNCTIONS: {"function"},
    FileKind.OUTCOME: {"metric", "data_source", "parameter"},
    FileKind.EXPERIMENT: {"metric", "data_source", "segment", "segment_data_source", "parameter"},
    FileKind.DEFAULTS: {"metric", "data_source", "segment", "segment_data_source", "parameter"},
    FileKind.OPMON: {"metric", "data_source", "dimension", "parameter"},
}


@dataclass(frozen=True)
class Occurrence:
    """A slug written somewhere: a definition (table key) or a reference (string value, call)."""

    kind: str
    slug: str
    path: str
    start: int
    end: int
    is_definition: bool
    # For definitions: True for the slug in the *main* table declaration (`[metrics.x]` or the
    # first key declaring it), False for the slug repeated in sub-tables (`[metrics.x.statistics.y]`).
    primary: bool = True
    platform: str | None = None


@dataclass(frozen=True)
class Definition:
    """A definition table of a slug (fallback for / normalisation of the workspace index)."""

    kind: str
    slug: str
    platform: str | None
    path: str
    span: tuple[int, int]
    layer: str
    table: Any = None


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------


def get_file(ws: Any, path: str) -> Any | None:
    files = ws.files
    f = files.get(path)
    if f is None:
        f = files.get(os.path.abspath(path))
    return f


def root_of(ws: Any, file: Any = None) -> str | None:
    r = getattr(file, "root", None) if file is not None else None
    if r is None:
        r = getattr(ws, "root", None)
    return str(r) if r is not None else None


def relpath(ws: Any, path: str, file: Any = None) -> str:
    info = getattr(file, "info", None)
    rel = getattr(info, "rel", None)
    if rel and file is not None and str(file.path) == str(path):
        return str(rel)
    root = root_of(ws, file)
    if root:
        try:
            rel = os.path.relpath(path, root)
            if not rel.startswith(".."):
                return rel.replace(os.sep, "/")
        except ValueError:
            pass
    return os.path.basename(path)


def kind_of(file: Any) -> FileKind:
    k = getattr(file, "kind", None)
    try:
        return FileKind(k) if k is not None else FileKind.PLAIN
    except ValueError:
        return FileKind.PLAIN


def platform_of(ws: Any, file: Any) -> str | None:
    """Platform of a file: the workspace's (inferred for experiment configs), else from the path."""
    chooser = getattr(ws, "platform_of", None)
    if chooser is not None:
        try:
            choice = chooser(str(file.path))
        except Exception:  # noqa: BLE001
            choice = None
        if choice is not None and getattr(choice, "platform", None):
            return str(choice.platform)
    p = getattr(file, "platform", None)
    if p:
        return str(p)
    kind = kind_of(file)
    path = str(file.path)
    if kind in (FileKind.DEFINITIONS, FileKind.DEFAULTS):
        return os.path.splitext(os.path.basename(path))[0]
    if kind is FileKind.OUTCOME:
        return os.path.basename(os.path.dirname(path))
    if kind is FileKind.EXPERIMENT:
        return DEFAULT_PLATFORM
    return None


def layer_of(ws: Any, file: Any) -> str:
    """Where a file's definitions sit in the Jetstream merge (words of ``jetls.workspace.paths``)."""
    layer = getattr(getattr(file, "info", None), "layer", None)
    if layer:
        return str(layer)
    rel = relpath(ws, str(file.path), file)
    kind = kind_of(file)
    if kind is FileKind.FUNCTIONS:
        return "functions"
    if kind is FileKind.DEFINITIONS:
        for tool in ("jetstream", "opmon", "looker"):
            if rel.startswith(tool + "/"):
                return f"{tool}-definitions"
        return "definitions"
    if kind is FileKind.OUTCOME:
        return "outcome"
    if kind is FileKind.DEFAULTS:
        return "defaults"
    return "config"


def visible_to_jetstream(ws: Any, file: Any) -> bool:
    """opmon/looker definitions are not part of the Jetstream view (spec §1.2)."""
    rel = relpath(ws, str(file.path), file)
    return not (rel.startswith("opmon/") or rel.startswith("looker/"))


def view_of(file: Any) -> str:
    """The tool whose view of the definitions a file gets (jetstream, metric-hub, opmon, looker)."""
    return getattr(getattr(file, "info", None), "view", None) or "jetstream"


def visible_in_view(ws: Any, defining: Any, view: str) -> bool:
    """Whether a definitions file is part of a tool's view (spec §1.2): OpMon and Looker see
    `definitions/` and their own `<tool>/definitions/`; Jetstream (and metric-hub) as above."""
    if view not in ("opmon", "looker"):
        return visible_to_jetstream(ws, defining)
    rel = relpath(ws, str(defining.path), defining)
    return rel.startswith("definitions/") or rel.startswith(f"{view}/")


# ---------------------------------------------------------------------------------------------
# Walking documents
# ---------------------------------------------------------------------------------------------


def iter_tables(table: Table) -> Iterator[Table]:
    yield table
    for item in table.items.values():
        if isinstance(item, Table):
            yield from iter_tables(item)
        elif isinstance(item, TableArray):
            for t in item.tables:
                yield from iter_tables(t)


def iter_entries(doc: TomlDocument) -> Iterator[Entry]:
    for t in iter_tables(doc.root):
        yield from t.entries()


def table_kind(path: tuple[str, ...]) -> tuple[str, str] | None:
    """(kind, slug) if ``path`` is (or is under) a definitions table, e.g. ("metrics", "x", ...)."""
    for prefix, kind in TABLE_KINDS:
        n = len(prefix)
        if len(path) > n and path[:n] == prefix:
            slug = path[n]
            if kind == "metric" and n == 1 and slug in WINDOW_KEYS + ("days28",) and len(path) == 2:
                return None
            if kind == "segment" and slug == "data_sources":
                return None
            return kind, slug
    return None


def string_items(entry: Entry) -> Iterator[tuple[int, String]]:
    """(index, String node) of a string value or of the string elements of an array value."""
    v = entry.value
    if isinstance(v, String):
        yield 0, v
    elif isinstance(v, Array):
        for i, item in enumerate(v.items):
            if isinstance(item, String):
                yield i, item


def string_span(node: String, delta: int) -> tuple[int, int]:
    """Absolute span of the decoded content of a string node."""
    return node.offset_of(0) + delta, node.offset_of(len(node.value)) + delta


# ---------------------------------------------------------------------------------------------
# Occurrences of slugs in one file
# ---------------------------------------------------------------------------------------------

_TAG = re.compile(r"\{\{(.*?)(?:\}\}|$)|\{%(.*?)(?:%\}|$)", re.S)
_CALL = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\s*\(")
_ATTR = re.compile(r"(?<![\w.])(parameters|experiment)\s*\.\s*([A-Za-z_]\w*)")

_TEMPLATE_FIELDS = {("metric", "select_expression"), ("segment", "select_expression")}


def template_refs(value: str) -> Iterator[tuple[str, str, int, int]]:
    """(kind, name, start, end) of functions, ``parameters.x`` and ``experiment.x`` in Jinja tags
    of a decoded string (indices into ``value``). kind: function | parameter | experiment_attribute."""
    for m in _TAG.finditer(value):
        g = 1 if m.group(1) is not None else 2
        body, base = m.group(g), m.start(g)
        for c in _CALL.finditer(body):
            yield "function", c.group(1), base + c.start(1), base + c.end(1)
        for a in _ATTR.finditer(body):
            kind = "parameter" if a.group(1) == "parameters" else "experiment_attribute"
            yield kind, a.group(2), base + a.start(2), base + a.end(2)


def _key_occurrences(file: Any, kind_f: FileKind, platform: str | None) -> Iterator[Occurrence]:
    """Slugs written as table keys: headers, dotted keys and inline-table keys."""
    path = str(file.path)
    seen_primary: set[tuple[str, str]] = set()

    def handle(full: tuple[str, ...], parts_abs: list[tuple[int, int]]) -> Iterator[Occurrence]:
        tk = table_kind(full)
        if tk is None:
            return
        kind, slug = tk
        n = 2 if kind == "segment_data_source" else 1
        if n >= len(parts_abs):
            return
        start, end = parts_abs[n]
        if start < 0:
            return  # the slug came from the enclosing table, not written here
        primary = (kind, slug) not in seen_primary
        if primary:
            seen_primary.add((kind, slug))
        yield Occurrence(kind, slug, path, start, end, True, primary, platform)

    for chunk in file.tree.chunks:
        t, d = chunk.tree, chunk.delta
        base: tuple[str, ...] = ()
        base_spans: list[tuple[int, int]] = []
        if t.header is not None and t.header.key.parts:
            parts = t.header.key.parts
            base = tuple(p.name for p in parts)
            base_spans = [(p.start + d, p.end + d) for p in parts]
            yield from handle(base, base_spans)
        for kv in t.entries:
            yield from _kv_occ(kv, d, base, [(-1, -1)] * len(base), handle)


def _kv_occ(kv, d, base, spans, handle):
    parts = kv.key.parts
    if not parts:
        return
    full = base
    sp = list(spans)
    for p in parts:
        full = full + (p.name,)
        sp.append((p.start + d, p.end + d))
        # A dotted key `x.statistics.y = {}` declares tables along the way.
        if len(full) < len(base) + len(parts) or isinstance(kv.value, InlineTable):
            yield from handle(full, sp)
    if isinstance(kv.value, InlineTable):
        for inner in kv.value.entries:
            yield from _kv_occ(inner, d, full, sp, handle)


def _value_occurrences(ws: Any, file: Any, platform: str | None) -> Iterator[Occurrence]:
    path = str(file.path)
    doc: TomlDocument = file.doc
    kind_of(file)
    for entry in iter_entries(doc):
        p = entry.path
        d = entry.delta
        name = p[-1]
        ref_kind: str | None = None
        if len(p) == 2 and p[0] == "metrics" and name in WINDOW_KEYS:
            ref_kind = "metric"
        elif p[:1] == ("experiment",) and len(p) == 2 and name == "segments":
            ref_kind = "segment"
        elif p[:1] == ("experiment",) and len(p) == 2 and name == "outcomes":
            ref_kind = "outcome"
        elif p[:2] == ("experiment", "exposure_signal") and name == "data_source" and len(p) == 3:
            ref_kind = "data_source"
        elif p[:1] == ("project",) and name == "metrics":
            ref_kind = "metric"  # [project].metrics and [project.metric_groups.<g>].metrics
        elif p == ("project", "population", "data_source"):
            ref_kind = "data_source"
        elif p == ("project", "population", "dimensions"):
            ref_kind = "dimension"
        elif p[:1] == ("alerts",) and len(p) == 3 and name == "metrics":
            ref_kind = "metric"
        else:
            tk = table_kind(p[:-1]) if len(p) >= 3 else None
            if tk is not None:
                tkind, _slug = tk
                depth = 3 if tkind == "segment_data_source" else 2
                local = p[depth:]
                if tkind == "metric" and local == ("data_source",):
                    ref_kind = "data_source"
                elif tkind == "metric" and local == ("depends_on",):
                    ref_kind = "metric"
                elif tkind == "metric" and len(local) >= 3 and local[0] == "statistics" and local[-1] in ("numerator", "denominator"):
                    ref_kind = "metric"
                elif tkind == "metric" and len(local) >= 4 and local[0] == "statistics" and local[-2:] == ("covariate_adjustment", "metric"):
                    ref_kind = "metric"
                elif tkind == "segment" and local == ("data_source",):
                    ref_kind = "segment_data_source"
                elif tkind == "dimension" and local == ("data_source",):
                    ref_kind = "data_source"
                elif tkind in ("metric", "segment") and local == ("select_expression",):
                    for _, node in string_items(entry):
                        for rk, nm, s, e in template_refs(node.value):
                            if rk == "experiment_attribute":
                                continue
                            yield Occurrence(rk, nm, path, node.offset_of(s) + d, node.offset_of(e) + d, False, True, platform)
        if ref_kind is None:
            continue
        for _, node in string_items(entry):
            if not node.value:
                continue
            s, e = string_span(node, d)
            yield Occurrence(ref_kind, node.value, path, s, e, False, True, platform)


_FILE_CACHE: "OrderedDict[int, tuple[Any, tuple[Occurrence, ...]]]" = OrderedDict()


def file_occurrences(ws: Any, file: Any) -> tuple[Occurrence, ...]:
    """Every slug definition and reference written in a file (cached per file snapshot)."""
    key = id(file)
    hit = _FILE_CACHE.get(key)
    if hit is not None and hit[0] is file:
        _FILE_CACHE.move_to_end(key)
        return hit[1]
    platform = platform_of(ws, file)
    kind_f = kind_of(file)
    occ: list[Occurrence] = []
    if file.doc is not None and kind_f is not FileKind.PLAIN:
        allowed = _DEFINING_KINDS.get(kind_f, set())
        for o in _key_occurrences(file, kind_f, platform):
            if o.kind in allowed:
                occ.append(o)
            elif kind_f is FileKind.EXPERIMENT or kind_f is FileKind.DEFAULTS:
                occ.append(o)
        occ.extend(_value_occurrences(ws, file, platform))
    occ.sort(key=lambda o: (o.start, o.end))
    result = tuple(occ)
    _FILE_CACHE[key] = (file, result)
    while len(_FILE_CACHE) > 2048:
        _FILE_CACHE.popitem(last=False)
    return result


def occurrence_at(ws: Any, file: Any, offset: int) -> Occurrence | None:
    for o in file_occurrences(ws, file):
        if o.start <= offset <= o.end and o.end > o.start:
            return o
    return None


# ---------------------------------------------------------------------------------------------
# Definitions (index when available, else a scan)
# ---------------------------------------------------------------------------------------------


def _table_for(file: Any, kind: str, slug: str) -> Any:
    prefix = next(p for p, k in TABLE_KINDS if k == kind)
    return file.doc.lookup(prefix + (slug,)) if file.doc is not None else None


_LAYER_RANK = {"config": 0, "defaults": 1, "outcome": 2, "jetstream-definitions": 3, "opmon-definitions": 3,
               "looker-definitions": 3, "definitions": 4, "functions": 5}
ALL_LAYERS = tuple(_LAYER_RANK)


def _rank(d: Definition) -> tuple:
    # winner first; among function files the jetstream one wins
    return (_LAYER_RANK.get(d.layer, 9), 0 if "/jetstream/" in d.path.replace("\\", "/") else 1, d.path)


def _norm(ws: Any, d: Any) -> Definition:
    if isinstance(d, Definition):
        return d
    hit = _NORMED.get(id(d))
    if hit is not None and hit[0] is d:
        return hit[1]
    out = Definition(d.kind, d.slug, getattr(d, "platform", None), str(d.path), tuple(d.span),
                     str(getattr(d, "layer", "") or ""), getattr(d, "table", None))
    if len(_NORMED) >= 100_000:
        _NORMED.clear()
    _NORMED[id(d)] = (d, out)
    return out


_NORMED_LISTS: dict[int, tuple[Any, list[Definition]]] = {}

#: id(index definition) → (it, its feature-side copy): index definitions are immutable and
#: shared by every snapshot until their file changes.
_NORMED: dict[int, tuple[Any, Definition]] = {}


def _index(ws: Any) -> Any:
    return getattr(ws, "index", None)


def scan_definitions(ws: Any, kind: str, slug: str) -> list[Definition]:
    return all_definitions(ws, kind, use_index=False).get(slug, [])


def definitions(ws: Any, kind: str, slug: str, platform: str | None = None) -> list[Definition]:
    """Every definition of a slug in any layer (winner first: config, defaults, outcome,
    jetstream/definitions, definitions). ``platform``: keep global ones of that platform (plus
    config-local ones, whose platform is None)."""
    idx = _index(ws)
    fn = getattr(idx, "all_definitions", None)
    if fn is not None:
        defs = [_norm(ws, d) for d in fn(kind, slug)]
    else:
        defs = scan_definitions(ws, kind, slug)
    defs.sort(key=_rank)
    if platform is not None and kind != "function":
        defs = [d for d in defs if d.platform in (platform, None) or d.layer == "config"]
    return defs


_ALL_CACHE: "OrderedDict[tuple, tuple[Any, dict]]" = OrderedDict()


def all_definitions(ws: Any, kind: str, use_index: bool = True) -> dict[str, list[Definition]]:
    """Every definition of a kind across the workspace, by slug (winner first)."""
    key = (id(ws), kind, use_index)
    hit = _ALL_CACHE.get(key)
    if hit is not None and hit[0] is ws:
        return hit[1]
    out: dict[str, list[Definition]] = {}
    idx = _index(ws) if use_index else None
    slugs_fn = getattr(idx, "slugs", None)
    if slugs_fn is not None:
        for slug, defs in slugs_fn(kind, None, layers=ALL_LAYERS).items():
            # the index keeps each slug's list while its definitions are unchanged
            h = _NORMED_LISTS.get(id(defs))
            if h is not None and h[0] is defs:
                out[slug] = h[1]
                continue
            v = [_norm(ws, d) for d in defs]
            v.sort(key=_rank)
            if len(_NORMED_LISTS) >= 50_000:
                _NORMED_LISTS.clear()
            _NORMED_LISTS[id(defs)] = (defs, v)
            out[slug] = v
    elif kind == "outcome":
        for f in ws.files.values():
            if kind_of(f) is FileKind.OUTCOME:
                slug = os.path.splitext(os.path.basename(str(f.path)))[0]
                out.setdefault(slug, []).append(Definition("outcome", slug, platform_of(ws, f), str(f.path), (0, 0), "outcome", f.doc.root if f.doc else None))
    else:
        for f in ws.files.values():
            for o in file_occurrences(ws, f):
                if o.is_definition and o.primary and o.kind == kind:
                    out.setdefault(o.slug, []).append(Definition(kind, o.slug, o.platform, o.path, (o.start, o.end), layer_of(ws, f), _table_for(f, kind, o.slug)))
    if slugs_fn is None:  # (the index path sorted each list above)
        for v in out.values():
            v.sort(key=_rank)
    _ALL_CACHE[key] = (ws, out)
    while len(_ALL_CACHE) > 64:
        _ALL_CACHE.popitem(last=False)
    return out


def attached_outcomes(file: Any) -> list[str]:
    doc = file.doc
    if doc is None:
        return []
    e = doc.lookup(("experiment", "outcomes"))
    if isinstance(e, Entry) and isinstance(e.value, Array):
        return [i.value for i in e.value.items if isinstance(i, String) and i.value]
    return []


def declared_parameters(ws: Any, file: Any, platform: str | None) -> dict[str, tuple[dict, Any]]:
    """`parameters.<name>` visible from `file`: its own `[parameters]` then those of its attached
    outcomes (first declaration wins), name -> (the parameter's table as plain values, its file)."""
    sources = [file]
    for slug in attached_outcomes(file):
        for d in definitions(ws, "outcome", slug, platform):
            f = get_file(ws, d.path)
            if f is not None and f not in sources:
                sources.append(f)
    out: dict[str, tuple[dict, Any]] = {}
    for f in sources:
        params = table_value(f, ("parameters",))
        if isinstance(params, dict):
            for name, p in params.items():
                if name not in out and isinstance(p, dict):
                    out[name] = (p, f)
    return out


_UNSEEN = object()


def candidates(ws: Any, file: Any, kind: str) -> dict[str, list[Definition]]:
    """Slugs of ``kind`` visible from ``file`` (spec §1.5): its own tables, the platform's
    definitions (both layers), the platform defaults, attached outcomes (metrics, data sources),
    all functions; for outcomes: the outcome files of the platform."""
    ckey = (id(ws), id(file), kind)
    hit = _CANDIDATES.get(ckey)
    if hit is not None and hit[0] is ws and hit[1] is file:
        return hit[2]
    out = _candidates(ws, file, kind)
    _CANDIDATES[ckey] = (ws, file, out)
    while len(_CANDIDATES) > 16:
        _CANDIDATES.popitem(last=False)
    return out


_CANDIDATES: "OrderedDict[tuple, tuple[Any, Any, dict]]" = OrderedDict()


def _candidates(ws: Any, file: Any, kind: str) -> dict[str, list[Definition]]:
    """Walks only the files whose definitions can be visible (a handful), not every definition of
    the workspace (thousands, mostly local tables of other experiment configs)."""
    idx = _index(ws)
    if not hasattr(idx, "file"):
        return _candidates_scan(ws, file, kind)
    platform = platform_of(ws, file)
    here = str(file.path)
    out: dict[str, list[Definition]] = {}
    for dpath in _visible_paths(ws, file, kind):
        for d in idx.file(dpath).definitions:
            if d.kind != kind:
                continue
            if dpath != here and kind != "function" and platform is not None and d.platform != platform:
                continue
            out.setdefault(d.slug, []).append(_norm(ws, d))
    for defs in out.values():
        defs.sort(key=_rank)
    return out


_VISIBLE: "OrderedDict[tuple, list[str]]" = OrderedDict()


def _defines_visibly(ws: Any, f: Any, dpath: str, kind: str, kind_f: FileKind, attached, view: str) -> bool:
    """Whether another file's `kind` definitions are visible from a file of kind `kind_f` seen by
    the tool `view` (spec §1.5): the view's definitions layers, the defaults for experiments,
    attached outcomes, every functions file, every outcome file (for outcome slugs)."""
    if kind == "function":
        return visible_to_jetstream(ws, f)
    if kind == "outcome":
        return True
    fk = kind_of(f)
    if fk is FileKind.DEFINITIONS:
        return visible_in_view(ws, f, view)
    if fk is FileKind.DEFAULTS:
        return kind_f is FileKind.EXPERIMENT
    if fk is FileKind.OUTCOME and kind_f is FileKind.EXPERIMENT:
        return os.path.splitext(os.path.basename(dpath))[0] in attached
    return False


def _visible_paths(ws: Any, file: Any, kind: str) -> list[str]:
    """Paths of the files whose `kind` definitions `file` can see (spec §1.5): itself, the
    platform's definitions layers and defaults, attached outcomes, the functions files."""
    kind_f = kind_of(file)
    here = str(file.path)
    attached = tuple(sorted(attached_outcomes(file)))
    view = view_of(file)
    key = (kind, kind_f, view, here, attached, hash(tuple(ws.files)))
    hit = _VISIBLE.get(key)
    if hit is not None:
        return hit
    out = [here]
    for dpath, f in ws.files.items():
        if dpath != here and _defines_visibly(ws, f, dpath, kind, kind_f, attached, view):
            out.append(dpath)
    _VISIBLE[key] = out
    while len(_VISIBLE) > 64:
        _VISIBLE.popitem(last=False)
    return out


def _candidates_scan(ws: Any, file: Any, kind: str) -> dict[str, list[Definition]]:
    platform = platform_of(ws, file)
    kind_f = kind_of(file)
    path = str(file.path)
    attached = set(attached_outcomes(file))
    view = view_of(file)
    out: dict[str, list[Definition]] = {}
    # per defining file: None (absent) or whether its definitions are candidates (besides the
    # platform filter); a few dozen files hold thousands of definitions
    facts: dict[str, bool | None] = {}

    def visible(dpath: str) -> bool | None:
        v = facts.get(dpath, _UNSEEN)
        if v is not _UNSEEN:
            return v
        f = get_file(ws, dpath)
        v = None if f is None else _defines_visibly(ws, f, dpath, kind, kind_f, attached, view)
        facts[dpath] = v
        return v

    for slug, defs in all_definitions(ws, kind).items():
        keep = []
        for d in defs:
            v = visible(d.path)
            if v is None:
                continue
            if d.path == path:
                keep.append(d)
                continue
            if kind != "function" and platform is not None and d.platform != platform:
                continue
            if v:
                keep.append(d)
        if keep:
            out[slug] = keep
    return out


def functions(ws: Any) -> dict[str, Definition]:
    """Function slug -> the definition that wins (jetstream/definitions over definitions)."""
    out: dict[str, Definition] = {}
    for slug, defs in all_definitions(ws, "function").items():
        vis = [d for d in defs if (f := get_file(ws, d.path)) is not None and visible_to_jetstream(ws, f)]
        if vis:
            out[slug] = vis[0]
    return out


def function_sources(ws: Any) -> dict[str, str]:
    """Function slug -> its ``definition`` format string (for rendering templates)."""
    out: dict[str, str] = {}
    for slug, d in functions(ws).items():
        f = get_file(ws, d.path)
        if f is None or f.doc is None:
            continue
        e = f.doc.lookup(("functions", slug, "definition"))
        if isinstance(e, Entry) and isinstance(e.value, String):
            out[slug] = e.value.value
    return out


def table_value(file: Any, path: tuple[str, ...]) -> Any:
    """Python value of an entry at ``path`` in a file (None if absent)."""
    if file is None or file.doc is None:
        return None
    item = file.doc.lookup(path)
    if isinstance(item, Entry):
        return item.to_python()
    if isinstance(item, Table):
        return item.to_python()
    return None


def merged_attr(ws: Any, defs: list[Definition], key: str) -> tuple[Any, Definition | None]:
    """The value of ``key`` after Jetstream's attribute-wise merge (``defs`` winner first: the
    first truthy value wins)."""
    val, src = None, None
    prefix_cache: dict[str, tuple[str, ...]] = {}
    for d in defs:
        f = get_file(ws, d.path)
        if f is None:
            continue
        prefix = prefix_cache.get(d.kind) or next(p for p, k in TABLE_KINDS if k == d.kind)
        prefix_cache[d.kind] = prefix
        v = table_value(f, prefix + (d.slug, key))
        if v:
            return v, d
    return val, src
