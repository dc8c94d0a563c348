"""metric analysis units not supported by its data source.

A metric's `analysis_units` lists a unit its data source does not support (the data source's
`analysis_units`, by default `client_id`, and also `profile_group_id` on Firefox desktop).

**Why it matters:** the reference refuses the metric ("data_source … does not support all
analysis_units specified by metric …"): the analysis fails.

**Fix:** add the unit to the data source's `analysis_units`, or remove it from the metric.

```toml title="jetstream/analysis-units.toml"
[metrics]
weekly = ["sessions"]

[metrics.sessions]
select_expression = "COUNT(*)"
data_source = "sessions_daily"
analysis_units = ["profile_group_id"]

[metrics.sessions.statistics.bootstrap_mean]

[data_sources.sessions_daily]
from_expression = "mozdata.telemetry.sessions_daily"
analysis_units = ["client_id"]
```
"""

from jetls.document import Table
from jetls.syntax import String
from jetls.workspace import Definition
from jetls.workspace.index import entry, string_items

CODE = "JET520"
SEVERITY = "error"


def on_local_metric(ctx, m) -> None:
    de = entry(m.table, "data_source", True)
    e = entry(m.table, "analysis_units", True)
    if de is None or not isinstance(de.value, String) or e is None:
        return
    ds = de.value.value
    found = ctx.resolve_simple("data_source", ds)
    table = found.table if isinstance(found, Definition) else found
    if not isinstance(table, Table):
        return
    te = entry(table, "analysis_units", True)
    supported = (
        [u for u, _ in string_items(te)]
        if te is not None
        else (["client_id", "profile_group_id"] if ctx.platform == "firefox_desktop" else ["client_id"])
    )
    missing = [u for u, _ in string_items(e) if u not in supported]
    if missing:
        ctx.emit(
            CODE,
            e.value_span,
            f"data source `{ds}` supports only {', '.join(f'`{u}`' for u in supported)}, "
            f'not {", ".join(f"`{u}`" for u in missing)}: the reference fails with "data_source {ds} (app: '
            f'{ctx.platform}) does not support all analysis_units specified by metric {m.name}"; set the data '
            f"source's `analysis_units` or drop {', '.join(missing)}{m.note}",
            severity=m.severity,
        )
