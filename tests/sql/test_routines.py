"""Mozilla routines read from a bigquery-etl checkout: loading, judging calls, caching, and the
catalog reaching the checks through `Options.bigquery_etl`."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus import find

from jetls.checks import check_file
from jetls.options import Options
from jetls.sql import check_sql
from jetls.sql.routines import load_routines, parse_params
from jetls.workspace import Workspace

from synthetic_etl import write_checkout


def _routine(root: Path, project: str, dataset: str, name: str, sql: str | None, meta: str | None = None) -> None:
    d = root / "sql" / project / dataset / name
    d.mkdir(parents=True)
    if sql is not None:
        (d / "udf.sql").write_text(sql)
    if meta is not None:
        (d / "metadata.yaml").write_text(meta)


@pytest.fixture
def checkout(tmp_path):
    _routine(tmp_path, "mozfun", "map", "get_key",
             "CREATE OR REPLACE FUNCTION map.get_key(map ANY TYPE, k ANY TYPE) AS (\n"
             "  (SELECT key_value.value FROM UNNEST(map) AS key_value WHERE key_value.key = k LIMIT 1)\n);\n"
             "SELECT assert.equals(1, map.get_key([STRUCT('a' AS key, 1 AS value)], 'a'));\n",
             "friendly_name: Get Key\ndescription: Fetch the value associated with a given key from an array of key/value structs.\n")
    _routine(tmp_path, "mozfun", "hist", "extract",
             "CREATE OR REPLACE FUNCTION hist.extract(input STRING)\nRETURNS STRUCT<bucket_count INT64, `sum` INT64>\n"
             "LANGUAGE js AS '''return null;''';\n", "description: Return a parsed struct from a string-encoded histogram.\n")
    _routine(tmp_path, "moz-fx-data-shared-prod", "udf", "normalize_search_engine",
             "CREATE OR REPLACE FUNCTION udf.normalize_search_engine(engine STRING) AS (engine);\n", None)
    _routine(tmp_path, "moz-fx-data-shared-prod", "udf_js", "json_extract_histogram",
             "CREATE OR REPLACE FUNCTION udf_js.json_extract_histogram(input STRING)\n"
             "RETURNS STRUCT<bucket_count INT64, buckets ARRAY<STRUCT<key STRING, value INT64>>>\n"
             "LANGUAGE js AS \"\"\"return null;\"\"\";\n", "description: [broken yaml\n")
    _routine(tmp_path, "mozfun", "norm", "no_sql", None, "description: Only metadata.\n")
    return tmp_path


def test_loading_reads_parameters_and_descriptions(checkout):
    cat = load_routines(checkout)
    assert set(cat.routines) == {
        "mozfun.map.get_key", "mozfun.hist.extract", "mozfun.norm.no_sql",
        "moz-fx-data-shared-prod.udf.normalize_search_engine", "moz-fx-data-shared-prod.udf_js.json_extract_histogram",
    }
    r = cat.get("mozfun.map.get_key")
    assert r.params == ("map ANY TYPE", "k ANY TYPE")
    assert r.description.startswith("Fetch the value")
    assert cat.get("mozfun.norm.no_sql").params is None
    assert cat.get("moz-fx-data-shared-prod.udf_js.json_extract_histogram").description == ""  # broken YAML


def test_loading_is_cached_per_path_and_the_key_is_the_identity(checkout):
    a = load_routines(checkout)
    assert load_routines(str(checkout)) is a
    assert hash(a) == hash(a.key) and a == a


# (sql, expected [(code, text flagged, message part)])
CALLS = [
    ("mozfun.map.get_key(m, 'k')", []),
    ("`moz-fx-data-shared-prod`.udf.normalize_search_engine(e)", []),
    ("`moz-fx-data-shared-prod.udf_js.json_extract_histogram`(h)", []),
    ("mozdata.udf.normalize_search_engine(e)", []),
    ("udf.normalize_search_engine(e)", []),
    ("mozfun.norm.no_sql(a, b, c)", []),  # arity unknown: judged by name only
    ("mozfun.map.get_key(m)", [("JET457", "mozfun.map.get_key(m)", "takes 2 arguments, but 1 was given")]),
    ("mozfun.map.get_kee(m, 'k')", [("JET456", "mozfun.map.get_kee", "did you mean `mozfun.map.get_key`")]),
    ("mozfun.hist.extrct(h)", [("JET456", "mozfun.hist.extrct", "did you mean `mozfun.hist.extract`")]),
    ("`moz-fx-data-shared-prod`.udf.normalise_search_engine(e)",
     [("JET456", "`moz-fx-data-shared-prod`.udf.normalise_search_engine", "normalize_search_engine")]),
    ("other_project.analysis.my_udf(x)", []),  # not a Mozilla routine: not judged
]


@pytest.mark.parametrize("sql,expected", CALLS, ids=[c[0] for c in CALLS])
def test_routine_calls_with_a_catalog(checkout, sql, expected):
    problems = check_sql(sql, "expression", load_routines(checkout))
    assert [(p.code, sql[p.start:p.end]) for p in problems] == [(c, t) for c, t, _ in expected]
    for p, (_, _, text) in zip(problems, expected):
        assert text in p.message and p.severity == "warning"


def test_without_a_catalog_routine_calls_are_not_judged():
    assert check_sql("mozfun.map.get_kee(m)", "expression") == ()


def test_the_did_you_mean_fix_keeps_the_quoting(checkout):
    sql = "`moz-fx-data-shared-prod`.udf.normalise_search_engine(e)"
    (p,) = check_sql(sql, "expression", load_routines(checkout))
    assert p.data == {"replacement": "`moz-fx-data-shared-prod`.udf.normalize_search_engine"}


def test_parse_params():
    assert parse_params("CREATE TEMP FUNCTION f(a STRUCT<x INT64, y STRING>, b INT64) AS (1)", "d", "f") == (
        "a STRUCT<x INT64, y STRING>", "b INT64")
    assert parse_params("CREATE OR REPLACE FUNCTION d.g() AS (1)", "d", "g") == ()
    assert parse_params("SELECT 1", "d", "g") is None


def test_a_missing_or_broken_checkout_gives_an_empty_catalog(tmp_path):
    assert load_routines(tmp_path / "nowhere").routines == {}
    (tmp_path / "sql" / "mozfun" / "x" / "y").mkdir(parents=True)
    (tmp_path / "sql" / "mozfun" / "x" / "y" / "udf.sql").write_bytes(b"\xff\xfe CREATE FUNCTION (((")
    cat = load_routines(tmp_path)
    assert cat.get("mozfun.x.y").params is None


def test_the_316_routines_of_the_corpus_list(tmp_path):
    etl = find("bigquery-etl")
    if etl is None:
        pytest.skip("bigquery-etl corpus not available (set JETLS_CORPUS)")
    cat = load_routines(write_checkout(etl / "derived" / "routines.json", tmp_path))
    assert len(cat.routines) == 316
    assert len(cat.get("mozfun.map.get_key").params) == 2
    assert cat.get("moz-fx-data-shared-prod.udf.active_n_weeks_ago").params is not None


DEFINITIONS = '''\
[metrics.keyed]
select_expression = "SUM(mozfun.map.get_key(m))"
data_source = "clients_daily"

[data_sources.clients_daily]
from_expression = "mozdata.telemetry.clients_daily"
'''


def test_the_checks_use_the_catalog_of_the_options_and_keep_caches_apart(tmp_path, checkout):
    root = tmp_path / "hub"
    (root / "definitions").mkdir(parents=True)
    path = root / "definitions" / "firefox_desktop.toml"
    path.write_text(DEFINITIONS)
    without = Workspace.load(root, Options())
    assert not [d for d in check_file(without, str(path)).diagnostics if d.code.startswith("JET45")]
    opts = Options(bigquery_etl=str(checkout))
    with_ = Workspace.load(root, opts)
    (d,) = [d for d in check_file(with_, str(path), opts).diagnostics if d.code.startswith("JET45")]
    assert d.code == "JET457" and path.read_text()[d.start:d.end] == "mozfun.map.get_key(m)"
    # and back: the same strings without a catalog are not judged (no stale cache entry)
    assert not [d for d in check_file(without, str(path)).diagnostics if d.code.startswith("JET45")]
