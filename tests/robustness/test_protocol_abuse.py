"""Protocol abuse against the real server process over stdio (raw bytes where pytest-lsp can't).

After each abuse the server must still answer a normal request correctly: hover on a metric
slug gives that metric's documentation.
"""

from __future__ import annotations

import json
import os
import sys
import time

import pytest

from robust_helpers import corpus_source, pos_of, uri_of, write_fixture_workspace
from rawlsp import RawServer

HOVER_NEEDLE = ("active_hours", 1, 3)  # the 2nd `active_hours` of my-experiment.toml


class Session:
    """A raw server on the fixture workspace with my-experiment.toml open."""

    def __init__(self, root, env=None, capabilities=None) -> None:
        self.root = root
        self.server = RawServer(env=env)
        init = self.server.request("initialize", {"processId": os.getpid(), "rootUri": uri_of(root), "capabilities": capabilities or {}})
        assert "capabilities" in init["result"]
        self.server.notify("initialized", {})
        self.path = root / "jetstream" / "my-experiment.toml"
        self.uri = uri_of(self.path)
        self.text = self.path.read_text()
        self.server.notify("textDocument/didOpen", {"textDocument": {"uri": self.uri, "languageId": "toml", "version": 1, "text": self.text}})

    def hover_ok(self, timeout: float = 30) -> None:
        """The normal request: hover on a metric slug answers with the metric's name."""
        p = pos_of(self.text, *HOVER_NEEDLE)
        deadline = time.monotonic() + timeout
        while True:  # the index loads in the background right after initialize
            r = self.server.request("textDocument/hover", {"textDocument": {"uri": self.uri}, "position": {"line": p.line, "character": p.character}}, timeout)
            assert "error" not in r, r
            value = (r.get("result") or {}).get("contents", {}).get("value", "")
            if "Active hours" in value:
                return
            assert time.monotonic() < deadline, r
            time.sleep(0.05)

    def close(self) -> None:
        self.server.close()


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    s = Session(write_fixture_workspace(tmp_path_factory.mktemp("abuse") / "metric-hub"))
    s.hover_ok()
    yield s
    s.close()
    assert s.server.proc.returncode == 0, s.server.stderr.decode(errors="replace")[-3000:]


def frame(body: bytes, length: int | None = None) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % (len(body) if length is None else length) + body


FILLER = json.dumps({"jsonrpc": "2.0", "method": "$/jetlsFiller", "params": {"pad": "x" * 200}}).encode()


# ----------------------------------------------------------------------------- framing


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(frame(b"{not json"), id="invalid-json"),
        pytest.param(frame(b"\xff\xfe\x00\x01 not utf-8"), id="not-utf8"),
        pytest.param(frame(b"[1, 2, 3]"), id="json-array"),
        pytest.param(frame(b"42"), id="json-number"),
        pytest.param(frame(b'{"jsonrpc": "1.0", "id": 1, "method": "textDocument/hover"}'), id="wrong-jsonrpc-version"),
        pytest.param(frame(b'{"jsonrpc": "2.0", "id": 7}'), id="missing-method-with-id"),
        pytest.param(frame(b'{"jsonrpc": "2.0", "params": {}}'), id="missing-method-and-id"),
        pytest.param(frame(b'{"jsonrpc": "2.0", "id": 8, "method": 5, "params": {}}'), id="method-not-a-string"),
        pytest.param(frame(b'{"jsonrpc": "2.0", "id": 9, "result": {"x": 1}}'), id="response-to-unknown-request"),
        pytest.param(frame(b'{"jsonrpc": "2.0", "method": "textDocument/didChange"}'), id="notification-without-params"),
        pytest.param(frame(b'{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": 3}}'), id="notification-wrong-params"),
        pytest.param(frame(b'{"jsonrpc": "2.0", "method": "textDocument/didChange", "params": []}'), id="notification-params-array"),
        pytest.param(frame(b'{"jsonrpc":"2.0","id":1}', length=5), id="content-length-too-short"),
        pytest.param(frame(b'{"jsonrpc":"2.0","method":"$/x"}', length=120) + frame(FILLER), id="content-length-too-long"),
        pytest.param(b"Content-Length: abc\r\n\r\n{}", id="content-length-not-a-number"),
        pytest.param(b"Content-Type: application/json\r\n\r\n{}\r\n", id="no-content-length"),
        pytest.param(b"\r\n\r\n\r\n", id="blank-lines"),
        pytest.param(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", id="http-request"),
        pytest.param(b"Content-Length: 99999999999999\r\n\r\n", id="absurd-content-length"),
        pytest.param(os.urandom(2048).replace(b"\n", b" ") + b"\r\n", id="random-bytes"),
        pytest.param(b"content-length: 2\r\n\r\n{}", id="lower-case-header"),
    ],
)
def test_malformed_framing_and_json_rpc_are_survived(session, raw):
    session.server.send_raw(raw)
    # A frame with a too-short length leaves garbage that is glued to the next header line; the
    # server skips it and resynchronises on that header (see jetls/server/framing.py).
    session.hover_ok()
    assert session.server.alive()


