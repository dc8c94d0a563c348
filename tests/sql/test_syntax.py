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


# --- strict checks: what BigQuery rejects although sqlglot parses it -----------------------
# (marked sql with ⟦ ⟧ around the expected range, kind, substring of the message)
STRICT = [
    ("COALESCE(x⟦,,⟧ 0)", "expression", "two commas in a row"),
    ("CONCAT(⟦,⟧ a)", "expression", "missing before this `,`"),
    ("CONCAT(a⟦,⟧ )", "expression", "trailing comma"),
    ("x IN (a⟦,⟧)", "expression", "trailing comma"),
    ("x ⟦IN ()⟧", "expression", "`IN ()` is empty"),
    ("(SELECT a⟦,,⟧ b FROM t)", "expression", "two commas"),
    ("SELECT * FROM a JOIN b USING (k⟦,⟧)", "query", "trailing comma"),
    ("CAST⟦(⟧a > 0 AS INT", "expression", "the `(` after `CAST` is never closed"),
    ("CASE ⟦WHEN⟧ a b ELSE c END", "expression", "`WHEN` without `THEN`"),
    ("SELECT x ⟦AS⟧, y FROM t", "query", "`AS` has no alias"),
    ("x ⟦IS NOT NUL⟧", "expression", "found `NUL`"),
    ("a ⟦==⟧ b", "expression", "write `=`"),
    ("SUM(x)⟦;⟧", "expression", "remove the `;`"),
    ("SELECT 1⟦;⟧", "query", "remove the `;`"),
    ("SELECT a FROM t ⟦GROUP BY⟧", "query", "`GROUP BY` has nothing after it"),
    ("SUM(x) OVER (⟦PARTITION BY⟧)", "expression", "`PARTITION BY` has nothing"),
    ("SUM(x) OVER (⟦PARTITION BY⟧ ORDER BY y)", "expression", "`PARTITION BY` has nothing"),
    ("SELECT * FROM a JOIN b ⟦ON⟧", "query", "`ON` has no join condition"),
    ("SELECT * ⟦EXCEPT ()⟧ FROM t", "query", "`EXCEPT ()` is empty"),
    ("SELECT * FROM a ⟦JOIN⟧ b WHERE x", "query", "`JOIN` without a condition"),
    ("SELECT * FROM a LEFT ⟦JOIN⟧ `p.d.t` AS b GROUP BY 1", "query", "`JOIN` without a condition"),
    ("COUNT(⟦DISTINCT⟧)", "expression", "`DISTINCT` has no expression"),
    # other dialects' syntax that sqlglot rewrites into BigQuery's (found by QA)
    ("SUM(x⟦::⟧INT64)", "expression", "`::` is not a BigQuery cast"),
    ("COUNTIF(country ⟦ILIKE⟧ 'u%')", "expression", "BigQuery has no `ILIKE`"),
    ("COUNTIF(CAST(country AS ⟦VARCHAR⟧) = 'US')", "expression", "write `STRING`"),
    ("SAFE_CAST(x AS ⟦double⟧)", "expression", "write `FLOAT64`"),
    ("COUNT(*) ⟦FILTER⟧ (WHERE x > 1)", "expression", "no `FILTER (WHERE ...)`"),
]


@pytest.mark.parametrize("marked,kind,text", STRICT, ids=[s for s, _, _ in STRICT])
def test_strict_syntax(marked, kind, text):
    sql = marked.replace("⟦", "").replace("⟧", "")
    a, b = marked.index("⟦"), marked.index("⟧") - 1
    problems = check_sql(sql, kind)
    assert [(p.code, p.start, p.end) for p in problems] == [("JET450", a, b)], problems
    assert text in problems[0].message and problems[0].severity == "error"


def test_the_equals_fix_is_offered():
    (p,) = check_sql("a == b", "expression")
    assert p.data == {"replacement": "="}


# BigQuery's own grammar: all valid.
LIBERTIES = [
    ("SELECT a, b, FROM t", "query"),  # trailing comma before FROM
    ("(SELECT a, b, FROM t)", "from"),
    ("SELECT AS STRUCT a, b FROM t", "query"),
    ("SAFE.PARSE_DATE('%Y', x)", "expression"),
    ("ARRAY_AGG(x IGNORE NULLS)", "expression"),
    ("CAST(x AS STRUCT<a INT64, b ARRAY<STRUCT<c STRING>>>)", "expression"),
    ("REGEXP_CONTAINS(x, r'^a\\d+$')", "expression"),
    ("DATE_TRUNC(d, WEEK(MONDAY))", "expression"),
    ("ARRAY(SELECT x FROM UNNEST(arr) AS x WHERE x > 0)", "expression"),
    ("a IS DISTINCT FROM b", "expression"),
    ("a IS NOT DISTINCT FROM b", "expression"),
    ("a IS NOT TRUE", "expression"),
    ("SELECT * FROM t LEFT JOIN UNNEST(t.events) AS e", "query"),
    ("SELECT * FROM t CROSS JOIN u", "query"),
    ("SELECT * FROM t, UNNEST(t.arr) AS x", "query"),
    ("SELECT * FROM t JOIN t.arr AS x", "query"),
    ("SELECT * FROM a JOIN b USING (k)", "query"),
    ("SELECT * EXCEPT (a) REPLACE (1 AS b) FROM t", "query"),
    ("CASE WHEN a THEN CASE WHEN b THEN 1 END ELSE 2 END", "expression"),
    ("x IN UNNEST(['a', 'b'])", "expression"),
    ("TRANSLATE(x, 'a', 'b')", "expression"),
    ("DATE_ADD(d, INTERVAL 1 DAY)", "expression"),
    ("TIMESTAMP_SUB(t, INTERVAL '1:2' HOUR TO MINUTE)", "expression"),
    ("STRUCT(1 AS a, 'x' AS b)", "expression"),
    ("[1, 2, 3][OFFSET(0)]", "expression"),
    ("WITH x AS (SELECT 1 AS a) SELECT a, FROM x", "query"),
    ("COUNTIF(b'abc' = rb'abc')", "expression"),  # raw bytes, either prefix order
    ("COUNTIF(b'abc' = BR'a\\d')", "expression"),
    ("SELECT * FROM t TABLESAMPLE SYSTEM (10 PERCENT)", "query"),
    ("STRUCT(1 AS text, 2 AS char)", "expression"),  # type-like names as aliases
]


@pytest.mark.parametrize("sql,kind", LIBERTIES, ids=[s for s, _ in LIBERTIES])
def test_bigquery_grammar_is_accepted(sql, kind):
    assert check_sql(sql, kind) == ()


def test_a_sqlglot_crash_is_not_a_checker_failure():
    # sqlglot's BigQuery parser raises AttributeError on TRANSLATE: jetls parses the text again
    # with the called names masked, so a syntax error next to it is still found
    assert check_sql("TRANSLATE(x, 'a', 'b')", "expression") == ()
    (p,) = check_sql("TRANSLATE(x, 'a', 'b') +", "expression")
    assert p.code == "JET450"
