"""Editor features: pure functions over an immutable workspace snapshot, `(ws, path, offset) -> plain result`.

No LSP types here; offsets are absolute str indices (code points) into the file text. Names are
imported on first use (the server starts before it needs Jinja or sqlglot).
"""

from importlib import import_module

_WHERE = {
    "CodeAction": "code_actions",
    "code_actions": "code_actions",
    "CompletionItem": "completion",
    "complete": "completion",
    "CursorContext": "context",
    "JinjaContext": "context",
    "analyze": "context",
    "context_at": "context",
    "FoldingRange": "folding",
    "folding_ranges": "folding",
    "Hover": "hover",
    "hover": "hover",
    "Location": "navigation",
    "definition": "navigation",
    "highlights": "navigation",
    "references": "navigation",
    "RenameError": "rename",
    "prepare_rename": "rename",
    "rename": "rename",
    "rendered_sql": "rendered_sql",
    "MODIFIERS": "semantic_tokens",
    "TOKEN_TYPES": "semantic_tokens",
    "tokens": "semantic_tokens",
    "Symbol": "symbols",
    "WorkspaceSymbol": "symbols",
    "document_symbols": "symbols",
    "workspace_symbols": "symbols",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(import_module(f"jetls.features.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'jetls.features' has no attribute {name!r}")
