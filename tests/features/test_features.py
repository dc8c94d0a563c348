"""Specifications of the editor features over a small fixture checkout (see conftest.py)."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

from corpus import find
import pytest

from jetls.checks import check_file
from jetls.diagnostics import TextEdit
from jetls.features.code_actions import code_actions
from jetls.features.completion import complete
from jetls.features.context import HEADER, KEY, VALUE, analyze
from jetls.features.folding import folding_ranges
from jetls.features.hover import hover
from jetls.features.navigation import definition, references
from jetls.features.rename import prepare_rename, rename
from jetls.features.rendered_sql import rendered_sql
from jetls.features.semantic_tokens import MODIFIERS, TOKEN_TYPES, encode, tokens
from jetls.features.symbols import document_symbols, workspace_symbols

from .conftest import cursor

EXP = "jetstream/my-exp.toml"


def labels(items, kind=None):
    return [i.label for i in items if kind is None or i.kind == kind]


# --------------------------------------------------------------------------------------------
# context
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, location, table, key, prefix",
    [
        ('[metrics]\nweekly = ["$0', VALUE, ("metrics",), ("metrics", "weekly"), ""),
        ("[metrics]\nweekly = [$0", VALUE, ("metrics",), ("metrics", "weekly"), ""),
        ('[metrics.x]\ndata_source = "$0', VALUE, ("metrics", "x"), ("metrics", "x", "data_source"), ""),
        ("[metrics.x.statistics.$0", HEADER, ("metrics", "x", "statistics"), ("metrics", "x", "statistics"), ""),
        ("[metrics.x.statistics.boo$0", HEADER, ("metrics", "x", "statistics"), ("metrics", "x", "statistics", "boo"), "boo"),
        ("[metrics.foo]\n$0\n[x]\n", KEY, ("metrics", "foo"), ("metrics", "foo"), ""),
        ("[metrics.foo]\nsel$0", KEY, ("metrics", "foo"), ("metrics", "foo", "sel"), "sel"),
        ("[metrics.x]\nstatistics = { bootstrap_mean = { dr$0 } }", KEY,
         ("metrics", "x", "statistics", "bootstrap_mean"), ("metrics", "x", "statistics", "bootstrap_mean", "dr"), "dr"),
    ],
)
def test_context_on_broken_text(text, location, table, key, prefix):
    t, off = cursor(text)
    ctx = analyze(t, off, "experiment")
    assert ctx.location == location
    assert ctx.table_path == table
    assert ctx.key_path == key
    if location != VALUE:
        assert ctx.prefix == prefix


@pytest.mark.parametrize("open_, close", [('"', ""), ("'", ""), ('"""', ""), ("'''", "")])
def test_context_jinja_in_every_string_kind(open_, close):
    t, off = cursor(f"[metrics.x]\nselect_expression = {open_}SUM(1) + {{{{ agg_$0")
    ctx = analyze(t, off, "experiment")
    assert ctx.in_string and ctx.jinja is not None
    assert ctx.jinja.prefix == "agg_"
    assert t[ctx.jinja.prefix_span[0] : ctx.jinja.prefix_span[1]] == "agg_"
    t, off = cursor(f"[metrics.x]\nselect_expression = {open_}{{{{ parameters.$0")
    ctx = analyze(t, off, "experiment")
    assert ctx.jinja.attribute_of == "parameters" and ctx.jinja.prefix == ""


def test_context_decoded_index_with_escapes():
    t, off = cursor('[metrics.x]\nselect_expression = "a\\tb $0c"')
    ctx = analyze(t, off, "experiment")
    assert ctx.string.value[ctx.string_index :] == "c"


# --------------------------------------------------------------------------------------------
# completion
# --------------------------------------------------------------------------------------------


def test_window_completion_offers_platform_metrics_only(fx):
    path, off = fx.edit(EXP, '[experiment]\nsegments = ["regular_users_v3"]\n[metrics]\nweekly = ["$0')
    items = complete(fx.ws, path, off)
    got = labels(items, "metric")
    assert {"active_hours", "uri_count", "days_of_use"} <= set(got)
    assert "fenix_only_metric" not in got
    ah = next(i for i in items if i.label == "active_hours")
    assert "Active hours" in ah.documentation and "clients_daily" in ah.documentation
    assert "definitions/firefox_desktop.toml" in ah.detail
    # the string is still open (`weekly = ["`): the item closes it, so the file stays valid
    assert ah.replace_span == (off, off) and ah.insert_text == 'active_hours"'
    path, off = fx.edit(EXP, "[metrics]\nweekly = ['act$0")
    ah = next(i for i in complete(fx.ws, path, off) if i.label == "active_hours")
    assert ah.insert_text == "active_hours'"


