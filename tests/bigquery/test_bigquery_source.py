"""Reading a schema source: schema.yaml, metadata.yaml, view.sql, the columns JSON, the cache,
and bad input."""

from __future__ import annotations

import os
import time

import pytest

from jetls.bigquery import SourceProblem, cache, load, sources

from bq_fixture import SHARED, make_source


def test_schema_yaml_gives_nested_records_repeated_mode_and_descriptions(source):
    cat = load(str(source))
    t = cat.table("mozdata.firefox_desktop.metrics")
    assert t is not None and t.origin == "schema.yaml"
    assert t.name == f"{SHARED}.firefox_desktop.metrics"
    assert t.source == str(source / "sql" / SHARED / "firefox_desktop" / "metrics" / "schema.yaml")
    events = t.columns["events"]
    assert (events.type, events.mode, events.description) == ("RECORD", "REPEATED", "Events of the ping.")
    assert events.type_label == "ARRAY<RECORD>"
    counter = t.columns["metrics"].fields["counter"].fields["browser_searches"]
    assert counter.path == ("metrics", "counter", "browser_searches")
    assert counter.description == "Searches from the browser."
    assert counter.table == t.name
    # the line of its `- name:` entry, for go to definition
    lines = open(t.source).read().splitlines()
    assert lines[counter.line].strip() == "- name: browser_searches"


def test_table_names_in_every_spelling_resolve_to_one_table(source):
    cat = load(str(source))
    want = cat.table(f"{SHARED}.telemetry.clients_daily")
    for name in ("mozdata.telemetry.clients_daily", f"`{SHARED}.telemetry.clients_daily`",
                 f"`{SHARED}`.telemetry.`clients_daily`", "telemetry.clients_daily", "MOZDATA.telemetry.Clients_Daily"):
        assert cat.table(name) is want, name
    assert cat.table("mozdata.telemetry.nope") is None
    assert cat.table("clients_daily") is None  # one part: not a table name


def test_metadata_gives_friendly_name_and_description(source):
    t = load(str(source)).table("mozdata.telemetry.clients_daily")
    assert (t.friendly_name, t.description) == ("Clients Daily", "One row per client per day.")


def test_columns_json_and_its_snapshot_date(source):
    cat = load(str(source))
    t = cat.table("mozdata.firefox_desktop.urlbar_events")
    assert t.origin == "columns JSON"
    assert set(t.columns) == {"client_id", "submission_date", "engagement_type", "selected_result", "results"}
    assert set(t.columns["results"].fields) == {"position", "result_type"}
    assert t.columns["engagement_type"].fields is None  # a leaf: no type, nothing checked below it
    assert cat.date == "2026-08-21"


def test_view_sql_is_resolved_against_the_tables_it_reads(source):
    cat = load(str(source))
    t = cat.table("mozdata.telemetry.clients_daily_view")
    assert t is not None and t.origin == "view.sql"
    assert set(t.columns) == {"client_id", "submission_date", "active_hours_sum", "experiments", "searches"}
    assert t.columns["experiments"].fields is not None  # the record's fields come along


def test_a_view_whose_sql_cannot_be_resolved_is_unknown(tmp_path):
    root = make_source(tmp_path / "src", views={
        f"{SHARED}.x.reads_unknown": "SELECT * FROM `moz-fx-data-shared-prod.x.not_there`",
        f"{SHARED}.x.loop_a": f"SELECT * FROM `{SHARED}.x.loop_b`",
        f"{SHARED}.x.loop_b": f"SELECT * FROM `{SHARED}.x.loop_a`",
        f"{SHARED}.x.broken": "SELECT FROM WHERE (",
    })
    cat = load(str(root))
    for name in ("x.reads_unknown", "x.loop_a", "x.broken"):
        assert cat.table(f"{SHARED}.{name}") is None


def test_the_second_load_reads_the_cache_and_parses_nothing(source):
    first = load(str(source))
    assert first.parsed > 0
    assert cache.cache_file(str(source)).is_file()
    again = load(str(source))
    assert again.parsed == 0
    assert again.table("mozdata.firefox_desktop.metrics").columns.keys() == first.table("mozdata.firefox_desktop.metrics").columns.keys()


