"""aggregation metric fields that metric-config-parser rejects.

A metric table using the `aggregation` fields (metric-config-parser 2026.10 and later) in a way
`MetricDefinition` refuses when it builds the table: `column` or `where` without `aggregation`,
both `aggregation` and `select_expression`, `sum`/`count`/`recency_within` without a `column`,
`count_where`/`any` with both or neither of `column` and `where`, `within_days` outside
`recency_within`, a `where` clause or `threshold` of the wrong shape, a column that is no plain
name.

**Why it matters:** the parser checks these as it reads the file (`MetricDefinition.__attrs_post_init__`,
`Clause.from_dict`, `Threshold.from_dict`), used or not: CI fails and so does every analysis that
reads the file.

**Fix:** the message quotes the parser; e.g. give `sum` a `column`, or write the condition once.

```toml title="jetstream/aggregation-metric.toml"
[metrics]
weekly = ["active"]

[metrics.active]
aggregation = "sum"
data_source = "clients_daily"

[metrics.active.statistics.bootstrap_mean]
```
"""

import math
import re

from jetls.document import Entry, Table, TableArray
from jetls.schema.versions import METRIC_AGGREGATION

CODE = "JET522"
SEVERITY = "error"

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")  # (`aggregation.IDENTIFIER`)
_AGGREGATIONS = ("sum", "count", "count_where", "any", "recency_within")
_COLUMN = {"sum", "count", "recency_within"}  # COLUMN_AGGREGATIONS; the others: CONDITION_AGGREGATIONS
_COMPARISONS = (">", ">=", "<", "<=", "=", "!=")
_OPERATORS = _COMPARISONS + ("IS NULL", "IS NOT NULL")
_REQUIRE_AGGREGATION = (
    "column",
    "where",
    "within_days",
    "threshold",
    "scale",
    "cumulative_window",
    "incremental_window",
    "repeat_windows",
)


def _items(t: Table) -> dict[str, object]:
    """key (lower-cased, as `MetricsSpec.from_dict` does) → item."""
    return {k.lower(): v for k, v in t.items.items()}


def _py(item) -> object:
    return item.to_python() if isinstance(item, (Entry, Table, TableArray)) else None


def _span(item, t: Table) -> tuple[int, int]:
    if isinstance(item, Entry):
        return item.key_span
    if isinstance(item, Table):
        from jetls.workspace import key_span

        return key_span(item)
    if isinstance(item, TableArray):
        return item.decl
    from jetls.workspace import key_span

    return key_span(t)


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _positive_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v > 0


def _clause_problem(c) -> str | None:
    """`Clause.from_dict` and `Clause.__attrs_post_init__`."""
    if not isinstance(c, dict):
        return f"a where clause must be a table `{{column, op, value}}`, not {c!r}"
    unknown = sorted(set(c) - {"column", "op", "value"})
    if unknown:
        return f"where clause: unexpected keys {unknown}"
    if "column" not in c:
        return "where clause requires a column"
    op = c.get("op")
    if op is not None and op not in _OPERATORS:
        return f"where clause: '{op}' is not one of {list(_OPERATORS)}"
    column = c["column"]
    if not isinstance(column, str) or not _IDENTIFIER.match(column):
        return f"where clause: column '{column}' must be a plain column name"
    if op is None or op not in _COMPARISONS:
        if c.get("value") is not None:
            return f"where clause on '{column}' takes no value"
    elif c.get("value") is None:
        return f"where clause on '{column}' with '{op}' requires a value"
    elif isinstance(c["value"], float) and not math.isfinite(c["value"]):
        return f"value '{c['value']}' must be a finite number"
    return None


def _threshold_problem(d) -> str | None:
    """`Threshold.from_dict` and `Threshold.__attrs_post_init__`."""
    if not isinstance(d, dict):
        return f"threshold must be a table `{{op, value}}`, not {d!r}"
    unknown = sorted(set(d) - {"op", "value"})
    if unknown:
        return f"threshold: unexpected keys {unknown}"
    if "op" not in d or "value" not in d:
        return "threshold requires op and value"
    if d["op"] not in _OPERATORS:
        return f"threshold: '{d['op']}' is not one of {list(_OPERATORS)}"
    if d["op"] not in _COMPARISONS:
        return f"threshold operator '{d['op']}' must be a comparison"
    if not _is_number(d["value"]):
        return f"threshold value '{d['value']}' must be a number"
    return None


