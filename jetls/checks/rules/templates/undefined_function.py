"""undefined function in a template.

A call of a function that `definitions/functions.toml` does not define (`{{ agg_summ(...) }}`),
or of a functions.toml function where functions are not available (they are only in metric and
segment `select_expression`).

**Why it matters:** rendering fails with "'…' is undefined": the metric or segment cannot be
computed.

**Fix:** use a function of `functions.toml` (the quick fix writes the closest name).

```toml title="jetstream/undefined-function.toml"
[metrics]
weekly = ["sums"]

[metrics.sums]
select_expression = '{{agg_summ("x")}}'
data_source = "clients_daily"

[metrics.sums.statistics.bootstrap_mean]
```
"""

from jetls.checks.rules.templates._report import report_problem

CODE = "JET402"
SEVERITY = "error"
FOUND_BY = "jetls.templates"


def on_string_problem(ctx, s, p) -> None:
    if p.code == CODE:
        report_problem(ctx, s, p)
