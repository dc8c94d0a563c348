"""The Jetstream / metric-hub config language as data — the one source of truth.

Drives validation, completion, hover and the published JSON Schemas (``schemas/``).
No I/O at import; no LSP types.
"""

from __future__ import annotations

from collections.abc import Sequence

from .catalog import (
    ANALYSIS_BASES,
    ANALYSIS_UNITS,
    ENROLLMENTS_QUERY_TYPES,
    EXPERIMENTS_COLUMN_TYPES,
    EXPOSURE_WINDOW_NAMES,
    PERIODS,
    PLATFORMS,
    TOP_LEVEL_KEYS,
    WINDOW_DOCS,
    WINDOWS,
    file_schema,
)
from .jsonschema import SCHEMA_FILES, json_schema, write_json_schemas
from .kinds import DEFAULT_TOOL, TOOLS, FileKind
from .model import SLUG_RE, Field, Node, Param, Platform, PreTreatment, Section, Statistic, is_valid_slug
from .statistics import (
    PRE_TREATMENTS,
    STATISTICS,
    pre_treatment_schema,
    statistic_section,
    statistics_section,
)


def lookup(kind: FileKind, path: Sequence[str], tool: str | None = None) -> Field | Section | None:
    """The schema node at a key path, e.g. ``("metrics", "active_hours", "statistics",
    "bootstrap_mean", "num_samples")``; ``()`` gives the root. None if the path leaves the
    schema (unknown key, or a key below a plain field)."""
    node: Field | Section = file_schema(kind, tool)
    for key in path:
        if not isinstance(node, Section):
            return None
        child = node.child(key)
        if child is None:
            return None
        node = child
    return node


def lookup_chain(kind: FileKind, path: Sequence[str], tool: str | None = None) -> list[Field | Section] | None:
    """Like :func:`lookup` but returns every node along the path (root first)."""
    node: Field | Section = file_schema(kind, tool)
    chain = [node]
    for key in path:
        if not isinstance(node, Section):
            return None
        child = node.child(key)
        if child is None:
            return None
        node = child
        chain.append(node)
    return chain


__all__ = [
    "SLUG_RE",
    "is_valid_slug",
    "ANALYSIS_BASES",
    "ANALYSIS_UNITS",
    "DEFAULT_TOOL",
    "ENROLLMENTS_QUERY_TYPES",
    "EXPERIMENTS_COLUMN_TYPES",
    "EXPOSURE_WINDOW_NAMES",
    "Field",
    "FileKind",
    "Node",
    "PERIODS",
    "PLATFORMS",
    "PRE_TREATMENTS",
    "Param",
    "Platform",
    "PreTreatment",
    "SCHEMA_FILES",
    "STATISTICS",
    "Section",
    "Statistic",
    "TOOLS",
    "TOP_LEVEL_KEYS",
    "WINDOWS",
    "WINDOW_DOCS",
    "file_schema",
    "json_schema",
    "lookup",
    "lookup_chain",
    "pre_treatment_schema",
    "statistic_section",
    "statistics_section",
    "write_json_schemas",
]
