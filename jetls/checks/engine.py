"""`check_file`: every offline diagnostic of one file of a workspace snapshot.

The traversal: it walks the file and fires the hooks (`jetls.checks.hooks`) at which the rules
(`jetls.checks.rules`, one module per code) run; then severity overrides, suppression comments
and the relations rules declare between codes (`SUPERSEDES`) apply.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from jetls import templates
from jetls.diagnostics import Diagnostic
from jetls.document import Entry, Table
from jetls.options import Options
from jetls.schema import FileKind, file_schema, is_valid_slug
from jetls.syntax import String
from jetls.workspace import Workspace, key_span, string_span
from jetls.workspace.index import entry, string_items, sub, tables
from jetls.workspace.paths import LAYER_OUTCOME
from jetls.workspace.scope import UNATTACHED, is_full_metric

from .codes import DEFAULT_SEVERITY
from .context import Context
from .context import strings as _strings
from .hooks import LocalMetric, MetricRef, Ref, StatisticAt, StringValue, Upstream
from .registry import SUPERSEDES, handlers_for
from .replay import Replayed
from .schema_walk import walk
from .suppressions import finish

#: The note of a problem in a metric no window uses (errors become warnings).
UNUSED_METRIC = " (this metric is in no window, so the reference never renders it)"

_WILDCARD = re.compile(r"[*?\[]")


@dataclass
class FileReport:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    platform: str | None = None
    platform_reason: str | None = None
    #: How the platform was chosen: "option", "directive", "inferred", "default" (experiment
    #: configs) or "path".
    platform_source: str | None = None
    #: the reference parser release whose rules were applied (`jetls.workspace.parser`), and why
    parser_version: str | None = None
    parser_reason: str | None = None

    def copy(self) -> "FileReport":
        return FileReport(
            list(self.diagnostics),
            self.platform,
            self.platform_reason,
            self.platform_source,
            self.parser_version,
            self.parser_reason,
        )


# Real configs are at most ~100 KB; far bigger input (generated or hostile) gets TOML checks only,
# so that one file cannot stall the server for seconds on every keystroke.
MAX_FULL_CHECK_CHARS = 2_000_000


def check_file(ws: Workspace, path: str, options: Options | None = None) -> FileReport:
    """Every diagnostic of `path` in the snapshot `ws`, after severity overrides and suppression
    comments. Never raises on user input."""
    options = options or ws.options
    sf = ws.file(path)
    if sf is None:
        return FileReport()
    memo = getattr(ws, "memo", None)
    key = ("check", sf.path, id(options))
    hit = memo.get(key) if memo is not None else None
    if hit is not None and hit[0] is options and hit[1] is sf:
        return hit[2].copy()  # the same immutable snapshot, file and options: the same answer
    if len(sf.text) > MAX_FULL_CHECK_CHARS:
        c = Traversal(ws, sf, options, DEFAULT_SEVERITY, handlers_for(options), analyse=False)
        c.fire("toml")
        c.fire("too_large", MAX_FULL_CHECK_CHARS)
        return FileReport(finish(c.out, sf, options), None, None, None, c.parser.release, c.parser.reason)
    c = Traversal(ws, sf, options, DEFAULT_SEVERITY, handlers_for(options))
    c.run()
    diags = finish(_superseded(c.out), sf, options)
    choice = c.choice
    report = FileReport(
        diags,
        choice.platform if choice else None,
        choice.reason if choice else None,
        choice.source if choice else None,
        c.parser.release,
        c.parser.reason,
    )
    if memo is not None:
        memo[key] = (options, sf, report.copy())
    return report


def _superseded(diags: list[Diagnostic]) -> list[Diagnostic]:
    """Drop what a rule's `SUPERSEDES` says its diagnostics replace: a diagnostic of a superseded
    code that starts inside one of the rule's own."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for d in diags:
        for code in SUPERSEDES.get(d.code, ()):
            spans.setdefault(code, []).append((d.start, d.end))
    if not spans:
        return diags
    return [d for d in diags if not any(s <= d.start < e for s, e in spans.get(d.code, ()))]


def _routines(options: Options):
    """The Mozilla routine catalog of `options.bigquery_etl` (loaded once per path), or None."""
    if not options.bigquery_etl:
        return None
    from jetls.sql.routines import load_routines

    return load_routines(options.bigquery_etl)


# The checks of a definitions metric, replayed across keystrokes when they read only its table.
_DEFINITIONS_METRICS = Replayed("definitions metrics")


