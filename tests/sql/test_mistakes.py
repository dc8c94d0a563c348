"""The mistake list (`mistakes.toml`): one-edit BigQuery mistakes applied to real metric-hub SQL
are each reported, with the expected code, on the edited text (and the fix where one is due)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from corpus import find

from jetls.sql import check_sql

from corpus_sql import rendered_fragments

MISTAKES = tomllib.loads((Path(__file__).with_name("mistakes.toml")).read_text())["mistake"]
CORPUS = find("metric-hub")


@pytest.fixture(scope="module")
def fragments():
    if CORPUS is None:
        pytest.skip("metric-hub corpus not available (set JETLS_CORPUS)")
    return sorted(rendered_fragments(str(CORPUS)))


def _apply(m: dict, fragments):
    pattern = re.compile(m["pattern"])
    for sql, kind in fragments:
        if m.get("kind") not in (None, kind):
            continue
        hit = pattern.search(sql)
        if hit is None or check_sql(sql, kind):
            continue
        edited = pattern.sub(m["replacement"], sql, count=1)
        if edited != sql:
            return sql, edited, kind, hit.start()
    pytest.fail(f"no clean corpus SQL matches the pattern of {m['class']!r}")


@pytest.mark.parametrize("m", MISTAKES, ids=[m["class"] for m in MISTAKES])
def test_mistake_is_reported(m, fragments):
    sql, edited, kind, at = _apply(m, fragments)
    problems = check_sql(edited, kind)
    found = [p for p in problems if p.code == m["code"]]
    assert found, (m["class"], edited[max(0, at - 80) : at + 120], problems)
    p = found[0]
    if "flag" in m:
        assert edited[p.start : p.end] == m["flag"], (p, edited[max(0, p.start - 40) : p.end + 40])
    if "flag_start" in m:
        assert edited[p.start :].startswith(m["flag_start"]), p
    if "fix" in m:
        assert p.data == {"replacement": m["fix"]}
    if "fix_start" in m:
        assert p.data and p.data["replacement"].startswith(m["fix_start"])
        fixed = edited[: p.start] + p.data["replacement"] + edited[p.end :]
        assert not check_sql(fixed, kind), fixed


def test_the_list_covers_the_classes_of_issue_12():
    assert len({m["class"] for m in MISTAKES}) == len(MISTAKES) >= 32
