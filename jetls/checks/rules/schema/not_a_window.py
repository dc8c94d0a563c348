"""not a window: only daily, weekly, 28_day, overall, preenrollment_weekly, preenrollment_days28
(and no windows in outcomes).

A list in `[metrics]` under a name that is no analysis window (`monthly = [...]`), or any window
list in an outcome (outcome metrics always go to the `weekly` and `overall` windows).

**Why it matters:** the reference reads every other key of `[metrics]` as a metric table, and a
list is no table: it fails with "'list' object has no attribute 'items'".

**Fix:** use a window name (`weekly`, `28_day`, …; the quick fix writes the closest); in an
outcome, define `[metrics.<slug>]` tables instead.

```toml title="jetstream/not-a-window.toml"
[metrics]
monthly = ["active_hours"]
```
"""

from jetls.checks.suggest import did_you_mean, suggest
from jetls.schema import WINDOWS
from jetls.schema.versions import OUTCOME_WINDOWS

CODE = "JET112"
SEVERITY = "error"


def on_not_a_window(ctx, k, _shape) -> None:
    if not [w for w in k.section.fields if w in WINDOWS]:
        ctx.emit(
            CODE,
            k.item.key_span,
            f"outcomes cannot have window lists (`{k.name} = …` fails with "
            "\"'list' object has no attribute 'items'\"); outcome metrics always go to the `weekly` "
            "and `overall` windows — define `[metrics.<slug>]` tables instead"
            + (
                f", or list the metrics in `{k.name} = […]` at the outcome's root (metric-config-parser "
                f"{ctx.version} reads windows there)"
                if k.name in WINDOWS and ctx.version.at_least(OUTCOME_WINDOWS)
                else ""
            ),
        )
        return
    s = suggest(k.name, list(WINDOWS))
    ctx.emit(
        CODE,
        k.item.key_span,
        f"`{k.name}` is not a window{did_you_mean(s)} The reference reads it as a "
        "metric table and fails (\"'list' object has no attribute 'items'\"); windows are "
        + ", ".join(f"`{w}`" for w in WINDOWS),
        data={"replacement": s} if s else None,
    )
