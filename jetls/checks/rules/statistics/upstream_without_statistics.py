"""upstream metric of `depends_on` has no statistics.

A metric an analysis computes depends on a metric that has no statistic anywhere.

**Why it matters:** the reference computes the upstream metric as a metric of the analysis and
fails for it ("No statistical treatment defined for metric …"): the analysis fails.

**Fix:** give the upstream metric a statistic (e.g. `bootstrap_mean`).

```toml title="jetstream/upstream-statistics.toml"
[metrics]
weekly = ["ratio"]

[metrics.ratio]
depends_on = ["active_hours", "raw_uris"]

[metrics.ratio.statistics.bootstrap_mean]

[metrics.raw_uris]
select_expression = "SUM(uris)"
data_source = "clients_daily"
```
"""

from jetls.schema import FileKind

CODE = "JET313"
SEVERITY = "error"


def on_upstream(ctx, u) -> None:
    up = u.slug
    if ctx.kind is FileKind.DEFINITIONS or not u.metric.used:
        return
    glob = ctx.global_defs("metric", up)
    if (glob or ctx.spec_tables("metric", up)) and not ctx.statistics_of(up):
        ctx.emit(
            CODE,
            u.span,
            f"upstream metric `{up}` has no statistics: the reference fails with "
            f"\"No statistical treatment defined for metric '{up}'\"; add "
            f"`[metrics.{up}.statistics.<name>]` (e.g. `bootstrap_mean`)",
            related=[ctx.rel(d, "defined here") for d in glob[:1]],
        )
