"""enrollment period longer than the analysis dates.

An experiment whose `end_date` is before its `start_date`, or whose `enrollment_period` is
longer than the days from start to end.

**Why it matters:** Jetstream cannot validate the experiment ("Cannot validate experiment"): the
analysis does not run.

**Fix:** correct the dates or the enrollment period.

```toml title="jetstream/analysis-dates.toml"
[experiment]
start_date = "2024-01-01"
end_date = "2024-01-05"
enrollment_period = 14
```
"""

from datetime import date, datetime

from jetls.workspace.index import entry

CODE = "JET519"
SEVERITY = "error"


def on_experiment(ctx, exp) -> None:
    se, ee, pe = entry(exp, "start_date"), entry(exp, "end_date"), entry(exp, "enrollment_period")
    sd = _date(se.to_python() if se is not None else None)
    ed = _date(ee.to_python() if ee is not None else None)
    period = pe.to_python() if pe is not None else None
    if not (sd and ed and ee is not None):
        return
    if ed < sd:
        ctx.emit(CODE, ee.value_span, f"`end_date` {ed} is before `start_date` {sd}")
    elif isinstance(period, int) and not isinstance(period, bool) and (ed - sd).days < period:
        ctx.emit(
            CODE,
            ee.value_span,
            f"the enrollment period ({period} days) is longer than the analysis dates "
            f'({(ed - sd).days} days from start to end): Jetstream fails with "Cannot validate experiment"',
        )


def _date(v) -> date | None:
    if isinstance(v, date) and not isinstance(v, datetime):
        return v
    if isinstance(v, str):
        try:
            return datetime.strptime(v, "%Y-%m-%d").date()
        except ValueError:
            return None
    return None
