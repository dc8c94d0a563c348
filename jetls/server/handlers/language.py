"""Language features: each converts the LSP request to (snapshot, path, offset), calls the pure
feature function of `jetls.features` and converts its plain result back."""

from __future__ import annotations

import asyncio
from typing import Any

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException

from jetls.server import convert, core
from jetls.server.server import Context, JetlsServer, RequestFailed, guard
from jetls.syntax import LineIndex

TRIGGER_CHARACTERS = ['"', "[", ".", "{", ",", "=", "_"]


COMPLETION_KINDS = {
    "key": lsp.CompletionItemKind.Property,
    "value": lsp.CompletionItemKind.Value,
    "enum": lsp.CompletionItemKind.EnumMember,
    "metric": lsp.CompletionItemKind.Variable,
    "data_source": lsp.CompletionItemKind.Struct,
    "segment": lsp.CompletionItemKind.EnumMember,
    "segment_data_source": lsp.CompletionItemKind.Struct,
    "outcome": lsp.CompletionItemKind.Module,
    "statistic": lsp.CompletionItemKind.Class,
    "pre_treatment": lsp.CompletionItemKind.Class,
    "function": lsp.CompletionItemKind.Function,
    "parameter": lsp.CompletionItemKind.TypeParameter,
    "experiment_attribute": lsp.CompletionItemKind.Field,
    "window": lsp.CompletionItemKind.Constant,
    "snippet": lsp.CompletionItemKind.Snippet,
    "column": lsp.CompletionItemKind.Field,
}

SYMBOL_KINDS = {
    "table": lsp.SymbolKind.Namespace,
    "metric": lsp.SymbolKind.Variable,
    "data_source": lsp.SymbolKind.Struct,
    "segment": lsp.SymbolKind.EnumMember,
    "segment_data_source": lsp.SymbolKind.Struct,
    "statistic": lsp.SymbolKind.Class,
    "window": lsp.SymbolKind.Array,
    "function": lsp.SymbolKind.Function,
    "parameter": lsp.SymbolKind.TypeParameter,
    "dimension": lsp.SymbolKind.Field,
    "alert": lsp.SymbolKind.Event,
    "key": lsp.SymbolKind.Property,
    "outcome": lsp.SymbolKind.Module,
}


# ----------------------------------------------------------------------------- helpers


def _at(ls: JetlsServer, uri: str, position: lsp.Position) -> tuple[Context, int] | None:
    ctx = ls.context(uri)
    if ctx is None or ctx.ws is None:
        return None
    return ctx, convert.offset(ctx.lines, position, ls.encoding)


def _location(ls: JetlsServer, ctx: Context, path: str, start: int, end: int) -> lsp.Location | None:
    lines = ctx.lines if path == ctx.path else ls.lines_of(path, ctx.ws)
    uri = ctx.uri if path == ctx.path else ls.uri_of(path)
    if lines is None or not uri:
        return None
    return lsp.Location(uri=uri, range=convert.range_(lines, start, end, ls.encoding))


def workspace_edit(ls: JetlsServer, ctx: Context, edits: dict[str, list]) -> lsp.WorkspaceEdit:
    """Per-file edits (absolute offsets) -> WorkspaceEdit (documentChanges when supported)."""
    changes: dict[str, list[lsp.TextEdit]] = {}
    versions: dict[str, int | None] = {}
    for path, file_edits in edits.items():
        lines = ctx.lines if path == ctx.path else ls.lines_of(path, ctx.ws)
        uri = ctx.uri if path == ctx.path else ls.uri_of(path)
        if lines is None or not uri:
            continue
        changes[uri] = [
            lsp.TextEdit(range=convert.range_(lines, e.start, e.end, ls.encoding), new_text=e.new_text)
            for e in sorted(file_edits, key=lambda e: (e.start, e.end))
        ]
        doc = ls.docs.get(uri)
        versions[uri] = doc.version if doc is not None else None
    if ls.client.document_changes:
        return lsp.WorkspaceEdit(
            document_changes=[
                lsp.TextDocumentEdit(
                    text_document=lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=versions[uri]),
                    edits=list(te),
                )
                for uri, te in changes.items()
            ]
        )
    return lsp.WorkspaceEdit(changes=changes)


def _markup(ls: JetlsServer, markdown: str) -> lsp.MarkupContent:
    return lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=markdown)


