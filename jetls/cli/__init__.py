"""`jetls serve` and `jetls check` (which files: `targets`; checking: `results`; output: `reporters`).

Exit status of `jetls check`: 0 no error found, 1 at least one error, 2 bad usage. A reader
that closes the pipe early (`jetls check | head`) does not change it: the check is complete
before the first line is written, and the rest of the output is dropped quietly.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
from pathlib import Path
from typing import Callable, Sequence

from jetls import __version__
from jetls.diagnostics import Severity
from jetls.options import SEVERITY_NAMES, Options

from .reporters import DEFAULT_MIN_SEVERITY, REPORTERS, summary
from .results import check_paths
from .targets import CI_FOLDERS, Excludes, collect_files, default_targets

_FORMATS = tuple(REPORTERS)
_LEVELS = tuple(s.label for s in Severity)


def main(argv: list[str] | None = None) -> int:
    parser = _argument_parser()
    args = parser.parse_args(argv)
    if args.command == "serve":
        return _serve(args, parser)
    if args.command == "check":
        return _check(args, parser)
    parser.print_help(sys.stderr)
    return 2


def _one_of(what: str, allowed: Sequence[str], value: str, near: str | None = None) -> str:
    """`value` if allowed, else a usage error naming the allowed values (and the nearest one)."""
    if value in allowed:
        return value
    if near is None:
        near = next(iter(difflib.get_close_matches(value, allowed, n=1)), None)
    hint = f" (did you mean {near!r}?)" if near else ""
    raise argparse.ArgumentTypeError(f"unknown {what} {value!r}{hint}; choose from {', '.join(allowed)}")


def _choice(what: str, allowed: Sequence[str]) -> Callable[[str], str]:
    def parse(value: str) -> str:
        return _one_of(what, allowed, value)

    parse.__name__ = what  # argparse names the type in some messages
    return parse


def _platform(value: str) -> str:
    from jetls.schema import PLATFORMS

    return _one_of("platform", list(PLATFORMS), value)


def _parser_version(value: str) -> str:
    from jetls.schema.versions import KNOWN_RELEASES, known

    v = known(value)
    return v.release if v is not None else _one_of("parser version", list(KNOWN_RELEASES), value)


def _severity_override(item: str) -> tuple[str, str]:
    from jetls.checks.codes import CODES

    code, sep, level = item.partition("=")
    if not sep or not code:
        raise argparse.ArgumentTypeError(f"expected CODE=LEVEL (e.g. JET201=warning), got {item!r}")
    code = code.strip().upper()
    # Codes differ in one digit, so spelling similarity suggests nothing; the same number does
    # (`201`, `JET-201`, `JET2O1`).
    same_number = f"JET{re.sub(r'[^0-9]', '', code.replace('O', '0'))}"
    near = same_number if same_number in CODES else ""
    return _one_of("diagnostic code", list(CODES), code, near), _one_of("level", SEVERITY_NAMES, level.strip().lower())


def _argument_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jetls", description="Language server and checker for Jetstream / metric-hub TOML configs."
    )
    parser.add_argument("--version", action="version", version=f"jetls {__version__}")
    sub = parser.add_subparsers(dest="command")

    serve = sub.add_parser("serve", help="run the language server (stdio by default)")
    serve.add_argument("--stdio", action="store_true", help="talk LSP over stdin/stdout (the default)")
    serve.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP socket instead of stdio")

    check = sub.add_parser(
        "check",
        help="check files or directories and report problems",
        description="Check metric-hub configs. Exit status: 0 no error, 1 errors found, 2 bad usage.",
    )
    check.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or directories (default: the metric-hub checkout holding the current directory: "
        f"its {', '.join(f'{d}/' for d in CI_FOLDERS)})",
    )
    check.add_argument(
        "--format",
        type=_choice("format", _FORMATS),
        default="text",
        metavar="{" + ",".join(_FORMATS) + "}",
        help="output format (default: text)",
    )
    check.add_argument(
        "--min-severity",
        type=_choice("severity", _LEVELS),
        default=None,
        metavar="{" + ",".join(_LEVELS) + "}",
        help="report only diagnostics at least this severe (default: warning; hint reports everything)",
    )
    check.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="skip files matching this .gitignore-style pattern, relative to the current directory "
        "or to the checkout root (repeatable)",
    )
    check.add_argument("--platform", type=_platform, help="platform of experiment configs (default: inferred per file)")
    check.add_argument(
        "--parser-version",
        type=_parser_version,
        metavar="RELEASE",
        help="the metric-config-parser release whose rules apply (default: the checkout's "
        "lib/metric-config-parser/pyproject.toml, else the newest jetls knows)",
    )
    check.add_argument("--no-sql", action="store_true", help="skip SQL syntax checks of rendered templates")
    check.add_argument(
        "--bigquery-etl",
        metavar="PATH",
        help="a bigquery-etl checkout: table schemas and Mozilla routines for SQL checks",
    )
    check.add_argument(
        "--jobs", type=int, default=0, metavar="N", help="check on N processes (default 0: one per available core)"
    )
    check.add_argument(
        "--severity",
        type=_severity_override,
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
    if args.bigquery_etl is not None and not Path(args.bigquery_etl).is_dir():
        parser.error(f"--bigquery-etl expects a bigquery-etl checkout (a folder): {args.bigquery_etl!r} is not one")
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        parser.error(f"no such file or directory: {', '.join(missing)}")
    if args.jobs < 0:
        parser.error("--jobs expects a positive number")
    cwd = Path.cwd()
    try:
        excludes = Excludes(args.exclude, cwd)
    except ValueError as exc:  # pathspec rejects a malformed pattern
        parser.error(f"--exclude: {exc}")
    options = Options.from_json(
        {
            "platform": args.platform,
            "parserVersion": args.parser_version,
            "sql": {"enabled": not args.no_sql},
            "severityOverrides": dict(args.severity),
            "bigqueryEtl": os.path.abspath(args.bigquery_etl) if args.bigquery_etl else None,
        }
    )
    if options.bigquery_etl:  # loaded once, before checking (forked workers share it)
        from jetls.bigquery import sources

        loaded = sources.load(options.bigquery_etl)
        if loaded.error:
            parser.error(f"--bigquery-etl: {loaded.error}")
        if sources.summary(loaded):
            sys.stderr.write(f"jetls: {sources.summary(loaded)}\n")
    targets = [Path(p) for p in args.paths] or default_targets(cwd)
    results = check_paths(collect_files(targets, excludes), options, jobs=args.jobs)
    min_severity = Severity[args.min_severity.upper()] if args.min_severity else DEFAULT_MIN_SEVERITY
    has_error = any(d.severity == Severity.ERROR for r in results for d in r.diagnostics)
    status = 1 if has_error else 0
    try:
        REPORTERS[args.format](results, sys.stdout, min_severity, cwd)
        sys.stdout.flush()
        if args.format in ("text", "github"):
            sys.stderr.write(summary(results, min_severity) + "\n")
            sys.stderr.flush()
    except BrokenPipeError:
        _drop_closed_output()
    return status


def _drop_closed_output() -> None:
    """The reader closed the pipe: send what Python still holds to /dev/null, so that the
    flush at exit neither fails nor prints a traceback."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        try:
            os.dup2(devnull, stream.fileno())
        except (OSError, ValueError, AttributeError):  # not a real file (e.g. captured in tests)
            pass
    os.close(devnull)


if __name__ == "__main__":
    raise SystemExit(main())
