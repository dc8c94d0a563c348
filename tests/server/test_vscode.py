"""End to end, VS Code 1.65 capabilities (push diagnostics, UTF-16, dynamic file watching)."""

from __future__ import annotations

import asyncio

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from conftest import SERVER_CMD, accept_registrations, Doc, apply_edits, text_at, uri_of, wait_for

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER_CMD))
async def client(lsp_client: LanguageClient, request):
    root = request.getfixturevalue("fixture_root")
    accept_registrations(lsp_client)
    lsp_client.set_configuration({"jetls": {"platform": "firefox_desktop"}})
    await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            workspace_folders=[lsp.WorkspaceFolder(uri=uri_of(root), name="metric-hub")],
            initialization_options={"platform": "firefox_desktop"},
        )
    )
    lsp_client.root = root
    yield
    await lsp_client.shutdown_session()


def _ended(client) -> bool:
    return any(isinstance(r, lsp.WorkDoneProgressEnd) for reports in client.progress_reports.values() for r in reports)


async def test_indexing_reports_progress(client):
    try:
        await wait_for(lambda: _ended(client))
    except AssertionError:
        print([m.message for m in client.log_messages], client.progress_reports)
        raise
    reports = [r for rs in client.progress_reports.values() for r in rs]
    assert isinstance(reports[0], lsp.WorkDoneProgressBegin)
    assert "index" in reports[0].title
    assert isinstance(reports[-1], lsp.WorkDoneProgressEnd)


def errors(ds):
    return [d for d in ds if d.severity == lsp.DiagnosticSeverity.Error]


async def test_syntax_error_in_one_table_keeps_the_rest(client):
    await wait_for(lambda: _ended(client))
    path = client.root / "jetstream" / "broken.toml"
    text = '[experiment\nenrollment_period = 7\n\n[metrics]\nweekly = ["active_hours"]\nweekly = ["uri_count"]\n'
    path.write_text(text)
    doc = Doc(client, path)
    ds = await doc.diagnostics(lambda ds: len(errors(ds)) >= 2)
    by_line = {d.range.start.line: d for d in errors(ds)}
    assert 0 in by_line
    # the duplicate key in the later table is still reported
    dup = by_line[5]
    assert text_at(doc.text, dup.range) == "weekly"
    assert dup.source == "jetls" and dup.code
    assert dup.code_description.href == "https://github.com/mozilla/jetls/blob/main/docs/diagnostics.md#" + dup.code.lower()
    assert dup.related_information and dup.related_information[0].location.range.start.line == 4
    doc.close()
    path.unlink()


async def test_typo_then_fix(client):
    await wait_for(lambda: _ended(client))
    doc = Doc(client, client.root / "jetstream" / "my-experiment.toml")
    await doc.diagnostics(lambda ds: not errors(ds))
    doc.replace("active_hours", "active_hourz")  # incremental change inside the weekly list
    ds = await doc.diagnostics(lambda ds: len(errors(ds)) == 1)
    (d,) = errors(ds)
    assert d.code == "JET201"
    assert text_at(doc.text, d.range) == "active_hourz"
    assert d.range.start.line == 4
    assert "active_hours" in d.message
    # quick fix from the diagnostic's data
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(text_document=doc.ident(), range=d.range, context=lsp.CodeActionContext(diagnostics=[d]))
    )
    fix = next(a for a in actions if a.kind == lsp.CodeActionKind.QuickFix and "active_hours" in a.title)
    (change,) = fix.edit.document_changes
    assert change.text_document.uri == doc.uri and change.text_document.version == doc.version
    fixed = apply_edits(doc.text, change.edits)
    assert fixed == doc.text.replace("active_hourz", "active_hours")
    # apply it the way an editor would (incremental change) -> the diagnostic goes
    doc.replace("active_hourz", "active_hours")
    await doc.diagnostics(lambda ds: not errors(ds))
    doc.close()


async def test_completion_in_window_list(client):
    await wait_for(lambda: _ended(client))
    doc = Doc(client, client.root / "jetstream" / "other-experiment.toml")
    doc.replace('weekly = ["active_hours"]', 'weekly = ["active_hours", "uri_c"]')
    result = await client.text_document_completion_async(
        lsp.CompletionParams(text_document=doc.ident(), position=doc.pos('"uri_c', delta=6),
                             context=lsp.CompletionContext(trigger_kind=lsp.CompletionTriggerKind.Invoked))
    )
    labels = [i.label for i in result.items]
    assert "uri_count" in labels
    item = next(i for i in result.items if i.label == "uri_count")
    assert item.kind == lsp.CompletionItemKind.Variable
    if item.text_edit is not None:
        assert apply_edits(doc.text, [item.text_edit]).count('"uri_count"') == 2
    # VS Code resolves documentation lazily: the list carries none, resolve fills it in.
    assert item.documentation is None and item.data is not None
    resolved = await client.completion_item_resolve_async(item)
    assert "URIs visited" in resolved.documentation.value
    doc.close()


