"""Columns in SQL strings: completion (with nested fields, types and descriptions), hover, go
to the schema.yaml entry. `$0` marks the cursor."""

from __future__ import annotations

import textwrap


from jetls.features.completion import complete
from jetls.features.hover import hover
from jetls.features.navigation import definition
from jetls.options import Options
from jetls.workspace import Workspace

from jetls_fixture import BASE, write_tree

DEFS = BASE["definitions/firefox_desktop.toml"] + '''
    [metrics.glean]
    select_expression = "$0"
    data_source = "glean_metrics"

    [data_sources.glean_metrics]
    from_expression = "mozdata.firefox_desktop.metrics"
'''


def at(tmp_path, source, text: str, rel: str = "definitions/firefox_desktop.toml", with_source: bool = True):
    text = textwrap.dedent(text).lstrip("\n")
    offset = text.index("$0")
    text = text.replace("$0", "", 1)
    write_tree(tmp_path, {**BASE, rel: ""})
    (tmp_path / rel).write_text(text)
    ws = Workspace.load(tmp_path, Options(bigquery_etl=str(source) if with_source else None))
    return ws, str(tmp_path / rel), offset, text


def labels(items):
    return [i.label for i in items]


def test_completion_offers_the_data_source_columns_with_type_and_description(tmp_path, source):
    ws, path, off, text = at(tmp_path, source, DEFS.replace('"$0"', '"SUM($0)"'))
    items = complete(ws, path, off)
    assert {"client_info", "metrics", "events", "payload", "submission_timestamp"} <= set(labels(items))
    events = next(i for i in items if i.label == "events")
    assert (events.kind, events.detail) == ("column", "ARRAY<RECORD>")
    assert "Events of the ping." in events.documentation
    assert "moz-fx-data-shared-prod.firefox_desktop.metrics" in events.documentation
    assert "2026-08-21" in events.documentation
    assert "ds" in labels(items)  # the data source's alias


def test_completion_of_nested_fields_after_a_dot(tmp_path, source):
    ws, path, off, text = at(tmp_path, source, DEFS.replace('"$0"', '"SUM(metrics.counter.br$0)"'))
    items = complete(ws, path, off)
    assert labels(items) == ["browser_searches"]
    item = items[0]
    assert item.detail == "INTEGER" and "Searches from the browser." in item.documentation
    # the word being typed is replaced
    assert text[item.replace_span[0]:item.replace_span[1]] == "br"


def test_completion_while_the_sql_does_not_parse_yet(tmp_path, source):
    ws, path, off, _ = at(tmp_path, source, DEFS.replace('"$0"', '"COUNTIF(client_info.$0"'))
    assert set(labels(complete(ws, path, off))) == {"client_id", "app_build"}


def test_completion_inside_a_template_call_argument(tmp_path, source):
    ws, path, off, _ = at(tmp_path, source, BASE["definitions/firefox_desktop.toml"] + """
        [metrics.h]
        select_expression = '{{agg_sum("active_$0")}}'
        data_source = "clients_daily"
    """)
    assert "active_hours_sum" in labels(complete(ws, path, off))


def test_completion_in_a_from_expression_subquery(tmp_path, source):
    ws, path, off, _ = at(tmp_path, source, BASE["definitions/firefox_desktop.toml"] + """
        [data_sources.x]
        from_expression = "(SELECT cd.$0 FROM mozdata.telemetry.clients_daily cd)"
    """)
    assert {"client_id", "active_hours_sum", "search_count_all", "experiments"} <= set(labels(complete(ws, path, off)))


def test_completion_in_a_data_source_column_key(tmp_path, source):
    ws, path, off, _ = at(tmp_path, source, BASE["definitions/firefox_desktop.toml"] + """
        [data_sources.glean]
        from_expression = "mozdata.firefox_desktop.metrics"
        client_id_column = "client_info.$0"
    """)
    assert set(labels(complete(ws, path, off))) == {"client_id", "app_build"}


def test_without_a_source_completion_is_what_it_was(tmp_path, source):
    ws, path, off, _ = at(tmp_path, source, DEFS.replace('"$0"', '"SUM($0)"'), with_source=False)
    assert not [i for i in complete(ws, path, off) if i.kind == "column"]


def test_hover_on_a_column_shows_table_type_mode_and_description(tmp_path, source):
    ws, path, off, text = at(tmp_path, source, DEFS.replace('"$0"', '"SUM(metrics.counter.brow$0ser_searches)"'))
    h = hover(ws, path, off)
    assert text[h.start:h.end] == "browser_searches"
    assert "`metrics.counter.browser_searches`" in h.markdown
    assert "`INTEGER`, NULLABLE" in h.markdown
    assert "Searches from the browser." in h.markdown
    assert "`moz-fx-data-shared-prod.firefox_desktop.metrics` (schema.yaml)" in h.markdown


def test_hover_on_a_repeated_record_and_inside_a_template_call(tmp_path, source):
    ws, path, off, _ = at(tmp_path, source, DEFS.replace('"$0"', '"COUNTIF(ARRAY_LENGTH(ev$0ents) > 0)"'))
    assert "`ARRAY<RECORD>`" in hover(ws, path, off).markdown
    ws, path, off, text = at(tmp_path, source, BASE["definitions/firefox_desktop.toml"] + """
        [metrics.h]
        select_expression = '{{agg_sum("active_h$0ours_sum")}}'
        data_source = "clients_daily"
    """)
    h = hover(ws, path, off)
    assert text[h.start:h.end] == "active_hours_sum" and "Hours of user activity." in h.markdown
    assert "Clients Daily" in h.markdown  # the table's friendly name (metadata.yaml)


def test_definition_opens_the_schema_yaml_entry(tmp_path, source):
    ws, path, off, _ = at(tmp_path, source, DEFS.replace('"$0"', '"SUM(metrics.counter.browser_se$0arches)"'))
    [loc] = definition(ws, path, off)
    assert loc.path.endswith("sql/moz-fx-data-shared-prod/firefox_desktop/metrics/schema.yaml")
    yaml_text = open(loc.path).read()
    assert yaml_text[loc.start:loc.end] == "browser_searches"
    line = yaml_text[yaml_text.rfind("\n", 0, loc.start) + 1:yaml_text.find("\n", loc.end)]
    assert line.strip() == "- name: browser_searches"


def test_definition_of_a_column_known_only_from_the_columns_json_is_nowhere(tmp_path, source):
    ws, path, off, _ = at(tmp_path, source, BASE["definitions/firefox_desktop.toml"] + """
        [metrics.u]
        select_expression = "COUNTIF(engagement_t$0ype = 'x')"
        data_source = "urlbar"
        [data_sources.urlbar]
        from_expression = "mozdata.firefox_desktop.urlbar_events"
    """)
    assert definition(ws, path, off) == []
    assert "from view-columns.json" in hover(ws, path, off).markdown