@pytest.mark.parametrize(
    "params",
    [
        {"textDocument": 5},
        [1, 2],
        {"textDocument": {"uri": "file:///x.toml"}},
        {"textDocument": {"uri": "file:///x.toml"}, "position": {"line": -1, "character": -5}},
        {"textDocument": {"uri": "file:///x.toml"}, "position": {"line": "zero", "character": 0}},
        "a string",
    ],
    ids=["doc-is-int", "array", "no-position", "negative-position", "line-is-string", "string"],
)
def test_a_request_with_params_of_the_wrong_shape_is_answered_with_an_error(session, params):
    r = session.server.request("textDocument/hover", params, timeout=10)
    assert r["error"]["code"] in (-32602, -32600, -32603), r
    session.hover_ok()


def test_a_request_without_params_is_answered(session):
    r = session.server.request("textDocument/hover", None, timeout=10)
    assert "error" in r or r["result"] is None
    session.hover_ok()


# ----------------------------------------------------------------------------- methods


def test_unknown_request_gets_method_not_found(session):
    r = session.server.request("jetls/noSuchMethod", {"x": 1})
    assert r["error"]["code"] == -32601
    session.hover_ok()


def test_unknown_notifications_are_ignored(session):
    before = len(session.server.responses)
    session.server.notify("jetls/noSuchNotification", {"x": 1})
    session.server.notify("$/someExtension", {"x": 1})
    session.server.notify("$/cancelRequest", {"id": 123456})  # unknown request id
    session.hover_ok()
    assert len(session.server.responses) == before  # no answer to a notification


