"""Statistics and pre-treatments (spec §4) as data, and their schema sections."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from .model import Field, Param, PreTreatment, Section, Statistic

# ---------------------------------------------------------------------------------------------
# Jetstream (spec §4.1), mozilla/jetstream jetstream/statistics.py
# ---------------------------------------------------------------------------------------------

_FLOAT = ("float", "integer")


def _p(name: str, doc: str, types: tuple[str, ...], default=None, **kw) -> Param:
    return Param(name=name, doc=doc, types=types, default=default, **kw)


_CI = _p(
    "confidence_interval",
    "Width of the credible/confidence interval to report, as a fraction. Default `0.95`.",
    _FLOAT,
    0.95,
)
_NUM_SAMPLES = _p(
    "num_samples",
    "Number of bootstrap resamples. Default `10000`.",
    ("integer",),
    10000,
)


def _drop_highest(default: float, strict_float: bool = False) -> Param:
    doc = f"Fraction of the highest values to discard before computing (outlier trimming). Default `{default}`."
    if strict_float:
        doc += (
            " Must be written as a float: `drop_highest = 0` fails with "
            "`'drop_highest' must be <class 'float'>`; write `0.0`."
        )
    return _p("drop_highest", doc, ("float",) if strict_float else _FLOAT, default)


_COVARIATE = _p(
    "covariate_adjustment",
    "Adjust for a pre-enrollment covariate (CUPED-like). A table with `period` "
    '(**required**: `"preenrollment_week"` or `"preenrollment_days28"` — the internal period '
    "names, *not* the window names `preenrollment_weekly`) and optional `metric` (default: this "
    "metric). The covariate is only used if the metric is also listed in the matching "
    "pre-enrollment window; metrics with `depends_on` cannot be adjusted.",
    ("table",),
)
_LOG_SPACE = _p("log_space", "Compute on a log scale (for heavy-tailed metrics). Default `false`.", ("boolean",), False)
_GRID_SIZE = _p(
    "grid_size",
    "Number of grid points the output is evaluated at. Default `256` (not `gridsize`).",
    ("integer",),
    256,
)

_KERNELS = ("gaussian", "tophat", "epanechnikov", "exponential", "linear", "cosine")

_JETSTREAM: dict[str, Statistic] = {
    "bootstrap_mean": Statistic(
        "bootstrap_mean",
        "Bayesian bootstrap of the mean per branch, after dropping the top `drop_highest` "
        'fraction of values. Results have `statistic = "mean"`.',
        {
            "num_samples": _NUM_SAMPLES,
            "drop_highest": _drop_highest(0.005),
            "confidence_interval": _CI,
        },
        output="mean",
    ),
    "binomial": Statistic(
        "binomial",
        "Bayesian estimate of a proportion, for boolean metrics. The interval parameter is "
        "`confidence_interval` (there is no `ci_width`).",
        {"confidence_interval": _CI},
        output="binomial",
    ),
    "deciles": Statistic(
        "deciles",
        "Bootstrapped deciles (quantiles) of the metric per branch; the `parameter` column holds the quantile.",
        {"confidence_interval": _CI, "num_samples": _NUM_SAMPLES},
        output="deciles",
    ),
    "linear_model_mean": Statistic(
        "linear_model_mean",
        "Mean estimated with an ordinary least squares model, optionally adjusted for a "
        "pre-enrollment covariate (`covariate_adjustment`). Interval fixed at 95%. Results have "
        '`statistic = "mean_lm"`.',
        {"drop_highest": _drop_highest(0.005, strict_float=True), "covariate_adjustment": _COVARIATE},
        output="mean_lm",
    ),
    "per_client_dau_impact": Statistic(
        "per_client_dau_impact",
        "Like `linear_model_mean` but reports only comparisons: the absolute difference scaled "
        "by the number of enrolled clients, and the relative uplift.",
        {"drop_highest": _drop_highest(0.0, strict_float=True), "covariate_adjustment": _COVARIATE},
        output="per_client_dau_impact",
    ),
    "population_ratio": Statistic(
        "population_ratio",
        "Ratio of the means of two metric columns (e.g. clicks / impressions). `numerator` and "
        "`denominator` are required and must be metrics present in the analysis — normally the "
        "metric's `depends_on`.",
        {
            "numerator": _p(
                "numerator",
                "Metric whose mean is the numerator (**required**; list it in `depends_on`).",
                ("string",),
                required=True,
                reference="metric",
            ),
            "denominator": _p(
                "denominator",
                "Metric whose mean is the denominator (**required**; list it in `depends_on`).",
                ("string",),
                required=True,
                reference="metric",
            ),
            "confidence_interval": _CI,
            "drop_highest": _drop_highest(0.005),
            "num_samples": _NUM_SAMPLES,
        },
        output="population_ratio",
    ),
    "count": Statistic("count", "Number of clients per branch. No parameters.", output="count"),
    "sum": Statistic("sum", "Sum of the metric per branch. No parameters.", output="sum"),
    "kernel_density_estimate": Statistic(
        "kernel_density_estimate",
        "Kernel density estimate of the metric's distribution per branch (scikit-learn `KernelDensity`).",
        {
            "bandwidth": _p(
                "bandwidth",
                'Bandwidth rule, `"scott"` (default) or `"silverman"`.',
                ("string",),
                "scott",
            ),
            "adjust": _p(
                "adjust",
                "No longer supported: any value other than `1.0` fails with "
                "`KDE Adjust parameter no longer supported`. Default `1.0`.",
                _FLOAT,
                1.0,
            ),
            "kernel": _p(
                "kernel",
                'Kernel shape. Default `"gaussian"`.',
                ("string",),
                "gaussian",
                enum=_KERNELS,
            ),
            "grid_size": _GRID_SIZE,
            "log_space": _LOG_SPACE,
        },
        output="kernel_density_estimate",
    ),
    "empirical_cdf": Statistic(
        "empirical_cdf",
        "Empirical cumulative distribution function of the metric per branch.",
        {"log_space": _LOG_SPACE, "grid_size": _GRID_SIZE},
        output="empirical_cdf",
    ),
}

# ---------------------------------------------------------------------------------------------
# Pre-treatments (spec §4.2)
# ---------------------------------------------------------------------------------------------

_ANALYSIS_PERIOD_LENGTH = _p(
    "analysis_period_length",
    "Length of the analysis window in days. Always overwritten by Jetstream; do not set.",
    ("integer",),
    1,
)


def _fraction(default: float, doc: str) -> Param:
    return _p("fraction", doc, _FLOAT, default)


def _threshold(doc: str) -> Param:
    return _p("threshold", doc, _FLOAT, required=True)


PRE_TREATMENTS: Mapping[str, PreTreatment] = MappingProxyType(
    {
        "remove_nulls": PreTreatment("remove_nulls", "Drop rows where the metric is NULL."),
        "remove_indefinites": PreTreatment("remove_indefinites", "Drop rows where the metric is NULL or infinite."),
        "censor_highest_values": PreTreatment(
            "censor_highest_values",
            "Keep only rows below the `fraction` quantile.",
            {"fraction": _fraction(0.99999, "Quantile above which values are dropped. Default `0.99999`.")},
        ),
        "censor_lowest_values": PreTreatment(
            "censor_lowest_values",
            "Keep only rows above the `fraction` quantile.",
            {"fraction": _fraction(1e-05, "Quantile below which values are dropped. Default `1e-05`.")},
        ),
        "censor_values_below_threshold": PreTreatment(
            "censor_values_below_threshold",
            "Keep only rows whose value is greater than `threshold` (**required**).",
            {"threshold": _threshold("Values less than or equal to this are dropped (**required**).")},
        ),
        "censor_values_above_threshold": PreTreatment(
            "censor_values_above_threshold",
            "Keep only rows whose value is less than `threshold` (**required**).",
            {"threshold": _threshold("Values greater than or equal to this are dropped (**required**).")},
        ),
        "normalize_over_analysis_period": PreTreatment(
            "normalize_over_analysis_period",
            "Divide the metric by the analysis window's length in days (per-day values).",
            {"analysis_period_length": _ANALYSIS_PERIOD_LENGTH},
        ),
        "log": PreTreatment(
            "log",
            "Log-transform the metric.",
            {"base": _p("base", "Logarithm base; `0` means natural log. Default `10.0`.", _FLOAT, 10.0)},
        ),
        "zero_fill": PreTreatment("zero_fill", "Replace NULL values with 0."),
    }
)

# ---------------------------------------------------------------------------------------------
# OpMon and Looker (spec §4.3)
# ---------------------------------------------------------------------------------------------

_OPMON: dict[str, Statistic] = {
    "count": Statistic("count", "Number of clients (OpMon).", tool="opmon"),
    "sum": Statistic("sum", "Sum of the metric (OpMon).", tool="opmon"),
    "mean": Statistic("mean", "Mean of the metric (OpMon).", tool="opmon"),
    "quantile": Statistic(
        "quantile",
        "A quantile of the metric (OpMon).",
        {
            "number_of_quantiles": _p(
                "number_of_quantiles", "Number of quantile buckets. Default `100`.", ("integer",), 100
            ),
            "quantile": _p("quantile", "The quantile to report. Default `50`.", ("integer",), 50),
        },
        tool="opmon",
    ),
    "percentile": Statistic(
        "percentile",
        "Percentiles of the metric (OpMon).",
        {
            "percentiles": _p(
                "percentiles",
                "Percentiles to compute. Default `[50, 90, 99]`.",
                ("array",),
                [50, 90, 99],
                items="integer",
            ),
            "remove_nulls": _p("remove_nulls", "Drop NULL values first. Default `false`.", ("boolean",), False),
        },
        tool="opmon",
    ),
    "total_ratio": Statistic(
        "total_ratio",
        "Ratio of the metric's total to another metric's total (OpMon).",
        {
            "denominator_metric": _p(
                "denominator_metric",
                "Metric whose total is the denominator (**required**).",
                ("string",),
                required=True,
                reference="metric",
            )
        },
        tool="opmon",
    ),
}

_POP = _p(
    "period_over_period",
    "Compare with earlier periods (Looker): a table with `periods` (array of integers, days) and "
    '`kinds` (array of `"previous"` (default), `"difference"`, `"relative_change"`).',
    ("table",),
)


def _looker(name: str, doc: str, params: dict[str, Param] | None = None) -> Statistic:
    return Statistic(name, doc, {**(params or {}), "period_over_period": _POP}, tool="looker")


_STAT_REF = 'A `"<metric>.<statistic>"` reference to another statistic of this file.'

_LOOKER: dict[str, Statistic] = {
    "average": _looker("average", "Average of the metric (Looker)."),
    "max": _looker("max", "Maximum of the metric (Looker)."),
    "min": _looker("min", "Minimum of the metric (Looker)."),
    "median": _looker("median", "Median of the metric (Looker)."),
    "sum": _looker("sum", "Sum of the metric (Looker)."),
    "client_count": _looker("client_count", "Number of distinct clients (Looker)."),
    "dau_proportion": _looker(
        "dau_proportion",
        "Proportion of daily active users (Looker).",
        {"numerator": _p("numerator", _STAT_REF, ("string",))},
    ),
    "ratio": _looker(
        "ratio",
        "Ratio of two statistics (Looker).",
        {
            "numerator": _p("numerator", _STAT_REF, ("string",)),
            "denominator": _p("denominator", _STAT_REF, ("string",)),
        },
    ),
    "rolling_average": _looker(
        "rolling_average",
        "Rolling average over windows of days (Looker).",
        {
            "aggregations": _p(
                "aggregations",
                'Statistics to average. Default `["sum"]`.',
                ("array",),
                ["sum"],
                items="string",
            ),
            "window_sizes": _p("window_sizes", "Window sizes in days, e.g. `[1, 7, 28]`.", ("array",), items="integer"),
        },
    ),
}


def _union() -> dict[str, Statistic]:
    out: dict[str, Statistic] = {}
    for vocab in (_JETSTREAM, _OPMON, _LOOKER):
        for name, stat in vocab.items():
            if name in out:
                prev = out[name]
                out[name] = Statistic(
                    name,
                    prev.doc,
                    {**stat.params, **prev.params},
                    tool="any",
                    output=prev.output,
                )
            else:
                out[name] = stat
    return dict(sorted(out.items()))


STATISTICS: Mapping[str, Mapping[str, Statistic]] = MappingProxyType(
    {
        "jetstream": MappingProxyType(_JETSTREAM),
        "opmon": MappingProxyType(_OPMON),
        "looker": MappingProxyType(_LOOKER),
        "any": MappingProxyType(_union()),
    }
)

# ---------------------------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------------------------


def _param_field(p: Param) -> Field:
    return Field(
        name=p.name,
        doc=p.doc,
        types=p.types,
        items=p.items,
        enum=p.enum,
        enum_docs=p.enum_docs,
        required=p.required,
        default=p.default,
        reference=p.reference,
    )


PRE_TREATMENTS_FIELD = Field(
    name="pre_treatments",
    doc=(
        "Transformations applied, in order, before the statistic (also to `depends_on` columns). "
        'Either all strings (`["remove_nulls"]`) or all inline tables '
        '(`[{name = "log", base = 2}]`) — the reference TOML parser rejects or silently drops '
        "elements of mixed arrays."
    ),
    types=("array",),
    items=("string", "table"),
    enum=tuple(PRE_TREATMENTS),
    enum_docs=MappingProxyType({k: v.doc for k, v in PRE_TREATMENTS.items()}),
    reference="pre_treatment",
)

COVARIATE_ADJUSTMENT = Section(
    name="covariate_adjustment",
    doc=_COVARIATE.doc,
    fields=MappingProxyType(
        {
            "period": Field(
                name="period",
                doc=(
                    "Pre-enrollment period the covariate is computed in. Uses the internal period "
                    "names `preenrollment_week` / `preenrollment_days28`, **not** the window name "
                    "`preenrollment_weekly`."
                ),
                types=("string",),
                enum=("preenrollment_week", "preenrollment_days28"),
                enum_docs=MappingProxyType(
                    {
                        "preenrollment_week": "The 7 days before enrollment (window `preenrollment_weekly`).",
                        "preenrollment_days28": "The 28 days before enrollment (window `preenrollment_days28`).",
                    }
                ),
                required=True,
            ),
            "metric": Field(
                name="metric",
                doc="Metric used as covariate; default: this metric. It must be computed in that pre-enrollment "
                "window.",
                types=("string",),
                reference="metric",
            ),
        }
    ),
    unknown_keys="warning",
)

_POP_SECTION = Section(
    name="period_over_period",
    doc=_POP.doc,
    fields=MappingProxyType(
        {
            "periods": Field(
                "periods", "Offsets in days to compare with, e.g. `[7, 365]`.", ("array",), items="integer"
            ),
            "kinds": Field(
                "kinds",
                'Comparisons to show. Default `["previous"]`.',
                ("array",),
                items="string",
                enum=("previous", "difference", "relative_change"),
                default=["previous"],
            ),
        }
    ),
)


def statistic_section(stat: Statistic, tool: str = "jetstream") -> Section:
    """The params table of one statistic as a Section (params + ``pre_treatments``)."""
    fields: dict[str, Field | Section] = {}
    for pname, p in stat.params.items():
        if pname == "covariate_adjustment":
            fields[pname] = COVARIATE_ADJUSTMENT
        elif pname == "period_over_period":
            fields[pname] = _POP_SECTION
        else:
            fields[pname] = _param_field(p)
    fields["pre_treatments"] = PRE_TREATMENTS_FIELD
    return Section(
        name=stat.name,
        doc=stat.doc,
        fields=MappingProxyType(fields),
        unknown_keys="error" if tool == "jetstream" else "warning",
    )


_STAT_DOCS = {
    "jetstream": "Jetstream statistics to compute for this metric: `[…statistics.<name>]` tables of parameters "
    "(possibly empty: `bootstrap_mean = {}`).",
    "opmon": "OpMon statistics to compute for this metric: `<name> = {params}`.",
    "looker": "Looker statistics to expose for this metric: `<name> = {params}`.",
    "any": "Statistics to compute for this metric, by name; which names are valid depends on the tool reading "
    "the file (Jetstream, OpMon, Looker).",
}


def statistics_section(tool: str = "jetstream") -> Section:
    """The ``[metrics.<slug>.statistics]`` table for a vocabulary. Unknown names are errors."""
    vocab = STATISTICS[tool]
    return Section(
        name="statistics",
        doc=_STAT_DOCS[tool],
        fields=MappingProxyType({n: statistic_section(s, tool) for n, s in vocab.items()}),
        entries=None,
        entry_reference="statistic",
        unknown_keys="error",
    )


def pre_treatment_schema(name: str) -> Section | None:
    """Schema of an inline-table pre-treatment ``{name = "<name>", <param> = …}``; None if unknown."""
    pt = PRE_TREATMENTS.get(name)
    if pt is None:
        return None
    fields: dict[str, Field | Section] = {
        "name": Field(
            "name",
            "Pre-treatment name.",
            ("string",),
            enum=tuple(PRE_TREATMENTS),
            required=True,
            reference="pre_treatment",
        ),
    }
    fields.update({k: _param_field(p) for k, p in pt.params.items()})
    return Section(name=name, doc=pt.doc, fields=MappingProxyType(fields), unknown_keys="error")
