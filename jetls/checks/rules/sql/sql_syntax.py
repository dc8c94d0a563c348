"""SQL syntax error (sqlglot, BigQuery dialect).

The rendered SQL of a select expression, from expression or enrollment query is not valid
BigQuery: unbalanced parentheses, a missing operand, a clause out of place. The range is placed
in the TOML string (in a template's expansion, on the call that produced it).

**Why it matters:** BigQuery rejects the query when the analysis runs.

**Fix:** fix the SQL at the marked place.

```toml title="jetstream/sql-syntax.toml"
[metrics]
weekly = ["sums"]

[metrics.sums]
select_expression = "SUM(x"
data_source = "clients_daily"

[metrics.sums.statistics.bootstrap_mean]
```
"""

from jetls.checks.rules.templates._report import report_problem

CODE = "JET450"
SEVERITY = "error"
FOUND_BY = "jetls.sql"


def on_string_problem(ctx, s, p) -> None:
    if p.code == CODE:
        report_problem(ctx, s, p)
