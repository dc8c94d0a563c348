"""The server never writes to the workspace.

A copy of the corpus (else the fixture workspace) is made read-only (chmod -R a-w) and snapshotted
(mtime, size, sha256 of every file, and the set of directories): tests may run as root, for whom
the mode bits do not stop a write. The server runs with the workspace as its working directory
and gets the whole life cycle: open, edit, rename, code actions, executeCommand, didSave, close,
shutdown, exit. Afterwards nothing under the workspace has changed and no file or directory
has appeared.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat

import pytest
from lsprotocol import converters
from pytest_lsp import client_capabilities

from robust_helpers import corpus_source, pos_of, uri_of, write_fixture_workspace
from rawlsp import RawServer


def snapshot(root) -> dict:
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        out[dirpath] = ("dir",)
        for name in filenames:
            p = os.path.join(dirpath, name)
            st = os.stat(p)
            with open(p, "rb") as fh:
                out[p] = (st.st_mtime_ns, st.st_size, hashlib.sha256(fh.read()).hexdigest())
    return out


def chmod_tree(root, writable: bool) -> None:
    for dirpath, dirnames, filenames in os.walk(root):
        for p in [dirpath] + [os.path.join(dirpath, f) for f in filenames]:
            mode = os.stat(p).st_mode
            os.chmod(p, (mode | stat.S_IWUSR) if writable else (mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)))


@pytest.fixture
def readonly_root(tmp_path):
    src = corpus_source()
    root = tmp_path / "metric-hub"
    if src is not None:
        shutil.copytree(src, root)
        experiment = "jetstream/reminder-set-firefox-as-default.toml"
    else:
        write_fixture_workspace(root)
        experiment = "jetstream/my-experiment.toml"
    before = snapshot(root)
    chmod_tree(root, writable=False)
    yield root, experiment, before
    chmod_tree(root, writable=True)


def test_the_server_writes_nothing_in_the_workspace(readonly_root):
    root, experiment, before = readonly_root
    caps = converters.get_converter().unstructure(client_capabilities("visual-studio-code"))
    server = RawServer(cwd=str(root))
    try:
        init = server.request("initialize", {"processId": os.getpid(), "rootUri": uri_of(root), "capabilities": caps,
                                             "workspaceFolders": [{"uri": uri_of(root), "name": "metric-hub"}]})
        assert "capabilities" in init["result"]
        server.notify("initialized", {})
        path = root / experiment
        uri = uri_of(path)
        text = path.read_text()
        server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "toml", "version": 1, "text": text}})
        defs = root / "definitions" / ("firefox_desktop.toml" if (root / "definitions" / "firefox_desktop.toml").exists() else "functions.toml")
        dtext = defs.read_text()
        server.notify("textDocument/didOpen", {"textDocument": {"uri": uri_of(defs), "languageId": "toml", "version": 1, "text": dtext}})
        # wait for the index, then exercise everything
        import time

        p = pos_of(text, "active_hours", 0, 3)
        at = {"textDocument": {"uri": uri}, "position": {"line": p.line, "character": p.character}}
        deadline = time.monotonic() + 60
        while "Active hours" not in ((server.request("textDocument/hover", at).get("result") or {}).get("contents", {}).get("value", "")):
            assert time.monotonic() < deadline
            time.sleep(0.1)
        server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "# edited\n[metrics.new_one]\nselect_expression = \"{{ agg_sum('x') }}\"\ndata_source = \"nope\"\n"}]})
        p = pos_of("# edited\n[metrics.new_one]\nselect_expression = \"{{ agg_sum('x') }}\"\ndata_source = \"nope\"\n" + text, "active_hours", 0, 3)
        at = {"textDocument": {"uri": uri}, "position": {"line": p.line, "character": p.character}}
        for method, params in [
            ("textDocument/completion", at),
            ("textDocument/definition", at),
            ("textDocument/references", dict(at, context={"includeDeclaration": True})),
            ("textDocument/prepareRename", at),
            ("textDocument/rename", dict(at, newName="renamed_metric")),
            ("textDocument/documentSymbol", {"textDocument": {"uri": uri}}),
            ("textDocument/semanticTokens/full", {"textDocument": {"uri": uri}}),
            ("textDocument/foldingRange", {"textDocument": {"uri": uri}}),
            ("textDocument/diagnostic", {"textDocument": {"uri": uri}}),
            ("workspace/diagnostic", {"previousResultIds": []}),
            ("workspace/symbol", {"query": "active"}),
            ("workspace/executeCommand", {"command": "jetls.renderedSql", "arguments": [uri, {"line": p.line, "character": p.character}]}),
        ]:
            r = server.request(method, params, timeout=120)
            assert "result" in r, (method, r)
        diags = server.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})["result"]["items"]
        r = server.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 4, "character": 0}},
                                                       "context": {"diagnostics": diags}})
        assert "result" in r
        r = server.request("textDocument/rename", dict(at, newName="renamed_metric"))
        assert r.get("result") is None or "changes" in r["result"] or "documentChanges" in r["result"]
        server.notify("textDocument/didSave", {"textDocument": {"uri": uri}, "text": "whatever"})
        server.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": uri_of(defs), "type": 2}]})
        server.notify("workspace/didChangeConfiguration", {"settings": {"jetls": {"platform": "fenix"}}})
        server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        server.notify("textDocument/didClose", {"textDocument": {"uri": uri_of(defs)}})
        assert "result" in server.request("workspace/symbol", {"query": ""})
        server.request("shutdown", None)
        server.notify("exit")
        server.proc.wait(20)
    finally:
        server.close()
    assert server.proc.returncode == 0, server.stderr.decode(errors="replace")[-3000:]
    after = snapshot(root)
    changed = {p for p in before if p in after and before[p] != after[p]}
    appeared = set(after) - set(before)
    removed = set(before) - set(after)
    assert not changed and not appeared and not removed, (sorted(changed)[:10], sorted(appeared)[:10], sorted(removed)[:10])
