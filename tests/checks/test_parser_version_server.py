"""End to end over LSP (stdio): the `jetls.parserVersion` setting chooses the reference parser
release whose rules apply, over the checkout's `lib/metric-config-parser`."""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import sys
import tempfile
import time

import pytest
import pytest_lsp
from jetls_fixture import BASE, write_tree
from lsprotocol import types as lsp
from pygls import uris
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

pytestmark = pytest.mark.asyncio(loop_scope="function")

_CACHE = tempfile.mkdtemp(prefix="jetls-test-cache-")
atexit.register(shutil.rmtree, _CACHE, True)
CONFIG = ClientServerConfig(
    server_command=[sys.executable, "-m", "jetls.server"], server_env={**os.environ, "XDG_CACHE_HOME": _CACHE}
)

OUTCOME = """friendly_name = "Windows"
description = "An outcome choosing its windows"
weekly = ["active_hours", "nope"]
"""


async def wait_for(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {predicate}")
        await asyncio.sleep(0.02)
    return value


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient, tmp_path):
    lsp_client.tmp = tmp_path
    yield
    await lsp_client.shutdown_session()


async def _diagnostics(client: LanguageClient, options: dict, code: str) -> list[lsp.Diagnostic]:
    """The diagnostics of the outcome once `code` is among them."""
    root = client.tmp / "metric-hub"
    write_tree(
        root,
        {
            **BASE,
            "lib/metric-config-parser/pyproject.toml": '[project]\nversion = "2026.10.2"\n',
            "jetstream/outcomes/firefox_desktop/windows.toml": OUTCOME,
        },
    )
    @client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
    def register(params):
        return None

    await client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            workspace_folders=[lsp.WorkspaceFolder(uri=uris.from_fs_path(str(root)), name="metric-hub")],
            initialization_options=options,
        )
    )
    path = root / "jetstream/outcomes/firefox_desktop/windows.toml"
    uri = uris.from_fs_path(str(path))
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=uri, language_id="toml", version=1, text=path.read_text())
        )
    )
    return await wait_for(lambda: [d for d in client.diagnostics.get(uri, []) if d.code == code] and client.diagnostics[uri])


async def test_the_checkouts_release_reads_outcome_windows(client):
    # 2026.10 (`OutcomeSpec.from_dict`) resolves the list: an unknown metric in it is found
    diags = await _diagnostics(client, {}, "JET201")
    assert not [d for d in diags if d.code == "JET117"]


async def test_the_parser_version_setting_overrides_the_checkout(client):
    # 2026.8.1: the top-level whitelist rejects the key, and nothing reads the list
    diags = await _diagnostics(client, {"parserVersion": "2026.8.1"}, "JET117")
    [d] = [d for d in diags if d.code == "JET117"]
    assert d.severity == lsp.DiagnosticSeverity.Error
    assert "metric-config-parser 2026.8.1 (the `parserVersion` setting) rejects it" in d.message
    assert not [d for d in diags if d.code == "JET201"]
