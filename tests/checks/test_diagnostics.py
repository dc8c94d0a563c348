"""Data-driven diagnostics: expectations are written under the offending text (see fixture.py)."""

from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from jetls_fixture import check_fixture

from jetls.options import Options

EXP = "jetstream/my-experiment.toml"

CASES = {
    "analysis_units": (
        "jetstream/my-experiment.toml",
        """
        [data_sources.events_small]
        from_expression = "t"
        analysis_units = ["client_id"]
        [metrics]
        weekly = ["m", "ok"]
        [metrics.m]
        select_expression = "SUM(1)"
        data_source = "events_small"
        analysis_units = ["profile_group_id", "client_id"]
        #                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error JET520 supports only `client_id`, not `profile_group_id`
        [metrics.m.statistics.bootstrap_mean]
        [metrics.ok]
        select_expression = "SUM(1)"
        data_source = "clients_daily"
        analysis_units = ["profile_group_id"]
        [metrics.ok.statistics.bootstrap_mean]
    """,
    ),
    "toml_syntax_and_semantics": (
        "jetstream/my-experiment.toml",
        """
        [experiment]
        enrollment_period = 7
        enrollment_period = 8
        #^^^^^^^^^^^^^^^^ error JET002 duplicate key
        [metrics]
        weekly = ["active_hours"
        #        ^ error JET001 unclosed array
    """,
    ),
    "range_and_notes": (
        "jetstream/my-experiment.toml",
        """
        [experiment]
        enrollment_period = -3
        #                   ^^ warning JET114 at least 1
        skip = true
        #      ^^^^ information JET535 does not analyse
        [experiment.exposure_signal]
        name = "e"
        friendly_name = "E"
        description = "d"
        data_source = "clients_daily"
        select_expression = "TRUE"
        window_end = 0
        #            ^ information JET503 last enrollment date
        [segments.data_sources.sds]
        from_expression = "t"
        default_dataset = "x"
        #^^^^^^^^^^^^^^ warning JET115 no effect on segment data sources
    """,
    ),
    "element_types": (
        "jetstream/my-experiment.toml",
        """
        [experiment]
        segments = [1]
        #           ^ error JET116 must be a string, not an integer
    """,
    ),
    "shadow_covariate_unused": (
        "jetstream/my-experiment.toml",
        """
        [data_sources.clients_daily]
        #             ^^^^^^^^^^^^^ hint JET209 replaces the predefined data source
        from_expression = "my.table"
        [metrics]
        weekly = ["r"]
        preenrollment_weekly = ["r"]
        [metrics.r]
        depends_on = ["active_hours"]
        [metrics.r.statistics.linear_model_mean]
        covariate_adjustment = {period = "preenrollment_week"}
        #^^^^^^^^^^^^^^^^^^^ error JET310 cannot be covariate-adjusted
        [metrics.unused]
        #        ^^^^^^ hint JET534 not listed in any window
        select_expression = "SUM(1)"
        data_source = "clients_daily"
    """,
    ),
    "stray_outcome": (
        "jetstream/outcomes/stray.toml",
        """
        [metrics]
        #^^^^^^^^ warning JET531 without a platform directory
        weekly = []
    """,
    ),
    "templates_in_check": (
        "jetstream/my-experiment.toml",
        """
        [metrics]
        weekly = ["m", "n"]
        [metrics.m]
        select_expression = '{{ agg_sum("x" }}'
        #                                   ^ error JET401 Jinja syntax error
        data_source = "clients_daily"
        [metrics.m.statistics.bootstrap_mean]
        [metrics.n]
        select_expression = '{{ parameters.nope }} {{ agg_sum("a", "b") }} {{ foo }}'
        #                                  ^^^^ error JET404 not declared
        #                                             ^^^^^^^^^^^^^^^^^ error JET405 exactly one argument
        #                                                                     ^^^ error JET403 'foo' is undefined
        data_source = "clients_daily"
        [metrics.n.statistics.bootstrap_mean]
        [experiment.exposure_signal]
        name = "e"
        friendly_name = "E"
        description = "d"
        data_source = "clients_daily"
        select_expression = '{{ agg_any("x") }}'
        #                    ^^^^^^^^^^^^^^^^^^ warning JET407 is not rendered
    """,
    ),
    "unknown_metric": (
        EXP,
        """
        [metrics]
        weekly = ["active_hour"]
        #          ^^^^^^^^^^^ error JET201 unknown metric `active_hour`
    """,
    ),
    "metric_other_platform": (
        EXP,
        """
        [experiment]
        enrollment_period = 7
        [metrics]
        weekly = ["fenix_onl"]
        #          ^^^^^^^^^ error JET201 unknown metric
    """,
    ),
    "outcome_only_metric": (
        EXP,
        """
        [metrics]
        weekly = ["dns_lookup_time"]
        #          ^^^^^^^^^^^^^^^ information JET202 resolves only if Experimenter attaches outcome networking
    """,
    ),
    "attached_outcome": (
        EXP,
        """
        [experiment]
        outcomes = ["networking"]
        [metrics]
        weekly = ["dns_lookup_time"]
    """,
    ),
    "unknown_outcome": (
        EXP,
        """
        [experiment]
        outcomes = ["networkin"]
        #            ^^^^^^^^^ error JET208 doesn't support the platform
    """,
    ),
    "partial_no_predefined": (
        EXP,
        """
        [metrics]
        weekly = ["gone"]
        #          ^^^^ error JET203 No default definition found
        [metrics.gone.statistics.bootstrap_mean]
    """,
    ),
    "no_statistics": (
        EXP,
        """
        [metrics]
        weekly = ["no_stats"]
        #          ^^^^^^^^ error JET312 no statistics
    """,
    ),
    "depends_on": (
        EXP,
        """
        [metrics]
        weekly = ["ratio"]
        [metrics.ratio]
        depends_on = ["active_hours", "nope", "no_stats"]
        #                              ^^^^ error JET204 unknown upstream metric
        #                                      ^^^^^^^^ error JET313 has no statistics
        [metrics.ratio.statistics.population_ratio]
        numerator = "active_hours"
        denominator = "days_of_use"
        #              ^^^^^^^^^^^ warning JET311 not in `depends_on`
    """,
    ),
    "data_source_unknown": (
        EXP,
        """
        [metrics]
        weekly = ["m"]
        [metrics.m]
        select_expression = "SUM(1)"
        data_source = "clients_dail"
        #              ^^^^^^^^^^^^ error JET205 did you mean `clients_daily`
        statistics = { bootstrap_mean = {} }
    """,
    ),
    "segments": (
        EXP,
        """
        [experiment]
        segments = ["regular_users_v3", "irregular"]
        #                                ^^^^^^^^^ error JET206 unknown segment
        [segments.mine]
        select_expression = "TRUE"
        data_source = "nowhere"
        #              ^^^^^^^ warning JET207 unknown segment data source
        [segments.data_sources.sds]
        from_expression = "t"
        window_start = 7
        #              ^ error JET504 after `window_end`
        window_end = 0
    """,
    ),
    "unknown_keys": (
        EXP,
        """
        [experiment]
        enrollment_periodd = 7
        #^^^^^^^^^^^^^^^^^ warning JET102 did you mean `enrollment_period`
        enrollment_end_date = "2024-01-01"
        #^^^^^^^^^^^^^^^^^^ warning JET104 enrollment_period
        [metrics]
        days28 = ["active_hours"]
        #^^^^^ warning JET104 `28_day`
    """,
    ),
    "top_level": (
        EXP,
        """
        Metrics = 1
        #^^^^^^ error JET101 did you mean `metrics`
    """,
    ),
    "types": (
        EXP,
        """
        [experiment]
        enrollment_period = "abc"
        #                   ^^^^^ error JET105 invalid literal for int()
        sample_size = 10.5
        #             ^^^^ warning JET106 truncated
        skip = "false"
        #      ^^^^^^^ warning JET107 means **true**
        segments = "regular_users_v3"
        #          ^^^^^^^^^^^^^^^^^^ error JET105 character by character
        start_date = "2024/01/01"
        #             ^^^^^^^^^^ error JET109 YYYY-MM-DD
        analysis_unit = "client"
        #                ^^^^^^ error JET108 not a valid
    """,
    ),
    "mixed_array": (
        EXP,
        """
        [metrics]
        weekly = ["active_hours", 1]
        #                         ^ error JET003 rejects it
    """,
    ),
    "windows": (
        EXP,
        """
        [metrics]
        monthly = ["active_hours"]
        #^^^^^^ error JET112 not a window
    """,
    ),
    "outcome_windows": (
        "jetstream/outcomes/firefox_desktop/o.toml",
        """
        description = "d"
        #^^^^^^^^^^^^^^^^ error JET110 requires `friendly_name`
        [metrics]
        weekly = ["active_hours"]
        #^^^^^ error JET112 outcomes cannot have window lists
    """,
    ),
    "statistics": (
        EXP,
        """
        [metrics]
        weekly = ["m"]
        [metrics.m]
        select_expression = "SUM(1)"
        data_source = "clients_daily"
        [metrics.m.statistics.bootstrap_meen]
        #                     ^^^^^^^^^^^^^^ error JET301 did you mean `bootstrap_mean`
        [metrics.m.statistics.binomial]
        ci_width = 0.9
        #^^^^^^^ error JET302 unexpected keyword argument
        [metrics.m.statistics.population_ratio]
        #                     ^^^^^^^^^^^^^^^^ error JET303 requires `numerator`
        denominator = "x"
        [metrics.m.statistics.linear_model_mean]
        drop_highest = 0
        #              ^ error JET304 must be a float
        [metrics.m.statistics.deciles]
        pre_treatments = ["drop_nulls"]
        #                  ^^^^^^^^^^ error JET305 did you mean `remove_nulls`
        [metrics.m.statistics.sum]
        pre_treatments = ["remove_nulls", {name = "log"}]
        #                                 ^^^^^^^^^^^^^^ error JET003 rejects it
        [metrics.m.statistics.kernel_density_estimate]
        adjust = 2.0
        #        ^^^ error JET309 no longer supported
        [metrics.m.statistics.empirical_cdf]
        pre_treatments = [{name = "censor_values_below_threshold"}]
        #                          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error JET306 requires `threshold`
    """,
    ),
    "covariate": (
        EXP,
        """
        [metrics]
        weekly = ["m"]
        [metrics.m]
        select_expression = "SUM(1)"
        data_source = "clients_daily"
        [metrics.m.statistics.linear_model_mean.covariate_adjustment]
        period = "preenrollment_weekly"
        #         ^^^^^^^^^^^^^^^^^^^^ error JET307 preenrollment_week
        [metrics.m.statistics.per_client_dau_impact.covariate_adjustment]
        period = "preenrollment_week"
        #        ^^^^^^^^^^^^^^^^^^^^ warning JET308 falls back to unadjusted
    """,
    ),
    "templates": (
        EXP,
        """
        [metrics]
        weekly = ["m"]
        [metrics.m]
        select_expression = '{{agg_summ("x")}}'
        #                      ^^^^^^^^ error JET402 did you mean `agg_sum`
        data_source = "clients_daily"
        statistics = { bootstrap_mean = {} }
    """,
    ),
    "sql": (
        EXP,
        """
        [metrics]
        weekly = ["m"]
        [metrics.m]
        select_expression = "SUM(x"
        data_source = "clients_daily"
        statistics = { bootstrap_mean = {} }
    """,
    ),
    "private": (
        EXP,
        """
        [experiment]
        is_private = true
        #^^^^^^^^^ error JET501 requires `dataset_id`
    """,
    ),
    "analysis_unit": (
        EXP,
        """
        # jetls: platform=fenix
        [experiment]
        analysis_unit = "profile_group_id"
        #                ^^^^^^^^^^^^^^^^ error JET502 incompatible
    """,
    ),
    "partial_data_source": (
        EXP,
        """
        [metrics]
        weekly = ["active_hours"]
        [data_sources.clients_daily]
        #             ^^^^^^^^^^^^^ error JET505 no `from_expression`
        client_id_column = "x"
    """,
    ),
    "parameters_dropped": (
        EXP,
        """
        [parameters.message_id]
        #           ^^^^^^^^^^ warning JET506 dropped by Jetstream
        value = "abc"
    """,
    ),
    "parameter_shape": (
        "jetstream/outcomes/firefox_desktop/p.toml",
        """
        friendly_name = "P"
        description = "P"
        [parameters.x]
        distinct_by_branch = true
        default = "y"
        #         ^^^ error JET509 is not a table
        foo = 1
        #^^ error JET103 unknown key
    """,
    ),
    "reference_table_ignored_keys": (
        EXP,
        """
        [metrics]
        weekly = ["active_hours"]
        [metrics.active_hours]
        friendly_name = "AH"
        #^^^^^^^^^^^^ warning JET513 is ignored
    """,
    ),
    "falsy_override": (
        EXP,
        """
        [experiment]
        outcomes = ["networking"]
        [metrics.dns_lookup_time]
        select_expression = "AVG(2)"
        data_source = "clients_daily"
        bigger_is_better = false
        #^^^^^^^^^^^^^^^^^^^^^^^ warning JET536 cannot reset it
        [metrics.dns_lookup_time.statistics.bootstrap_mean]
    """,
    ),
    "opmon_project": (
        "opmon/my-rollout.toml",
        """
        [project]
        name = "My rollout"
        metrics = ["active_hours", "nope_metric", "local_one"]
        #                           ^^^^^^^^^^^ error JET201 "No definition for metric nope_metric."
        [project.population]
        data_source = "clients_dailyy"
        #              ^^^^^^^^^^^^^^ error JET205 did you mean `clients_daily`?
        dimensions = ["os", "nope_dim"]
        #                    ^^^^^^^^ error JET216 "No definition for dimension nope_dim."
        group_by_dimension = "channel"
        #                     ^^^^^^^ error JET217 not listed as dimension, but used for grouping
        [project.metric_groups.g]
        friendly_name = "G"
        metrics = ["active_hours", "not_in_project"]
        #                           ^^^^^^^^^^^^^^ error JET217 part of metric group g but not referenced as project metric
        [dimensions.os]
        select_expression = "os"
        data_source = "clients_daily"
        [metrics.local_one]
        select_expression = "COUNT(*)"
        data_source = "clients_daily"
    """,
    ),
    "wildcard_and_slug": (
        EXP,
        """
        [metrics."*"]
        #        ^^^ warning JET515 wildcard
        statistics = { binomial = {} }
        [metrics.my-metric]
        #        ^^^^^^^^^ warning JET113 silently drops
        select_expression = "SUM(1)"
        data_source = "clients_daily"
    """,
    ),
    "deprecated_metric": (
        EXP,
        """
        [metrics]
        weekly = ["old_metric"]
        #          ^^^^^^^^^^ hint JET215 deprecated
    """,
    ),
    "enrollment_dates": (
        EXP,
        """
        [experiment]
        start_date = "2024-01-01"
        end_date = "2024-01-05"
        #          ^^^^^^^^^^^^ error JET519 longer than the analysis
        enrollment_period = 14
        custom = 1
        #^^^^^ warning JET102 silently ignored
    """,
    ),
    "enrollment_query_unit": (
        EXP,
        """
        [experiment]
        analysis_unit = "client_id"
        enrollment_query = "SELECT profile_group_id AS analysis_id, branch, enrollment_date, num_enrollment_events FROM t"
        #                          ^^^^^^^^^^^^^^^^ error JET517 contains `profile_group_id`
    """,
    ),
    "alerts": (
        "definitions/ads.toml",
        """
        [metrics.m]
        select_expression = "SUM(1)"
        data_source = "d"
        [data_sources.d]
        from_expression = "t"
        [alerts.a]
        #       ^ error JET510 Either 'max' or 'min'
        type = "threshold"
        metrics = ["m", "zz"]
        #                ^^ error JET213 not defined
    """,
    ),
    "functions_shape": (
        "jetstream/definitions/functions.toml",
        """
        [functions.f]
        #          ^ error JET110 requires `definition`
        friendly_name = "F"
    """,
    ),
    "default_metrics": (
        "jetstream/outcomes/firefox_desktop/dm.toml",
        """
        friendly_name = "F"
        description = "D"
        default_metrics = ["x"]
        #^^^^^^^^^^^^^^ error JET101 unexpected top-level key
        #                   ^ error JET214 not defined in this outcome
    """,
    ),
}


