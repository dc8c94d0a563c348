"""JET460: a column a select expression uses that the table(s) of its data source do not have.

Needs a schema source (`Options.bigquery_etl`, see `jetls.bigquery`). The expression is checked
as Jetstream runs it: rendered, against its data source's `from_expression` (rendered with the
platform's `{dataset}`) joined as `ds` beside the enrollments `e`. A warning, never an error:
schemas drift, and the message names the snapshot's date. Silent whenever resolution is unsure
(see `jetls.bigquery.scope`).

`data_source_of` is the one place that finds a table's data source in the workspace.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jetls import templates
from jetls.bigquery import sources
from jetls.document import Entry, Table
from jetls.schema import FileKind
from jetls.syntax import String
from jetls.workspace import Workspace
from jetls.workspace.index import entry, sub
from jetls.workspace.scope import merged_value, scope_of

from .suggest import suggest

log = logging.getLogger(__name__)

CODE = "JET460"
SUMMARY = "unknown column: not in the table of the data source (bigquery-etl snapshot)"

#: Sections whose `select_expression` reads a data source, and the kind of that data source.
OWNERS = {
    "metrics": "data_source",
    "segments": "segment_data_source",
    "exposure_signal": "data_source",
    "dimensions": "data_source",
}


@dataclass(frozen=True)
class DataSource:
    """A data source as a select expression reads it."""

    slug: str
    kind: str  # "data_source" | "segment_data_source"
    from_sql: str  # the rendered from_expression
    table: Table = field(compare=False)  # the TOML table defining it
    path: str = ""  # the file defining it


def data_source_of(ws: Workspace, sf: Any, section: str, table: Table | None) -> DataSource | None:
    """The data source the `select_expression` of `table` (a `[metrics.x]`, `[segments.x]`,
    `[experiment.exposure_signal]` or `[dimensions.x]` table of `sf`) reads, rendered; None when
    it cannot be found or rendered. Experiment configs may define or override it locally; the
    definitions of the file's platform and tool view are used otherwise."""
    kind = OWNERS.get(section)
    if kind is None or table is None:
        return None
    slug = _string(entry(table, "data_source", True))
    name = table.path[-1] if table.path else None
    # one answer per data source (and per metric without one) per snapshot: a file's many
    # select expressions share a few data sources
    key = ("jet460 data source", sf.path, kind, slug, name if slug is None else None)
    memo = ws.memo
    try:
        return memo[key]
    except KeyError:
        pass
    found = memo[key] = _data_source_of(ws, sf, section, kind, slug, name)
    return found


def _data_source_of(
    ws: Workspace, sf: Any, section: str, kind: str, slug: str | None, name: str | None
) -> DataSource | None:
    scope = scope_of(ws, sf.path)
    if scope is None:
        return None
    # an experiment config's platform that is only a default guess: its predefined data
    # sources may be another platform's (other tables), so only its own are checked
    guessed = _guessed_platform(ws, sf)
    if slug is None and section == "metrics" and name:
        merged, _ = merged_value(scope.resolve("metric", name).targets, "data_source")
        slug = merged if isinstance(merged, str) else None
    if slug is None:
        return None
    for d in scope.resolve(kind, slug).targets:
        t = d.table
        if guessed and d.path != sf.path or not isinstance(t, Table):
            continue
        fe = entry(t, "from_expression", True)
        if fe is None or not isinstance(fe.value, String):
            continue
        joins = sub(t, "joins", True)
        if joins is not None and joins.items:
            return None  # the joined data sources' columns are visible too: not modelled, so silent
        r = render_from(ws, sf, t, kind)
        return DataSource(slug, kind, r.text, t, d.path) if r is not None and r.text is not None else None
    return None


def render_from(ws: Workspace, sf: Any, t: Table, kind: str = "data_source") -> templates.Rendered | None:
    """The `from_expression` of the data source table `t` rendered as Jetstream does for `sf`
    (`{dataset}`: the platform's app dataset, else `default_dataset`). None without one, when it
    does not render, or when `{dataset}` depends on a platform that is only a guess."""
    fe = entry(t, "from_expression", True)
    if fe is None or not isinstance(fe.value, String):
        return None
    if "{dataset}" in fe.value.value and _guessed_platform(ws, sf):
        return None
    scope = scope_of(ws, sf.path)
    if scope is None:
        return None
    dataset = scope.app_dataset() or _string(entry(t, "default_dataset", True))
    fld = "segment_from" if kind == "segment_data_source" else "data_source_from"
    functions = ws.index.functions(scope.function_view)
    r = templates.render(fe.value.value, templates.TemplateContext(functions, None, True, fld, dataset))
    if r.text is None or any(p.severity == "error" for p in r.problems):
        return None
    return r