def test_a_header_that_exists_is_offered_as_the_way_to_a_table_below_it(fx):
    path, off = fx.edit(EXP, "[experiment]\nenrollment_period = 7\n[metrics]\nweekly = []\n\n[$0")
    items = {i.label: i for i in complete(fx.ws, path, off)}
    assert items["metrics"].insert_text == "metrics."  # `[metrics]` exists: on to `[metrics.<slug>]`
    assert items["segments"].insert_text == "segments"
    # the header being typed is not "another" one
    path, off = fx.edit(EXP, "[metrics$0")
    assert {i.label: i for i in complete(fx.ws, path, off)}["metrics"].insert_text == "metrics"


def test_window_completion_includes_local_and_attached_outcome_metrics(fx):
    path, off = fx.edit(EXP, '[experiment]\noutcomes = ["networking"]\n[metrics]\nweekly = [$0]\n[metrics.mine]\nselect_expression = "1"\ndata_source = "main"\n')
    items = complete(fx.ws, path, off)
    got = labels(items, "metric")
    assert "mine" in got and "dns_lookup_time" in got
    mine = next(i for i in items if i.label == "mine")
    assert mine.insert_text == '"mine"'  # no quotes typed yet
    assert mine.sort_text < next(i for i in items if i.label == "active_hours").sort_text


def test_data_source_completion(fx):
    path, off = fx.edit(EXP, '[metrics.x]\ndata_source = "$0')
    items = complete(fx.ws, path, off)
    assert labels(items, "data_source") == ["clients_daily", "main"]
    cd = items[0]
    assert "mozdata.telemetry.clients_daily" in cd.documentation


def test_segment_and_segment_data_source_and_outcome_completion(fx):
    path, off = fx.edit(EXP, '[experiment]\nsegments = ["$0')
    assert labels(complete(fx.ws, path, off), "segment") == ["regular_users_v3"]
    path, off = fx.edit(EXP, '[segments.s]\ndata_source = "$0')
    assert labels(complete(fx.ws, path, off), "segment_data_source") == ["clients_last_seen"]
    path, off = fx.edit(EXP, '[experiment]\noutcomes = ["$0')
    assert labels(complete(fx.ws, path, off), "outcome") == ["networking"]


def test_opmon_project_completes_dimensions_and_data_sources_of_the_opmon_view(fx):
    # OpMon sees definitions/ and opmon/definitions/, not jetstream/definitions/ (spec §1.2)
    fx.edit("opmon/definitions/firefox_desktop.toml", '[dimensions.os]\nselect_expression = "os"\ndata_source = "clients_daily"\n$0')
    fx.edit("jetstream/definitions/firefox_desktop.toml", '[dimensions.jetstream_only]\nselect_expression = "x"\n$0')
    path, off = fx.edit("opmon/my-rollout.toml", '[project]\nmetrics = ["active_hours"]\n[project.population]\ndimensions = ["$0')
    dims = complete(fx.ws, path, off)
    assert labels(dims, "dimension") == ["os"]
    assert "opmon/definitions/firefox_desktop.toml" in dims[0].detail
    path, off = fx.edit("opmon/my-rollout.toml", '[project.population]\ndata_source = "$0')
    assert "clients_daily" in labels(complete(fx.ws, path, off), "data_source")
    path, off = fx.edit("opmon/my-rollout.toml", '[project.population]\ndimensions = ["o$0s"]\n')
    (loc,) = definition(fx.ws, path, off)
    assert loc.path.endswith("opmon/definitions/firefox_desktop.toml")
    assert hover(fx.ws, path, off) is not None


def test_statistic_header_completion(fx):
    path, off = fx.edit(EXP, "[metrics.x.statistics.$0")
    items = complete(fx.ws, path, off)
    got = labels(items, "statistic")
    assert {"bootstrap_mean", "binomial", "deciles", "population_ratio"} <= set(got)
    assert all(i.replace_span == (off, off) for i in items)


def test_inline_statistics_and_params_completion(fx):
    path, off = fx.edit(EXP, "[metrics.x]\nstatistics = { $0")
    assert "bootstrap_mean" in labels(complete(fx.ws, path, off), "statistic")
    path, off = fx.edit(EXP, "[metrics.x]\nstatistics = { bootstrap_mean = { $0 } }")
    assert {"num_samples", "drop_highest", "confidence_interval", "pre_treatments"} <= set(labels(complete(fx.ws, path, off)))


def test_pre_treatment_completion(fx):
    path, off = fx.edit(EXP, '[metrics.x.statistics.bootstrap_mean]\npre_treatments = ["$0')
    got = labels(complete(fx.ws, path, off), "pre_treatment")
    assert "remove_nulls" in got and "log" in got


