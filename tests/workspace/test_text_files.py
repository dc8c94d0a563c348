"""Files kept as text: the server keeps an experiment config no editor has open as its text and
its index, and rebuilds its syntax tree and document when an analysis asks (`SourceFile.whole`
false; `Workspace.load(..., whole=False)`).

The rule: such a workspace answers exactly as one keeping every file whole (diagnostics, platform
choices, references, rename, workspace symbols, across edits), and keeps nothing of a text
file's tree or document but what is in use and a bounded set of recently rebuilt ones."""

from __future__ import annotations

import gc
import re
import weakref

import pytest
from corpus import find

from jetls.checks import check_file
from jetls.document import TomlDocument
from jetls.features.navigation import references
from jetls.features.rename import RenameError, rename
from jetls.features.symbols import workspace_symbols
from jetls.schema import FileKind
from jetls.workspace import Workspace
from jetls.workspace.index import definition_table
from jetls.workspace.model import RECENT_DOCUMENTS, TEXT_KINDS


@pytest.fixture(scope="module")
def hub():
    root = find("metric-hub")
    if root is None:
        pytest.skip("metric-hub corpus not found ($JETLS_CORPUS/metric-hub or ../shared/corpus/metric-hub)")
    return root


@pytest.fixture(scope="module")
def pair(hub):
    """The real metric-hub loaded whole, and loaded as the server loads it."""
    whole = Workspace.load(hub)
    text = Workspace.load(hub, whole=False)
    return whole, text


def _diagnostics(ws: Workspace, path: str) -> list:
    return [(d, d.data, d.fixes) for d in check_file(ws, path, ws.options).diagnostics]


def _index(ws: Workspace, path: str) -> tuple:
    fi = ws.file(path).index
    defs = [(d.kind, d.slug, d.platform, d.path, d.span, d.layer, d.view, d.friendly_name,
             d.table.decl if d.table is not None else None, d.table.to_python() if d.table is not None else None)
            for d in fi.definitions]
    refs = [(r.kind, r.slug, r.path, r.span, r.platform, r.where) for r in fi.references]
    return defs, refs


def test_the_server_keeps_experiment_configs_as_text(pair):
    whole, text = pair
    kept = {p for p, f in text.files.items() if not f.whole}
    assert kept == {p for p, f in text.files.items() if f.kind in TEXT_KINDS}
    assert len(kept) == 390  # every experiment config of metric-hub; definitions, outcomes, defaults stay whole
    assert all(f.whole for f in whole.files.values())


def test_a_workspace_of_text_files_answers_as_a_whole_one(pair):
    whole, text = pair
    assert list(whole.files) == list(text.files)
    for path in whole.files:
        assert _index(text, path) == _index(whole, path), path
        assert text.platform_of(path) == whole.platform_of(path), path
        assert _diagnostics(text, path) == _diagnostics(whole, path), path
    assert len(whole.index) == len(text.index)


def test_references_rename_and_symbols_agree(pair, hub):
    whole, text = pair
    sites = []
    for rel in ("definitions/firefox_desktop.toml", "jetstream/outcomes/firefox_desktop/networking.toml"):
        path = str(hub / rel)
        defs = whole.file(path).index.definitions
        sites += [(path, d.span[0]) for d in defs[::25] if d.kind != "outcome"]
    for path, f in list(whole.files.items())[::40]:  # slugs written in experiment configs
        if f.kind is FileKind.EXPERIMENT:
            sites += [(path, x.span[0]) for x in f.index.definitions[:2] + f.index.references[:2]]
    assert len(sites) > 40
    for path, offset in sites:
        assert references(text, path, offset) == references(whole, path, offset), (path, offset)
        try:
            expected = rename(whole, path, offset, "renamed_slug")
        except RenameError as e:
            with pytest.raises(RenameError, match=re.escape(str(e))):
                rename(text, path, offset, "renamed_slug")
        else:
            assert rename(text, path, offset, "renamed_slug") == expected
    for query in ("active", "uri", "days of use", "search"):
        assert workspace_symbols(text, query) == workspace_symbols(whole, query)