def _guessed_platform(ws: Workspace, sf: Any) -> bool:
    if sf.kind is not FileKind.EXPERIMENT:
        return False
    choice = ws.platform_of(sf.path)
    return choice is None or choice.source == "default"


def _string(e: Entry | None) -> str | None:
    return e.value.value if e is not None and isinstance(e.value, String) else None


def owner_table(sf: Any, key_path: tuple[str, ...]) -> tuple[str, Table] | None:
    """(section, table) owning a `select_expression` at `key_path` of `sf`, else None."""
    if not key_path or key_path[-1].lower() != "select_expression":
        return None
    p = tuple(key_path[:-1])
    if len(p) == 2 and p[0] in ("metrics", "segments", "dimensions") and p != ("segments", "data_sources"):
        section = p[0]
    elif p == ("experiment", "exposure_signal"):
        section = "exposure_signal"
    else:
        return None
    t = sf.doc.lookup(p)
    return (section, t) if isinstance(t, Table) else None


# ----------------------------------------------------------------------------- the check


#: Sections whose `from_expression` is itself checked (the columns its own SQL uses).
FROM_OWNERS = ("data_sources", "segment_data_sources")


def checker(ws: Workspace, sf: Any, options=None) -> "ColumnChecker | None":
    """The JET460 check of the SQL strings of `sf` in the snapshot `ws`; None while no schema
    source is loaded (none configured, still loading, or unusable)."""
    options = options or ws.options
    catalog = sources.catalog(getattr(options, "bigquery_etl", None))
    return ColumnChecker(ws, sf, catalog) if catalog is not None else None


class ColumnChecker:
    """Checks one file's SQL strings, one call per string (a keystroke re-checks every string of
    the file: the common answer, nothing found, costs a few dictionary lookups)."""

    def __init__(self, ws: Workspace, sf: Any, catalog) -> None:
        self.ws = ws
        self.sf = sf
        self.catalog = catalog
        self._sources: dict = {}
        self._memos: dict = {}

    def _memo(self, ctx: templates.TemplateContext) -> dict:
        """The catalog's memo of results for strings rendered with `ctx` (by content, so it
        survives keystrokes: a context's key is hashed once per check, not once per string)."""
        hit = self._memos.get(id(ctx))
        if hit is None:
            try:
                memo = self.catalog.memo.setdefault(("jet460 context", ctx.key()), {})
            except TypeError:  # an unhashable context: no memo
                memo = {}
            if len(memo) > 20000:
                memo.clear()
            hit = self._memos[id(ctx)] = (ctx, memo)
        return hit[1]

    def __call__(
        self, section: str, table: Table | None, e: Entry, ctx: templates.TemplateContext
    ) -> list[tuple[str, tuple[int, int], str, dict | None]]:
        """JET460 diagnostics (code, file span, message, data) of the SQL string `e` of `table`
        (a `select_expression` of an `OWNERS` section, or a `from_expression` of a
        `FROM_OWNERS` one), rendered as `ctx` says. Never raises: a failure is logged and
        reads as nothing found."""
        try:
            return self._check(section, table, e, ctx)
        except Exception:  # noqa: BLE001 — an optional check must not cost the file its others
            log.exception("jetls: the column check of %s failed", self.sf.path)
            return []

    def _check(self, section: str, table: Table | None, e: Entry, ctx: templates.TemplateContext):
        if table is None or not isinstance(e.value, String):
            return []
        src = e.value.value
        memo = self._memo(ctx)
        if section in FROM_OWNERS:
            if "{dataset}" in src and _guessed_platform(self.ws, self.sf):
                return []  # the table depends on a platform that is only a guess
            found = memo.get(src)
            if found is None:
                rendered = templates.render(src, ctx)
                found = memo[src] = _unknown_in_from(self.catalog, rendered.text) if rendered.text is not None else ()
        else:
            slug = _string(entry(table, "data_source", True))
            name = table.path[-1] if table.path else None
            key = (section, slug, name if slug is None else None)
            try:
                ds = self._sources[key]
            except KeyError:
                ds = self._sources[key] = _data_source_of(self.ws, self.sf, section, OWNERS[section], slug, name)
            if ds is None:
                return []
            k = (src, ds.from_sql, ds.slug)
            found = memo.get(k)
            if found is None:
                text = templates.render(src, ctx).text if "{" in src else src
                found = memo[k] = _unknown(self.catalog, text, ds.from_sql, ds.slug) if text is not None else ()
        if not found:
            return []
        rendered = templates.render(src, ctx)
        out = []
        for start, end, name, message, replacement in found:
            s, en, labels = rendered.source_span(start, end)
            if labels:
                s, en = _narrow(src, s, en, name)
            exact = src[s:en] == name
            if labels and not exact:
                message += f" — in {labels[0]}"
            span = (e.value.offset_of(min(s, len(src))) + e.delta, e.value.offset_of(min(en, len(src))) + e.delta)
            out.append((CODE, span, message, {"replacement": replacement} if replacement and exact else None))
        return out


