"""wrong number of arguments to a functions.toml function.

A functions.toml function called with other than exactly one argument (the SQL expression), or
with a keyword other than `select_expr`.

**Why it matters:** rendering fails: the function substitutes its one argument into
`{select_expr}`.

**Fix:** pass exactly one argument: `{{ agg_sum("x") }}`.

```toml title="jetstream/function-arity.toml"
[metrics]
weekly = ["sums"]

[metrics.sums]
select_expression = '{{agg_sum("a", "b")}}'
data_source = "clients_daily"

[metrics.sums.statistics.bootstrap_mean]
```
"""

from jetls.checks.rules.templates._report import report_problem

CODE = "JET405"
SEVERITY = "error"
FOUND_BY = "jetls.templates"


def on_string_problem(ctx, s, p) -> None:
    if p.code == CODE:
        report_problem(ctx, s, p)
