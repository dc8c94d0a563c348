"""The schema model answers the questions validation, completion and hover ask."""

from __future__ import annotations

import re

import pytest

from jetls.schema import (
    PLATFORMS,
    PRE_TREATMENTS,
    STATISTICS,
    TOP_LEVEL_KEYS,
    WINDOWS,
    Field,
    FileKind,
    Section,
    file_schema,
    lookup,
    pre_treatment_schema,
)

EXP, OUT, DEF = FileKind.EXPERIMENT, FileKind.OUTCOME, FileKind.DEFAULTS


def test_window_key_is_an_array_of_metric_slugs():
    f = lookup(EXP, ("metrics", "weekly"))
    assert isinstance(f, Field)
    assert f.types == ("array",) and f.items == "string" and f.reference == "metric"
    assert not f.ignored
    assert lookup(DEF, ("metrics", "28_day")).reference == "metric"


def test_windows_map_to_internal_periods():
    assert WINDOWS["28_day"] == "days28"
    assert WINDOWS["preenrollment_weekly"] == "preenrollment_week"
    assert set(WINDOWS) == {"daily", "weekly", "28_day", "overall", "preenrollment_weekly", "preenrollment_days28"}


def test_days28_is_a_known_ignored_key_pointing_to_28_day():
    f = lookup(EXP, ("metrics", "days28"))
    assert f.ignored and f.replacement == "28_day" and "28_day" in f.deprecated


def test_outcome_has_no_window_keys():
    metrics = lookup(OUT, ("metrics",))
    assert isinstance(metrics, Section)
    assert not set(WINDOWS) & set(metrics.fields)
    # `weekly` in an outcome is a metric slug whose value must be a table.
    node = lookup(OUT, ("metrics", "weekly"))
    assert isinstance(node, Section) and node.name == "metric"


def test_metric_select_expression_is_a_jinja_sql_expression():
    f = lookup(EXP, ("metrics", "foo", "select_expression"))
    assert f.types == ("string",)
    assert f.template == "jinja" and set(f.template_scope) == {"functions", "parameters"}
    assert f.sql == "expression"
    assert lookup(EXP, ("metrics", "foo", "data_source")).reference == "data_source"


def test_metric_table_keys_are_case_insensitive():
    metric = lookup(EXP, ("metrics", "foo"))
    assert metric.keys_case_insensitive and not metric.required_keys
    assert lookup(EXP, ("metrics", "foo", "Select_Expression")) is lookup(EXP, ("metrics", "foo", "select_expression"))
    assert lookup(EXP, ("metrics", "Weekly")).name == "metric"  # window names are case-sensitive
    assert lookup(EXP, ("Experiment",)) is None  # top level is case-sensitive
    assert lookup(EXP, ("experiment", "Enrollment_Period")) is None


def test_statistic_params():
    p = lookup(EXP, ("metrics", "foo", "statistics", "bootstrap_mean", "num_samples"))
    assert isinstance(p, Field) and p.types == ("integer",) and p.default == 10000
    stat = lookup(EXP, ("metrics", "foo", "statistics", "bootstrap_mean"))
    assert isinstance(stat, Section) and stat.unknown_keys == "error"
    assert set(stat.fields) == {"num_samples", "drop_highest", "confidence_interval", "pre_treatments"}
    assert lookup(EXP, ("metrics", "foo", "statistics", "bootstrap_meanz")) is None
    assert lookup(EXP, ("metrics", "foo", "statistics", "binomial", "ci_width")) is None
    ratio = lookup(OUT, ("metrics", "r", "statistics", "population_ratio"))
    assert set(ratio.required_keys) == {"numerator", "denominator"}
    assert ratio.fields["numerator"].reference == "metric"
    # linear_model_mean.drop_highest must be written as a float; bootstrap_mean's accepts ints.
    assert lookup(EXP, ("metrics", "m", "statistics", "linear_model_mean", "drop_highest")).types == ("float",)
    assert "integer" in lookup(EXP, ("metrics", "m", "statistics", "bootstrap_mean", "drop_highest")).types


def test_covariate_adjustment_uses_internal_period_names():
    period = lookup(DEF, ("metrics", "m", "statistics", "linear_model_mean", "covariate_adjustment", "period"))
    assert period.required and period.enum == ("preenrollment_week", "preenrollment_days28")
    assert not period.enum_matches("preenrollment_weekly")
    assert "preenrollment_weekly" in period.doc  # the hover warns about the gotcha


def test_pre_treatments():
    f = lookup(EXP, ("metrics", "m", "statistics", "deciles", "pre_treatments"))
    assert f.types == ("array",) and set(f.item_types) == {"string", "table"}
    assert set(f.enum) == set(PRE_TREATMENTS) and "drop_nulls" not in f.enum
    log = pre_treatment_schema("log")
    assert log.fields["base"].default == 10.0 and log.fields["name"].required
    assert pre_treatment_schema("censor_values_below_threshold").fields["threshold"].required
    assert pre_treatment_schema("drop_nulls") is None


