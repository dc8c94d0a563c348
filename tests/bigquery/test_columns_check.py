"""JET460: an unknown column, at its exact place in the TOML string, naming the table and the
snapshot's date, with did-you-mean and a quick fix; silent where resolution is unsure."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from jetls.features.code_actions import code_actions
from jetls.options import Options

from jetls_fixture import BASE, check_fixture, write_tree

ONLY = {"JET460"}


@pytest.fixture
def opts(source) -> Options:
    return Options(bigquery_etl=str(source))


def test_an_unknown_column_of_a_definitions_metric(tmp_path, opts):
    report, _ = check_fixture(tmp_path, "definitions/firefox_desktop.toml", BASE["definitions/firefox_desktop.toml"] + """
        [metrics.searches]
        select_expression = "SUM(search_count_al) + SUM(active_hours_sum)"
        #                        ^^^^^^^^^^^^^^^ warning JET460 unknown column `search_count_al`: data source `clients_daily` reads `moz-fx-data-shared-prod.telemetry.clients_daily`, which has no such column (bigquery-etl snapshot of 2026-08-21); did you mean `search_count_all`?
        data_source = "clients_daily"
    """, options=opts, only=ONLY)
    [d] = [d for d in report.diagnostics if d.code == "JET460"]
    assert d.data == {"replacement": "search_count_all"}


def test_a_column_inside_a_template_call_is_placed_on_its_name(tmp_path, opts):
    check_fixture(tmp_path, "definitions/firefox_desktop.toml", BASE["definitions/firefox_desktop.toml"] + """
        [metrics.hours]
        select_expression = '{{agg_sum("active_hourz_sum")}}'
        #                               ^^^^^^^^^^^^^^^^ warning JET460 did you mean `active_hours_sum`?
        data_source = "clients_daily"
    """, options=opts, only=ONLY)


def test_a_nested_field_in_a_multiline_string(tmp_path, opts):
    check_fixture(tmp_path, "definitions/firefox_desktop.toml", BASE["definitions/firefox_desktop.toml"] + '''
        [metrics.glean_clients]
        select_expression = """
            COUNTIF(
              client_info.client_idd IS NOT NULL
        #                 ^^^^^^^^^^ warning JET460 `client_idd` is not a field of `client_info` in `moz-fx-data-shared-prod.firefox_desktop.metrics` (bigquery-etl snapshot of 2026-08-21); did you mean `client_id`?
              AND metrics.counter.browser_searches > 0
            )"""
        data_source = "glean_metrics"

        [data_sources.glean_metrics]
        from_expression = "(SELECT m.*, DATE(m.submission_timestamp) AS submission_date FROM `moz-fx-data-shared-prod.firefox_desktop.metrics` AS m)"
    ''', options=opts, only=ONLY)


def test_the_columns_of_a_from_expression(tmp_path, opts):
    check_fixture(tmp_path, "definitions/firefox_desktop.toml", BASE["definitions/firefox_desktop.toml"] + """
        [data_sources.searches]
        from_expression = "(SELECT client_id, submission_date, serch_count FROM mozdata.telemetry.clients_daily)"
        #                                                      ^^^^^^^^^^^ warning JET460 unknown column `serch_count`: `moz-fx-data-shared-prod.telemetry.clients_daily` has no such column
    """, options=opts, only=ONLY)


def test_dataset_placeholder_uses_the_platform_dataset(tmp_path, opts):
    check_fixture(tmp_path, "definitions/fenix.toml", BASE["definitions/fenix.toml"] + """
        [metrics.seqs]
        select_expression = "MAX(ping_info.sek)"
        #                                  ^^^ warning JET460 `sek` is not a field of `ping_info` in `moz-fx-data-shared-prod.org_mozilla_firefox.baseline`
        data_source = "glean_baseline"
        [data_sources.glean_baseline]
        from_expression = "(SELECT p.* FROM `moz-fx-data-shared-prod.{dataset}.baseline` p)"
        default_dataset = "org_mozilla_firefox"
    """, options=opts, only=ONLY)


def test_an_experiment_on_a_known_platform_uses_the_predefined_data_source(tmp_path, opts):
    check_fixture(tmp_path, "jetstream/my-exp.toml", """
        # jetls: platform=firefox_desktop
        [metrics]
        weekly = ["hours"]
        [metrics.hours]
        select_expression = "SUM(active_hour_sum)"
        #                        ^^^^^^^^^^^^^^^ warning JET460 data source `clients_daily`
        data_source = "clients_daily"
        [metrics.hours.statistics.bootstrap_mean]
    """, options=opts, only=ONLY)


def test_an_experiment_whose_platform_is_a_guess_checks_only_its_own_data_sources(tmp_path, opts):
    # `clients_daily` is defined on two platforms, with other tables: the experiment's platform
    # is only a guess, so its predefined data sources are not checked (its own ones are)
    fenix = BASE["definitions/fenix.toml"] + """
        [data_sources.clients_daily]
        from_expression = "mozdata.fenix.clients_daily"
    """
    check_fixture(tmp_path, "jetstream/my-exp.toml", """
        [metrics]
        weekly = ["hours", "local"]
        [metrics.hours]
        select_expression = "SUM(active_hour_sum)"
        data_source = "clients_daily"
        [metrics.hours.statistics.bootstrap_mean]
        [metrics.local]
        select_expression = "SUM(nope)"
        #                        ^^^^ warning JET460 data source `mine`
        data_source = "mine"
        [metrics.local.statistics.bootstrap_mean]
        [data_sources.mine]
        from_expression = "mozdata.telemetry.clients_daily"
        [data_sources.by_platform]
        from_expression = "(SELECT nope FROM `moz-fx-data-shared-prod.{dataset}.baseline`)"
    """, extra={"definitions/fenix.toml": fenix}, options=opts, only=ONLY)


@pytest.mark.parametrize("expr", [
    "SUM(CAST(JSON_VALUE(payload, '$.a') AS INT64))",
    "COUNTIF(mozfun.map.get_key(metrics.counter, 'x').y > 0)",
    "COUNT(*)",
    "COUNTIF(e.branch = 'treatment')",
])
def test_silent_on_json_udf_results_star_and_enrollments(tmp_path, opts, expr):
    check_fixture(tmp_path, "definitions/firefox_desktop.toml", BASE["definitions/firefox_desktop.toml"] + f"""
        [metrics.m]
        select_expression = "{expr}"
        data_source = "glean"
        [data_sources.glean]
        from_expression = "mozdata.firefox_desktop.metrics"
        [metrics.unknown_table]
        select_expression = "SUM(whatever)"
        data_source = "elsewhere"
        [data_sources.elsewhere]
        from_expression = "mozdata.analysis.someones_table"
    """, options=opts, only=ONLY)


def test_without_a_source_or_with_sql_checks_off_nothing_is_reported(tmp_path, source):
    text = BASE["definitions/firefox_desktop.toml"] + """
        [metrics.searches]
        select_expression = "SUM(search_count_al)"
        data_source = "clients_daily"
    """
    for options in (Options(), Options(bigquery_etl=str(source), sql=False)):
        check_fixture(tmp_path, "definitions/firefox_desktop.toml", text, options=options, only=ONLY)


def test_the_quick_fix_replaces_the_name(tmp_path, opts):
    report, ws = check_fixture(tmp_path, "definitions/firefox_desktop.toml", BASE["definitions/firefox_desktop.toml"] + """
        [metrics.searches]
        select_expression = "SUM(search_count_al)"
        #                        ^^^^^^^^^^^^^^^ warning JET460 did you mean
        data_source = "clients_daily"
    """, options=opts, only=ONLY)
    path = str(tmp_path / "definitions" / "firefox_desktop.toml")
    [d] = [d for d in report.diagnostics if d.code == "JET460"]
    [fix] = [a for a in code_actions(ws, path, d.start, d.end, [d]) if a.title.startswith("Replace")]
    [edit] = fix.edits[path]
    text = ws.file(path).text
    assert text[:edit.start] + edit.new_text + text[edit.end:] == text.replace("search_count_al)", "search_count_all)")


def test_a_suppression_comment_silences_it(tmp_path, opts):
    check_fixture(tmp_path, "definitions/firefox_desktop.toml", BASE["definitions/firefox_desktop.toml"] + """
        [metrics.searches]
        # jetls: disable=JET460
        select_expression = "SUM(search_count_al)"
        data_source = "clients_daily"
    """, options=opts, only=ONLY)


# ----------------------------------------------------------------------------- the CLI


def _cli(*args: str, cwd: Path, env_cache: Path) -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, "XDG_CACHE_HOME": str(env_cache)}
    return subprocess.run([sys.executable, "-m", "jetls", "check", *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=120)


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "metric-hub"
    write_tree(root, {**BASE, "definitions/firefox_desktop.toml": BASE["definitions/firefox_desktop.toml"] + """
        [metrics.searches]
        select_expression = "SUM(search_count_al)"
        data_source = "clients_daily"
    """})
    return root


def test_cli_reports_unknown_columns_with_a_source(tmp_path, source):
    root = _tree(tmp_path)
    r = _cli("definitions/firefox_desktop.toml", "--format", "json", "--bigquery-etl", str(source), cwd=root,
             env_cache=tmp_path / "cache")
    found = [d for d in json.loads(r.stdout) if d["code"] == "JET460"]
    text = (root / "definitions" / "firefox_desktop.toml").read_text()
    line = text[:text.index("search_count_al)")].count("\n") + 1
    assert [(d["severity"], d["line"]) for d in found] == [("warning", line)], r.stderr
    assert r.returncode == 0  # a warning: CI is not failed by a drifting schema
    r = _cli("definitions/firefox_desktop.toml", "--format", "json", cwd=root, env_cache=tmp_path / "cache")
    assert not [d for d in json.loads(r.stdout) if d["code"] == "JET460"]


def test_cli_refuses_a_folder_that_is_no_source(tmp_path):
    root = _tree(tmp_path)
    (tmp_path / "empty").mkdir()
    for bad in (tmp_path / "empty", tmp_path / "missing"):
        r = _cli(".", "--bigquery-etl", str(bad), cwd=root, env_cache=tmp_path / "cache")
        assert r.returncode == 2
        assert "--bigquery-etl" in r.stderr


def test_cli_reports_a_broken_schema_once_and_checks_the_rest(tmp_path, source):
    root = _tree(tmp_path)
    broken = source / "sql" / "moz-fx-data-shared-prod" / "firefox_desktop" / "metrics" / "schema.yaml"
    broken.write_text("fields: [\n")
    r = _cli("definitions/firefox_desktop.toml", "--format", "json", "--bigquery-etl", str(source), cwd=root,
             env_cache=tmp_path / "cache")
    assert r.stderr.count("could not be read") == 1 and "firefox_desktop/metrics/schema.yaml" in r.stderr
    assert [d["code"] for d in json.loads(r.stdout) if d["code"] == "JET460"] == ["JET460"]


def test_an_opmon_dimension_reads_its_data_source(tmp_path, opts):
    check_fixture(tmp_path, "opmon/my-project.toml", """
        [project]
        platform = "firefox_desktop"
        metrics = ["active_hours"]
        [project.population]
        data_source = "clients_daily"
        dimensions = ["searchy"]
        [dimensions.searchy]
        select_expression = "search_count_al > 0"
        #                    ^^^^^^^^^^^^^^^ warning JET460 did you mean `search_count_all`?
        data_source = "clients_daily"
    """, options=opts, only=ONLY)


def test_a_view_resolved_from_its_view_sql(tmp_path, opts):
    # clients_daily_view renames search_count_all to searches (see bq_fixture.VIEWS)
    check_fixture(tmp_path, "definitions/firefox_desktop.toml", BASE["definitions/firefox_desktop.toml"] + """
        [metrics.searches]
        select_expression = "SUM(search_count_all) + SUM(active_hours_sum)"
        #                        ^^^^^^^^^^^^^^^^ warning JET460 reads `moz-fx-data-shared-prod.telemetry.clients_daily_view`, which has no such column
        data_source = "cd_view"
        [data_sources.cd_view]
        from_expression = "mozdata.telemetry.clients_daily_view"
    """, options=opts, only=ONLY)


def test_a_data_source_with_joins_is_not_checked(tmp_path, opts):
    # the joined data source's columns are visible to the metric too
    check_fixture(tmp_path, "definitions/firefox_desktop.toml", BASE["definitions/firefox_desktop.toml"] + """
        [metrics.joined]
        select_expression = "SUM(a_column_of_the_other_source)"
        data_source = "with_joins"
        [data_sources.with_joins]
        from_expression = "mozdata.telemetry.clients_daily"
        [data_sources.with_joins.joins.clients_daily]
        relationship = "many_to_one"
    """, options=opts, only=ONLY)