def _symbol(ls: JetlsServer, s: Any, lines: LineIndex) -> lsp.DocumentSymbol:
    enc = ls.encoding
    rng = convert.range_(lines, s.start, s.end, enc)
    sel = convert.range_(lines, s.selection_start, s.selection_end, enc)
    # selectionRange must be contained in range
    if (sel.start.line, sel.start.character) < (rng.start.line, rng.start.character) or (
        sel.end.line,
        sel.end.character,
    ) > (
        rng.end.line,
        rng.end.character,
    ):
        sel = lsp.Range(start=rng.start, end=rng.start)
    return lsp.DocumentSymbol(
        name=s.name or "?",
        kind=SYMBOL_KINDS.get(s.kind, lsp.SymbolKind.Key),
        range=rng,
        selection_range=sel,
        detail=s.detail or None,
        children=[_symbol(ls, c, lines) for c in s.children] or None,
    )


def _flat_symbols(ls: JetlsServer, syms: list, lines: LineIndex, uri: str, container: str | None = None) -> list:
    out = []
    for s in syms:
        out.append(
            lsp.SymbolInformation(
                name=s.name or "?",
                kind=SYMBOL_KINDS.get(s.kind, lsp.SymbolKind.Key),
                location=lsp.Location(uri=uri, range=convert.range_(lines, s.start, s.end, ls.encoding)),
                container_name=container,
            )
        )
        out.extend(_flat_symbols(ls, s.children, lines, uri, s.name))
    return out


# ----------------------------------------------------------------------------- registration


