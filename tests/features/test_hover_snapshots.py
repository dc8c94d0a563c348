"""Hover, as the editor shows it: the whole markdown at a cursor, kept as inline snapshots
(`pytest --inline-snapshot=review` shows a changed one, `=fix` rewrites it after a deliberate
change). The cursor is written `$0` in the file's text (see conftest.py)."""

from __future__ import annotations

from inline_snapshot import snapshot

from jetls.features.hover import hover

EXP = "jetstream/my-exp.toml"


def shown(fx, rel: str, text: str) -> str:
    """The hover at `$0`: the hovered text, then the markdown."""
    path, off = fx.edit(rel, text)
    h = hover(fx.ws, path, off)
    if h is None:
        return "(no hover)"
    return f"[{fx.text(rel)[h.start:h.end]}]\n{h.markdown}"


def test_a_metric_in_a_window(fx):
    assert shown(fx, EXP, '[metrics]\nweekly = ["active_h$0ours"]\n') == snapshot("""\
[active_hours]
**Active hours** — metric `active_hours` (firefox_desktop)

Measures the amount of time during which Firefox received user input.

Data source: `clients_daily`

`select_expression`:
```sql
{{agg_sum("active_hours_sum")}}
```

Rendered:
```sql
COALESCE(SUM(active_hours_sum), 0)
```

Merged from, winner first: `jetstream/definitions/firefox_desktop.toml` (Jetstream definitions), `definitions/firefox_desktop.toml` (definitions)\
""")


def test_a_deprecated_metric(fx):
    assert shown(fx, EXP, '[metrics]\nweekly = ["days_of$0_use"]\n') == snapshot("""\
[days_of_use]
**Days of use** — metric `days_of_use` (firefox_desktop)

⚠️ **Deprecated.**

The number of days in the interval that each client sent a main ping.

Data source: `clients_daily`

`select_expression`:
```sql
COUNT(submission_date)
```

Defined in `definitions/firefox_desktop.toml` (definitions)\
""")


def test_a_key_of_the_experiment(fx):
    assert shown(fx, EXP, "[experiment]\nenrollment_per$0iod = 7\n") == snapshot("""\
[enrollment_period]
**`enrollment_period`** — integer

Nominal enrollment length in days (Jetstream uses `enrollment_period + 1` enrollment dates). Default: from Experimenter. `0` means the experiment is not analysed.\
""")


def test_the_experiment_header_names_the_platform(fx):
    assert shown(fx, EXP, '[experim$0ent]\nsegments = ["regular_users_v3"]\n') == snapshot("""\
[experiment]
**`[experiment]`** — experiment settings

Platform: **`firefox_desktop`** — inferred from segment 'regular_users_v3' (only defined for firefox_desktop)

Rules: metric-config-parser **2026.10.2** — the newest release jetls knows (no `lib/metric-config-parser/pyproject.toml`)

Overrides and extensions of the Experimenter record for this experiment. All keys are optional; keys are case-sensitive (`Enrollment_Period` is silently ignored).\
""")


def test_a_statistic(fx):
    assert shown(fx, EXP, "[metrics.x.statistics.bootstr$0ap_mean]\n") == snapshot("""\
[bootstrap_mean]
**`bootstrap_mean`** — statistic (jetstream)

Bayesian bootstrap of the mean per branch, after dropping the top `drop_highest` fraction of values. Results have `statistic = "mean"`.

Parameters:
- `num_samples` (default `10000`): Number of bootstrap resamples. Default `10000`.
- `drop_highest` (default `0.005`): Fraction of the highest values to discard before computing (outlier trimming). Default `0.005`.
- `confidence_interval` (default `0.95`): Width of the credible/confidence interval to report, as a fraction. Default `0.95`.\
""")


def test_an_enum_value(fx):
    assert shown(fx, EXP, '[experiment]\nanalysis_unit = "client$0_id"\n') == snapshot("""\
[client_id]
**`client_id`** — value of `analysis_unit`

Aggregate per client (`client_id`).\
""")


def test_a_function_in_a_template(fx):
    assert shown(fx, EXP, "[metrics.x]\nselect_expression = '{{agg_s$0um(\"x\")}}'\n") == snapshot("""\
[agg_sum]
**Sum** — function `agg_sum`

Calculates the sum of the select expression

`definition`:
```sql
COALESCE(SUM({select_expr}), 0)
```

Defined in `definitions/functions.toml` (functions)\
""")


def test_a_data_source(fx):
    assert shown(fx, EXP, '[metrics.x]\ndata_source = "clients_$0daily"\n') == snapshot("""\
[clients_daily]
**Clients Daily** — data source `clients_daily` (firefox_desktop)

Clients Daily

`from_expression`:
```sql
mozdata.telemetry.clients_daily
```

Defined in `definitions/firefox_desktop.toml` (definitions)\
""")


def test_nothing_on_a_comment(fx):
    assert shown(fx, EXP, "# a comm$0ent\n") == snapshot('(no hover)')