def test_opening_editing_and_closing_a_config(pair, hub):
    whole, text = pair
    path = str(hub / "jetstream/reminder-set-firefox-as-default.toml")
    disk = whole.file(path).text
    assert not text.file(path).whole
    # opened: the editor's tree, kept whole; edited: the same answers as a whole workspace
    local = '[metrics.my_local]\nselect_expression = "1"\ndata_source = "main"\n\n'
    edited = disk.replace("[metrics]", local + "[metrics]", 1)
    assert edited != disk
    opened = text.with_tree(path, text.file(path).tree.edit(0, len(disk), edited))
    assert opened.file(path).whole
    expected = whole.with_text(path, edited)
    for p in (path, str(hub / "definitions/firefox_desktop.toml")):
        assert _diagnostics(opened, p) == _diagnostics(expected, p)
    # closed: back to the disk's text, kept as text again
    closed = opened.with_text(path, disk)
    assert not closed.file(path).whole
    assert _diagnostics(closed, path) == _diagnostics(whole, path)
    assert _index(closed, path) == _index(whole, path)


def test_definition_tables_are_found_by_kind_and_slug(pair):
    whole, _ = pair
    n = 0
    for f in whole.files.values():
        for d in f.index.definitions:
            assert definition_table(f.doc.root, d.kind, d.slug) is d.table, d
            n += 1
    assert n > 3000


def test_a_text_file_keeps_no_tree_or_document_beyond_use(hub):
    enabled = gc.isenabled()
    gc.disable()  # freed by reference counting alone: no cycle holds them
    try:
        ws = Workspace.load(hub, whole=False)
        RECENT_DOCUMENTS.clear()
        assert _documents_of(ws) == 0  # the index does not pin the configs' documents
        sf = next(f for f in ws.files.values() if not f.whole and f.index.definitions)
        doc = sf.doc
        assert sf.doc is doc and sf.tree is doc.tree  # one document while it is in use
        assert all(d.table is definition_table(doc.root, d.kind, d.slug) for d in sf.index.definitions)
        tree = sf.tree
        doc_ref, tree_ref = weakref.ref(doc), weakref.ref(tree)
        del doc
        RECENT_DOCUMENTS.clear()
        assert doc_ref() is None
        # a tree still in use (an editor opened the file) is the one the next document is built from
        assert sf.doc.tree is tree
        del tree
        RECENT_DOCUMENTS.clear()
        assert tree_ref() is None and doc_ref() is None
    finally:
        if enabled:
            gc.enable()


def test_recently_rebuilt_documents_are_bounded(hub, monkeypatch):
    ws = Workspace.load(hub, whole=False)
    texts = [f for f in ws.files.values() if not f.whole]
    RECENT_DOCUMENTS.clear()
    for f in texts:
        _ = f.doc  # a pass over every file (pull-mode workspace diagnostics)
    assert len(RECENT_DOCUMENTS) == len(texts)  # metric-hub's configs fit: the next pass re-parses none
    RECENT_DOCUMENTS.clear()
    monkeypatch.setattr(RECENT_DOCUMENTS, "BUDGET", 2 << 20)  # a workspace ten times bigger, say
    for f in texts:
        _ = f.doc
    assert RECENT_DOCUMENTS.weight <= 2 << 20
    assert 0 < len(RECENT_DOCUMENTS) < len(texts)
    assert _documents_of(ws) == len(RECENT_DOCUMENTS)
    RECENT_DOCUMENTS.clear()


def _documents_of(ws: Workspace) -> int:
    """Live documents of the workspace's text files (a document's text is its file's)."""
    texts = {id(f.text) for f in ws.files.values() if not f.whole}
    return sum(1 for o in gc.get_objects() if type(o) is TomlDocument and id(o.text) in texts)
