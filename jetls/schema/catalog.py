"""The configuration language itself: every section and key of every file kind (spec §3).

This module is the single place where a key, its type and its doc text are written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache
from types import MappingProxyType

from .kinds import DEFAULT_TOOL, TOOLS, FileKind
from .model import Field, Node, Platform, Section
from .statistics import statistics_section
from .versions import METRIC_AGGREGATION, OUTCOME_WINDOWS

_M = MappingProxyType


def _f(name: str, doc: str, *types: str, **kw) -> Field:
    return Field(name=name, doc=doc, types=tuple(types), **kw)


def _s(name: str, doc: str, fields: Mapping[str, Node], **kw) -> Section:
    return Section(name=name, doc=doc, fields=_M(dict(fields)), **kw)


def _ignored(
    name: str, doc: str, replacement: str | None = None, types=("any",), belongs_to: str | None = None
) -> Field:
    """A key seen in real files that the reference silently ignores (spec §6.4, §7.5)."""
    msg = f"`{name}` is ignored by the reference parser: {doc[0].lower()}{doc[1:].rstrip('.')}"
    msg += f"; did you mean `{replacement}`?" if replacement else "."
    return Field(
        name=name,
        doc=f"**Ignored.** {doc}",
        types=types,
        ignored=True,
        deprecated=msg,
        replacement=replacement,
        belongs_to=belongs_to,
    )


def _keyed(fields: list[Node]) -> dict[str, Node]:
    return {n.name: n for n in fields}


# ---------------------------------------------------------------------------------------------
# Windows and platforms (spec §3.4, §1.3)
# ---------------------------------------------------------------------------------------------

#: TOML window key → internal ``AnalysisPeriod`` value.
WINDOWS: Mapping[str, str] = _M(
    {
        "daily": "day",
        "weekly": "week",
        "28_day": "days28",
        "overall": "overall",
        "preenrollment_weekly": "preenrollment_week",
        "preenrollment_days28": "preenrollment_days28",
    }
)

WINDOW_DOCS: Mapping[str, str] = _M(
    {
        "daily": "Metrics computed for every day since enrollment (one result per day).",
        "weekly": "Metrics computed per 7-day window after enrollment (one result per week).",
        "28_day": (
            "Metrics computed per 28-day window after enrollment. The key is `28_day` — `days28` is silently ignored."
        ),
        "overall": (
            "Metrics computed once, when the experiment is complete (on its end date), over each "
            "client's whole observation period."
        ),
        "preenrollment_weekly": (
            "Metrics computed once at enrollment end over the 7 days *before* enrollment; feeds "
            '`covariate_adjustment` with `period = "preenrollment_week"`.'
        ),
        "preenrollment_days28": (
            "Metrics computed once at enrollment end over the 28 days *before* enrollment; feeds "
            '`covariate_adjustment` with `period = "preenrollment_days28"`.'
        ),
    }
)

#: Internal analysis periods (``covariate_adjustment.period`` uses these, not window names).
PERIODS: tuple[str, ...] = tuple(WINDOWS.values())

PLATFORMS: Mapping[str, Platform] = _M(
    {
        "firefox_desktop": Platform("firefox_desktop", True, "firefox-desktop", "normandy", "Firefox for desktop."),
        "fenix": Platform("fenix", True, "fenix", "glean-event", "Firefox for Android."),
        "firefox_ios": Platform("firefox_ios", True, "org.mozilla.ios.FirefoxBeta", "glean-event", "Firefox for iOS."),
        "focus_android": Platform(
            "focus_android", True, "org.mozilla.focus", "glean-event", "Firefox Focus for Android."
        ),
        "focus_ios": Platform("focus_ios", True, "org.mozilla.ios.Focus", "glean-event", "Firefox Focus for iOS."),
        "klar_android": Platform("klar_android", True, "org.mozilla.klar", "glean-event", "Firefox Klar for Android."),
        "klar_ios": Platform("klar_ios", True, "org.mozilla.ios.Klar", "glean-event", "Firefox Klar for iOS."),
        "monitor_cirrus": Platform(
            "monitor_cirrus",
            False,
            "monitor.cirrus",
            "cirrus",
            "Mozilla Monitor (Cirrus). Disabled in Jetstream's platform config; its defaults resolve as "
            "`firefox_desktop`.",
        ),
        "ads": Platform("ads", False, None, None, "Ads metrics (metric-hub / Looker only)."),
        "multi_product": Platform(
            "multi_product", False, None, None, "Cross-product metrics (metric-hub / Looker only)."
        ),
    }
)

#: The top-level key whitelist of every non-featmon file (spec §3.1).
TOP_LEVEL_KEYS: tuple[str, ...] = (
    "project",
    "population",
    "metrics",
    "experiment",
    "segments",
    "data_sources",
    "friendly_name",
    "description",
    "parameters",
    "alerts",
    "dimensions",
    "functions",
)

ANALYSIS_UNITS = ("client_id", "profile_group_id")
_ANALYSIS_UNIT_DOCS = _M(
    {
        "client_id": "Aggregate per client (`client_id`).",
        "profile_group_id": "Aggregate per profile group (`profile_group_id`, desktop).",
    }
)
ENROLLMENTS_QUERY_TYPES = ("normandy", "glean-event", "fenix-fallback", "cirrus", "background-update")
EXPERIMENTS_COLUMN_TYPES = ("simple", "native", "glean", "events_stream", "none")
EXPOSURE_WINDOW_NAMES = ("enrollment_start", "enrollment_end", "analysis_window_start", "analysis_window_end")

# ---------------------------------------------------------------------------------------------
# [experiment] (spec §3.2, §3.3)
# ---------------------------------------------------------------------------------------------

_DATE = dict(format="date")


def _exposure_window(name: str, default_doc: str) -> Field:
    return _f(
        name,
        "Integer days relative to the first enrollment date (negative allowed), or one of "
        "`enrollment_start`, `enrollment_end`, `analysis_window_start`, `analysis_window_end` "
        f"(not `analysis_period_end`). {default_doc}",
        "integer",
        "string",
        enum=EXPOSURE_WINDOW_NAMES,
        enum_docs=_M(
            {
                "enrollment_start": "0: the first enrollment date.",
                "enrollment_end": "The number of enrollment days: the last enrollment date.",
                "analysis_window_start": "Start of the current analysis window (plus enrollment days).",
                "analysis_window_end": "End of the current analysis window (plus enrollment days).",
            }
        ),
    )


EXPOSURE_SIGNAL = _s(
    "exposure_signal",
    "Custom exposure definition: clients count as exposed when `select_expression` is true for "
    "a row of `data_source` within [`window_start`, `window_end`].",
    _keyed(
        [
            _f("name", "Name of the exposure signal (a slug).", "string", required=True),
            _f("friendly_name", "Human-readable name.", "string", required=True),
            _f("description", "Description of the signal.", "string", required=True),
            _f(
                "data_source",
                "Data source queried for exposures.",
                "string",
                required=True,
                reference="data_source",
            ),
            _f(
                "select_expression",
                "Row-level boolean SQL condition (not an aggregate), added as `AND {select_expression}`. "
                "**Not** Jinja-rendered: `{{…}}` reaches SQL literally.",
                "string",
                required=True,
                sql="expression",
            ),
            _exposure_window("window_start", "Default `0`."),
            _exposure_window(
                "window_end",
                "Default: the last enrollment date (also for `0` / `enrollment_start`).",
            ),
        ]
    ),
)

EXPERIMENT = _s(
    "experiment",
    "Overrides and extensions of the Experimenter record for this experiment. All keys are "
    "optional; keys are case-sensitive (`Enrollment_Period` is silently ignored).",
    _keyed(
        [
            _f(
                "enrollment_query",
                "Replaces the generated enrollments query. Jinja template with `experiment` in scope "
                "(use `{{experiment.normandy_slug}}`, not `experiment.slug`). Must return `analysis_id`, "
                "`branch`, `enrollment_date`, `num_enrollment_events`, one row per (analysis_id, branch). "
                "`sample_size` does not apply to it.",
                "string",
                template="jinja",
                template_scope=("experiment",),
                sql="query",
            ),
            _f(
                "enrollment_period",
                "Nominal enrollment length in days (Jetstream uses `enrollment_period + 1` enrollment "
                "dates). Default: from Experimenter. `0` means the experiment is not analysed.",
                "integer",
                coerced_types=("float",),
                minimum=1,
            ),
            _f(
                "reference_branch",
                "Control branch slug for comparisons. Default: from Experimenter.",
                "string",
                reference="branch",
            ),
            _f(
                "start_date",
                "Analysis start date, `YYYY-MM-DD` (string or TOML date). Default: from Experimenter.",
                "string",
                "date",
                **_DATE,
            ),
            _f(
                "end_date",
                "Analysis end date, `YYYY-MM-DD`. Setting it marks the experiment complete, so the "
                "`overall` window is computed on that date.",
                "string",
                "date",
                **_DATE,
            ),
            _f(
                "segments",
                "Segment slugs to analyse separately, in addition to those chosen in Experimenter.",
                "array",
                items="string",
                reference="segment",
                default=[],
            ),
            _f(
                "outcomes",
                "Outcome slugs of the experiment's platform, in addition to those chosen in "
                "Experimenter. Their metrics are added to the `weekly` and `overall` windows.",
                "array",
                items="string",
                reference="outcome",
                default=[],
            ),
            _f(
                "skip",
                '`true` → Jetstream does not analyse this experiment. Must be a boolean (`"false"` counts as true).',
                "boolean",
                default=False,
            ),
            EXPOSURE_SIGNAL,
            _f(
                "is_private",
                "Private experiment: results go to `dataset_id`, which must be set.",
                "boolean",
                default=False,
            ),
            _f("dataset_id", "BigQuery dataset for the results of a private experiment.", "string"),
            _f(
                "sample_size",
                "Percentage (1–100) of enrolled clients to analyse (`sample_id < sample_size`). "
                "Default: all (100). Floats are truncated. Not applied to a custom `enrollment_query`.",
                "integer",
                coerced_types=("float",),
                minimum=1,
                maximum=100,
            ),
            _f(
                "analysis_unit",
                "Unit of aggregation. Default: `profile_group_id` if Experimenter randomizes by "
                "group id, else `client_id`. `profile_group_id` is incompatible with the `glean-event`, "
                "`fenix-fallback` and `cirrus` enrollment queries.",
                "string",
                enum=ANALYSIS_UNITS,
                enum_docs=_ANALYSIS_UNIT_DOCS,
            ),
            _f(
                "enrollments_query_type",
                "Which built-in enrollments/exposures query to generate. Default per platform "
                "(`normandy` on desktop, `glean-event` elsewhere).",
                "string",
                enum=ENROLLMENTS_QUERY_TYPES,
                enum_docs=_M(
                    {
                        "normandy": "Desktop telemetry enrollment events (default on `firefox_desktop`).",
                        "glean-event": "Glean `nimbus_events.enrollment` events (default on mobile).",
                        "fenix-fallback": "Fenix legacy fallback query.",
                        "cirrus": "Cirrus (server-side) enrollments.",
                        "background-update": "Desktop background-update task enrollments.",
                    }
                ),
            ),
            _ignored(
                "enrollment_end_date",
                "The enrollment end date cannot be overridden; use `enrollment_period`.",
                "enrollment_period",
            ),
            _ignored("exposure_query_type", "No such setting exists.", "enrollments_query_type"),
            _ignored("enrollments_query", "Typo: the custom query here is silently unused.", "enrollment_query"),
            _ignored("default_dataset", "Not an `[experiment]` setting (it belongs to a data source).", "dataset_id"),
        ]
    ),
)

# ---------------------------------------------------------------------------------------------
# [metrics.<slug>] (spec §3.5, §3.6)
# ---------------------------------------------------------------------------------------------

ANALYSIS_BASES = ("enrollments", "exposures")


# The metric fields metric-config-parser 2026.10 added (`MetricDefinition`, `aggregation.py`): a
# `select_expression` generated from an aggregation. Their values are passed through unconverted
# and judged by `MetricDefinition.__attrs_post_init__` (JET522), hence `any`.
AGGREGATIONS = ("sum", "count", "count_where", "any", "recency_within")
_AGG = dict(since=METRIC_AGGREGATION)
_AGGREGATION_FIELDS = (
    _f(
        "aggregation",
        "Generates the `select_expression` (instead of writing one): `sum`, `count` or "
        "`recency_within` of a `column`; `count_where` or `any` of a `column` (boolean) or of "
        "`where` clauses. Since metric-config-parser 2026.10.",
        "string",
        enum=AGGREGATIONS,
        enum_docs=_M(
            {
                "sum": '`{{agg_sum("<column>")}}`',
                "count": "`COUNT(<column>)`",
                "count_where": "`COUNTIF(<condition>)`",
                "any": '`{{agg_any("<condition>")}}`',
                "recency_within": "whether the client was seen in the last `within_days` days (a bits28 column)",
            }
        ),
        **_AGG,
    ),
    _f("column", "The column the `aggregation` reads: a plain column name.", "any", **_AGG),
    _f(
        "where",
        "Conditions of `count_where` / `any`: an array of `{column, op, value}` tables (AND-ed).",
        "any",
        **_AGG,
    ),
    _f("within_days", "Days of `recency_within` (a positive integer).", "any", **_AGG),
    _f("threshold", "`{op, value}`: compare the aggregate with a number (the metric becomes 0/1).", "any", **_AGG),
    _f("scale", "A number the aggregate is multiplied by.", "any", **_AGG),
    _f("cumulative_window", "Days of a cumulative window (a positive integer).", "any", **_AGG),
    _f("incremental_window", "Days of an incremental window (a positive integer).", "any", **_AGG),
    _f(
        "repeat_windows",
        "Repeat the cumulative or incremental window (a boolean; needs one of them).",
        "any",
        **_AGG,
    ),
)


def metric_section(tool: str = "jetstream") -> Section:
    return _s(
        "metric",
        "A metric definition. A full definition has `select_expression` **and** `data_source`; a "
        "derived metric has `depends_on`; any other table (e.g. only `statistics`) refers to the "
        "predefined metric of the same slug, and only its `statistics`, `analysis_bases` and "
        "`analysis_units` are used. Keys are case-insensitive.",
        _keyed(
            [
                _f(
                    "select_expression",
                    "SQL aggregate computing the metric per client and window (grouped by analysis "
                    'unit and branch). Jinja template: functions such as `{{agg_sum("col")}}` and '
                    "`{{parameters.<name>}}` are available; `experiment` is not.",
                    "string",
                    template="jinja",
                    template_scope=("functions", "parameters"),
                    sql="expression",
                ),
                _f("data_source", "Data source slug the metric aggregates.", "string", reference="data_source"),
                statistics_section(tool),
                _f("friendly_name", "Title shown in dashboards.", "string"),
                _f("description", "Markdown description shown in dashboards.", "string"),
                _f(
                    "bigger_is_better",
                    "Direction of improvement. Default `true`. `false` cannot override a `true` from "
                    "defaults or an outcome.",
                    "boolean",
                    default=True,
                ),
                _f(
                    "analysis_bases",
                    'Populations the metric is computed for. Default `["enrollments", "exposures"]`.',
                    "array",
                    items="string",
                    enum=ANALYSIS_BASES,
                    enum_docs=_M(
                        {
                            "enrollments": "All enrolled clients.",
                            "exposures": "Only clients with an exposure event/signal.",
                        }
                    ),
                    default=["enrollments", "exposures"],
                ),
                _f(
                    "analysis_units",
                    'Analysis units the metric supports. Default `["client_id"]`, plus '
                    '`"profile_group_id"` on `firefox_desktop`. Must be a subset of the data '
                    "source's `analysis_units`.",
                    "array",
                    items="string",
                    enum=ANALYSIS_UNITS,
                    enum_docs=_ANALYSIS_UNIT_DOCS,
                ),
                _f(
                    "depends_on",
                    "Upstream metric slugs (e.g. for `population_ratio`). Each must itself have a "
                    "statistic. Looked up in the platform definitions first.",
                    "array",
                    items="string",
                    reference="metric",
                ),
                _f(
                    "type",
                    'Metric type used by OpMon, e.g. `"scalar"` (default) or `"histogram"`.',
                    "string",
                    default="scalar",
                ),
                _f("category", "Free-form category (e.g. `performance`, `search`, `KPI`).", "string"),
                _f("owner", "Owner e-mail address(es).", "string", "array", items="string"),
                _f(
                    "deprecated",
                    "Marks the metric as deprecated in the docs. Default `false`.",
                    "boolean",
                    default=False,
                ),
                _f(
                    "level",
                    "Certification level.",
                    "string",
                    enum=("gold", "silver", "bronze"),
                ),
                _f("name", "Overrides the table key as the metric's name (rarely useful).", "string"),
                *_AGGREGATION_FIELDS,
                _ignored("exposure_basis", "Not a metric setting.", "analysis_bases"),
                _ignored("window_start", "Metrics have no window of their own.", None),
                _ignored("descriptionn", "Typo.", "description"),
            ]
        ),
        keys_case_insensitive=True,
    )


def _outcome_window_field(key: str) -> Field:
    return _f(
        key,
        WINDOW_DOCS[key] + " Array of metric slugs, at the outcome's root: when any is given, the "
        "outcome's metrics are computed in the listed windows only (else in `weekly` and `overall`). "
        "Since metric-config-parser 2026.10.",
        "array",
        items="string",
        reference="metric",
        since=OUTCOME_WINDOWS,
    )


def _window_field(key: str, ignored: bool = False, why: str = "") -> Field:
    doc = WINDOW_DOCS[key] + f" Array of metric slugs (internal period `{WINDOWS[key]}`)."
    if ignored:
        doc = f"**No effect {why}.** " + doc
    return _f(key, doc, "array", items="string", reference="metric", ignored=ignored)


def metrics_section(tool: str, windows: str = "yes") -> Section:
    """``[metrics]``: window lists (``windows``: "yes" | "ignored" | "no") + metric tables."""
    fields: dict[str, Node] = {}
    if windows != "no":
        why = "outside experiment configs and defaults"
        fields = {k: _window_field(k, windows == "ignored", why) for k in WINDOWS}
        fields["days28"] = _ignored("days28", "Not a window name.", "28_day", types=("array",))
    doc = "Metric definitions, as `[metrics.<slug>]` tables."
    if windows == "yes":
        doc = (
            "Analysis windows (`daily`, `weekly`, `28_day`, `overall`, `preenrollment_weekly`, "
            "`preenrollment_days28`: arrays of metric slugs) and metric definitions "
            "(`[metrics.<slug>]`). Only metrics listed in a window (or from an outcome) are computed."
        )
    elif windows == "no":
        doc += " Outcomes cannot have window lists: their metrics always go to `weekly` and `overall`."
    return _s(
        "metrics",
        doc,
        fields,
        entries=metric_section(tool),
        entry_reference="metric",
    )


# ---------------------------------------------------------------------------------------------
# [data_sources.<slug>] (spec §3.7)
# ---------------------------------------------------------------------------------------------

JOIN = _s(
    "join",
    "How to join another data source (used for Looker / SQL generation). The table key is the "
    "joined data source's slug.",
    _keyed(
        [
            _f(
                "relationship",
                "Cardinality of the join.",
                "string",
                enum=("one_to_one", "many_to_one", "one_to_many", "many_to_many"),
            ),
            _f(
                "on_expression",
                "SQL join condition. Default: equal client id and submission date columns.",
                "string",
                sql="expression",
            ),
        ]
    ),
)

_COLUMN = dict(sql="expression")

DATA_SOURCE = _s(
    "data_source",
    "A data source: a table or sub-query metrics aggregate over. A locally defined data source "
    "replaces a predefined one of the same slug entirely (give it a `from_expression`). Keys are "
    "case-insensitive.",
    _keyed(
        [
            _f(
                "from_expression",
                "FROM clause: a table name or a `( SELECT … )` sub-query. `{dataset}` is replaced "
                "with the app's dataset (or `default_dataset`); other literal braces must be doubled. "
                "Rendered with Jinja only if it references `experiment` (e.g. "
                "`{{experiment.normandy_slug}}`). Required when the data source is used.",
                "string",
                template="jinja-if-experiment",
                template_scope=("experiment",),
                format_vars=("dataset",),
                sql="from",
            ),
            _f(
                "experiments_column_type",
                'Shape of the experiments annotation column. Default `"simple"`; `"none"` (any case) '
                "means there is none.",
                "string",
                enum=EXPERIMENTS_COLUMN_TYPES,
                case_insensitive_values=("none",),
                default="simple",
                enum_docs=_M(
                    {
                        "simple": "An `experiments` column mapping experiment slug to branch (default).",
                        "native": "An `experiments` column mapping slug to a record with a `branch` field.",
                        "glean": "Glean `ping_info.experiments`.",
                        "events_stream": "The `experiments` column of Glean `events_stream` tables.",
                        "none": "No experiments column (day-0 pre-enrollment rows are not filtered).",
                    }
                ),
            ),
            _f(
                "client_id_column",
                'Client id column/expression. Default `client_id` (`"NULL"` for client-less sources).',
                "string",
                default="client_id",
                **_COLUMN,
            ),
            _f(
                "submission_date_column",
                "DATE column. Default `submission_date`.",
                "string",
                default="submission_date",
                **_COLUMN,
            ),
            _f(
                "default_dataset",
                "Value of `{dataset}` when no app dataset applies; required if `from_expression` contains `{dataset}`.",
                "string",
            ),
            _f(
                "build_id_column",
                "Build id column (OpMon x-axis). Default `SAFE.SUBSTR(application.build_id, 0, 8)`.",
                "string",
                default="SAFE.SUBSTR(application.build_id, 0, 8)",
                **_COLUMN,
            ),
            _f("friendly_name", "Human-readable name.", "string"),
            _f("description", "Description.", "string"),
            _s(
                "joins",
                "Joined data sources: `[data_sources.<slug>.joins.<other_slug>]` with "
                "`relationship` and `on_expression`.",
                {},
                entries=JOIN,
                entry_key_reference="data_source",
            ),
            _f(
                "columns_as_dimensions",
                "Looker: expose the columns as dimensions. Default `false`.",
                "boolean",
                default=False,
            ),
            _f(
                "analysis_units",
                'Analysis units the source supports. Default `["client_id"]` (plus `"profile_group_id"` on '
                "`firefox_desktop`).",
                "array",
                items="string",
                enum=ANALYSIS_UNITS,
                enum_docs=_ANALYSIS_UNIT_DOCS,
            ),
            _f(
                "group_id_column",
                "Join key for `profile_group_id` analyses. Default `profile_group_id`.",
                "string",
                default="profile_group_id",
                **_COLUMN,
            ),
            _f("glean_client_id_column", "Glean client id column.", "string", **_COLUMN),
            _f("legacy_client_id_column", "Legacy telemetry client id column.", "string", **_COLUMN),
            _f("name", "Overrides the table key as the data source's name (rarely useful).", "string"),
            _ignored("deprecated", "Data sources have no `deprecated` flag.", None),
            _ignored("descriptions", "Typo.", "description"),
        ]
    ),
    keys_case_insensitive=True,
)

# ---------------------------------------------------------------------------------------------
# [segments] (spec §3.8)
# ---------------------------------------------------------------------------------------------

SEGMENT = _s(
    "segment",
    "A segment: clients for which `select_expression` is true form a sub-population analysed "
    "separately. Keys are case-insensitive.",
    _keyed(
        [
            _f(
                "select_expression",
                "SQL aggregate returning a non-NULL BOOL per client. Jinja template with the "
                'functions (e.g. `{{agg_any("col")}}`); no variables.',
                "string",
                required=True,
                template="jinja",
                template_scope=("functions",),
                sql="expression",
            ),
            _f(
                "data_source",
                "**Segment** data source slug (`[segments.data_sources.<slug>]`), not a metric data source.",
                "string",
                required=True,
                reference="segment_data_source",
            ),
            _f("friendly_name", "Human-readable name.", "string"),
            _f("description", "Description.", "string"),
            _f("name", "Overrides the table key as the segment's name (rarely useful).", "string"),
            _ignored(
                "window_start", "The window belongs to the segment data source.", None, belongs_to="segment_data_source"
            ),
            _ignored(
                "window_end", "The window belongs to the segment data source.", None, belongs_to="segment_data_source"
            ),
        ]
    ),
    keys_case_insensitive=True,
)

SEGMENT_DATA_SOURCE = _s(
    "segment_data_source",
    "A data source for segments. Keys are case-insensitive.",
    _keyed(
        [
            _f(
                "from_expression",
                "FROM clause (table or sub-query). Always rendered with Jinja, `experiment` in scope.",
                "string",
                required=True,
                template="jinja",
                template_scope=("experiment",),
                sql="from",
            ),
            _f(
                "window_start",
                "First day (relative to each client's enrollment date) whose data is considered. Default `0`.",
                "integer",
                default=0,
            ),
            _f(
                "window_end",
                "Last day (relative to enrollment) whose data is considered; must be ≥ `window_start`. Default `0`.",
                "integer",
                default=0,
            ),
            _f("client_id_column", "Client id column. Default `client_id`.", "string", default="client_id", **_COLUMN),
            _f(
                "submission_date_column",
                "DATE column. Default `submission_date`.",
                "string",
                default="submission_date",
                **_COLUMN,
            ),
            _f(
                "group_id_column",
                "Profile group id column. Default `profile_group_id`.",
                "string",
                default="profile_group_id",
                **_COLUMN,
            ),
            _f("glean_client_id_column", "Glean client id column.", "string", **_COLUMN),
            _f("legacy_client_id_column", "Legacy telemetry client id column.", "string", **_COLUMN),
            _f(
                "default_dataset",
                "Parsed but **not used**: `{dataset}` in a segment data source always fails.",
                "string",
                deprecated="`default_dataset` has no effect on segment data sources.",
            ),
            _f("name", "Overrides the table key (rarely useful).", "string"),
            _ignored("friendly_name", "Segment data sources have no name/description.", None),
            _ignored("description", "Segment data sources have no name/description.", None),
            _ignored("experiments_column_type", "Only metric data sources have it.", None),
            _ignored("build_id_column", "Only metric data sources have it.", None),
        ]
    ),
    keys_case_insensitive=True,
)

SEGMENTS = _s(
    "segments",
    "Segment definitions (`[segments.<slug>]`) and their data sources "
    "(`[segments.data_sources.<slug>]`; the key `data_sources` is reserved).",
    {
        "data_sources": _s(
            "data_sources",
            "Segment data sources, `[segments.data_sources.<slug>]`.",
            {},
            entries=SEGMENT_DATA_SOURCE,
            entry_reference="segment_data_source",
        )
    },
    entries=SEGMENT,
    entry_reference="segment",
)

# ---------------------------------------------------------------------------------------------
# [parameters.<name>] (spec §3.9)
# ---------------------------------------------------------------------------------------------

PARAMETER = _s(
    "parameter",
    "An outcome parameter, used as `{{parameters.<name>}}` in metric select expressions. "
    "Unknown keys are errors. Keys are case-insensitive.",
    _keyed(
        [
            _f("friendly_name", "Human-readable name.", "string"),
            _f("description", "Description.", "string"),
            # (`ParameterDefinition(**obj)`: no conversion; `default` is typed `str | dict[str, Any]`
            # and a branch's value is written into the SQL with `str()`, so any value renders)
            _f(
                "default",
                "Value used when the experiment supplies none: a string, or with "
                '`distinct_by_branch = true` a table branch → value (`default.treatment = "x"`).',
                "string",
                "table",
            ),
            _f(
                "value",
                "The experiment's value: a string, or a table branch → value. Note: Jetstream "
                "drops `[parameters]` of experiment configs, so only outcome values take effect.",
                "string",
                "table",
            ),
            _f(
                "distinct_by_branch",
                "`true`: `value`/`default` are per-branch tables rendered as "
                '`CASE e.branch WHEN "b" THEN "v" … END`; `false` (default): a string inserted verbatim.',
                "boolean",
                default=False,
            ),
            _f("name", "Overrides the table key (rarely useful).", "string"),
        ]
    ),
    unknown_keys="error",
    keys_case_insensitive=True,
)


# An experiment config's parameters are structured (`ParameterSpec.from_dict`:
# `ParameterDefinition(**table)`, so an unknown key fails) but never validated nor converted: the
# analysis drops them (`AnalysisSpec.merge` does not merge parameters), so any value type passes.
_DROPPED_PARAMETER = Section(
    PARAMETER.name,
    PARAMETER.doc,
    _M({n: replace(f, types=("any",)) if isinstance(f, Field) else f for n, f in PARAMETER.fields.items()}),
    unknown_keys="error",
    keys_case_insensitive=True,
)


def parameters_section(dropped: bool = False) -> Section:
    doc = "Outcome parameters, `[parameters.<name>]`."
    if dropped:
        doc = (
            "**No effect in experiment configs**: Jetstream parses and then drops "
            "experiment-level `[parameters]`; the attached outcome's `default` is used. Unknown keys are "
            "still errors (the parser structures the tables). " + doc
        )
    return _s("parameters", doc, {}, entries=_DROPPED_PARAMETER if dropped else PARAMETER, entry_reference="parameter")


# ---------------------------------------------------------------------------------------------
# functions, dimensions, alerts (spec §3.11, §3.12)
# ---------------------------------------------------------------------------------------------

FUNCTION = _s(
    "function",
    'A Jinja function usable in metric and segment select expressions as `{{<slug>("<sql>")}}` (exactly one argument).',
    _keyed(
        [
            _f(
                "definition",
                "SQL with the single `str.format` placeholder `{select_expr}`; other literal braces must be doubled.",
                "string",
                required=True,
                template="format",
                format_vars=("select_expr",),
                sql="expression",
            ),
            _f("friendly_name", "Human-readable name.", "string"),
            _f("description", "Description.", "string"),
        ]
    ),
)

FUNCTIONS = _s(
    "functions", "Function definitions, `[functions.<slug>]`.", {}, entries=FUNCTION, entry_reference="function"
)

DIMENSION = _s(
    "dimension",
    "A dimension (OpMon / definitions; not used by Jetstream).",
    _keyed(
        [
            _f(
                "select_expression",
                "SQL expression of the dimension (not Jinja-rendered).",
                "string",
                required=True,
                sql="expression",
            ),
            _f("data_source", "Data source slug.", "string", required=True, reference="data_source"),
            _f("friendly_name", "Human-readable name.", "string"),
            _f("description", "Description.", "string"),
        ]
    ),
)

DIMENSIONS = _s(
    "dimensions",
    "Dimension definitions, `[dimensions.<slug>]`.",
    {},
    entries=DIMENSION,
    entry_reference="dimension",
    entries_case_insensitive=True,
)

ALERT = _s(
    "alert",
    "An OpMon alert.",
    _keyed(
        [
            _f(
                "type",
                "Alert type.",
                "string",
                required=True,
                enum=("ci_overlap", "threshold", "avg_diff"),
                enum_docs=_M(
                    {
                        "ci_overlap": "Confidence intervals of branches stop overlapping (forbids `min`, `max`, "
                        "`window_size`, `max_relative_change`).",
                        "threshold": "A value crosses `min`/`max` (at least one required; forbids `window_size`, "
                        "`max_relative_change`).",
                        "avg_diff": "Average changes by more than `max_relative_change` over `window_size` (both "
                        "required; forbids `min`, `max`).",
                    }
                ),
            ),
            _f(
                "metrics",
                "Metric slugs of this file to monitor.",
                "array",
                required=True,
                items="string",
                reference="metric",
            ),
            _f("friendly_name", "Human-readable name.", "string"),
            _f("description", "Description.", "string"),
            _f("parameters", "Parameters to monitor, e.g. percentiles.", "array"),
            _f("min", "threshold: lower bounds, one per parameter.", "array", items="integer"),
            _f("max", "threshold: upper bounds, one per parameter.", "array", items="integer"),
            _f("window_size", "avg_diff: window size (required for avg_diff).", "integer"),
            _f("max_relative_change", "avg_diff: maximum relative change (required for avg_diff).", "float", "integer"),
            _f("statistics", "Statistics the alert applies to.", "array", items="string"),
            _ignored("percentiles", "Use `parameters`.", "parameters"),
        ]
    ),
)

ALERTS = _s(
    "alerts",
    "Alert definitions, `[alerts.<slug>]`.",
    {},
    entries=ALERT,
    entry_reference="alert",
    entries_case_insensitive=True,
)

# ---------------------------------------------------------------------------------------------
# OpMon [project] (spec §3.13)
# ---------------------------------------------------------------------------------------------

POPULATION = _s(
    "population",
    "The monitored client population.",
    _keyed(
        [
            _f("data_source", "Data source slug of the population.", "string", reference="data_source"),
            _f("boolean_pref", "SQL boolean pref expression selecting the population.", "string"),
            _f("channel", "Release channel.", "string", enum=("nightly", "beta", "release")),
            _f("branches", "Branch slugs to monitor.", "array", items="string", reference="branch"),
            _f("dimensions", "Dimension slugs to split by.", "array", items="string", reference="dimension"),
            _f("monitor_entire_population", "Monitor the whole population. Default `false`.", "boolean", default=False),
            _f(
                "group_by_dimension",
                "A dimension (listed in `dimensions`) to group by.",
                "string",
                reference="dimension",
            ),
        ]
    ),
)

METRIC_GROUP = _s(
    "metric_group",
    "A group of project metrics shown together.",
    _keyed(
        [
            _f("friendly_name", "Human-readable name.", "string"),
            _f("description", "Description.", "string"),
            _f("metrics", "Metric slugs; each must be a project metric.", "array", items="string", reference="metric"),
        ]
    ),
)

PROJECT = _s(
    "project",
    "The OpMon project. A `[project]` table makes the file an OpMon config. Keys are case-insensitive.",
    _keyed(
        [
            _f("name", "Project name. Default: the experiment slug.", "string"),
            _f("platform", 'Platform (app name). Default `"firefox_desktop"`.', "string", default="firefox_desktop"),
            _f(
                "xaxis",
                'X axis of the dashboards. Default `"submission_date"`.',
                "string",
                enum=("build_id", "submission_date"),
                default="submission_date",
            ),
            _f("start_date", "Start date, `YYYY-MM-DD`.", "string", **_DATE),
            _f("end_date", "End date, `YYYY-MM-DD`.", "string", **_DATE),
            _f(
                "metrics", "Metric slugs to monitor; each must be defined.", "array", items="string", reference="metric"
            ),
            _f("alerts", "Alert slugs to evaluate.", "array", items="string", reference="alert"),
            _f("reference_branch", 'Reference branch. Default `"control"`.', "string", reference="branch"),
            _f("compact_visualization", "Compact dashboards. Default `false`.", "boolean", default=False),
            _f(
                "skip_default_metrics",
                "Do not add the platform's default metrics. Default `false`.",
                "boolean",
                default=False,
            ),
            _f("skip", "Do not run this project. Default `false`.", "boolean", default=False),
            _f("is_rollout", "The project monitors a rollout. Default `false`.", "boolean", default=False),
            POPULATION,
            _s(
                "metric_groups",
                "Metric groups, `[project.metric_groups.<slug>]`.",
                {},
                entries=METRIC_GROUP,
                entry_reference="metric_group",
                entries_case_insensitive=True,
            ),
        ]
    ),
    keys_case_insensitive=True,
)

# ---------------------------------------------------------------------------------------------
# Featmon (spec §3.14)
# ---------------------------------------------------------------------------------------------

FEATMON_SOURCE = _s(
    "featmon_data_source",
    "A BigQuery table monitored for features. Unknown keys are errors.",
    _keyed(
        [
            _f("table_name", "Fully qualified BigQuery table.", "string", required=True),
            _f(
                "type",
                'Kind of table. Default `"metrics"`. (`events_stream`, not `event_stream`.)',
                "string",
                enum=("metrics", "events_stream", "clients_daily"),
                default="metrics",
            ),
            _f(
                "analysis_unit_id",
                "Client id column. Default `client_info.client_id`.",
                "string",
                default="client_info.client_id",
                **_COLUMN,
            ),
            _f("dimensions", "Free-form dimension tables.", "table"),
        ]
    ),
    unknown_keys="error",
)

FEATMON_FEATURE = _s(
    "feature",
    "A Nimbus feature to monitor.",
    _keyed(
        [
            _f("slug", "Nimbus feature slug, if it differs from the table key (e.g. contains `-`).", "string"),
            _f("metrics_by_source", "Metrics to collect, per data source (free-form tables).", "table"),
            _f("ratios", "Ratios to compute: an array of arrays.", "array", items="array"),
        ]
    ),
)

# ---------------------------------------------------------------------------------------------
# Roots per kind (spec §3.1 table, §3.15 matrix)
# ---------------------------------------------------------------------------------------------

_KIND_LABEL = {
    FileKind.EXPERIMENT: "experiment configs",
    FileKind.OUTCOME: "outcomes",
    FileKind.DEFAULTS: "Jetstream defaults files",
    FileKind.DEFINITIONS: "definitions files",
    FileKind.FUNCTIONS: "functions.toml",
    FileKind.OPMON: "OpMon configs",
}

_TOP_DOCS = {
    "project": "OpMon project settings.",
    "population": "OpMon population (in OpMon configs it belongs under `[project.population]`).",
    "metrics": "Metrics.",
    "experiment": "Experiment settings.",
    "segments": "Segments.",
    "data_sources": "Data source definitions, `[data_sources.<slug>]`.",
    "friendly_name": "Name shown in Experimenter.",
    "description": "Description shown in Experimenter.",
    "parameters": "Parameters.",
    "alerts": "OpMon alerts.",
    "dimensions": "Dimensions.",
    "functions": "Jinja function definitions.",
}


def _ignored_top(key: str, kind: FileKind, extra: str = "") -> Field:
    doc = f"**Ignored in {_KIND_LABEL[kind]}.** {_TOP_DOCS[key]}"
    if extra:
        doc += " " + extra
    return Field(name=key, doc=doc, types=("any",), ignored=True)


_PROJECT_NOTE = "A top-level `[project]` table makes the file an OpMon config instead."


def _data_sources() -> Section:
    return _s(
        "data_sources",
        _TOP_DOCS["data_sources"],
        {},
        entries=DATA_SOURCE,
        entry_reference="data_source",
    )


def _root(kind: FileKind, doc: str, honoured: dict[str, Node], extra: dict[str, str] | None = None) -> Section:
    fields: dict[str, Node] = {}
    for key in TOP_LEVEL_KEYS:
        if key in honoured:
            fields[key] = honoured[key]
        else:
            fields[key] = _ignored_top(key, kind, (extra or {}).get(key, ""))
    # keys a later parser release added to the whitelist of this kind (`Field.since`)
    fields.update({k: v for k, v in honoured.items() if k not in fields})
    return _s(kind.value, doc, fields, unknown_keys="error")


def _build(kind: FileKind, tool: str) -> Section:
    if kind is FileKind.EXPERIMENT:
        return _root(
            kind,
            "Jetstream experiment config (`jetstream/<slug>.toml`): overrides for one experiment.",
            {
                "experiment": EXPERIMENT,
                "metrics": metrics_section(tool, "yes"),
                "data_sources": _data_sources(),
                "segments": SEGMENTS,
                "parameters": parameters_section(dropped=True),
            },
            {"project": _PROJECT_NOTE, "population": _PROJECT_NOTE},
        )
    if kind is FileKind.OUTCOME:
        return _root(
            kind,
            "Jetstream outcome (`jetstream/outcomes/<platform>/<slug>.toml`): a reusable set of "
            "metrics. `friendly_name` and `description` are required; no window lists.",
            {
                "friendly_name": _f(
                    "friendly_name",
                    "Name of the outcome shown in Experimenter (**required**).",
                    "string",
                    required=True,
                ),
                "description": _f(
                    "description",
                    "Description of the outcome shown in Experimenter (**required**).",
                    "string",
                    required=True,
                ),
                "metrics": metrics_section(tool, "no"),
                "data_sources": _data_sources(),
                "parameters": parameters_section(),
                # (`OutcomeSpec.from_dict`: not a list → "weekly should be a list of metrics")
                **{k: _outcome_window_field(k) for k in WINDOWS},
            },
        )
    if kind is FileKind.DEFAULTS:
        return _root(
            kind,
            "Jetstream defaults (`jetstream/defaults/<platform>.toml`): applied to every experiment "
            "of the platform before its own config.",
            {
                "experiment": EXPERIMENT,
                "metrics": metrics_section(tool, "yes"),
                "data_sources": _data_sources(),
                "segments": SEGMENTS,
                "parameters": parameters_section(),
            },
            {"project": _PROJECT_NOTE, "population": _PROJECT_NOTE},
        )
    if kind is FileKind.DEFINITIONS:
        return _root(
            kind,
            "Definitions (`definitions/<platform>.toml` and tool-specific `*/definitions/`): "
            "metrics, data sources, segments, dimensions and alerts of a platform.",
            {
                "metrics": metrics_section(tool, "ignored"),
                "data_sources": _data_sources(),
                "segments": SEGMENTS,
                "parameters": parameters_section(),
                "dimensions": DIMENSIONS,
                "alerts": ALERTS,
            },
        )
    if kind is FileKind.FUNCTIONS:
        f = FUNCTIONS
        return _root(
            kind,
            "Jinja functions (`definitions/functions.toml`).",
            {
                "functions": Section(
                    f.name, f.doc, f.fields, entries=f.entries, entry_reference=f.entry_reference, required=True
                )
            },
        )
    if kind is FileKind.OPMON:
        return _root(
            kind,
            "OpMon config (`opmon/<slug>.toml`, `opmon/defaults/<platform>.toml`).",
            {
                "project": PROJECT,
                "metrics": metrics_section(tool, "ignored"),
                "data_sources": _data_sources(),
                "parameters": parameters_section(),
                "dimensions": DIMENSIONS,
                "alerts": ALERTS,
            },
            {"population": "Use `[project.population]`."},
        )
    if kind is FileKind.FEATMON:
        return _s(
            kind.value,
            "Nimbus feature monitoring config (`featmon/<app>.toml`).",
            {
                "data_sources": _s(
                    "data_sources",
                    "BigQuery tables to query, `[data_sources.<name>]`.",
                    {},
                    entries=FEATMON_SOURCE,
                    entry_reference="featmon_data_source",
                ),
                "features": _s(
                    "features",
                    "Nimbus features to monitor, `[features.<name>]`.",
                    {},
                    entries=FEATMON_FEATURE,
                    entry_reference="feature",
                ),
            },
            unknown_keys="warning",
        )
    # PLAIN: anything goes.
    return Section(
        name=kind.value,
        doc="A TOML file without a schema.",
        fields=_M({}),
        entries=Field("*", "Any value.", ("any",)),
        unknown_keys="warning",
    )


@lru_cache(maxsize=None)
def _file_schema(kind: FileKind, tool: str) -> Section:
    return _build(kind, tool)


def file_schema(kind: FileKind, tool: str | None = None) -> Section:
    """Root section of a file kind. ``tool`` picks the statistic vocabulary
    (``"jetstream"``, ``"opmon"``, ``"looker"``, ``"any"``); default: per kind
    (``opmon`` for OpMon configs, ``jetstream`` otherwise)."""
    kind = FileKind(kind)
    tool = tool or DEFAULT_TOOL[kind]
    if tool not in TOOLS:
        raise ValueError(f"unknown tool {tool!r}; expected one of {TOOLS}")
    return _file_schema(kind, tool)
