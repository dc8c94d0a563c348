"""wrong number of arguments to a Mozilla routine.

With a bigquery-etl checkout configured, a `mozfun.` or `udf.` routine called with another
number of arguments than its definition takes.

**Why it matters:** BigQuery rejects the query ("No matching signature").

**Fix:** pass the routine's parameters (the message lists them).

```toml title="jetstream/routine-arity.toml"
[metrics]
weekly = ["hist"]

[metrics.hist]
select_expression = "SUM(mozfun.hist.extract(h))"
data_source = "clients_daily"

[metrics.hist.statistics.bootstrap_mean]
```

```yaml title="../bigquery-etl/sql/mozfun/hist/extract/metadata.yaml"
friendly_name: Extract
description: Extract a histogram from its JSON representation.
```

```sql title="../bigquery-etl/sql/mozfun/hist/extract/udf.sql"
CREATE OR REPLACE FUNCTION hist.extract(input STRING, key STRING) AS (NULL);
```
"""

from jetls.checks.rules.templates._report import report_problem

CODE = "JET457"
SEVERITY = "warning"
FOUND_BY = "jetls.sql"
EXAMPLE_OPTIONS = ("--bigquery-etl", "../bigquery-etl")


def on_string_problem(ctx, s, p) -> None:
    if p.code == CODE:
        report_problem(ctx, s, p)
