"""A long editing session keeps memory flat (issue 17): a shorter soak, in-process.

Keystrokes go through the server's own path (`apply_changes` on the incremental tree ->
`ws.with_tree` -> `core.check`) on definitions/firefox_desktop.toml and an experiment config:
typing and deleting in SQL, a description and a window list, pasting a table, typing in it and
undoing. Each round leaves both texts as they were. After a warm-up round, further rounds must
leave no more live objects of the core's types (syntax nodes, tables, index entries,
diagnostics, template results...) than there were after the warm-up, and closing the edited
documents must release what was kept for them. The RSS figures are `benchmarks/soak.py`'s.
"""

from __future__ import annotations

import gc
import os
from collections import Counter

from lsprotocol import types as lsp

from jetls.document import replay
from jetls.options import Options
from jetls.server import core
from jetls.server.handlers.sync import apply_changes
from jetls.workspace import Workspace

from tests.corpus import corpus_dir

DEFINITIONS = "definitions/firefox_desktop.toml"
EXPERIMENT = "jetstream/reminder-set-firefox-as-default.toml"


def _position(text: str, offset: int) -> lsp.Position:
    line = text.count("\n", 0, offset)
    return lsp.Position(line=line, character=offset - (text.rfind("\n", 0, offset) + 1))


class _Editor:
    """Open documents edited the way the server applies a client's didChange."""

    def __init__(self, ws: Workspace, options: Options) -> None:
        self.ws = ws
        self.options = options
        self.trees: dict[str, object] = {}
        self.keystrokes = 0

    def open(self, path: str) -> None:
        self.trees[path] = self.ws.file(path).tree
        core.check(self.ws, path, self.options, self.trees[path])

    def text(self, path: str) -> str:
        return self.trees[path].text

    def change(self, path: str, start: int, end: int, new: str) -> None:
        text = self.text(path)
        rng = lsp.Range(start=_position(text, start), end=_position(text, end))
        tree = apply_changes(self.trees[path], [lsp.TextDocumentContentChangePartial(range=rng, text=new)], "utf-16")
        self.trees[path] = tree
        self.ws = self.ws.with_tree(path, tree)
        core.check(self.ws, path, self.options, tree)
        self.keystrokes += 1

    def type(self, path: str, anchor: str, word: str, keep: bool = False) -> None:
        self.type_at(path, self.text(path).index(anchor) + len(anchor), word, keep)

    def type_at(self, path: str, at: int, word: str, keep: bool = False) -> None:
        for i, ch in enumerate(word):
            self.change(path, at + i, at + i, ch)
        if not keep:
            for i in range(len(word), 0, -1):
                self.change(path, at + i - 1, at + i, "")

    def paste_and_undo(self, path: str, before: str, table: str) -> None:
        at = self.text(path).index(before)
        self.change(path, at, at, table)
        self.type_at(path, at + table.index(")"), " + 1")
        self.change(path, at, at + len(table), "")

    def close(self, path: str, disk_text: str) -> None:
        """As the server's didClose: back to the disk's content when the buffer differs."""
        if self.text(path) != disk_text:
            self.ws = self.ws.with_text(path, disk_text)
        del self.trees[path]


def _session_round(ed: _Editor, defs: str, exp: str) -> None:
    ed.type(defs, '"COUNTIF(active_hours_sum > 0 AND total_uri_count > 0', " AND col_1 > 0")
    ed.type(defs, "Measures the amount of time", " (soak)")
    for _ in range(3):
        ed.type(defs, "[metrics.active_hours]\n", "\n")
    ed.paste_and_undo(defs, "[metrics.uri_count]",
                      '[metrics.pasted]\nselect_expression = "SUM(x)"\ndata_source = "clients_daily"\n\n')
    ed.type(exp, "'set_to_default_rate'", ", 'uri_count'")
    ed.type(exp, "WHERE environment.partner.distribution_id IS NULL", "\n    AND sample_id = 7")
    ed.paste_and_undo(exp, "[metrics]", '[metrics.pasted]\nselect_expression = "COUNT(*)"\ndata_source = "clients_daily"\n\n')


def _core_objects() -> Counter:
    gc.collect()
    return Counter(type(o).__qualname__ for o in gc.get_objects() if type(o).__module__.startswith("jetls."))


def _grown(before: Counter, after: Counter) -> dict[str, tuple[int, int]]:
    return {t: (before[t], n) for t, n in after.items() if n > before[t]}


def test_a_long_session_leaves_no_more_live_objects_than_after_the_warm_up() -> None:
    hub = corpus_dir("metric-hub")
    options = Options(platform="firefox_desktop")
    ws = Workspace.load(hub, options)
    ws.index
    defs, exp = os.path.normpath(hub / DEFINITIONS), os.path.normpath(hub / EXPERIMENT)
    disk = {p: ws.file(p).text for p in (defs, exp)}
    ed = _Editor(ws, options)
    del ws
    ed.open(defs)
    ed.open(exp)

    _session_round(ed, defs, exp)  # warm-up: content-keyed caches (templates, SQL) see every string
    assert ed.text(defs) == disk[defs] and ed.text(exp) == disk[exp]
    warm, warm_replay = _core_objects(), replay.sizes()
    warm_keystrokes = ed.keystrokes

    for _ in range(3):
        _session_round(ed, defs, exp)
    assert ed.keystrokes - warm_keystrokes > 300
    assert _grown(warm, _core_objects()) == {}
    assert replay.sizes() == warm_replay  # entries of replaced chunk trees went with them

    # leave both documents edited, then close them: what was kept for the edits goes
    ed.type(defs, "Measures the amount of time", " (soak)", keep=True)
    ed.type(exp, "'set_to_default_rate'", ", 'uri_count'", keep=True)
    ed.close(defs, disk[defs])
    ed.close(exp, disk[exp])
    ed.ws.index
    assert _grown(warm, _core_objects()) == {}
    after_close = replay.sizes()
    assert all(after_close[name] <= n for name, n in warm_replay.items())


def test_the_server_keeps_nothing_per_keystroke(tmp_path) -> None:
    """didChange notifications through pygls and the server's handlers (the state of open
    documents, pending diagnostics, the protocol's bookkeeping) leave no object behind."""
    from jetls.server import create_server

    server = create_server()
    server.client.pull_diagnostics = True  # nothing is published: no event loop needed
    protocol = server.protocol

    def notify(method: str, params: dict) -> None:
        protocol.handle_message(protocol.structure_message({"jsonrpc": "2.0", "method": method, "params": params}))

    uri = (tmp_path / "scratch.toml").as_uri()
    notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "toml", "version": 1, "text": "a = 1\n"}})

    def keystrokes(first: int, n: int) -> None:
        for version in range(first, first + n):
            notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [
                {"range": {"start": {"line": 0, "character": 4}, "end": {"line": 0, "character": 5}}, "text": str(version % 10)}]})

    def live() -> Counter:
        gc.collect()
        return Counter(type(o).__qualname__ for o in gc.get_objects())

    keystrokes(2, 20)
    before = live()
    keystrokes(22, 200)
    grown = {t: (before[t], n) for t, n in live().items() if n - before[t] >= 20}  # a leak is one per keystroke
    assert grown == {}
    assert server.docs[uri].tree.text == "a = 1\n"
    notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert uri not in server.docs
