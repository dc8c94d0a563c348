"""unknown upstream metric in `depends_on`.

A metric's `depends_on` lists a metric that is defined nowhere on the file's platform.

**Why it matters:** the reference fails to resolve the dependency ("No definition found for
referenced upstream metric"): the analysis fails. In a definitions file, every experiment that
uses the metric fails (a warning there: none may).

**Fix:** list a defined metric (the quick fix writes the closest), or define the upstream metric.

```toml title="jetstream/unknown-upstream.toml"
[metrics]
weekly = ["ratio"]

[metrics.ratio]
depends_on = ["active_hours", "nope"]

[metrics.ratio.statistics.bootstrap_mean]
```
"""

from jetls.checks.suggest import did_you_mean
from jetls.schema import FileKind
from jetls.workspace.index import tables

CODE = "JET204"
SEVERITY = "error"


def on_upstream(ctx, u) -> None:
    up, m = u.slug, u.metric
    if ctx.kind is FileKind.DEFINITIONS:
        if ctx.global_defs("metric", up) or up in dict(tables(ctx.root.items.get("metrics"))):
            return
        ctx.emit(
            CODE,
            u.span,
            f"unknown upstream metric `{up}` on `{ctx.platform}`: any experiment using "
            f'`{m.name}` fails with "No definition found for referenced upstream metric '
            f"MetricReference(name='{up}')\"{ctx.elsewhere('metric', up)}",
            severity="warning",
        )
        return
    if ctx.global_defs("metric", up) or ctx.spec_tables("metric", up):
        return
    s = ctx.suggest_slug("metric", up, ("metrics",), in_view=False)
    ctx.emit(
        CODE,
        u.span,
        f"unknown upstream metric `{up}` {ctx.platform_phrase()}: the reference fails with "
        f"\"No definition found for referenced upstream metric MetricReference(name='{up}')\""
        f"{ctx.elsewhere('metric', up)}{did_you_mean(s)}{m.note}",
        severity=m.severity,
        data={"replacement": s} if s else None,
    )
