"""invalid date (expected YYYY-MM-DD).

A date written in another format or that does not exist: `start_date = "2024/01/01"`,
`"2024-02-30"`.

**Why it matters:** the reference parses dates with `strptime("%Y-%m-%d")` and fails ("time data
… does not match format"): CI fails or the analysis stops. (`strptime` takes unpadded parts:
`"2026-2-12"` is a date.)

**Fix:** write the date as `"YYYY-MM-DD"` (or as a TOML date, `2024-01-01`).

```toml title="jetstream/invalid-date.toml"
[experiment]
start_date = "2024/01/01"
```
"""

import calendar
import re
from datetime import datetime

CODE = "JET109"
SEVERITY = "error"

# The shape of a date whose parts may not exist (`2025-02-30`); `strptime` also takes unpadded
# parts (`2026-2-12`), and so does the reference.
_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


def on_string(ctx, s) -> None:
    if s.off_enum or s.field.format != "date":
        return
    val = s.value
    reason = _reason(val)
    if not reason:
        return
    if not _DATE.match(val):
        ctx.emit(
            CODE,
            s.span,
            f'`{val}` is not a date in `YYYY-MM-DD` format (the reference fails with "{reason}")',
        )
        return
    ctx.emit(CODE, s.span, f'`{val}` is not a valid date: {_why(val)} (the reference fails with "{reason}")')


def _why(val: str) -> str:
    """What is wrong with a well-formed date that does not exist."""
    year, month, day = (int(x) for x in val.split("-"))
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    last = calendar.monthrange(year, month)[1]
    return f"{calendar.month_name[month]} {year} has {last} days" if day > last or day < 1 else "it does not exist"


def _reason(val: str) -> str:
    try:
        datetime.strptime(val, "%Y-%m-%d")
    except ValueError as exc:
        return str(exc)
    return ""
