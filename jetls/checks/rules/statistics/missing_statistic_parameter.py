"""required statistic parameter missing.

A statistic without a parameter it requires: `population_ratio` without `numerator` or
`denominator`.

**Why it matters:** Jetstream fails when it builds the statistic ("missing 1 required
keyword-only argument"): the metric gets no results.

**Fix:** add the parameter the message names.

```toml title="jetstream/missing-statistic-parameter.toml"
[metrics]
weekly = ["uris_per_hour"]

[metrics.uris_per_hour]
depends_on = ["uri_count", "active_hours"]

[metrics.uris_per_hour.statistics.population_ratio]
denominator = "active_hours"
```
"""

CODE = "JET303"
SEVERITY = "error"


def on_missing_key(ctx, t, key: str) -> None:
    if t.place.in_statistic:
        ctx.emit(
            CODE,
            t.span,
            f"statistic `{t.place.statistic}` requires `{key}` (Jetstream fails with "
            f"\"missing 1 required keyword-only argument: '{key}'\")",
            data={"missing": key},
        )
