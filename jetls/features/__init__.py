"""Editor features: pure functions over an immutable workspace snapshot, `(ws, path, offset) -> plain result`.

No LSP types here; offsets are absolute str indices (code points) into the file text.
"""

from jetls.features.code_actions import CodeAction, code_actions
from jetls.features.completion import CompletionItem, complete
from jetls.features.context import CursorContext, JinjaContext, analyze, context_at
from jetls.features.folding import FoldingRange, folding_ranges
from jetls.features.hover import Hover, hover
from jetls.features.navigation import Location, TextEdit, definition, prepare_rename, references, rename
from jetls.features.rendered_sql import rendered_sql
from jetls.features.semantic_tokens import MODIFIERS, TOKEN_TYPES, tokens
from jetls.features.symbols import Symbol, WorkspaceSymbol, document_symbols, workspace_symbols

__all__ = [
    "CodeAction", "CompletionItem", "CursorContext", "FoldingRange", "Hover", "JinjaContext", "Location",
    "MODIFIERS", "Symbol", "TOKEN_TYPES", "TextEdit", "WorkspaceSymbol", "analyze", "code_actions", "complete",
    "context_at", "definition", "document_symbols", "folding_ranges", "hover", "prepare_rename", "references",
    "rename", "rendered_sql", "tokens", "workspace_symbols",
]
