"""What a slug means where it is written, and where its symbol occurs: definition, references,
rename and highlights over multi-file fixtures (see multifile.py). Each fixture marks the expected
answer with ⟦…⟧ and the cursor with $0."""

from __future__ import annotations

import pytest

from jetls.features.navigation import definition, highlights, references
from jetls.features.rename import RenameError, prepare_rename, rename

from .multifile import load

DESKTOP_BASE = """
//- definitions/functions.toml
[functions.agg_sum]
definition = "SUM({select_expr})"
"""


def refs(tmp_path, fixture):
    fx = load(tmp_path, DESKTOP_BASE + fixture)
    got = {(loc.path, loc.start, loc.end) for loc in references(fx.ws, *fx.cursor)}
    assert sorted((fx.rel(p), fx.texts[p][s:e], s) for p, s, e in got) == \
        sorted((fx.rel(p), fx.texts[p][s:e], s) for p, s, e in fx.spans())
    return fx


def defs(tmp_path, fixture):
    fx = load(tmp_path, DESKTOP_BASE + fixture)
    got = [(fx.rel(loc.path), fx.texts[loc.path][loc.start:loc.end]) for loc in definition(fx.ws, *fx.cursor)]
    assert got == fx.expected()


def renames(tmp_path, fixture, new, base=DESKTOP_BASE):
    fx = load(tmp_path, base + fixture)
    edits = rename(fx.ws, *fx.cursor, new)
    got = {(p, e.start, e.end) for p, es in edits.items() for e in es}
    assert sorted((fx.rel(p), s) for p, s, _ in got) == sorted((fx.rel(p), s) for p, s, _ in fx.spans())
    assert all(e.new_text == new for es in edits.values() for e in es)
    return fx, edits


def refused(tmp_path, fixture, new, match):
    fx = load(tmp_path, DESKTOP_BASE + fixture)
    with pytest.raises(RenameError, match=match):
        rename(fx.ws, *fx.cursor, new)


# ------------------------------------------------------------------------------------------------
# metrics
# ------------------------------------------------------------------------------------------------


def test_predefined_metric_references_follow_resolution_not_the_name(tmp_path):
    refs(tmp_path, """
//- definitions/firefox_desktop.toml
[metrics.⟦active_hours⟧]
select_expression = "SUM(x)"
data_source = "clients_daily"
[data_sources.clients_daily]
from_expression = "t"
//- definitions/fenix.toml
[metrics.active_hours]
select_expression = "SUM(x)"
data_source = "baseline"
//- jetstream/definitions/firefox_desktop.toml
[metrics.⟦active_hours⟧.statistics.bootstrap_mean]
[metrics.⟦active_hours⟧.statistics.deciles]
//- jetstream/uses-it.toml
[metrics]
weekly = ["⟦active_h$0ours⟧"]
[metrics.⟦active_hours⟧.statistics.binomial]
//- jetstream/redefines-it.toml
[metrics]
weekly = ["active_hours"]
[metrics.active_hours]
select_expression = "1"
data_source = "clients_daily"
[metrics.active_hours.statistics.bootstrap_mean]
//- jetstream/fenix-exp.toml
# jetls: platform=fenix
[metrics]
weekly = ["active_hours"]
""")


def test_a_metric_a_config_defines_for_itself_is_its_own_symbol(tmp_path):
    refs(tmp_path, """
//- jetstream/one.toml
[metrics]
weekly = ["⟦my_$0metric⟧"]
[metrics.⟦my_metric⟧]
select_expression = "1"
data_source = "d"
[metrics.⟦my_metric⟧.statistics.bootstrap_mean]
[data_sources.d]
from_expression = "t"
//- jetstream/two.toml
[metrics]
weekly = ["my_metric"]
[metrics.my_metric]
select_expression = "2"
data_source = "d"
[metrics.my_metric.statistics.bootstrap_mean]
[data_sources.d]
from_expression = "t"
""")


def test_outcome_metrics_are_visible_only_where_the_outcome_is_attached(tmp_path):
    refs(tmp_path, """
//- jetstream/outcomes/firefox_desktop/net.toml
friendly_name = "Net"
description = "d"
[metrics.⟦dns$0_time⟧]
select_expression = "AVG(dns)"
data_source = "main"
statistics = { bootstrap_mean = {} }
[data_sources.main]
from_expression = "t"
//- jetstream/attached.toml
[experiment]
outcomes = ["net"]
[metrics]
weekly = ["⟦dns_time⟧"]
[metrics.⟦dns_time⟧.statistics.deciles]
//- jetstream/not-attached.toml
[metrics]
weekly = ["dns_time"]
""")


