"""The slug index: every definition and every reference of the workspace.

Map-reduce per file: `file_index(source_file)` extracts one file's contribution (pure, cheap,
no template rendering); `SlugIndex` is the reduction, and `SlugIndex.replaced(path, new)`
returns a new index in which only that file's contribution changed.
"""

from __future__ import annotations

import re
import weakref
from collections import abc
from dataclasses import dataclass
from types import MappingProxyType
from typing import Callable, Iterable, Iterator, Mapping, Protocol, cast

from jetls.document import Entry, Table, TomlDocument
from jetls.document.replay import ReplayCache
from jetls.schema import PLATFORMS, WINDOWS, FileKind
from jetls.syntax import Array, String

from .paths import (
    LAYER_CONFIG,
    LAYER_DEFAULTS,
    LAYER_DEFINITIONS,
    LAYER_FUNCTIONS,
    LAYER_JETSTREAM_DEFINITIONS,
    LAYER_LOOKER_DEFINITIONS,
    LAYER_OPMON_DEFINITIONS,
    LAYER_OUTCOME,
    FileInfo,
)


class IndexedFile(Protocol):
    """What `file_index` reads of a file (a `jetls.workspace.model.SourceFile`)."""

    path: str
    info: FileInfo
    #: False: the file is kept as text, its document rebuilt on demand (see `Definition.table`)
    whole: bool

    @property
    def stem(self) -> str: ...

    @property
    def kind(self) -> FileKind: ...

    @property
    def platform(self) -> str | None: ...

    @property
    def doc(self) -> TomlDocument: ...


#: Definition / reference kinds.
KINDS = (
    "metric",
    "data_source",
    "segment",
    "segment_data_source",
    "function",
    "outcome",
    "parameter",
    "dimension",
    "alert",
)

KIND_LABELS = {
    "metric": "metric",
    "data_source": "data source",
    "segment": "segment",
    "segment_data_source": "segment data source",
    "function": "function",
    "outcome": "outcome",
    "parameter": "parameter",
    "dimension": "dimension",
    "alert": "alert",
}

#: Global definition layers visible to each tool, winner first (spec §1.2).
VIEW_LAYERS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "jetstream": (LAYER_JETSTREAM_DEFINITIONS, LAYER_DEFINITIONS),
        "metric-hub": (LAYER_DEFINITIONS,),
        "opmon": (LAYER_OPMON_DEFINITIONS, LAYER_DEFINITIONS),
        "looker": (LAYER_LOOKER_DEFINITIONS, LAYER_DEFINITIONS),
    }
)

_LAYER_RANK = {
    LAYER_CONFIG: 0,
    LAYER_DEFAULTS: 1,
    LAYER_OUTCOME: 2,
    LAYER_JETSTREAM_DEFINITIONS: 3,
    LAYER_OPMON_DEFINITIONS: 3,
    LAYER_LOOKER_DEFINITIONS: 3,
    LAYER_DEFINITIONS: 4,
    LAYER_FUNCTIONS: 5,
}

#: Platforms Jetstream analyses (spec §1.3); inference only picks among these.
ANALYSABLE = frozenset(p for p, info in PLATFORMS.items() if info.jetstream_analysable)


# Definition and Reference are immutable by convention, not `frozen`: a keystroke in a big
# definitions file creates ~900 of them, and a frozen dataclass costs ~5x more to create.
class Definition:
    """A slug's table in one file (`table`: the document's table)."""

    __slots__ = ("kind", "slug", "platform", "path", "span", "layer", "table", "view", "friendly_name")

    def __init__(
        self,
        kind: str,
        slug: str,
        platform: str | None,
        path: str,
        span: tuple[int, int],
        layer: str,
        table: Table | Entry | None,
        view: str = "jetstream",
        friendly_name: str | None = None,
    ) -> None:
        self.kind = kind
        self.slug = slug
        self.platform = platform  # None: global (functions) or unknown (experiment-config local tables)
        self.path = path
        self.span = span  # the slug's key span (the header part / key); (0, 0) for outcomes
        self.layer = layer
        self.table = table
        self.view = view  # tool view of the file ("jetstream", "metric-hub", "opmon", "looker")
        # the table's `friendly_name` string: workspace symbols match it in every file, and
        # looking it up in the table would rebuild the document of every file kept as text
        self.friendly_name = friendly_name

    def __repr__(self) -> str:
        return f"Definition({self.kind}, {self.slug!r}, {self.platform}, {self.layer}, {self.path}:{self.span})"


