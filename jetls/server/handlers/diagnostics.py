"""Pull diagnostics: textDocument/diagnostic (resultId -> Unchanged) and workspace/diagnostic."""

from __future__ import annotations

from lsprotocol import types as lsp
from pygls import uris

from jetls.server.server import JetlsServer, guard

OPTIONS = lsp.DiagnosticOptions(identifier="jetls", inter_file_dependencies=True, workspace_diagnostics=True)


def _empty_document_report():
    return lsp.RelatedFullDocumentDiagnosticReport(items=[])


def _empty_workspace_report():
    return lsp.WorkspaceDiagnosticReport(items=[])


async def document_report(ls: JetlsServer, uri: str, previous: str | None):
    ctx = ls.context(uri)
    if ctx is None:
        return lsp.RelatedFullDocumentDiagnosticReport(items=[])
    result_id = ls.result_id(ctx)
    if previous is not None and previous == result_id:
        return lsp.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
    cached = ls._pull_cache.get(uri)
    if cached is not None and cached[0] == result_id:
        items = cached[1]
    else:
        diags = await ls.in_executor(ls.diagnose, ctx.ws, ctx.path, ctx.tree, ctx.root, ls.options)
        items = ls.to_lsp(diags, uri, ctx.lines, ctx.ws)
        if ctx.doc is not None:
            ls._pull_cache[uri] = (result_id, items)
    return lsp.RelatedFullDocumentDiagnosticReport(items=items, result_id=result_id)


def register(server: JetlsServer) -> None:
    @server.feature(lsp.TEXT_DOCUMENT_DIAGNOSTIC, OPTIONS)
    @guard(_empty_document_report, name="textDocument/diagnostic")
    async def document_diagnostic(ls: JetlsServer, params: lsp.DocumentDiagnosticParams):
        return await document_report(ls, params.text_document.uri, params.previous_result_id)

    @server.feature(lsp.WORKSPACE_DIAGNOSTIC)
    @guard(_empty_workspace_report, name="workspace/diagnostic")
    async def workspace_diagnostic(ls: JetlsServer, params: lsp.WorkspaceDiagnosticParams):
        previous = {p.uri: p.value for p in params.previous_result_ids or []}
        items: list[lsp.WorkspaceDocumentDiagnosticReport] = []
        for root in list(ls.roots):
            if root.loose or not root.loaded:
                continue
            ws, generation = root.ws, root.generation
            for path in sorted(ws.files):
                if root.generation != generation:
                    # A shared file changed under the pass (typing in definitions/): what is left
                    # would be checked against a stale snapshot; the client's next pull has it.
                    break
                uri = uris.from_fs_path(path)
                if not uri:
                    continue
                doc = ls.docs.get(uri)
                report = await document_report(ls, uri, previous.get(uri))
                version = doc.version if doc is not None else None
                if isinstance(report, lsp.RelatedUnchangedDocumentDiagnosticReport):
                    items.append(
                        lsp.WorkspaceUnchangedDocumentDiagnosticReport(
                            uri=uri, version=version, result_id=report.result_id
                        )
                    )
                else:
                    items.append(
                        lsp.WorkspaceFullDocumentDiagnosticReport(
                            uri=uri, version=version, items=report.items, result_id=report.result_id
                        )
                    )
        return lsp.WorkspaceDiagnosticReport(items=items)