def test_key_completion_with_snippets_in_broken_table(fx):
    path, off = fx.edit(EXP, '[metrics.newone]\nfriendly_name = "x\n$0\n[metrics.other\n')
    items = complete(fx.ws, path, off)
    keys = labels(items, "key")
    assert "select_expression" in keys and "data_source" in keys
    assert "friendly_name" not in keys  # already present
    assert "exposure_basis" not in keys  # ignored key
    sel = next(i for i in items if i.label == "select_expression")
    assert sel.is_snippet and sel.insert_text.startswith("select_expression = ")
    path, off = fx.edit(EXP, "[metrics.newone]\n$0")
    items = complete(fx.ws, path, off)
    skel = next(i for i in items if i.kind == "snippet" and i.label == "metric definition")
    assert "select_expression" in skel.insert_text and "data_source" in skel.insert_text
    assert "[metrics.newone.statistics.bootstrap_mean]" in skel.insert_text


def test_enum_and_boolean_completion(fx):
    path, off = fx.edit(EXP, "[experiment]\nskip = $0")
    assert labels(complete(fx.ws, path, off)) == ["true", "false"]
    path, off = fx.edit(EXP, '[experiment]\nanalysis_unit = "$0')
    assert labels(complete(fx.ws, path, off), "enum") == ["client_id", "profile_group_id"]


@pytest.mark.parametrize("q", ["'''", '"""', '"', "'"])
def test_jinja_function_completion(fx, q):
    path, off = fx.edit(EXP, f"[metrics.x]\nselect_expression = {q}{{{{ agg_$0")
    items = complete(fx.ws, path, off)
    fns = labels(items, "function")
    assert fns == ["agg_any", "agg_sum"]
    s = next(i for i in items if i.label == "agg_sum")
    text = fx.text(EXP)
    assert text[s.replace_span[0] : s.replace_span[1]] == "agg_"
    assert "COALESCE(SUM({select_expr}), 0)" in s.documentation


def _accept(text: str, item) -> str:
    """The text after accepting a completion item (snippet placeholders removed)."""
    new = re.sub(r"\$\{\d+:?([^}]*)\}|\$\d+", r"\1", item.insert_text if item.insert_text is not None else item.label)
    a, b = item.replace_span
    return text[:a] + new + text[b:]


@pytest.mark.parametrize("q, inserted", [('"', "agg_sum('x')"), ("'", 'agg_sum("x")'), ('"""', 'agg_sum("x")'),
                                         ("'''", 'agg_sum("x")')])
def test_accepted_jinja_function_keeps_the_toml_string_valid(fx, q, inserted):
    import tomllib

    path, off = fx.edit(EXP, f"[metrics.x]\nselect_expression = {q}{{{{ agg_$0 }}}}{q}\n")
    item = next(i for i in complete(fx.ws, path, off) if i.label == "agg_sum")
    after = _accept(fx.text(EXP), item).replace("('')", "('x')").replace('("")', '("x")')
    assert inserted in after
    assert tomllib.loads(after)["metrics"]["x"]["select_expression"].startswith("{{ agg_sum(")


@pytest.mark.parametrize("q", ['"', "'", '"""'])
def test_a_jinja_call_at_the_end_of_an_open_tag_closes_the_tag_and_a_one_line_string(fx, q):
    path, off = fx.edit(EXP, f"[metrics.x]\nselect_expression = {q}{{{{ agg_$0")
    item = next(i for i in complete(fx.ws, path, off) if i.label == "agg_sum")
    after = _accept(fx.text(EXP), item)
    if q != '"""':  # (a multi-line string may go on below: it is left open)
        assert tomllib.loads(after)["metrics"]["x"]["select_expression"].endswith(") }}")
    else:
        assert after.endswith(") }}")


def test_list_completion_follows_the_quote_style_and_a_bare_equals_gets_a_space(fx):
    import tomllib

    path, off = fx.edit(EXP, "[metrics]\nweekly = ['active_hours', $0]\n")
    item = next(i for i in complete(fx.ws, path, off) if i.label == "uri_count")
    assert item.insert_text == "'uri_count'"
    assert tomllib.loads(_accept(fx.text(EXP), item))["metrics"]["weekly"] == ["active_hours", "uri_count"]
    path, off = fx.edit(EXP, "[metrics.y]\ndata_source =$0\n")
    item = next(i for i in complete(fx.ws, path, off) if i.label == "clients_daily")
    assert _accept(fx.text(EXP), item) == '[metrics.y]\ndata_source = "clients_daily"\n'


