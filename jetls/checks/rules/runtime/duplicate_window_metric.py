"""a metric listed twice in one analysis window.

`weekly = ["active_hours", "uri_count", "active_hours"]`.

**Why it matters:** Jetstream computes each (metric, statistic) of a window once: the second
entry does nothing, and is usually a leftover of a copy-paste (the metric meant may be missing).

**Fix:** remove the repeated entry (quick fix), or write the metric that was meant.

```toml title="jetstream/duplicate-window-metric.toml"
[metrics]
weekly = ["active_hours", "active_hours"]
```
"""

from jetls.diagnostics import Fix, Related, Tag, TextEdit
from jetls.document import Entry, Table
from jetls.schema import WINDOWS, FileKind
from jetls.syntax import Array, String

CODE = "JET540"
SEVERITY = "warning"


def on_file(ctx) -> None:
    if ctx.kind not in (FileKind.EXPERIMENT, FileKind.DEFAULTS):
        return
    metrics = ctx.root.items.get("metrics")
    if not isinstance(metrics, Table):
        return
    for window, e in metrics.items.items():
        if window in WINDOWS and isinstance(e, Entry) and isinstance(e.value, Array):
            _window(ctx, window, e)


def _window(ctx, window: str, e: Entry) -> None:
    d = e.delta
    assert isinstance(e.value, Array)
    items = e.value.items
    first: dict[str, tuple[int, int]] = {}
    for i, item in enumerate(items):
        if not isinstance(item, String) or not item.closed:
            continue
        span = (item.start + d, item.end + d)
        if item.value not in first:
            first[item.value] = span
            continue
        # the edit takes the item with the separator before it: `, "x"`
        cut = (items[i - 1].end + d, span[1])
        ctx.emit(
            CODE,
            span,
            f"`{item.value}` is listed twice in `{window}`: Jetstream computes it once per window, so this entry "
            "does nothing",
            related=[Related(*first[item.value], "first listed here")],
            tags=(Tag.UNNECESSARY,),
            fixes=[Fix.here(f"Remove the second `{item.value}`", TextEdit(cut[0], cut[1], ""), preferred=True)],
        )