def test_depends_on_resolves_in_definitions_first(tmp_path):
    refs(tmp_path, """
//- definitions/firefox_desktop.toml
[metrics.⟦uri_count⟧]
select_expression = "SUM(x)"
data_source = "d"
[metrics.ratio]
depends_on = ["⟦uri_count⟧"]
[data_sources.d]
from_expression = "t"
//- jetstream/exp.toml
[metrics]
weekly = ["⟦uri_$0count⟧", "r2"]
[metrics.r2]
depends_on = ["⟦uri_count⟧"]
[metrics.r2.statistics.population_ratio]
numerator = "⟦uri_count⟧"
denominator = "uri_count2"
""")


def test_definition_lists_the_merged_tables_in_precedence_order(tmp_path):
    defs(tmp_path, """
//- definitions/firefox_desktop.toml
[metrics.⟦3:active_hours⟧]
select_expression = "SUM(x)"
data_source = "d"
//- jetstream/definitions/firefox_desktop.toml
[metrics.⟦2:active_hours⟧.statistics.bootstrap_mean]
//- jetstream/exp.toml
[metrics]
weekly = ["active$0_hours"]
[metrics.⟦1:active_hours⟧.statistics.deciles]
""")


def test_definition_of_a_local_full_metric_is_the_local_table_only(tmp_path):
    defs(tmp_path, """
//- definitions/firefox_desktop.toml
[metrics.active_hours]
select_expression = "SUM(x)"
data_source = "d"
//- jetstream/exp.toml
[metrics]
weekly = ["active$0_hours"]
[metrics.⟦active_hours⟧]
select_expression = "1"
data_source = "d"
""")


# ------------------------------------------------------------------------------------------------
# data sources, segments, outcomes
# ------------------------------------------------------------------------------------------------


def test_definition_of_a_data_source_ignores_unattached_outcomes_and_other_tools(tmp_path):
    defs(tmp_path, """
//- definitions/firefox_desktop.toml
[data_sources.⟦main⟧]
from_expression = "t"
//- opmon/definitions/firefox_desktop.toml
[data_sources.main]
from_expression = "opmon_t"
//- looker/definitions/firefox_desktop.toml
[data_sources.main]
from_expression = "looker_t"
//- jetstream/outcomes/firefox_desktop/other.toml
friendly_name = "O"
description = "d"
[data_sources.main]
from_expression = "o"
//- jetstream/exp.toml
[metrics.m]
select_expression = "1"
data_source = "ma$0in"
""")


def test_a_data_source_a_config_defines_for_itself_stays_in_that_config(tmp_path):
    refs(tmp_path, """
//- jetstream/one.toml
[metrics.spotlight_clicks]
select_expression = "1"
data_source = "⟦spotlight_noop⟧"
[data_sources.⟦spotlight$0_noop⟧]
from_expression = "t"
//- jetstream/two.toml
[metrics.spotlight_clicks]
select_expression = "1"
data_source = "spotlight_noop"
[data_sources.spotlight_noop]
from_expression = "t"
""")


def test_segments_and_segment_data_sources(tmp_path):
    fx = refs(tmp_path, """
//- definitions/firefox_desktop.toml
[segments.⟦regular⟧]
select_expression = "TRUE"
data_source = "cls"
[segments.data_sources.cls]
from_expression = "t"
//- jetstream/exp.toml
[experiment]
segments = ["⟦regu$0lar⟧"]
//- jetstream/shadows.toml
[experiment]
segments = ["regular"]
[segments.regular]
select_expression = "FALSE"
data_source = "cls"
""")
    defs(tmp_path / "b", """
//- definitions/firefox_desktop.toml
[segments.data_sources.⟦cls⟧]
from_expression = "t"
[segments.regular]
select_expression = "TRUE"
data_source = "c$0ls"
""")
    assert fx


def test_outcome_references_are_the_configs_that_attach_it(tmp_path):
    fx = load(tmp_path, DESKTOP_BASE + """
//- jetstream/outcomes/firefox_desktop/net.toml
friendly_name = "Net"
description = "d"
//- jetstream/outcomes/fenix/net.toml
friendly_name = "Net"
description = "d"
//- jetstream/a.toml
[experiment]
outcomes = ["⟦n$0et⟧"]
//- jetstream/b.toml
[experiment]
outcomes = ["⟦net⟧"]
//- jetstream/c.toml
# jetls: platform=fenix
[experiment]
outcomes = ["net"]
""")
    got = [(fx.rel(loc.path), loc.start) for loc in references(fx.ws, *fx.cursor)]
    assert got[0] == ("jetstream/outcomes/firefox_desktop/net.toml", 0)
    assert sorted(got[1:]) == sorted((fx.rel(p), s) for _, p, s, _ in fx.marks)
    with pytest.raises(RenameError, match="named by its file"):
        prepare_rename(fx.ws, *fx.cursor)


