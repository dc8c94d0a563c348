"""`jetls serve` and `jetls check` with its reporters (text, JSON, GitHub annotations)."""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from jetls import __version__
from jetls.diagnostics import Diagnostic, Severity
from jetls.options import SEVERITY_NAMES, Options

# Folders never worth descending into when collecting files.
_SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox"}


@dataclass
class FileResult:
    path: Path
    text: str
    diagnostics: list[Diagnostic]
    platform: str | None = None
    _lines: object = None

    @property
    def lines(self):
        if self._lines is None:
            from jetls.syntax import LineIndex

            self._lines = LineIndex(self.text)
        return self._lines


def main(argv: list[str] | None = None) -> int:
    parser = _argument_parser()
    args = parser.parse_args(argv)
    if args.command == "serve":
        return _serve(args, parser)
    if args.command == "check":
        return _check(args, parser)
    parser.print_help(sys.stderr)
    return 2


def _argument_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jetls", description="Language server and checker for Jetstream / metric-hub TOML configs."
    )
    parser.add_argument("--version", action="version", version=f"jetls {__version__}")
    sub = parser.add_subparsers(dest="command")

    serve = sub.add_parser("serve", help="run the language server (stdio by default)")
    serve.add_argument("--stdio", action="store_true", help="talk LSP over stdin/stdout (the default)")
    serve.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP socket instead of stdio")

    check = sub.add_parser("check", help="check files or directories and report problems")
    check.add_argument("paths", nargs="*", default=["."], help="files or directories (default: .)")
    check.add_argument("--format", choices=("text", "json", "github"), default="text")
    check.add_argument("--platform", help="platform of experiment configs (default: inferred per file)")
    check.add_argument("--no-sql", action="store_true", help="skip SQL syntax checks of rendered templates")
    check.add_argument("--bigquery-etl", metavar="PATH",
                       help="a bigquery-etl checkout: table schemas and Mozilla routines for SQL checks")
    check.add_argument(
        "--jobs", type=int, default=0, metavar="N", help="check on N processes (default 0: one per available core)"
    )
    check.add_argument(
        "--severity",
        action="append",
        default=[],
        metavar="CODE=LEVEL",
        help=f"override a code's severity; LEVEL is one of {', '.join(SEVERITY_NAMES)} (repeatable)",
    )
    return parser


