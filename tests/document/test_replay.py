"""`ReplayCache`: a result recorded for a table's content is found again on later snapshots that
re-use its chunk trees, and goes away as soon as one of those trees is freed."""

from __future__ import annotations

import gc

from jetls.document import build
from jetls.document.replay import ReplayCache
from jetls.syntax import parse

TEXT = """\
[metrics.a]
select_expression = "1"

[metrics.b]
select_expression = "2"

[metrics.b.statistics.mean]

[metrics.c]
select_expression = "3"
"""


def _metric(tree, name: str):
    return build(tree).root.items["metrics"].items[name]


def test_a_result_is_replayed_while_the_content_is_reused() -> None:
    cache = ReplayCache("test: replayed while reused")
    tree = parse(TEXT)
    cache.put(_metric(tree, "c"), "key", ("recorded",))
    at = TEXT.index('"1"') + 1
    edited = tree.edit(at, at, "0 + ")  # in [metrics.a]: c's chunk tree is re-used, shifted
    assert cache.get(_metric(edited, "c"), "key") == ("recorded",)
    assert cache.get(_metric(edited, "c"), "another key") is None
    assert cache.get(_metric(edited, "a"), "key") is None
    assert cache.get(_metric(parse(TEXT), "c"), "key") is None  # the same text parsed again: other trees


def test_an_entry_dies_with_its_chunk_trees() -> None:
    cache = ReplayCache("test: dies with its trees")
    tree = parse(TEXT)
    cache.put(_metric(tree, "c"), "key", ("recorded",))
    cache.put(tree.chunks[0].tree, (), ("per chunk",))
    assert len(cache) == 2
    del tree
    gc.collect()
    assert len(cache) == 0


def test_a_table_built_from_two_chunks_loses_its_entry_when_either_is_replaced() -> None:
    cache = ReplayCache("test: two chunks")
    tree = parse(TEXT)
    cache.put(_metric(tree, "b"), "key", ("recorded",))
    at = TEXT.index("[metrics.b.statistics.mean]") + len("[metrics.b.statistics.mean]")
    edited = tree.edit(at, at, "\nx = 1")  # re-parses b's second chunk; its first one is kept
    del tree
    gc.collect()
    assert len(cache) == 0
    assert cache.get(_metric(edited, "b"), "key") is None


def test_tables_that_are_not_units_are_not_kept() -> None:
    cache = ReplayCache("test: not units")
    doc = build(parse(TEXT))
    for table in (doc.root, doc.root.items["metrics"], doc.root.items["metrics"].items["b"].items["statistics"]):
        cache.put(table, "key", ("recorded",))
        assert cache.get(table, "key") is None
    assert len(cache) == 0