class TextDefinition(Definition):
    """A definition in a file kept as text (`SourceFile.whole` false: an experiment config no
    editor has open): `table` is looked up in the file's document, rebuilt on demand, so that an
    index does not pin every file's document. (A subclass: a whole file's `table` stays a plain
    attribute, read ~1 500 times a keystroke.)"""

    __slots__ = ("_file",)

    def __init__(
        self,
        kind: str,
        slug: str,
        platform: str | None,
        path: str,
        span: tuple[int, int],
        layer: str,
        file: weakref.ref[IndexedFile],
        view: str,
        friendly_name: str | None,
    ) -> None:
        super().__init__(kind, slug, platform, path, span, layer, None, view, friendly_name)
        self._file = file  # weakly: the file's index holds its definitions

    @property
    def table(self) -> Table | None:
        sf = self._file()
        return None if sf is None else definition_table(sf.doc.root, self.kind, self.slug)

    @table.setter
    def table(self, value: Table | Entry | None) -> None:  # (Definition.__init__ stores None: nothing to keep)
        pass


#: Where `file_index` finds a definition's table: the section holding it (outcomes: the root).
_SECTIONS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "metric": ("metrics",),
        "data_source": ("data_sources",),
        "segment": ("segments",),
        "segment_data_source": ("segments", "data_sources"),
        "parameter": ("parameters",),
        "dimension": ("dimensions",),
        "alert": ("alerts",),
        "function": ("functions",),
        "outcome": (),
    }
)


def definition_table(root: Table, kind: str, slug: str) -> Table | None:
    """The table `file_index` records as the definition of (kind, slug) in a document: a file
    defines a (kind, slug) at most once (table keys are unique), so kind and slug locate it."""
    path = _SECTIONS[kind]
    if not path:
        return root
    t: object = root
    for name in path + (slug,):
        t = t.items.get(name) if isinstance(t, Table) else None
    return t if isinstance(t, Table) else None


@dataclass(slots=True, eq=False)
class Reference:
    kind: str
    slug: str
    path: str
    span: tuple[int, int]  # the slug's text (inside the quotes, or the key)
    platform: str | None  # None for experiment configs: ask `Workspace.platform_of(path)`
    where: str = ""  # e.g. "window weekly", "depends_on", "data_source", "segments"

    def __repr__(self) -> str:
        return f"Reference({self.kind}, {self.slug!r}, {self.path}:{self.span}, {self.where})"


class FileIndex:
    """One file's contribution: its definitions and references, in source order."""

    __slots__ = ("definitions", "references", "_named")

    def __init__(self, definitions: tuple[Definition, ...] = (), references: tuple[Reference, ...] = ()) -> None:
        self.definitions = definitions
        self.references = references
        self._named: dict | None = None

    def named(self, kind: str, slug: str) -> tuple[Definition, ...]:
        """This file's definitions of (kind, slug)."""
        named = self._named
        if named is None:
            named = self._named = _grouped(self.definitions, False)
        return named.get((kind, slug), ())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FileIndex) and (self.definitions, self.references) == (
            other.definitions,
            other.references,
        )

    __hash__ = None  # type: ignore[assignment]


EMPTY = FileIndex()

# ------------------------------------------------------------------------------------------
# Extraction (one file)
# ------------------------------------------------------------------------------------------


