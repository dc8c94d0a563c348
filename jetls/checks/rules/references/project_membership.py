"""OpMon project: grouping dimension or metric group member not listed in the project.

An OpMon project groups by a dimension its population does not list, or a metric group holds
a metric the project's `metrics` does not list.

**Why it matters:** `opmon validate_config` rejects the project ("… not listed as dimension, but
used for grouping", "… is part of metric group … but not referenced as project metric").

**Fix:** list the dimension in `[project.population].dimensions`, and every metric of a group
in `[project].metrics`.

```toml title="opmon/my-project.toml"
[project]
name = "My project"
platform = "firefox_desktop"
xaxis = "submission_date"
start_date = "2024-01-01"
metrics = ["active_hours"]

[project.population]
data_source = "clients_daily"

[project.metric_groups.engagement]
friendly_name = "Engagement"
description = "Engagement metrics"
metrics = ["uri_count"]
```
"""

from jetls.checks.context import strings
from jetls.syntax import String
from jetls.workspace import string_span
from jetls.workspace.index import entry, sub, tables

CODE = "JET217"
SEVERITY = "error"


def on_project(ctx, project) -> None:
    listed = [m for m, _ in strings(entry(project, "metrics", True))]
    pop = sub(project, "population", True)
    dims = [d for d, _ in strings(entry(pop, "dimensions"))]
    g = entry(pop, "group_by_dimension")
    if g is not None and isinstance(g.value, String) and g.value.value not in dims:
        v = g.value.value
        ctx.emit(
            CODE,
            string_span(g.value, g.delta),
            f"`{v}` is not in `dimensions` of `[project.population]`: "
            f'OpMon fails with "{v} not listed as dimension, but used for grouping"; add it to `dimensions`',
        )
    for gname, group in tables(sub(project, "metric_groups", True)):
        for m, span in strings(entry(group, "metrics")):
            if m not in listed:
                ctx.emit(
                    CODE,
                    span,
                    f"metric `{m}` is not in `[project].metrics`: OpMon fails with "
                    f'"Metric {m} is part of metric group {gname} but not referenced as project metric"',
                )
