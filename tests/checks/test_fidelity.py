"""What the reference parser does with configs its own tests (and realistic mistakes) write:
each case cites the parser (`mozilla/metric-hub lib/metric-config-parser/metric_config_parser/`,
`mcp/` below) or Jetstream function that decides it. Expectations are written under the text
(see jetls_fixture.py)."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

from jetls_fixture import check_fixture

EXP = "jetstream/my-experiment.toml"
OUTCOME = "jetstream/outcomes/firefox_desktop/my-outcome.toml"


# -- parameters (`mcp/parameter.py`, `mcp/analysis.py`) -----------------------------------------


def test_parameter_defaults_take_any_value_per_branch_as_ParameterDefinition_types_default(tmp_path):
    # `ParameterDefinition.default: str | dict[str, Any]`, built by `ParameterDefinition(**obj)`
    # without conversion; `generate_select_expression` writes each branch's value with str().
    check_fixture(
        tmp_path,
        OUTCOME,
        """
        friendly_name = "Parameterized"
        description = "An outcome with a parameter per branch"
        [metrics.counted]
        select_expression = "COUNTIF(sample_id = {{ parameters.id }})"
        data_source = "clients_daily"
        [metrics.counted.statistics.bootstrap_mean]
        [parameters.id]
        distinct_by_branch = true
        default.branch_1 = 1
        default.branch_2 = 2
    """,
    )


def test_outcome_parameter_unknown_keys_fail_ParameterDefinition(tmp_path):
    check_fixture(
        tmp_path,
        OUTCOME,
        """
        friendly_name = "Parameterized"
        description = "d"
        [parameters.id]
        default = "700"
        foo = 2
        #^^ error JET103 unexpected keyword argument 'foo'
    """,
    )


def test_experiment_parameters_are_structured_by_ParameterSpec_from_dict_so_unknown_keys_fail(tmp_path):
    # `AnalysisSpec.from_dict` structures `[parameters]` (`ParameterDefinition(**obj)`): an unknown
    # key is a TypeError, even though the analysis then drops the parameters (JET506).
    check_fixture(
        tmp_path,
        EXP,
        """
        [parameters.id]
        #           ^^ warning JET506 dropped by Jetstream
        value = "1"
        foo = 2
        #^^ error JET103 unexpected keyword argument 'foo'
        id.value = 3
        #^ error JET103 unexpected keyword argument 'id'
    """,
    )


def test_experiment_parameter_values_are_never_validated_without_an_outcome_declaring_them(tmp_path):
    # `ParameterDefinition.validate` runs only in `AnalysisSpec._merge_param` (outcome
    # parameters); the analysis drops the config's own (`AnalysisSpec.merge`): no JET509, no JET105.
    check_fixture(
        tmp_path,
        EXP,
        """
        [parameters.q]
        #           ^ warning JET506 dropped by Jetstream
        value = 1
        [parameters.r]
        #           ^ warning JET506 dropped by Jetstream
        distinct_by_branch = true
        value = "x"
    """,
    )


def test_experiment_parameter_merged_with_an_attached_outcome_is_validated_by_merge_parameters(tmp_path):
    # `jetstream validate_config` resolves the config alone too: `merge_outcome` ->
    # `merge_parameters` merges the outcome's `message_id` with the config's and validates it.
    check_fixture(
        tmp_path,
        EXP,
        """
        [experiment]
        outcomes = ["networking"]
        [parameters.message_id]
        #           ^^^^^^^^^^ warning JET506 dropped by Jetstream
        #           ^^^^^^^^^^ error JET509 merged with outcome `networking`
        distinct_by_branch = true
    """,
    )


# -- statistics of metrics no analysis builds (`mcp/metric.py` `MetricsSpec.resolve`) ------------


def test_required_statistic_parameter_follows_the_metric_status_as_MetricsSpec_resolve_builds_only_windows(
    tmp_path,
):
    # `MetricsSpec.resolve` resolves the metrics of the windows only: a metric in no window is
    # never built, and neither are its statistics (Jetstream's `population_ratio(numerator=...)`).
    check_fixture(
        tmp_path,
        EXP,
        """
        [metrics]
        weekly = ["ratio"]
        [metrics.ratio]
        depends_on = ["active_hours", "days_of_use"]
        [metrics.ratio.statistics.population_ratio]
        #                         ^^^^^^^^^^^^^^^^ error JET303 requires `numerator`
        denominator = "active_hours"
        [metrics.unused]
        #        ^^^^^^ hint JET534 not listed in any window
        depends_on = ["active_hours", "days_of_use"]
        [metrics.unused.statistics.population_ratio]
        #                          ^^^^^^^^^^^^^^^^ warning JET303 in no window
        denominator = "active_hours"
    """,
    )


def test_required_statistic_parameter_in_definitions_breaks_only_the_experiments_using_the_metric(tmp_path):
    check_fixture(
        tmp_path,
        "jetstream/definitions/firefox_desktop.toml",
        """
        [metrics.active_hours.statistics.bootstrap_mean]
        [metrics.days_of_use.statistics.bootstrap_mean]
        [metrics.old_metric.statistics.bootstrap_mean]
        [metrics.ratio]
        depends_on = ["active_hours", "days_of_use"]
        [metrics.ratio.statistics.population_ratio]
        #                         ^^^^^^^^^^^^^^^^ warning JET303 any experiment that uses this metric fails
        numerator = "days_of_use"
    """,
    )


# -- wildcard overlays (`mcp/metric.py` `MetricsSpec.merge`, `MetricDefinition.merge`) -----------


def test_wildcard_overlay_in_jetstream_definitions_merges_into_matching_metrics_per_MetricsSpec_merge(tmp_path):
    # `ConfigCollection.merge` merges `jetstream/definitions/P.toml` into `definitions/P.toml`;
    # `MetricsSpec.merge` applies `days_*` to `days_of_use` (not "dropped", not "defines nothing"),
    # and `MetricDefinition.merge` copies its name too; a pattern matching nothing is dropped.
    check_fixture(
        tmp_path,
        "jetstream/definitions/firefox_desktop.toml",
        """
        [metrics.active_hours.statistics.bootstrap_mean]
        [metrics.days_of_use.statistics.bootstrap_mean]
        [metrics.old_metric.statistics.bootstrap_mean]
        [metrics.'days_*'.statistics.deciles]
        #        ^^^^^^^^ warning JET515 merges into `days_of_use`, and the merge also overwrites their name
        [metrics.'nomatch_*']
        #        ^^^^^^^^^^^ warning JET515 matches no metric of `definitions/firefox_desktop.toml`
        category = "x"
        [data_sources.'*']
        experiments_column_type = "none"
    """,
    )


# -- `name` in a metric table (`mcp/metric.py` `MetricsSpec.from_dict`: `{"name": slug, **table}`) --


def test_metric_name_key_replaces_the_slug_as_MetricsSpec_from_dict_builds_name_slug_first(tmp_path):
    # A full definition is built under `name` (`MetricDefinition.resolve`: `Metric(name=self.name)`);
    # a statistics-only table is looked up by it (`configs.get_metric_definition(self.name, …)`).
    check_fixture(
        tmp_path,
        EXP,
        """
        [metrics]
        weekly = ["restores", "active_hours", "days_of_use", "same"]
        [metrics.restores]
        select_expression = "SUM(1)"
        data_source = "clients_daily"
        name = "Session Restore Enabled"
        #^^^ error JET521 no SQL identifier
        [metrics.restores.statistics.bootstrap_mean]
        [metrics.same]
        select_expression = "SUM(1)"
        data_source = "clients_daily"
        name = "same"
        [metrics.same.statistics.bootstrap_mean]
        [metrics.active_hours]
        name = "Active Hours"
        #^^^ error JET521 No default definition found for referenced metric Active Hours
        [metrics.active_hours.statistics.deciles]
        [metrics.days_of_use]
        name = "active_hours"
        #^^^ warning JET521 adds its statistics and options to metric `active_hours`, not to `days_of_use`
        [metrics.days_of_use.statistics.deciles]
    """,
    )


def test_metric_name_key_in_definitions_renames_the_metric_for_every_experiment(tmp_path):
    check_fixture(
        tmp_path,
        "definitions/firefox_desktop.toml",
        """
        [metrics.active_hours]
        select_expression = "SUM(active_hours_sum)"
        data_source = "clients_daily"
        name = "Active hours"
        #^^^ warning JET521 in every experiment that uses it
        [metrics.days_of_use]
        select_expression = "COUNT(submission_date)"
        data_source = "clients_daily"
        name = "days_of_use"
        [data_sources.clients_daily]
        from_expression = "mozdata.telemetry.clients_daily"
    """,
    )


# -- cycles (`mcp/metric.py` `MetricDefinition.resolve`, `mcp/data_source.py` `DataSourceDefinition.resolve`) --


def test_depends_on_cycle_recurses_in_MetricDefinition_resolve(tmp_path):
    # Upstream metrics resolve in the definitions first (`configs.get_metric_definition`), then in
    # the spec: `active_hours` depending on itself reaches the predefined `active_hours`, no cycle.
    check_fixture(
        tmp_path,
        EXP,
        """
        [metrics]
        weekly = ["a", "x", "active_hours"]
        [metrics.a]
        depends_on = ["b"]
        #              ^ error JET218 `b` → `a` → `b`
        [metrics.a.statistics.bootstrap_mean]
        [metrics.b]
        depends_on = ["a"]
        #              ^ error JET218 RecursionError
        [metrics.b.statistics.bootstrap_mean]
        [metrics.x]
        depends_on = ["x"]
        #              ^ error JET218 (`x` → `x`)
        [metrics.x.statistics.bootstrap_mean]
        [metrics.active_hours]
        #        ^^^^^^^^^^^^ hint JET209 replaces the predefined metric
        depends_on = ["active_hours"]
        [metrics.active_hours.statistics.bootstrap_mean]
        [metrics.unused]
        depends_on = ["unused"]
        #              ^^^^^^ warning JET218 in no window
        [metrics.unused.statistics.bootstrap_mean]
    """,
    )


def test_depends_on_cycle_in_definitions_breaks_the_experiments_using_it(tmp_path):
    check_fixture(
        tmp_path,
        "jetstream/definitions/firefox_desktop.toml",
        """
        [metrics.active_hours.statistics.bootstrap_mean]
        [metrics.days_of_use.statistics.bootstrap_mean]
        [metrics.old_metric.statistics.bootstrap_mean]
        [metrics.p]
        depends_on = ["q"]
        #              ^ warning JET218 every experiment that uses the metric
        [metrics.q]
        depends_on = ["p"]
        #              ^ warning JET218 every experiment that uses the metric
    """,
    )


def test_join_cycle_recurses_in_DataSourceDefinition_resolve(tmp_path):
    # the parser's own `test_data_source_joins_circular_dependency`
    check_fixture(
        tmp_path,
        "definitions/firefox_desktop.toml",
        """
        [data_sources.baseline]
        from_expression = "mozdata.telemetry.baseline"
        experiments_column_type = "simple"
        [data_sources.metrics]
        from_expression = "mozdata.telemetry.metrics"
        experiments_column_type = "simple"
        [data_sources.baseline.joins.metrics]
        #                            ^^^^^^^ error JET218 (`metrics` → `baseline` → `metrics`)
        [data_sources.metrics.joins.baseline]
        #                           ^^^^^^^^ error JET218 (`baseline` → `metrics` → `baseline`)
        [data_sources.clients_daily]
        from_expression = "mozdata.telemetry.clients_daily"
        [data_sources.clients_daily.joins.baseline]
        #                                 ^^^^^^^^ error JET218 leads into a cycle of joins
    """,
    )


# -- OpMon (`mcp/data_source.py` `render_from_expression`, `mcp/project.py` `ProjectConfiguration`) --


def test_experiment_template_in_an_opmon_data_source_fails_render_from_expression(tmp_path):
    # OpMon resolves data sources with a `ProjectConfiguration`, which has no `experiment`:
    # `render_from_expression(name, expr, None)` raises "no experiment is available".
    check_fixture(
        tmp_path,
        "opmon/my-project.toml",
        """
        [project]
        name = "P"
        platform = "firefox_desktop"
        metrics = ["m"]
        [project.population]
        data_source = "ds"
        [data_sources.ds]
        from_expression = "(SELECT * FROM t WHERE slug = '{{ experiment.normandy_slug }}')"
        #                                                    ^^^^^^^^^^ error JET403 not available for OpMon projects
        [metrics.m]
        select_expression = "SUM(1)"
        data_source = "ds"
        [metrics.m.statistics.sum]
    """,
    )


def test_experiment_template_in_opmon_definitions_fails_render_from_expression(tmp_path):
    check_fixture(
        tmp_path,
        "opmon/definitions/firefox_desktop.toml",
        """
        [data_sources.ds]
        from_expression = "(SELECT * FROM t WHERE d >= '{{ experiment.start_date_str }}')"
        #                                                  ^^^^^^^^^^ error JET403 not available for OpMon projects
    """,
    )


def test_experiment_template_in_a_jetstream_data_source_renders(tmp_path):
    check_fixture(
        tmp_path,
        "jetstream/definitions/firefox_desktop.toml",
        """
        [metrics.active_hours.statistics.bootstrap_mean]
        [metrics.days_of_use.statistics.bootstrap_mean]
        [metrics.old_metric.statistics.bootstrap_mean]
        [data_sources.ds]
        from_expression = "(SELECT * FROM t WHERE d >= '{{ experiment.start_date_str }}')"
    """,
    )


# -- parser releases (`jetls.schema.versions`; the checkout's lib/metric-config-parser) ----------

PARSER_2026_8 = {"lib/metric-config-parser/pyproject.toml": '[project]\nname = "mozilla-metric-config-parser"\nversion = "2026.8.1"\n'}


def test_outcome_root_window_lists_are_read_from_2026_10_by_OutcomeSpec_from_dict(tmp_path):
    # 2026.10: `OutcomeSpec.from_dict` reads per-period lists at the root (not a list: "… should be
    # a list of metrics"); `merge_outcome` then computes only the listed metrics.
    check_fixture(
        tmp_path,
        OUTCOME,
        """
        friendly_name = "Windows"
        description = "An outcome choosing its windows"
        weekly = ["listed", "active_hours", "nope"]
        #                                    ^^^^ error JET201 unknown metric `nope`
        overall = "listed"
        #         ^^^^^^^^ error JET105 "overall should be a list of metrics"
        [metrics.listed]
        select_expression = "SUM(1)"
        data_source = "clients_daily"
        [metrics.listed.statistics.bootstrap_mean]
        [metrics.unlisted]
        #        ^^^^^^^^ warning JET312 in no window
        select_expression = "SUM(1)"
        data_source = "clients_daily"
    """,
    )


def test_outcome_window_lists_under_metrics_still_fail_OutcomeSpec_from_dict(tmp_path):
    check_fixture(
        tmp_path,
        OUTCOME,
        """
        friendly_name = "Windows"
        description = "d"
        [metrics]
        weekly = ["active_hours"]
        #^^^^^ error JET112 list the metrics in `weekly = […]` at the outcome's root
    """,
    )


def test_outcome_root_window_lists_before_2026_10_fail_validate_config_settings(tmp_path):
    # the checkout's parser is 2026.8.1: its whitelist rejects `weekly` at the top level
    check_fixture(
        tmp_path,
        OUTCOME,
        """
        friendly_name = "Windows"
        description = "d"
        weekly = ["active_hours"]
        #^^^^^ error JET117 metric-config-parser 2026.8.1 (from the checkout's `lib/metric-config-parser/pyproject.toml`) rejects it
    """,
        extra=PARSER_2026_8,
    )


def test_the_parser_version_option_overrides_the_checkout(tmp_path):
    from jetls.options import Options

    check_fixture(
        tmp_path,
        OUTCOME,
        """
        friendly_name = "Windows"
        description = "d"
        weekly = ["active_hours"]
    """,
        extra=PARSER_2026_8,
        options=Options(parser_version="2026.10.2"),
    )


def test_aggregation_fields_are_validated_by_MetricDefinition_from_2026_10(tmp_path):
    # `MetricDefinition.__attrs_post_init__`, `Clause.from_dict`, `Threshold.from_dict` run as
    # the file is read: used or not, a refused table is an error.
    check_fixture(
        tmp_path,
        EXP,
        """
        [metrics]
        weekly = ["summed", "flagged", "recent", "both"]
        [metrics.summed]
        aggregation = "sum"
        #^^^^^^^^^^ error JET522 metric 'summed': 'sum' requires a column
        data_source = "clients_daily"
        [metrics.summed.statistics.bootstrap_mean]
        [metrics.flagged]
        aggregation = "count_where"
        data_source = "clients_daily"
        threshold = {op = ">=", value = 3}
        [[metrics.flagged.where]]
        column = "active_hours_sum"
        op = ">"
        value = 0
        [metrics.flagged.statistics.bootstrap_mean]
        [metrics.recent]
        aggregation = "recency_within"
        column = "days_seen_bits"
        within_days = 7
        data_source = "clients_daily"
        [metrics.recent.statistics.bootstrap_mean]
        [metrics.both]
        aggregation = "any"
        column = "x"
        #^^^^^ error JET522 'any' requires exactly one of column or where
        where = [{column = "y", op = "IS NULL"}]
        data_source = "clients_daily"
        [metrics.both.statistics.bootstrap_mean]
        [metrics.unused]
        #        ^^^^^^ hint JET534 not listed in any window
        column = "x"
        #^^^^^ error JET522 require aggregation
        select_expression = "SUM(1)"
        data_source = "clients_daily"
    """,
    )


def test_aggregation_before_2026_10_is_ignored_so_the_metric_has_no_select_expression(tmp_path):
    check_fixture(
        tmp_path,
        EXP,
        """
        [metrics]
        weekly = ["summed"]
        [metrics.summed]
        aggregation = "sum"
        #^^^^^^^^^^ error JET117 has no `select_expression`
        column = "active_hours_sum"
        #^^^^^ warning JET117 ignores it
        data_source = "clients_daily"
        [metrics.summed.statistics.bootstrap_mean]
    """,
        extra=PARSER_2026_8,
    )


# -- platform evidence (Jetstream: the platform is Experimenter's `appName`) ---------------------

IOS_OUTCOME = {
    "jetstream/outcomes/firefox_ios/ios_only.toml": """
        friendly_name = "iOS"
        description = "An outcome only firefox_ios has"
        [metrics.ios_sessions]
        select_expression = "COUNT(*)"
        data_source = "ios_baseline"
        [metrics.ios_sessions.statistics.bootstrap_mean]
        [data_sources.ios_baseline]
        from_expression = "mozdata.firefox_ios.baseline"
    """
}


def test_conflicting_platform_evidence_says_what_each_piece_implies(tmp_path):
    # `AnalysisSpec.resolve`: "Outcome ios_only doesn't support the platform 'firefox_desktop'" on
    # desktop; `MetricReference.resolve`: "Could not locate metric active_hours" on iOS.
    check_fixture(
        tmp_path,
        EXP,
        """
        [experiment]
        outcomes = ["ios_only"]
        #            ^^^^^^^^ error JET532 outcome `ios_only` is only defined for `firefox_ios`, but metric `active_hours`, metric `days_of_use` imply `firefox_desktop`
        [metrics]
        weekly = ["active_hours", "days_of_use"]
    """,
        extra=IOS_OUTCOME,
    )


def test_conflicting_platform_evidence_when_the_outcome_wins_keeps_the_metric_error(tmp_path):
    check_fixture(
        tmp_path,
        EXP,
        """
        [experiment]
        outcomes = ["ios_only"]
        [metrics]
        weekly = ["active_hours"]
        #          ^^^^^^^^^^^^ error JET532 but outcome `ios_only` implies `firefox_ios`: no platform makes this config valid
    """,
        extra=IOS_OUTCOME,
    )


def test_a_chosen_platform_is_no_conflict(tmp_path):
    check_fixture(
        tmp_path,
        EXP,
        """
        # jetls: platform=firefox_desktop
        [experiment]
        outcomes = ["ios_only"]
        #            ^^^^^^^^ error JET208 doesn't support the platform `firefox_desktop`
        [metrics]
        weekly = ["active_hours"]
    """,
        extra=IOS_OUTCOME,
    )


# -- data sources the analysis builds (`mcp/data_source.py`, found against the reference) ---------


def test_dataset_placeholder_needs_default_dataset_whatever_the_app(tmp_path):
    # `DataSource._check_default_dataset_provided_if_needed` formats `from_expression` with no
    # dataset as the data source is built: the app's dataset comes too late to save it.
    check_fixture(
        tmp_path,
        EXP,
        """
        [metrics]
        weekly = ["m"]
        [metrics.m]
        select_expression = "SUM(1)"
        data_source = "qa_ds"
        statistics = { bootstrap_mean = {} }
        [data_sources.qa_ds]
        from_expression = "mozdata.{dataset}.clients_daily"
        #                          ^^^^^^^^^ error JET406 `default_dataset` is not set
    """,
        only={"JET406"},
    )


def test_a_data_source_nothing_uses_is_never_built_so_its_value_errors_are_warnings(tmp_path):
    # `DataSourceDefinition.resolve` builds only the data sources an analysis reads; the enum and
    # `{dataset}` validators of `DataSource` run then.
    check_fixture(
        tmp_path,
        EXP,
        """
        [data_sources.spare]
        from_expression = "mozdata.{dataset}.x"
        #                          ^^^^^^^^^ warning JET406 never builds it
        experiments_column_type = "glen"
        #                          ^^^^ warning JET108 never builds it
    """,
        only={"JET406", "JET108"},
    )


def test_a_data_source_the_exposure_signal_reads_is_used(tmp_path):
    # `ExposureSignal.to_mozanalysis_exposure_signal` resolves its data source: without a
    # `from_expression` it fails like a metric's would.
    check_fixture(
        tmp_path,
        EXP,
        """
        [experiment.exposure_signal]
        name = "x"
        friendly_name = "X"
        description = "d"
        data_source = "sig"
        select_expression = "TRUE"
        window_start = 0
        window_end = "analysis_window_end"
        [data_sources.sig]
        #             ^^^ error JET110 requires `from_expression` when it is used
        from_expresion = "t"
    """,
        only={"JET110"},
    )


def test_dates_are_read_by_strptime_which_takes_unpadded_parts(tmp_path):
    # `mcp/util.py` `parse_date`: `datetime.strptime(value, "%Y-%m-%d")`.
    check_fixture(
        tmp_path,
        EXP,
        """
        [experiment]
        start_date = "2026-2-12"
        end_date = "2026-02-30"
        #           ^^^^^^^^^^ error JET109 February 2026 has 28 days
    """,
        only={"JET109"},
    )


def test_a_data_source_only_an_unattached_outcome_defines_is_a_note(tmp_path):
    # Experimenter may attach the outcome (as for its metrics, JET202).
    check_fixture(
        tmp_path,
        EXP,
        """
        [metrics]
        weekly = ["m"]
        [metrics.m]
        select_expression = "SUM(1)"
        data_source = "outcome_only"
        #              ^^^^^^^^^^^^ information JET205 only defined by the outcome `my-outcome`
        statistics = { bootstrap_mean = {} }
    """,
        extra={
            OUTCOME: """
            friendly_name = "O"
            description = "d"
            [data_sources.outcome_only]
            from_expression = "t"
            """
        },
        only={"JET205"},
    )


def test_a_joins_table_left_behind_makes_a_definitions_data_source_without_from_expression(tmp_path):
    # metric-hub's definitions CI resolves each metric's data source (`DataSourceDefinition.resolve`):
    # `[data_sources.x.joins.y]` alone defines `x` with no `from_expression`.
    check_fixture(
        tmp_path,
        "definitions/fenix.toml",
        """
        [metrics.ads]
        select_expression = "SUM(1)"
        data_source = "ads_daily"
        [data_sources.ads_daily.joins.countries]
        #             ^^^^^^^^^ error JET110 metric `ads` and every experiment using it fail
        relationship = "many_to_one"
        on_expression = "ads_daily.country = countries.code"
        [data_sources.countries]
        from_expression = "t"
    """,
        only={"JET110"},
    )


def test_a_definitions_data_source_nothing_on_the_platform_reads_is_never_built(tmp_path):
    # metric-hub `.script/validate.py` builds each metric's data source
    # (`get_data_source_definition(...).resolve`), Jetstream each config's and outcome's: one
    # that nothing reads is never built, so its validators never run.
    check_fixture(
        tmp_path,
        "definitions/fenix.toml",
        """
        [metrics.m]
        select_expression = "SUM(1)"
        data_source = "read"
        [data_sources.read]
        from_expression = "t"
        experiments_column_type = "glen"
        #                          ^^^^ error JET108 not a valid
        [data_sources.read_by_an_outcome]
        from_expression = "t"
        experiments_column_type = "glen"
        #                          ^^^^ error JET108 not a valid
        [data_sources.unread]
        from_expression = "t"
        experiments_column_type = "glen"
        #                          ^^^^ warning JET108 the reference never builds it
    """,
        extra={
            "jetstream/outcomes/fenix/o.toml": """
            friendly_name = "O"
            description = "d"
            [metrics.x]
            select_expression = "SUM(1)"
            data_source = "read_by_an_outcome"
            statistics = { bootstrap_mean = {} }
            """
        },
        only={"JET108"},
    )
