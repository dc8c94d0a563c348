"""A workspace folder inside a checkout (`metric-hub/jetstream/`) is served as that checkout, and
the server says in its log which checkout it chose."""

from __future__ import annotations

import shutil

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from conftest import SERVER_CMD, Doc, accept_registrations, uri_of, wait_for, write_fixture_workspace

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    root = write_fixture_workspace(tmp_path_factory.mktemp("sub") / "metric-hub")
    (root / "jetstream" / "definitions").mkdir()
    (root / "jetstream" / "definitions" / "firefox_desktop.toml").write_text("[metrics.uri_count.statistics.deciles]\n")
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER_CMD))
async def client(lsp_client: LanguageClient, checkout):
    accept_registrations(lsp_client)
    await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            # the user opened the jetstream/ folder, which holds a definitions/ folder of its own
            workspace_folders=[lsp.WorkspaceFolder(uri=uri_of(checkout / "jetstream"), name="jetstream")],
        )
    )
    lsp_client.root = checkout
    yield
    await lsp_client.shutdown_session()


async def test_a_folder_inside_the_checkout_is_served_as_the_checkout(client):
    root = client.root
    await wait_for(lambda: any(f"metric-hub checkout {root}" in m.message for m in client.log_messages))
    path = root / "jetstream" / "typo.toml"
    path.write_text('[metrics]\nweekly = ["uri_cont"]\n')
    doc = Doc(client, path)
    ds = await doc.diagnostics(lambda ds: any(d.code == "JET201" for d in ds))
    assert any("did you mean `uri_count`" in d.message for d in ds)
    hover = await client.text_document_hover_async(
        lsp.HoverParams(text_document=doc.ident(), position=doc.pos("uri_cont", delta=2)))
    assert hover is None or "uri" in str(hover.contents)
    doc.replace("uri_cont", "uri_count")
    await doc.diagnostics(lambda ds: not any(d.code == "JET201" for d in ds))
    doc.close()
