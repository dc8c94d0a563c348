"""Hostile sizes and shapes get a bounded answer (a diagnostic), never a hang or RecursionError.

Time and memory are measured by benchmarks/hostile_inputs.py; here only correctness is asserted.
"""

from __future__ import annotations

import os

import pytest

from jetls.document import build
from jetls.syntax import decode, parse


def _diagnostics(text: str):
    return build(parse(text)).syntax_diagnostics()


def test_ten_thousand_deep_arrays_are_cut_at_the_depth_limit_with_a_diagnostic():
    text = "a = " + "[" * 10_000 + "]" * 10_000 + "\nb = 1\n"
    diags = _diagnostics(text)
    assert any("nested deeper than" in d.message for d in diags)
    assert build(parse(text)).lookup(("b",)).to_python() == 1


def test_ten_thousand_deep_inline_tables():
    text = "a = " + "{b = " * 10_000 + "1" + "}" * 10_000 + "\n[t]\nc = 2\n"
    doc = build(parse(text))
    assert any("nested deeper than" in d.message for d in doc.syntax_diagnostics())
    assert doc.lookup(("t", "c")).to_python() == 2


def test_hundred_thousand_tables_parse_without_error():
    text = "".join(f"[t{i}]\nk = {i}\n" for i in range(100_000))
    doc = build(parse(text))
    assert doc.syntax_diagnostics() == []
    assert doc.lookup(("t99999", "k")).to_python() == 99_999


def test_one_megabyte_single_line():
    text = 'a = "' + "x" * 1_000_000 + '"\nb = ' + "y" * 1_000_000 + "\n"
    diags = _diagnostics(text)
    assert len(diags) == 1 and diags[0].message.startswith("invalid value")


def test_binary_file_with_a_toml_name_reports_invalid_utf8():
    data = bytes(range(256)) * 64 + os.urandom(4096)
    text, problems = decode(data)
    assert problems and "UTF-8" in problems[0].message
    assert _diagnostics(text)  # and the parser still answers


@pytest.mark.parametrize("payload", ['"' * 50_000, "'" * 50_001, "[" * 50_000, "{" * 50_000, "\\" * 50_000, "\r" * 50_000])
def test_pathological_runs_of_one_character(payload):
    assert isinstance(_diagnostics("a = " + payload), list)


def test_huge_file_gets_toml_checks_only_with_a_note(tmp_path):
    from jetls.checks import check_file
    from jetls.workspace import Workspace

    (tmp_path / "jetstream").mkdir()
    path = tmp_path / "jetstream" / "generated.toml"
    path.write_text("".join(f'[metrics.m{i}]\ndata_source = "nowhere"\n' for i in range(60_000)) + "x = \n")
    report = check_file(Workspace.load(tmp_path), str(path))
    codes = [d.code for d in report.diagnostics]
    assert codes.count("JET004") == 1 and "JET001" in codes
    assert "JET205" not in codes  # no reference checks above the size limit