async def test_hover_and_definition(client):
    await wait_for(lambda: _ended(client))
    doc = Doc(client, client.root / "jetstream" / "my-experiment.toml")
    pos = doc.pos("active_hours", nth=1, delta=3)
    hover = await client.text_document_hover_async(lsp.HoverParams(text_document=doc.ident(), position=pos))
    assert "Active hours" in hover.contents.value
    assert text_at(doc.text, hover.range) in ("active_hours", '"active_hours"')
    defs = await client.text_document_definition_async(lsp.DefinitionParams(text_document=doc.ident(), position=pos))
    (loc,) = defs
    defs_path = client.root / "definitions" / "firefox_desktop.toml"
    assert loc.uri == uri_of(defs_path)
    assert loc.range.start.line == 0  # [metrics.active_hours]
    assert text_at(defs_path.read_text(), loc.range) == "active_hours"
    doc.close()


async def test_rename_across_files(client):
    await wait_for(lambda: _ended(client))
    defs_path = client.root / "definitions" / "firefox_desktop.toml"
    doc = Doc(client, defs_path)
    pos = doc.pos("[metrics.uri_count]", delta=10)
    prep = await client.text_document_prepare_rename_async(lsp.PrepareRenameParams(text_document=doc.ident(), position=pos))
    assert prep.placeholder == "uri_count"
    edit = await client.text_document_rename_async(lsp.RenameParams(text_document=doc.ident(), position=pos, new_name="uri_total"))
    by_uri = {c.text_document.uri: c for c in edit.document_changes}
    assert doc.uri in by_uri and by_uri[doc.uri].text_document.version == doc.version
    new_defs = apply_edits(doc.text, by_uri[doc.uri].edits)
    assert "[metrics.uri_total]" in new_defs and "[metrics.uri_total.statistics.bootstrap_mean]" in new_defs
    assert "[metrics.uri_count" not in new_defs
    for name in ("my-experiment.toml", "other-experiment.toml"):
        p = client.root / "jetstream" / name
        assert by_uri[uri_of(p)].text_document.version is None  # not open
        assert '"uri_total"' in apply_edits(p.read_text(), by_uri[uri_of(p)].edits)
    # an invalid name is refused with an error, the server carries on
    with pytest.raises(Exception):
        await client.text_document_rename_async(lsp.RenameParams(text_document=doc.ident(), position=pos, new_name="not a slug"))
    assert (await client.text_document_prepare_rename_async(lsp.PrepareRenameParams(text_document=doc.ident(), position=pos))).placeholder == "uri_count"
    doc.close()


async def test_a_slug_that_cannot_be_renamed_is_refused_at_prepare_with_the_reason(client):
    """The editor shows why before asking for a new name; a refusal is an answer, not a server
    error (nothing is logged as one)."""
    await wait_for(lambda: _ended(client))
    errors_before = sum(1 for m in client.log_messages if m.type == lsp.MessageType.Error)
    doc = Doc(client, client.root / "jetstream" / "my-experiment.toml")
    doc.replace("enrollment_period = 7", 'enrollment_period = 7\noutcomes = ["spot"]')
    pos = doc.pos('"spot"', delta=2)
    with pytest.raises(JsonRpcException, match="an outcome is named by its file"):
        await client.text_document_prepare_rename_async(lsp.PrepareRenameParams(text_document=doc.ident(), position=pos))
    with pytest.raises(JsonRpcException, match="an outcome is named by its file"):
        await client.text_document_rename_async(lsp.RenameParams(text_document=doc.ident(), position=pos, new_name="x"))
    await asyncio.sleep(0.1)
    assert sum(1 for m in client.log_messages if m.type == lsp.MessageType.Error) == errors_before
    doc.close()


async def test_definitions_edit_rediagnoses_dependents(client):
    await wait_for(lambda: _ended(client))
    exp = Doc(client, client.root / "jetstream" / "my-experiment.toml")
    await exp.diagnostics(lambda ds: not errors(ds))
    defs = Doc(client, client.root / "definitions" / "firefox_desktop.toml")
    defs.replace("[metrics.uri_count]", "[metrics.uri_counts]")  # unsaved edit
    ds = await exp.diagnostics(lambda ds: any("uri_count" in d.message for d in errors(ds)))
    assert any(text_at(exp.text, d.range) == "uri_count" for d in errors(ds))
    defs.replace("[metrics.uri_counts]", "[metrics.uri_count]")
    await exp.diagnostics(lambda ds: not errors(ds))
    defs.close()
    exp.close()