def test_parameters_and_experiment_attributes_in_templates(fx):
    path, off = fx.edit(EXP, '[experiment]\noutcomes = ["networking"]\n[metrics.x]\nselect_expression = "{{ parameters.$0')
    assert labels(complete(fx.ws, path, off), "parameter") == ["message_id"]
    path, off = fx.edit(EXP, '[segments.data_sources.x]\nfrom_expression = "{{ experiment.$0')
    assert "normandy_slug" in labels(complete(fx.ws, path, off), "experiment_attribute")
    # experiment is not in scope of a metric select expression
    path, off = fx.edit(EXP, '[metrics.x]\nselect_expression = "{{ experiment.$0')
    assert complete(fx.ws, path, off) == []


# --------------------------------------------------------------------------------------------
# hover
# --------------------------------------------------------------------------------------------


def test_hover_on_slug(fx):
    p = fx.path(EXP)
    off = fx.offset_of(EXP, "active_hours") + 3
    h = hover(fx.ws, p, off)
    assert h is not None
    assert "Active hours" in h.markdown and "received user input" in h.markdown
    assert "definitions/firefox_desktop.toml" in h.markdown
    assert "COALESCE(SUM(active_hours_sum), 0)" in h.markdown  # rendered template
    assert fx.text(EXP)[h.start : h.end] == "active_hours"


def test_hover_deprecated_and_keys_and_experiment_header(fx):
    path, off = fx.edit(EXP, '[metrics]\nweekly = ["days_of_use$0"]\n')
    assert "Deprecated" in hover(fx.ws, path, off).markdown
    path, off = fx.edit(EXP, "[experiment]\nenrollment_per$0iod = 7\n")
    h = hover(fx.ws, path, off)
    assert "enrollment_period" in h.markdown and "integer" in h.markdown
    path, off = fx.edit(EXP, '[experim$0ent]\nsegments = ["regular_users_v3"]\n')
    h = hover(fx.ws, path, off)
    assert "firefox_desktop" in h.markdown and "Platform" in h.markdown


def test_hover_function_statistic_enum(fx):
    p = fx.path(EXP)
    h = hover(fx.ws, p, fx.offset_of(EXP, "agg_sum") + 2)
    assert "COALESCE(SUM({select_expr}), 0)" in h.markdown
    path, off = fx.edit(EXP, "[metrics.x.statistics.bootstr$0ap_mean]\n")
    assert "num_samples" in hover(fx.ws, path, off).markdown
    path, off = fx.edit(EXP, '[experiment]\nanalysis_unit = "client$0_id"\n')
    assert "client_id" in hover(fx.ws, path, off).markdown


# --------------------------------------------------------------------------------------------
# navigation
# --------------------------------------------------------------------------------------------


def test_definition_of_metric_lists_the_merged_tables_in_precedence_order(fx):
    p = fx.path(EXP)
    locs = definition(fx.ws, p, fx.offset_of(EXP, "active_hours") + 1)
    # what Jetstream merges for this config: the statistics in jetstream/definitions/, then the
    # definition in definitions/ (the SQL comes from the last)
    assert [os.path.relpath(loc.path, fx.root) for loc in locs] == [
        "jetstream/definitions/firefox_desktop.toml", "definitions/firefox_desktop.toml"]
    loc = locs[-1]
    text = fx.ws.files[loc.path].text
    assert text[loc.start : loc.end] == "active_hours"
    assert text[: loc.end + 1].splitlines()[-1] == "[metrics.active_hours]"


def test_definition_of_local_metric_function_outcome_data_source_parameter(fx):
    p = fx.path(EXP)
    locs = definition(fx.ws, p, fx.offset_of(EXP, "my_metric") + 1)
    assert [(loc.path, fx.text(EXP)[loc.start : loc.end]) for loc in locs] == [(p, "my_metric")]
    locs = definition(fx.ws, p, fx.offset_of(EXP, "agg_sum") + 1)
    assert [os.path.relpath(loc.path, fx.root) for loc in locs] == ["definitions/functions.toml"]
    locs = definition(fx.ws, p, fx.offset_of(EXP, "networking") + 1)
    assert [(os.path.relpath(loc.path, fx.root), loc.start) for loc in locs] == [("jetstream/outcomes/firefox_desktop/networking.toml", 0)]
    locs = definition(fx.ws, p, fx.offset_of(EXP, "clients_daily") + 1)
    assert len(locs) == 1 and fx.ws.files[locs[0].path].text[locs[0].start : locs[0].end] == "clients_daily"
    out = "jetstream/outcomes/firefox_desktop/networking.toml"
    locs = definition(fx.ws, fx.path(out), fx.offset_of(out, "parameters.message_id", 0) + 100 * 0 + fx.text(out).index("message_id }}") - fx.offset_of(out, "parameters.message_id", 0))
    assert [(loc.path, fx.text(out)[loc.start : loc.end]) for loc in locs] == [(fx.path(out), "message_id")]


