"""What one file sees, and what a slug written in it resolves to (spec §1.2–§1.5).

The one answer to "what does this name mean here", for checks and features alike:

- `Scope` — a file's view of the workspace: its own tables, then the layers Jetstream merges under
  them (the platform defaults and the attached outcomes for an experiment config; the OpMon
  defaults for an OpMon project), then the global definitions of its platform in its tool's view
  (`jetstream/definitions/` before `definitions/` for Jetstream; `opmon/definitions/` for OpMon;
  Looker files are read by Looker only).
- `Resolution` — what one slug resolves to from a scope: its status, the tables that merge into
  it (winner first) and the `Symbol` it is.
- `Symbol` — identity follows resolution: a slug that resolves to the global definitions of a
  platform is one symbol across the workspace; a slug an experiment config (or an outcome, or
  the defaults) defines for itself is a symbol of that file, shared only by the files that
  resolve to it.
"""

from __future__ import annotations

import os
import re
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from jetls.document import Entry, Table
from jetls.schema import PLATFORMS, FileKind
from jetls.syntax import String

from .index import VIEW_LAYERS, Definition, is_full_metric
from .paths import LAYER_OUTCOME

if TYPE_CHECKING:
    from .model import SourceFile, Workspace

# Resolution statuses.
LOCAL = "local"  # resolved by the file's own layers (the file, defaults, attached outcomes)
GLOBAL = "global"  # resolved by the platform's definitions in the file's view
PARTIAL = "partial"  # metric tables exist, but none of them (merged) is a full definition
UNATTACHED = "unattached"  # only an outcome the experiment does not attach defines it (metrics, data sources)
MISSING = "missing"

#: Kinds whose definitions merge attribute by attribute across layers (spec §1.4); the others
#: (segments, segment data sources) are replaced whole by the first layer that has them.
_MERGED_KINDS = frozenset({"metric", "data_source", "dimension"})


def merged_value(defs: Iterable[Definition], key: str) -> tuple[object, Definition | None]:
    """The value of `key` after Jetstream's attribute-wise merge of `defs` (winner first: the
    first truthy value wins, spec §1.4), and the definition it comes from."""
    for d in defs:
        t = d.table
        item = t.get_lower(key) if isinstance(t, Table) else None
        if isinstance(item, Entry):
            v = item.to_python()
            if v:
                return v, d
        elif isinstance(item, Table) and item.items:
            return item.to_python(), d
    return None, None


@dataclass(frozen=True, slots=True)
class Symbol:
    """What a slug means, as an identity. `home` is the platform of a global symbol (None for
    functions), else the path of the file whose definition anchors it; an unresolved slug is a
    symbol of the file that writes it."""

    kind: str
    slug: str
    home: str | None
    local: bool
    resolved: bool = True


@dataclass(frozen=True, slots=True)
class Resolution:
    kind: str
    slug: str
    status: str
    #: Tables of the file's own layers, winner first (the file, defaults, attached outcomes).
    local: tuple[Definition, ...]
    #: The platform's definitions in the file's view, winner first.
    globals: tuple[Definition, ...]
    symbol: Symbol
    #: Metrics: full definitions in outcomes the experiment does not attach.
    unattached: tuple[Definition, ...] = ()

    @property
    def resolved(self) -> bool:
        return self.status in (LOCAL, GLOBAL)

    @property
    def targets(self) -> tuple[Definition, ...]:
        """The definitions the slug really resolves to, in precedence order: every table that
        merges into it, or the one that replaces the others."""
        if self.status == UNATTACHED:
            return self.unattached
        if self.kind in _MERGED_KINDS:
            if self.status == LOCAL and self.kind != "metric":
                return self.local
            if self.status == LOCAL:
                return self.local  # a full local metric: definitions(P) are not consulted
            return self.local + self.globals
        if self.status == LOCAL:
            return self.local[:1]
        # (functions: the union of both functions.toml files, the same slug's jetstream one wins)
        return self.globals[:1] if self.kind != "outcome" else self.globals