def _unknown(catalog, sql: str, from_sql: str, slug: str) -> tuple:
    """(start, end, name, message, suggestion) in `sql` of each unknown name; memoised per catalog."""
    key = ("jet460", sql, from_sql, slug)
    memo = catalog.memo
    hit = memo.get(key)
    if hit is None:
        hit = memo[key] = _compute(catalog, sql, from_sql, slug)
    return hit


def _compute(catalog, sql: str, from_sql: str, slug: str) -> tuple:
    from jetls.bigquery.scope import analyse_expression, data_source_relation, metric_scope

    rel = data_source_relation(from_sql, catalog)
    if rel is None or rel.columns is None:
        return ()
    analysis = analyse_expression(sql, metric_scope(rel), catalog)
    if analysis is None:
        return ()
    ds_tables = _names(rel.tables)
    return _findings(
        catalog,
        analysis.unknown,
        f" (the metric reads data source `{slug}` as `ds`; aliases inside its from_expression are not visible)",
        lambda u: f"unknown column `{u.name}`: data source `{slug}` reads {ds_tables}, which has no such column",
    )


def _unknown_in_from(catalog, sql: str) -> tuple:
    key = ("jet460-from", sql)
    memo = catalog.memo
    hit = memo.get(key)
    if hit is None:
        hit = memo[key] = _compute_from(catalog, sql)
    return hit


def _compute_from(catalog, sql: str) -> tuple:
    from jetls.bigquery.scope import analyse_from

    analysis = analyse_from(sql, catalog)
    if analysis is None:
        return ()
    return _findings(
        catalog,
        analysis.unknown,
        "",
        lambda u: f"unknown column `{u.name}`: {_names(u.tables)} {_have(u.tables)} no such column",
    )


def _findings(catalog, unknown, alias_note: str, no_column: Callable[[Any], str]) -> tuple:
    """(start, end, name, message, suggestion) of each unknown name of an analysis."""
    snapshot = f"bigquery-etl snapshot of {catalog.date}" if catalog.date else "bigquery-etl snapshot"
    out = []
    for u in unknown:
        s = suggest(u.name, u.candidates) if u.candidates else None
        if u.record is not None:
            where = f"`{'.'.join(u.record.path) or u.record.name}`"
            msg = f"`{u.name}` is not a field of {where}" + (f" in {_names(u.tables)}" if u.tables else "")
        elif u.qualifier:
            msg = f"unknown name `{u.name}`: no column or table alias of that name is visible here{alias_note}"
        else:
            msg = no_column(u)
        msg += f" ({snapshot})"
        if s:
            msg += f"; did you mean `{s}`?"
        out.append((u.start, u.end, u.name, msg, s))
    return tuple(out)


def _have(tables) -> str:
    return "has" if len(tables) == 1 else "have"


def _names(tables) -> str:
    shown = ", ".join(f"`{t}`" for t in tables[:3])
    return shown + (f" and {len(tables) - 3} more" if len(tables) > 3 else "") if shown else "its FROM clause"


def _narrow(src: str, s: int, e: int, name: str) -> tuple[int, int]:
    """Inside a template expansion (the whole `{{ ... }}` tag): the one place the tag's text
    writes `name`, when there is exactly one."""
    hits = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", src[s:e], re.I)]
    if len(hits) == 1:
        return s + hits[0], s + hits[0] + len(name)
    return s, e


__all__ = ["CODE", "ColumnChecker", "DataSource", "checker", "data_source_of", "owner_table"]
