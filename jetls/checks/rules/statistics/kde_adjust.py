"""`kernel_density_estimate.adjust` other than 1.0 is no longer supported.

A `kernel_density_estimate` statistic with an `adjust` parameter other than 1.0.

**Why it matters:** Jetstream fails when it computes the statistic ("KDE Adjust parameter no
longer supported"): the metric gets no density estimate.

**Fix:** remove `adjust`.

```toml title="jetstream/kde-adjust.toml"
[metrics]
weekly = ["active_hours"]

[metrics.active_hours.statistics.kernel_density_estimate]
adjust = 2.0
```
"""

from jetls.workspace.index import entry

CODE = "JET309"
SEVERITY = "error"


def on_statistic(ctx, s) -> None:
    if s.name != "kernel_density_estimate":
        return
    e = entry(s.params, "adjust")
    if e is not None and isinstance(e.to_python(), (int, float)) and e.to_python() != 1.0:
        ctx.emit(
            CODE,
            e.value_span,
            '`adjust` other than 1.0 fails at analysis time ("KDE Adjust parameter no longer supported"); remove it',
        )
