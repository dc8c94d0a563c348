"""undefined template parameter (`parameters.<name>` not declared).

A metric's `select_expression` reads `{{ parameters.<name> }}` that no `[parameters.<name>]` of
the file's outcome (or of the outcomes attached to the experiment) declares.

**Why it matters:** rendering fails ("parameter … is not declared"): the metric cannot be
computed.

**Fix:** declare the parameter (`[parameters.<name>]` in the outcome), or attach an outcome that
declares it.

```toml title="jetstream/outcomes/firefox_desktop/undefined-parameter.toml"
friendly_name = "Undefined parameter"
description = "An outcome whose metric reads a parameter it does not declare"

[metrics.clicks]
select_expression = "COUNTIF(message_id = '{{ parameters.message_id }}')"
data_source = "clients_daily"

[metrics.clicks.statistics.bootstrap_mean]
```
"""

from jetls.checks.rules.templates._report import report_problem

CODE = "JET404"
SEVERITY = "error"
FOUND_BY = "jetls.templates"


def on_string_problem(ctx, s, p) -> None:
    if p.code == CODE:
        report_problem(ctx, s, p)