def test_the_cache_lives_under_xdg_cache_home(source, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    load(str(source))
    assert list((tmp_path / "xdg" / "jetls" / "bigquery").glob("*.cache"))


def test_only_changed_files_are_parsed_again(source):
    load(str(source))
    schema = source / "sql" / SHARED / "telemetry" / "clients_daily" / "schema.yaml"
    schema.write_text(schema.read_text().replace("search_count_all", "search_count_total"))
    cat = load(str(source))
    assert cat.parsed == 1
    assert "search_count_total" in cat.table("mozdata.telemetry.clients_daily").columns
    # a new mtime with the same content (a fresh checkout): the content digest matches
    later = time.time() + 100
    os.utime(schema, (later, later))
    assert load(str(source)).parsed == 0


def test_a_broken_cache_file_is_ignored(source):
    load(str(source))
    cache.cache_file(str(source)).write_bytes(b"garbage")
    cat = load(str(source))
    assert cat.parsed > 0 and cat.table("mozdata.telemetry.clients_daily") is not None


def test_a_broken_schema_yaml_is_one_problem_and_the_rest_loads(source):
    bad = source / "sql" / SHARED / "telemetry" / "clients_daily" / "schema.yaml"
    bad.write_text("fields:\n- name: a\n  type: [unclosed\n")
    cat = load(str(source))
    assert len(cat.problems) == 1
    assert "sql/moz-fx-data-shared-prod/telemetry/clients_daily/schema.yaml" in cat.problems[0]
    assert "line" in cat.problems[0]
    assert cat.table("mozdata.telemetry.clients_daily") is None
    assert cat.table("mozdata.firefox_desktop.metrics") is not None
    # the problem is remembered by the cache: reported again without parsing again
    again = load(str(source))
    assert again.parsed == 0 and again.problems == cat.problems


def test_a_broken_columns_json_is_one_problem(source):
    (source / "derived" / "view-columns.json").write_text('{"tables": {')
    cat = load(str(source))
    assert [p for p in cat.problems if "view-columns.json" in p and "not valid JSON" in p]
    assert cat.table("mozdata.firefox_desktop.metrics") is not None


def test_other_json_files_and_empty_schemas_are_not_problems(source):
    (source / "derived" / "routines.json").write_text('{"routines": []}')
    empty = source / "sql" / SHARED / "x" / "unknown_schema"
    empty.mkdir(parents=True)
    (empty / "schema.yaml").write_text("{}\n")
    cat = load(str(source))
    assert cat.problems == ()
    assert cat.table(f"{SHARED}.x.unknown_schema") is None


def test_a_folder_that_is_no_source_is_refused(tmp_path):
    with pytest.raises(SourceProblem, match="not a folder"):
        load(str(tmp_path / "missing"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(SourceProblem, match="no sql/ folder"):
        load(str(tmp_path / "empty"))


def test_sources_load_once_and_report_a_bad_folder(source, tmp_path):
    s = sources.load(str(source))
    assert s.status == sources.READY and sources.catalog(str(source)) is s.catalog
    assert sources.load(str(source)) is s
    bad = sources.load(str(tmp_path / "nowhere"))
    assert bad.status == sources.FAILED and sources.catalog(str(tmp_path / "nowhere")) is None
    assert "not used" in sources.summary(bad)


def test_in_background_mode_asking_for_a_catalog_starts_a_load_and_does_not_wait(source):
    sources.set_background(True)
    assert sources.catalog(str(source)) is None  # loading: the caller is not kept waiting
    state = sources.state(str(source))
    assert state.done.wait(30)
    assert sources.catalog(str(source)) is state.catalog is not None


def test_a_cold_load_in_worker_processes_gives_the_same_tables(tmp_path):
    tables = {f"{SHARED}.many.t{i}": [("c", "STRING", "NULLABLE", None, None), (f"only_{i}", "INTEGER", None, None, None)]
              for i in range(260)}
    root = make_source(tmp_path / "big", tables=tables, metadata={}, views={}, json_tables={})
    seen = []
    cat = load(str(root), progress=lambda message, fraction: seen.append(fraction), jobs=2)
    assert cat.parsed == 260 and not cat.problems
    assert set(cat.table(f"{SHARED}.many.t123").columns) == {"c", "only_123"}
    assert seen[0] == 0 and seen[-1] == 1
