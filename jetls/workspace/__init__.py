"""The workspace model: which files exist, what each one is, and the slug index (spec §1)."""

from jetls.workspace.index import (
    ANALYSABLE,
    KIND_LABELS,
    KINDS,
    VIEW_LAYERS,
    Definition,
    FileIndex,
    Reference,
    SlugIndex,
    file_index,
    key_span,
    string_span,
)
from jetls.workspace.model import PlatformChoice, SourceFile, Workspace, bulk_allocation, norm
from jetls.workspace.paths import (
    LAYER_CONFIG,
    LAYER_DEFAULTS,
    LAYER_DEFINITIONS,
    LAYER_FUNCTIONS,
    LAYER_JETSTREAM_DEFINITIONS,
    LAYER_LOOKER_DEFINITIONS,
    LAYER_OPMON_DEFINITIONS,
    LAYER_OUTCOME,
    FileInfo,
    classify,
    describe,
    directives,
    find_root,
    is_example,
)

__all__ = [
    "ANALYSABLE", "KIND_LABELS", "KINDS", "VIEW_LAYERS", "Definition", "FileIndex", "FileInfo",
    "LAYER_CONFIG", "LAYER_DEFAULTS", "LAYER_DEFINITIONS", "LAYER_FUNCTIONS",
    "LAYER_JETSTREAM_DEFINITIONS", "LAYER_LOOKER_DEFINITIONS", "LAYER_OPMON_DEFINITIONS",
    "LAYER_OUTCOME", "PlatformChoice", "Reference", "SlugIndex", "SourceFile", "Workspace",
    "bulk_allocation", "classify", "describe", "directives", "file_index", "find_root", "is_example", "key_span",
    "norm", "string_span",
]
