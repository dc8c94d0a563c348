"""Rename a slug everywhere it means the same thing, and refuse a rename that would change what
any file resolves to.

The occurrences come from the semantic layer (`find_occurrences`): a slug an experiment config
defines for itself is renamed in that config only; a partial override moves with the predefined
metric it belongs to; `[metrics.x]` and `[metrics.x.statistics.*]` headers move together;
`parameters.x` and `parameters['x']` alike.
"""

from __future__ import annotations

from jetls.diagnostics import TextEdit
from jetls.document import Table
from jetls.schema import is_valid_slug
from jetls.syntax import String
from jetls.workspace import KIND_LABELS, Workspace
from jetls.workspace.index import entry, string_span
from jetls.workspace.paths import LAYER_OUTCOME
from jetls.workspace.scope import MISSING, Symbol, scope_of
from jetls.workspace.search import Occurrence, candidate_paths, classify, find_occurrences, occurrences_in, symbol_at

RENAMEABLE = frozenset(
    {"metric", "data_source", "segment", "segment_data_source", "function", "parameter", "dimension"}
)


class RenameError(ValueError):
    """Why a rename is refused (shown to the user as is)."""


def _target(ws: Workspace, path: str, offset: int):
    hit = symbol_at(ws, path, offset)
    if hit is None:
        return None
    occ, res = hit
    label = KIND_LABELS.get(occ.kind, occ.kind)
    if occ.kind == "outcome":
        raise RenameError(
            "an outcome is named by its file: rename `jetstream/outcomes/<platform>/"
            f"{occ.slug}.toml` to rename the outcome `{occ.slug}`"
        )
    if occ.kind not in RENAMEABLE:
        raise RenameError(f"a {label} cannot be renamed")
    if not res.resolved and not res.local and not res.globals:
        raise RenameError(
            f"{label} `{occ.slug}` does not resolve here, so there is nothing to rename; fix the reference instead"
        )
    return occ, res


def prepare_rename(ws: Workspace, path: str, offset: int) -> tuple[int, int, str] | None:
    """(start, end, placeholder) of the slug under the cursor; None when there is none.
    Raises RenameError when there is one that cannot be renamed, whatever the new name."""
    t = _renamable(ws, path, offset)
    if t is None:
        return None
    occ = t[0]
    return occ.span[0], occ.span[1], occ.slug


def rename(ws: Workspace, path: str, offset: int, new_name: str) -> dict[str, list[TextEdit]]:
    """Edits renaming the symbol under the cursor. Raises RenameError (with the reason) for an
    invalid name, a symbol that cannot be renamed, or a rename that would change what some file
    resolves to."""
    if not is_valid_slug(new_name or ""):
        raise RenameError(
            f"`{new_name}` is not a valid slug: use only letters, digits and `_` "
            "(the reference silently drops other names)"
        )
    t = _renamable(ws, path, offset)
    if t is None:
        raise RenameError("there is no slug here to rename")
    occ, symbol, found = t
    if new_name == occ.slug:
        return {}
    _refuse_conflict(ws, symbol, found, new_name)
    edits: dict[str, list[TextEdit]] = {}
    for o in found:
        edits.setdefault(o.path, []).append(TextEdit(o.span[0], o.span[1], new_name))
    for path, s, e in _name_keys(ws, symbol, found):
        edits[path].append(TextEdit(s, e, new_name))
    return edits


def _renamable(ws: Workspace, path: str, offset: int) -> tuple[Occurrence, Symbol, list[Occurrence]] | None:
    """The occurrence under the cursor, its symbol and all its occurrences; RenameError when no
    new name could rename it without changing what some file resolves to."""
    t = _target(ws, path, offset)
    if t is None:
        return None
    occ, res = t
    symbol = res.symbol
    found = find_occurrences(ws, symbol)
    _refuse_split(ws, symbol, found)
    _refuse_unshadow(ws, symbol, found)
    _refuse_outcome_partner(ws, symbol, found)
    return occ, symbol, found


def _name_keys(ws: Workspace, symbol: Symbol, found: list[Occurrence]) -> list[tuple[str, int, int]]:
    """`name = "<slug>"` in the symbol's tables: the parser builds a table as `{"name": slug,
    **table}` (spec §1.6), so such a `name` is the slug too and moves with it."""
    out = []
    for path in dict.fromkeys(o.path for o in found if o.definition):
        for d in ws.index.file(path).named(symbol.kind, symbol.slug):
            e = entry(d.table, "name", True) if isinstance(d.table, Table) else None
            if e is not None and isinstance(e.value, String) and e.value.value == symbol.slug:
                out.append((path, *string_span(e.value, e.delta)))
    return out


def _rel(ws: Workspace, path: str) -> str:
    sf = ws.file(path)
    return sf.info.rel if sf is not None else path


