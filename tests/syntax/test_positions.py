"""Offsets <-> LSP positions in UTF-16 (the LSP default), UTF-8 and UTF-32, with non-ASCII text."""

from __future__ import annotations

import pytest

from jetls.syntax import UTF8, UTF16, UTF32, LineIndex, parse

TEXT = '# 数据 😀 comment\nname = "é😀x"\n[t]\nk = 1\n'


@pytest.mark.parametrize(
    "encoding, expected_column",
    [(UTF16, 11), (UTF8, 14), (UTF32, 10)],  # column of 'x' in line 1
)
def test_column_of_a_character_after_emoji_and_accents(encoding, expected_column):
    lines = LineIndex(TEXT)
    offset = TEXT.index("x")
    assert lines.position(offset, encoding) == (1, expected_column)
    assert lines.offset(1, expected_column, encoding) == offset


def test_cjk_and_emoji_in_comments_shift_utf16_columns():
    lines = LineIndex(TEXT)
    offset = TEXT.index("comment")
    # "# " (2) + 数据 (2 units) + " " + 😀 (2 units) + " "
    assert lines.position(offset, UTF16) == (0, 8)
    assert lines.position(offset, UTF8) == (0, 14)


def test_positions_of_syntax_errors_after_non_ascii_text():
    text = 'a = "😀😀"\nb = tru\n'
    tree = parse(text)
    [problem] = tree.problems()
    assert tree.lines.position(problem.start, UTF16) == (1, 4)


def test_out_of_range_positions_are_clamped():
    lines = LineIndex(TEXT)
    assert lines.offset(99, 0) == len(TEXT)
    assert lines.offset(0, 999) == TEXT.index("\n")
    assert lines.position(10_000) == (lines.line_count - 1, 0)
