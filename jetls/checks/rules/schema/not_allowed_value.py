"""value not in the allowed set.

A string that is not one of the values its key takes: `analysis_unit = "client"`,
`enrollments_query_type = "glean"`, an exposure window name that does not exist.

**Why it matters:** the reference converts the string to an enum and fails ("is not a valid
..."): CI fails or the analysis stops.

**Fix:** use one of the allowed values (the message lists them; the quick fix writes the
closest).

```toml title="jetstream/not-allowed-value.toml"
[experiment]
analysis_unit = "client"
```
"""

from jetls.checks.hooks import In

from ._enum import off_enum

CODE = "JET108"
SEVERITY = "error"


def on_string(ctx, s) -> None:
    f = s.field
    if (
        not s.off_enum
        or f.name == "pre_treatments"
        or s.place.in_statistic
        or (f.name == "period" and s.place.at is In.COVARIATE)
    ):
        return
    msg, best = off_enum(s)
    note = ""
    path = s.entry.path
    if f.name == "experiments_column_type" and len(path) == 3 and path[0] == "data_sources":
        note = ctx.unused_data_source_note(path[1])  # (checked only when the data source is built)
    ctx.emit(
        CODE, s.span, msg + note, severity="warning" if note else None, data={"replacement": best} if best else None
    )
