"""The typed view of one TOML file and TOML's semantic rules (knows nothing of Jetstream or LSP)."""

from jetls.document.model import (
    SEMANTIC_CODE,
    SYNTAX_CODE,
    Entry,
    Item,
    Table,
    TableArray,
    TomlDocument,
    build,
    unit_key,
    value_to_python,
)

__all__ = [
    "SEMANTIC_CODE",
    "SYNTAX_CODE",
    "Entry",
    "Item",
    "Table",
    "TableArray",
    "TomlDocument",
    "build",
    "unit_key",
    "value_to_python",
]