def test_references_across_files(fx):
    p = fx.path(EXP)
    locs = references(fx.ws, p, fx.offset_of(EXP, "active_hours") + 1)
    files = sorted({os.path.relpath(loc.path, fx.root) for loc in locs})
    assert files == ["definitions/firefox_desktop.toml", "jetstream/definitions/firefox_desktop.toml", EXP]
    assert sum(1 for loc in locs if loc.path == p) == 2  # weekly + overall
    no_decl = references(fx.ws, p, fx.offset_of(EXP, "active_hours") + 1, include_declaration=False)
    assert all(loc.path == p for loc in no_decl) and len(no_decl) == 2


def test_rename_metric_in_every_file(fx):
    p = fx.path(EXP)
    off = fx.offset_of(EXP, "active_hours") + 1
    assert prepare_rename(fx.ws, p, off) == (fx.offset_of(EXP, "active_hours"), fx.offset_of(EXP, "active_hours") + 12, "active_hours")
    edits = rename(fx.ws, p, off, "active_time")
    rels = {os.path.relpath(k, fx.root): v for k, v in edits.items()}
    assert set(rels) == {"definitions/firefox_desktop.toml", "jetstream/definitions/firefox_desktop.toml", EXP}
    assert len(rels["jetstream/definitions/firefox_desktop.toml"]) == 2  # both statistics sub-tables
    for path, es in edits.items():
        text = fx.ws.files[path].text
        for e in sorted(es, key=lambda e: -e.start):
            assert text[e.start : e.end] == "active_hours"
            text = text[: e.start] + e.new_text + text[e.end :]
        assert not re.search(r"\bactive_hours\b", text)
    with pytest.raises(ValueError):
        rename(fx.ws, p, off, "bad-name")


def test_rename_data_source_and_function(fx):
    p = fx.path(EXP)
    edits = rename(fx.ws, p, fx.offset_of(EXP, "clients_daily") + 1, "cd")
    desktop = fx.path("definitions/firefox_desktop.toml")
    assert len(edits[desktop]) == 4  # the table + three metrics' data_source
    assert len(edits[p]) == 1
    edits = rename(fx.ws, p, fx.offset_of(EXP, "agg_sum") + 1, "agg_total")
    assert fx.path("definitions/functions.toml") in edits and len(edits[desktop]) == 2 and len(edits[p]) == 1
    with pytest.raises(ValueError, match="file"):
        rename(fx.ws, p, fx.offset_of(EXP, "networking") + 1, "net")


# --------------------------------------------------------------------------------------------
# code actions, rendered SQL
# --------------------------------------------------------------------------------------------


def _fixes(fx, rel, offset):
    path = fx.path(rel)
    diags = check_file(fx.ws, path).diagnostics
    return code_actions(fx.ws, path, offset, offset, diags)


def test_quick_fix_replaces_typo(fx):
    path, off = fx.edit(EXP, "[metrics]\nweekly = [\"active_hour$0ss\"]\n")
    text = fx.text(EXP)
    s = text.index("active_hourss")
    fix = next(a for a in _fixes(fx, EXP, off) if a.title == "Replace with `active_hours`")
    assert fix.kind == "quickfix" and fix.is_preferred and fix.diagnostics[0].code == "JET201"
    assert fix.edits == {path: [TextEdit(s, s + 13, "active_hours")]}


def test_define_metric_here_and_add_statistic_and_remove_ignored(fx):
    path, off = fx.edit(EXP, '[metrics]\nweekly = ["brand_new$0", "lonely"]\n\n[metrics.lonely]\nselect_expression = "1"\n'
                             'data_source = "main"\nexposure_basis = ["x"]\n')
    text = fx.text(EXP)
    define = next(a for a in _fixes(fx, EXP, off) if a.title == "Define metric `brand_new` here")
    (edit,) = define.edits[path]
    assert edit.start == len(text.rstrip()) and "[metrics.brand_new]" in edit.new_text
    assert "[metrics.brand_new.statistics.bootstrap_mean]" in edit.new_text
    # JET312 on `lonely` (no statistics): add one after its table
    o = text.index('"lonely"') + 1
    add = next(a for a in _fixes(fx, EXP, o) if a.title.startswith("Add a statistic"))
    assert "[metrics.lonely.statistics.bootstrap_mean]" in add.edits[path][0].new_text
    # the same as a refactor anywhere in a metric table without statistics
    o = text.index("select_expression")
    assert any(a.kind == "refactor" for a in code_actions(fx.ws, path, o, o, []))
    # an ignored key: remove it, or replace it with the key probably meant
    k = text.index("exposure_basis")
    acts = _fixes(fx, EXP, k)
    rm = next(a for a in acts if a.title == "Remove `exposure_basis`")
    (e,) = rm.edits[path]
    assert text[e.start : e.end] == 'exposure_basis = ["x"]\n'
    assert any(a.title == "Replace with `analysis_bases`" for a in acts)


