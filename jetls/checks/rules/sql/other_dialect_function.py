"""another SQL dialect's function, which BigQuery does not have (the fix names BigQuery's).

A function of another SQL dialect (`NVL`, `DATEADD`, `LEN`, …) that BigQuery does not have.

**Why it matters:** BigQuery rejects the query ("Function not found").

**Fix:** use BigQuery's equivalent (the quick fix writes it: `IFNULL` for `NVL`).

```toml title="jetstream/other-dialect.toml"
[metrics]
weekly = ["sums"]

[metrics.sums]
select_expression = "NVL(SUM(x), 0)"
data_source = "clients_daily"

[metrics.sums.statistics.bootstrap_mean]
```
"""

from jetls.checks.rules.templates._report import report_problem

CODE = "JET453"
SEVERITY = "error"
FOUND_BY = "jetls.sql"


def on_string_problem(ctx, s, p) -> None:
    if p.code == CODE:
        report_problem(ctx, s, p)
