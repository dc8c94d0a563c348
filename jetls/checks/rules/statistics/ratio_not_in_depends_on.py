"""`population_ratio` numerator/denominator not in `depends_on`.

A `population_ratio` statistic whose `numerator` or `denominator` is not in the metric's
`depends_on`.

**Why it matters:** the statistic reads the two metrics' columns, which exist only when the
analysis computes those metrics too; `depends_on` is what makes sure it does. It may work by
chance (another window computes them) and break later.

**Fix:** add the metric to `depends_on`.

```toml title="jetstream/ratio-dependencies.toml"
[metrics]
weekly = ["uris_per_hour"]

[metrics.uris_per_hour]
depends_on = ["uri_count"]

[metrics.uris_per_hour.statistics.population_ratio]
numerator = "uri_count"
denominator = "active_hours"
```
"""

from jetls.syntax import String
from jetls.workspace import string_span
from jetls.workspace.index import entry

CODE = "JET311"
SEVERITY = "warning"


def on_statistic(ctx, s) -> None:
    if s.name != "population_ratio":
        return
    for p in ("numerator", "denominator"):
        e = entry(s.params, p)
        if e is not None and isinstance(e.value, String) and e.value.value not in s.depends_on:
            ctx.emit(
                CODE,
                string_span(e.value, e.delta),
                f"`{p}` `{e.value.value}` is not in `depends_on` of "
                f"`{s.metric}`: the column is only present if the metric is computed alongside; add it to "
                "`depends_on`",
            )
