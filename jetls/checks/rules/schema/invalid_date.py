"""invalid date (expected YYYY-MM-DD).

A date written in another format or that does not exist: `start_date = "2024/01/01"`,
`"2024-02-30"`.

**Why it matters:** the reference parses dates with `%Y-%m-%d` and fails ("time data … does not
match format"): CI fails or the analysis stops.

**Fix:** write the date as `"YYYY-MM-DD"` (or as a TOML date, `2024-01-01`).

```toml title="jetstream/invalid-date.toml"
[experiment]
start_date = "2024/01/01"
```
"""

import re
from datetime import datetime

CODE = "JET109"
SEVERITY = "error"

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def on_string(ctx, s) -> None:
    if s.off_enum or s.field.format != "date":
        return
    val = s.value
    ok = bool(_DATE.match(val))
    if ok:
        try:
            datetime.strptime(val, "%Y-%m-%d")
        except ValueError:
            ok = False
    if not ok:
        ctx.emit(
            CODE,
            s.span,
            f"`{val}` is not a date in `YYYY-MM-DD` format (the reference fails with "
            f"\"time data {val!r} does not match format '%Y-%m-%d'\")",
        )
