"""The pre-commit hook (`.pre-commit-hooks.yaml`): metric-hub adds jetls to its pre-commit
config; pre-commit installs jetls as a Python package and runs the hook's entry on the staged
.toml files (lib/ fixtures left out), each checked against the whole checkout."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from check_helpers import REPO


@pytest.fixture(scope="module")
def hook() -> dict:
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    return hook


def run_hook(hook: dict, root: Path, staged: list[str]) -> subprocess.CompletedProcess:
    """What pre-commit does: pick the staged files the hook wants (`re.search` of `files`, minus
    `exclude`), then run `entry args… files…` at the repository root."""
    chosen = [f for f in staged if re.search(hook["files"], f) and not re.search(hook.get("exclude", "^$"), f)]
    program, *entry = shlex.split(hook["entry"])
    argv = [sys.executable, "-m", "jetls", *entry, *hook.get("args", []), *(chosen if hook["pass_filenames"] else [])]
    return subprocess.run(argv, cwd=root, capture_output=True, text=True, timeout=120)


def all_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_the_hook_installs_jetls_as_a_python_package_and_runs_its_check(hook):
    assert hook["id"] == "jetls"
    assert hook["language"] == "python"
    program, command = shlex.split(hook["entry"])
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts[program] == "jetls.cli:main" and command == "check"
    assert hook["pass_filenames"] is True
    # one process: the checkout is loaded once for all staged files
    assert hook["require_serial"] is True


def test_the_hook_takes_toml_files_and_leaves_out_lib(hook):
    takes = lambda path: bool(re.search(hook["files"], path)) and not re.search(hook["exclude"], path)  # noqa: E731
    assert takes("jetstream/my-experiment.toml")
    assert takes("definitions/firefox_desktop.toml")
    assert takes("opmon/definitions/fenix.toml")
    assert not takes("README.md")
    assert not takes("jetstream/my-experiment.toml.example")
    assert not takes("lib/metric-config-parser/metric_config_parser/tests/data/jetstream/x.toml")


def test_a_commit_of_the_whole_checkout_fails_on_the_broken_files_but_not_lib_fixtures(hook, checkout):
    proc = run_hook(hook, checkout, all_files(checkout))
    assert proc.returncode == 1
    # the broken config, and the TOML syntax errors of other .toml files (see conftest)
    assert {line.split(":")[0] for line in proc.stdout.splitlines()} == {
        "jetstream/sidebar-redesign.toml", "notes/draft.toml", ".github/settings.toml"}


def test_a_staged_config_is_checked_against_the_whole_checkout(hook, checkout):
    # only the clean config is staged: its metrics, segments and outcomes resolve in the checkout
    proc = run_hook(hook, checkout, ["jetstream/new-onboarding.toml", "README.md"])
    assert proc.returncode == 0, proc.stdout
    assert "1 file checked" in proc.stderr


def test_a_staged_definitions_change_that_breaks_nothing_passes_and_one_that_is_broken_fails(hook, checkout):
    definitions = checkout / "definitions" / "firefox_desktop.toml"
    definitions.write_text(definitions.read_text() + '\n[metrics.new_metric]\ndata_source = "no_such_source"\n')
    proc = run_hook(hook, checkout, ["definitions/firefox_desktop.toml"])
    assert proc.returncode == 1
    assert "definitions/firefox_desktop.toml" in proc.stdout and "no_such_source" in proc.stdout