class Traversal(Context):
    """Walks one file and fires the hooks; what is reported is the rules' business."""

    def run(self) -> None:
        self.fire("toml")
        if self.kind is FileKind.PLAIN:
            return
        self.fire("file")
        tool = self.info.tool
        schema = file_schema(self.kind, tool)
        walk(self, self._root, schema)
        k = self.kind
        if k in (FileKind.EXPERIMENT, FileKind.DEFAULTS, FileKind.OUTCOME):
            self.jetstream_checks()
        elif k is FileKind.DEFINITIONS:
            self.definitions_checks()
        elif k is FileKind.OPMON:
            self.opmon_checks()
        if k is not FileKind.FEATMON:
            self.template_checks()

    # -- Jetstream files (configs, defaults, outcomes) -------------------------------------------
    def jetstream_checks(self) -> None:
        root, k = self._root, self.kind
        for r in self.idx.file(self.sf.path).references:
            if r.kind == "metric" and r.where.startswith("window ") and r.where != "window days28":
                self.fire("metric_reference", MetricRef(r.slug, r.span, r.where))
        if k is FileKind.OUTCOME:
            for key, slug, span in self.outcome_windows(root):
                self.fire("metric_reference", MetricRef(slug, span, f"window {key}"))
        used = self.used_metrics
        for name, t in tables(root.items.get("metrics")):
            self.local_metric(LocalMetric(name, t, name in used, is_full_metric([t])))
        for name, t in tables(root.items.get("data_sources")):
            self.local_data_source(name, t)
        exp = sub(root, "experiment")
        if k is not FileKind.OUTCOME:
            for slug, span in self.local_strings(("experiment",), "segments"):
                self.fire("reference", Ref("segment", slug, span, "experiment"))
            for name, t in tables(root.items.get("segments")):
                if name == "data_sources":
                    for sname, st in tables(t):
                        self.fire("segment_data_source", sname, st)
                    continue
                self.fire("slug", "segment", name, t)
                self.fire("segment", name, t)
                e = entry(t, "data_source", True)
                if e is not None and isinstance(e.value, String):
                    listed = name in self.used_segments or k is FileKind.DEFAULTS
                    self.fire(
                        "reference",
                        Ref(
                            "segment_data_source",
                            e.value.value,
                            string_span(e.value, e.delta),
                            "segment",
                            None if listed else "warning",
                            ""
                            if listed
                            else " (this segment is not listed in `[experiment].segments`, so only "
                            "Experimenter could select it)",
                        ),
                    )
        if exp is not None and k is not FileKind.OUTCOME:
            e = entry(sub(exp, "exposure_signal"), "data_source")
            if e is not None and isinstance(e.value, String):
                self.fire(
                    "reference", Ref("data_source", e.value.value, string_span(e.value, e.delta), "exposure signal")
                )
            self.fire("experiment", exp)
        for name, t in tables(root.items.get("parameters")):
            self.fire("parameter", name, t)

    def local_metric(self, m: LocalMetric) -> None:
        name, t = m.name, m.table
        self.fire("slug", "metric", name, t)
        if not is_valid_slug(name):
            return
        self.fire("local_metric", m)
        if not m.full:
            self.reference_table(m)
        e = entry(t, "data_source", True)
        if e is not None and isinstance(e.value, String):
            self.fire(
                "reference",
                Ref("data_source", e.value.value, string_span(e.value, e.delta), "metric", m.severity, m.note),
            )
        self.metric_parts(m)

    def reference_table(self, m: LocalMetric) -> None:
        """A metric table that is no full definition adds statistics or options to the metric of
        its slug: it refers to it (and some of its keys are ignored)."""
        name, t, k = m.name, m.table, self.kind
        if is_full_metric([x for x, _ in self.spec_tables("metric", name)]):
            return
        glob = self.global_defs("metric", name)
        if (glob and is_full_metric(d.table for d in glob)) or self.resolve_metric(name).status == UNATTACHED:
            return
        if name in self.window_slugs:
            return  # (the window's reference is checked)
        span = key_span(t)
        if k is FileKind.DEFAULTS:
            self.fire(
                "metric_reference",
                MetricRef(name, span, "table", "warning", " (defaults apply only when an experiment uses this metric)"),
            )
        elif not (
            k is FileKind.EXPERIMENT
            and not m.used
            and self.idx.definitions("metric", name, self.platform, layers=(LAYER_OUTCOME,))
        ):
            self.fire(
                "metric_reference",
                MetricRef(name, span, "table", m.severity if k is not FileKind.OUTCOME else None, m.note),
            )

    def metric_parts(self, m: LocalMetric) -> None:
        """A metric table's `depends_on` and statistics (Jetstream files and definitions)."""
        e = entry(m.table, "depends_on", True)
        deps = tuple(x for x, _ in string_items(e)) if e is not None else ()
        if e is not None:
            for up, span in string_items(e):
                self.fire("upstream", Upstream(m, up, span))
        for sname, params in tables(sub(m.table, "statistics", True)):
            self.fire("statistic", StatisticAt(m.name, sname, params, deps, m))

    def local_data_source(self, name: str, t: Table) -> None:
        self.fire("slug", "data_source", name, t)
        if _WILDCARD.search(name):
            return  # (data source wildcards merge into matching definitions)
        self.fire("data_source", name, t)
        for jname, j in tables(sub(t, "joins", True)):
            self.fire("reference", Ref("data_source", jname, key_span(j), "join"))

    # -- definitions files -----------------------------------------------------------------------
    def definitions_checks(self) -> None:
        root = self._root
        local_ds = frozenset(n for n, _ in tables(root.items.get("data_sources")))
        for name, t in tables(root.items.get("metrics")):
            _DEFINITIONS_METRICS.run(  # (its checks rarely read beyond the table: see Replayed)
                self,
                t,
                (("definitions metric", name, local_ds, self.info.layer), self.replay_context),
                t.delta,
                partial(self.definitions_metric, name, t, local_ds),
                pure_only=True,
            )
        for name, t in tables(root.items.get("data_sources")):
            self.fire("slug", "data_source", name, t)
            if not _WILDCARD.search(name):
                self.fire("data_source", name, t)
            for jname, j in tables(sub(t, "joins", True)):
                if jname not in local_ds:
                    self.fire("reference", Ref("data_source", jname, key_span(j), "join"))
        segs = root.items.get("segments")
        local_sds = {n for n, _ in tables(sub(segs, "data_sources") if isinstance(segs, Table) else None)}
        for name, t in tables(segs):
            if name == "data_sources":
                for sname, st in tables(t):
                    self.fire("segment_data_source", sname, st)
                continue
            self.fire("segment", name, t)
            e = entry(t, "data_source", True)
            if e is not None and isinstance(e.value, String) and e.value.value not in local_sds:
                self.fire(
                    "reference",
                    Ref("segment_data_source", e.value.value, string_span(e.value, e.delta), "definitions segment"),
                )
        for t in dict(tables(root.items.get("dimensions"))).values():
            e = entry(t, "data_source")
            if e is not None and isinstance(e.value, String) and e.value.value not in local_ds:
                self.fire("reference", Ref("data_source", e.value.value, string_span(e.value, e.delta), "dimension"))
        self.alerts()

    def definitions_metric(self, name: str, t: Table, local_ds: frozenset) -> None:
        m = LocalMetric(name, t, True, is_full_metric([t]))
        self.fire("slug", "metric", m.name, t)
        e = entry(t, "data_source", True)
        if e is not None and isinstance(e.value, String) and e.value.value not in local_ds:
            self.fire(
                "reference", Ref("data_source", e.value.value, string_span(e.value, e.delta), "definitions metric")
            )
        self.fire("definitions_metric", m)
        self.metric_parts(m)

    # -- OpMon projects ----------------------------------------------------------------------------
    def opmon_checks(self) -> None:
        # a project is merged over `opmon/defaults/<platform>.toml`: its tables resolve slugs too
        self.alerts()
        project = sub(self._root, "project", True)
        if project is None:
            return
        for m, span in _strings(entry(project, "metrics", True)):
            self.fire("reference", Ref("metric", m, span, "project"))
        pop = sub(project, "population", True)
        e = entry(pop, "data_source")
        if e is not None and isinstance(e.value, String):
            self.fire("reference", Ref("data_source", e.value.value, string_span(e.value, e.delta), "population"))
        for d, span in _strings(entry(pop, "dimensions")):
            self.fire("reference", Ref("dimension", d, span, "population"))
        self.fire("project", project)

    def alerts(self) -> None:
        for name, t in tables(self.root.items.get("alerts")):
            self.fire("alert", name, t)

    # -- templates and SQL -------------------------------------------------------------------------
    def template_checks(self) -> None:
        """Every templated or SQL string of the file, rendered as the reference does (`jetls.templates`)
        and parsed as BigQuery SQL (`jetls.sql`): the rules report what they find."""
        root, k = self._root, self.kind
        functions = self.idx.functions("jetstream" if self.view != "metric-hub" else "metric-hub")
        sql_on = self.options.sql
        routines = _routines(self.options) if sql_on else None
        used = self.used_metrics

        def check(
            e: Entry | None,
            fld: str,
            sql_kind: str,
            context: templates.TemplateContext,
            unrendered: str | Callable[[], str] = "",
            owner: tuple[str, Table | None] | None = None,
        ) -> None:
            if e is None or not isinstance(e.value, String):
                return
            src = e.value.value
            if fld in ("metric_select", "segment_select", "enrollment_query") and "{" not in src and not sql_on:
                return
            problems = (
                templates.check_templated_sql(src, context, sql_kind, routines)
                if sql_on
                else templates.render(src, context).problems
            )
            if problems or (owner is not None and self._handlers["sql_string"]):  # (else: nothing to say)
                if callable(unrendered):  # (asked only when there is something to lower)
                    unrendered = unrendered() if any(p.severity == "error" for p in problems) else ""
                self.string(StringValue(e, context, problems, owner, unrendered))

        context = templates.TemplateContext(functions, self.scope.parameter_values(), False, "metric_select")
        for name, t in tables(root.items.get("metrics")):
            check(
                entry(t, "select_expression", True),
                "metric_select",
                "expression",
                context,
                unrendered=UNUSED_METRIC if k is FileKind.EXPERIMENT and name not in used else "",
                owner=("metrics", t),
            )
        app_dataset = self.scope.app_dataset()
        for ds_name, t in dict(tables(root.items.get("data_sources"))).items():
            dd = entry(t, "default_dataset", True)
            named = dd.to_python() if dd is not None else None
            dataset = named if isinstance(named, str) else None
            context = templates.TemplateContext(
                functions,
                None,
                # `experiment` exists only when Jetstream resolves a data source for an experiment
                # (`render_from_expression`): OpMon, Looker and the definitions' CI have none
                self.view == "jetstream",
                "data_source_from",
                # the parser formats `{dataset}` with `default_dataset` as it builds the data
                # source (`_check_default_dataset_provided_if_needed`), before any app dataset
                dataset,
            )
            check(
                entry(t, "from_expression", True),
                "data_source_from",
                "from",
                context,
                unrendered=partial(self.unused_data_source_note, ds_name),
                owner=("data_sources", t),
            )
        if k is not FileKind.OUTCOME:
            from_context = templates.TemplateContext(functions, None, True, "segment_from", app_dataset)
            select_context = templates.TemplateContext(functions, None, False, "segment_select")
            for name, t in tables(root.items.get("segments")):
                if name == "data_sources":
                    for st in dict(tables(t)).values():
                        check(
                            entry(st, "from_expression", True),
                            "segment_from",
                            "from",
                            from_context,
                            owner=("segment_data_sources", st),
                        )
                    continue
                check(
                    entry(t, "select_expression", True),
                    "segment_select",
                    "expression",
                    select_context,
                    owner=("segments", t),
                )
        exp = sub(root, "experiment")
        if exp is not None and k in (FileKind.EXPERIMENT, FileKind.DEFAULTS):
            check(
                entry(exp, "enrollment_query"),
                "enrollment_query",
                "query",
                templates.TemplateContext(functions, None, True, "enrollment_query"),
            )
            signal = sub(exp, "exposure_signal")
            check(
                entry(signal, "select_expression"),
                "exposure_select",
                "expression",
                templates.TemplateContext(functions, None, False, "exposure_select"),
                owner=("exposure_signal", signal),
            )
        if k is FileKind.FUNCTIONS:
            for t in dict(tables(root.items.get("functions"))).values():
                check(
                    entry(t, "definition"),
                    "function_definition",
                    "expression",
                    templates.TemplateContext({}, None, False, "function_definition"),
                )
        if sql_on:  # dimensions: plain SQL, not rendered
            from jetls.sql import check_sql

            for t in dict(tables(root.items.get("dimensions"))).values():
                e = entry(t, "select_expression")
                if e is not None and isinstance(e.value, String):
                    self.string(
                        StringValue(
                            e,
                            templates.TemplateContext({}, None, False, "exposure_select"),
                            check_sql(e.value.value, "expression", routines),
                            ("dimensions", t),
                        )
                    )

    def string(self, s: StringValue) -> None:
        for p in s.problems:
            self.fire("string_problem", s, p)
        if s.owner is not None and self.options.sql and not any(p.severity == "error" for p in s.problems):
            self.fire("sql_string", s)  # (a string with errors is not rendered: nothing more to say)