def test_a_falsy_value_over_a_truthy_default_is_flagged_not_range_checked(tmp_path):
    # Jetstream keeps `later or earlier`: the merged enrollment_period is the defaults' 7, so the
    # config's 0 has no effect (JET536) and the experiment is not refused (no JET114).
    defaults = {"jetstream/defaults/firefox_desktop.toml": "[experiment]\nenrollment_period = 7\n"}
    check_fixture(
        tmp_path,
        EXP,
        """
        [experiment]
        enrollment_period = 0
        #^^^^^^^^^^^^^^^^^^^^ warning JET536 `enrollment_period` is 7
    """,
        extra=defaults,
    )


@pytest.mark.parametrize("name", list(CASES))
def test_case(tmp_path, name):
    rel, text = CASES[name]
    extra = None
    if name == "alerts":
        # a definitions file with a platform that has nothing else
        pass
    if name == "sql":
        report, ws = check_fixture(tmp_path, rel, text, exact=False)
        assert any(d.code == "JET450" for d in report.diagnostics)
        report2, _ = check_fixture(tmp_path, rel, text, exact=False, options=Options(sql=False))
        assert not any(d.code == "JET450" for d in report2.diagnostics)
        return
    check_fixture(tmp_path, rel, text, extra=extra, exact=name not in ("statistics",))


