"""Function calls of BigQuery SQL: unknown names, other dialects' names, argument counts, date
parts. Each case marks the expected range with `⟦ ⟧` in the SQL."""

from __future__ import annotations

import pytest

from jetls.sql import check_sql


def _marked(src: str) -> tuple[str, tuple[int, int] | None]:
    if "⟦" not in src:
        return src, None
    a = src.index("⟦")
    b = src.index("⟧") - 1
    return src.replace("⟦", "").replace("⟧", ""), (a, b)


# (marked sql, code, substring of the message, quick-fix replacement or None)
CASES = [
    ("⟦COALESCEE⟧(x, 0)", "JET452", "did you mean `COALESCE`", "COALESCE"),
    ("⟦coalescee⟧(x, 0)", "JET452", "did you mean `COALESCE`", "coalesce"),
    ("⟦FROBNICATE⟧(x)", "JET452", "is not a BigQuery function", None),
    ("⟦NVL⟧(a, 0)", "JET453", "`IFNULL`", "IFNULL"),
    ("⟦LEN⟧(s) > 3", "JET453", "`LENGTH`", "LENGTH"),
    ("⟦IIF⟧(a, 1, 0)", "JET453", "`IF`", "IF"),
    ("⟦COUNT_IF⟧(a)", "JET453", "`COUNTIF`", "COUNTIF"),
    ("⟦DATEDIFF(end_date, start_date)⟧ > 7", "JET453", "DATE_DIFF(end_date, start_date, DAY)",
     "DATE_DIFF(end_date, start_date, DAY)"),
    ("⟦DATEDIFF(day, a, b)⟧", "JET453", "DATE_DIFF(b, a, DAY)", "DATE_DIFF(b, a, DAY)"),
    ("⟦ARRAY_CONTAINS⟧(arr, 'x')", "JET453", "IN UNNEST(array)", None),
    ("⟦ISNULL⟧(a, 0)", "JET453", "`IFNULL`", "IFNULL"),
    ("⟦IF(a, 1)⟧", "JET454", "takes 3 arguments, but 2 were given", None),
    ("⟦SAFE_DIVIDE(a)⟧", "JET454", "takes 2 arguments, but 1 was given", None),
    ("⟦ROW_NUMBER(x)⟧ OVER ()", "JET454", "takes 0 arguments", None),
    ("⟦COALESCE()⟧", "JET454", "at least 1 argument", None),
    ("DATE_DIFF(a, b, ⟦DAYS⟧)", "JET455", "write `DAY`", "DAY"),
    ("DATE_TRUNC(d, ⟦'month'⟧)", "JET455", "keyword, not a string", "MONTH"),
    ("TIMESTAMP_DIFF(a, b, ⟦HOURS⟧)", "JET455", "write `HOUR`", "HOUR"),
    ("EXTRACT(⟦DAYS⟧ FROM d)", "JET455", "write `DAY`", "DAY"),
    ("DATE_SUB(d, INTERVAL 7 ⟦DAYS⟧)", "JET455", "write `DAY`", "DAY"),
    ("⟦SAFE.DIVIDEE⟧(a, b)", "JET452", "not a BigQuery function", None),
]


@pytest.mark.parametrize("marked,code,text,fix", CASES, ids=[c[0] for c in CASES])
def test_function_problem(marked, code, text, fix):
    sql, span = _marked(marked)
    problems = check_sql(sql, "expression")
    assert [(p.code, (p.start, p.end)) for p in problems] == [(code, span)], problems
    (p,) = problems
    assert text in p.message
    assert p.severity == {"JET452": "warning"}.get(code, "error")
    assert (p.data or {}).get("replacement") == fix


# What BigQuery accepts: no problem.
VALID = [
    "SAFE.SUBSTR(s, 1, 2)",
    "safe_divide(a, b)",
    "TRANSLATE(x, 'a', 'b')",
    "NET.HOST(url)",
    "HLL_COUNT.MERGE(sketch)",
    "COUNT(*)",
    "COUNT(DISTINCT client_id)",
    "ARRAY_AGG(x IGNORE NULLS ORDER BY a, b LIMIT 1)[SAFE_OFFSET(0)]",
    "STRING_AGG(DISTINCT x, ',' ORDER BY x)",
    "ANY_VALUE(x HAVING MAX y)",
    "APPROX_QUANTILES(x, 100 IGNORE NULLS)[OFFSET(50)]",
    "DATE_TRUNC(d, WEEK(MONDAY))",
    "DATE_TRUNC(d, ISOWEEK)",
    "DATE_DIFF(a, b, week(sunday))",
    "EXTRACT(DAYOFWEEK FROM d)",
    "EXTRACT(DATE FROM ts AT TIME ZONE 'UTC')",
    "CAST(x AS STRUCT<a INT64, b ARRAY<STRING>>)",
    "CAST(x AS NUMERIC(10, 2))",
    "STRUCT<a INT64, b STRING>(1, 'x')",
    "ARRAY(SELECT AS STRUCT a, b FROM UNNEST(arr))",
    "(SELECT COUNT(*) FROM UNNEST(events) AS e WHERE e.category = 'x')",
    "TO_JSON(x, stringify_wide_numbers => TRUE)",
    "my_project.my_dataset.my_udf(a, b, c, d)",
    "`other-project`.dataset.fn()",
    "mozfun.map.get_key(m, 'k')",
    "ML.PREDICT(MODEL m, TABLE t)",
    "DATE_ADD(d, INTERVAL -1 DAY)",
    "DATE_SUB(d, INTERVAL (n + 1) WEEK)",
    "GENERATE_DATE_ARRAY(a, b, INTERVAL 1 MONTH)",
    "COALESCE(SUM(x), 0)",
    "IF(a, 1, 0)",
    "CURRENT_DATE()",
    "LAG(x, 1, 0) OVER (PARTITION BY c ORDER BY d)",
]


@pytest.mark.parametrize("sql", VALID)
def test_valid_calls_are_clean(sql):
    assert check_sql(sql, "expression") == ()


def test_a_temporary_function_of_the_query_is_known():
    sql = ("CREATE TEMP FUNCTION double_it(x INT64) AS (x * 2);\n"
           "SELECT double_it(1)")
    from jetls.sql.functions import function_problems, temporary_functions
    from jetls.sql.lexer import lex

    lx = lex(sql)
    assert temporary_functions(lx) == {"DOUBLE_IT"}
    assert function_problems(sql, lx) == []


def test_the_safe_prefix_with_an_unknown_name_suggests_the_safe_function():
    (p,) = check_sql("SAFE.DIVIDE(a, b)", "expression")
    assert p.code == "JET452" and "SAFE_DIVIDE" in p.message


def test_a_query_is_checked_too():
    sql = "SELECT client_id, NVL(x, 0) AS y FROM t GROUP BY 1"
    (p,) = check_sql(sql, "query")
    assert p.code == "JET453" and sql[p.start : p.end] == "NVL"
