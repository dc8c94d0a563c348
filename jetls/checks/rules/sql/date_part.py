"""not a date part (`DAYS`, `'day'`): BigQuery wants a date part keyword such as `DAY`.

A date function's part argument written as something BigQuery does not take: a plural, a string,
another dialect's name.

**Why it matters:** BigQuery rejects the query ("A valid date part name is required").

**Fix:** write a date part keyword: `DAY`, `WEEK`, `MONTH` (the quick fix writes it).

```toml title="jetstream/date-part.toml"
[metrics]
weekly = ["days"]

[metrics.days]
select_expression = "MAX(DATE_DIFF(submission_date, first_seen_date, DAYS))"
data_source = "clients_daily"

[metrics.days.statistics.bootstrap_mean]
```
"""

from jetls.checks.rules.templates._report import report_problem

CODE = "JET455"
SEVERITY = "error"
FOUND_BY = "jetls.sql"


def on_string_problem(ctx, s, p) -> None:
    if p.code == CODE:
        report_problem(ctx, s, p)
