"""End to end on a copy of the real metric-hub corpus (skipped when the corpus is absent)."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from conftest import SERVER_CMD, Doc, accept_registrations, apply_edits, text_at, uri_of, wait_for

pytestmark = pytest.mark.asyncio(loop_scope="module")

EXPERIMENT = "reminder-set-firefox-as-default.toml"


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER_CMD))
async def client(lsp_client: LanguageClient, request):
    root = request.getfixturevalue("corpus_root")
    accept_registrations(lsp_client)
    await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            workspace_folders=[lsp.WorkspaceFolder(uri=uri_of(root), name="metric-hub")],
        )
    )
    lsp_client.root = root
    yield
    await lsp_client.shutdown_session()


def _ended(client) -> bool:
    return any(isinstance(r, lsp.WorkDoneProgressEnd) for reports in client.progress_reports.values() for r in reports)


def errors(ds):
    return [d for d in ds if d.severity == lsp.DiagnosticSeverity.Error]


async def test_real_experiment_typo_fix_and_navigation(client):
    await wait_for(lambda: _ended(client), timeout=30)
    doc = Doc(client, client.root / "jetstream" / EXPERIMENT)
    baseline = await doc.diagnostics()
    base_errors = {(d.code, d.range.start.line) for d in errors(baseline)}
    # a typo in the weekly window list, typed incrementally
    doc.replace("'search_count'", "'search_countt'")
    ds = await doc.diagnostics(lambda ds: any("search_countt" in d.message for d in ds))
    (d,) = [d for d in ds if "search_countt" in d.message]
    assert d.code == "JET201" and d.severity == lsp.DiagnosticSeverity.Error
    assert text_at(doc.text, d.range) == "search_countt"
    assert doc.text.splitlines()[d.range.start.line].startswith("weekly = ")
    # quick fix
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(text_document=doc.ident(), range=d.range, context=lsp.CodeActionContext(diagnostics=[d]))
    )
    fix = next(a for a in actions if a.is_preferred)
    fixed = apply_edits(doc.text, fix.edit.document_changes[0].edits)
    assert "'search_count'" in fixed and "search_countt" not in fixed
    doc.replace("'search_countt'", "'search_count'")
    ds = await doc.diagnostics(lambda ds: not any("search_countt" in d.message for d in ds))
    assert {(d.code, d.range.start.line) for d in errors(ds)} == base_errors
    # completion after a quote in the window list
    doc.replace("'unenroll',", "'unenroll', 'uri_c',")
    result = await client.text_document_completion_async(
        lsp.CompletionParams(text_document=doc.ident(), position=doc.pos("'uri_c'", delta=6))
    )
    assert "uri_count" in [i.label for i in result.items]
    # hover / definition of a metric defined in definitions/firefox_desktop.toml
    pos = doc.pos("'active_hours'", delta=3)
    hover = await client.text_document_hover_async(lsp.HoverParams(text_document=doc.ident(), position=pos))
    assert "Active hours" in hover.contents.value
    locs = await client.text_document_definition_async(lsp.DefinitionParams(text_document=doc.ident(), position=pos))
    defs = client.root / "definitions" / "firefox_desktop.toml"
    (loc,) = [l for l in locs if l.uri == uri_of(defs)]
    assert defs.read_text().splitlines()[loc.range.start.line] == "[metrics.active_hours]"
    refs = await client.text_document_references_async(
        lsp.ReferenceParams(text_document=doc.ident(), position=pos, context=lsp.ReferenceContext(include_declaration=True))
    )
    assert len({r.uri for r in refs}) > 3
    doc.close()


async def test_big_definitions_file(client):
    await wait_for(lambda: _ended(client), timeout=30)
    doc = Doc(client, client.root / "definitions" / "firefox_desktop.toml")
    await doc.diagnostics()
    doc.replace('data_source = "clients_daily"', 'data_source = "clients_dailyy"')
    ds = await doc.diagnostics(lambda ds: any("clients_dailyy" in d.message for d in ds))
    (d,) = [d for d in ds if "clients_dailyy" in d.message]
    assert text_at(doc.text, d.range) == "clients_dailyy"
    doc.replace('data_source = "clients_dailyy"', 'data_source = "clients_daily"')
    await doc.diagnostics(lambda ds: not any("clients_dailyy" in d.message for d in ds))
    syms = await client.text_document_document_symbol_async(lsp.DocumentSymbolParams(text_document=doc.ident()))
    assert len(syms) >= 2
    doc.close()
