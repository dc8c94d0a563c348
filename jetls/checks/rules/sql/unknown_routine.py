"""unknown Mozilla routine (`mozfun.*`, `udf.*`) in the configured bigquery-etl checkout.

With a bigquery-etl checkout configured (`--bigquery-etl`, the `bigqueryEtl` setting), a call of
a `mozfun.` or `udf.` routine that the checkout does not have.

**Why it matters:** BigQuery rejects the query ("Function not found"). A warning: the checkout
may be older than the routine.

**Fix:** use a routine of the checkout (the quick fix writes the closest name).

```toml title="jetstream/unknown-routine.toml"
[metrics]
weekly = ["hist"]

[metrics.hist]
select_expression = "SUM(mozfun.hist.extrct(h, 'x'))"
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

CODE = "JET456"
SEVERITY = "warning"
FOUND_BY = "jetls.sql"
EXAMPLE_OPTIONS = ("--bigquery-etl", "../bigquery-etl")


def on_string_problem(ctx, s, p) -> None:
    if p.code == CODE:
        report_problem(ctx, s, p)
