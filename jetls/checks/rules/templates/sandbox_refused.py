"""template refused by the sandbox (unsafe access or resource limit).

A template that reads an attribute starting with `_` (`''.__class__`), or that exceeds the
sandbox's limits (operations, output size, nesting, time).

**Why it matters:** jetls renders templates in a bounded sandbox and refuses what could escape
or hang it; such a template is almost surely a mistake, or hostile.

**Fix:** remove the unsafe construct, or simplify the template.

```toml title="jetstream/sandbox.toml"
[metrics]
weekly = ["sums"]

[metrics.sums]
select_expression = "{{ ''.__class__ }}"
data_source = "clients_daily"

[metrics.sums.statistics.bootstrap_mean]
```
"""

from jetls.checks.rules.templates._report import report_problem

CODE = "JET408"
SEVERITY = "error"
FOUND_BY = "jetls.templates"


def on_string_problem(ctx, s, p) -> None:
    if p.code == CODE:
        report_problem(ctx, s, p)
