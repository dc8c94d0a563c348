"""str.format placeholder problem (`{dataset}`, `{select_expr}`, unknown `{name}`, single brace).

After Jinja, the reference fills `{dataset}` in from expressions (and `{select_expr}` in
functions.toml definitions) with Python's `str.format`: another placeholder, a single `{` or
`}`, or `{dataset}` without `default_dataset` fails (the parser formats it as it builds the data
source, before Jetstream supplies the app's dataset). In a data source nothing uses (never
built), a warning.

**Why it matters:** the format call raises (`KeyError`, "Single '}' encountered"): the data
source or function cannot be used.

**Fix:** set `default_dataset` on the data source, double literal braces (`{{`, `}}`), or use
only the placeholder the field takes.

```toml title="jetstream/format-placeholder.toml"
[data_sources.my_table]
from_expression = "`moz-fx-data-shared-prod.{datasets}.my_table`"
```
"""

from jetls.checks.rules.templates._report import report_problem

CODE = "JET406"
SEVERITY = "error"
FOUND_BY = "jetls.templates"


def on_string_problem(ctx, s, p) -> None:
    if p.code == CODE:
        report_problem(ctx, s, p)