def test_suppression_and_overrides(tmp_path):
    text = """
        [metrics]
        # jetls: disable=JET201
        weekly = ["active_hour"]
        daily = ["active_hourz"]
        #         ^^^^^^^^^^^^ warning JET201 unknown metric
    """
    check_fixture(tmp_path, EXP, text, options=Options(severity_overrides={"JET201": "warning"}))
    text2 = """
        # jetls: disable-file=JET201
        [metrics]
        weekly = ["active_hour"]
    """
    check_fixture(tmp_path, EXP, text2)
    check_fixture(
        tmp_path,
        EXP,
        """
        [metrics]
        weekly = ["active_hour"]
    """,
        options=Options(severity_overrides={"JET201": "off"}),
    )


def test_a_trailing_suppression_comment_applies_to_its_own_line_only(tmp_path):
    check_fixture(
        tmp_path,
        EXP,
        """
        [metrics]
        weekly = ["active_hour"]  # jetls: disable=JET201
        daily = ["active_hourz"]
        #         ^^^^^^^^^^^^ error JET201 unknown metric
    """,
    )


def test_a_suppression_comment_alone_on_a_line_applies_to_the_next_line(tmp_path):
    check_fixture(
        tmp_path,
        EXP,
        """
        [metrics]
        # jetls: disable=JET201, JET215
        weekly = ["active_hour"]
        daily = ["active_hourz"]
        #         ^^^^^^^^^^^^ error JET201 unknown metric
    """,
    )


