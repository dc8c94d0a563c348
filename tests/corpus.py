"""Where the shared corpus lives: $JETLS_CORPUS, else ../shared/corpus beside the repo."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def corpus_root() -> Path:
    return Path(os.environ.get("JETLS_CORPUS") or REPO.parent / "shared" / "corpus")


def corpus_dir(name: str) -> Path:
    """The corpus sub-folder, or skip the test saying why."""
    path = corpus_root() / name
    if not path.is_dir():
        pytest.skip(f"corpus not found at {path} (set JETLS_CORPUS to the folder holding {name}/)")
    return path
