"""Shared fixtures of the server tests: a small workspace written to tmp, a corpus copy, helpers."""

from __future__ import annotations

import asyncio
import shutil
import sys
import time
from pathlib import Path

from corpus import find
import pytest
from lsprotocol import types as lsp
from pygls import uris

REPO = Path(__file__).resolve().parents[2]
SERVER_CMD = [sys.executable, "-m", "jetls.server"]

DEFINITIONS = '''\
[metrics.active_hours]
friendly_name = "Active hours"
description = "Hours the browser received user input."
select_expression = '{{agg_sum("active_hours_sum")}}'
data_source = "clients_daily"

[metrics.active_hours.statistics.bootstrap_mean]

[metrics.uri_count]
friendly_name = "URIs visited"
description = "Counts the URIs visited."
select_expression = '{{agg_sum("scalar_parent_browser_engagement_total_uri_count_sum")}}'
data_source = "clients_daily"

[metrics.uri_count.statistics.bootstrap_mean]

[data_sources.clients_daily]
from_expression = "mozdata.telemetry.clients_daily"
friendly_name = "Clients Daily"
description = "Clients Daily"
'''

FUNCTIONS = '''\
[functions]

[functions.agg_sum]
definition = "COALESCE(SUM({select_expr}), 0)"
friendly_name = "Sum"
description = "Calculates the sum of the select expression"
'''

EXPERIMENT = '''\
[experiment]
enrollment_period = 7

[metrics]
weekly = ["active_hours"]
overall = ["active_hours", "uri_count"]
'''


def write_fixture_workspace(root: Path) -> Path:
    (root / "definitions").mkdir(parents=True, exist_ok=True)
    (root / "jetstream").mkdir(parents=True, exist_ok=True)
    (root / "definitions" / "firefox_desktop.toml").write_text(DEFINITIONS)
    (root / "definitions" / "functions.toml").write_text(FUNCTIONS)
    (root / "jetstream" / "my-experiment.toml").write_text(EXPERIMENT)
    (root / "jetstream" / "other-experiment.toml").write_text(EXPERIMENT)
    return root


def accept_registrations(client) -> list:
    """pytest-lsp's client has no client/registerCapability handler: accept and record."""
    registered: list = []

    @client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: lsp.RegistrationParams):
        registered.extend(params.registrations)
        return None

    client.registrations = registered
    return registered


def corpus_source() -> Path | None:
    return find("metric-hub")


@pytest.fixture(scope="session")
def fixture_root(tmp_path_factory) -> Path:
    return write_fixture_workspace(tmp_path_factory.mktemp("ws") / "metric-hub")


@pytest.fixture(scope="session")
def corpus_root(tmp_path_factory) -> Path:
    src = corpus_source()
    if src is None:
        pytest.skip("metric-hub corpus not found ($JETLS_CORPUS/metric-hub or ../shared/corpus/metric-hub)")
    dst = tmp_path_factory.mktemp("corpus") / "metric-hub"
    shutil.copytree(src, dst)
    return dst


def uri_of(path: Path | str) -> str:
    return uris.from_fs_path(str(path))


# ----------------------------------------------------------------------------- text helpers


def pos_of(text: str, needle: str, nth: int = 0, delta: int = 0) -> lsp.Position:
    """(line, UTF-16 column) of the nth occurrence of `needle` (+ delta characters)."""
    i = -1
    for _ in range(nth + 1):
        i = text.index(needle, i + 1)
    i += delta
    line = text.count("\n", 0, i)
    col = i - (text.rfind("\n", 0, i) + 1)
    return lsp.Position(line=line, character=len(text[i - col : i].encode("utf-16-le")) // 2)


def offset_of(text: str, p: lsp.Position) -> int:
    lines = text.split("\n")
    start = sum(len(l) + 1 for l in lines[: p.line])
    line = lines[p.line] if p.line < len(lines) else ""
    units = 0
    for i, ch in enumerate(line):
        if units >= p.character:
            return start + i
        units += 2 if ord(ch) > 0xFFFF else 1
    return start + len(line)


def apply_edits(text: str, edits) -> str:
    spans = sorted(((offset_of(text, e.range.start), offset_of(text, e.range.end), e.new_text) for e in edits), reverse=True)
    for s, e, new in spans:
        text = text[:s] + new + text[e:]
    return text


def text_at(text: str, rng: lsp.Range) -> str:
    return text[offset_of(text, rng.start) : offset_of(text, rng.end)]


async def wait_for(predicate, timeout: float = 10.0, interval: float = 0.01):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {predicate}")
        await asyncio.sleep(interval)


class Doc:
    """An open document on the client side: keeps text + version, sends incremental changes."""

    def __init__(self, client, path: Path, text: str | None = None) -> None:
        self.client = client
        self.path = Path(path)
        self.uri = uri_of(path)
        self.text = path.read_text() if text is None else text
        self.version = 1
        client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(
                text_document=lsp.TextDocumentItem(uri=self.uri, language_id="toml", version=1, text=self.text)
            )
        )

    def replace(self, old: str, new: str, nth: int = 0) -> None:
        start = pos_of(self.text, old, nth)
        end = pos_of(self.text, old, nth, len(old))
        self.change(start, end, new)

    def change(self, start: lsp.Position, end: lsp.Position, new: str) -> None:
        s, e = offset_of(self.text, start), offset_of(self.text, end)
        self.text = self.text[:s] + new + self.text[e:]
        self.version += 1
        self.client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
                content_changes=[lsp.TextDocumentContentChangePartial(range=lsp.Range(start=start, end=end), text=new)],
            )
        )

    def close(self) -> None:
        self.client.text_document_did_close(lsp.DidCloseTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=self.uri)))

    def pos(self, needle: str, nth: int = 0, delta: int = 0) -> lsp.Position:
        return pos_of(self.text, needle, nth, delta)

    def ident(self) -> lsp.TextDocumentIdentifier:
        return lsp.TextDocumentIdentifier(uri=self.uri)

    async def diagnostics(self, predicate=lambda ds: True, timeout: float = 10.0):
        """Wait until published diagnostics for this URI satisfy `predicate`."""

        def ready():
            ds = self.client.diagnostics.get(self.uri)
            return ds is not None and predicate(ds) and (ds, )

        return (await wait_for(ready, timeout))[0]