def register(server: JetlsServer) -> None:
    @server.feature(
        lsp.TEXT_DOCUMENT_COMPLETION,
        lsp.CompletionOptions(trigger_characters=TRIGGER_CHARACTERS, resolve_provider=True),
    )
    @guard(None, name="textDocument/completion")
    def completion(ls: JetlsServer, params: lsp.CompletionParams):
        mod = core.feature("completion")
        found = _at(ls, params.text_document.uri, params.position)
        if found is None:
            return None
        ctx, offset = found
        completion_caps = getattr(ls.client_capabilities.text_document, "completion", None)
        item_caps = getattr(completion_caps, "completion_item", None)
        snippets = bool(getattr(item_caps, "snippet_support", False))
        # Documentation (markdown with SQL) is most of the payload: computed and sent on
        # completionItem/resolve when the client asks for it that way.
        resolvable = getattr(getattr(item_caps, "resolve_support", None), "properties", None) or ()
        lazy_docs = "documentation" in resolvable
        items = mod.complete(ctx.ws, ctx.path, offset, with_docs=not lazy_docs)
        # LSP 3.17 item defaults: one shared edit range and resolve data instead of one per item.
        defaults_caps = getattr(getattr(completion_caps, "completion_list", None), "item_defaults", None) or ()
        spans = {it.replace_span for it in items if it.replace_span is not None}
        shared_span = next(iter(spans)) if len(spans) == 1 and "editRange" in defaults_caps else None
        shared_data = lazy_docs and "data" in defaults_caps
        where = {"uri": params.text_document.uri, "line": params.position.line, "character": params.position.character}
        ranges: dict[tuple[int, int], lsp.Range] = {}

        def range_of(span: tuple[int, int]) -> lsp.Range:
            rng = ranges.get(span)
            if rng is None:
                rng = ranges[span] = convert.range_(ctx.lines, span[0], span[1], ls.encoding)
            return rng

        out = []
        for it in items:
            text = it.insert_text if it.insert_text is not None else it.label
            fmt = None
            if it.is_snippet:
                if not snippets:
                    continue
                fmt = lsp.InsertTextFormat.Snippet
            edit = edit_text = insert = None
            if it.replace_span is None:
                insert = text
            elif it.replace_span == shared_span:
                edit_text = text if text != it.label else None
            else:
                edit = lsp.TextEdit(range=range_of(it.replace_span), new_text=text)
            docs = data = None
            if not lazy_docs:
                docs = _markup(ls, it.documentation) if it.documentation else None
            elif not shared_data:
                data = {**where, "label": it.label, "kind": it.kind}
            out.append(
                lsp.CompletionItem(
                    label=it.label,
                    kind=COMPLETION_KINDS.get(it.kind, lsp.CompletionItemKind.Text),
                    detail=it.detail or None,
                    documentation=docs,
                    insert_text=insert,
                    insert_text_format=fmt,
                    text_edit=edit,
                    text_edit_text=edit_text,
                    sort_text=it.sort_text,
                    filter_text=it.filter_text if it.filter_text != it.label else None,
                    data=data,
                    tags=[lsp.CompletionItemTag.Deprecated] if it.deprecated else None,
                )
            )
        defaults = None
        if shared_span is not None or shared_data:
            defaults = lsp.CompletionItemDefaults(
                edit_range=range_of(shared_span) if shared_span is not None else None,
                data=where if shared_data else None,
            )
        return lsp.CompletionList(is_incomplete=False, items=out, item_defaults=defaults)

    @server.feature(lsp.COMPLETION_ITEM_RESOLVE)
    @guard(None, name="completionItem/resolve")
    def completion_resolve(ls: JetlsServer, item: lsp.CompletionItem):
        data = item.data
        mod = core.feature("completion")
        if not isinstance(data, dict):
            return item
        found = _at(
            ls,
            str(data.get("uri")),
            lsp.Position(line=int(data.get("line", 0)), character=int(data.get("character", 0))),
        )
        if found is None:
            return item
        ctx, offset = found
        kind = data.get("kind") or next((k for k, v in COMPLETION_KINDS.items() if v == item.kind), "")
        text = mod.documentation(ctx.ws, ctx.path, offset, item.label, str(kind))
        if text:
            item.documentation = _markup(ls, text)
        return item

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    @guard(None, name="textDocument/hover")
    def hover(ls: JetlsServer, params: lsp.HoverParams):
        mod = core.feature("hover")
        found = _at(ls, params.text_document.uri, params.position)
        if found is None:
            return None
        ctx, offset = found
        h = mod.hover(ctx.ws, ctx.path, offset)
        if h is None:
            return None
        return lsp.Hover(contents=_markup(ls, h.markdown), range=convert.range_(ctx.lines, h.start, h.end, ls.encoding))

    @server.feature(
        lsp.TEXT_DOCUMENT_SIGNATURE_HELP,
        lsp.SignatureHelpOptions(trigger_characters=["(", ","], retrigger_characters=[")"]),
    )
    @guard(None, name="textDocument/signatureHelp")
    def signature_help(ls: JetlsServer, params: lsp.SignatureHelpParams):
        mod = core.feature("sql_help")
        found = _at(ls, params.text_document.uri, params.position)
        if found is None:
            return None
        ctx, offset = found
        sig = mod.signature_help(ctx.ws, ctx.path, offset)
        if sig is None:
            return None
        info = lsp.SignatureInformation(
            label=sig.label,
            documentation=_markup(ls, sig.documentation) if sig.documentation else None,
            parameters=[lsp.ParameterInformation(label=(a, b)) for a, b in sig.parameters],
        )
        return lsp.SignatureHelp(signatures=[info], active_signature=0, active_parameter=sig.active_parameter)

    @server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    @guard(None, name="textDocument/definition")
    def definition(ls: JetlsServer, params: lsp.DefinitionParams):
        mod = core.feature("navigation")
        found = _at(ls, params.text_document.uri, params.position)
        if found is None:
            return None
        ctx, offset = found
        locs = [_location(ls, ctx, t.path, t.start, t.end) for t in mod.definition(ctx.ws, ctx.path, offset)]
        return [loc for loc in locs if loc is not None] or None

    @server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
    @guard(None, name="textDocument/references")
    async def references(ls: JetlsServer, params: lsp.ReferenceParams):
        mod = core.feature("navigation")
        found = _at(ls, params.text_document.uri, params.position)
        if found is None:
            return None
        ctx, offset = found
        include = bool(params.context.include_declaration) if params.context else True
        result = await ls.in_executor(mod.references, ctx.ws, ctx.path, offset, include)
        locs = [_location(ls, ctx, r.path, r.start, r.end) for r in result]
        return [loc for loc in locs if loc is not None]

    @server.feature(lsp.TEXT_DOCUMENT_PREPARE_RENAME)
    @guard(None, name="textDocument/prepareRename")
    def prepare_rename(ls: JetlsServer, params: lsp.PrepareRenameParams):
        mod = core.feature("rename")
        found = _at(ls, params.text_document.uri, params.position)
        if found is None:
            return None
        ctx, offset = found
        try:
            r = mod.prepare_rename(ctx.ws, ctx.path, offset)
        except ValueError as exc:  # a slug that cannot be renamed: say why
            raise RequestFailed(str(exc)) from None
        if r is None:
            return None
        start, end, placeholder = r
        return lsp.PrepareRenamePlaceholder(
            range=convert.range_(ctx.lines, start, end, ls.encoding), placeholder=placeholder
        )

    @server.feature(lsp.TEXT_DOCUMENT_RENAME, lsp.RenameOptions(prepare_provider=True))
    async def rename(ls: JetlsServer, params: lsp.RenameParams):
        try:
            mod = core.feature("rename")
            found = _at(ls, params.text_document.uri, params.position)
            if found is None:
                return None
            ctx, offset = found
            try:
                edits = await ls.in_executor(mod.rename, ctx.ws, ctx.path, offset, params.new_name)
            except ValueError as exc:
                raise RequestFailed(str(exc)) from None
            if not edits:
                return None
            return workspace_edit(ls, ctx, edits)
        except (JsonRpcException, asyncio.CancelledError):
            raise
        except Exception as exc:
            ls.log_exception("textDocument/rename", exc)
            return None

    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @guard(None, name="textDocument/documentSymbol")
    def document_symbol(ls: JetlsServer, params: lsp.DocumentSymbolParams):
        mod = core.feature("symbols")
        ctx = ls.context(params.text_document.uri)
        if ctx is None or ctx.ws is None:
            return None
        syms = mod.document_symbols(ctx.ws, ctx.path)
        if ls.client.hierarchical_symbols:
            return [_symbol(ls, s, ctx.lines) for s in syms]
        return _flat_symbols(ls, syms, ctx.lines, ctx.uri)

    @server.feature(lsp.WORKSPACE_SYMBOL)
    @guard(None, name="workspace/symbol")
    async def workspace_symbol(ls: JetlsServer, params: lsp.WorkspaceSymbolParams):
        mod = core.feature("symbols")
        out = []
        for root in list(ls.roots):
            if root.ws is None:
                continue
            ws = root.ws
            syms = await ls.in_executor(mod.workspace_symbols, ws, params.query or "")
            for s in syms:
                lines = ls.lines_of(s.path, ws)
                uri = ls.uri_of(s.path)
                if lines is None or not uri:
                    continue
                out.append(
                    lsp.SymbolInformation(
                        name=s.name,
                        kind=SYMBOL_KINDS.get(s.kind, lsp.SymbolKind.Key),
                        location=lsp.Location(uri=uri, range=convert.range_(lines, s.start, s.end, ls.encoding)),
                        container_name=s.container or None,
                    )
                )
        return out

    @server.feature(lsp.TEXT_DOCUMENT_FOLDING_RANGE)
    @guard(None, name="textDocument/foldingRange")
    def folding_range(ls: JetlsServer, params: lsp.FoldingRangeParams):
        mod = core.feature("folding")
        ctx = ls.context(params.text_document.uri)
        if ctx is None or ctx.ws is None:
            return None
        out = []
        for f in mod.folding_ranges(ctx.ws, ctx.path):
            kind = lsp.FoldingRangeKind.Comment if f.kind == "comment" else lsp.FoldingRangeKind.Region
            out.append(lsp.FoldingRange(start_line=f.start_line, end_line=f.end_line, kind=kind))
        return out

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(
            code_action_kinds=[
                lsp.CodeActionKind.QuickFix,
                lsp.CodeActionKind.Refactor,
                lsp.CodeActionKind.RefactorRewrite,
                lsp.CodeActionKind.Source,
            ]
        ),
    )
    @guard(None, name="textDocument/codeAction")
    def code_action(ls: JetlsServer, params: lsp.CodeActionParams):
        mod = core.feature("code_actions")
        ctx = ls.context(params.text_document.uri)
        if ctx is None or ctx.ws is None:
            return None
        lines, enc = ctx.lines, ls.encoding
        start, end = convert.span(lines, params.range, enc)
        # the fixes travel with the core's diagnostics (memoised per snapshot); the client's copies
        # are only matched back to be named in each action
        core_diags = ls.diagnose(ctx.ws, ctx.path, ctx.tree, ctx.root, ls.options)
        sent = {
            (d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, str(d.code)): d
            for d in params.context.diagnostics
            if d.source in (None, convert.SOURCE)
        }
        only = params.context.only
        out = []
        for a in mod.code_actions(ctx.ws, ctx.path, start, end, core_diags):
            kind = lsp.CodeActionKind(a.kind) if a.kind in {k.value for k in lsp.CodeActionKind} else a.kind
            if only and not any(
                str(getattr(kind, "value", kind)).startswith(str(getattr(o, "value", o))) for o in only
            ):
                continue
            diags = []
            for d in a.diagnostics:
                r = convert.range_(lines, d.start, d.end, enc)
                match = sent.get((r.start.line, r.start.character, r.end.line, r.end.character, d.code))
                if match is not None:
                    diags.append(match)
            out.append(
                lsp.CodeAction(
                    title=a.title,
                    kind=kind,
                    diagnostics=diags or None,
                    is_preferred=a.is_preferred or None,
                    edit=workspace_edit(ls, ctx, a.edits),
                )
            )
        return out