def _serve(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    tcp = None
    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        if not host or not port.isdigit():
            parser.error("--tcp expects HOST:PORT, e.g. 127.0.0.1:2087")
        tcp = (host, int(port))
    from jetls.server import serve

    serve(tcp=tcp)
    return 0


def _check(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    overrides: dict[str, str] = {}
    for item in args.severity:
        code, _, level = item.partition("=")
        if not code or level not in SEVERITY_NAMES:
            parser.error(f"--severity expects CODE=LEVEL with LEVEL in {', '.join(SEVERITY_NAMES)}: {item!r}")
        overrides[code.upper()] = level
    if args.bigquery_etl is not None and not Path(args.bigquery_etl).is_dir():
        parser.error(f"--bigquery-etl expects a bigquery-etl checkout (a folder): {args.bigquery_etl!r} is not one")
    options = Options.from_json(
        {"platform": args.platform, "sql": {"enabled": not args.no_sql}, "severityOverrides": overrides,
         "bigqueryEtl": os.path.abspath(args.bigquery_etl) if args.bigquery_etl else None}
    )
    if options.bigquery_etl:  # loaded once, before checking (forked workers share it)
        from jetls.bigquery import sources

        loaded = sources.load(options.bigquery_etl)
        if loaded.error:
            parser.error(f"--bigquery-etl: {loaded.error}")
        if sources.summary(loaded):
            sys.stderr.write(f"jetls: {sources.summary(loaded)}\n")
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        parser.error(f"no such file or directory: {', '.join(missing)}")
    if args.jobs < 0:
        parser.error("--jobs expects a positive number")
    results = check_paths([Path(p) for p in args.paths], options, jobs=args.jobs)
    cwd = Path.cwd()
    out = sys.stdout
    if args.format == "json":
        json.dump([_as_json(r, d, cwd) for r in results for d in r.diagnostics], out, indent=2)
        out.write("\n")
    else:
        for r in results:
            for d in r.diagnostics:
                out.write((_as_github if args.format == "github" else _as_text)(r, d, cwd) + "\n")
        if args.format == "text":
            _summary(results, sys.stderr)
    has_error = any(d.severity == Severity.ERROR for r in results for d in r.diagnostics)
    return 1 if has_error else 0


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """The .toml files named or found below the given paths (examples and hidden folders skipped)."""
    seen: set[Path] = set()
    out: list[Path] = []
    for path in paths:
        path = path.resolve()
        candidates: Iterable[Path]
        if path.is_dir():
            candidates = sorted(_walk(path))
        else:
            candidates = [path]
        for f in candidates:
            if f not in seen and f.name.endswith(".toml"):
                seen.add(f)
                out.append(f)
    return out


def _walk(root: Path) -> Iterable[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS and not d.startswith(".")]
        for name in filenames:
            if name.endswith(".toml"):
                yield Path(dirpath, name)


def check_paths(paths: list[Path], options: Options, jobs: int = 1) -> list[FileResult]:
    """Check every file: files of a metric-hub checkout against their workspace, others as plain TOML.

    `jobs` > 1 checks on that many processes (0: one per available core)."""
    from jetls.checks.batch import check_files, default_jobs
    from jetls.workspace import Workspace, bulk_allocation, find_root

    jobs = jobs or default_jobs()
    files = collect_files(paths)
    by_root: dict[Path | None, list[Path]] = {}
    for f in files:
        by_root.setdefault(find_root(f), []).append(f)
    results: list[FileResult] = []
    for root, group in by_root.items():
        # Outside any metric-hub layout (root None) each file is plain TOML unless it names its kind.
        with bulk_allocation():  # and frozen before the collector runs again: it lives until the end
            ws = Workspace.load(root, options, [str(f) for f in group])
            ws.index
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
            results.append(FileResult(f, source.text, diagnostics, report.platform, source.tree.lines))
    results.sort(key=lambda r: str(r.path))
    return results


def _decode_problems(path: Path) -> list[Diagnostic]:
    """Invalid UTF-8 in a file (the workspace reads it with replacement characters)."""
    from jetls.document import SYNTAX_CODE
    from jetls.syntax import decode

    _, problems = decode(path.read_bytes())
    return [Diagnostic(SYNTAX_CODE, Severity.ERROR, p.start, p.end, p.message) for p in problems]


def _display_path(path: Path, cwd: Path) -> str:
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return str(path)


def _span(result: FileResult, d: Diagnostic) -> tuple[int, int, int, int]:
    from jetls.syntax import UTF32

    lines = result.lines
    sl, sc = lines.position(d.start, UTF32)
    el, ec = lines.position(d.end, UTF32)
    return sl + 1, sc + 1, el + 1, ec + 1


def _as_text(result: FileResult, d: Diagnostic, cwd: Path) -> str:
    line, col, _, _ = _span(result, d)
    return f"{_display_path(result.path, cwd)}:{line}:{col}: {d.severity.label}[{d.code}] {d.message}"


def _as_json(result: FileResult, d: Diagnostic, cwd: Path) -> dict:
    line, col, end_line, end_col = _span(result, d)
    return {
        "path": _display_path(result.path, cwd),
        "line": line,
        "column": col,
        "end_line": end_line,
        "end_column": end_col,
        "severity": d.severity.label,
        "code": d.code,
        "message": d.message,
        "platform": result.platform,
    }


def _escape_github(s: str, prop: bool = False) -> str:
    s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        s = s.replace(":", "%3A").replace(",", "%2C")
    return s


_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFORMATION: "notice", Severity.HINT: "notice"}


def _as_github(result: FileResult, d: Diagnostic, cwd: Path) -> str:
    line, col, end_line, end_col = _span(result, d)
    props = (
        f"file={_escape_github(_display_path(result.path, cwd), True)},line={line},col={col},"
        f"endLine={end_line},endColumn={end_col},title={_escape_github(f'jetls {d.code}', True)}"
    )
    return f"::{_GITHUB_LEVEL[d.severity]} {props}::{_escape_github(d.message)}"


def _summary(results: list[FileResult], stream) -> None:
    counts = {s: 0 for s in Severity}
    for r in results:
        for d in r.diagnostics:
            counts[d.severity] += 1
    parts = [f"{counts[s]} {s.label}{'s' if counts[s] != 1 and s != Severity.INFORMATION else ''}" for s in Severity]
    files = f"{len(results)} file{'s' if len(results) != 1 else ''}"
    stream.write(f"jetls: {files} checked: {', '.join(parts)}\n")


if __name__ == "__main__":
    raise SystemExit(main())