def key_span(item: Table | Entry) -> tuple[int, int]:
    """Span of the last key part naming `item` (the slug of `[metrics.<slug>]`)."""
    if isinstance(item, Entry):
        return item.key_span
    node, decl = item.node, item.decl
    depth = len(item.path)
    key = getattr(node, "key", None)
    if key is not None and item.kind == "header":
        # Header: decl spans the whole dotted key; pick the part at this table's depth.
        parts = key.parts
        if len(parts) >= depth:
            p = parts[depth - 1]
            return p.start + item.delta, p.end + item.delta
    if decl is not None:
        return decl
    return (0, 0)


def string_span(value: String, delta: int) -> tuple[int, int]:
    """Absolute span of a string's decoded content."""
    return value.offset_of(0) + delta, value.offset_of(len(value.value)) + delta


def string_items(entry: Entry) -> Iterator[tuple[str, tuple[int, int]]]:
    """(value, content span) of a string entry, or of each string element of an array entry.
    A string still being typed (its closing quote missing: a syntax error says so) names nothing."""
    v = entry.value
    if isinstance(v, String):
        if v.closed:
            yield v.value, string_span(v, entry.delta)
    elif isinstance(v, Array):
        for item in v.items:
            if isinstance(item, String) and item.closed:
                yield item.value, string_span(item, entry.delta)


def tables(item) -> Iterator[tuple[str, Table]]:
    if isinstance(item, Table):
        for name, sub in item.items.items():
            if isinstance(sub, Table):
                yield name, sub


def entry(table: Table | None, name: str, ci: bool = False) -> Entry | None:
    if not isinstance(table, Table):
        return None
    e = table.get_lower(name) if ci else table.items.get(name)
    return e if isinstance(e, Entry) else None


def sub(table: Table | None, name: str, ci: bool = False) -> Table | None:
    if not isinstance(table, Table):
        return None
    t = table.get_lower(name) if ci else table.items.get(name)
    return t if isinstance(t, Table) else None


