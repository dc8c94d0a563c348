"""End to end, Neovim 0.11 capabilities (pull diagnostics, UTF-8 positions, no dynamic watcher)."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from conftest import SERVER_CMD, Doc, accept_registrations, uri_of, wait_for

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER_CMD))
async def client(lsp_client: LanguageClient, request):
    root = request.getfixturevalue("fixture_root")
    accept_registrations(lsp_client)
    lsp_client.set_configuration({"jetls": {"platform": "firefox_desktop"}})
    result = await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities("neovim"),
            root_uri=uri_of(root),
            workspace_folders=[lsp.WorkspaceFolder(uri=uri_of(root), name="metric-hub")],
        )
    )
    lsp_client.root = root
    lsp_client.init_result = result
    yield
    await lsp_client.shutdown_session()


def _ended(client) -> bool:
    return any(isinstance(r, lsp.WorkDoneProgressEnd) for reports in client.progress_reports.values() for r in reports)


async def pull(client, doc, previous=None):
    return await client.text_document_diagnostic_async(
        lsp.DocumentDiagnosticParams(text_document=doc.ident(), previous_result_id=previous)
    )


async def test_capabilities(client):
    caps = client.init_result.capabilities
    assert caps.position_encoding == lsp.PositionEncodingKind.Utf8
    assert caps.diagnostic_provider.inter_file_dependencies
    assert set(caps.completion_provider.trigger_characters) >= {'"', "[", ".", "{", ",", "=", "_"}
    assert caps.semantic_tokens_provider.legend.token_types
    assert not client.registrations  # neovim cannot register watchers dynamically


async def test_pull_diagnostics_utf8_positions(client):
    await wait_for(lambda: _ended(client))
    path = client.root / "jetstream" / "unicode.toml"
    text = '[experiment]\nenrollment_period = 7\n\n[metrics]\nweekly = ["ünknown_mëtric", "active_hourz"]\n'
    path.write_text(text)
    doc = Doc(client, path)
    report = await pull(client, doc)
    assert report.kind == "full" and report.result_id
    errs = [d for d in report.items if d.code == "JET201"]
    assert len(errs) == 2
    second = max(errs, key=lambda d: d.range.start.character)
    line = text.splitlines()[4]
    start_bytes = len(line[: line.index("active_hourz")].encode("utf-8"))
    assert second.range.start.line == 4
    assert second.range.start.character == start_bytes  # UTF-8 columns (ü, ë are 2 bytes)
    assert second.range.end.character == start_bytes + len("active_hourz")
    # unchanged -> unchanged report
    again = await pull(client, doc, report.result_id)
    assert again.kind == "unchanged" and again.result_id == report.result_id
    # no push diagnostics in pull mode
    assert doc.uri not in client.diagnostics
    # fix the typo (UTF-8 positions in the change too) -> a new result without it
    doc.change(lsp.Position(line=4, character=start_bytes), lsp.Position(line=4, character=start_bytes + 12), "active_hours")
    fixed = await pull(client, doc, report.result_id)
    assert fixed.kind == "full" and fixed.result_id != report.result_id
    assert [d for d in fixed.items if d.code == "JET201"] == [e for e in errs if e is not second] or len([d for d in fixed.items if d.code == "JET201"]) == 1
    assert "ünknown_mëtric" in doc.text and "active_hours" in doc.text
    doc.close()
    path.unlink()


async def test_workspace_diagnostic(client):
    await wait_for(lambda: _ended(client))
    report = await client.workspace_diagnostic_async(lsp.WorkspaceDiagnosticParams(previous_result_ids=[]))
    by_uri = {i.uri: i for i in report.items}
    exp = uri_of(client.root / "jetstream" / "my-experiment.toml")
    assert exp in by_uri and by_uri[exp].kind == "full"
    again = await client.workspace_diagnostic_async(
        lsp.WorkspaceDiagnosticParams(previous_result_ids=[lsp.PreviousResultId(uri=exp, value=by_uri[exp].result_id)])
    )
    assert {i.uri: i for i in again.items}[exp].kind == "unchanged"


async def test_a_workspace_pull_after_typing_in_a_config_rechecks_only_that_config(client):
    """VS Code pulls the whole workspace every 2 s: after a keystroke in an experiment config,
    which no other file resolves against, the others answer "unchanged"; after one in
    definitions/, the configs that resolve against it are checked again."""
    await wait_for(lambda: _ended(client))

    async def pull_all(previous):
        report = await client.workspace_diagnostic_async(
            lsp.WorkspaceDiagnosticParams(
                previous_result_ids=[lsp.PreviousResultId(uri=u, value=r) for u, r in previous.items()]
            )
        )
        return {i.uri: i for i in report.items}

    first = await pull_all({})
    ids = {u: i.result_id for u, i in first.items()}
    config = client.root / "jetstream" / "my-experiment.toml"
    other = uri_of(client.root / "jetstream" / "other-experiment.toml")
    definitions = client.root / "definitions" / "firefox_desktop.toml"
    assert {uri_of(config), other, uri_of(definitions)} <= set(ids)

    doc = Doc(client, config)
    doc.replace('weekly = ["active_hours"]', 'weekly = ["active_hourz"]')
    after_config = await pull_all(ids)
    assert after_config[uri_of(config)].kind == "full"
    assert any(d.code == "JET201" for d in after_config[uri_of(config)].items)
    assert {u for u, i in after_config.items() if i.kind == "full"} == {uri_of(config)}
    ids.update({u: i.result_id for u, i in after_config.items()})

    defs = Doc(client, definitions)
    defs.replace("[metrics.active_hours]", "[metrics.active_hourz]")
    defs.replace("[metrics.active_hours.statistics", "[metrics.active_hourz.statistics")
    after_definitions = await pull_all(ids)
    assert after_definitions[other].kind == "full"
    assert any(d.code == "JET201" for d in after_definitions[other].items)  # it uses active_hours
    assert after_definitions[uri_of(config)].kind == "full"
    defs.close()
    doc.close()


async def test_configuration_change(client):
    await wait_for(lambda: _ended(client))
    doc = Doc(client, client.root / "jetstream" / "my-experiment.toml", '[metrics]\nweekly = ["active_hourz"]\n')
    before = await pull(client, doc)
    client.set_configuration({"jetls": {"platform": "firefox_desktop", "severityOverrides": {"JET201": "off"}}})
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))

    async def changed():
        r = await pull(client, doc, before.result_id)
        return r if r.kind == "full" else None

    for _ in range(100):
        r = await changed()
        if r is not None:
            break
        await __import__("asyncio").sleep(0.02)
    assert r is not None
    assert any(d.code == "JET201" for d in before.items)
    assert not any(d.code == "JET201" for d in r.items)
    doc.close()


async def test_completion_shares_one_edit_range_through_item_defaults(client):
    """Neovim 0.11 takes LSP 3.17 itemDefaults: one editRange for the list instead of a text
    edit per item (documentation stays inline: it does not resolve it)."""
    await wait_for(lambda: _ended(client))
    doc = Doc(client, client.root / "jetstream" / "other-experiment.toml")
    doc.replace('weekly = ["active_hours"]', 'weekly = ["active_hours", "uri_c"]')
    result = await client.text_document_completion_async(
        lsp.CompletionParams(text_document=doc.ident(), position=doc.pos('"uri_c', delta=6))
    )
    rng = result.item_defaults.edit_range
    line = doc.text.splitlines()[rng.start.line]
    assert line[rng.start.character : rng.end.character] == "uri_c"
    item = next(i for i in result.items if i.label == "uri_count")
    assert item.text_edit is None
    assert "URIs visited" in item.documentation.value
    doc.close()
