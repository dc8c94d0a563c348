"""Columns and tables as plain values, and the spelling of BigQuery table names."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

#: `mozdata` is the user-facing alias project of `moz-fx-data-shared-prod` (same datasets).
PROJECT_ALIASES: Mapping[str, str] = MappingProxyType({"mozdata": "moz-fx-data-shared-prod"})
#: The project of a `dataset.table` name (bigquery-etl's default project).
DEFAULT_PROJECT = "moz-fx-data-shared-prod"

#: Types whose values have named fields.
RECORD_TYPES = frozenset({"RECORD", "STRUCT"})


@dataclass(frozen=True, slots=True, eq=False)
class Column:
    """A column of a table, or a field of a RECORD column.

    `fields` is None when the sub-fields are not known (a scalar, JSON, a record whose fields
    the source does not list, a column computed in SQL): any access below it is unchecked."""

    name: str
    type: str | None = None  # BigQuery type as the schema writes it (STRING, INTEGER, RECORD, JSON...)
    mode: str | None = None  # NULLABLE | REPEATED | REQUIRED
    description: str | None = None
    fields: Mapping[str, "Column"] | None = None  # lower-case name → field
    table: str | None = None  # the table it belongs to (project.dataset.table)
    path: tuple[str, ...] = ()  # names from the table's top-level column down to this one
    line: int | None = None  # 0-based line of its entry in `source`

    @property
    def repeated(self) -> bool:
        return self.mode == "REPEATED"

    @property
    def type_label(self) -> str:
        """`ARRAY<RECORD>`-style label for completion details and hovers."""
        t = self.type or "unknown type"
        return f"ARRAY<{t}>" if self.repeated else t

    def renamed(self, name: str) -> "Column":
        """The same column under another name (`x AS y` in a subquery)."""
        return Column(name, self.type, self.mode, self.description, self.fields, self.table, self.path, self.line)


def columns_map(cols) -> Mapping[str, Column]:
    """name → column, keyed by the lower-case name (BigQuery column names ignore case)."""
    out: dict[str, Column] = {}
    for c in cols:
        out.setdefault(c.name.lower(), c)
    return MappingProxyType(out)


@dataclass(eq=False)
class Table:
    """A table or view of the source with its columns."""

    name: str  # project.dataset.table, canonical project
    columns: Mapping[str, Column]  # lower-case name → column
    origin: str  # "schema.yaml" | "columns JSON" | "view.sql"
    source: str | None = None  # the file the columns come from (for go to definition)
    friendly_name: str | None = None
    description: str | None = None
    deprecated: bool = False
    extra: dict = field(default_factory=dict)


def split_name(name: str) -> list[str]:
    """`a.b.c`, `` `a.b.c` ``, `` `a`.b.`c` `` → ["a", "b", "c"]."""
    return [p for p in name.replace("`", "").strip().split(".") if p]


def canonical(parts: list[str] | tuple[str, ...]) -> str | None:
    """The canonical `project.dataset.table` of a 3- or 2-part name, else None.

    `mozdata.X.Y` is `moz-fx-data-shared-prod.X.Y`; `X.Y` is in the default project."""
    parts = [p for p in parts if p]
    if len(parts) == 2:
        parts = [DEFAULT_PROJECT, *parts]
    if len(parts) != 3:
        return None
    project = PROJECT_ALIASES.get(parts[0].lower(), parts[0])
    return f"{project}.{parts[1]}.{parts[2]}".lower()