class Scope:
    """One file's view of a snapshot. Built once per (snapshot, file): see `scope_of`."""

    __slots__ = ("_ws", "file", "kind", "platform", "view", "function_view", "layers", "attached", "_memo")

    def __init__(self, ws: "Workspace", sf: "SourceFile") -> None:
        # the snapshot memoises its scopes: held weakly, so that no cycle outlives a keystroke
        self._ws = weakref.ref(ws)
        self.file = sf
        self.kind = sf.kind
        choice = ws.platform_of(sf.path) if sf.kind is not FileKind.PLAIN else None
        self.platform: str | None = choice.platform if choice is not None else None
        self.view = sf.info.view if sf.info.view in VIEW_LAYERS else "jetstream"
        # functions.toml files: `definitions/` sees its own; every tool sees Jetstream's union
        self.function_view = "metric-hub" if self.view == "metric-hub" else "jetstream"
        layers: list[SourceFile] = []
        attached: list[tuple[str, SourceFile]] = []
        if sf.info.layer not in VIEW_LAYERS[self.view] and sf.kind is not FileKind.PLAIN:
            layers.append(sf)  # a definitions file is itself a global layer of its view
        kind = self.kind
        if kind in (FileKind.EXPERIMENT, FileKind.OUTCOME, FileKind.DEFAULTS):
            defaults = self._sibling(f"jetstream/defaults/{self.platform or 'firefox_desktop'}.toml")
            if defaults is not None and defaults is not sf:
                layers.append(defaults)
        if kind is FileKind.EXPERIMENT:
            for slug in _outcome_slugs(sf):
                for d in ws.index.definitions("outcome", slug, self.platform):
                    of = ws.file(d.path)
                    if of is not None:
                        attached.append((slug, of))
                        layers.append(of)
                        break
        elif kind is FileKind.OPMON:
            defaults = self._sibling(f"opmon/defaults/{self.platform}.toml")
            if defaults is not None and defaults is not sf:
                layers.append(defaults)
        self.layers: tuple[SourceFile, ...] = tuple(layers)
        self.attached: tuple[tuple[str, SourceFile], ...] = tuple(attached)
        self._memo: dict = {}

    @property
    def ws(self) -> "Workspace":
        ws = self._ws()
        if ws is None:
            raise ReferenceError("the snapshot of this scope is gone")
        return ws

    def _sibling(self, rel: str) -> "SourceFile | None":
        root = self.file.root or self.ws.root
        if root is None:
            return None
        return self.ws.file(os.path.abspath(os.path.join(root, rel)))

    # -- what is visible -----------------------------------------------------------------------
    def local(self, kind: str, slug: str) -> tuple[Definition, ...]:
        """The slug's tables in the file's own layers, winner first."""
        idx = self.ws.index
        out: list[Definition] = []
        for layer in self.layers:
            out.extend(idx.file(layer.path).named(kind, slug))
        return tuple(out)

    def globals(self, kind: str, slug: str) -> tuple[Definition, ...]:
        """The platform's definitions of the slug in the file's view, winner first."""
        idx = self.ws.index
        if kind == "function":
            return tuple(idx.definitions("function", slug, view=self.function_view))
        if kind in ("outcome", "parameter"):
            return tuple(idx.definitions(kind, slug, self.platform)) if kind == "outcome" else ()
        return tuple(idx.definitions(kind, slug, self.platform, view=self.view))

    def visible(self, kind: str) -> dict[str, tuple[Definition, ...]]:
        """slug → definitions (winner first) of every `kind` the file can refer to."""
        key = ("visible", kind)
        hit = self._memo.get(key)
        if hit is not None:
            return hit
        idx = self.ws.index
        out: dict[str, tuple[Definition, ...]] = {}
        if kind == "parameter":
            for layer in self._parameter_layers():
                for d in idx.file(layer.path).definitions:
                    if d.kind == "parameter":
                        out[d.slug] = out.get(d.slug, ()) + (d,)
        else:
            for layer in self.layers:
                for d in idx.file(layer.path).definitions:
                    if d.kind == kind:
                        out[d.slug] = out.get(d.slug, ()) + (d,)
            if kind == "function":
                glob = {
                    s: tuple(idx.definitions("function", s, view=self.function_view))
                    for s in idx.functions(self.function_view)
                }
            elif kind == "outcome":
                glob = {s: tuple(v) for s, v in idx.slugs("outcome", self.platform).items()}
            else:
                glob = {s: tuple(v) for s, v in idx.slugs(kind, self.platform, view=self.view).items()}
            for s, defs in glob.items():
                out[s] = out.get(s, ()) + defs
        self._memo[key] = out
        return out

    def _parameter_layers(self) -> tuple["SourceFile", ...]:
        """Where `parameters.<name>` is declared, first declaration winning: the attached outcomes,
        the file itself, the defaults (spec §3.9, §5.3)."""
        if self.kind not in (FileKind.EXPERIMENT, FileKind.OUTCOME, FileKind.DEFAULTS):
            return ()
        outcomes = tuple(of for _, of in self.attached)
        rest = tuple(x for x in self.layers if x not in outcomes)
        return outcomes + rest

    def parameter_values(self) -> dict[str, str]:
        """`parameters.<name>` → the text a template gets: the first declaration's `value` or
        `default`; a per-branch table renders as `CASE e.branch WHEN … END` (spec §5.3)."""
        hit = self._memo.get("parameter values")
        if hit is not None:
            return hit
        out: dict[str, str] = {}
        for name, defs in self.visible("parameter").items():
            t = defs[0].table
            if not isinstance(t, Table):
                continue
            v = t.items.get("value") or t.items.get("default")
            if isinstance(v, Entry) and isinstance(v.value, String):
                out[name] = v.value.value
            elif isinstance(v, Table):
                cases = " ".join(
                    f'WHEN "{b}" THEN "{x.to_python()}"' for b, x in v.items.items() if isinstance(x, Entry)
                )
                out[name] = f"CASE e.branch {cases} END" if cases else "NULL"
            else:
                out[name] = "NULL"
        self._memo["parameter values"] = out
        return out

    def app_dataset(self) -> str | None:
        """What Jetstream substitutes for `{dataset}` in a data source's `from_expression`: the
        app's dataset (spec §5.5); None outside the Jetstream view."""
        if self.view != "jetstream" or self.platform is None or self.platform not in PLATFORMS:
            return None
        app_id = PLATFORMS[self.platform].app_id
        return re.sub(r"[^a-zA-Z0-9]", "_", app_id).lower() if app_id else None

    # -- resolution ----------------------------------------------------------------------------
    def resolve(self, kind: str, slug: str, upstream: bool = False) -> Resolution:
        """What `slug` of `kind` written in this file resolves to. `upstream`: a `depends_on`
        entry, looked up in definitions(P) first, then in the file's layers (spec §1.5)."""
        key = (kind, slug, upstream)
        hit = self._memo.get(key)
        if hit is None:
            hit = self._memo[key] = self._resolve(kind, slug, upstream)
        return hit

    def _resolve(self, kind: str, slug: str, upstream: bool) -> Resolution:
        if kind == "parameter":
            idx = self.ws.index
            decl = tuple(d for layer in self._parameter_layers() for d in idx.file(layer.path).named("parameter", slug))
            if decl:
                return Resolution(kind, slug, LOCAL, decl, (), Symbol(kind, slug, decl[0].path, True))
            return self._missing(kind, slug, (), ())
        local = self.local(kind, slug)
        glob = self.globals(kind, slug)
        if kind == "metric":
            return self._resolve_metric(slug, local, glob, upstream)
        if kind in ("function", "outcome"):
            if glob:
                return Resolution(
                    kind,
                    slug,
                    GLOBAL,
                    (),
                    glob,
                    Symbol(kind, slug, None if kind == "function" else self.platform, False),
                )
            return self._missing(kind, slug, (), ())
        if local:
            # attribute-merged kinds are anchored by their lowest layer, replaced ones by the winner
            anchor = local[-1] if kind in _MERGED_KINDS else local[0]
            return Resolution(kind, slug, LOCAL, local, glob, self._anchored(kind, slug, anchor))
        if glob:
            return Resolution(kind, slug, GLOBAL, local, glob, Symbol(kind, slug, self.platform, False))
        if kind == "data_source":
            outs = self._in_unattached_outcomes(kind, slug)
            if outs:
                return Resolution(kind, slug, UNATTACHED, local, glob, self._unresolved(kind, slug), outs)
        return self._missing(kind, slug, local, glob)

    def _in_unattached_outcomes(self, kind: str, slug: str) -> tuple[Definition, ...]:
        """An experiment config's slug that only outcomes it does not attach define (full
        definitions, for metrics): Experimenter may attach one, so it is no plain unknown."""
        if self.kind is not FileKind.EXPERIMENT:
            return ()
        attached = {of.path for _, of in self.attached}
        return tuple(
            d
            for d in self.ws.index.definitions(kind, slug, self.platform, layers=(LAYER_OUTCOME,))
            if d.path not in attached and (kind != "metric" or is_full_metric((d.table,)))
        )

    def _resolve_metric(
        self, slug: str, local: tuple[Definition, ...], glob: tuple[Definition, ...], upstream: bool
    ) -> Resolution:
        kind = "metric"
        global_symbol = Symbol(kind, slug, self.platform, False)
        if upstream:
            if glob:
                return Resolution(kind, slug, GLOBAL, local, glob, global_symbol)
            if local:
                return Resolution(kind, slug, LOCAL, local, glob, self._anchored(kind, slug, local[0]))
            return self._missing(kind, slug, local, glob)
        if local and is_full_metric(d.table for d in local):
            # anchored by the first table that is a full definition by itself: a local full
            # redefinition is its own symbol; a partial override joins what it overrides
            anchor = next((d for d in local if is_full_metric((d.table,))), local[0])
            return Resolution(kind, slug, LOCAL, local, glob, self._anchored(kind, slug, anchor))
        if glob and is_full_metric(d.table for d in glob):
            return Resolution(kind, slug, GLOBAL, local, glob, global_symbol)
        outs = self._in_unattached_outcomes(kind, slug)
        if outs:
            return Resolution(kind, slug, UNATTACHED, local, glob, self._unresolved(kind, slug), outs)
        if glob:
            return Resolution(kind, slug, PARTIAL, local, glob, global_symbol)
        if local:
            return Resolution(kind, slug, PARTIAL, local, glob, self._anchored(kind, slug, local[0]))
        return self._missing(kind, slug, local, glob)

    def _anchored(self, kind: str, slug: str, anchor: Definition) -> Symbol:
        return Symbol(kind, slug, anchor.path, True)

    def _unresolved(self, kind: str, slug: str) -> Symbol:
        return Symbol(kind, slug, self.file.path, True, False)

    def _missing(self, kind: str, slug: str, local, glob) -> Resolution:
        return Resolution(kind, slug, MISSING, tuple(local), tuple(glob), self._unresolved(kind, slug))


def _outcome_slugs(sf: "SourceFile") -> list[str]:
    # `[experiment] outcomes`, as indexed: a config kept as text needs no document for its scope
    return [r.slug for r in sf.index.references if r.kind == "outcome"]


def scope_of(ws: "Workspace", path: str) -> Scope | None:
    """The scope of `path` in the snapshot `ws` (memoised: a snapshot is immutable)."""
    sf = ws.file(path)
    if sf is None:
        return None
    key = ("scope", sf.path)
    hit = ws.memo.get(key)
    if hit is None or hit.file is not sf:
        hit = ws.memo[key] = Scope(ws, sf)
    return hit
