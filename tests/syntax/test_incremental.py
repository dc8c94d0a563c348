"""Incremental re-parse == full parse, for random edits on real files (property test)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus import corpus_dir
from jetls.syntax import parse
from jetls.syntax.tree import dump

FRAGMENTS = [
    '"', "'", '"""', "'''", "[", "]", "[[", "\n", "\r\n", "[metrics.x]\n", "a = ", "{", "}", ",", "#",
    "\\", "=", "x", "\r", "\n[", " ", "[[a]]\n", "1979-05-27", "\x00", "é😀", "\ufeff", ".", "\t",
    'weekly = ["', "= {", "0x1F", "inf",
]

_files: list[str] = []


def _corpus_texts() -> list[str]:
    if not _files:
        root = corpus_dir("metric-hub")
        paths = sorted(root.rglob("*.toml"))
        # A spread of sizes, including the largest file.
        paths = sorted(paths, key=lambda p: p.stat().st_size)
        picks = paths[:: max(1, len(paths) // 40)] + paths[-2:]
        _files.extend(p.read_text(encoding="utf-8") for p in picks)
    return _files


edit = st.tuples(
    st.floats(0, 1), st.integers(0, 40), st.lists(st.sampled_from(FRAGMENTS), max_size=4).map("".join) | st.text(max_size=6)
)


# 350 sequences of 3-5 edits: more than 1 000 random edits, each compared with a fresh parse.
@settings(max_examples=350, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000), st.lists(edit, min_size=3, max_size=5))
def test_incremental_update_equals_fresh_parse(file_index, edits):
    texts = _corpus_texts()
    tree = parse(texts[file_index % len(texts)])
    tree.lines  # computed once, then carried through the edits
    for where, length, insert in edits:
        start = int(where * len(tree.text))
        tree = tree.edit(start, min(len(tree.text), start + length), insert)
        fresh = parse(tree.text)
        assert dump(tree) == dump(fresh)
        assert tree.lines.starts == fresh.lines.starts


def test_one_character_edit_reparses_only_the_touched_chunks():
    text = (corpus_dir("metric-hub") / "definitions" / "firefox_desktop.toml").read_text()
    tree = parse(text)
    middle = len(text) // 2
    edited = tree.edit(middle, middle, "x")
    reused = sum(1 for a in edited.chunks if any(a.tree is b.tree for b in tree.chunks))
    assert len(tree.chunks) > 200
    assert len(edited.chunks) - reused <= 3
