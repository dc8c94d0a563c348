"""Where the shared corpus lives: $JETLS_CORPUS, else ../shared/corpus beside the repo.

The one place tests look it up; tests that need it skip (saying why) when it is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def corpus_root() -> Path:
    return Path(os.environ.get("JETLS_CORPUS") or REPO.parent / "shared" / "corpus")


def find(name: str = "metric-hub") -> Path | None:
    """The corpus sub-folder (`metric-hub`, `toml-test`), or None when it is absent."""
    path = corpus_root() / name
    return path if path.is_dir() else None


def corpus_dir(name: str) -> Path:
    """The corpus sub-folder, or skip the test saying why."""
    path = find(name)
    if path is None:
        pytest.skip(f"corpus not found at {corpus_root() / name} (set JETLS_CORPUS to the folder holding {name}/)")
    return path
