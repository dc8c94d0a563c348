"""undefined variable, attribute, filter or test in a template.

A template reads a name, an attribute of `experiment`, a filter or a test that does not exist
where it is rendered: `{{ experiment.slug }}` (it is `normandy_slug`), `experiment` outside the
fields that get it, an unknown filter.

**Why it matters:** rendering fails ("… is undefined", "has no attribute"): the analysis fails.

**Fix:** use a defined name (the message lists or suggests one; the quick fix writes it):
`{{ experiment.normandy_slug }}`.

```toml title="jetstream/undefined-name.toml"
[data_sources.my_events]
from_expression = "(SELECT * FROM events WHERE experiment = '{{experiment.slug}}')"
```
"""

from jetls.checks.rules.templates._report import report_problem

CODE = "JET403"
SEVERITY = "error"
FOUND_BY = "jetls.templates"


def on_string_problem(ctx, s, p) -> None:
    if p.code == CODE:
        report_problem(ctx, s, p)
