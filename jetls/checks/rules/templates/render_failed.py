"""template rendering failed.

Rendering raised an error jetls has no closer code for: a division by zero, a type error in an
expression, a failing filter.

**Why it matters:** the reference's rendering fails the same way: the analysis fails.

**Fix:** fix the template expression the message names.

```toml title="jetstream/render-failed.toml"
[metrics]
weekly = ["sums"]

[metrics.sums]
select_expression = "{{ 1/0 }}"
data_source = "clients_daily"

[metrics.sums.statistics.bootstrap_mean]
```
"""

from jetls.checks.rules.templates._report import report_problem

CODE = "JET409"
SEVERITY = "error"
FOUND_BY = "jetls.templates"


def on_string_problem(ctx, s, p) -> None:
    if p.code == CODE:
        report_problem(ctx, s, p)
