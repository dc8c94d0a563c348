"""Every offline diagnostic of a file: `check_file(ws, path, options) -> FileReport`."""

from jetls.checks.codes import CODES, severity
from jetls.checks.engine import FileReport, check_file
from jetls.checks.suppressions import suppressions

__all__ = ["CODES", "FileReport", "check_file", "severity", "suppressions"]