def _refuse_split(ws: Workspace, symbol: Symbol, found: list[Occurrence]) -> None:
    """Tables that merge into the symbol somewhere, but are another symbol themselves, would be
    left behind (e.g. a local metric that also takes statistics from the defaults' table)."""
    moved = {(o.path, o.span) for o in found if o.definition}
    for path in dict.fromkeys(o.path for o in found):
        scope = scope_of(ws, path)
        if scope is None:
            continue
        res = scope.resolve(symbol.kind, symbol.slug)
        if res.symbol != symbol:
            continue
        for d in res.local + (res.globals if not symbol.local else ()):
            if (d.path, d.span) not in moved and d.span != (0, 0):
                label = KIND_LABELS.get(symbol.kind, symbol.kind)
                raise RenameError(
                    f"{label} `{symbol.slug}` in `{_rel(ws, path)}` also merges with its table in "
                    f"`{_rel(ws, d.path)}`, which is a separate definition there: renaming one without the "
                    "other would change what both resolve to; rename them one at a time, in both files"
                )


#: Kinds that predefined tables refer to: a local table of the same slug replaces the predefined
#: one for them too (spec §1.5), so the two names must stay equal.
_SHADOWED_BY_NAME = frozenset({"data_source", "segment_data_source"})


def _refuse_unshadow(ws: Workspace, symbol: Symbol, found: list[Occurrence]) -> None:
    """A local data source named like a predefined one replaces it, also for the predefined
    metrics the config uses: renaming either side would silently undo that."""
    if symbol.kind not in _SHADOWED_BY_NAME:
        return
    label = KIND_LABELS[symbol.kind]
    moved = {(o.path, o.span) for o in found if o.definition}
    if symbol.local:
        for path in dict.fromkeys(o.path for o in found):
            scope = scope_of(ws, path)
            if scope is not None and scope.globals(symbol.kind, symbol.slug):
                raise RenameError(
                    f"this {label} `{symbol.slug}` replaces the predefined one of that name in "
                    f"`{_rel(ws, path)}`, also for the predefined tables that use it: renaming it "
                    "would change what they use"
                )
        return
    for path in candidate_paths(ws, symbol.kind, symbol.slug):
        for d in ws.index.file(path).named(symbol.kind, symbol.slug):
            if (d.path, d.span) in moved:
                continue
            scope = scope_of(ws, path)
            if scope is not None and scope.platform == symbol.home:
                raise RenameError(
                    f"`{_rel(ws, path)}` defines its own {label} `{symbol.slug}`, which replaces this one "
                    "there, also for the predefined tables it uses: renaming this one would undo that"
                )


def _refuse_outcome_partner(ws: Workspace, symbol: Symbol, found: list[Occurrence]) -> None:
    """An outcome that defines the metric for itself merges with it in every analysis that
    attaches the outcome (Experimenter may attach it without the config saying so): the names
    must stay equal."""
    if symbol.kind != "metric":
        return
    moved = {(o.path, o.span) for o in found if o.definition}
    platforms = {scope.platform for p in dict.fromkeys(o.path for o in found) if (scope := scope_of(ws, p))}
    for d in ws.index.all_definitions("metric", symbol.slug):
        if d.layer == LAYER_OUTCOME and d.platform in platforms and (d.path, d.span) not in moved:
            raise RenameError(
                f"the outcome `{_rel(ws, d.path)}` also defines metric `{symbol.slug}`: in every analysis that "
                "attaches it, the two merge (statistics included); renaming one would separate them"
            )


def _refuse_conflict(ws: Workspace, symbol: Symbol, found: list[Occurrence], new: str) -> None:
    """`new` must not already mean something where the symbol is used, nor be written where the
    renamed definition would become visible."""
    kind = symbol.kind
    label = KIND_LABELS.get(kind, kind)
    users = dict.fromkeys(o.path for o in found)
    for path in users:
        scope = scope_of(ws, path)
        if scope is None:
            continue
        res = scope.resolve(kind, new)
        if res.status != MISSING:
            where = res.targets[0] if res.targets else (res.local + res.globals)[0]
            raise RenameError(
                f"a {label} `{new}` is already visible in `{_rel(ws, path)}` (defined in "
                f"`{_rel(ws, where.path)}`): the rename would merge two {label}s"
            )
    anchors = {symbol.home} if symbol.local else set()
    for path in candidate_paths(ws, kind, new):
        scope = scope_of(ws, path)
        if scope is None:
            continue
        sees = (
            path in users
            or (not symbol.local and (symbol.home is None or scope.platform == symbol.home))
            or any(layer.path in anchors for layer in scope.layers)
        )
        if not sees:
            continue
        sf = ws.file(path)
        written = occurrences_in(sf, kind, new) if sf is not None else []
        if sf is not None and written:
            o = written[0]
            line = sf.tree.lines.line_of(o.span[0]) + 1
            state = classify(ws, o)
            what = (
                "where it does not resolve today"
                if state is not None and not state.resolved
                else "where it names another " + label
            )
            raise RenameError(
                f"`{new}` is already written in `{_rel(ws, path)}` (line {line}), {what}: after the "
                f"rename it would mean this {label}"
            )
