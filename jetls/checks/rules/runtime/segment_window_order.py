"""segment data source `window_start` after `window_end`.

A `[segments.data_sources.<slug>]` whose `window_start` is greater than its `window_end`.

**Why it matters:** mozanalysis refuses the segment ("window_start must be <= window_end"): the
analysis fails.

**Fix:** make `window_start <= window_end`.

```toml title="jetstream/segment-window.toml"
[segments.data_sources.recent_activity]
from_expression = "mozdata.telemetry.clients_last_seen"
window_start = 7
window_end = 0
```
"""

from jetls.workspace.index import entry

CODE = "JET504"
SEVERITY = "error"


def on_segment_data_source(ctx, name: str, t) -> None:
    start, end = entry(t, "window_start", True), entry(t, "window_end", True)
    a = start.to_python() if start is not None else 0
    b = end.to_python() if end is not None else 0
    at = start or end
    if at is None:
        return
    if isinstance(a, int) and isinstance(b, int) and not isinstance(a, bool) and not isinstance(b, bool) and a > b:
        ctx.emit(
            CODE,
            at.value_span,
            f"`window_start` ({a}) is after `window_end` ({b}): mozanalysis "
            'fails with "window_start must be <= window_end"',
        )