def _apply_fix(fx, rel, action) -> str:
    """The file's text after the action's edits (which all land in `rel`)."""
    path = fx.path(rel)
    assert set(action.edits) == {path}
    text = fx.text(rel)
    for e in sorted(action.edits[path], key=lambda e: e.start, reverse=True):
        text = text[: e.start] + e.new_text + text[e.end :]
    tomllib.loads(text)  # still valid TOML
    return text


def test_a_fix_that_would_write_a_duplicate_key_is_not_offered(fx):
    # JET102's did-you-mean onto a key the table already has: only the removal is left
    path, off = fx.edit(EXP, "[experiment]\nenrollment_period = 7\nenrolment_peri$0od = 3\n")
    titles = [a.title for a in _fixes(fx, EXP, off)]
    assert "Remove `enrolment_period`" in titles
    assert not any(t.startswith("Replace with") for t in titles)
    # JET104 `days28` next to `28_day`
    path, off = fx.edit(EXP, '[metrics]\n28_day = ["active_hours"]\nday$0s28 = ["active_hours"]\n')
    titles = [a.title for a in _fixes(fx, EXP, off)]
    assert "Remove `days28`" in titles and "Replace with `28_day`" not in titles
    # without the clash, the replacement is offered
    path, off = fx.edit(EXP, "[experiment]\nenrolment_peri$0od = 3\n")
    assert "Replace with `enrollment_period`" in [a.title for a in _fixes(fx, EXP, off)]


@pytest.mark.parametrize(
    "text",
    [
        # `statistics` written as an inline table
        'weekly = ["mine"]\n[metrics.mine]\nselect_expression = "SUM(1)"\ndata_source = "clients_daily"\n'
        "statistics = {}\n",
        # the whole metric as an inline table
        '[metrics]\nweekly = ["mine"]\nmine = { select_expression = "SUM(1)", data_source = "clients_daily" }\n',
    ],
    ids=["inline-statistics", "inline-metric"],
)
def test_add_a_statistic_writes_into_an_inline_table(fx, text):
    text = text if text.startswith("[metrics]") else "[metrics]\n" + text
    path, _ = fx.edit(EXP, text.replace('["mine"]', '["mi$0ne"]'))
    (add,) = [a for a in _fixes(fx, EXP, fx.offset_of(EXP, '"mine"') + 1) if a.title.startswith("Add a statistic")]
    fixed = _apply_fix(fx, EXP, add)
    assert "bootstrap_mean = {}" in fixed and "[metrics.mine.statistics" not in fixed
    fx.edit(EXP, fixed + "$0")
    codes = {d.code for d in check_file(fx.ws, path).diagnostics}
    assert "JET312" not in codes and "JET001" not in codes and "JET002" not in codes


def test_add_to_a_window_keeps_the_last_items_comment_and_writes_a_missing_metrics_table(fx):
    path, _ = fx.edit(
        EXP,
        '[metrics]\nweekly = [\n  "active_hours",  # the usual\n]\n\n[metrics.unu$0sed]\n'
        'select_expression = "SUM(1)"\ndata_source = "clients_daily"\n',
    )
    add = next(a for a in _fixes(fx, EXP, fx.offset_of(EXP, "unused")) if a.title.startswith("Add `unused` to the `weekly`"))
    assert '  "active_hours",  # the usual\n  "unused",\n]' in _apply_fix(fx, EXP, add)
    # no `[metrics]` table at all: one is written above the metric's section
    path, _ = fx.edit(EXP, '[experiment]\nenrollment_period = 7\n\n[metrics.unu$0sed]\nselect_expression = "SUM(1)"\n'
                           'data_source = "clients_daily"\n')
    add = next(a for a in _fixes(fx, EXP, fx.offset_of(EXP, "unused")) if a.title.startswith("Add `unused` to the `weekly`"))
    fixed = _apply_fix(fx, EXP, add)
    assert '[metrics]\nweekly = ["unused"]\n\n[metrics.unused]' in fixed
    fx.edit(EXP, fixed + "$0")
    assert "JET534" not in {d.code for d in check_file(fx.ws, path).diagnostics}


def test_rendered_sql(fx):
    p = fx.path(EXP)
    slug, sql = rendered_sql(fx.ws, p, fx.offset_of(EXP, "active_hours") + 1)
    assert slug == "active_hours"
    assert sql == "SELECT\n    COALESCE(SUM(active_hours_sum), 0) AS active_hours\nFROM mozdata.telemetry.clients_daily"
    out = "jetstream/outcomes/firefox_desktop/networking.toml"
    slug, sql = rendered_sql(fx.ws, fx.path(out), fx.offset_of(out, "AVG"))
    assert slug == "dns_lookup_time" and "-- abc" in sql and "main_1pct" in sql


