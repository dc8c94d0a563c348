"""One broken line or table never hides the rest of the file; errors are precise and all reported."""

from __future__ import annotations

from jetls.document import build
from jetls.syntax import parse


def _doc(text):
    return build(parse(text))


def _span(text, needle, occurrence=0):
    i = -1
    for _ in range(occurrence + 1):
        i = text.index(needle, i + 1)
    return i, i + len(needle)


def test_unclosed_string_keeps_the_following_tables_with_exact_ranges():
    text = '[metrics.a]\nselect_expression = "COUNT(*)\ndata_source = "main"\n\n[metrics.b]\ndata_source = "events"\n\n[metrics.c]\nfriendly_name = "C"\n'
    doc = _doc(text)
    errors = doc.syntax_diagnostics()
    assert len(errors) == 1
    assert "unterminated string" in errors[0].message
    assert (errors[0].start, errors[0].end) == (_span(text, '"COUNT(*)')[0], _span(text, '"COUNT(*)')[1])
    # The rest of metrics.a and the later tables are all there, at their places.
    assert doc.lookup(("metrics", "a", "data_source")).to_python() == "main"
    b = doc.lookup(("metrics", "b", "data_source"))
    assert b.to_python() == "events"
    assert b.value_span == _span(text, '"events"')
    assert doc.lookup(("metrics", "c", "friendly_name")).key_span == _span(text, "friendly_name")


def test_unclosed_array_stops_before_the_next_statement():
    text = '[metrics]\nweekly = ["active_hours",\noverall = ["days_of_use"]\n\n[metrics.x]\ndata_source = "main"\n'
    doc = _doc(text)
    [error] = doc.syntax_diagnostics()
    assert "unclosed array" in error.message
    assert error.start == text.index("[", text.index("weekly"))
    assert doc.lookup(("metrics", "weekly")).to_python() == ["active_hours"]
    assert doc.lookup(("metrics", "overall")).to_python() == ["days_of_use"]
    assert doc.lookup(("metrics", "x", "data_source")).to_python() == "main"


def test_array_being_typed_at_end_of_file():
    text = '[metrics]\nweekly = ["'
    doc = _doc(text)
    assert doc.syntax_diagnostics()
    assert doc.lookup(("metrics", "weekly")) is not None


def test_header_missing_its_bracket_still_opens_the_table():
    text = '[metrics.a\nselect_expression = "1"\n[metrics.b]\nselect_expression = "2"\n'
    doc = _doc(text)
    [error] = doc.syntax_diagnostics()
    assert "missing its closing ']'" in error.message
    assert error.start == 0
    assert doc.lookup(("metrics", "a", "select_expression")).to_python() == "1"
    assert doc.lookup(("metrics", "b", "select_expression")).to_python() == "2"


def test_every_error_of_the_file_is_reported_not_only_the_first():
    text = 'a = \nb = tru\n[t]\nc = "x" d\ne = [1 2]\nf = {g = 1,}\n'
    messages = [d.message for d in _doc(text).syntax_diagnostics()]
    assert len(messages) == 5, messages
    assert any("booleans are lower-case" in m or "invalid value 'tru'" in m for m in messages)


def test_unterminated_multiline_string_ends_before_the_next_table():
    text = "[metrics.a]\nselect_expression = '''\nSUM(x)\n\n[metrics.b]\ndata_source = 'main'\n"
    doc = _doc(text)
    [error] = doc.syntax_diagnostics()
    assert "unterminated multi-line string" in error.message
    assert doc.lookup(("metrics", "b", "data_source")).to_python() == "main"


def test_duplicate_key_is_reported_on_the_second_key_with_the_first_as_related():
    text = '[metrics.a]\ndata_source = "main"\ndata_source = "events"\n'
    [error] = _doc(text).syntax_diagnostics()
    assert error.code == "JET002"
    assert (error.start, error.end) == _span(text, "data_source", 1)
    assert "duplicate key 'metrics.a.data_source'" in error.message
    [related] = error.related
    assert (related.start, related.end) == _span(text, "data_source", 0)


def test_duplicate_table_points_at_the_first_definition():
    text = "[metrics.a]\nx = 1\n\n[metrics.a]\ny = 2\n"
    [error] = _doc(text).syntax_diagnostics()
    assert "duplicate table [metrics.a]" in error.message
    assert (error.start, error.end) == _span(text, "metrics.a", 1)
    assert (error.related[0].start, error.related[0].end) == _span(text, "metrics.a", 0)


def test_value_redefined_as_table_and_inline_table_extension_are_errors():
    text = 'a = 1\ns = [1]\n[a.b]\n[[s]]\n[t]\ni = {x = 1}\ni.y = 2\n'
    messages = [d.message for d in _doc(text).syntax_diagnostics()]
    assert len(messages) == 3, messages
    assert any("inside 'a': it is already a value" in m for m in messages), messages
    assert any("inline table is closed" in m for m in messages), messages
    assert any("'s' is already" in m for m in messages), messages


def test_string_content_maps_back_to_source_offsets_for_all_four_kinds():
    text = (
        'a = "x\\ty\\u00e9z"\n'
        "b = 'lit\\eral'\n"
        'c = """\nline1 \\\n   line2\\n"""\n'
        "d = '''\nraw\r\nnext'''\n"
    )
    doc = _doc(text)
    a = doc.lookup(("a",))
    s = a.value
    assert s.value == "x\ty\u00e9z"
    # decoded 'z' (index 4) sits after the 6-character \u00e9 escape
    assert text[s.offset_of(4) + a.delta] == "z"
    assert text[s.offset_of(2) + a.delta] == "y"
    b = doc.lookup(("b",)).value
    assert b.value == "lit\\eral" and text[b.offset_of(3)] == "\\"
    c = doc.lookup(("c",)).value
    assert c.value == "line1 line2\n"
    assert text[c.offset_of(c.value.index("line2"))] == "l" and text[c.offset_of(6):].startswith("line2")
    d = doc.lookup(("d",)).value
    assert d.value == "raw\nnext"
    assert text[d.offset_of(4):].startswith("next")