async def test_watched_file_change_rediagnoses(client):
    await wait_for(lambda: _ended(client))
    assert any(r.method == lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES for r in client.registrations)
    exp = Doc(client, client.root / "jetstream" / "other-experiment.toml")
    await exp.diagnostics(lambda ds: not errors(ds))
    funcs = client.root / "definitions" / "firefox_desktop.toml"
    original = funcs.read_text()
    funcs.write_text(original.replace("[metrics.active_hours]", "[metrics.active_hours_v2]").replace("[metrics.active_hours.statistics", "[metrics.active_hours_v2.statistics"))
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(changes=[lsp.FileEvent(uri=uri_of(funcs), type=lsp.FileChangeType.Changed)])
    )
    await exp.diagnostics(lambda ds: any("active_hours" in d.message for d in errors(ds)))
    funcs.write_text(original)
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(changes=[lsp.FileEvent(uri=uri_of(funcs), type=lsp.FileChangeType.Changed)])
    )
    await exp.diagnostics(lambda ds: not errors(ds))
    exp.close()


async def test_symbols_folding_tokens_sql(client):
    await wait_for(lambda: _ended(client))
    doc = Doc(client, client.root / "definitions" / "firefox_desktop.toml")
    syms = await client.text_document_document_symbol_async(lsp.DocumentSymbolParams(text_document=doc.ident()))
    names = {s.name for s in syms} | {c.name for s in syms for c in (s.children or [])}
    assert "active_hours" in names and "clients_daily" in names
    ws_syms = await client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="uri_co"))
    assert any(s.name == "uri_count" and s.location.uri == doc.uri for s in ws_syms)
    folds = await client.text_document_folding_range_async(lsp.FoldingRangeParams(text_document=doc.ident()))
    assert any(f.start_line == 0 for f in folds)
    tokens = await client.text_document_semantic_tokens_full_async(lsp.SemanticTokensParams(text_document=doc.ident()))
    assert tokens.data and len(tokens.data) % 5 == 0
    result = await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="jetls.renderedSql", arguments=[doc.uri, doc.pos("active_hours", delta=2)])
    )
    assert result["metric"] == "active_hours"
    assert "SUM" in result["sql"] and "active_hours_sum" in result["sql"]
    doc.close()


async def test_bad_requests_do_not_kill_the_server(client):
    await wait_for(lambda: _ended(client))
    doc = Doc(client, client.root / "jetstream" / "my-experiment.toml")
    far = lsp.Position(line=10_000, character=10_000)
    clamped = await client.text_document_hover_async(lsp.HoverParams(text_document=doc.ident(), position=far))
    assert clamped is None or clamped.range.end.line <= doc.text.count("\n")
    await client.text_document_completion_async(lsp.CompletionParams(text_document=doc.ident(), position=far))
    unknown = lsp.TextDocumentIdentifier(uri="file:///nonexistent/jetstream/nothing.toml")
    assert await client.text_document_hover_async(lsp.HoverParams(text_document=unknown, position=far)) is None
    assert await client.text_document_definition_async(lsp.DefinitionParams(text_document=unknown, position=far)) is None
    weird = lsp.TextDocumentIdentifier(uri="untitled:Untitled-1")
    await client.text_document_document_symbol_async(lsp.DocumentSymbolParams(text_document=weird))
    assert await client.workspace_execute_command_async(lsp.ExecuteCommandParams(command="jetls.renderedSql", arguments=[42])) is None
    # the next request is served normally
    hover = await client.text_document_hover_async(lsp.HoverParams(text_document=doc.ident(), position=doc.pos("active_hours", delta=2)))
    assert "Active hours" in hover.contents.value
    doc.close()


async def test_a_flood_of_problems_is_capped_with_a_note(client):
    await wait_for(lambda: _ended(client))
    path = client.root / "jetstream" / "flood.toml"
    text = "".join(f"k{i} = tru\n" for i in range(3000))
    path.write_text(text)
    doc = Doc(client, path)
    ds = await doc.diagnostics(lambda ds: any(d.code == "JET005" for d in ds))
    assert len(ds) == 1001
    [note] = [d for d in ds if d.code == "JET005"]
    assert "more diagnostics not shown" in note.message
