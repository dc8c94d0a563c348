"""The parser against the TOML 1.0.0 conformance suite (toml-test) and against tomllib."""

from __future__ import annotations

import json
import tomllib

import pytest

from corpus import corpus_dir
from jetls.document import build
from jetls.syntax import decode, parse
from toml_test_json import same, untag


def _cases(kind: str) -> list[str]:
    root = corpus_dir("toml-test")
    listed = (root / "files-toml-1.0.0").read_text().split()
    return [p for p in listed if p.startswith(kind + "/") and p.endswith(".toml")]


def test_suite_has_all_709_cases():
    assert len(_cases("valid")) + len(_cases("invalid")) == 709


def test_every_valid_case_parses_clean_and_decodes_to_the_expected_value():
    root = corpus_dir("toml-test")
    failures = []
    for case in _cases("valid"):
        text, problems = decode((root / case).read_bytes())
        doc = build(parse(text))
        diagnostics = problems + doc.syntax_diagnostics()
        expected = untag(json.loads((root / case).with_suffix(".json").read_text()))
        if diagnostics or not same(doc.to_python(), expected):
            failures.append((case, [d.message for d in diagnostics][:2]))
    assert failures == []


def test_every_invalid_case_reports_at_least_one_error():
    root = corpus_dir("toml-test")
    accepted = []
    for case in _cases("invalid"):
        text, problems = decode((root / case).read_bytes())
        if not problems and not build(parse(text)).syntax_diagnostics():
            accepted.append(case)
    assert accepted == []


def test_agrees_with_tomllib_on_every_real_metric_hub_file():
    files = sorted(corpus_dir("metric-hub").rglob("*.toml"))
    assert len(files) > 400
    disagreements = []
    for f in files:
        text = f.read_text(encoding="utf-8")
        doc = build(parse(text))
        if doc.syntax_diagnostics() or not same(doc.to_python(), tomllib.loads(text)):
            disagreements.append(f.name)
    assert disagreements == []


@pytest.mark.parametrize(
    "text",
    ['a = "x"\nb = 1\n', "[t]\nk = '''\nline\n'''\n", "x = [1, 2,\n 3]\n", 'k = { a = 1, b = "2" }\n'],
)
def test_lossless_every_byte_is_kept_and_chunks_cover_the_text(text):
    tree = parse(text)
    assert tree.text == text
    assert tree.chunks[0].start == 0 and tree.chunks[-1].end == len(text)
    for left, right in zip(tree.chunks, tree.chunks[1:]):
        assert left.end == right.start
