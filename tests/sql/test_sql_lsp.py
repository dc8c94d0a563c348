"""End to end over LSP (stdio): SQL diagnostics with their fix, completion, signature help and
hover on SQL functions, routines from `jetls.bigqueryEtl`."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pygls import uris
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

pytestmark = pytest.mark.asyncio(loop_scope="module")

DEFINITIONS = '''\
[metrics.active_hours]
select_expression = "NVL(SUM(active_hours_sum), 0)"
data_source = "clients_daily"

[metrics.keyed]
select_expression = "SUM(mozfun.map.get_key(m))"
data_source = "clients_daily"

[data_sources.clients_daily]
from_expression = "mozdata.telemetry.clients_daily"
'''

FUNCTIONS = '''\
[functions.agg_sum]
definition = "COALESCE(SUM({select_expr}), 0)"
friendly_name = "Sum"
description = "Calculates the sum of the select expression"
'''


def _workspace(root: Path) -> Path:
    (root / "hub" / "definitions").mkdir(parents=True)
    (root / "hub" / "definitions" / "firefox_desktop.toml").write_text(DEFINITIONS)
    (root / "hub" / "definitions" / "functions.toml").write_text(FUNCTIONS)
    udf = root / "etl" / "sql" / "mozfun" / "map" / "get_key"
    udf.mkdir(parents=True)
    (udf / "udf.sql").write_text("CREATE OR REPLACE FUNCTION map.get_key(map ANY TYPE, k ANY TYPE) AS (NULL);\n")
    (udf / "metadata.yaml").write_text("description: Fetch the value of a key from an array of key/value structs.\n")
    return root


def _pos(text: str, needle: str, delta: int = 0) -> lsp.Position:
    i = text.index(needle) + delta
    return lsp.Position(line=text.count("\n", 0, i), character=i - (text.rfind("\n", 0, i) + 1))


def _text_at(text: str, r: lsp.Range) -> str:
    lines = text.split("\n")
    return lines[r.start.line][r.start.character : r.end.character]


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=[sys.executable, "-m", "jetls.server"]))
async def client(lsp_client: LanguageClient, tmp_path_factory):
    root = _workspace(tmp_path_factory.mktemp("sql"))
    settings = {"platform": "firefox_desktop", "bigqueryEtl": str(root / "etl")}
    lsp_client.set_configuration({"jetls": settings})

    @lsp_client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
    def _register(params: lsp.RegistrationParams):  # the file watcher: accepted
        return None

    await lsp_client.initialize_session(lsp.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        workspace_folders=[lsp.WorkspaceFolder(uri=uris.from_fs_path(str(root / "hub")), name="hub")],
        initialization_options=settings,
    ))
    lsp_client.root = root / "hub"
    yield
    await lsp_client.shutdown_session()


async def _open(client, text: str, codes: set[str]) -> tuple[str, list]:
    """Open the definitions file; wait until its diagnostics carry `codes`."""
    path = client.root / "definitions" / "firefox_desktop.toml"
    uri = uris.from_fs_path(str(path))
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        text_document=lsp.TextDocumentItem(uri=uri, language_id="toml", version=1, text=text)))
    for _ in range(2000):
        ds = client.diagnostics.get(uri) or []
        if codes <= {d.code for d in ds}:
            return uri, ds
        await asyncio.sleep(0.01)
    raise AssertionError(f"no {codes} in {client.diagnostics.get(uri)}")


async def test_sql_diagnostics_fix_signature_help_hover_and_completion(client):
    uri, ds = await _open(client, DEFINITIONS, {"JET453", "JET457"})
    text = DEFINITIONS
    nvl = next(d for d in ds if d.code == "JET453")
    assert _text_at(text, nvl.range) == "NVL" and nvl.severity == lsp.DiagnosticSeverity.Error
    routine = next(d for d in ds if d.code == "JET457")
    assert "takes 2 arguments, but 1 was given" in routine.message
    ident = lsp.TextDocumentIdentifier(uri=uri)
    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=ident, range=nvl.range, context=lsp.CodeActionContext(diagnostics=[nvl])))
    fix = next(a for a in actions if a.title == "Replace with `IFNULL`")
    assert list(fix.diagnostics) == [nvl]

    sig = await client.text_document_signature_help_async(lsp.SignatureHelpParams(
        text_document=ident, position=_pos(text, "NVL(SUM(", 8)))
    assert sig.signatures[0].label.startswith("SUM(")

    hover = await client.text_document_hover_async(lsp.HoverParams(
        text_document=ident, position=_pos(text, "get_key", 2)))
    assert "map.get_key(map ANY TYPE, k ANY TYPE)" in hover.contents.value
    assert "Fetch the value" in hover.contents.value

    result = await client.text_document_completion_async(lsp.CompletionParams(
        text_document=ident, position=_pos(text, "SUM(active", 2)))
    labels = [i.label for i in result.items]
    assert "SUM" in labels and "SUBSTR" in labels


async def test_signature_help_of_a_jinja_helper(client):
    path = client.root / "definitions" / "firefox_desktop.toml"
    text = DEFINITIONS.replace('"NVL(SUM(active_hours_sum), 0)"', '"{{ agg_sum(\'x\') }}"')
    uri = uris.from_fs_path(str(path))
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)]))
    sig = await client.text_document_signature_help_async(lsp.SignatureHelpParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=_pos(text, "agg_sum(", 8)))
    (info,) = sig.signatures
    assert info.label == "agg_sum(select_expr)"
    assert info.parameters[0].label == (8, 19)
    assert "COALESCE(SUM({select_expr}), 0)" in info.documentation.value
