"""Fixtures of the `jetls check` tests: a metric-hub checkout of one's own, a git repository."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from check_helpers import EXAMPLE

# What a real metric-hub checkout holds beside the configs, each broken on purpose: the
# reference parser's test fixtures under lib/, and TOML that is no config at all.
_NOT_CONFIGS = {
    "lib/metric-config-parser/metric_config_parser/tests/data/jetstream/broken-fixture.toml": "[experiment\n",
    "lib/metric-config-parser/pyproject.toml": "[project\n",
    "notes/draft.toml": "a = [1,\n",
    ".github/settings.toml": "a = \n",
}


@pytest.fixture
def checkout(tmp_path) -> Path:
    """A copy of examples/metric-hub laid out like a real metric-hub checkout (with lib/ etc.)."""
    root = tmp_path / "metric-hub"
    shutil.copytree(EXAMPLE, root)
    for rel, text in _NOT_CONFIGS.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


@pytest.fixture
def git_init():
    """`git_init(folder)` makes `folder` a git repository (its top-level)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")

    def init(folder: Path) -> None:
        subprocess.run(["git", "init", "-q", str(folder)], check=True, capture_output=True)

    return init