def test_statistic_vocabularies_by_tool():
    assert set(STATISTICS["jetstream"]) == {
        "bootstrap_mean", "binomial", "deciles", "linear_model_mean", "per_client_dau_impact",
        "population_ratio", "count", "sum", "kernel_density_estimate", "empirical_cdf",
    }
    assert {"percentile", "total_ratio", "mean", "quantile"} <= set(STATISTICS["opmon"])
    assert {"ratio", "rolling_average", "client_count"} <= set(STATISTICS["looker"])
    assert lookup(FileKind.OPMON, ("metrics", "m", "statistics", "percentile", "percentiles")).default == [50, 90, 99]
    assert lookup(FileKind.OPMON, ("metrics", "m", "statistics", "bootstrap_mean")) is None
    assert lookup(FileKind.DEFINITIONS, ("metrics", "m", "statistics", "ratio"), tool="looker") is not None
    assert lookup(FileKind.DEFINITIONS, ("metrics", "m", "statistics", "ratio")) is None  # jetstream default
    anyv = file_schema(FileKind.DEFINITIONS, "any")
    assert anyv.fields["metrics"].entries.fields["statistics"].field("percentile") is not None


def test_root_whitelist_and_ignored_keys_per_kind():
    for kind in (EXP, OUT, DEF, FileKind.DEFINITIONS, FileKind.FUNCTIONS, FileKind.OPMON):
        root = file_schema(kind)
        assert root.unknown_keys == "error" and tuple(root.fields)[: len(TOP_LEVEL_KEYS)] == TOP_LEVEL_KEYS
        # beyond the whitelist: only keys a later parser release added (outcome windows, 2026.10)
        assert all(root.fields[k].since for k in tuple(root.fields)[len(TOP_LEVEL_KEYS) :])
        assert lookup(kind, ("default_metrics",)) is None
    assert set(file_schema(OUT).fields) - set(TOP_LEVEL_KEYS) == set(WINDOWS)
    ign = lambda kind, key: file_schema(kind).fields[key].ignored  # noqa: E731
    assert ign(EXP, "friendly_name") and ign(EXP, "dimensions")
    # experiment parameters are structured (`ParameterSpec.from_dict`: unknown keys fail), then
    # dropped by the analysis: walked for their keys, any value type
    exp_param = file_schema(EXP).fields["parameters"].entries
    assert not ign(EXP, "parameters") and exp_param.unknown_keys == "error"
    assert exp_param.fields["value"].types == ("any",)
    assert not ign(EXP, "experiment") and not ign(EXP, "segments")
    assert ign(OUT, "experiment") and ign(OUT, "segments") and not ign(OUT, "parameters")
    assert file_schema(OUT).fields["friendly_name"].required and file_schema(OUT).fields["description"].required
    assert ign(DEF, "friendly_name") and not ign(DEF, "experiment")
    assert not ign(FileKind.DEFINITIONS, "dimensions") and ign(FileKind.DEFINITIONS, "experiment")
    assert lookup(FileKind.DEFINITIONS, ("metrics", "weekly")).ignored
    fn = file_schema(FileKind.FUNCTIONS)
    assert fn.fields["functions"].required and all(fn.fields[k].ignored for k in TOP_LEVEL_KEYS if k != "functions")
    assert ign(FileKind.OPMON, "segments") and not ign(FileKind.OPMON, "project")
    assert file_schema(FileKind.FEATMON).unknown_keys == "warning"
    assert lookup(FileKind.PLAIN, ("anything", )) is not None


def test_experiment_section():
    assert lookup(EXP, ("experiment", "segments")).reference == "segment"
    assert lookup(EXP, ("experiment", "outcomes")).reference == "outcome"
    sd = lookup(EXP, ("experiment", "start_date"))
    assert set(sd.types) == {"string", "date"} and sd.format == "date"
    eq = lookup(EXP, ("experiment", "enrollment_query"))
    assert eq.template == "jinja" and eq.template_scope == ("experiment",) and eq.sql == "query"
    assert "experiment.slug" in eq.doc and "normandy_slug" in eq.doc
    ss = lookup(EXP, ("experiment", "sample_size"))
    assert ss.types == ("integer",) and ss.coerced_types == ("float",)
    typo = lookup(EXP, ("experiment", "enrollments_query"))
    assert typo.ignored and typo.replacement == "enrollment_query"
    assert lookup(EXP, ("experiment", "analysis_unit")).enum == ("client_id", "profile_group_id")
    es = lookup(EXP, ("experiment", "exposure_signal"))
    assert set(es.required_keys) == {"name", "friendly_name", "description", "data_source", "select_expression"}
    assert es.fields["select_expression"].template is None  # never Jinja-rendered
    ws = es.fields["window_end"]
    assert set(ws.types) == {"integer", "string"} and ws.enum_matches("analysis_window_end")
    assert not ws.enum_matches("analysis_period_end")
    assert lookup(OUT, ("experiment", "enrollment_period")) is None  # ignored wholesale


