"""docs/ci.md stays usable: its YAML is valid, its `jetls` commands are accepted by the CLI, and
its pre-commit config names the hook jetls ships."""

from __future__ import annotations

import re
import shlex

import pytest
import yaml
from check_helpers import REPO

from jetls.cli import _argument_parser

CI_DOC = (REPO / "docs" / "ci.md").read_text()
YAML_BLOCKS = re.findall(r"```yaml\n(.*?)```", CI_DOC, re.S)
# The workflow steps' commands (without a shell redirection).
COMMANDS = [c.split(">")[0].strip() for b in YAML_BLOCKS for c in re.findall(r"run: (jetls check.*)", b)]


def test_the_doc_has_a_github_actions_step_a_sarif_upload_and_a_pre_commit_config():
    assert len(YAML_BLOCKS) == 3
    assert COMMANDS


@pytest.mark.parametrize("block", YAML_BLOCKS)
def test_every_yaml_block_parses(block):
    # the SARIF snippet is a job's body: indented as in the workflow above it
    assert yaml.safe_load(block)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_jetls_command_is_accepted(command):
    args = _argument_parser().parse_args(shlex.split(command)[1:])
    assert args.command == "check"


def test_the_pre_commit_config_uses_the_shipped_hook():
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    [config] = [yaml.safe_load(b) for b in YAML_BLOCKS if "repos:" in b]
    [repo] = config["repos"]
    assert [h["id"] for h in repo["hooks"]] == [hook["id"]]
