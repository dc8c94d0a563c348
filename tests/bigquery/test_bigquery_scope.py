"""From a data source's FROM to the columns a metric's SQL sees, and the unknown names of an
expression: what is reported (with its place) and where resolution stays silent."""

from __future__ import annotations

import pytest

from jetls.bigquery import load
from jetls.bigquery.scope import analyse_expression, analyse_from, candidates_at, data_source_relation, metric_scope

from bq_fixture import SHARED


@pytest.fixture
def cat(source):
    return load(str(source))


def unknown(cat, expr: str, from_sql: str = "mozdata.firefox_desktop.metrics") -> list[str]:
    """The unknown names of `expr` as `text[start:end]`, in order (None: resolution unsure)."""
    rel = data_source_relation(from_sql, cat)
    assert rel is not None and rel.columns is not None, from_sql
    a = analyse_expression(expr, metric_scope(rel), cat)
    return [expr[u.start:u.end] for u in a.unknown]


@pytest.mark.parametrize("from_sql", [
    "mozdata.telemetry.clients_daily",
    "`moz-fx-data-shared-prod.telemetry.clients_daily`",
    "`moz-fx-data-shared-prod`.telemetry.clients_daily",
    "telemetry.clients_daily",
    "(SELECT * FROM mozdata.telemetry.clients_daily WHERE submission_date > '2024-01-01')",
    "(SELECT cd.*, DATE(NULL) AS extra FROM mozdata.telemetry.clients_daily cd)",
])
def test_from_expressions_resolve_to_the_table_columns(cat, from_sql):
    rel = data_source_relation(from_sql, cat)
    assert {"client_id", "active_hours_sum", "search_count_all"} <= set(rel.columns)
    assert rel.tables == (f"{SHARED}.telemetry.clients_daily",)


def test_a_subquery_with_except_join_aliases_and_unnest(cat):
    rel = data_source_relation(f"""(
        SELECT m.* EXCEPT (events), DATE(m.submission_timestamp) AS submission_date, event, e.category AS cat,
               cd.active_hours_sum
        FROM `{SHARED}.firefox_desktop.metrics` AS m
        CROSS JOIN UNNEST(m.events) AS event
        CROSS JOIN UNNEST(m.events) AS e
        LEFT JOIN mozdata.telemetry.clients_daily cd ON cd.client_id = m.client_info.client_id
    )""", cat)
    assert set(rel.columns) == {"client_info", "metrics", "payload", "submission_timestamp", "submission_date",
                                "event", "cat", "active_hours_sum"}
    assert set(rel.columns["event"].fields) == {"category", "name", "extra"}  # the struct keeps its fields
    assert rel.columns["client_info"].fields["client_id"].description == "A UUID identifying the client."


def test_ctes_and_unions(cat):
    rel = data_source_relation("""(
        WITH base AS (SELECT client_id, submission_date FROM mozdata.telemetry.clients_daily)
        SELECT client_id, submission_date FROM base
        UNION ALL
        SELECT client_info.client_id, DATE(submission_timestamp) FROM mozdata.firefox_desktop.metrics
    )""", cat)
    assert set(rel.columns) == {"client_id", "submission_date"}


@pytest.mark.parametrize("from_sql", [
    "mozdata.telemetry.not_in_the_source",
    "(SELECT * FROM mozdata.analysis.someones_table)",
    "(SELECT a.*, b.* FROM mozdata.telemetry.clients_daily a JOIN mozdata.analysis.other b USING (client_id))",
    "(SELECT * FROM mozdata.firefox_desktop.metrics, UNNEST(mozfun.map.keys(x)))",
])
def test_from_clauses_that_cannot_be_resolved_have_unknown_columns(cat, from_sql):
    rel = data_source_relation(from_sql, cat)
    assert rel is not None and rel.columns is None


def test_from_expressions_that_are_not_one_table_or_subquery_are_not_resolved(cat):
    assert data_source_relation("mozdata.telemetry.clients_daily a JOIN mozdata.telemetry.clients_daily b USING (x)", cat) is None
    assert data_source_relation("SELECT (", cat) is None


def test_unknown_columns_and_fields_are_found_at_their_place(cat):
    assert unknown(cat, "SUM(metrics.counter.browser_search)") == ["browser_search"]
    assert unknown(cat, "COUNTIF(client_info.client_idd IS NULL)") == ["client_idd"]
    assert unknown(cat, "COUNT(DISTINCT client_idx)") == ["client_idx"]
    assert unknown(cat, "SUM(`metrics`.`counter`.`browser_searchez`)") == ["`browser_searchez`"]
    assert unknown(cat, "COUNTIF(ds.nope)") == ["nope"]


def test_known_names_are_silent(cat):
    for expr in [
        "SUM(metrics.counter.browser_searches)",
        "COUNTIF(CLIENT_INFO.Client_Id IS NULL)",  # BigQuery names ignore case
        "COUNT(DISTINCT ds.client_info.client_id)",
        "COUNTIF(e.branch = 'control' AND e.whatever_enrollments_hold)",  # e. is open
        "MIN(enrollment_date)",  # a column of the enrollments
        "SUM(IF(submission_timestamp > TIMESTAMP('2024-01-01'), 1, 0))",
        "DATE_DIFF(DATE(submission_timestamp), DATE '2024-01-01', DAY)",
        "COUNT(*)",
    ]:
        assert unknown(cat, expr) == [], expr


