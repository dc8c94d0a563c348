"""Generates docs/diagnostics.md from the rule modules (`jetls.checks.registry`):
`python -m jetls.checks.catalogue > docs/diagnostics.md`."""

from __future__ import annotations

from jetls.checks.codes import CODES
from jetls.checks.registry import RULES

HEADER = """# jetls diagnostics

Every diagnostic has a stable code. Severity policy: **error** = the official CI or the Jetstream
analysis run would fail; **warning** = accepted by the reference but almost surely not meant
(silently ignored keys, coercions, dropped overrides); **information** / **hint** = notes.

Codes: JET0xx syntax/TOML, JET1xx schema (keys, types, values), JET2xx references, JET3xx
statistics and pre-treatments, JET4xx templates and SQL, JET5xx cross-field and runtime rules.

Each code's section says what it finds, why it matters and how to fix it, with an example: the
fenced blocks are files (their title is the path in a metric-hub checkout) which, added to a copy
of [`examples/metric-hub`](../examples/metric-hub), make `jetls check --min-severity hint` report
that code there and no other. `tests/checks/test_documented_examples.py` runs every one.

The platform an experiment config is checked on (and why) is not a diagnostic: editors show it
as an inlay hint on `[experiment]` (and in the hover of `[experiment]`), `jetls check` prints a
summary line and `--format json` a `platform` field per result.

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
        rule = RULES[code]
        out.append(rule.doc + "\n\n")
        if rule.options:
            out.append(f"(The example is checked with `jetls check {' '.join(rule.options)}`.)\n\n")
    return "".join(out)


if __name__ == "__main__":
    print(render(), end="")
