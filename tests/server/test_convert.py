"""In-process unit tests of the conversions (no subprocess)."""

from __future__ import annotations

from lsprotocol import types as lsp

from jetls.diagnostics import Diagnostic, Related, Severity, Tag
from jetls.checks import codes
from jetls.server import convert
from jetls.server.handlers.sync import apply_changes
from jetls.syntax import LineIndex, parse


def test_offsets_round_trip_in_each_encoding():
    text = 'a = "é😀x"\nb = 1\n'
    lines = LineIndex(text)
    x = text.index("x")
    assert convert.position(lines, x, "utf-16") == lsp.Position(line=0, character=8)
    assert convert.position(lines, x, "utf-8") == lsp.Position(line=0, character=11)
    assert convert.position(lines, x, "utf-32") == lsp.Position(line=0, character=7)
    for enc in ("utf-8", "utf-16", "utf-32"):
        assert convert.offset(lines, convert.position(lines, x, enc), enc) == x
    # out of range is clamped
    assert convert.offset(lines, lsp.Position(line=99, character=5), "utf-16") == len(text)
    assert convert.offset(lines, lsp.Position(line=0, character=999), "utf-16") == text.index("\n")


def test_diagnostic_conversion():
    text = "[metrics]\nweekly = [\"x\"]\n"
    lines = LineIndex(text)
    d = Diagnostic("JET201", Severity.ERROR, 21, 22, "unknown", (Related(0, 9, "here"), Related(3, 5, "there", "/o.toml")),
                   (Tag.UNNECESSARY,), {"replacement": "y"})
    other = lambda path: ("file:///o.toml", LineIndex("0123456789"))
    out = convert.diagnostic(d, lines, "file:///a.toml", "utf-16", other)
    assert out.range == lsp.Range(start=lsp.Position(line=1, character=11), end=lsp.Position(line=1, character=12))
    assert out.code == "JET201" and out.source == "jetls" and out.severity == lsp.DiagnosticSeverity.Error
    assert out.code_description.href == codes.DOCS_BASE + "#jet201"
    assert out.tags == [lsp.DiagnosticTag.Unnecessary] and out.data == {"replacement": "y"}
    assert [r.location.uri for r in out.related_information] == ["file:///a.toml", "file:///o.toml"]
    assert out.related_information[1].location.range.start.character == 3
    flat = convert.diagnostic(d, lines, "file:///a.toml", "utf-16", other, related_support=False)
    assert flat.related_information is None and "there" in flat.message


def test_incremental_changes_match_a_full_parse():
    text = '[metrics]\nweekly = ["a"]\n\n[metrics.a]\nselect_expression = "1"\n'
    tree = parse(text)
    changes = [
        lsp.TextDocumentContentChangePartial(range=lsp.Range(start=lsp.Position(line=1, character=11), end=lsp.Position(line=1, character=12)), text="bé"),
        lsp.TextDocumentContentChangePartial(range=lsp.Range(start=lsp.Position(line=3, character=0), end=lsp.Position(line=3, character=0)), text="# c\n"),
    ]
    tree = apply_changes(tree, changes, "utf-16")
    expected = '[metrics]\nweekly = ["bé"]\n\n# c\n[metrics.a]\nselect_expression = "1"\n'
    assert tree.text == expected
    tree = apply_changes(tree, [lsp.TextDocumentContentChangeWholeDocument(text="x = 1\n")], "utf-16")
    assert tree.text == "x = 1\n"
