"""invalid covariate adjustment period.

A `covariate_adjustment` without `period`, or with a value that is no pre-enrollment period
(`"preenrollment_weekly"` is the window's name; the period is `"preenrollment_week"`).

**Why it matters:** Jetstream fails when it reads the statistic ("'…' is not a valid
AnalysisPeriod"): the metric gets no results.

**Fix:** write `period = "preenrollment_week"` or `"preenrollment_days28"` (the quick fix turns a
window name into its period).

```toml title="jetstream/covariate-period.toml"
[metrics]
weekly = ["active_hours"]
preenrollment_weekly = ["active_hours"]

[metrics.active_hours.statistics.linear_model_mean]
covariate_adjustment = {period = "preenrollment_weekly"}
```
"""

from jetls.checks.hooks import In
from jetls.checks.rules.schema._enum import off_enum
from jetls.schema import WINDOWS

CODE = "JET307"
SEVERITY = "error"


def on_missing_key(ctx, t, key: str) -> None:
    if t.place.at is In.COVARIATE:
        ctx.emit(
            CODE,
            t.span,
            '`covariate_adjustment` requires `period` (`"preenrollment_week"` or `"preenrollment_days28"`)',
            data={"missing": key},
        )


def on_string(ctx, s) -> None:
    if not s.off_enum or s.field.name != "period" or s.place.at is not In.COVARIATE:
        return
    if s.value in WINDOWS:
        best: str | None = WINDOWS[s.value]
        msg = (
            f"`{s.value}` is a window name; `covariate_adjustment.period` takes the internal period name "
            f"`{best}` (Jetstream: \"'{s.value}' is not a valid AnalysisPeriod\")"
        )
    else:
        msg, best = off_enum(s)
    ctx.emit(CODE, s.span, msg, data={"replacement": best} if best else None)
