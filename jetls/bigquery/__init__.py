"""BigQuery table schemas from a bigquery-etl checkout: what columns a metric's SQL can use.

- `catalog.load(root)` → `Catalog`: the tables of a source folder (schema.yaml, metadata.yaml,
  view.sql, columns JSON), parsed once and cached under the user's cache directory;
- `scope`: from a data source's `from_expression` to the columns visible to a metric's SQL, and
  the unknown-column analysis of an expression (sqlglot, BigQuery dialect);
- `sources`: the process-wide loaded sources (loaded in the background by the server, at once
  by the CLI).

Plain values only; nothing here knows TOML, LSP or the workspace.
"""

from .catalog import Catalog, load
from .model import Column, Table, canonical
from .source import SourceProblem

__all__ = ["Catalog", "Column", "SourceProblem", "Table", "canonical", "load"]
