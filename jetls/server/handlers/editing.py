"""Editing aids: inlay hints, code lenses, document highlights, selection ranges, linked editing,
document links and semantic tokens (full, range and delta). Each converts the request to the
core's plain values and back."""

from __future__ import annotations

from typing import Any

from lsprotocol import types as lsp

from jetls.server import convert, core
from jetls.server.server import Context, JetlsServer, guard

#: Semantic tokens sent per document (result id → data), for delta requests.
_MAX_TOKEN_RESULTS = 64


def _legend() -> lsp.SemanticTokensLegend:
    mod = core.feature("semantic_tokens")
    return lsp.SemanticTokensLegend(token_types=list(mod.TOKEN_TYPES), token_modifiers=list(mod.MODIFIERS))


def _ctx(ls: JetlsServer, uri: str) -> Context | None:
    ctx = ls.context(uri)
    return ctx if ctx is not None and ctx.ws is not None else None


def _encode_tokens(ls: JetlsServer, ctx: Context, start: int = 0, end: int | None = None) -> list[int]:
    """LSP's relative encoding of the file's tokens (in [start, end) when given)."""
    mod = core.feature("semantic_tokens")
    types_ = list(mod.TOKEN_TYPES)
    mods = list(mod.MODIFIERS)
    lines = ctx.lines
    enc = ls.encoding
    data: list[int] = []
    prev_line = prev_col = 0
    for s, e, typ, modifiers in mod.tokens(ctx.ws, ctx.path):
        if e < start or (end is not None and s > end):
            continue
        line, col = lines.position(s, enc)
        eline, ecol = lines.position(e, enc)
        length = ecol - col if eline == line else lines.position(lines.starts[line + 1] - 1, enc)[1] - col
        if length <= 0 or typ not in types_:
            continue
        bits = 0
        for m in modifiers:
            if m in mods:
                bits |= 1 << mods.index(m)
        dl = line - prev_line
        dc = col - prev_col if dl == 0 else col
        data += [dl, dc, length, types_.index(typ), bits]
        prev_line, prev_col = line, col
    return data


def _delta(old: list[int], new: list[int]) -> list[lsp.SemanticTokensEdit]:
    """One edit replacing what differs between the common prefix and suffix (tokens are groups
    of five integers; the edit is aligned to them)."""
    n = min(len(old), len(new))
    a = 0
    while a < n and old[a] == new[a]:
        a += 1
    a -= a % 5
    b = 0
    while b < n - a and old[len(old) - 1 - b] == new[len(new) - 1 - b]:
        b += 1
    b -= b % 5
    if a == len(old) == len(new):
        return []
    return [lsp.SemanticTokensEdit(start=a, delete_count=len(old) - a - b, data=new[a : len(new) - b])]


