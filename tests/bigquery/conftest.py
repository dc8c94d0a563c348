"""Fixtures of the schema-source tests: a private cache directory and no loaded source for every
test, and a miniature bigquery-etl checkout (`bq_fixture`)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from jetls.bigquery import sources

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "checks"))  # jetls_fixture helpers
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bq_fixture import make_source  # noqa: E402


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    """Each test gets its own cache directory and no source loaded before it."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    sources.forget()
    sources.set_background(False)
    yield
    sources.forget()


@pytest.fixture
def source(tmp_path) -> Path:
    return make_source(tmp_path / "bigquery-etl")
