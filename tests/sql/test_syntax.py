"""SQL syntax checks (sqlglot, BigQuery): exact ranges, token errors, fallbacks, caching."""

from __future__ import annotations

import logging

import pytest

from jetls.sql import check as S
from jetls.sql import check_sql, unclosed_paren

# (sql, kind, [(code, start, end, substring of message)])
CASES = [
    ("COALESCE(SUM(x), 0)", "expression", []),
    ("COALESCE(SUM(x), 0", "expression", [("JET450", 17, 18, "unbalanced parentheses: expected `)`")]),
    ("COUNTIF(x > 0 AS n)", "expression", [("JET450", 14, 16, "near `AS`")]),
    ("x FROM y", "expression", [("JET450", 2, 6, "unexpected `FROM`")]),
    ("a b c", "expression", [("JET450", 4, 5, "unexpected `c`")]),
    ("x + ", "expression", [("JET450", 2, 3, "`+` is missing its right-hand operand")]),
    ("1 +\n  (2 *", "expression", [("JET450", 9, 10, "`*` is missing its right-hand operand")]),
    ("SELECT 1", "expression", [("JET450", 0, 8, "not a statement")]),
    ("(SELECT 1)", "expression", []),
    ("x; y", "expression", [("JET450", 1, 2, "more than one SQL statement")]),
    ("'abc", "expression", [("JET450", 0, 1, "unterminated string literal")]),
    ("a = 'x' AND b = \"y", "expression", [("JET450", 16, 17, "unterminated string literal")]),
    ("a = '''x\ny", "expression", [("JET450", 4, 7, "unterminated string literal")]),
    ("a = r'x\\' OR b", "expression", [("JET450", 5, 6, "unterminated string literal")]),
    ("`abc", "expression", [("JET450", 0, 1, "backtick")]),
    ("x /* c", "expression", [("JET450", 2, 4, "unterminated comment")]),
    ("-- 'comment\nx = '", "expression", [("JET450", 16, 17, "unterminated string literal")]),
    ("", "expression", [("JET450", 0, 0, "empty SQL")]),
    ("`moz-fx-data-shared-prod.telemetry.main`", "from", []),
    ("(SELECT * FROM `p.d.t` WHERE submission_date > '2024-01-01')", "from", []),
    ("(SELECT * FROM t", "from", [("JET450", 15, 16, "unbalanced parentheses")]),
    ("(SELECT * FROM t WHERE )", "from", [("JET450", 23, 24, "")]),
    ("SELECT 1", "query", []),
    ("SELECT 1; SELECT 2", "query", [("JET450", 8, 9, "more than one SQL statement")]),
    ("EXECUTE IMMEDIATE 'x'", "query", [("JET451", 0, 21, "not validated")]),
    ("SELECT * FROM t WHERE a = '{'", "query", []),
    ("x", "nonsense", [("JET451", 0, 1, "unknown SQL kind")]),
]


@pytest.mark.parametrize("sql,kind,expected", CASES, ids=[f"{k}:{s[:30]}" for s, k, _ in CASES])
def test_check_sql(sql, kind, expected):
    problems = check_sql(sql, kind)
    got = [(p.code, p.start, p.end) for p in problems]
    assert got == [(c, s, e) for c, s, e, _ in expected], [(p.code, p.start, p.end, p.message) for p in problems]
    for p, (_, _, _, text) in zip(problems, expected):
        assert text in p.message
        assert p.severity == ("hint" if p.code == "JET451" else "error")


def test_ranges_are_inside_the_text():
    for sql in ["(", ")", "((", "'", '"', "`", "/*", "SELECT", "FROM", ",", "1 +", "IF(", "a.b.", "CASE WHEN"]:
        for kind in ("expression", "from", "query"):
            for p in check_sql(sql, kind):
                assert 0 <= p.start <= p.end <= len(sql), (sql, kind, p)


def test_command_fallback_is_silent(caplog):
    S._check_cached.cache_clear()
    with caplog.at_level(logging.DEBUG):
        (p,) = check_sql("EXECUTE IMMEDIATE 'SELECT 1'", "query")
    assert p.code == "JET451"
    assert not [r for r in caplog.records if r.name.startswith("sqlglot")]


def test_deep_nesting_does_not_escape():
    sql = "(" * 20000 + "1" + ")" * 20000
    problems = check_sql(sql, "expression")
    assert all(p.code in ("JET450", "JET451") for p in problems)


def test_parse_results_are_cached():
    S._check_cached.cache_clear()
    a = check_sql("SUM(x) + ", "expression")
    b = check_sql("SUM(x) + ", "expression")
    assert a == b and a
    assert S._check_cached.cache_info().hits == 1


def test_unclosed_paren():
    assert unclosed_paren("SUM(a + (b)") == 3
    assert unclosed_paren("SUM(a)") is None
    assert unclosed_paren("'(' || x") is None
