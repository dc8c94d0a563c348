"""The caches behind fast keystrokes give the same answers as a fresh check."""

from __future__ import annotations

import difflib
import random

from jetls.checks import check_file
from jetls.checks.batch import check_files
from jetls.checks.suggest import _close_match
from jetls.options import Options
from jetls.workspace import Workspace
from tests.corpus import corpus_dir


def _key(report):
    return [(d.code, d.severity, d.start, d.end, d.message, d.related, d.tags) for d in report.diagnostics]


def test_close_match_is_difflib() -> None:
    rng = random.Random(7)
    words = ["".join(rng.choice("abcdefgh_") for _ in range(rng.randint(1, 14))) for _ in range(300)]
    for w in words[:120]:
        assert _close_match(w, words, 0.6) == (difflib.get_close_matches(w, words, n=1, cutoff=0.6) or [None])[0]


def test_edits_match_a_fresh_check() -> None:
    hub = corpus_dir("metric-hub")
    options = Options(platform="firefox_desktop")
    ws = Workspace.load(hub, options)
    path = str(hub / "definitions" / "firefox_desktop.toml")
    exp = str(hub / "jetstream" / "reminder-set-firefox-as-default.toml")
    for p in (path, exp):
        check_file(ws, p, options)
    tree = ws.file(path).tree
    text = tree.text
    edits = [
        (text.index('data_source = "clients_daily') + 20, 0, "x"),  # a reference
        (text.index("[metrics."), 0, "# moved\n"),  # shifts everything after it
        (text.index("select_expression"), 0, "  "),  # a SQL string's key
        (len(text), 0, '\n[metrics.brand_new]\nselect_expression = "1 +"\ndata_source = "nope"\n'),
        (text.index("[metrics.") + 1, 7, "metrix"),  # breaks a header
    ]
    for start, length, new in edits:
        tree = tree.edit(start, start + length, new)
        ws = ws.with_tree(path, tree)
        fresh = Workspace.load(hub, options, ()).with_text(path, tree.text)
        assert _key(check_file(ws, path, options)) == _key(check_file(fresh, path, options))
        assert _key(check_file(ws, exp, options)) == _key(check_file(fresh, exp, options))


def test_check_files_on_two_cores_matches() -> None:
    hub = corpus_dir("metric-hub")
    ws = Workspace.load(hub, Options())
    paths = sorted(ws.files)[:40]
    one = check_files(ws, paths, None, 1)
    two = check_files(ws, paths, None, 2)
    assert list(one) == list(two) == paths
    assert all(_key(one[p]) == _key(two[p]) for p in paths)
