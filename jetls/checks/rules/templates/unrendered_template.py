"""template syntax in a field that is not rendered (passed to SQL literally).

`{{ … }}` or `{% … %}` in a field the reference does not render: an exposure signal's
`select_expression`, or a data source's `from_expression` whose placeholders are not
`experiment`.

**Why it matters:** the text reaches BigQuery as written, where `{…}` is a STRUCT literal or a
syntax error: the query fails or computes something else.

**Fix:** write the SQL directly in this field.

```toml title="jetstream/unrendered.toml"
[experiment.exposure_signal]
name = "exposed"
friendly_name = "Exposed"
description = "Clients who saw the feature"
data_source = "clients_daily"
select_expression = '{{agg_any("x")}}'
window_start = 0
window_end = 7
```
"""

from jetls.checks.rules.templates._report import report_problem

CODE = "JET407"
SEVERITY = "warning"
FOUND_BY = "jetls.templates"


def on_string_problem(ctx, s, p) -> None:
    if p.code == CODE:
        report_problem(ctx, s, p)
