"""Shared by the `jetls check` tests: run the command as a user does."""

from __future__ import annotations

import subprocess
import sys
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "metric-hub"
#: The folders of a metric-hub checkout its CI validates.
CI_FOLDERS = ("jetstream", "definitions", "opmon", "looker", "featmon")


def run_jetls(*args: str, cwd: Path = REPO, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "jetls", *args], cwd=cwd, capture_output=True, text=True, timeout=300, **kwargs
    )


@lru_cache(maxsize=None)
def run_jetls_once(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`run_jetls`, run once per session for the same arguments (for runs on the real corpus)."""
    return run_jetls(*args, cwd=cwd)
