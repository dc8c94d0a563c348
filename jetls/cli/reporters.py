"""The output formats of `jetls check`: text, JSON, GitHub workflow annotations and SARIF 2.1.0.

Each reporter writes the diagnostics at or above the minimum severity. Positions are 1-based
lines and columns in characters (code points), end exclusive. Text and JSON paths are relative
to the current directory; GitHub and SARIF paths are relative to the repository root (the git
top-level, else the metric-hub checkout root), which is what both resolve paths against.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable, Iterator, TextIO
from urllib.parse import quote

from jetls import __version__
from jetls.diagnostics import Diagnostic, Severity

from .results import FileResult
from .targets import repository_root

#: The default minimum severity of every format: what someone should act on.
DEFAULT_MIN_SEVERITY = Severity.WARNING

#: The SARIF 2.1.0 schema a log names (the OASIS schema, as published by SchemaStore).
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFORMATION: "note",
    Severity.HINT: "note",
}
_GITHUB_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFORMATION: "notice",
    Severity.HINT: "notice",
}


def shown(results: list[FileResult], min_severity: Severity) -> Iterator[tuple[FileResult, Diagnostic]]:
    for r in results:
        for d in r.diagnostics:
            if d.severity <= min_severity:
                yield r, d


def write_text(results: list[FileResult], out: TextIO, min_severity: Severity, cwd: Path) -> None:
    for r, d in shown(results, min_severity):
        line, col, _, _ = _span(r, d)
        out.write(f"{display_path(r.path, cwd)}:{line}:{col}: {d.severity.label}[{d.code}] {d.message}\n")


def write_json(results: list[FileResult], out: TextIO, min_severity: Severity, cwd: Path) -> None:
    json.dump([_as_json(r, d, cwd) for r, d in shown(results, min_severity)], out, indent=2)
    out.write("\n")


def write_github(results: list[FileResult], out: TextIO, min_severity: Severity, cwd: Path) -> None:
    for r, d in shown(results, min_severity):
        line, col, end_line, end_col = _span(r, d)
        props = (
            f"file={_escape_github(repository_path(r.path, cwd), True)},line={line},col={col},"
            f"endLine={end_line},endColumn={end_col},title={_escape_github(f'jetls {d.code}', True)}"
        )
        out.write(f"::{_GITHUB_LEVEL[d.severity]} {props}::{_escape_github(d.message)}\n")


def write_sarif(results: list[FileResult], out: TextIO, min_severity: Severity, cwd: Path) -> None:
    json.dump(sarif_log(results, min_severity, cwd), out, indent=2, ensure_ascii=False)
    out.write("\n")


REPORTERS: dict[str, Callable[[list[FileResult], TextIO, Severity, Path], None]] = {
    "text": write_text,
    "json": write_json,
    "github": write_github,
    "sarif": write_sarif,
}


def summary(results: list[FileResult], min_severity: Severity) -> str:
    """`jetls: 463 files checked: 50 errors, 365 warnings; not shown: 820 information, 231 hints …`"""
    counts = {s: 0 for s in Severity}
    for r in results:
        for d in r.diagnostics:
            counts[d.severity] += 1

    def count(s: Severity) -> str:
        return f"{counts[s]} {s.label}{'s' if counts[s] != 1 and s != Severity.INFORMATION else ''}"

    files = f"{len(results)} file{'s' if len(results) != 1 else ''}"
    line = f"jetls: {files} checked: {', '.join(count(s) for s in Severity if s <= min_severity)}"
    hidden = [s for s in Severity if s > min_severity and counts[s]]
    if hidden:
        line += f"; not shown: {', '.join(count(s) for s in hidden)} (--min-severity {hidden[-1].label} shows them)"
    platforms = platform_summary(results)
    releases = sorted({r.parser_version for r in results if r.parser_version})
    if releases:  # (the rules differ between releases of the reference parser: docs/parser-versions.md)
        judged = f"judged by the rules of metric-config-parser {', '.join(releases)}"
        platforms = f"{platforms}; {judged}" if platforms else f"jetls: {judged}"
    return line + ("\n" + platforms if platforms else "")


def platform_summary(results: list[FileResult]) -> str:
    """`jetls: experiment configs checked as firefox_desktop 347 (205 inferred, 142 by default), …`:
    the platform of an experiment config is not in the file (Experimenter has it), so say how each
    was chosen (the editor shows it as an inlay hint on `[experiment]`)."""
    by: dict[str, dict[str, int]] = {}
    for r in results:
        if r.platform and r.platform_source in ("option", "directive", "inferred", "default"):
            how = by.setdefault(r.platform, {})
            how[r.platform_source] = how.get(r.platform_source, 0) + 1
    if not by:
        return ""
    words = {"inferred": "inferred", "default": "by default", "directive": "by comment", "option": "by option"}
    parts = []
    for platform, how in sorted(by.items(), key=lambda x: -sum(x[1].values())):
        detail = ", ".join(f"{n} {words[s]}" for s, n in sorted(how.items(), key=lambda x: -x[1]))
        parts.append(f"{platform} {sum(how.values())} ({detail})")
    return "jetls: experiment configs checked as " + ", ".join(parts)


# -- paths and positions -------------------------------------------------------------------------


def display_path(path: Path, cwd: Path) -> str:
    """Relative to the current directory (`../definitions/x.toml` from inside `jetstream/`),
    unless the two share nothing but the file system's root."""
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        pass
    try:
        common = os.path.commonpath([path, cwd])
    except ValueError:
        return str(path)
    return Path(os.path.relpath(path, cwd)).as_posix() if Path(common).parent != Path(common) else str(path)