# ------------------------------------------------------------------------------------------------
# parameters, functions, OpMon dimensions
# ------------------------------------------------------------------------------------------------


def test_parameters_in_every_spelling(tmp_path):
    fx, edits = renames(tmp_path, """
//- jetstream/outcomes/firefox_desktop/spot.toml
friendly_name = "S"
description = "d"
[parameters.⟦message$0_id⟧]
friendly_name = "Message"
description = "d"
default = "abc"
[metrics.clicks]
select_expression = "SUM(IF(id = '{{ parameters.⟦message_id⟧ }}', 1, 0)) + {{ parameters['⟦message_id⟧'] }}"
data_source = "d"
statistics = { bootstrap_mean = {} }
[data_sources.d]
from_expression = "t"
//- jetstream/exp.toml
[experiment]
outcomes = ["spot"]
[parameters.⟦message_id⟧]
value = "xyz"
//- jetstream/unrelated.toml
[parameters.message_id]
value = "xyz"
""", "msg_id")


def test_functions_are_one_symbol_everywhere(tmp_path):
    renames(tmp_path, """
//- definitions/functions.toml
[functions.⟦agg_sum⟧]
definition = "SUM({select_expr})"
//- definitions/firefox_desktop.toml
[metrics.m]
select_expression = "{{ ⟦agg_sum⟧('x') }}"
data_source = "d"
[data_sources.d]
from_expression = "t"
//- definitions/fenix.toml
[metrics.m]
select_expression = "{{ ⟦agg_sum⟧('x') }} + {{⟦agg_sum⟧('y')}}"
data_source = "d"
//- jetstream/exp.toml
[metrics.local]
select_expression = '{{⟦agg$0_sum⟧("z")}}'
data_source = "d"
""", "agg_total", base="")


def test_functions_definition_is_marked_too(tmp_path):
    fx = load(tmp_path, """
//- definitions/functions.toml
[functions.⟦agg_sum⟧]
definition = "SUM({select_expr})"
//- jetstream/exp.toml
[metrics.local]
select_expression = '{{agg$0_sum("z")}}'
data_source = "d"
""")
    got = [(fx.rel(loc.path), fx.texts[loc.path][loc.start:loc.end]) for loc in definition(fx.ws, *fx.cursor)]
    assert got == fx.expected()


def test_a_function_defined_in_both_functions_files_goes_to_jetstreams(tmp_path):
    # spec §1.2: functions are the union of both files; for the same slug, jetstream's wins
    fx = load(tmp_path, """
//- definitions/functions.toml
[functions.agg_sum]
definition = "SUM({select_expr})"
//- jetstream/definitions/functions.toml
[functions.⟦agg_sum⟧]
definition = "COALESCE(SUM({select_expr}), 0)"
//- jetstream/exp.toml
[metrics.local]
select_expression = '{{agg$0_sum("z")}}'
data_source = "d"
""")
    got = [(fx.rel(loc.path), fx.texts[loc.path][loc.start:loc.end]) for loc in definition(fx.ws, *fx.cursor)]
    assert got == fx.expected()


def test_opmon_dimensions(tmp_path):
    fx = load(tmp_path, """
//- opmon/definitions/firefox_desktop.toml
[dimensions.⟦os⟧]
select_expression = "os"
data_source = "main"
[data_sources.main]
from_expression = "t"
//- opmon/project.toml
[project]
platform = "firefox_desktop"
metrics = []
[project.population]
data_source = "main"
dimensions = ["⟦o$0s⟧"]
group_by_dimension = "⟦os⟧"
""")
    got = {(loc.path, loc.start, loc.end) for loc in references(fx.ws, *fx.cursor)}
    assert got == fx.spans()
    assert [(fx.rel(loc.path), loc.start) for loc in definition(fx.ws, *fx.cursor)] == \
        [(fx.rel(p), s) for _, p, s, _ in fx.marks if "definitions" in p]


def test_renaming_a_project_dimension_renames_its_group_by(tmp_path):
    # OpMon: `group_by_dimension` must name one of `dimensions` (spec §3.13)
    renames(tmp_path, """
//- opmon/project.toml
[project]
platform = "firefox_desktop"
metrics = []
[project.population]
data_source = "main"
dimensions = ["⟦my_dim⟧", "os"]
group_by_dimension = "⟦my$0_dim⟧"
[dimensions.⟦my_dim⟧]
select_expression = "x"
data_source = "main"
""", "dim2", base="")


# ------------------------------------------------------------------------------------------------
# rename safety
# ------------------------------------------------------------------------------------------------


