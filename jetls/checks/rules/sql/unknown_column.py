"""unknown column: not in the table of the data source (bigquery-etl snapshot).

With a bigquery-etl checkout configured (`--bigquery-etl`, the `bigqueryEtl` setting), a column
that a metric's, segment's, exposure signal's or dimension's select expression reads (or a data
source's from expression selects) and that the table(s) of its data source do not have, in that
checkout's schemas. The expression is rendered and read as Jetstream runs it: beside the
enrollments, with the data source as `ds`.

**Why it matters:** BigQuery rejects the query ("Unrecognized name"). A warning, never an
error: schemas change, and the message names the snapshot's date. Silent whenever resolution is
unsure (a join, a table not in the checkout, a platform that is only a guess).

**Fix:** use a column the table has (the quick fix writes the closest), or update the data
source. A column added after the snapshot is not known to the check.

```toml title="jetstream/unknown-column.toml"
[metrics]
weekly = ["searches"]

[metrics.searches]
select_expression = "SUM(search_count_al)"
data_source = "clients_daily"

[metrics.searches.statistics.bootstrap_mean]
```

```yaml title="../bigquery-etl/sql/moz-fx-data-shared-prod/telemetry/clients_daily/schema.yaml"
fields:
- name: client_id
  type: STRING
  mode: NULLABLE
- name: submission_date
  type: DATE
  mode: NULLABLE
- name: search_count_all
  type: INTEGER
  mode: NULLABLE
```
"""

CODE = "JET460"
SEVERITY = "warning"
EXAMPLE_OPTIONS = ("--bigquery-etl", "../bigquery-etl")


def enabled(options) -> bool:
    return bool(options.sql and options.bigquery_etl)


def on_sql_string(ctx, s) -> None:
    columns = ctx.shared("columns", _checker)
    if columns is None:
        return
    section, table = s.owner
    for code, span, message, data in columns(section, table, s.entry, s.context):
        ctx.emit(code, span, message, data=data)


def _checker(ctx):
    """The column check of this file (jetls.checks.columns), while a schema source is loaded."""
    from jetls.checks.columns import checker

    return checker(ctx.ws, ctx.sf, ctx.options)