def test_directives_that_do_nothing_are_warnings(tmp_path):
    check_fixture(
        tmp_path,
        EXP,
        """
        [metrics]
        weekly = ["active_hour"]  # jetls: disable=JET2O1
        #          ^^^^^^^^^^^ error JET201 unknown metric
        #                                          ^^^^^^ warning JET006 unknown diagnostic code `JET2O1`
        # jetls: disabel=JET201
        #        ^^^^^^^^^^^^^^ warning JET006 unknown jetls directive `disabel`; did you mean `disable`?
        daily = ["active_hourz"]
        #         ^^^^^^^^^^^^ error JET201 unknown metric
        # jetls disable=JET201
        #^^^^^^^^^^^^^^^^^^^^^ warning JET006 with a colon
        overall = ["active_hourz"]
        #           ^^^^^^^^^^^^ error JET201 unknown metric
    """,
    )
    check_fixture(
        tmp_path,
        EXP,
        """
        # jetls: platform=fenixx
        #                 ^^^^^^ warning JET006 unknown platform `fenixx`; did you mean `fenix`?
        [experiment]
        enrollment_period = 7
    """,
        exact=False,
    )


def test_a_directive_that_the_checks_accept_also_sets_the_platform(tmp_path):
    # One grammar for `# jetls:` comments: a spelling that JET006 lets through is one the
    # classification reads (spaces around `=`, upper-case `JETLS`).
    for directive in ("# jetls: platform = fenix", "# JETLS: platform=fenix"):
        report, _ = check_fixture(
            tmp_path,
            EXP,
            f"""
        {directive}
        [experiment]
        enrollment_period = 7
    """,
        )
        assert report.platform == "fenix" and report.platform_source == "directive", directive


