"""The points of the traversal where rules run: a rule module's `on_<hook>(ctx, ...)` function
is called at each one (`jetls.checks.engine` fires them; `jetls.checks.registry` collects them).

Each hook names the arguments its functions receive after the `Context`. The payloads are values:
nothing changes them once made (they are slotted, not frozen: thousands are made per check).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import NamedTuple, cast

from jetls.diagnostics import Problem
from jetls.document import Entry, Item, Table
from jetls.schema import Field, Node, Section
from jetls.syntax import String

#: hook -> what fires it and what its functions receive
HOOKS: dict[str, str] = {
    "toml": "every file, analysed or plain TOML, once: (ctx)",
    "too_large": "a file too large for the full analysis, instead of every other hook: (ctx, limit)",
    "file": "every analysed file (a metric-hub kind), once: (ctx)",
    "slug": "the slug of a table the file defines (`[metrics.<slug>]`, ...): (ctx, kind, slug, Table)",
    "data_source": "a `[data_sources.<slug>]` table of a Jetstream file: (ctx, slug, Table)",
    "segment": "a `[segments.<slug>]` table (not `[segments.data_sources]`): (ctx, slug, Table)",
    "segment_data_source": "a `[segments.data_sources.<slug>]` table: (ctx, slug, Table)",
    "metric_reference": "a metric an analysis computes, to resolve: (ctx, MetricRef)",
    "reference": "a slug of a data source, segment, segment data source, dimension (or an OpMon metric), "
    "to resolve: (ctx, Ref)",
    "local_metric": "a `[metrics.<slug>]` table of a Jetstream file (config, defaults, outcome): (ctx, LocalMetric)",
    "definitions_metric": "a `[metrics.<slug>]` table of a definitions file (replayed: read through ctx): "
    "(ctx, LocalMetric)",
    "upstream": "a metric a `depends_on` lists: (ctx, Upstream)",
    "statistic": "a `[metrics.<m>.statistics.<name>]` table: (ctx, StatisticAt)",
    "experiment": "the `[experiment]` table of a config or defaults: (ctx, Table)",
    "parameter": "a `[parameters.<name>]` table of a Jetstream file: (ctx, name, Table)",
    "string_problem": "a problem the template or SQL library found in a string of the file: "
    "(ctx, StringValue, Problem)",
    "sql_string": "a select or from expression without template or SQL errors: (ctx, StringValue)",
    "alert": "an `[alerts.<name>]` table (OpMon, definitions): (ctx, name, Table)",
    "project": "the `[project]` table of an OpMon project, after its references: (ctx, Table)",
}

# -- the schema walk (`jetls.checks.schema_walk`) ------------------------------------------------

HOOKS.update(
    {
        "unknown_key": "a key the schema does not know: (ctx, KeyAt)",
        "newer_key": "a key a later parser release introduced than the one in use: (ctx, KeyAt, since)",
        "ignored_key": "a key the schema knows but the reference ignores here: (ctx, KeyAt)",
        "deprecated_key": "a deprecated key: (ctx, KeyAt)",
        "not_a_window": "a key of `[metrics]` that is no window, with a list value: (ctx, KeyAt)",
        "wrong_shape": "a table where a value belongs, or the reverse, or an array of tables: (ctx, KeyAt, shape)",
        "missing_key": "a required key a table lacks: (ctx, TableAt, key)",
        "value": "a value of a known key, judged against its types: (ctx, ValueAt)",
        "string": "a string value (or array element) of a known key: (ctx, StringAt)",
        "element": "an array element of a type the key does not take: (ctx, ValueAt, element, type)",
        "pre_treatment": "an inline-table pre-treatment: (ctx, Entry, InlineTable)",
    }
)


class In(Enum):
    """Where in the schema a key is: what decides which rule speaks for it."""

    SECTION = "section"  # any table but the following
    STATISTICS = "statistics"  # `[metrics.<m>.statistics]`: keys are statistic names
    STATISTIC = "statistic"  # one statistic's table: keys are its parameters
    COVARIATE = "covariate"  # a statistic's `covariate_adjustment`
    STATISTIC_PART = "statistic part"  # another table inside a statistic's parameters


class Place(NamedTuple):
    """Where a key is (part of the replay key of a table's walk: a tuple hashes fast)."""

    at: In = In.SECTION
    statistic: str | None = None  # the statistic, in STATISTIC

    def child(self, name: str, child: Section, is_entry: bool) -> "Place":
        """The place of the table `name` (of schema `child`) below this one."""
        if child.entry_reference == "statistic" or (child.name == "statistics" and not is_entry):
            return Place(In.STATISTICS)
        if self.at is In.STATISTICS:
            return Place(In.STATISTIC, name)
        if child.name == "covariate_adjustment":
            return Place(In.COVARIATE)
        if self.at is In.STATISTIC:
            return Place(In.STATISTIC_PART)
        return Place()

    @property
    def in_statistic(self) -> bool:
        return self.at is In.STATISTIC


@dataclass(slots=True)
class KeyAt:
    """A key met by the schema walk."""

    name: str
    item: Item  # Entry | Table | TableArray
    span: tuple[int, int]
    schema: Node | None  # the key's schema (None: unknown)
    section: Section  # the schema of the table holding it
    path: tuple[str, ...]  # of the table holding it
    place: Place


@dataclass(slots=True)
class TableAt:
    table: Table
    span: tuple[int, int]
    section: Section
    path: tuple[str, ...]
    place: Place


@dataclass(slots=True)
class ValueAt:
    """A value of a known key, and what the walk judged of its type: `issue` is None when the
    key takes it, else one of ISSUES."""

    entry: Entry
    field: Field
    place: Place
    type: str  # `jetls.checks.values.toml_type`
    issue: str | None = None
    number: int | float | None = None  # the number the reference ends up with, to range-check


#: what can be wrong with a value's type (ValueAt.issue), first match wins
ISSUES = (
    "truncated",  # a float for an integer: truncated
    "converted",  # another type the reference coerces
    "statistic float",  # an integer for a statistic's float parameter
    "statistic type",  # any other type for a statistic parameter
    "not an integer",  # a string that is no integer, for an integer
    "integer string",  # a string holding an integer, for an integer
    "scalar for string",  # a number or boolean for a string: converted
    "not a boolean",  # anything else for a boolean: truthiness
    "string for array",  # a string for an array: read character by character
    "date-time for date",
    "wrong type",
)


@dataclass(slots=True)
class StringAt:
    """A string value, or a string element of an array value, of a known key."""

    entry: Entry
    field: Field
    place: Place
    value: str
    span: tuple[int, int]

    @property
    def off_enum(self) -> bool:
        """Not one of the key's allowed values."""
        return self.field.enum is not None and not self.field.enum_matches(self.value)


# -- the traversal of a file's definitions and references (`jetls.checks.engine`) -----------------


@dataclass(slots=True)
class MetricRef:
    """A metric the analysis of this file computes: a window lists it (`where` = "window
    <name>"), or a local table only adds to it and so refers to it (`where` = "table")."""

    slug: str
    span: tuple[int, int]
    where: str
    severity: str | None = None  # instead of the rule's default (a metric no window uses: a warning)
    note: str = ""  # appended to the message (why the severity is lowered)


@dataclass(slots=True)
class Ref:
    """A slug to resolve: `kind` is data_source, segment, segment_data_source, dimension or
    metric (an OpMon project's); `site` says where it is written (each rule words its message
    by site)."""

    kind: str
    slug: str
    span: tuple[int, int]
    site: str
    severity: str | None = None
    note: str = ""


@dataclass(slots=True)
class LocalMetric:
    """A `[metrics.<slug>]` table the file defines."""

    name: str
    table: Table
    used: bool = True  # an analysis computes it (Jetstream files; always true in definitions)
    full: bool = False  # a full definition (`jetls.workspace.scope.is_full_metric`)

    @property
    def severity(self) -> str | None:
        return None if self.used else "warning"

    @property
    def note(self) -> str:
        return "" if self.used else " (this metric is in no window, so the reference never checks it)"


@dataclass(slots=True)
class Upstream:
    """An entry of a metric's `depends_on`."""

    metric: LocalMetric
    slug: str
    span: tuple[int, int]


@dataclass(slots=True)
class StatisticAt:
    metric: str
    name: str
    params: Table
    depends_on: tuple[str, ...]
    owner: LocalMetric | None = None  # the metric table (its status: whether an analysis builds it)


# -- templated and SQL strings --------------------------------------------------------------------


@dataclass(slots=True)
class StringValue:
    """A templated or SQL string of the file (`entry`), rendered with `context`, and the problems
    the libraries found in it (offsets into the decoded string)."""

    entry: Entry
    context: object  # jetls.templates.TemplateContext
    problems: tuple[Problem, ...]
    owner: tuple[str, Table | None] | None = None  # (section, table) of a select or from expression
    #: Why the reference never renders it (a metric no window uses, a data source nothing uses):
    #: its errors are reported as warnings, with this note.
    unrendered: str = ""

    def span(self, start: int, end: int) -> tuple[int, int]:
        """A range of the decoded string, in the file."""
        v, d = cast(String, self.entry.value), self.entry.delta
        n = len(v.value)
        return v.offset_of(min(start, n)) + d, v.offset_of(min(end, n)) + d