# --------------------------------------------------------------------------------------------
# symbols, folding, semantic tokens
# --------------------------------------------------------------------------------------------


def test_document_symbols_shape(fx):
    syms = document_symbols(fx.ws, fx.path(EXP))
    assert [(s.name, s.kind) for s in syms] == [("experiment", "table"), ("metrics", "table")]
    metrics = syms[1]
    assert [(c.name, c.kind) for c in metrics.children] == [("weekly", "window"), ("overall", "window"), ("my_metric", "metric")]
    mm = metrics.children[2]
    assert mm.detail == "My metric"
    assert [(c.name, c.kind) for c in mm.children] == [("bootstrap_mean", "statistic")]
    assert mm.start <= mm.children[0].start and mm.children[0].end <= mm.end
    syms = document_symbols(fx.ws, fx.path("definitions/firefox_desktop.toml"))
    kinds = {(c.name, c.kind) for s in syms for c in s.children}
    assert ("active_hours", "metric") in kinds and ("clients_daily", "data_source") in kinds
    seg = next(s for s in syms if s.name == "segments")
    assert {(c.name, c.kind) for c in seg.children} == {("regular_users_v3", "segment"), ("clients_last_seen", "segment_data_source")}


def test_workspace_symbols(fx):
    got = workspace_symbols(fx.ws, "active")
    assert got[0].name == "active_hours" and got[0].kind == "metric"
    assert any(s.kind == "outcome" and s.name == "networking" for s in workspace_symbols(fx.ws, "netw"))


def test_folding_ranges(fx):
    rs = folding_ranges(fx.ws, fx.path("definitions/firefox_desktop.toml"))
    assert (0, 6, "region") in [(r.start_line, r.end_line, r.kind) for r in rs]  # [metrics.active_hours]
    assert (2, 4, "region") in [(r.start_line, r.end_line, r.kind) for r in rs]  # the multi-line description
    path, _ = fx.edit(EXP, "# one\n# two\n# three\n[metrics]\nweekly = [\n  \"a\",\n  \"b\",\n]\n$0")
    rs = [(r.start_line, r.end_line, r.kind) for r in folding_ranges(fx.ws, path)]
    assert (0, 2, "comment") in rs and (4, 7, "region") in rs and (3, 7, "region") in rs


def test_semantic_tokens(fx):
    p = fx.path(EXP)
    text = fx.text(EXP)
    toks = [(text[s:e], t, m) for s, e, t, m in tokens(fx.ws, p)]
    assert ("active_hours", "variable", ()) in toks
    assert ("my_metric", "variable", ("definition",)) in toks
    assert ("clients_daily", "type", ()) in toks
    assert ("regular_users_v3", "enumMember", ()) in toks
    assert ("{{", "macro", ()) in toks and ("}}", "macro", ()) in toks and ("agg_sum", "function", ()) in toks
    assert all(t in TOKEN_TYPES for _, t, _ in toks) and all(set(m) <= set(MODIFIERS) for _, _, m in toks)
    data = encode(fx.ws, p)
    assert len(data) == 5 * len(toks)


# --------------------------------------------------------------------------------------------
# the real corpus
# --------------------------------------------------------------------------------------------


def _corpus() -> Path | None:
    return find("metric-hub")


def test_definition_in_real_corpus():
    root = _corpus()
    if root is None:
        pytest.skip("metric-hub corpus not available")
    from jetls.workspace import Workspace

    ws = Workspace.load(str(root))
    desktop = str(root / "definitions" / "firefox_desktop.toml")
    exp = None
    for p, f in sorted(ws.files.items()):
        rel = os.path.relpath(p, root)
        if rel.startswith("jetstream/") and rel.count("/") == 1 and '"active_hours"' in f.text:
            exp = f
            break
    assert exp is not None
    off = exp.text.index('"active_hours"') + 2
    locs = definition(ws, exp.path, off)
    hits = [loc for loc in locs if loc.path == desktop]
    assert hits, locs
    text = ws.files[desktop].text
    line = text[text.rfind("\n", 0, hits[0].start) + 1 : text.find("\n", hits[0].start)]
    assert line.strip() == "[metrics.active_hours]"
    assert text[hits[0].start : hits[0].end] == "active_hours"


