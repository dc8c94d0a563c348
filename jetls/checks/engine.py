"""`check_file`: every offline diagnostic of one file of a workspace snapshot.

The traversal: it walks the file and fires the hooks (`jetls.checks.hooks`) at which the rules
(`jetls.checks.rules`, one module per code) run; then severity overrides, suppression comments
and the relations rules declare between codes (`SUPERSEDES`) apply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from jetls.diagnostics import Diagnostic, Fix, Related, Tag
from jetls.document import Entry, Table, unit_key
from jetls.document.edits import (
    append_to_array,
    insert_entry,
)
from jetls.options import Options
from jetls.schema import PLATFORMS, FileKind, file_schema, is_valid_slug, lookup, toml_literal
from jetls.syntax import String
from jetls.workspace import ANALYSABLE, KIND_LABELS, Definition, Workspace, key_span, string_span
from jetls.workspace.index import entry, string_items, sub, tables
from jetls.workspace.paths import LAYER_OUTCOME
from jetls.workspace.scope import UNATTACHED, is_full_metric

from . import templates as T
from .codes import DEFAULT_SEVERITY
from .context import Context, strings as _strings
from .hooks import LocalMetric, MetricRef, Ref, StatisticAt, Upstream
from .registry import HANDLERS, SUPERSEDES
from .replay import Replayed
from .schema_walk import walk
from .suppressions import finish

_WILDCARD = re.compile(r"[*?\[]")
_SECTION_PATH = {
    "metric": ("metrics",),
    "data_source": ("data_sources",),
    "segment": ("segments",),
    "segment_data_source": ("segments", "data_sources"),
    "parameter": ("parameters",),
    "dimension": ("dimensions",),
}
# keys of a metric table that a reference (non-full) table keeps (spec §1.5)
_REFERENCE_KEYS = {"statistics", "analysis_bases", "analysis_units", "name", "depends_on"}


@dataclass
class FileReport:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    platform: str | None = None
    platform_reason: str | None = None


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
        r = hit[2]  # the same immutable snapshot, file and options: the same answer
        return FileReport(list(r.diagnostics), r.platform, r.platform_reason)
    if len(sf.text) > MAX_FULL_CHECK_CHARS:
        c = _Checker(ws, sf, options, DEFAULT_SEVERITY, HANDLERS, analyse=False)
        c.fire("toml")
        c.fire("too_large", MAX_FULL_CHECK_CHARS)
        return FileReport(finish(c.out, sf, options), None, None)
    c = _Checker(ws, sf, options, DEFAULT_SEVERITY, HANDLERS)
    c.run()
    diags = finish(_superseded(c.out), sf, options)
    choice = c.choice
    report = FileReport(diags, choice.platform if choice else None, choice.reason if choice else None)
    if memo is not None:
        memo[key] = (options, sf, FileReport(list(diags), report.platform, report.platform_reason))
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


def _truthy(item) -> bool:
    if item is None:
        return False
    if isinstance(item, Entry):
        return bool(item.to_python())
    return True


def _routines(options: Options):
    """The Mozilla routine catalog of `options.bigquery_etl` (loaded once per path), or None."""
    if not options.bigquery_etl:
        return None
    from jetls.sql.routines import load_routines

    return load_routines(options.bigquery_etl)


# The checks of a definitions metric, replayed across keystrokes when they read only its table.
_DEFINITIONS_METRICS = Replayed("definitions metrics")


class _Checker(Context):
    # -- main ---------------------------------------------------------------------------------
    def run(self) -> None:
        self.fire("toml")
        if self.kind is FileKind.PLAIN:
            return
        self.fire("file")
        tool = self.info.tool
        schema = file_schema(self.kind, tool)
        walk(self, self._root, schema)
        if self.info.note:
            self.emit("JET531", self.root_span, self.info.note)
        k = self.kind
        if k in (FileKind.EXPERIMENT, FileKind.DEFAULTS, FileKind.OUTCOME):
            self.jetstream_checks()
        elif k is FileKind.DEFINITIONS:
            self.definitions_checks()
        elif k is FileKind.OPMON:
            self.opmon_checks()
        if k is not FileKind.FEATMON:
            self.template_checks()
        if k is FileKind.EXPERIMENT and self.choice is not None:
            self.platform_note()

    # -- metric resolution --------------------------------------------------------------------
    def default_units(self) -> list[str]:
        return ["client_id", "profile_group_id"] if self.platform == "firefox_desktop" else ["client_id"]

    def check_analysis_units(self, metric: str, t: Table, ds: str, sev: str | None, note: str) -> None:
        """Spec §6.2 row 31: a metric's analysis units must all be supported by its data source."""
        e = entry(t, "analysis_units", True)
        if e is None:
            return
        units = [u for u, _ in string_items(e)]
        found = self.resolve_simple("data_source", ds)
        table = found.table if isinstance(found, Definition) else found
        if not isinstance(table, Table):
            return
        de = entry(table, "analysis_units", True)
        supported = [u for u, _ in string_items(de)] if de is not None else self.default_units()
        missing = [u for u in units if u not in supported]
        if missing:
            self.emit("JET520", e.value_span,
                      f"data source `{ds}` supports only {', '.join(f'`{u}`' for u in supported)}, not "
                      f"{', '.join(f'`{u}`' for u in missing)}: the reference fails with \"data_source {ds} (app: "
                      f"{self.platform}) does not support all analysis_units specified by metric {metric}\"; set the data "
                      f"source's `analysis_units` or drop {', '.join(missing)}{note}", severity=sev)

    # -- Jetstream files ----------------------------------------------------------------------
    # -- Jetstream files (configs, defaults, outcomes) -------------------------------------------
    def jetstream_checks(self) -> None:
        root, k = self._root, self.kind
        for r in self.idx.file(self.sf.path).references:
            if r.kind == "metric" and r.where.startswith("window ") and r.where != "window days28":
                self.fire("metric_reference", MetricRef(r.slug, r.span, r.where))
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
                    self.fire("reference", Ref(
                        "segment_data_source", e.value.value, string_span(e.value, e.delta), "segment",
                        None if listed else "warning",
                        "" if listed else " (this segment is not listed in `[experiment].segments`, so only "
                        "Experimenter could select it)"))
        if exp is not None and k is not FileKind.OUTCOME:
            e = entry(sub(exp, "exposure_signal"), "data_source")
            if e is not None and isinstance(e.value, String):
                self.fire("reference", Ref("data_source", e.value.value, string_span(e.value, e.delta), "exposure signal"))
            self.fire("experiment", exp)
            self.experiment_rules(exp)
        for name, t in tables(root.items.get("parameters")):
            self.check_parameter(name, t)
        if k is FileKind.EXPERIMENT:
            self.falsy_overrides()

    def local_metric(self, m: LocalMetric) -> None:
        name, t, k = m.name, m.table, self.kind
        self.fire("slug", "metric", name, t)
        if not is_valid_slug(name):
            return
        self.fire("local_metric", m)
        if not m.full:
            self.reference_table(m)
        else:
            if k is FileKind.EXPERIMENT and not m.used:
                self.emit("JET534", key_span(t), f"`[metrics.{name}]` is not listed in any window: it is never "
                          "computed, and the reference does not validate it", fixes=self.add_to_window(name))
        e = entry(t, "data_source", True)
        if e is not None and isinstance(e.value, String):
            ds = e.value.value
            self.fire("reference", Ref("data_source", ds, string_span(e.value, e.delta), "metric", m.severity, m.note))
            self.check_analysis_units(name, t, ds, m.severity, m.note)
        self.metric_parts(m)

    def reference_table(self, m: LocalMetric) -> None:
        """A metric table that is no full definition adds statistics or options to the metric of
        its slug: it refers to it (and some of its keys are ignored)."""
        name, t, k = m.name, m.table, self.kind
        if is_full_metric([x for x, _ in self.spec_tables("metric", name)]):
            return
        glob = self.global_defs("metric", name)
        ignored = [key for key in t.items if key.lower() not in _REFERENCE_KEYS]
        if ignored and glob:
            for key in ignored:
                item = t.items[key]
                ks = item.key_span if isinstance(item, Entry) else key_span(item)
                self.emit("JET513", ks, f"`{key}` is ignored: `[metrics.{name}]` is not a full definition "
                          "(it needs both `select_expression` and `data_source`), so the predefined metric "
                          f"`{name}` is used and only `statistics`, `analysis_bases` and `analysis_units` "
                          "are taken from this table", tags=(Tag.UNNECESSARY,),
                          related=[self.rel(d, "predefined here") for d in glob[:2]], fixes=self.removal(item))
        if (glob and is_full_metric(d.table for d in glob)) or self.resolve_metric(name).status == UNATTACHED:
            return
        if name in self.window_slugs:
            return  # (the window's reference is checked)
        span = key_span(t)
        if k is FileKind.DEFAULTS:
            self.fire("metric_reference", MetricRef(name, span, "table", "warning",
                                                    " (defaults apply only when an experiment uses this metric)"))
        elif not (k is FileKind.EXPERIMENT and not m.used
                  and self.idx.definitions("metric", name, self.platform, layers=(LAYER_OUTCOME,))):
            self.fire("metric_reference", MetricRef(name, span, "table", m.severity if k is not FileKind.OUTCOME
                                                    else None, m.note))

    def metric_parts(self, m: LocalMetric) -> None:
        """A metric table's `depends_on` and statistics (Jetstream files and definitions)."""
        e = entry(m.table, "depends_on", True)
        deps = tuple(x for x, _ in string_items(e)) if e is not None else ()
        if e is not None:
            for up, span in string_items(e):
                self.fire("upstream", Upstream(m, up, span))
        for sname, params in tables(sub(m.table, "statistics", True)):
            self.fire("statistic", StatisticAt(m.name, sname, params, deps))

    def local_data_source(self, name: str, t: Table) -> None:
        self.fire("slug", "data_source", name, t)
        if _WILDCARD.search(name):
            return  # (data source wildcards merge into matching definitions)
        self.fire("data_source", name, t)
        if self.kind in (FileKind.EXPERIMENT, FileKind.DEFAULTS, FileKind.OUTCOME):
            if not _truthy(entry(t, "from_expression", True)):
                glob = self.global_defs("data_source", name)
                users = self.metrics_using(name)
                if glob:
                    msg = (f"`[data_sources.{name}]` has no `from_expression`: a local data source replaces the "
                           f"predefined one entirely (data sources do not support partial overrides), so "
                           + (f"metric{'s' if len(users) > 1 else ''} {', '.join(f'`{u}`' for u in users[:4])} "
                              if users else "every metric using it ")
                           + "fail with \"'from_expression' must be <class 'str'> (got None …)\"; copy the "
                           "`from_expression` of the predefined data source")
                    self.emit("JET505", key_span(t), msg, severity=None if users else "warning",
                              related=[self.rel(d, "predefined here") for d in glob[:1]])
        for jname, j in tables(sub(t, "joins", True)):
            self.fire("reference", Ref("data_source", jname, key_span(j), "join"))

    # -- definitions files -----------------------------------------------------------------------
    def definitions_checks(self) -> None:
        root = self._root
        local_ds = frozenset(n for n, _ in tables(root.items.get("data_sources")))
        for name, t in tables(root.items.get("metrics")):
            m = LocalMetric(name, t, True, is_full_metric([t]))
            uk = unit_key(t)
            if uk is None:
                self.definitions_metric(m, local_ds)
                continue
            _DEFINITIONS_METRICS.run(  # (its checks rarely read beyond the table: see Replayed)
                self, (("definitions metric", name, local_ds, self.info.layer), uk, self.replay_context), t.delta,
                lambda: self.definitions_metric(m, local_ds), pure_only=True)
        for name, t in tables(root.items.get("data_sources")):
            self.fire("slug", "data_source", name, t)
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
                self.fire("reference", Ref("segment_data_source", e.value.value, string_span(e.value, e.delta),
                                           "definitions segment"))
        for name, t in tables(root.items.get("dimensions")):
            e = entry(t, "data_source")
            if e is not None and isinstance(e.value, String) and e.value.value not in local_ds:
                self.fire("reference", Ref("data_source", e.value.value, string_span(e.value, e.delta), "dimension"))
        self.alerts()

    def definitions_metric(self, m: LocalMetric, local_ds: frozenset) -> None:
        t = m.table
        self.fire("slug", "metric", m.name, t)
        e = entry(t, "data_source", True)
        if e is not None and isinstance(e.value, String) and e.value.value not in local_ds:
            self.fire("reference", Ref("data_source", e.value.value, string_span(e.value, e.delta),
                                       "definitions metric"))
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
        self.alert_rules()

    def falsy_overrides(self) -> None:
        """Spec §1.4 / §6.4 #6: Jetstream merges a config over the defaults (and an outcome's
        metrics under the config) key by key as `later or earlier`, so a later `false`, `0`, `""`
        or `[]` never replaces a truthy earlier value, explicit or the key's default."""
        root = self._root
        earlier = self.layers[1:]
        if not earlier:
            return
        sections = [(("experiment",), sub(root, "experiment"))]
        for section in ("metrics", "data_sources"):
            sections += [((section, name), t) for name, t in tables(root.items.get(section))]
        for path, table in sections:
            if table is None:
                continue
            reference_table = path[0] == "metrics" and not is_full_metric([table])
            for e in table.entries():
                value = e.to_python()
                if value is None or value or isinstance(value, dict):
                    continue
                if reference_table and e.name.lower() not in _REFERENCE_KEYS:
                    continue  # ignored anyway (JET513)
                for layer in earlier:
                    other = layer.doc.lookup(path)
                    if not isinstance(other, Table):
                        continue
                    prior = entry(other, e.name, path[0] != "experiment")
                    if prior is not None:
                        before, how, where = prior.to_python(), "", prior.key_span
                    else:
                        f = lookup(FileKind.EXPERIMENT, path + (e.name,))
                        before = getattr(f, "default", None)
                        how, where = " (its default)", key_span(other) if path[0] != "experiment" else other.decl
                    if not before:
                        continue
                    shown = toml_literal(value)
                    table_name = "[" + ".".join(path) + "]"
                    self.emit("JET536", e.span, f"`{e.name} = {shown}` has no effect: `{layer.info.rel}` also has "
                              f"`{table_name}`, where `{e.name}` is {toml_literal(before)}{how}, and Jetstream merges "
                              f"each key as `later or earlier`: a later false, 0, \"\" or [] cannot reset it",
                              related=[Related(*(where or (0, 0)), f"`{e.name}` is {toml_literal(before)}{how} here",
                                               layer.path)],
                              tags=(Tag.UNNECESSARY,), fixes=self.removal(e))
                    # the merged value is the earlier one: range checks of this value do not apply
                    self.out = [d for d in self.out if not (d.code == "JET114" and e.span[0] <= d.start < e.span[1])]
                    break

    # -- fixes -------------------------------------------------------------------------------
    def add_to_window(self, slug: str) -> tuple[Fix, ...]:
        """A local metric in no window: list it in the `weekly` and `overall` windows."""
        metrics = sub(self.root, "metrics")
        fixes = []
        for window in ("weekly", "overall"):
            e = entry(metrics, window)
            if e is not None:
                edit = append_to_array(self.sf.text, e, slug)
            elif metrics is not None and metrics.kind == "header":
                edit = insert_entry(self.sf.text, metrics, window, [slug])
            else:
                edit = None
            if edit is not None:
                fixes.append(Fix.here(f"Add `{slug}` to the `{window}` window", edit, preferred=window == "weekly"))
        return tuple(fixes)

    def check_parameter(self, name: str, t: Table) -> None:
        dbb = entry(t, "distinct_by_branch", True)
        distinct = dbb is not None and dbb.to_python() is True
        vals = [(k, t.items.get(k)) for k in ("value", "default") if t.items.get(k) is not None]
        if vals:
            if distinct and not any(isinstance(v, Table) for _, v in vals):
                k, v = vals[0]
                self.emit("JET509", v.value_span if isinstance(v, Entry) else key_span(v),
                          f"parameter `{name}` is `distinct_by_branch = true` but `{k}` is not a table: write "
                          f'`{k}.<branch> = "…"` for each branch')
            elif not distinct and not any(isinstance(v, Entry) and isinstance(v.value, String) for _, v in vals):
                k, v = vals[0]
                self.emit("JET509", v.value_span if isinstance(v, Entry) else key_span(v),
                          f"parameter `{name}` is not distinct by branch, so `{k}` must be a string (\"wrong value type "
                          f"provided\"); quote it or set `distinct_by_branch = true`")
        if self.kind is FileKind.EXPERIMENT:
            declared_by = [slug for slug, of in self.attached
                           if isinstance(of.doc.lookup(("parameters", name)), Table)]
            if declared_by:
                extra = f"the attached outcome `{declared_by[0]}`'s `default` is used instead"
            else:
                extra = ("no attached outcome declares it, so `{{ parameters." + name + " }}` only renders if "
                         "Experimenter attaches an outcome that declares it (with that outcome's default)")
            self.emit("JET506", key_span(t), f"`[parameters.{name}]` in an experiment config is dropped by Jetstream "
                      f"(it builds the analysis as defaults + config and does not merge parameters): {extra}",
                      tags=(Tag.UNNECESSARY,))

    def experiment_rules(self, exp: Table) -> None:
        def val(k):
            e = entry(exp, k)
            return (e.to_python() if e is not None else None), e

        is_private, ep = val("is_private")
        dataset, _ = val("dataset_id")
        if is_private is True and not dataset:
            self.emit("JET501", ep.key_span, "`is_private = true` requires `dataset_id` (\"dataset_id must be set to a "
                      "custom dataset for private experiments\")", data={"missing": "dataset_id"})
        unit, ue = val("analysis_unit")
        qtype, qe = val("enrollments_query_type")
        custom, ce = val("enrollment_query")
        P = self.platform
        default_q = PLATFORMS[P].enrollments_query_type if P in PLATFORMS else "glean-event"
        q = qtype if isinstance(qtype, str) else default_q
        if unit == "profile_group_id" and not custom and q in ("glean-event", "fenix-fallback", "cirrus"):
            why = "set by `enrollments_query_type`" if qtype else f"the default on `{P}`"
            self.emit("JET502", string_span(ue.value, ue.delta) if isinstance(ue.value, String) else ue.value_span,
                      f"`analysis_unit = \"profile_group_id\"` is incompatible with `{q}` enrollments ({why}): "
                      "\"Glean enrollments currently only support client_id analysis units\"; use `client_id`, a "
                      "custom `enrollment_query`, or a compatible `enrollments_query_type`")
        if isinstance(custom, str) and isinstance(ce.value, String):
            u = unit if isinstance(unit, str) else "client_id"
            other = "profile_group_id" if u == "client_id" else "client_id"
            i = custom.find(other)
            if i >= 0 and (u == "profile_group_id" or unit is not None):
                s = ce.value.offset_of(i) + ce.delta
                self.emit("JET517", (s, ce.value.offset_of(i + len(other)) + ce.delta),
                          f"the custom enrollment query contains `{other}`, but the experiment uses `{u}`: mozanalysis "
                          f"refuses it (\"custom_enrollments_query contains {other}, but experiment uses {u}\")")
        skip, se = val("skip")
        if skip is True:
            self.emit("JET535", se.value_span, "`skip = true`: Jetstream does not analyse this experiment",
                      severity="information")
        start, _ = val("start_date")
        end, ee = val("end_date")
        period, _ = val("enrollment_period")
        sd, ed = _date(start), _date(end)
        if sd and ed and ee is not None:
            if ed < sd:
                self.emit("JET519", ee.value_span, f"`end_date` {ed} is before `start_date` {sd}")
            elif isinstance(period, int) and not isinstance(period, bool) and (ed - sd).days < period:
                self.emit("JET519", ee.value_span, f"the enrollment period ({period} days) is longer than the analysis "
                          f"dates ({(ed - sd).days} days from start to end): Jetstream fails with \"Cannot validate "
                          "experiment\"")
        es = sub(exp, "exposure_signal")
        we = entry(es, "window_end")
        if we is not None and we.to_python() in (0, "enrollment_start") and not isinstance(we.to_python(), bool):
            self.emit("JET503", we.value_span, "`window_end` of 0 (or `enrollment_start`) means *the last enrollment "
                      "date* in mozanalysis, not the first")

    # -- definitions files --------------------------------------------------------------------
    def alert_rules(self) -> None:
        for name, t in tables(self.root.items.get("alerts")):
            span = key_span(t)
            te = entry(t, "type")
            typ = te.to_python() if te is not None else None
            present = set(t.items)
            forbidden = {"ci_overlap": ("min", "max", "window_size", "max_relative_change"),
                         "threshold": ("window_size", "max_relative_change"),
                         "avg_diff": ("min", "max")}.get(typ, ())
            for k in forbidden:
                if k in present:
                    item = t.items[k]
                    self.emit("JET510", item.key_span if isinstance(item, Entry) else key_span(item),
                              f"for alert of type {typ}, the parameter {k} must not be set")
            if typ == "threshold":
                if "min" not in present and "max" not in present:
                    self.emit("JET510", span, "Either 'max' or 'min' needs to be set when defining a threshold alert")
                pe = entry(t, "parameters")
                n = len(pe.to_python()) if pe is not None and isinstance(pe.to_python(), list) else None
                for k in ("min", "max"):
                    ke = entry(t, k)
                    if ke is not None and n is not None and isinstance(ke.to_python(), list) and len(ke.to_python()) != n:
                        self.emit("JET510", ke.value_span, f"Number of '{k}' thresholds not matching number of parameters "
                                  f"to monitor ({len(ke.to_python())} vs {n}); one per parameter")
            if typ == "avg_diff":
                for k in ("window_size", "max_relative_change"):
                    if k not in present:
                        self.emit("JET510", span, f"'{k}' needs to be specified when using avg_diff alert",
                                  data={"missing": k})

    # -- templates ----------------------------------------------------------------------------
    def template_checks(self) -> None:
        root = self.root
        funcs = self.idx.functions("jetstream" if self.view != "metric-hub" else "metric-hub")
        params = self.parameters_scope()
        sql_on = self.options.sql
        k = self.kind
        used = self.used_metrics
        unused_metric_tables = k is FileKind.EXPERIMENT
        columns = None  # unknown columns (JET460), with a bigquery-etl schema source
        if sql_on and self.options.bigquery_etl:
            from .columns import checker

            columns = checker(self._ws, self.sf, self.options)

        def run(e: Entry | None, fld: str, sql_kind: str, ctx: T.TemplateContext, downgrade: bool = False,
                owner: tuple[str, Table] | None = None):
            if e is None or not isinstance(e.value, String):
                return
            src = e.value.value
            if fld in ("metric_select", "segment_select", "enrollment_query") and "{" not in src and not sql_on:
                return
            probs = T.check_templated_sql(src, ctx, sql_kind, routines) if sql_on else T.render(src, ctx).problems
            v, d = e.value, e.delta
            for p in probs:
                sev = p.severity
                if downgrade and sev == "error":
                    sev = "warning"
                s = v.offset_of(min(p.start, len(src))) + d
                en = v.offset_of(min(p.end, len(src))) + d
                msg = p.message + (" (this metric is in no window, so the reference never renders it)" if downgrade and p.severity == "error" else "")
                self.emit(p.code, (s, en), msg, severity=sev, data=p.data)
            if owner is not None and columns is not None and not any(p.severity == "error" for p in probs):
                for code, span, msg, data in columns(*owner, e, ctx):
                    self.emit(code, span, msg, data=data)

        routines = _routines(self.options) if sql_on else None
        ctx = T.TemplateContext(funcs, params, False, "metric_select")  # one context: its key is computed once
        for name, t in tables(root.items.get("metrics")):
            run(entry(t, "select_expression", True), "metric_select", "expression", ctx,
                downgrade=unused_metric_tables and name not in used, owner=("metrics", t))
        app_ds = self.app_dataset()
        for name, t in tables(root.items.get("data_sources")):
            dd = entry(t, "default_dataset", True)
            ddv = dd.to_python() if dd is not None and isinstance(dd.to_python(), str) else None
            ctx = T.TemplateContext(funcs, None, self.view != "metric-hub" or k is not FileKind.DEFINITIONS,
                                    "data_source_from", app_ds or ddv)
            run(entry(t, "from_expression", True), "data_source_from", "from", ctx, owner=("data_sources", t))
        segs = root.items.get("segments")
        if k is not FileKind.OUTCOME:
            from_ctx = T.TemplateContext(funcs, None, True, "segment_from", app_ds)
            select_ctx = T.TemplateContext(funcs, None, False, "segment_select")
            for name, t in tables(segs):
                if name == "data_sources":
                    for sname, st in tables(t):
                        run(entry(st, "from_expression", True), "segment_from", "from", from_ctx,
                            owner=("segment_data_sources", st))
                    continue
                ctx = select_ctx
                run(entry(t, "select_expression", True), "segment_select", "expression", ctx, owner=("segments", t))
        exp = sub(root, "experiment")
        if exp is not None and k in (FileKind.EXPERIMENT, FileKind.DEFAULTS):
            run(entry(exp, "enrollment_query"), "enrollment_query", "query",
                T.TemplateContext(funcs, None, True, "enrollment_query"))
            run(entry(sub(exp, "exposure_signal"), "select_expression"), "exposure_select", "expression",
                T.TemplateContext(funcs, None, False, "exposure_select"), owner=("exposure_signal", sub(exp, "exposure_signal")))
        if k is FileKind.FUNCTIONS:
            for name, t in tables(root.items.get("functions")):
                run(entry(t, "definition"), "function_definition", "expression",
                    T.TemplateContext({}, None, False, "function_definition"))
        if sql_on:
            from jetls.sql import check_sql

            for name, t in tables(root.items.get("dimensions")):
                e = entry(t, "select_expression")
                if e is not None and isinstance(e.value, String):
                    probs = check_sql(e.value.value, "expression", routines)
                    for p in probs:
                        src = e.value.value
                        self.emit(p.code, (e.value.offset_of(min(p.start, len(src))) + e.delta,
                                           e.value.offset_of(min(p.end, len(src))) + e.delta), p.message,
                                  severity=p.severity, data=p.data)
                    if columns is not None and not any(p.severity == "error" for p in probs):  # not rendered
                        for code, span, msg, data in columns("dimensions", t, e, T.TemplateContext({}, None, False, "exposure_select")):
                            self.emit(code, span, msg, data=data)

    def app_dataset(self) -> str | None:
        return self.scope.app_dataset()

    def parameters_scope(self) -> dict[str, str]:
        return self.scope.parameter_values()

    # -- platform note ------------------------------------------------------------------------
    def platform_note(self) -> None:
        c = self.choice
        exp = self.root.items.get("experiment")
        span = key_span(exp) if isinstance(exp, Table) else self.root_span
        related = []
        if c.evidence is not None:
            related.append(Related(c.evidence[2][0], c.evidence[2][1], f"{KIND_LABELS[c.evidence[0]]} '{c.evidence[1]}' decides the platform"))
        msg = f"platform `{c.platform}`: {c.reason}"
        if c.platform not in ANALYSABLE:
            msg += f" — Jetstream does not analyse `{c.platform}` experiments (not in its platform config)"
        if c.source in ("default", "inferred"):
            msg += ". Override with a `# jetls: platform=<name>` comment or the `platform` setting"
        self.emit("JET530", span, msg, related=related, data={"platform": c.platform, "source": c.source})


def _date(v):
    if isinstance(v, date) and not isinstance(v, datetime):
        return v
    if isinstance(v, str):
        try:
            return datetime.strptime(v, "%Y-%m-%d").date()
        except ValueError:
            return None
    return None