def repository_path(path: Path, cwd: Path) -> str:
    """`path` relative to its repository root (see `repository_root`), else as `display_path`."""
    root = repository_root(path.parent)
    if root is not None:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            pass
    return display_path(path, cwd)


def _span(result: FileResult, d: Diagnostic) -> tuple[int, int, int, int]:
    return _span_in(result.lines, d.start, d.end)


def _span_in(lines, start: int, end: int) -> tuple[int, int, int, int]:
    from jetls.syntax import UTF32

    sl, sc = lines.position(start, UTF32)
    el, ec = lines.position(max(start, end), UTF32)
    return sl + 1, sc + 1, el + 1, ec + 1


# -- JSON ------------------------------------------------------------------------------------------


def _as_json(result: FileResult, d: Diagnostic, cwd: Path) -> dict:
    line, col, end_line, end_col = _span(result, d)
    return {
        "path": display_path(result.path, cwd),
        "line": line,
        "column": col,
        "end_line": end_line,
        "end_column": end_col,
        "severity": d.severity.label,
        "code": d.code,
        "message": d.message,
        "platform": result.platform,
        "parser_version": result.parser_version,
    }


# -- GitHub ----------------------------------------------------------------------------------------


def _escape_github(s: str, prop: bool = False) -> str:
    s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        s = s.replace(":", "%3A").replace(",", "%2C")
    return s


# -- SARIF -----------------------------------------------------------------------------------------


def sarif_log(results: list[FileResult], min_severity: Severity, cwd: Path) -> dict:
    """A SARIF 2.1.0 log of one run: every diagnostic code as a rule, one result per diagnostic.

    Artifact URIs are relative to the `SRCROOT` base (the repository root of most files), which
    is what GitHub code scanning expects; a file elsewhere gets an absolute `file:` URI."""
    from jetls.checks.codes import CODES, code_href

    pairs = list(shown(results, min_severity))
    rule_ids = list(CODES) + sorted({d.code for _, d in pairs if d.code not in CODES})
    rule_index = {code: i for i, code in enumerate(rule_ids)}
    rules = []
    for code in rule_ids:
        rule: dict = {"id": code, "helpUri": code_href(code)}
        if code in CODES:
            level, text = CODES[code]
            rule["shortDescription"] = {"text": text}
            rule["defaultConfiguration"] = {"level": _SARIF_LEVEL[_SEVERITY_OF[level]]}
        rules.append(rule)

    roots: dict[Path, int] = {}
    for r in results:
        root = repository_root(r.path.parent)
        if root is not None:
            roots[root] = roots.get(root, 0) + 1
    base = max(roots, key=roots.__getitem__) if roots else cwd
    lines_of: dict[str, object] = {}

    def location(path: Path, lines, start: int, end: int) -> dict:
        sl, sc, el, ec = _span_in(lines, start, end)
        return {
            "physicalLocation": {
                "artifactLocation": _artifact(path, base),
                "region": {"startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec},
            }
        }

    def related(result: FileResult, d: Diagnostic) -> list[dict]:
        out = []
        for i, rel in enumerate(d.related, 1):
            if rel.path is None:
                loc = location(result.path, result.lines, rel.start, rel.end)
            else:
                lines = _lines_of_file(rel.path, lines_of)
                if lines is None:
                    loc = {"physicalLocation": {"artifactLocation": _artifact(Path(rel.path), base)}}
                else:
                    loc = location(Path(rel.path), lines, rel.start, rel.end)
            loc["id"] = i
            loc["message"] = {"text": rel.message}
            out.append(loc)
        return out

    sarif_results = []
    for r, d in pairs:
        item = {
            "ruleId": d.code,
            "ruleIndex": rule_index[d.code],
            "level": _SARIF_LEVEL[d.severity],
            "message": {"text": d.message},
            "locations": [location(r.path, r.lines, d.start, d.end)],
        }
        if d.related:
            item["relatedLocations"] = related(r, d)
        sarif_results.append(item)

    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "jetls",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {"SRCROOT": {"uri": base.as_uri().rstrip("/") + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": sarif_results,
            }
        ],
    }


_SEVERITY_OF = {s.label: s for s in Severity}


def _artifact(path: Path, base: Path) -> dict:
    try:
        return {"uri": quote(path.relative_to(base).as_posix()), "uriBaseId": "SRCROOT"}
    except ValueError:
        return {"uri": path.as_uri()}


def _lines_of_file(path: str, cache: dict):
    """The line index of another file a diagnostic points to (None if it cannot be read)."""
    if path not in cache:
        from jetls.syntax import LineIndex, decode

        try:
            cache[path] = LineIndex(decode(Path(path).read_bytes())[0])
        except OSError:
            cache[path] = None
    return cache[path]