def test_silent_where_resolution_is_unsure(cat):
    for expr in [
        "SUM(CAST(JSON_VALUE(payload, '$.a') AS INT64))",
        "COUNTIF(payload.anything.below.json IS NOT NULL)",  # JSON: any path
        "SUM(mozfun.map.get_key(metrics.counter, 'x').whatever)",  # a UDF's result
        "SUM(`moz-fx-data-shared-prod`.udf.f(client_info).field)",
        "COUNTIF(STRUCT(1 AS a).b = 1)",  # a struct built in the SQL
        "ANY_VALUE(events[SAFE_OFFSET(0)].whatever)",  # subscripts are not followed
    ]:
        assert unknown(cat, expr) == [], expr


def test_subqueries_over_unnest_see_the_record_fields(cat):
    assert unknown(cat, "SUM((SELECT COUNT(*) FROM UNNEST(events) AS e WHERE e.category = 'x' AND name = 'y'))") == []
    assert unknown(cat, "SUM((SELECT COUNTIF(ev.categry = 'x') FROM UNNEST(events) ev))") == ["categry"]
    assert unknown(cat, "SUM((SELECT COUNT(*) FROM UNNEST(events) AS e, UNNEST(e.extra) AS x WHERE x.key = 'k' AND x.vale = 1))") == ["vale"]
    # WITH OFFSET names, select aliases used in WHERE (reusable aliases) and correlated outer columns
    assert unknown(cat, "SUM((SELECT COUNT(*) FROM UNNEST(events) WITH OFFSET AS pos WHERE pos > 0))") == []
    assert unknown(cat, "SUM((SELECT ANY_VALUE(n) FROM (SELECT name AS n FROM UNNEST(events)) WHERE n = submission_timestamp))") == []
    # an UNNEST of something unknown: its names are not checked
    assert unknown(cat, "SUM((SELECT COUNT(*) FROM UNNEST(mozfun.x.y(payload)) AS z WHERE z.a = whatever))") == []


def test_a_table_named_like_its_record_column(cat):
    # FROM `...metrics` (implicit alias `metrics`) with a column `metrics`: either reading resolves
    analysis = analyse_from(f"(SELECT metrics.counter.browser_searches, metrics.client_info.client_id FROM `{SHARED}.firefox_desktop.metrics`)", cat)
    assert analysis.unknown == ()
    analysis = analyse_from(f"(SELECT metrics.counter.nope FROM `{SHARED}.firefox_desktop.metrics`)", cat)
    assert [u.name for u in analysis.unknown] == ["nope"]


def test_from_expression_names_are_checked_with_their_place(cat):
    sql = "(SELECT client_id, serch_count FROM mozdata.telemetry.clients_daily WHERE active_hourz > 0)"
    a = analyse_from(sql, cat)
    assert [sql[u.start:u.end] for u in a.unknown] == ["serch_count", "active_hourz"]
    assert "search_count_all" in a.unknown[0].candidates
    assert a.unknown[0].tables == (f"{SHARED}.telemetry.clients_daily",)


def test_an_alias_of_the_from_expression_is_not_visible_to_the_metric(cat):
    rel = data_source_relation("(SELECT p.* FROM mozdata.org_mozilla_firefox.baseline p)", cat)
    a = analyse_expression("COUNTIF(p.ping_info.seq > 1)", metric_scope(rel), cat)
    assert [(u.name, u.qualifier) for u in a.unknown] == [("p", True)]


def test_candidates_for_completion(cat):
    rels = metric_scope(data_source_relation("mozdata.firefox_desktop.metrics", cat))
    sql = "SUM(metrics.counter.)"
    got = candidates_at(sql, len(sql) - 1, len(sql) - 1, rels, cat)
    assert [c.name for c in got.columns] == ["browser_searches"]
    sql = "SUM(client_info.app)"
    got = candidates_at(sql, sql.index("app"), sql.index("app") + 3, rels, cat)
    assert {c.name for c in got.columns} == {"client_id", "app_build"}
    # while the text does not parse yet
    sql = "COUNTIF(client_info."
    assert {c.name for c in candidates_at(sql, len(sql), len(sql), rels, cat).columns} == {"client_id", "app_build"}
    sql = "SUM("
    top = candidates_at(sql, len(sql), len(sql), rels, cat)
    assert {"client_info", "metrics", "events", "payload"} <= {c.name for c in top.columns}
    assert top.aliases == ("ds",)
    # inside a subquery: the UNNEST element's fields
    sql = "SUM((SELECT COUNT(*) FROM UNNEST(events) AS e WHERE e.ca = 'x'))"
    i = sql.index("ca =")
    assert {c.name for c in candidates_at(sql, i, i + 2, rels, cat).columns} == {"category", "name", "extra"}
    # JSON: nothing known below
    sql = "SUM(payload.)"
    assert candidates_at(sql, len(sql) - 1, len(sql) - 1, rels, cat) is None
