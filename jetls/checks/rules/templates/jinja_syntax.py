"""Jinja syntax error.

A templated string (`select_expression`, `from_expression`, `enrollment_query`, a segment's
expressions) that is not valid Jinja: an unclosed `{{`, `{%` or `{#`, an unknown tag, a block
without its end. The range is exact, inside the TOML string.

**Why it matters:** the reference renders the string with Jinja before running it; a syntax
error fails the analysis (and a literal `{%` or `{#` in SQL is read as a tag).

**Fix:** close the tag, or write a literal `{%` as `{{ '{%' }}`.

```toml title="jetstream/jinja-syntax.toml"
[metrics]
weekly = ["sums"]

[metrics.sums]
select_expression = '{{agg_sum("x")'
data_source = "clients_daily"

[metrics.sums.statistics.bootstrap_mean]
```
"""

from jetls.checks.rules.templates._report import report_problem

CODE = "JET401"
SEVERITY = "error"
FOUND_BY = "jetls.templates"


def on_string_problem(ctx, s, p) -> None:
    if p.code == CODE:
        report_problem(ctx, s, p)
