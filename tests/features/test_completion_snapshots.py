"""Completion, as the editor lists it: label, kind and detail of each item at a cursor (and the
documentation of the first), kept as inline snapshots (`pytest --inline-snapshot=review` /
`=fix`). The cursor is written `$0` in the file's text (see conftest.py)."""

from __future__ import annotations

from inline_snapshot import snapshot

from jetls.features.completion import complete

EXP = "jetstream/my-exp.toml"


def listed(fx, rel: str, text: str, kind: str | None = None, limit: int = 12) -> str:
    path, off = fx.edit(rel, text)
    items = [i for i in complete(fx.ws, path, off) if kind is None or i.kind == kind]
    lines = [f"{i.label}  ({i.kind}{': ' + i.detail if i.detail else ''})" for i in items[:limit]]
    if len(items) > limit:
        lines.append(f"… {len(items) - limit} more")
    return "\n".join(lines)


def test_metrics_of_a_window(fx):
    assert listed(fx, EXP, '[experiment]\nsegments = ["regular_users_v3"]\n[metrics]\nweekly = ["$0', "metric") == (
        snapshot("""\
active_hours  (metric: firefox_desktop · definitions/firefox_desktop.toml)
days_of_use  (metric: firefox_desktop · definitions/firefox_desktop.toml)
uri_count  (metric: firefox_desktop · definitions/firefox_desktop.toml)\
""")
    )


def test_keys_of_the_experiment(fx):
    assert listed(fx, EXP, "[experiment]\nenroll$0\n") == snapshot("""\
enrollment_query  (key: string)
enrollment_period  (key: integer)
reference_branch  (key: string)
start_date  (key: string | date)
end_date  (key: string | date)
segments  (key: array)
outcomes  (key: array)
skip  (key: boolean)
exposure_signal  (key: table)
is_private  (key: boolean)
dataset_id  (key: string)
sample_size  (key: integer)
… 5 more\
""")


def test_statistics(fx):
    assert listed(fx, EXP, "[metrics.x.statistics.$0]\n") == snapshot("""\
bootstrap_mean  (statistic: statistic)
binomial  (statistic: statistic)
deciles  (statistic: statistic)
linear_model_mean  (statistic: statistic)
per_client_dau_impact  (statistic: statistic)
population_ratio  (statistic: statistic)
count  (statistic: statistic)
sum  (statistic: statistic)
kernel_density_estimate  (statistic: statistic)
empirical_cdf  (statistic: statistic)\
""")


def test_values_of_an_enum(fx):
    assert listed(fx, EXP, '[experiment]\nanalysis_unit = "$0"\n') == snapshot("""\
client_id  (enum: analysis_unit)
profile_group_id  (enum: analysis_unit)\
""")


def test_attributes_of_experiment_in_an_enrollment_query(fx):
    assert listed(fx, EXP, "[experiment]\nenrollment_query = '{{ experiment.$0 }}'\n", limit=6) == snapshot("""\
normandy_slug  (experiment_attribute: experiment attribute)
experimenter_slug  (experiment_attribute: experiment attribute)
start_date  (experiment_attribute: experiment attribute)
end_date  (experiment_attribute: experiment attribute)
enrollment_end_date  (experiment_attribute: experiment attribute)
start_date_str  (experiment_attribute: experiment attribute)
… 32 more\
""")


def test_data_sources(fx):
    assert listed(fx, EXP, '[metrics.x]\ndata_source = "$0', "data_source") == snapshot("""\
clients_daily  (data_source: firefox_desktop · definitions/firefox_desktop.toml)
main  (data_source: firefox_desktop · definitions/firefox_desktop.toml)\
""")


def test_segments(fx):
    assert listed(fx, EXP, '[experiment]\nsegments = ["$0', "segment") == snapshot('regular_users_v3  (segment: firefox_desktop · definitions/firefox_desktop.toml)')
