"""unknown statistic parameter.

A key of a statistic's table that the statistic does not take: `ci_width` for `binomial`
(whose parameter is `confidence_interval`).

**Why it matters:** Jetstream passes the table's keys to the statistic as keyword arguments and
fails ("got an unexpected keyword argument"): the metric gets no results.

**Fix:** use a parameter of the statistic (the message lists them; the quick fix writes the
closest), or remove the key.

```toml title="jetstream/unknown-statistic-parameter.toml"
[metrics]
weekly = ["active_hours"]

[metrics.active_hours.statistics.binomial]
ci_width = 0.9
```
"""

from jetls.checks.suggest import did_you_mean, suggest
from jetls.schema import Field

CODE = "JET302"
SEVERITY = "error"


def on_unknown_key(ctx, k) -> None:
    if not k.path or not k.place.in_statistic:
        return
    section = k.section
    s = suggest(k.name, [n for n, v in section.fields.items() if not (isinstance(v, Field) and v.ignored)])
    stat = k.place.statistic
    params = [p for p in section.fields if p != "pre_treatments"]
    takes = ", ".join(f"`{p}`" for p in params) if params else "no parameters"
    ctx.emit(
        CODE,
        k.span,
        f"unknown parameter `{k.name}` of statistic `{stat}`{did_you_mean(s)} — Jetstream fails "
        f"with \"got an unexpected keyword argument '{k.name}'\"; `{stat}` takes {takes} (and `pre_treatments`)",
        data={"replacement": s} if s else None,
        severity=None if section.unknown_keys == "error" else "warning",
    )