@pytest.mark.parametrize(
    "method",
    ["textDocument/hover", "textDocument/completion", "textDocument/definition", "textDocument/references",
     "textDocument/documentSymbol", "textDocument/semanticTokens/full", "textDocument/foldingRange",
     "textDocument/codeAction", "textDocument/diagnostic", "textDocument/prepareRename"],
)
@pytest.mark.parametrize("uri", ["file:///no/such/dir/x.toml", "untitled:Untitled-1", "https://example.com/x.toml", "file:///"])
def test_requests_for_unopened_or_unreadable_documents_answer(session, method, uri):
    params = {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}
    if method == "textDocument/references":
        params["context"] = {"includeDeclaration": True}
    if method == "textDocument/codeAction":
        params = {"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}}
    if method in ("textDocument/documentSymbol", "textDocument/semanticTokens/full", "textDocument/foldingRange", "textDocument/diagnostic"):
        params = {"textDocument": {"uri": uri}}
    r = session.server.request(method, params, timeout=15)
    assert "result" in r or r["error"]["code"] != -32601, r


def test_unopened_file_on_disk_is_read_from_disk(session):
    path = session.root / "definitions" / "firefox_desktop.toml"
    text = path.read_text()
    p = pos_of(text, "[metrics.active_hours]", 0, 12)
    r = session.server.request("textDocument/hover", {"textDocument": {"uri": uri_of(path)}, "position": {"line": p.line, "character": p.character}})
    assert "Active hours" in r["result"]["contents"]["value"]


@pytest.mark.parametrize(
    "pos",
    [(10**6, 0), (0, 10**6), (10**9, 10**9), (2**31 - 1, 2**31 - 1), (4, 10**5)],
)
@pytest.mark.parametrize("method", ["textDocument/hover", "textDocument/completion", "textDocument/definition", "textDocument/prepareRename"])
def test_out_of_range_positions_are_clamped(session, pos, method):
    r = session.server.request(method, {"textDocument": {"uri": session.uri}, "position": {"line": pos[0], "character": pos[1]}})
    assert "result" in r, r
    session.hover_ok()


def test_rename_and_code_action_with_out_of_range_ranges(session):
    far = {"line": 10**6, "character": 10**6}
    r = session.server.request("textDocument/codeAction", {"textDocument": {"uri": session.uri}, "range": {"start": far, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": [{"range": {"start": far, "end": far}, "message": "x", "code": "JET201", "source": "jetls"}]}})
    assert "result" in r, r
    r = session.server.request("textDocument/rename", {"textDocument": {"uri": session.uri}, "position": far, "newName": "x"})
    assert "result" in r or "error" in r
    session.hover_ok()


# ----------------------------------------------------------------------------- didChange abuse


def _change(session, version, changes, uri=None):
    session.server.notify("textDocument/didChange", {"textDocument": {"uri": uri or session.uri, "version": version}, "contentChanges": changes})


def _pull(session) -> list:
    r = session.server.request("textDocument/diagnostic", {"textDocument": {"uri": session.uri}})
    return r["result"]["items"]


def _inside(text: str, rng: dict) -> bool:
    lines = text.split("\n")
    for p in (rng["start"], rng["end"]):
        if not (0 <= p["line"] < len(lines) and 0 <= p["character"] <= len(lines[p["line"]])):
            return False
    return True


def test_did_change_with_older_versions_ranges_past_the_end_and_reversed_ranges(session):
    end_of_text = session.text + "\n# appended past the end\n"
    # a range past the end of the document: clamped to the end (the text is appended)
    _change(session, 0, [{"range": {"start": {"line": 10**6, "character": 0}, "end": {"line": 10**6, "character": 5}}, "text": "\n# appended past the end\n"}])
    # an older version, then a reversed range (end before start) replacing nothing at the end
    n = end_of_text.count("\n")
    _change(session, -5, [{"range": {"start": {"line": n, "character": 0}, "end": {"line": n, "character": 0}}, "text": ""}])
    _change(session, 3, [{"range": {"start": {"line": n, "character": 10**6}, "end": {"line": n - 1, "character": 10**6}}, "text": ""}])
    # a change for a document that is not open: ignored
    _change(session, 1, [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "x"}], uri="file:///not/open.toml")
    session.hover_ok()
    items = _pull(session)
    assert all(_inside(end_of_text, d["range"]) for d in items), items
    # a full replacement puts the original back
    _change(session, 10, [{"text": session.text}])
    session.hover_ok()
    assert all(_inside(session.text, d["range"]) for d in _pull(session))


def test_did_open_twice_and_close_unopened(session):
    session.server.notify("textDocument/didOpen", {"textDocument": {"uri": session.uri, "languageId": "toml", "version": 1, "text": session.text}})
    session.server.notify("textDocument/didClose", {"textDocument": {"uri": "file:///never/opened.toml"}})
    session.server.notify("textDocument/didSave", {"textDocument": {"uri": "file:///never/opened.toml"}})
    session.hover_ok()


def test_execute_command_with_bad_arguments(session):
    for args in (None, [], [1, 2], ["file:///x.toml"], [session.uri, "not a position"], [session.uri, {"line": "x"}], [[[[]]]]):
        params = {"command": "jetls.renderedSql"}
        if args is not None:
            params["arguments"] = args
        r = session.server.request("workspace/executeCommand", params)
        assert "result" in r or "error" in r
    r = session.server.request("workspace/executeCommand", {"command": "no.such.command", "arguments": []})
    assert "error" in r
    session.hover_ok()


# ----------------------------------------------------------------------------- cancellation


@pytest.mark.skipif(corpus_source() is None, reason="metric-hub corpus not found")
def test_cancel_a_long_workspace_diagnostic(tmp_path):
    import shutil

    root = tmp_path / "metric-hub"
    shutil.copytree(corpus_source(), root)
    server = RawServer()
    try:
        server.request("initialize", {"processId": os.getpid(), "rootUri": uri_of(root), "capabilities": {}})
        server.notify("initialized", {})
        # wait for the index: workspace/diagnostic lists every file once it is loaded
        deadline = time.monotonic() + 60
        while True:
            r = server.request("workspace/diagnostic", {"previousResultIds": []}, timeout=120)
            if len(r["result"]["items"]) > 100:
                break
            assert time.monotonic() < deadline
            time.sleep(0.2)
        outcomes = []
        for delay in (0.0, 0.05, 0.3):
            msg_id = server.request_id("workspace/diagnostic", {"previousResultIds": []})
            time.sleep(delay)
            server.notify("$/cancelRequest", {"id": msg_id})
            r = server.response(msg_id, timeout=120)
            if "error" in r:
                assert r["error"]["code"] == -32800, r
                outcomes.append("cancelled")
            else:
                assert len(r["result"]["items"]) > 100
                outcomes.append("result")
        assert "cancelled" in outcomes, outcomes
        # and the server still answers correctly
        path = root / "jetstream" / "reminder-set-firefox-as-default.toml"
        text = path.read_text()
        p = pos_of(text, "'active_hours'", 0, 3)
        r = server.request("textDocument/hover", {"textDocument": {"uri": uri_of(path)}, "position": {"line": p.line, "character": p.character}})
        assert "Active hours" in r["result"]["contents"]["value"]
    finally:
        server.close()
    assert server.proc.returncode == 0


# ----------------------------------------------------------------------------- handler failure


def test_a_failing_handler_is_logged_with_its_traceback_and_the_server_carries_on(tmp_path):
    """JETLS_TEST_FAULT=textDocument/hover makes the guarded hover handler raise (test hook in
    jetls/server/server.py). The failure is logged via window/logMessage with its traceback, the
    request is answered (null), and the next requests are served normally."""
    root = write_fixture_workspace(tmp_path / "metric-hub")
    env = dict(os.environ, JETLS_TEST_FAULT="textDocument/hover")
    s = Session(root, env=env)
    try:
        p = pos_of(s.text, *HOVER_NEEDLE)
        params = {"textDocument": {"uri": s.uri}, "position": {"line": p.line, "character": p.character}}
        r = s.server.request("textDocument/hover", params)
        assert r.get("result") is None and "error" not in r, r
        deadline = time.monotonic() + 10
        while not any("injected failure" in m for m in s.server.log_messages()):
            assert time.monotonic() < deadline, s.server.log_messages()
            time.sleep(0.02)
        (log,) = [n for n in s.server.notifications if n.get("method") == "window/logMessage" and "injected failure" in n["params"]["message"]]
        assert log["params"]["type"] == 1  # Error
        message = log["params"]["message"]
        assert "textDocument/hover" in message and "Traceback (most recent call last)" in message
        assert "_injected_fault" in message  # the frame that raised
        # the next (other) requests are served normally
        r = s.server.request("textDocument/definition", params)
        assert r["result"] and r["result"][0]["uri"].endswith("definitions/firefox_desktop.toml")
        r = s.server.request("textDocument/hover", params)  # and the failing one keeps answering
        assert r.get("result") is None and "error" not in r
        assert s.server.alive()
    finally:
        s.close()


def test_a_handler_failing_on_bad_input_is_logged_and_answered(session):
    """A real failure: rendered SQL with a position whose line is not a number raises inside the
    handler (int('x')); the guard logs it and answers null."""
    before = len(session.server.log_messages())
    r = session.server.request("workspace/executeCommand", {"command": "jetls.renderedSql", "arguments": [session.uri, {"line": "x", "character": 0}]})
    assert r.get("result") is None and "error" not in r, r
    deadline = time.monotonic() + 10
    while not any("Traceback" in m and "ValueError" in m for m in session.server.log_messages()[before:]):
        assert time.monotonic() < deadline, session.server.log_messages()[before:]
        time.sleep(0.02)
    session.hover_ok()
