"""unknown dimension.

An OpMon project's population lists a dimension that neither the project nor the platform's
definitions define.

**Why it matters:** OpMon fails ("No definition for dimension …"): the project is not
monitored.

**Fix:** define `[dimensions.<slug>]` (in the project or in `definitions/<platform>.toml`), or
fix the slug (the quick fix writes the closest).

```toml title="opmon/my-project.toml"
[project]
name = "My project"
platform = "firefox_desktop"
xaxis = "submission_date"
start_date = "2024-01-01"
metrics = ["active_hours"]

[project.population]
data_source = "clients_daily"
dimensions = ["os"]
```
"""

from ._unknown import report_unresolved

CODE = "JET216"
SEVERITY = "error"


def on_reference(ctx, ref) -> None:
    if ref.kind == "dimension":
        report_unresolved(ctx, CODE, ref, f'OpMon fails with "No definition for dimension {ref.slug}."')