def test_data_sources_and_segments():
    fe = lookup(EXP, ("data_sources", "x", "from_expression"))
    assert fe.template == "jinja-if-experiment" and fe.format_vars == ("dataset",) and fe.sql == "from"
    ect = lookup(EXP, ("data_sources", "x", "Experiments_Column_Type"))
    assert ect.enum_matches("none") and ect.enum_matches("None") and not ect.enum_matches("Native")
    assert lookup(EXP, ("data_sources", "x", "joins")).entry_key_reference == "data_source"
    assert lookup(EXP, ("data_sources", "x", "joins", "y", "relationship")).enum
    segs = lookup(EXP, ("segments",))
    assert segs.entry_reference == "segment" and "data_sources" in segs.fields
    assert lookup(EXP, ("segments", "data_sources")).entry_reference == "segment_data_source"
    sds = lookup(EXP, ("segments", "data_sources", "clients_last_seen", "from_expression"))
    assert sds.required and sds.template == "jinja" and sds.template_scope == ("experiment",)
    seg = lookup(EXP, ("segments", "regular"))
    assert set(seg.required_keys) == {"select_expression", "data_source"}
    assert seg.fields["data_source"].reference == "segment_data_source"
    assert seg.fields["select_expression"].template_scope == ("functions",)
    assert lookup(EXP, ("segments", "regular", "window_start")).ignored


def test_parameters_functions_dimensions_alerts_project():
    p = lookup(OUT, ("parameters", "message_id"))
    assert p.unknown_keys == "error" and p.keys_case_insensitive
    # `default: str | dict[str, Any]` (`ParameterDefinition`): a branch's value may be any value
    assert set(p.fields["default"].types) == {"string", "table"} and p.fields["default"].values is None
    assert lookup(OUT, ("parameters",)).entry_reference == "parameter"
    d = lookup(FileKind.FUNCTIONS, ("functions", "agg_sum", "definition"))
    assert d.required and d.template == "format" and d.format_vars == ("select_expr",)
    assert lookup(FileKind.DEFINITIONS, ("dimensions", "os", "data_source")).reference == "data_source"
    assert lookup(FileKind.OPMON, ("alerts", "a", "type")).enum == ("ci_overlap", "threshold", "avg_diff")
    assert lookup(FileKind.OPMON, ("project", "population", "channel")).enum == ("nightly", "beta", "release")
    assert lookup(FileKind.OPMON, ("project", "metric_groups", "g", "metrics")).reference == "metric"
    assert lookup(FileKind.OPMON, ("project", "Xaxis")).enum == ("build_id", "submission_date")
    src = lookup(FileKind.FEATMON, ("data_sources", "metrics"))
    assert src.unknown_keys == "error" and src.fields["type"].enum == ("metrics", "events_stream", "clients_daily")


def test_platforms():
    assert PLATFORMS["firefox_desktop"].enrollments_query_type == "normandy"
    assert PLATFORMS["fenix"].app_id == "fenix" and PLATFORMS["fenix"].jetstream_analysable
    assert not PLATFORMS["monitor_cirrus"].jetstream_analysable
    assert sum(p.jetstream_analysable for p in PLATFORMS.values()) == 7


def _all_nodes(node, path=()):
    yield path, node
    if isinstance(node, Section):
        for k, v in node.fields.items():
            yield from _all_nodes(v, (*path, k))
        if node.entries is not None:
            yield from _all_nodes(node.entries, (*path, "<slug>"))


@pytest.mark.parametrize("kind", list(FileKind))
def test_every_node_is_documented_and_well_formed(kind):
    valid_types = {"string", "integer", "float", "boolean", "date", "array", "table", "any"}
    for path, node in _all_nodes(file_schema(kind)):
        assert node.doc.strip(), f"{kind.value}: no doc at {path}"
        # Never copy the documented-but-wrong spellings (spec §6.5) into docs as advice.
        for wrong in ("analysis_period_end", "ci_width", "drop_nulls", "gridsize", "experiment.slug"):
            if wrong in node.doc:
                assert re.search(r"\b(not|no)\b", node.doc), f"{kind.value}: {wrong!r} presented as valid at {path}"
        if isinstance(node, Field):
            assert node.types and set(node.types) <= valid_types, path
            assert set(node.item_types) <= valid_types, path
            if node.enum_docs:
                assert set(node.enum_docs) <= set(node.enum), path
        else:
            assert node.unknown_keys in ("warning", "error"), path