def test_platform_info(tmp_path):
    report, ws = check_fixture(
        tmp_path,
        EXP,
        """
        [metrics]
        weekly = ["fenix_only"]
    """,
    )
    assert report.platform == "fenix"
    assert "only defined for fenix" in report.platform_reason and report.platform_source == "inferred"
    assert not [d for d in report.diagnostics if d.severity.label == "information"]  # an inlay hint, not a note
    report, _ = check_fixture(tmp_path, EXP, "[experiment]\nenrollment_period = 7\n", options=Options(platform="fenix"))
    assert report.platform == "fenix"


def test_codes_registry_covers_docs():
    from pathlib import Path

    from jetls.checks import CODES
    from jetls.checks.catalogue import render

    doc = (Path(__file__).resolve().parents[2] / "docs" / "diagnostics.md").read_text()
    for code in CODES:
        assert f'<a id="{code.lower()}"></a>' in doc, code
    assert doc == render(), "docs/diagnostics.md is stale: python -m jetls.checks.catalogue > docs/diagnostics.md"


def test_a_metric_listed_twice_in_a_window(tmp_path):
    report, _ = check_fixture(tmp_path, EXP, """
        [metrics]
        weekly = ["active_hours", "days_of_use", "active_hours"]
        #                                        ^^^^^^^^^^^^^^ warning JET540 listed twice in `weekly`
        overall = ["active_hours"]
    """)
    (d,) = [d for d in report.diagnostics if d.code == "JET540"]
    (fix,) = d.fixes
    ((_, (edit,)),) = fix.edits
    text = (tmp_path / EXP).read_text()
    assert text[: edit.start] + text[edit.end :] == text.replace(', "active_hours"]', "]", 1)


def test_an_invalid_day_says_what_is_wrong(tmp_path):
    check_fixture(tmp_path, EXP, """
        [experiment]
        start_date = "2025-02-30"
        #             ^^^^^^^^^^ error JET109 `2025-02-30` is not a valid date: February 2025 has 28 days
        end_date = "2025-13-01"
        #           ^^^^^^^^^^ error JET109 there is no month 13
    """)
