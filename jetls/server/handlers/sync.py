"""Text synchronisation: every change goes through the incremental re-parse (`tree.edit`)."""

from __future__ import annotations

from lsprotocol import types as lsp
from pygls import uris

from jetls.server import convert, core
from jetls.server.server import JetlsServer, OpenDoc, guard
from jetls.syntax import SyntaxTree, parse


def apply_changes(tree: SyntaxTree, changes, encoding: str) -> SyntaxTree:
    for change in changes:
        rng = getattr(change, "range", None)
        if rng is None:
            tree = parse(change.text)
            continue
        lines = tree.lines
        start = convert.offset(lines, rng.start, encoding)
        end = convert.offset(lines, rng.end, encoding)
        if end < start:
            start, end = end, start
        tree = tree.edit(start, end, change.text)
    return tree


def _update_snapshot(ls: JetlsServer, doc: OpenDoc) -> None:
    root = doc.root
    if root is None or root.ws is None:
        return
    ls.set_snapshot(root, root.ws.with_tree(doc.path, doc.tree), doc.path)


def _after_change(ls: JetlsServer, doc: OpenDoc) -> None:
    ls.request_diagnostics(doc.uri)
    root = doc.root
    if root is not None and root.loaded and core.is_shared(root.ws, doc.path):
        ls.rediagnose_root(root, except_uri=doc.uri)


def register(server: JetlsServer) -> None:
    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    @guard(name="textDocument/didOpen")
    def did_open(ls: JetlsServer, params: lsp.DidOpenTextDocumentParams):
        item = params.text_document
        path = uris.to_fs_path(item.uri) or item.uri
        root = ls.root_for(path)
        old = root.ws.files.get(path) if root is not None and root.ws is not None else None
        # Opening a file as it is on disk: keep the indexed tree (its chunks key every cached
        # result, so the first keystroke re-checks one table, not the whole file).
        tree = old.tree if old is not None and old.text == item.text else None
        doc = OpenDoc(item.uri, path, item.version, tree if tree is not None else parse(item.text), root)
        same = tree is not None
        ls.docs[item.uri] = doc
        if not same:
            _update_snapshot(ls, doc)
            _after_change(ls, doc)
        else:
            ls.request_diagnostics(item.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    @guard(name="textDocument/didChange")
    def did_change(ls: JetlsServer, params: lsp.DidChangeTextDocumentParams):
        uri = params.text_document.uri
        doc = ls.docs.get(uri)
        if doc is None:
            return
        doc.tree = apply_changes(doc.tree, params.content_changes, ls.encoding)
        doc.version = params.text_document.version
        _update_snapshot(ls, doc)
        _after_change(ls, doc)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    @guard(name="textDocument/didSave")
    def did_save(ls: JetlsServer, params: lsp.DidSaveTextDocumentParams):
        pass

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    @guard(name="textDocument/didClose")
    def did_close(ls: JetlsServer, params: lsp.DidCloseTextDocumentParams):
        uri = params.text_document.uri
        doc = ls.docs.pop(uri, None)
        ls._dirty.discard(uri)
        ls._pull_cache.pop(uri, None)
        if doc is None:
            return
        root = doc.root
        if root is not None and not root.loose and root.ws is not None:
            # Back to the disk's content (unsaved edits are dropped).
            text = core.read_file(doc.path)
            if text is None:
                ls.set_snapshot(root, root.ws.without(doc.path), doc.path)
            elif text != doc.tree.text:
                ls.set_snapshot(root, root.ws.with_text(doc.path, text), doc.path)
                if root.loaded and core.is_shared(root.ws, doc.path):
                    ls.rediagnose_root(root)
        elif root is not None and root.loose and root.ws is not None:
            ls.set_snapshot(root, root.ws.without(doc.path), doc.path)
        if not ls.client.pull_diagnostics:
            ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
