"""invalid alert.

An OpMon alert whose parameters do not fit its type: `threshold` without `min` or `max`, with a
number of thresholds other than the number of `parameters`, `avg_diff` without `window_size` or
`max_relative_change`, or a parameter the type does not take.

**Why it matters:** `opmon validate_config` rejects the alert: the project's monitoring fails.

**Fix:** set what the type needs (the message says what): for `threshold`, `min` or `max` with
one value per parameter.

```toml title="opmon/my-project.toml"
[project]
name = "My project"
platform = "firefox_desktop"
xaxis = "submission_date"
start_date = "2024-01-01"
metrics = ["active_hours"]

[project.population]
data_source = "clients_daily"

[alerts.hours_drop]
type = "threshold"
metrics = ["active_hours"]
parameters = [50]
```
"""

from jetls.document import Entry
from jetls.workspace import key_span
from jetls.workspace.index import entry

CODE = "JET510"
SEVERITY = "error"

_FORBIDDEN = {
    "ci_overlap": ("min", "max", "window_size", "max_relative_change"),
    "threshold": ("window_size", "max_relative_change"),
    "avg_diff": ("min", "max"),
}


def on_alert(ctx, name: str, t) -> None:
    span = key_span(t)
    te = entry(t, "type")
    typ = te.to_python() if te is not None else None
    present = set(t.items)
    for k in _FORBIDDEN.get(typ, ()) if isinstance(typ, str) else ():
        if k in present:
            item = t.items[k]
            ctx.emit(
                CODE,
                item.key_span if isinstance(item, Entry) else key_span(item),
                f"for alert of type {typ}, the parameter {k} must not be set",
            )
    if typ == "threshold":
        if "min" not in present and "max" not in present:
            ctx.emit(CODE, span, "Either 'max' or 'min' needs to be set when defining a threshold alert")
        pe = entry(t, "parameters")
        params = pe.to_python() if pe is not None else None
        n = len(params) if isinstance(params, list) else None
        for k in ("min", "max"):
            ke = entry(t, k)
            bounds = ke.to_python() if ke is not None else None
            if ke is not None and n is not None and isinstance(bounds, list) and len(bounds) != n:
                ctx.emit(
                    CODE,
                    ke.value_span,
                    f"Number of '{k}' thresholds not matching number of parameters "
                    f"to monitor ({len(bounds)} vs {n}); one per parameter",
                )
    if typ == "avg_diff":
        for k in ("window_size", "max_relative_change"):
            if k not in present:
                ctx.emit(CODE, span, f"'{k}' needs to be specified when using avg_diff alert", data={"missing": k})
