"""Random incremental didChange sequences through a live server (pytest-lsp, one server for the module).

Each sequence opens a real corpus config, sends random incremental edits (the same generator as
the core fuzzer, minus lone surrogates which JSON cannot carry distinctly), interleaves requests,
then asks completion, hover, definition, documentSymbol and semanticTokens at random positions.
The server must answer every request, stay up, and its last published diagnostics must be for the
last version and lie inside the document; pulled diagnostics too.
"""

from __future__ import annotations

import asyncio
import random

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

import fuzzkit as F
from robust_helpers import SERVER_CMD, Doc, accept_registrations, corpus_source, inside, position_of, record_publications, uri_of, wait_for

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.skipif(corpus_source() is None, reason="metric-hub corpus not found"),
]

TARGETS = ["jetstream/reminder-set-firefox-as-default.toml", "jetstream/1-click-pin-experiment.toml", "definitions/focus_ios.toml"]
SEQUENCES = 24
TIMEOUT = 30


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER_CMD))
async def client(lsp_client: LanguageClient, request):
    root = request.getfixturevalue("corpus_root")
    accept_registrations(lsp_client)
    record_publications(lsp_client)
    await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            workspace_folders=[lsp.WorkspaceFolder(uri=uri_of(root), name="metric-hub")],
        )
    )
    lsp_client.root = root
    await wait_for(lambda: any(isinstance(r, lsp.WorkDoneProgressEnd) for rs in lsp_client.progress_reports.values() for r in rs), timeout=60)
    yield
    await lsp_client.shutdown_session()


def _safe(text: str, off: int) -> int:
    """Never between "\\r" and "\\n": LSP clamps such a column to the line end (before "\\r")."""
    off = max(0, min(off, len(text)))
    if 0 < off < len(text) and text[off - 1] == "\r" and text[off] == "\n":
        off -= 1
    return off


def _edit(rng: random.Random, text: str) -> tuple[int, int, str]:
    while True:
        where, length, insert = F.random_edit(rng, len(text))
        if not any(0xD800 <= ord(c) <= 0xDFFF for c in insert):
            break
    start = _safe(text, int(where * len(text)))
    end = _safe(text, min(len(text), start + length))
    return start, max(start, end), insert


async def _requests(client, doc: Doc, rng: random.Random, n: int) -> None:
    """Every request type at random positions (a few past the end of a line or the file)."""
    ident = doc.ident()
    for _ in range(n):
        off = rng.randint(0, len(doc.text))
        pos = position_of(doc.text, off)
        if rng.random() < 0.15:
            pos = lsp.Position(line=pos.line + rng.choice([0, 1, 1000]), character=pos.character + rng.choice([0, 5, 10_000]))
        res = await asyncio.wait_for(client.text_document_completion_async(lsp.CompletionParams(text_document=ident, position=pos)), TIMEOUT)
        assert res is None or isinstance(res, (lsp.CompletionList, list))
        for item in getattr(res, "items", None) or []:
            if item.text_edit is not None:
                assert inside(doc.text, item.text_edit.range), item
        h = await asyncio.wait_for(client.text_document_hover_async(lsp.HoverParams(text_document=ident, position=pos)), TIMEOUT)
        if h is not None and h.range is not None:
            assert inside(doc.text, h.range)
        await asyncio.wait_for(client.text_document_definition_async(lsp.DefinitionParams(text_document=ident, position=pos)), TIMEOUT)
    syms = await asyncio.wait_for(client.text_document_document_symbol_async(lsp.DocumentSymbolParams(text_document=ident)), TIMEOUT)

    def walk(ss):
        for s in ss or []:
            assert inside(doc.text, s.range), s
            assert inside(doc.text, s.selection_range), s
            walk(s.children)

    walk(syms)
    toks = await asyncio.wait_for(client.text_document_semantic_tokens_full_async(lsp.SemanticTokensParams(text_document=ident)), TIMEOUT)
    assert toks is not None and len(toks.data) % 5 == 0
    lines = doc.text.split("\n")
    line = col = 0
    for i in range(0, len(toks.data), 5):
        dl, dc, length = toks.data[i : i + 3]
        line, col = line + dl, (col + dc if dl == 0 else dc)
        assert line < len(lines) and length > 0
        assert col + length <= sum(2 if ord(c) > 0xFFFF else 1 for c in lines[line]), (line, col, length)


@pytest.mark.parametrize("seed", range(SEQUENCES))
async def test_random_incremental_edits(client, seed):
    rng = random.Random(seed)
    path = client.root / TARGETS[seed % len(TARGETS)]
    doc = Doc(client, path)
    try:
        for _ in range(rng.randint(3, 20)):
            start, end, insert = _edit(rng, doc.text)
            doc.change(position_of(doc.text, start), position_of(doc.text, end), insert)
            if rng.random() < 0.25:  # a request while changes are still being diagnosed
                await _requests(client, doc, rng, 1)
        await _requests(client, doc, rng, 3)
        # the last published diagnostics are for the last version and lie inside the document
        def last():
            mine = [p for p in client.published if p[0] == doc.uri]
            return mine and mine[-1][1] == doc.version and mine[-1]

        _uri, version, diags = await wait_for(last, timeout=TIMEOUT)
        assert version == doc.version
        for d in diags:
            assert inside(doc.text, d.range), (d, doc.text)
            for r in d.related_information or []:
                if r.location.uri == doc.uri:
                    assert inside(doc.text, r.location.range), r
        pulled = await asyncio.wait_for(
            client.text_document_diagnostic_async(lsp.DocumentDiagnosticParams(text_document=doc.ident())), TIMEOUT
        )
        assert [d.range for d in pulled.items] == [d.range for d in diags]
    finally:
        doc.close()


async def test_server_still_answers_correctly_after_the_fuzzing(client):
    doc = Doc(client, client.root / "jetstream" / "reminder-set-firefox-as-default.toml")
    try:
        pos = doc.pos("'active_hours'", delta=3)
        h = await client.text_document_hover_async(lsp.HoverParams(text_document=doc.ident(), position=pos))
        assert h is not None and "Active hours" in h.contents.value
    finally:
        doc.close()