def _problem(name: str, t: Table) -> tuple[object, str] | None:
    """The first error `MetricDefinition` raises for the table (the item it is about, the
    parser's message), in the parser's order: structuring the fields, then the post-init."""
    items = _items(t)
    ctx = f"metric '{name}'"
    agg_item = items.get("aggregation")
    aggregation = _py(agg_item)
    if agg_item is not None and aggregation not in _AGGREGATIONS:
        return None  # (not one of the aggregations: JET108)
    if "where" in items:
        where = _py(items["where"])
        if not isinstance(where, list):
            return items["where"], f"where must be an array of clauses `{{column, op, value}}`, not {where!r}"
        for c in where:
            found = _clause_problem(c)
            if found:
                return items["where"], found
    if "threshold" in items:
        found = _threshold_problem(_py(items["threshold"]))
        if found:
            return items["threshold"], found
    get = {k: _py(items.get(k)) for k in _REQUIRE_AGGREGATION}
    if aggregation is None:
        # (`where` counts when not empty, `repeat_windows` when not false, the others when set)
        present = [
            k
            for k in _REQUIRE_AGGREGATION
            if k in items and (get[k] if k == "where" else get[k] is not False if k == "repeat_windows" else True)
        ]
        if present:
            return items[present[0]], (
                f"{ctx}: column, where, within_days, threshold, scale, cumulative_window, incremental_window "
                "and repeat_windows require aggregation"
            )
        return None
    if "select_expression" in items and _py(items["select_expression"]) is not None:
        return items["select_expression"], f"{ctx}: declare either select_expression or aggregation, not both"
    column, where = get["column"], get["where"]
    if column is not None and (not isinstance(column, str) or not _IDENTIFIER.match(column)):
        return items["column"], f"{ctx}: column '{column}' must be a plain column name"
    if aggregation in _COLUMN:
        if column is None:
            return agg_item, f"{ctx}: '{aggregation}' requires a column"
        if where:
            return items["where"], f"{ctx}: '{aggregation}' does not take where"
    elif (column is None) == (not where):
        return (items.get("column") or agg_item), f"{ctx}: '{aggregation}' requires exactly one of column or where"
    within = get["within_days"]
    if aggregation == "recency_within":
        if not _positive_int(within):
            return items.get("within_days") or agg_item, f"{ctx}: within_days must be a positive integer"
    elif within is not None:
        return items["within_days"], f"{ctx}: within_days is only valid for recency_within"
    if get["scale"] is not None and not _is_number(get["scale"]):
        return items["scale"], f"{ctx}: scale must be a number"
    for k in ("cumulative_window", "incremental_window"):
        if get[k] is not None and not _positive_int(get[k]):
            return items[k], f"{ctx}: {k} must be a positive integer"
    repeat = get["repeat_windows"]
    if repeat is not None and not isinstance(repeat, bool):
        return items["repeat_windows"], f"{ctx}: repeat_windows must be a boolean"
    if repeat and get["cumulative_window"] is None and get["incremental_window"] is None:
        return items["repeat_windows"], f"{ctx}: repeat_windows requires cumulative_window or incremental_window"
    return None


_KEYS = frozenset(("aggregation",) + _REQUIRE_AGGREGATION)


def on_slug(ctx, kind: str, name: str, t: Table) -> None:
    if kind != "metric" or not any(k.lower() in _KEYS for k in t.items):
        return
    if not ctx.version.at_least(METRIC_AGGREGATION):
        return  # (before 2026.10 these keys are unknown: JET117)
    found = _problem(name, t)
    if found is not None:
        item, msg = found
        ctx.emit(CODE, _span(item, t), f'the reference refuses the metric ("{msg}")')
