"""covariate adjustment without the matching pre-enrollment window: falls back to unadjusted.

A statistic's `covariate_adjustment` reads the metric (or the one it names) from a
pre-enrollment period whose window (`preenrollment_weekly` for `preenrollment_week`,
`preenrollment_days28`) does not list it.

**Why it matters:** without the pre-enrollment values Jetstream silently computes the
unadjusted statistic: the results are not what was asked for.

**Fix:** list the metric in `[metrics].preenrollment_weekly` (or `preenrollment_days28`).

```toml title="jetstream/covariate-window.toml"
[metrics]
weekly = ["active_hours"]

[metrics.active_hours.statistics.linear_model_mean]
covariate_adjustment = {period = "preenrollment_week"}
```
"""

from jetls.schema import FileKind
from jetls.workspace.index import entry, sub

CODE = "JET308"
SEVERITY = "warning"

_WINDOWS = {"preenrollment_week": "preenrollment_weekly", "preenrollment_days28": "preenrollment_days28"}


def on_statistic(ctx, s) -> None:
    cov = sub(s.params, "covariate_adjustment")
    pe = entry(cov, "period")
    period = pe.to_python() if pe is not None else None
    window = _WINDOWS.get(period) if isinstance(period, str) else None
    if pe is None or not window or ctx.kind not in (FileKind.EXPERIMENT, FileKind.DEFAULTS):
        return
    me = entry(cov, "metric")
    target = me.to_python() if me is not None and isinstance(me.to_python(), str) else s.metric
    for layer in ctx.layers:
        for r in ctx.idx.file(layer.path).references:
            if r.where == f"window {window}" and r.slug == target:
                return
    ctx.emit(
        CODE,
        pe.value_span,
        f"`{target}` is not in the `{window}` window: Jetstream falls back to "
        f"unadjusted inferences; add it to `[metrics].{window}`",
    )
