"""alert refers to a metric not defined in the file.

An OpMon alert (or a definitions file's alert) monitors a metric that neither the file nor the
platform's definitions define.

**Why it matters:** OpMon fails when it builds the alert ("No definition for metric …"): the
project's monitoring fails.

**Fix:** define the metric in the same file, or monitor a defined one.

```toml title="opmon/my-project.toml"
[project]
name = "My project"
platform = "firefox_desktop"
xaxis = "submission_date"
start_date = "2024-01-01"
metrics = ["active_hours"]

[project.population]
data_source = "clients_daily"

[alerts.hours_drop]
type = "threshold"
metrics = ["active_hourz"]
min = [1]
parameters = [50]
```
"""

from jetls.checks.context import strings
from jetls.workspace.index import entry, tables

CODE = "JET213"
SEVERITY = "error"


def on_alert(ctx, name: str, t) -> None:
    local = {n for n, _ in tables(ctx.root.items.get("metrics"))}
    for m, span in strings(entry(t, "metrics")):
        if m not in local and not ctx.global_defs("metric", m):
            ctx.emit(
                CODE, span, f'alert `{name}` monitors `{m}`, which is not defined ("No definition for metric {m}.")'
            )
