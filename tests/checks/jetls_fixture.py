"""Fixture helpers: a small metric-hub tree in tmp_path, and expectations written under the text.

    weekly = ["active_hour"]
    #          ^^^^^^^^^^^ error JET201 unknown metric 'active_hour'

A line whose first non-blank char is `#` followed by carets is an expectation for the previous
non-expectation line: the carets give the exact range, then severity, code and a message substring.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from jetls.checks import check_file
from jetls.options import Options
from jetls.workspace import Workspace

_EXP = re.compile(r"^(\s*)#(\s*)(\^+)\s+(error|warning|information|hint)\s+(JET\d{3})\s*(.*)$")

BASE = {
    "definitions/functions.toml": """
        [functions.agg_sum]
        definition = "COALESCE(SUM({select_expr}), 0)"
        [functions.agg_any]
        definition = "COALESCE(LOGICAL_OR({select_expr}), FALSE)"
    """,
    "definitions/firefox_desktop.toml": """
        [metrics.active_hours]
        select_expression = '{{agg_sum("active_hours_sum")}}'
        data_source = "clients_daily"
        [metrics.days_of_use]
        select_expression = "COUNT(submission_date)"
        data_source = "clients_daily"
        [metrics.old_metric]
        select_expression = "SUM(1)"
        data_source = "clients_daily"
        deprecated = true
        [metrics.no_stats]
        select_expression = "SUM(1)"
        data_source = "clients_daily"
        [data_sources.clients_daily]
        from_expression = "mozdata.telemetry.clients_daily"
        [segments.regular_users_v3]
        select_expression = '{{agg_any("is_regular_user_v3")}}'
        data_source = "clients_last_seen"
        [segments.data_sources.clients_last_seen]
        from_expression = "mozdata.telemetry.clients_last_seen"
    """,
    "jetstream/definitions/firefox_desktop.toml": """
        [metrics.active_hours.statistics.bootstrap_mean]
        [metrics.days_of_use.statistics.bootstrap_mean]
        [metrics.old_metric.statistics.bootstrap_mean]
    """,
    "definitions/fenix.toml": """
        [metrics.fenix_only]
        select_expression = "SUM(1)"
        data_source = "baseline"
        [data_sources.baseline]
        from_expression = "mozdata.fenix.baseline"
    """,
    "jetstream/definitions/fenix.toml": """
        [metrics.fenix_only.statistics.binomial]
    """,
    "jetstream/defaults/firefox_desktop.toml": """
        [metrics]
        weekly = ["active_hours"]
    """,
    "jetstream/outcomes/firefox_desktop/networking.toml": """
        friendly_name = "Networking"
        description = "Networking metrics"
        [metrics.dns_lookup_time]
        select_expression = "AVG(1)"
        data_source = "clients_daily"
        [metrics.dns_lookup_time.statistics.bootstrap_mean]
        [parameters.message_id]
        default = "x"
    """,
}


def write_tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"))


def parse_expectations(text: str) -> tuple[str, list[tuple[int, int, str, str, str]]]:
    """(text without expectation lines, [(start, end, severity, code, message substring)])."""
    out_lines: list[str] = []
    expected = []
    offset = 0
    prev_start = None
    for line in text.splitlines(keepends=True):
        m = _EXP.match(line.rstrip("\n"))
        if m and prev_start is not None:
            # carets give absolute columns; a `#` directly before them counts as one (for column 0)
            if m.group(2):
                col, n = len(m.group(1)) + 1 + len(m.group(2)), len(m.group(3))
            else:
                col, n = len(m.group(1)), len(m.group(3)) + 1
            expected.append((prev_start + col, prev_start + col + n, m.group(4), m.group(5), m.group(6).strip()))
            continue
        out_lines.append(line)
        prev_start = offset
        offset += len(line)
    return "".join(out_lines), expected


def check_fixture(
    tmp_path: Path,
    rel: str,
    annotated: str,
    extra: dict[str, str] | None = None,
    options: Options | None = None,
    only: set[str] | None = None,
    exact: bool = True,
):
    """Write BASE (+extra) and `rel` (expectation lines removed), check `rel`, compare."""
    text, expected = parse_expectations(textwrap.dedent(annotated).lstrip("\n"))
    write_tree(tmp_path, {**BASE, **(extra or {})})
    p = tmp_path / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    ws = Workspace.load(tmp_path, options or Options())
    report = check_file(ws, str(p), options)
    codes = {e[3] for e in expected}
    got = [
        d
        for d in report.diagnostics
        if (only is None or d.code in only) or d.code in codes
    ]
    missing = []
    for s, e, sev, code, msg in expected:
        hit = [
            d
            for d in got
            if d.code == code and d.start == s and d.end == e and d.severity.label == sev and msg in d.message
        ]
        if not hit:
            missing.append((code, sev, text[s:e], msg))
    unexpected = []
    if exact:
        for d in got:
            if not any(d.code == c and d.start == s and d.end == e for s, e, _sv, c, _m in expected):
                if d.severity.label in ("error", "warning"):
                    unexpected.append((d.code, d.severity.label, text[d.start : d.end], d.message))
    assert not missing and not unexpected, f"missing: {missing}\nunexpected: {unexpected}\nall: " + "\n".join(
        f"{d.code} {d.severity.label} {text[d.start : d.end]!r} {d.message}" for d in report.diagnostics
    )
    return report, ws