def test_completion_offers_exactly_the_slugs_that_resolve():
    """On real files: every slug completion offers resolves from that file, and a slug defined
    elsewhere in the workspace that completion does not offer does not resolve there."""
    from jetls.workspace import Workspace
    from jetls.workspace.scope import MISSING, UNATTACHED, scope_of

    root = _corpus()
    if root is None:
        pytest.skip("metric-hub corpus not found")
    ws = Workspace.load(root)
    idx = ws.index
    for f in list(ws.files.values())[::9]:
        scope = scope_of(ws, f.path)
        for kind in ("metric", "data_source", "segment", "segment_data_source", "function", "outcome"):
            offered = scope.visible(kind)
            for slug in offered:
                assert scope.resolve(kind, slug).status != MISSING, (f.info.rel, kind, slug)
            others = {s for (k, s) in idx._defs if k == kind} - set(offered)
            for slug in sorted(others)[:40]:
                assert scope.resolve(kind, slug).status in (MISSING, UNATTACHED), (f.info.rel, kind, slug)


# -- completion gaps (issue 15) ------------------------------------------------------------------


def test_completion_before_an_item_of_a_filled_list_inserts_a_new_item(fx):
    path, off = fx.edit(EXP, '[experiment]\noutcomes = [$0"networking"]\n')
    (item,) = complete(fx.ws, path, off)
    assert item.label == "networking" and item.insert_text == '"networking", '


def test_completion_of_pre_treatment_keys_follows_its_name(fx):
    path, off = fx.edit(EXP, '[metrics.x.statistics.bootstrap_mean]\npre_treatments = [{name = "log", $0}]\n')
    assert labels(complete(fx.ws, path, off)) == ["base"]
    path, off = fx.edit(EXP, '[metrics.x.statistics.bootstrap_mean]\npre_treatments = [{$0}]\n')
    assert labels(complete(fx.ws, path, off)) == ["name"]
    path, off = fx.edit(EXP, '[metrics.x.statistics.bootstrap_mean]\npre_treatments = [{name = "$0"}]\n')
    assert "censor_highest_values" in labels(complete(fx.ws, path, off))


def test_completion_in_jetls_directives(fx):
    path, off = fx.edit(EXP, "# jetls: platform=fe$0\n[experiment]\n")
    items = complete(fx.ws, path, off)
    assert "fenix" in labels(items) and items[0].replace_span == (off - 2, off)
    path, off = fx.edit(EXP, "# jetls: $0\n")
    assert labels(complete(fx.ws, path, off)) == ["disable", "disable-file", "platform", "kind"]
    path, off = fx.edit(EXP, "[metrics]\nweekly = []  # jetls: disable=JET20$0\n")
    assert "JET201" in labels(complete(fx.ws, path, off))


def test_completion_of_a_table_value_and_of_top_level_tables(fx):
    path, off = fx.edit(EXP, "[experiment]\nexposure_signal = $0\n")
    (item,) = complete(fx.ws, path, off)
    assert item.insert_text.startswith('{ name = "$1"') and "select_expression" in item.insert_text
    path, off = fx.edit(EXP, "$0")
    items = complete(fx.ws, path, off)
    assert next(i for i in items if i.label == "experiment").insert_text == "[experiment]\n$0"
    skeleton = next(i for i in items if i.label == "[metrics.slug]")
    assert skeleton.insert_text.startswith('[metrics]\nweekly = ["${1:slug}"]')  # listed: no JET534 after it
    path, off = fx.edit(EXP, "[metrics]\nweekly = []\n\n$0")
    assert not next(i for i in complete(fx.ws, path, off) if i.label == "[metrics.slug]").insert_text.startswith("[metrics]\n")


def test_completion_details_keep_whole_first_sentences_and_deprecated_metrics_rank_last(fx):
    path, off = fx.edit(EXP, "[$0")
    details = {i.label: i.detail for i in complete(fx.ws, path, off)}
    assert "[segments.<slug>]" in details["segments"]
    path, off = fx.edit(EXP, '[metrics]\nweekly = ["$0"]\n')
    items = complete(fx.ws, path, off)
    old = next(i for i in items if i.label == "days_of_use")
    assert old.deprecated and old.sort_text > max(i.sort_text for i in items if not i.deprecated)


def test_hover_on_a_pre_treatment_name_in_an_inline_table(fx):
    path, off = fx.edit(EXP, '[metrics.x.statistics.bootstrap_mean]\npre_treatments = [{name = "lo$0g"}]\n')
    assert hover(fx.ws, path, off).markdown.startswith("**`log`** — pre-treatment")


def test_workspace_symbols_match_words_in_order(fx):
    names = [s.name for s in workspace_symbols(fx.ws, "activ hours")]
    assert names[0] == "active_hours"
    assert [s.name for s in workspace_symbols(fx.ws, "URIs visited")] == ["uri_count"]  # its friendly name