def register(server: JetlsServer) -> None:
    token_results: dict[str, tuple[str, list[int]]] = {}  # uri -> (result id, data)
    counter = [0]

    def remember(uri: str, data: list[int]) -> str:
        counter[0] += 1
        rid = str(counter[0])
        token_results.pop(uri, None)
        token_results[uri] = (rid, data)
        while len(token_results) > _MAX_TOKEN_RESULTS:
            token_results.pop(next(iter(token_results)))
        return rid

    @server.feature(
        lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL,
        lsp.SemanticTokensRegistrationOptions(
            legend=_legend(),
            full=lsp.SemanticTokensFullDelta(delta=True),
            range=True,
            document_selector=[lsp.TextDocumentFilterLanguage(language="toml")],
        ),
    )
    @guard(None, name="textDocument/semanticTokens/full")
    def semantic_tokens(ls: JetlsServer, params: lsp.SemanticTokensParams):
        ctx = _ctx(ls, params.text_document.uri)
        if ctx is None:
            return lsp.SemanticTokens(data=[])
        data = _encode_tokens(ls, ctx)
        return lsp.SemanticTokens(data=data, result_id=remember(params.text_document.uri, data))

    @server.feature(lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL_DELTA)
    @guard(None, name="textDocument/semanticTokens/full/delta")
    def semantic_tokens_delta(ls: JetlsServer, params: lsp.SemanticTokensDeltaParams):
        uri = params.text_document.uri
        ctx = _ctx(ls, uri)
        if ctx is None:
            return lsp.SemanticTokens(data=[])
        data = _encode_tokens(ls, ctx)
        previous = token_results.get(uri)
        rid = remember(uri, data)
        if previous is None or previous[0] != params.previous_result_id:
            return lsp.SemanticTokens(data=data, result_id=rid)
        return lsp.SemanticTokensDelta(edits=_delta(previous[1], data), result_id=rid)

    @server.feature(lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE)
    @guard(None, name="textDocument/semanticTokens/range")
    def semantic_tokens_range(ls: JetlsServer, params: lsp.SemanticTokensRangeParams):
        ctx = _ctx(ls, params.text_document.uri)
        if ctx is None:
            return lsp.SemanticTokens(data=[])
        start, end = convert.span(ctx.lines, params.range, ls.encoding)
        return lsp.SemanticTokens(data=_encode_tokens(ls, ctx, start, end))

    @server.feature(lsp.TEXT_DOCUMENT_INLAY_HINT, lsp.InlayHintOptions(resolve_provider=False))
    @guard(None, name="textDocument/inlayHint")
    def inlay_hint(ls: JetlsServer, params: lsp.InlayHintParams):
        ctx = _ctx(ls, params.text_document.uri)
        if ctx is None:
            return None
        mod = core.feature("inlay_hints")
        start, end = convert.span(ctx.lines, params.range, ls.encoding)
        out = []
        for h in mod.inlay_hints(ctx.ws, ctx.path, start, end):
            line, col = ctx.lines.position(h.offset, ls.encoding)
            out.append(
                lsp.InlayHint(
                    position=lsp.Position(line=line, character=col),
                    label=h.label,
                    kind=lsp.InlayHintKind.Type if h.kind == "type" else lsp.InlayHintKind.Parameter,
                    tooltip=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=h.tooltip) if h.tooltip else None,
                    padding_left=h.padding_left,
                )
            )
        return out

    def lens_to_lsp(ls: JetlsServer, ctx: Context, lens: Any, uri: str) -> lsp.CodeLens:
        rng = convert.range_(ctx.lines, lens.start, lens.end, ls.encoding)
        command = None
        if lens.title is not None:
            if lens.command == "jetls.showReferences":
                locations = []
                for path, s, e in lens.arguments:
                    lines = ls.lines_of(path, ctx.ws)
                    target = ls.uri_of(path)
                    if lines is not None and target:
                        locations.append(lsp.Location(uri=target, range=convert.range_(lines, s, e, ls.encoding)))
                args = [uri, rng.start, locations]
            else:
                args = [uri, rng.start]
            command = lsp.Command(
                title=lens.title, command=lens.command or "", arguments=args if lens.command else None
            )
        data = (
            None
            if command is not None
            else {
                "uri": uri,
                "start": lens.start,
                "end": lens.end,
                "kind": lens.kind,
                "slug_kind": lens.slug_kind,
                "slug": lens.slug,
            }
        )
        return lsp.CodeLens(range=rng, command=command, data=data)

    @server.feature(lsp.TEXT_DOCUMENT_CODE_LENS, lsp.CodeLensOptions(resolve_provider=True))
    @guard(None, name="textDocument/codeLens")
    def code_lens(ls: JetlsServer, params: lsp.CodeLensParams):
        ctx = _ctx(ls, params.text_document.uri)
        if ctx is None:
            return None
        mod = core.feature("code_lens")
        return [lens_to_lsp(ls, ctx, lens, params.text_document.uri) for lens in mod.code_lenses(ctx.ws, ctx.path)]

    @server.feature(lsp.CODE_LENS_RESOLVE)
    @guard(None, name="codeLens/resolve")
    async def code_lens_resolve(ls: JetlsServer, lens: lsp.CodeLens):
        data = lens.data if isinstance(lens.data, dict) else None
        if data is None or lens.command is not None:
            return lens
        uri = str(data.get("uri"))
        ctx = _ctx(ls, uri)
        if ctx is None:
            return lens
        mod = core.feature("code_lens")
        plain = mod.CodeLens(
            int(data["start"]), int(data["end"]), str(data["kind"]), str(data["slug_kind"]), str(data["slug"])
        )
        resolved = await ls.in_executor(mod.resolve, ctx.ws, ctx.path, plain)
        return lens_to_lsp(ls, ctx, resolved, uri)

    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
    @guard(None, name="textDocument/documentHighlight")
    def document_highlight(ls: JetlsServer, params: lsp.DocumentHighlightParams):
        ctx = _ctx(ls, params.text_document.uri)
        if ctx is None:
            return None
        offset = convert.offset(ctx.lines, params.position, ls.encoding)
        mod = core.feature("navigation")
        return [
            lsp.DocumentHighlight(
                range=convert.range_(ctx.lines, s, e, ls.encoding),
                kind=lsp.DocumentHighlightKind.Write if definition else lsp.DocumentHighlightKind.Read,
            )
            for s, e, definition in mod.highlights(ctx.ws, ctx.path, offset)
        ] or None

    @server.feature(lsp.TEXT_DOCUMENT_SELECTION_RANGE)
    @guard(None, name="textDocument/selectionRange")
    def selection_range(ls: JetlsServer, params: lsp.SelectionRangeParams):
        ctx = _ctx(ls, params.text_document.uri)
        if ctx is None:
            return None
        mod = core.feature("structure")
        offsets = [convert.offset(ctx.lines, p, ls.encoding) for p in params.positions]
        out = []
        for off, spans in zip(offsets, mod.selection_ranges(ctx.ws, ctx.path, offsets), strict=True):
            parent = None
            for s, e in reversed(spans or [(off, off)]):
                parent = lsp.SelectionRange(range=convert.range_(ctx.lines, s, e, ls.encoding), parent=parent)
            out.append(parent)
        return out

    @server.feature(lsp.TEXT_DOCUMENT_LINKED_EDITING_RANGE)
    @guard(None, name="textDocument/linkedEditingRange")
    def linked_editing(ls: JetlsServer, params: lsp.LinkedEditingRangeParams):
        ctx = _ctx(ls, params.text_document.uri)
        if ctx is None:
            return None
        mod = core.feature("structure")
        spans = mod.linked_ranges(ctx.ws, ctx.path, convert.offset(ctx.lines, params.position, ls.encoding))
        if not spans:
            return None
        return lsp.LinkedEditingRanges(
            ranges=[convert.range_(ctx.lines, s, e, ls.encoding) for s, e in spans], word_pattern=mod.SLUG_PATTERN
        )

    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_LINK, lsp.DocumentLinkOptions(resolve_provider=False))
    @guard(None, name="textDocument/documentLink")
    def document_link(ls: JetlsServer, params: lsp.DocumentLinkParams):
        ctx = _ctx(ls, params.text_document.uri)
        if ctx is None:
            return None
        mod = core.feature("structure")
        out = []
        for link in mod.document_links(ctx.ws, ctx.path):
            target = ls.uri_of(link.target)
            lines = ls.lines_of(link.target, ctx.ws) if link.target_offset else None
            if not target:
                continue
            if lines is not None:
                target += f"#L{lines.line_of(link.target_offset) + 1}"
            out.append(
                lsp.DocumentLink(
                    range=convert.range_(ctx.lines, link.start, link.end, ls.encoding),
                    target=target,
                    tooltip=link.tooltip,
                )
            )
        return out
