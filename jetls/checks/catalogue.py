"""Generates docs/diagnostics.md from the rule modules (`jetls.checks.registry`):
`python -m jetls.checks.catalogue > docs/diagnostics.md`."""

from __future__ import annotations

from jetls.checks.codes import CODES
from jetls.checks.registry import RULES

# code -> (minimal example, fix)
EXAMPLES: dict[str, tuple[str, str]] = {
    "JET001": ('[metrics\nweekly = ["a"]', "Close the table header: `[metrics]`."),
    "JET002": ('[experiment]\nskip = true\nskip = false', "Keep one definition of the key or table."),
    "JET004": ("(a 5 MB generated file)", "Split the file; real metric-hub files are far below the limit (the largest is about 100 KB)."),
    "JET005": ("(a generated file with 50 000 errors, open in an editor)", "Fix the first problems, or run `jetls check` on the file to list them all."),
    "JET006": ('weekly = ["x"]  # jetls: disable=JET2O1', "Fix the directive: `# jetls: disable=JET201` (codes are in this catalogue)."),
    "JET003": ('pre_treatments = ["remove_nulls", {name = "log"}]', "Use one element type: all strings or all inline tables."),
    "JET101": ("Metrics = 1", "Use one of the allowed top-level keys (`metrics`)."),
    "JET102": ("[experiment]\nenrollment_periodd = 7", "Fix the spelling (quick fix offers `enrollment_period`)."),
    "JET103": ('[parameters.x]\nfoo = 1', "Remove the key; parameters accept only the documented keys."),
    "JET104": ('[metrics]\ndays28 = ["active_hours"]', "Use `28_day`, or remove the key."),
    "JET105": ('[experiment]\nenrollment_period = "abc"', "Write a value of the documented type."),
    "JET106": ("[experiment]\nsample_size = 10.5", "Write an integer: `sample_size = 10`."),
    "JET107": ('[experiment]\nskip = "false"', "Write a boolean: `skip = false`."),
    "JET108": ('[experiment]\nanalysis_unit = "client"', "Use one of the allowed values (`client_id`)."),
    "JET109": ('[experiment]\nstart_date = "2024/01/01"', 'Write `"2024-01-01"`.'),
    "JET110": ('[experiment.exposure_signal]\nname = "x"', "Add the missing key(s)."),
    "JET112": ('[metrics]\nmonthly = ["active_hours"]', "Use a window name (`weekly`, `28_day`, …); in outcomes define `[metrics.<slug>]` tables."),
    "JET113": ("[metrics.my-metric]", "Use `_` instead of `-`: `[metrics.my_metric]`."),
    "JET114": ("[experiment]\nenrollment_period = 0", "Use a value in range."),
    "JET115": ('[segments.data_sources.s]\ndefault_dataset = "x"', "Remove the key; it has no effect."),
    "JET116": ("[experiment]\nsegments = [1]", "Use elements of the documented type."),
    "JET201": ('[metrics]\nweekly = ["active_hour"]', "Fix the slug, define `[metrics.<slug>]`, or check the file's platform (JET530)."),
    "JET202": ('[metrics]\nweekly = ["dns_lookup_time"]  # defined by outcome networking', "Add the outcome to `[experiment].outcomes`, or make sure Experimenter attaches it."),
    "JET203": ('[metrics]\nweekly = ["gone"]\n[metrics.gone.statistics.bootstrap_mean]', "Give the table `select_expression` and `data_source`, or reference an existing metric."),
    "JET204": ('[metrics.r]\ndepends_on = ["nope"]', "Reference a defined metric."),
    "JET205": ('[metrics.m]\ndata_source = "clients_dail"', "Use a defined data source or define `[data_sources.<slug>]`."),
    "JET206": ('[experiment]\nsegments = ["irregular"]', "Use a defined segment or define `[segments.<slug>]`."),
    "JET207": ('[segments.s]\ndata_source = "nowhere"', "Use a segment data source (`[segments.data_sources.<slug>]`)."),
    "JET208": ('[experiment]\noutcomes = ["networkin"]', "Use an outcome of `jetstream/outcomes/<platform>/`."),
    "JET209": ('[data_sources.clients_daily]\nfrom_expression = "my.table"', "Informational: the local definition wins, also for predefined metrics."),
    "JET213": ('[alerts.a]\ntype = "ci_overlap"\nmetrics = ["zz"]', "Define the metric in the same file."),
    "JET214": ('default_metrics = ["x"]', "Define `[metrics.x]` in the outcome (and note `default_metrics` fails CI: JET101)."),
    "JET215": ('[metrics]\nweekly = ["old_metric"]  # deprecated = true', "Use the replacement metric."),
    "JET216": ('[project.population]\ndimensions = ["os", "nope"]', "Define `[dimensions.nope]` (here or in `definitions/<platform>.toml`), or fix the slug."),
    "JET217": ('[project]\nmetrics = ["a"]\n[project.population]\ngroup_by_dimension = "os"\n[project.metric_groups.g]\nmetrics = ["b"]',
               "List the dimension in `dimensions`, and every metric of a group in `[project].metrics`."),
    "JET301": ("[metrics.m.statistics.bootstrap_meen]", "Use a statistic name (quick fix: `bootstrap_mean`)."),
    "JET302": ("[metrics.m.statistics.binomial]\nci_width = 0.9", "Use `confidence_interval`."),
    "JET303": ('[metrics.m.statistics.population_ratio]\ndenominator = "x"', "Add `numerator`."),
    "JET304": ("[metrics.m.statistics.linear_model_mean]\ndrop_highest = 0", "Write `drop_highest = 0.0`."),
    "JET305": ('pre_treatments = ["drop_nulls"]', "Use `remove_nulls`."),
    "JET306": ('pre_treatments = [{name = "censor_values_below_threshold"}]', "Add `threshold = …`."),
    "JET307": ('covariate_adjustment = {period = "preenrollment_weekly"}', 'Use `"preenrollment_week"`.'),
    "JET308": ('covariate_adjustment = {period = "preenrollment_week"}  # metric not in preenrollment_weekly', "List the metric in `[metrics].preenrollment_weekly`."),
    "JET309": ("[metrics.m.statistics.kernel_density_estimate]\nadjust = 2.0", "Remove `adjust`."),
    "JET310": ('[metrics.r]\ndepends_on = ["a"]\n[metrics.r.statistics.linear_model_mean.covariate_adjustment]', "Remove the covariate adjustment."),
    "JET311": ('depends_on = ["a"]\n[…population_ratio]\nnumerator = "a"\ndenominator = "b"', "Add `b` to `depends_on`."),
    "JET312": ('[metrics]\nweekly = ["no_stats"]', "Add `[metrics.<slug>.statistics.<name>]`."),
    "JET313": ('[metrics.r]\ndepends_on = ["no_stats"]', "Give the upstream metric a statistic."),
    "JET401": ("select_expression = '{{agg_sum(\"x\")'", "Close the tag: `}}`."),
    "JET402": ("select_expression = '{{agg_summ(\"x\")}}'", "Use a function of functions.toml (`agg_sum`)."),
    "JET403": ("from_expression = '{{experiment.slug}}'", "Use `experiment.normandy_slug`."),
    "JET404": ("select_expression = '{{parameters.nope}}'", "Declare the parameter in an attached outcome."),
    "JET405": ("select_expression = '{{agg_sum(\"a\", \"b\")}}'", "Pass exactly one argument."),
    "JET406": ('from_expression = "`p.{dataset}.t`"  # no default_dataset', "Set `default_dataset`, or double literal braces."),
    "JET407": ("[experiment.exposure_signal]\nselect_expression = '{{agg_any(\"x\")}}'", "Write the SQL directly: this field is not rendered."),
    "JET408": ("select_expression = '{{ ''.__class__ }}'", "Remove the unsafe construct."),
    "JET409": ("select_expression = '{{ 1/0 }}'", "Fix the template expression."),
    "JET450": ('select_expression = "SUM(x"', "Fix the SQL (BigQuery dialect)."),
    "JET451": ("enrollment_query = \"EXPORT DATA …\"", "Informational: verify with a BigQuery dry run."),
    "JET452": ('select_expression = "COALESCEE(SUM(x), 0)"', "Use a BigQuery function (quick fix: `COALESCE`)."),
    "JET453": ('select_expression = "NVL(SUM(x), 0)"', "Use BigQuery's equivalent (quick fix: `IFNULL`)."),
    "JET454": ('select_expression = "IF(x > 0, 1)"', "Pass the arguments the function takes: `IF(x > 0, 1, 0)`."),
    "JET455": ('select_expression = "DATE_DIFF(a, b, DAYS)"', "Write a date part keyword: `DAY`."),
    "JET456": ('select_expression = "mozfun.hist.extrct(h)"  # with --bigquery-etl', "Use a routine of the checkout (quick fix: `mozfun.hist.extract`)."),
    "JET457": ('select_expression = "mozfun.map.get_key(m)"  # with --bigquery-etl', "Pass the routine's parameters: `mozfun.map.get_key(m, \'key\')`."),
    "JET460": ('[metrics.searches]\nselect_expression = "SUM(search_count_al)"\ndata_source = "clients_daily"  # with --bigquery-etl',
               "Use a column the table has (quick fix: the closest name), or update the data source. The check "
               "reads the bigquery-etl snapshot it names: a column added since is not known to it."),
    "JET501": ("[experiment]\nis_private = true", "Add `dataset_id`."),
    "JET502": ('# jetls: platform=fenix\n[experiment]\nanalysis_unit = "profile_group_id"', "Use `client_id`, a custom `enrollment_query`, or a compatible `enrollments_query_type`."),
    "JET503": ("[experiment.exposure_signal]\nwindow_end = 0", "Informational."),
    "JET504": ("[segments.data_sources.s]\nwindow_start = 7\nwindow_end = 0", "Make `window_start <= window_end`."),
    "JET505": ('[data_sources.clients_daily]\nclient_id_column = "x"', "Copy the predefined `from_expression` into the table."),
    "JET506": ('[parameters.message_id]\nvalue = "abc"', "Set the value in the outcome's `default`, or attach an outcome declaring it."),
    "JET509": ('[parameters.x]\ndistinct_by_branch = true\ndefault = "y"', 'Write `default.<branch> = "…"`.'),
    "JET510": ('[alerts.a]\ntype = "threshold"', "Set `min` or `max` (one per parameter)."),
    "JET513": ('[metrics.active_hours]\nfriendly_name = "AH"', "Remove the key, or give a full definition."),
    "JET515": ('[metrics."*"]', "List the metrics explicitly."),
    "JET517": ('analysis_unit = "client_id"\nenrollment_query = "SELECT profile_group_id AS analysis_id …"', "Use the analysis unit's column."),
    "JET520": ('[metrics.m]\ndata_source = "events"  # analysis_units = ["client_id"]\nanalysis_units = ["profile_group_id"]', "Add the unit to the data source's `analysis_units`, or remove it from the metric."),
    "JET519": ('start_date = "2024-01-01"\nend_date = "2024-01-05"\nenrollment_period = 14', "Fix the dates or the enrollment period."),
    "JET530": ("[experiment]", "Informational; override with `# jetls: platform=<name>` or the `platform` setting."),
    "JET531": ("jetstream/outcomes/my_outcome.toml", "Move the file into `jetstream/outcomes/<platform>/`."),
    "JET534": ('[metrics.unused]\nselect_expression = "SUM(1)"\ndata_source = "clients_daily"', "List it in a window, or remove it."),
    "JET535": ("[experiment]\nskip = true", "Informational."),
    "JET536": ('[metrics.active_hours]  # also in jetstream/defaults/firefox_desktop.toml\nbigger_is_better = false',
               "The earlier value stays. Change it where it is set (the defaults or the outcome), or define the metric under another slug."),
}

