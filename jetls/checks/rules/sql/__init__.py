"""JET45x-46x: BigQuery SQL of the rendered strings (`jetls.sql` finds the problems; unknown
columns need a bigquery-etl checkout)."""
