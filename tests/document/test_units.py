"""`unit_key`: the constant-time content identity that lets checks and the index replay the
results of `[section.<slug>]` tables a keystroke did not touch."""

from __future__ import annotations

from jetls.document import build, unit_key
from jetls.syntax import parse

TEXT = """\
[metrics.a]
select_expression = "1"

[metrics.b]
select_expression = "2"
data_source = "x"

[metrics.b.statistics.mean]

[metrics.c]
select_expression = "3"
"""


def _units(tree):
    metrics = build(tree).root.items["metrics"]
    return {name: unit_key(t) for name, t in metrics.items.items()}


def test_an_edit_changes_only_the_key_of_the_table_it_touches():
    before = parse(TEXT)
    at = TEXT.index('"1"') + 1
    after = before.edit(at, at, "0 + ")  # the edit shifts b and c, but does not touch them
    k0, k1 = _units(before), _units(after)
    assert k1["a"] != k0["a"]
    assert k1["b"] == k0["b"]  # built from two chunks: same trees, same distance apart
    assert k1["c"] == k0["c"]


def test_an_edit_between_the_chunks_of_a_table_changes_its_key():
    text = TEXT.replace("[metrics.b.statistics.mean]", "[metrics.m]\nselect_expression = '9'\n\n[metrics.b.statistics.mean]")
    before = parse(text)
    at = text.index("'9'") + 1
    after = before.edit(at, at, "8")  # inside [metrics.m]: b's own chunks are untouched but move apart
    k0, k1 = _units(before), _units(after)
    assert k1["b"] != k0["b"]
    assert k1["m"] != k0["m"]
    assert k1["a"] == k0["a"] and k1["c"] == k0["c"]


def test_equal_text_parsed_twice_has_different_keys():
    # keys are identities of parsed chunks, not of text: a fresh parse never hits a cache
    # filled by another parse (so an incremental result can be compared with a fresh one)
    assert _units(parse(TEXT))["c"] != _units(parse(TEXT))["c"]


def test_only_tables_two_levels_down_have_a_key():
    doc = build(parse(TEXT))
    assert unit_key(doc.root) is None
    assert unit_key(doc.root.items["metrics"]) is None
    assert unit_key(doc.root.items["metrics"].items["b"].items["statistics"]) is None
