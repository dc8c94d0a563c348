"""The single registry of diagnostic codes: code → (default severity, summary).

Numbering: JET0xx syntax/TOML, JET1xx schema (keys, types, values), JET2xx references,
JET3xx statistics and pre-treatments, JET4xx templates and SQL, JET5xx cross-field and
runtime rules. `docs/diagnostics.md` is the catalogue of these codes.
"""

from __future__ import annotations

from jetls.checks.registry import RULES
from jetls.checks.templates import CODES as TEMPLATE_CODES
from jetls.diagnostics import Severity

_OWN: dict[str, tuple[str, str]] = {
    # --- JET0xx syntax / TOML ------------------------------------------------------------
    # --- JET1xx schema -------------------------------------------------------------------
    # --- JET2xx references ---------------------------------------------------------------
    # --- JET3xx statistics ---------------------------------------------------------------
    # --- JET46x columns (needs a bigquery-etl schema source) --------------------------------
    "JET460": ("warning", "unknown column: not in the table of the data source (bigquery-etl snapshot)"),
    # --- JET5xx cross-field / runtime ----------------------------------------------------
    "JET501": ("error", "`is_private = true` without `dataset_id`"),
    "JET502": ("error", "analysis unit incompatible with the enrollments query type"),
    "JET503": ("information", "exposure window note"),
    "JET505": ("error", "partial data source override (no `from_expression`) breaks the metrics using it"),
    "JET506": ("warning", "experiment-level `[parameters]` are dropped by Jetstream"),
    "JET509": ("error", "parameter value shape does not match `distinct_by_branch`"),
    "JET510": ("error", "invalid alert"),
    "JET513": ("warning", "key of a reference (statistics-only) metric table is ignored"),
    "JET517": ("error", "custom enrollment query uses the other analysis unit's column"),
    "JET519": ("error", "enrollment period longer than the analysis dates"),
    "JET520": ("error", "metric analysis units not supported by its data source"),
    "JET530": ("information", "platform used to resolve the file"),
    "JET531": ("warning", "file location makes the reference parser read it as another kind"),
    "JET534": ("hint", "metric table not used by any window: never validated by the reference"),
    "JET535": ("warning", "experiment will not be analysed"),
    "JET536": ("warning", "false, 0, \"\" or [] cannot override a value an earlier layer sets"),
}

#: Every code jetls emits: code → (default severity name, summary).
CODES: dict[str, tuple[str, str]] = dict(sorted(
    {**_OWN, **TEMPLATE_CODES, **{c: (r.severity, r.summary) for c, r in RULES.items()}}.items()))

#: code -> default severity name
DEFAULT_SEVERITY: dict[str, str] = {c: v[0] for c, v in CODES.items()}

SEVERITIES = {
    "error": Severity.ERROR,
    "warning": Severity.WARNING,
    "information": Severity.INFORMATION,
    "hint": Severity.HINT,
}


def severity(code: str) -> Severity:
    return SEVERITIES[CODES[code][0]]


#: Where each code is documented (the catalogue, one anchor per code).
DOCS_BASE = "https://github.com/mozilla/jetls/blob/main/docs/diagnostics.md"


def code_href(code: str) -> str:
    return f"{DOCS_BASE}#{code.lower()}"