GLOBAL = """
//- definitions/firefox_desktop.toml
[metrics.⟦active_hours⟧]
select_expression = "SUM(x)"
data_source = "d"
[metrics.days_of_use]
select_expression = "COUNT(x)"
data_source = "d"
[data_sources.d]
from_expression = "t"
//- jetstream/definitions/firefox_desktop.toml
[metrics.⟦active_hours⟧.statistics.bootstrap_mean]
[metrics.⟦active_hours⟧.statistics.deciles]
[metrics.days_of_use.statistics.bootstrap_mean]
//- jetstream/exp.toml
[metrics]
weekly = ["⟦active$0_hours⟧", "days_of_use"]
"""


def test_rename_moves_headers_and_sub_headers_together(tmp_path):
    fx, edits = renames(tmp_path, GLOBAL, "active_time")
    assert prepare_rename(fx.ws, *fx.cursor)[2] == "active_hours"
    for path, es in edits.items():
        text = fx.texts[path]
        for e in sorted(es, key=lambda e: -e.start):
            text = text[:e.start] + e.new_text + text[e.end:]
        assert "active_hours" not in text


def test_rename_onto_a_visible_name_is_refused(tmp_path):
    refused(tmp_path, GLOBAL, "days_of_use", "already visible")


def test_rename_to_an_invalid_slug_is_refused(tmp_path):
    refused(tmp_path, GLOBAL, "active-time", "not a valid slug")


def test_rename_onto_a_name_used_unresolved_on_the_platform_is_refused(tmp_path):
    refused(tmp_path, GLOBAL + """
//- jetstream/other.toml
[metrics]
weekly = ["active_time"]
""", "active_time", "already written in `jetstream/other.toml`")


def test_rename_of_a_local_metric_merged_with_the_defaults_is_refused(tmp_path):
    refused(tmp_path, """
//- jetstream/defaults/firefox_desktop.toml
[metrics.mine.statistics.bootstrap_mean]
//- jetstream/exp.toml
[metrics]
weekly = ["mi$0ne"]
[metrics.mine]
select_expression = "1"
data_source = "d"
[data_sources.d]
from_expression = "t"
""", "ours", "also merges")


def test_rename_of_an_unresolved_slug_is_refused(tmp_path):
    refused(tmp_path, """
//- jetstream/exp.toml
[metrics]
weekly = ["nowh$0ere"]
""", "somewhere", "does not resolve")


def test_highlights_are_the_symbols_occurrences_in_the_file(tmp_path):
    fx = load(tmp_path, DESKTOP_BASE + GLOBAL)
    exp = next(p for p in fx.texts if p.endswith("exp.toml"))
    got = highlights(fx.ws, *fx.cursor)
    assert [(s, e) for s, e, _ in got] == [(s, e) for _, p, s, e in sorted(fx.marks, key=lambda m: m[2]) if p == exp]


def test_outcome_root_window_lists_are_references(tmp_path):
    """metric-config-parser 2026.10 lists an outcome's metrics per period at its root."""
    refs(tmp_path, """
//- definitions/firefox_desktop.toml
[metrics.⟦active_hours⟧]
select_expression = "SUM(x)"
data_source = "d"
[data_sources.d]
from_expression = "t"
//- jetstream/outcomes/firefox_desktop/engagement.toml
friendly_name = "Engagement"
description = "d"
weekly = ["⟦active_ho$0urs⟧"]
overall = ["⟦active_hours⟧"]
""")


def test_rename_of_a_metric_an_outcome_also_defines_is_refused(tmp_path):
    # wherever Experimenter attaches the outcome, its metric and the predefined one merge
    refused(tmp_path, """
//- definitions/firefox_desktop.toml
[metrics.memory_total]
select_expression = "SUM(x)"
data_source = "d"
[data_sources.d]
from_expression = "t"
//- jetstream/outcomes/firefox_desktop/perf.toml
friendly_name = "Perf"
description = "d"
[metrics.memory_total]
select_expression = "AVG(x)"
data_source = "d"
[metrics.memory_total.statistics.deciles]
//- jetstream/exp.toml
[metrics]
overall = ["memory$0_total"]
""", "memory_sum", "also defines metric `memory_total`")


def test_rename_moves_a_name_key_equal_to_the_slug(tmp_path):
    renames(tmp_path, """
//- definitions/firefox_desktop.toml
[metrics.⟦fxa_signed_in⟧]
name = "⟦fxa_signed_in⟧"
select_expression = "SUM(x)"
data_source = "d"
[data_sources.d]
from_expression = "t"
//- jetstream/exp.toml
[metrics]
overall = ["fxa_sig$0ned_in"]
""".replace('overall = ["fxa_sig$0ned_in"]', 'overall = ["⟦fxa_sig$0ned_in⟧"]'), "fxa_on")
