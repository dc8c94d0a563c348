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
