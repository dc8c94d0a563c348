"""experiment will not be analysed.

`skip = true` in an experiment config.

**Why it matters:** a note: Jetstream skips the experiment, so none of the config's metrics are
computed. Worth seeing when it was left on by mistake.

**Fix:** remove `skip = true` when the experiment should be analysed.

```toml title="jetstream/skipped.toml"
[experiment]
skip = true
```
"""

from jetls.workspace.index import entry

CODE = "JET535"
SEVERITY = "information"


def on_experiment(ctx, exp) -> None:
    se = entry(exp, "skip")
    if se is not None and se.to_python() is True:
        ctx.emit(CODE, se.value_span, "`skip = true`: Jetstream does not analyse this experiment")
