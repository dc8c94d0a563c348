"""covariate adjustment of a metric with `depends_on`.

A statistic of a metric that has `depends_on` asks for `covariate_adjustment`.

**Why it matters:** Jetstream refuses it when the analysis runs ("metrics with dependencies are
not currently supported for covariate adjustment"): the statistic gets no results.

**Fix:** remove the covariate adjustment (or the dependency).

```toml title="jetstream/covariate-dependencies.toml"
[metrics]
weekly = ["ratio"]
preenrollment_weekly = ["ratio"]

[metrics.ratio]
depends_on = ["active_hours", "uri_count"]

[metrics.ratio.statistics.linear_model_mean]
covariate_adjustment = {period = "preenrollment_week"}
```
"""

from jetls.workspace import key_span
from jetls.workspace.index import sub

CODE = "JET310"
SEVERITY = "error"


def on_statistic(ctx, s) -> None:
    cov = sub(s.params, "covariate_adjustment")
    if cov is not None and s.depends_on:
        ctx.emit(
            CODE,
            key_span(cov),
            "metrics with `depends_on` cannot be covariate-adjusted "
            '("metrics with dependencies are not currently supported for covariate adjustment")',
        )
