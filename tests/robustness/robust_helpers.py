"""Helpers of the robustness tests (a uniquely named module: `from conftest import` is ambiguous
when pytest collects several test folders that each have a conftest.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from lsprotocol import types as lsp

_HERE = Path(__file__).resolve().parent


def _server_helpers():
    name = "jetls_server_test_helpers"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, _HERE.parent / "server" / "conftest.py")
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
    return sys.modules[name]


_server = _server_helpers()
SERVER_CMD = _server.SERVER_CMD
Doc = _server.Doc
accept_registrations = _server.accept_registrations
corpus_source = _server.corpus_source
pos_of = _server.pos_of
uri_of = _server.uri_of
wait_for = _server.wait_for
write_fixture_workspace = _server.write_fixture_workspace


def record_publications(client) -> list:
    """Keep every textDocument/publishDiagnostics (uri, version, diagnostics) in order, on top of
    pytest-lsp's own `client.diagnostics` (which keeps only the last list, without version)."""
    fm = client.protocol.fm
    original = fm.features[lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]
    published: list = []

    def publish(params: lsp.PublishDiagnosticsParams):
        published.append((params.uri, params.version, params.diagnostics))
        return original(params)

    fm._features[lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish
    client.published = published
    return published


def position_of(text: str, offset: int) -> lsp.Position:
    """(line, UTF-16 column) of an offset, lines split on "\\n" like the server's LineIndex."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset)
    start = text.rfind("\n", 0, offset) + 1
    return lsp.Position(line=line, character=sum(2 if ord(c) > 0xFFFF else 1 for c in text[start:offset]))


def end_position(text: str) -> lsp.Position:
    return position_of(text, len(text))


def inside(text: str, rng: lsp.Range) -> bool:
    """The range lies inside the document (lines exist; columns within their line; start <= end)."""
    lines = text.split("\n")

    def ok(p: lsp.Position) -> bool:
        if p.line < 0 or p.line >= len(lines) or p.character < 0:
            return False
        return p.character <= sum(2 if ord(c) > 0xFFFF else 1 for c in lines[p.line])

    return ok(rng.start) and ok(rng.end) and (rng.start.line, rng.start.character) <= (rng.end.line, rng.end.character)
