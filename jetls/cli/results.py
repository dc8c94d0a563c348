"""Checking a list of files, each against its whole workspace: one `FileResult` per file."""

from __future__ import annotations

import gc
from dataclasses import dataclass
from pathlib import Path

from jetls.diagnostics import Diagnostic, Severity
from jetls.options import Options


@dataclass
class FileResult:
    path: Path
    text: str
    diagnostics: list[Diagnostic]
    platform: str | None = None
    _lines: object = None
    platform_source: str | None = None  # see FileReport
    parser_version: str | None = None  # the reference parser release whose rules were applied

    @property
    def lines(self):
        if self._lines is None:
            from jetls.syntax import LineIndex

            self._lines = LineIndex(self.text)
        return self._lines


def check_paths(files: list[Path], options: Options, jobs: int = 1) -> list[FileResult]:
    """Check every file: files of a metric-hub checkout against their workspace, others as plain TOML.

    `jobs` > 1 checks on that many processes (0: one per available core)."""
    from jetls.checks.batch import check_files, default_jobs
    from jetls.workspace import Workspace, bulk_allocation, find_root

    jobs = jobs or default_jobs()
    by_root: dict[Path | None, list[Path]] = {}
    for f in files:
        by_root.setdefault(find_root(f), []).append(f)
    results: list[FileResult] = []
    for root, group in by_root.items():
        # Outside any metric-hub layout (root None) each file is plain TOML unless it names its kind.
        with bulk_allocation():  # and frozen before the collector runs again: it lives until the end
            ws = Workspace.load(root, options, [str(f) for f in group])
            _ = ws.index  # built before the fork: workers share it
            gc.freeze()
        readable = [f for f in group if str(f) in ws.files]
        reports = check_files(ws, [str(f) for f in readable], options, jobs)
        for f in group:
            source = ws.files.get(str(f))
            if source is None:
                message = "cannot read the file"
                results.append(FileResult(f, "", [Diagnostic("JET001", Severity.ERROR, 0, 0, message)]))
                continue
            report = reports[str(f)]
            diagnostics = list(report.diagnostics)
            if "\ufffd" in source.text:
                diagnostics = _decode_problems(f) + diagnostics
            results.append(
                FileResult(
                    f,
                    source.text,
                    diagnostics,
                    report.platform,
                    source.tree.lines,
                    report.platform_source,
                    report.parser_version,
                )
            )
    results.sort(key=lambda r: str(r.path))
    return results


def _decode_problems(path: Path) -> list[Diagnostic]:
    """Invalid UTF-8 in a file (the workspace reads it with replacement characters)."""
    from jetls.document import SYNTAX_CODE
    from jetls.syntax import decode

    _, problems = decode(path.read_bytes())
    return [Diagnostic(SYNTAX_CODE, Severity.ERROR, p.start, p.end, p.message) for p in problems]
