"""End to end over stdio: inlay hints, code lenses, document highlights, selection ranges, linked
editing, document links and semantic tokens (full, delta, range)."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from conftest import SERVER_CMD, Doc, accept_registrations, text_at, uri_of, wait_for, write_fixture_workspace

pytestmark = pytest.mark.asyncio(loop_scope="module")

OUTCOME = '''\
friendly_name = "Networking"
description = "Networking metrics"

[parameters.message_id]
friendly_name = "Message"
description = "The message"
default = "abc"

[metrics.dns_time]
select_expression = "SUM(IF(msg = '{{ parameters.message_id }}', 1, 0))"
data_source = "clients_daily"
statistics = { bootstrap_mean = {} }
'''

CONFIG = '''\
[experiment]
outcomes = ["networking"]

[metrics]
weekly = ["active_hours", "mine"]

[metrics.mine]
select_expression = "{{ agg_sum('x') }}"
data_source = "clients_daily"

[metrics.mine.statistics.bootstrap_mean]
'''


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    r = write_fixture_workspace(tmp_path_factory.mktemp("editing") / "metric-hub")
    (r / "jetstream" / "outcomes" / "firefox_desktop").mkdir(parents=True)
    (r / "jetstream" / "outcomes" / "firefox_desktop" / "networking.toml").write_text(OUTCOME)
    (r / "jetstream" / "config.toml").write_text(CONFIG)
    return r


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER_CMD))
async def client(lsp_client: LanguageClient, root):
    accept_registrations(lsp_client)
    result = await lsp_client.initialize_session(lsp.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        workspace_folders=[lsp.WorkspaceFolder(uri=uri_of(root), name="metric-hub")]))
    lsp_client.root = root
    lsp_client.server_capabilities = result.capabilities
    await wait_for(lambda: any(isinstance(r, lsp.WorkDoneProgressEnd)
                               for rs in lsp_client.progress_reports.values() for r in rs))
    yield
    await lsp_client.shutdown_session()


async def test_capabilities_are_advertised(client):
    caps = client.server_capabilities
    assert caps.inlay_hint_provider and caps.code_lens_provider and caps.document_highlight_provider
    assert caps.selection_range_provider and caps.linked_editing_range_provider and caps.document_link_provider
    assert caps.signature_help_provider
    tokens = caps.semantic_tokens_provider
    assert tokens.range and tokens.full.delta


async def test_inlay_hints_show_the_platform_and_parameter_values(client):
    doc = Doc(client, client.root / "jetstream" / "config.toml")
    end = lsp.Position(line=len(doc.text.splitlines()), character=0)
    hints = await client.text_document_inlay_hint_async(lsp.InlayHintParams(
        text_document=doc.ident(), range=lsp.Range(start=lsp.Position(line=0, character=0), end=end)))
    (platform,) = hints
    assert platform.position == lsp.Position(line=0, character=len("[experiment]"))
    assert platform.label == "firefox_desktop · inferred" and "networking" in platform.tooltip.value
    doc.close()
    out = Doc(client, client.root / "jetstream" / "outcomes" / "firefox_desktop" / "networking.toml")
    hints = await client.text_document_inlay_hint_async(lsp.InlayHintParams(
        text_document=out.ident(), range=lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=20, character=0))))
    assert [h.label for h in hints] == ['= abc']
    assert hints[0].position == out.pos("parameters.message_id }}", delta=len("parameters.message_id"))
    out.close()


async def test_code_lenses_count_users_and_show_sql(client):
    doc = Doc(client, client.root / "definitions" / "firefox_desktop.toml")
    lenses = await client.text_document_code_lens_async(lsp.CodeLensParams(text_document=doc.ident()))
    at = doc.pos("active_hours")
    here = [lens for lens in lenses if lens.range.start == at]
    sql = next(lens for lens in here if lens.command is not None)
    assert sql.command.title == "Show rendered SQL" and sql.command.command == "jetls.showRenderedSql"
    unresolved = next(lens for lens in here if lens.command is None)
    resolved = await client.code_lens_resolve_async(unresolved)
    assert resolved.command.title == "used by 3 configs"  # my-experiment, other-experiment, config
    assert resolved.command.command == "jetls.showReferences"
    uri, position, locations = resolved.command.arguments
    assert uri == doc.uri and len(locations) == 5
    doc.close()


async def test_highlights_selection_linked_editing_and_links(client):
    doc = Doc(client, client.root / "jetstream" / "config.toml")
    highlights = await client.text_document_document_highlight_async(lsp.DocumentHighlightParams(
        text_document=doc.ident(), position=doc.pos('"mine"', delta=2)))
    assert sorted((h.range.start.line, h.kind) for h in highlights) == [
        (4, lsp.DocumentHighlightKind.Read), (6, lsp.DocumentHighlightKind.Write), (10, lsp.DocumentHighlightKind.Write)]

    (sel,) = await client.text_document_selection_range_async(lsp.SelectionRangeParams(
        text_document=doc.ident(), positions=[doc.pos("clients_daily", delta=3)]))
    chain = []
    while sel is not None:
        chain.append(text_at(doc.text, sel.range))
        sel = sel.parent
    assert chain[:3] == ["clients_daily", '"clients_daily"', 'data_source = "clients_daily"']
    assert chain[-1] == doc.text

    linked = await client.text_document_linked_editing_range_async(lsp.LinkedEditingRangeParams(
        text_document=doc.ident(), position=doc.pos("[metrics.mine]", delta=10)))
    assert [r.start.line for r in linked.ranges] == [6, 10]

    links = await client.text_document_document_link_async(lsp.DocumentLinkParams(text_document=doc.ident()))
    by_text = {text_at(doc.text, link.range): link.target for link in links}
    assert by_text["active_hours"].endswith("definitions/firefox_desktop.toml#L1")
    assert by_text["networking"].endswith("networking.toml")
    assert by_text["agg_sum"].endswith("definitions/functions.toml#L3")
    doc.close()


async def test_semantic_tokens_full_delta_and_range(client):
    doc = Doc(client, client.root / "jetstream" / "config.toml")
    full = await client.text_document_semantic_tokens_full_async(lsp.SemanticTokensParams(text_document=doc.ident()))
    assert full.data and full.result_id
    doc.replace('"mine"]', '"mine", "active_hours"]')
    await doc.diagnostics()
    delta = await client.text_document_semantic_tokens_full_delta_async(lsp.SemanticTokensDeltaParams(
        text_document=doc.ident(), previous_result_id=full.result_id))
    assert isinstance(delta, lsp.SemanticTokensDelta) and len(delta.edits) == 1
    new = list(full.data)
    e = delta.edits[0]
    new[e.start:e.start + e.delete_count] = e.data or []
    again = await client.text_document_semantic_tokens_full_async(lsp.SemanticTokensParams(text_document=doc.ident()))
    assert new == list(again.data)
    ranged = await client.text_document_semantic_tokens_range_async(lsp.SemanticTokensRangeParams(
        text_document=doc.ident(), range=lsp.Range(start=lsp.Position(line=4, character=0), end=lsp.Position(line=5, character=0))))
    assert 0 < len(ranged.data) < len(again.data)
    doc.close()