_TAG = re.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}", re.S)
_CALL = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\s*\(")
_PARAM = re.compile(r"\bparameters\s*(?:\.\s*([A-Za-z_]\w*)|\[\s*['\"]([^'\"]+)['\"]\s*\])")
_NOT_FUNCS = frozenset({"range", "dict", "lipsum", "cycler", "joiner", "namespace", "super", "loop", "caller"})


def template_refs(value: String, delta: int) -> Iterator[tuple[str, str, tuple[int, int]]]:
    """("function" | "parameter", name, span) for every `agg_x(` call and `parameters.x` in Jinja tags."""
    s = value.value
    if "{" not in s:
        return
    for m in _TAG.finditer(s):
        g = 1 if m.group(1) is not None else 2
        base = m.start(g)
        body = m.group(g)
        for c in _CALL.finditer(body):
            name = c.group(1)
            if name in _NOT_FUNCS or name == "parameters":
                continue
            a = base + c.start(1)
            yield "function", name, (value.offset_of(a) + delta, value.offset_of(a + len(name)) + delta)
        for p in _PARAM.finditer(body):
            gi = 1 if p.group(1) is not None else 2
            a = base + p.start(gi)
            name = p.group(gi)
            yield "parameter", name, (value.offset_of(a) + delta, value.offset_of(a + len(name)) + delta)


# A `[section.<slug>]` table's contribution depends only on its own content: it is computed once
# per content (`unit_key`: the chunk trees that built it, which survive edits elsewhere) and
# replayed, shifted, on later keystrokes, while those trees live. Records: ("d", kind, slug,
# relative span, item name or None for the table itself) and ("r", kind, slug, relative span, where).
_UNIT_RECORDS = ReplayCache("index records per unit")


def _refs_of(e: Entry | None, k: str, where: str, out: list) -> None:
    if e is not None:
        for slug, span in string_items(e):
            out.append(("r", k, slug, span, where))


def _template_refs_of(e: Entry | None, where: str, out: list) -> None:
    if e is not None and isinstance(e.value, String):
        for k, name, span in template_refs(e.value, e.delta):
            out.append(("r", k, name, span, where))


def _metric_unit(name: str, t: Table, out: list) -> None:
    out.append(("d", "metric", name, key_span(t), None))
    _refs_of(entry(t, "data_source", True), "data_source", "data_source", out)
    _refs_of(entry(t, "depends_on", True), "metric", "depends_on", out)
    _template_refs_of(entry(t, "select_expression", True), "select_expression", out)
    for _stat, params in tables(sub(t, "statistics", True)):
        for pname in ("numerator", "denominator"):
            _refs_of(entry(params, pname), "metric", f"statistic {pname}", out)
        _refs_of(entry(sub(params, "covariate_adjustment"), "metric"), "metric", "covariate_adjustment.metric", out)


def _data_source_unit(name: str, t: Table, out: list) -> None:
    out.append(("d", "data_source", name, key_span(t), None))
    for jname, j in tables(sub(t, "joins", True)):
        out.append(("r", "data_source", jname, key_span(j), "joins"))


def _segment_unit(name: str, t: Table, out: list) -> None:
    if name == "data_sources":
        for sname, st in tables(t):
            out.append(("d", "segment_data_source", sname, key_span(st), sname))
        return
    out.append(("d", "segment", name, key_span(t), None))
    _refs_of(entry(t, "data_source", True), "segment_data_source", "segment data_source", out)
    _template_refs_of(entry(t, "select_expression", True), "select_expression", out)


def _dimension_unit(name: str, t: Table, out: list) -> None:
    out.append(("d", "dimension", name, key_span(t), None))
    _refs_of(entry(t, "data_source"), "data_source", "dimension data_source", out)


def _alert_unit(name: str, t: Table, out: list) -> None:
    out.append(("d", "alert", name, key_span(t), None))
    _refs_of(entry(t, "metrics"), "metric", "alert metrics", out)


def _plain_unit(kind: str):
    def extract(name: str, t: Table, out: list) -> None:
        out.append(("d", kind, name, key_span(t), None))

    return extract


_UNITS = {
    "metrics": _metric_unit,
    "data_sources": _data_source_unit,
    "segments": _segment_unit,
    "parameters": _plain_unit("parameter"),
    "dimensions": _dimension_unit,
    "alerts": _alert_unit,
    "functions": _plain_unit("function"),
}


def _friendly_name(t: object) -> str | None:
    e = t.items.get("friendly_name") if isinstance(t, Table) else None
    v = e.to_python() if isinstance(e, Entry) else None
    return v if isinstance(v, str) else None


def _unit_records_once(section: str, name: str, t: Table) -> tuple:
    """A unit's records, relative to the unit (not recorded: for a document about to be dropped),
    each with the defined table's friendly name (None for references)."""
    base = t.delta
    out: list = []
    _UNITS[section](name, t, out)
    return tuple(
        (
            tag,
            k,
            slug,
            (a - base, b - base),
            extra,
            _friendly_name(t if extra is None else t.items[extra]) if tag == "d" else None,
        )
        for tag, k, slug, (a, b), extra in out
    )


def _unit_records(section: str, name: str, t: Table) -> tuple:
    hit = _UNIT_RECORDS.get(t, (section, name))
    if hit is not None:
        return hit
    rel = _unit_records_once(section, name, t)
    _UNIT_RECORDS.put(t, (section, name), rel)
    return rel


def file_index(sf: IndexedFile) -> FileIndex:
    info = sf.info
    kind = sf.kind
    if kind in (FileKind.PLAIN, FileKind.FEATMON) or info.layer is None:
        return EMPTY
    layer = info.layer
    platform = sf.platform if kind is not FileKind.EXPERIMENT else None
    path = sf.path
    view = info.view
    root = sf.doc.root
    defs: list[Definition] = []
    refs: list[Reference] = []
    # a file kept as text: its definitions find their table in the document when asked
    # (the weak reference is one object per file: CPython shares a callback-less `ref`)
    lazy = None if sf.whole else weakref.ref(sf)
    records = _unit_records if lazy is None else _unit_records_once

    def r_entry(k: str, e: Entry | None, where: str) -> None:
        if e is not None:
            for slug, span in string_items(e):
                refs.append(Reference(k, slug, path, span, platform, where))

    def units(section: str) -> None:
        table = root.items.get(section)
        if not isinstance(table, Table):
            return
        for name, t in table.items.items():
            if not isinstance(t, Table):
                if section == "metrics" and isinstance(t, Entry) and (name in WINDOWS or name == "days28"):
                    r_entry("metric", t, f"window {name}")
                continue
            base = t.delta
            for tag, k, slug, (a, b), extra, friendly in records(section, name, t):
                if tag == "d":
                    span = (a + base, b + base)
                    if lazy is not None:
                        defs.append(TextDefinition(k, slug, platform, path, span, layer, lazy, view, friendly))
                        continue
                    item = cast("Table | Entry", t if extra is None else t.items[extra])
                    defs.append(Definition(k, slug, platform, path, span, layer, item, view, friendly))
                else:
                    refs.append(Reference(k, slug, path, (a + base, b + base), platform, extra))

    if kind is FileKind.FUNCTIONS:
        units("functions")
        return FileIndex(tuple(defs), ())
    if kind is FileKind.OUTCOME and sf.stem:
        defs.append(Definition("outcome", sf.stem, platform, path, (0, 0), layer, root, view, _friendly_name(root)))
        for window in WINDOWS:  # metric-config-parser 2026.10: per-period lists at an outcome's root
            r_entry("metric", entry(root, window), f"outcome window {window}")  # (the checks read them by release)

    for section in ("metrics", "data_sources", "segments", "parameters", "dimensions", "alerts"):
        units(section)
    exp = sub(root, "experiment")
    if exp is not None and kind in (FileKind.EXPERIMENT, FileKind.DEFAULTS):
        r_entry("segment", entry(exp, "segments"), "segments")
        r_entry("outcome", entry(exp, "outcomes"), "outcomes")
        r_entry("data_source", entry(sub(exp, "exposure_signal"), "data_source"), "exposure_signal")
    project = sub(root, "project", True)
    if project is not None:
        r_entry("metric", entry(project, "metrics", True), "project metrics")
        pop = sub(project, "population", True)
        r_entry("data_source", entry(pop, "data_source"), "population data_source")
        r_entry("dimension", entry(pop, "dimensions"), "population dimensions")
        r_entry("dimension", entry(pop, "group_by_dimension"), "population group_by_dimension")
        for _group, g in tables(sub(project, "metric_groups", True)):
            r_entry("metric", entry(g, "metrics"), "metric group")
    return FileIndex(tuple(defs), tuple(refs))


# ------------------------------------------------------------------------------------------
# The reduction (whole workspace)
# ------------------------------------------------------------------------------------------


#: A slugs() answer not asked for again is patched on demand with the keys changed since; past
#: this many it is dropped (recomputed when asked) rather than carried from keystroke to keystroke.
_STALE_MAX = 2048


def _rank(defn: Definition) -> int:
    return _LAYER_RANK.get(defn.layer, 9)


class _Overlay(abc.Mapping):
    """(kind, slug) -> contributions of every file: `base` (all files but one) merged on lookup
    with `focus` (the file being edited), so a keystroke rebuilds only the focus part."""

    __slots__ = ("base", "focus", "ranked", "merged", "files", "_order")

    def __init__(self, base: Mapping, focus: dict, ranked: bool, files: Mapping[str, "FileIndex"]) -> None:
        self.base = base
        self.focus = focus
        self.ranked = ranked
        self.merged: dict = {}
        self.files = files
        self._order: dict[str, int] | None = None

    def get(self, key, default=None):
        hit = self.merged.get(key)
        if hit is not None:
            return hit
        mine = self.focus.get(key)
        if mine is None:
            return self.base.get(key, default)
        others = self.base.get(key)
        if others is None:
            out = mine
        else:
            # the order a fresh index has: by layer rank (definitions), then by file
            if self._order is None:
                self._order = {p: i for i, p in enumerate(self.files)}
            order = self._order
            if self.ranked:
                out = tuple(sorted(others + mine, key=lambda x: (_rank(x), order.get(x.path, -1))))
            else:
                out = tuple(sorted(others + mine, key=lambda x: order.get(x.path, -1)))
        self.merged[key] = out
        return out

    def __getitem__(self, key):
        out = self.get(key)
        if out is None:
            raise KeyError(key)
        return out

    def __contains__(self, key) -> bool:
        return key in self.focus or key in self.base

    def __iter__(self):
        yield from self.base
        for key in self.focus:
            if key not in self.base:
                yield key

    def __len__(self) -> int:
        return len(self.base) + sum(1 for key in self.focus if key not in self.base)


def _grouped(items, ranked: bool) -> dict:
    out: dict = {}
    get = out.get
    for x in items:
        key = (x.kind, x.slug)
        v = get(key)
        out[key] = (x,) if v is None else v + (x,)  # nearly every slug is defined once per file
    if ranked:
        for key, v in out.items():
            if len(v) > 1:
                out[key] = tuple(sorted(v, key=_rank))
    return out


class SlugIndex:
    """Immutable. Every definition and reference, keyed by (kind, slug)."""

    __slots__ = (
        "_files",
        "_defs",
        "_refs",
        "_platform_of",
        "_cache",
        "_dcache",
        "_dparent",
        "_stale",
        "_base",
        "_focus",
    )

    def __init__(
        self,
        files: Mapping[str, FileIndex],
        platform_of: Callable[[str], str | None] | None = None,
        _defs=None,
        _refs=None,
    ) -> None:
        self._files = files
        self._platform_of = platform_of
        self._cache: dict = {}
        self._dcache: dict = {}
        self._dparent: tuple | None = None
        self._stale: dict = {}  # slugs() answers of an earlier index + the (kind, slug) keys changed since
        self._base: tuple[Mapping, Mapping] | None = None  # with `_focus`: the index of every other file
        self._focus: str | None = None
        if _defs is None:
            defs: dict[tuple[str, str], list[Definition]] = {}
            refs: dict[tuple[str, str], list[Reference]] = {}
            for fi in files.values():
                for x in fi.definitions:
                    defs.setdefault((x.kind, x.slug), []).append(x)
                for y in fi.references:
                    refs.setdefault((y.kind, y.slug), []).append(y)
            _defs = {k: tuple(sorted(v, key=_rank)) for k, v in defs.items()}
            _refs = {k: tuple(v) for k, v in refs.items()}
        self._defs: Mapping[tuple[str, str], tuple[Definition, ...]] = _defs
        self._refs: Mapping[tuple[str, str], tuple[Reference, ...]] = _refs

    def rebound(self, platform_of) -> "SlugIndex":
        """The same contributions, with another platform resolver (fresh memos)."""
        out = SlugIndex(self._files, platform_of, self._defs, self._refs)
        out._base, out._focus = self._base, self._focus
        return out

    # -- incremental update -----------------------------------------------------------------
    def _flat(self) -> tuple[Mapping, Mapping]:
        """Plain (defs, refs) dicts of this index (folding an overlay in)."""
        if self._focus is None or self._base is None:
            return self._defs, self._refs
        defs, refs = dict(self._base[0]), dict(self._base[1])
        for key in cast(_Overlay, self._defs).focus:
            defs[key] = self._defs[key]
        for key in cast(_Overlay, self._refs).focus:
            refs[key] = self._refs[key]
        return defs, refs

    def _without(self, path: str) -> tuple[Mapping, Mapping]:
        """(defs, refs) of every file but `path`."""
        old = self._files.get(path, EMPTY)
        flat_defs, flat_refs = self._flat()
        defs, refs = dict(flat_defs), dict(flat_refs)
        for table, items in ((defs, old.definitions), (refs, old.references)):
            for key in {(x.kind, x.slug) for x in items}:
                kept = tuple(x for x in table.get(key, ()) if x.path != path)
                if kept:
                    table[key] = kept
                else:
                    table.pop(key, None)
        return defs, refs

    def replaced(self, path: str, new: FileIndex | None, platform_of=None) -> "SlugIndex":
        """A new index where `path` contributes `new` (None: removed). Successive calls for the
        same path (keystrokes in one file) share the index of the other files."""
        old = self._files.get(path, EMPTY)
        files = dict(self._files)
        if new is None:
            files.pop(path, None)
            new = EMPTY
        else:
            files[path] = new
        base = self._base if self._focus == path and self._base is not None else self._without(path)
        defs = _Overlay(base[0], _grouped(new.definitions, True), True, files)
        refs = _Overlay(base[1], _grouped(new.references, False), False, files)
        new_defs = dict.fromkeys(defs.focus)
        for x in old.definitions:
            new_defs.setdefault((x.kind, x.slug), None)
        out = SlugIndex(files, platform_of or self._platform_of, defs, refs)
        out._base, out._focus = base, path
        # Carry the memoised answers the change cannot affect (typing inside a SQL string
        # changes no definition key, so nearly everything survives).
        touched = new_defs.keys()
        kinds = {k for k, _ in touched}
        touched_set = frozenset(touched)
        stale = out._stale
        for ckey, val in self._cache.items():
            kind = "function" if ckey[0] == "functions" else ckey[1]
            if kind not in kinds:
                out._cache[ckey] = val
            elif ckey[0] == "slugs":
                stale[ckey] = (val, touched_set)  # patched on demand: only these slugs changed
        for ckey, (val, t) in self._stale.items():
            if ckey in out._cache or ckey in stale:
                continue
            if ckey[1] in kinds:
                t = t | touched_set
                if len(t) > _STALE_MAX:  # (typing a new slug touches a key per keystroke) recompute instead
                    continue
            stale[ckey] = (val, t)
        # definitions(): looked up lazily in this index's memo (one level: each hit is copied
        # into the new memo, so the working set survives a run of keystrokes)
        out._dparent = (self._dcache, touched)
        return out

    # -- queries ----------------------------------------------------------------------------
    def file(self, path: str) -> FileIndex:
        return self._files.get(path, EMPTY)

    def all_definitions(self, kind: str, slug: str) -> tuple[Definition, ...]:
        """Every definition of (kind, slug) in any layer, file or platform (winner layers first)."""
        return self._defs.get((kind, slug), ())

    def definitions(
        self,
        kind: str,
        slug: str,
        platform: str | None = None,
        layers: Iterable[str] | None = None,
        view: str = "jetstream",
    ) -> list[Definition]:
        """Global definitions of `slug` visible on `platform` to `view`, in merge order (winner first):
        `jetstream/definitions/P.toml` before `definitions/P.toml`. Functions ignore `platform`;
        outcomes and parameters come from `jetstream/outcomes/P/`. `layers` overrides the layers."""
        if layers is None:
            if kind == "function":
                return self._functions_list(slug, view)
            if kind in ("outcome", "parameter"):
                layers = (LAYER_OUTCOME,)
            else:
                layers = VIEW_LAYERS.get(view, VIEW_LAYERS["jetstream"])
        layers = tuple(layers)
        ckey = (kind, slug, platform, layers)
        hit = self._dcache.get(ckey)
        if hit is None and self._dparent is not None:
            parent, touched = self._dparent
            if (kind, slug) not in touched:
                hit = parent.get(ckey)
                if hit is not None:
                    self._dcache[ckey] = hit
        if hit is None:
            out = [
                x
                for x in self._defs.get((kind, slug), ())
                if x.layer in layers and (platform is None or x.platform == platform)
            ]
            if len(out) > 1:
                out.sort(key=lambda x: layers.index(x.layer))
            hit = self._dcache[ckey] = tuple(out)
        return list(hit)

    def _functions_list(self, slug: str, view: str) -> list[Definition]:
        out = [
            x
            for x in self._defs.get(("function", slug), ())
            if x.layer == LAYER_FUNCTIONS and (x.view == view or x.view == "metric-hub")
        ]
        out.sort(key=lambda x: 0 if x.view == view and view != "metric-hub" else 1)
        return out

    def functions(self, view: str = "jetstream") -> Mapping[str, str]:
        """name → definition text of the functions visible to `view` (jetstream wins over root)."""
        key = ("functions", view)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        out: dict[str, str] = {}
        for kind, slug in self._defs:
            if kind != "function":
                continue
            for x in self._functions_list(slug, view):
                e = entry(x.table, "definition") if isinstance(x.table, Table) else None
                if e is not None and isinstance(e.value, String):
                    out[slug] = e.value.value
                    break
                out.setdefault(slug, "{select_expr}")
        result = MappingProxyType(out)
        self._cache[key] = result
        return result

    def slugs(
        self, kind: str, platform: str | None = None, view: str = "jetstream", layers: Iterable[str] | None = None
    ) -> Mapping[str, list[Definition]]:
        """slug → definitions (winner first) of every `kind` visible on `platform` (for completion)."""
        key = ("slugs", kind, platform, view, tuple(layers) if layers is not None else None)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        old = self._stale.pop(key, None)
        if old is not None:
            prev, touched = old
            out = dict(prev)
            added = False
            for k, slug in touched:
                if k != kind:
                    continue
                defs = self.definitions(kind, slug, platform, layers, view)
                if defs:
                    added = added or slug not in out
                    out[slug] = defs
                else:
                    out.pop(slug, None)
            result = MappingProxyType(dict(sorted(out.items())) if added else out)
            self._cache[key] = result
            return result
        out = {}
        for k, slug in self._defs:
            if k != kind:
                continue
            defs = self.definitions(kind, slug, platform, layers, view)
            if defs:
                out[slug] = defs
        result = MappingProxyType(dict(sorted(out.items())))
        self._cache[key] = result
        return result

    def references(self, kind: str, slug: str, platform: str | None = None) -> list[Reference]:
        """Every reference site of (kind, slug); with `platform`, only those in files of that
        platform (experiment configs: their chosen platform; global functions: all)."""
        refs = list(self._refs.get((kind, slug), ()))
        if platform is None:
            return refs
        out = []
        for x in refs:
            p = x.platform
            if p is None and self._platform_of is not None:
                p = self._platform_of(x.path)
            if p is None or p == platform:
                out.append(x)
        return out

    def platforms_defining(self, kind: str, slug: str, view: str = "jetstream") -> set[str]:
        """Platforms on which `slug` has a global definition (outcomes: an outcome directory)."""
        if kind == "function":
            return set(PLATFORMS) if self._functions_list(slug, view) else set()
        layers = (LAYER_OUTCOME,) if kind in ("outcome", "parameter") else VIEW_LAYERS.get(view, ())
        return {x.platform for x in self._defs.get((kind, slug), ()) if x.layer in layers and x.platform}

    def kinds_of(self, slug: str) -> list[str]:
        return [k for k in KINDS if (k, slug) in self._defs]

    def __len__(self) -> int:
        return sum(len(v) for v in self._defs.values())


def _truthy(e: Entry | None) -> bool:
    return e is not None and bool(e.to_python())


def is_full_metric(tables: Iterable[Table | Entry | None]) -> bool:
    """Whether metric tables, merged, are a full definition: `select_expression` (or
    `aggregation`) and `data_source` set (truthy), or a `depends_on`. Any other table only adds statistics (and
    analysis bases/units) to a predefined metric (spec §1.5)."""
    sel = ds = dep = False
    for t in tables:
        if not isinstance(t, Table):
            continue
        # (`aggregation` generates the select expression: metric-config-parser 2026.10)
        sel = sel or _truthy(entry(t, "select_expression", True)) or _truthy(entry(t, "aggregation", True))
        ds = ds or _truthy(entry(t, "data_source", True))
        dep = dep or entry(t, "depends_on", True) is not None
    return (sel and ds) or dep