HEADER = """# jetls diagnostics

Every diagnostic has a stable code. Severity policy: **error** = the official CI or the Jetstream
analysis run would fail; **warning** = accepted by the reference but almost surely not meant
(silently ignored keys, coercions, dropped overrides); **information** / **hint** = notes.

Codes: JET0xx syntax/TOML, JET1xx schema (keys, types, values), JET2xx references, JET3xx
statistics and pre-treatments, JET4xx templates and SQL, JET5xx cross-field and runtime rules.

Each code's section says what it finds, why it matters and how to fix it, with an example: the
fenced blocks are files (their title is the path in a metric-hub checkout) which, added to a copy
of [`examples/metric-hub`](../examples/metric-hub), make `jetls check --min-severity hint` report
that code there and no other (the note JET530, which names the platform of every experiment
config, aside). `tests/checks/test_documented_examples.py` runs every one.

## Silencing diagnostics

- `# jetls: disable=JET201` on the offending line, or alone on the line before it, silences that
  code there (several codes: `disable=JET201,JET205`; `disable` alone silences all).
- `# jetls: disable-file=JET102` anywhere in the file silences the code for the whole file.
- The `severityOverrides` setting (`{"JET102": "hint"}`, `"off"` removes it) changes a code's
  severity everywhere.
- `# jetls: platform=fenix` sets the platform of an experiment config; `# jetls: kind=experiment`
  makes a TOML file outside a metric-hub checkout be checked as that kind.

| Code | Severity | Summary |
|---|---|---|
"""


def render() -> str:
    out = [HEADER]
    for code, (sev, summary) in CODES.items():
        cell = summary.replace("|", "\\|")
        out.append(f"| [{code}](#{code.lower()}) | {sev} | {cell} |\n")
    out.append("\n")
    for code, (sev, summary) in CODES.items():
        out.append(f'<a id="{code.lower()}"></a>\n\n## {code} — {summary}\n\n**Default severity:** {sev}\n\n')
        rule = RULES.get(code)
        if rule is not None:
            out.append(rule.doc + "\n\n")
            if rule.options:
                out.append(f"(The example is checked with `jetls check {' '.join(rule.options)}`.)\n\n")
            continue
        ex = EXAMPLES.get(code)
        if ex:
            out.append(f"Example:\n\n```toml\n{ex[0]}\n```\n\nFix: {ex[1]}\n\n")
    return "".join(out)


if __name__ == "__main__":
    print(render(), end="")
