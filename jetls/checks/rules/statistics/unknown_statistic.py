"""unknown statistic.

A table under `[metrics.<slug>.statistics]` whose name is no statistic of the tool: a typo like
`bootstrap_meen`, or a statistic of another tool (OpMon's in a Jetstream file).

**Why it matters:** Jetstream looks the statistic up by name when the analysis runs and fails
("Statistic '…' does not exist"): the metric gets no results. (In files of other tools it is a
warning.)

**Fix:** use a statistic name (the message lists them; the quick fix writes the closest).

```toml title="jetstream/unknown-statistic.toml"
[metrics]
weekly = ["active_hours"]

[metrics.active_hours.statistics.bootstrap_meen]
```
"""

from jetls.checks.hooks import In
from jetls.checks.suggest import did_you_mean, suggest
from jetls.schema import STATISTICS

CODE = "JET301"
SEVERITY = "error"


def on_unknown_key(ctx, k) -> None:
    if not k.path or k.place.at is not In.STATISTICS:
        return
    tool = ctx.info.tool
    vocab = STATISTICS.get(tool, STATISTICS["jetstream"])
    s = suggest(k.name, vocab)
    names = ", ".join(f"`{n}`" for n in vocab)
    why = (
        f"Jetstream fails at analysis time: Statistic {k.name!r} does not exist."
        if tool == "jetstream"
        else f"not a {tool} statistic"
    )
    ctx.emit(
        CODE,
        k.span,
        f"unknown statistic `{k.name}`{did_you_mean(s)} ({why}); known: {names}",
        data={"replacement": s} if s else None,
        severity=None if tool in ("jetstream", "any") else "warning",
    )
