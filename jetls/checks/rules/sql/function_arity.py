"""wrong number of arguments to a BigQuery function.

A BigQuery function called with fewer or more arguments than it takes: `IF(x > 0, 1)`.

**Why it matters:** BigQuery rejects the query ("No matching signature").

**Fix:** pass the arguments the function takes (the message gives its signature):
`IF(x > 0, 1, 0)`.

```toml title="jetstream/sql-arity.toml"
[metrics]
weekly = ["sums"]

[metrics.sums]
select_expression = "SUM(IF(x > 0, 1))"
data_source = "clients_daily"

[metrics.sums.statistics.bootstrap_mean]
```
"""

from jetls.checks.rules.templates._report import report_problem

CODE = "JET454"
SEVERITY = "error"
FOUND_BY = "jetls.sql"


def on_string_problem(ctx, s, p) -> None:
    if p.code == CODE:
        report_problem(ctx, s, p)
