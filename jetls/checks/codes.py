"""Every diagnostic code: code → (default severity, summary), read from the rule modules
(`jetls.checks.registry`); nothing here is kept by hand.

Numbering: JET0xx syntax/TOML, JET1xx schema (keys, types, values), JET2xx references,
JET3xx statistics and pre-treatments, JET4xx templates and SQL, JET5xx cross-field and
runtime rules. `docs/diagnostics.md` is the catalogue of these codes.
"""

from __future__ import annotations

from jetls.checks.registry import RULES
from jetls.diagnostics import Severity

#: Every code jetls emits: code → (default severity name, summary).
CODES: dict[str, tuple[str, str]] = {c: (r.severity, r.summary) for c, r in RULES.items()}

#: code -> default severity name
DEFAULT_SEVERITY: dict[str, str] = {c: r.severity for c, r in RULES.items()}

SEVERITIES = {s.label: s for s in Severity}


def severity(code: str) -> Severity:
    return SEVERITIES[CODES[code][0]]


#: Where each code is documented (the catalogue, one anchor per code).
DOCS_BASE = "https://github.com/mozilla/jetls/blob/main/docs/diagnostics.md"


def code_href(code: str) -> str:
    return f"{DOCS_BASE}#{code.lower()}"
