"""The data types of the schema: plain frozen dataclasses, no behaviour beyond small helpers.

Vocabulary used by the fields below:

``types`` (TOML value types accepted): ``"string"``, ``"integer"``, ``"float"``, ``"boolean"``,
``"date"`` (a TOML local date), ``"array"``, ``"table"``, ``"any"``. A float field that also
accepts integers lists both (``("float", "integer")``).

``template``:
    ``None``                  plain string;
    ``"jinja"``               always rendered with Jinja2 (StrictUndefined);
    ``"jinja-if-experiment"`` rendered only if it contains ``{{`` and references ``experiment``
                              (data source ``from_expression``, spec §5.1);
    ``"format"``              a Python ``str.format`` template only (functions ``definition``).
``template_scope``: names visible to Jinja: ``"functions"`` (the ``agg_*`` globals),
    ``"parameters"``, ``"experiment"``.
``format_vars``: ``str.format`` placeholders substituted *after* Jinja (``("dataset",)`` for
    data source ``from_expression``, ``("select_expr",)`` for function definitions); any other
    single brace is an error there and literal braces must be doubled.
``sql``: what the (rendered) string must be: ``"expression"`` (a scalar/aggregate/boolean SQL
    expression), ``"from"`` (a table name or a parenthesised sub-query), ``"query"`` (a full
    SELECT).
``reference`` (what a string, or each array element, names): ``"metric"``, ``"data_source"``,
    ``"segment"``, ``"segment_data_source"``, ``"outcome"``, ``"function"``, ``"parameter"``,
    ``"dimension"``, ``"alert"``, ``"pre_treatment"``, ``"branch"``.
``enum`` constrains string values (for arrays: string elements); when a field also accepts
    integers (exposure ``window_start``) integers are not constrained by it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any, Union

TOML_TYPES: tuple[str, ...] = ("string", "integer", "float", "boolean", "date", "array", "table", "any")


@dataclass(frozen=True)
class Field:
    """A key whose value is not a schema'd sub-table."""

    name: str
    doc: str
    types: tuple[str, ...]
    items: str | tuple[str, ...] | None = None  # element type(s) of arrays
    enum: tuple[str, ...] | None = None
    enum_docs: Mapping[str, str] | None = None
    case_insensitive_enum: bool = False
    required: bool = False
    default: Any = None
    reference: str | None = None
    template: str | None = None
    template_scope: tuple[str, ...] = ()
    sql: str | None = None
    format: str | None = None
    ignored: bool = False
    deprecated: str | None = None
    # --- additions ---
    # Types the reference accepts by *coercion* (e.g. a float for an integer, truncated): a
    # checker should warn, not error; the JSON Schemas accept them.
    coerced_types: tuple[str, ...] = ()
    # Enum values matched case-insensitively when case_insensitive_enum is False
    # (experiments_column_type: only "none" is, "Native" is rejected).
    case_insensitive_values: tuple[str, ...] = ()
    format_vars: tuple[str, ...] = ()  # str.format placeholders (after Jinja)
    values: str | None = None  # value type of a free-form table value
    item_items: str | None = None  # element type of nested arrays (featmon ratios)
    minimum: float | None = None
    maximum: float | None = None
    replacement: str | None = None  # for typos/ignored keys: the key probably meant
    # Ignored keys that belong to the table named by this table's `data_source` (of that kind):
    # reported with where they belong by the rule that resolves it, not by the schema walk.
    belongs_to: str | None = None
    # The parser release that introduced the key (`jetls.schema.versions`); before it, the key is
    # unknown to the reference.
    since: str | None = None

    @property
    def item_types(self) -> tuple[str, ...]:
        """Element types of an array field as a tuple (``()`` if unspecified)."""
        if self.items is None:
            return ()
        return (self.items,) if isinstance(self.items, str) else tuple(self.items)

    def accepts(self, toml_type: str) -> bool:
        """Whether a value of this TOML type is accepted."""
        return "any" in self.types or toml_type in self.types

    def enum_matches(self, value: str) -> bool:
        """Whether a string value belongs to the closed vocabulary (True if there is none)."""
        if self.enum is None:
            return True
        if value in self.enum:
            return True
        if self.case_insensitive_enum:
            return value.lower() in {e.lower() for e in self.enum}
        return value.lower() in self.case_insensitive_values


@dataclass(frozen=True)
class Section:
    """A table."""

    name: str
    doc: str
    fields: Mapping[str, Union["Field", "Section"]] = dc_field(default_factory=dict)
    entries: Union["Section", "Field", None] = None
    entry_reference: str | None = None
    unknown_keys: str = "warning"  # "warning" | "error" (spec §2.2)
    keys_case_insensitive: bool = False
    required: bool = False
    ignored: bool = False
    # --- additions ---
    entry_key_reference: str | None = None  # free keys REFER to this kind (joins: data sources)
    entries_case_insensitive: bool = False  # slugs lower-cased (OpMon dimensions/alerts/groups)
    deprecated: str | None = None
    types: tuple[str, ...] = ("table",)
    replacement: str | None = None

    def field(self, key: str) -> Union["Field", "Section", None]:
        """The schema of fixed key ``key`` (honouring case-insensitivity), else None."""
        node = self.fields.get(key)
        if node is None and self.keys_case_insensitive:
            node = self.fields.get(key.lower())
        return node

    def child(self, key: str) -> Union["Field", "Section", None]:
        """The schema of ``key``: a fixed key, else the entry schema, else None."""
        node = self.field(key)
        if node is not None:
            return node
        return self.entries

    def is_entry(self, key: str) -> bool:
        """True if ``key`` is a free (slug) key rather than a fixed one."""
        return self.field(key) is None and self.entries is not None

    @property
    def required_keys(self) -> tuple[str, ...]:
        return tuple(k for k, v in self.fields.items() if v.required)


Node = Union[Field, Section]


@dataclass(frozen=True)
class Param:
    """A keyword parameter of a statistic or pre-treatment."""

    name: str
    doc: str
    types: tuple[str, ...]
    default: Any = None
    required: bool = False
    enum: tuple[str, ...] | None = None
    items: str | None = None
    reference: str | None = None
    enum_docs: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Statistic:
    name: str
    doc: str
    params: Mapping[str, Param] = dc_field(default_factory=dict)
    tool: str = "jetstream"
    output: str | None = None  # value of the `statistic` column in results (Jetstream)


@dataclass(frozen=True)
class PreTreatment:
    name: str
    doc: str
    params: Mapping[str, Param] = dc_field(default_factory=dict)


@dataclass(frozen=True)
class Platform:
    """A row of spec §1.3."""

    name: str
    jetstream_analysable: bool
    app_id: str | None
    enrollments_query_type: str | None
    doc: str = ""


#: A valid slug (spec §1.6, `mcp/util.py` `is_valid_slug`): metric, data source, segment and
#: parameter names become BigQuery identifiers.
SLUG_RE = re.compile(r"^[a-zA-Z0-9_]+$")


def is_valid_slug(name: str) -> bool:
    return SLUG_RE.match(name) is not None
