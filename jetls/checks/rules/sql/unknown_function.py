"""unknown BigQuery function (not a built-in, nor a temporary function of the SQL).

A call of a function BigQuery does not have: a typo (`COALESCEE`), or a user-defined function
that the query does not create.

**Why it matters:** BigQuery rejects the query ("Function not found"). A warning: a persistent
UDF of the project would be unknown to jetls too.

**Fix:** use a BigQuery function (the quick fix writes the closest name).

```toml title="jetstream/unknown-function.toml"
[metrics]
weekly = ["sums"]

[metrics.sums]
select_expression = "COALESCEE(SUM(x), 0)"
data_source = "clients_daily"

[metrics.sums.statistics.bootstrap_mean]
```
"""

from jetls.checks.rules.templates._report import report_problem

CODE = "JET452"
SEVERITY = "warning"
FOUND_BY = "jetls.sql"


def on_string_problem(ctx, s, p) -> None:
    if p.code == CODE:
        report_problem(ctx, s, p)
