"""End to end over LSP (stdio): the server loads `jetls.bigqueryEtl` in the background with
progress, then warns about unknown columns, completes and hovers columns and jumps to their
schema.yaml entry; a folder that is no source is reported once with window/showMessage."""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pygls import uris
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from bq_fixture import make_source
from jetls_fixture import BASE, write_tree

pytestmark = pytest.mark.asyncio(loop_scope="function")

# the server process gets a cache directory of its own (never the user's)
_CACHE = tempfile.mkdtemp(prefix="jetls-test-cache-")
atexit.register(shutil.rmtree, _CACHE, True)
CONFIG = ClientServerConfig(server_command=[sys.executable, "-m", "jetls.server"],
                            server_env={**os.environ, "XDG_CACHE_HOME": _CACHE})

DEFS = BASE["definitions/firefox_desktop.toml"] + """
    [metrics.searches]
    select_expression = "SUM(search_count_al)"
    data_source = "clients_daily"

    [metrics.glean]
    select_expression = "SUM(metrics.counter.browser_searches)"
    data_source = "glean_metrics"

    [data_sources.glean_metrics]
    from_expression = "mozdata.firefox_desktop.metrics"
"""


async def wait_for(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {predicate}")
        await asyncio.sleep(0.02)
    return value


def position(text: str, needle: str, delta: int = 0) -> lsp.Position:
    i = text.index(needle) + delta
    return lsp.Position(line=text.count("\n", 0, i), character=i - (text.rfind("\n", 0, i) + 1))


async def start(client: LanguageClient, tmp: Path, source: Path) -> Path:
    root = tmp / "metric-hub"
    write_tree(root, {**BASE, "definitions/firefox_desktop.toml": DEFS})
    @client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
    def register(params):
        return None

    await client.initialize_session(lsp.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        workspace_folders=[lsp.WorkspaceFolder(uri=uris.from_fs_path(str(root)), name="metric-hub")],
        initialization_options={"platform": "firefox_desktop", "bigqueryEtl": str(source)},
    ))
    return root


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient, tmp_path):
    lsp_client.tmp = tmp_path
    yield
    await lsp_client.shutdown_session()


def _bigquery_progress(client) -> list:
    for reports in client.progress_reports.values():
        if reports and isinstance(reports[0], lsp.WorkDoneProgressBegin) and "bigquery" in reports[0].title:
            return reports
    return []


async def test_columns_end_to_end(client):
    source = make_source(client.tmp / "bigquery-etl")
    root = await start(client, client.tmp, source)
    # opened at once: diagnostics published before the source is loaded are replaced after
    path = root / "definitions" / "firefox_desktop.toml"
    text = path.read_text()
    uri = uris.from_fs_path(str(path))
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        text_document=lsp.TextDocumentItem(uri=uri, language_id="toml", version=1, text=text)))
    reports = await wait_for(lambda: [r for r in _bigquery_progress(client) if isinstance(r, lsp.WorkDoneProgressEnd)]
                             and _bigquery_progress(client))
    assert "snapshot of 2026-08-21" in reports[-1].message
    diags = await wait_for(lambda: [d for d in client.diagnostics.get(uri, []) if d.code == "JET460"])
    [d] = diags
    assert d.severity == lsp.DiagnosticSeverity.Warning
    assert d.range.start == position(text, "search_count_al)")
    assert d.range.end == position(text, "search_count_al)", len("search_count_al"))
    assert "did you mean `search_count_all`?" in d.message

    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), range=d.range,
        context=lsp.CodeActionContext(diagnostics=[d])))
    assert any(a.title == "Replace with `search_count_all`" for a in actions)

    at = position(text, "metrics.counter.", len("metrics.counter."))
    items = await client.text_document_completion_async(lsp.CompletionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=at))
    items = items.items if isinstance(items, lsp.CompletionList) else items
    [item] = [i for i in items if i.label == "browser_searches"]
    assert item.kind == lsp.CompletionItemKind.Field and item.detail == "INTEGER"

    at = position(text, "browser_searches)", 3)
    h = await client.text_document_hover_async(lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=at))
    assert "Searches from the browser." in h.contents.value

    locs = await client.text_document_definition_async(lsp.DefinitionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=at))
    [loc] = locs
    assert loc.uri.endswith("/sql/moz-fx-data-shared-prod/firefox_desktop/metrics/schema.yaml")
    yaml_lines = (source / "sql/moz-fx-data-shared-prod/firefox_desktop/metrics/schema.yaml").read_text().splitlines()
    assert yaml_lines[loc.range.start.line].strip() == "- name: browser_searches"


async def test_a_bad_source_is_reported_once_and_the_rest_works(client):
    (client.tmp / "not-a-checkout").mkdir()
    root = await start(client, client.tmp, client.tmp / "not-a-checkout")
    await wait_for(lambda: [m for m in client.messages if "bigquery-etl" in m.message])
    path = root / "definitions" / "firefox_desktop.toml"
    text = path.read_text().replace('"SUM(1)"', '"SUM(1"', 1)  # a real problem: still found
    uri = uris.from_fs_path(str(path))
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        text_document=lsp.TextDocumentItem(uri=uri, language_id="toml", version=1, text=text)))
    diags = await wait_for(lambda: client.diagnostics.get(uri))
    await asyncio.sleep(0.3)
    assert [m.type for m in client.messages if "bigquery-etl" in m.message] == [lsp.MessageType.Error]
    assert "no sql/ folder" in next(m.message for m in client.messages if "bigquery-etl" in m.message)
    assert not [d for d in client.diagnostics.get(uri, []) if d.code == "JET460"]
    assert [d for d in diags if d.code == "JET450"]
