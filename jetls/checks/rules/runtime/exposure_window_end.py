"""exposure window note.

An exposure signal with `window_end = 0` (or `"enrollment_start"`).

**Why it matters:** a note: mozanalysis counts exposure windows from *the last enrollment date*,
so 0 is that day, not the first day of enrollment, which is easy to misread.

**Fix:** nothing when that is meant; otherwise give the number of days after the last
enrollment date.

```toml title="jetstream/exposure-window.toml"
[experiment.exposure_signal]
name = "exposed"
friendly_name = "Exposed"
description = "Clients who saw the feature"
data_source = "clients_daily"
select_expression = "TRUE"
window_start = 0
window_end = 0
```
"""

from jetls.workspace.index import entry, sub

CODE = "JET503"
SEVERITY = "information"


def on_experiment(ctx, exp) -> None:
    we = entry(sub(exp, "exposure_signal"), "window_end")
    if we is not None and we.to_python() in (0, "enrollment_start") and not isinstance(we.to_python(), bool):
        ctx.emit(
            CODE,
            we.value_span,
            "`window_end` of 0 (or `enrollment_start`) means *the last enrollment date* in mozanalysis, not the first",
        )
