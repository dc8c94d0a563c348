"""`jetls check`: output formats, exit status, what is checked where — as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from check_helpers import EXAMPLE, run_jetls as jetls

from jetls import __version__
from jetls.schema.versions import NEWEST


@pytest.fixture(scope="module")
def example_json():
    proc = jetls("check", "--format", "json", ".", cwd=EXAMPLE)
    assert proc.returncode == 1, proc.stderr
    return json.loads(proc.stdout)


def test_version():
    proc = jetls("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"jetls {__version__}"


def test_example_workspace_reports_its_deliberate_mistakes_and_exits_1(example_json):
    found = {(d["path"], d["code"]) for d in example_json if d["severity"] == "error"}
    bad = "jetstream/sidebar-redesign.toml"
    for code in ("JET201", "JET205", "JET206", "JET301", "JET302", "JET305", "JET402", "JET450"):
        assert (bad, code) in found, code
    # The clean config and the shared definitions have no error.
    assert not [d for d in example_json if d["severity"] == "error" and d["path"] != bad]


def test_json_objects_have_one_based_positions_in_characters(example_json):
    [typo] = [d for d in example_json if d["code"] == "JET201"]
    line = (EXAMPLE / typo["path"]).read_text().splitlines()[typo["line"] - 1]
    assert line[typo["column"] - 1 : typo["end_column"] - 1] == "active_hour"
    assert typo["end_line"] == typo["line"]
    assert set(typo) >= {"path", "line", "column", "end_line", "end_column", "severity", "code", "message"}
    assert "did you mean `active_hours`" in typo["message"]


def test_json_says_which_platform_each_experiment_config_was_checked_for(example_json):
    platforms = {d["platform"] for d in example_json if d["path"].startswith("jetstream/sidebar")}
    assert platforms == {"firefox_desktop"}


def test_text_format_is_path_line_col_severity_code_message():
    proc = jetls("check", "jetstream/sidebar-redesign.toml", cwd=EXAMPLE)
    assert proc.returncode == 1
    line = next(l for l in proc.stdout.splitlines() if "[JET201]" in l)
    assert line.startswith("jetstream/sidebar-redesign.toml:10:12: error[JET201] unknown metric `active_hour`")
    assert "checked" in proc.stderr


def test_github_format_writes_workflow_annotations(checkout):
    proc = jetls("check", "--format", "github", "jetstream/sidebar-redesign.toml", cwd=checkout)
    lines = proc.stdout.splitlines()
    assert any(l.startswith("::error file=jetstream/sidebar-redesign.toml,line=10,col=12,") and "title=jetls JET201::" in l for l in lines)
    assert any(l.startswith("::warning ") for l in lines)


def test_clean_config_exits_0():
    proc = jetls("check", "jetstream/new-onboarding.toml", cwd=EXAMPLE)
    assert proc.returncode == 0, proc.stdout
    assert "error" not in proc.stdout


def test_toml_outside_a_metric_hub_layout_gets_syntax_checks_only(tmp_path):
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "x"\nweekly = ["not_a_metric"]\n')
    (tmp_path / "broken.toml").write_text("a = [1,\n")
    (tmp_path / "notes.md").write_text("not toml")
    proc = jetls("check", "--format", "json", ".", cwd=tmp_path)
    diags = json.loads(proc.stdout)
    assert {d["path"] for d in diags} == {"broken.toml"}
    assert [d["code"] for d in diags] == ["JET001"]
    assert proc.returncode == 1


def test_a_directive_comment_names_the_kind_of_a_file_outside_the_layout(tmp_path):
    (tmp_path / "exp.toml").write_text('# jetls: kind=experiment\n[metrics]\nweekly = ["x"]\n')
    diags = json.loads(jetls("check", "--format", "json", "exp.toml", cwd=tmp_path).stdout)
    assert "JET201" in {d["code"] for d in diags}


def test_binary_file_named_toml_is_reported_not_crashed_on(tmp_path):
    (tmp_path / "blob.toml").write_bytes(bytes(range(256)) * 8)
    proc = jetls("check", "--format", "json", ".", cwd=tmp_path)
    diags = json.loads(proc.stdout)
    assert any("UTF-8" in d["message"] for d in diags)
    assert proc.returncode == 1


def test_severity_override_and_off():
    proc = jetls("check", "--format", "json", "--severity", "JET201=off", "--severity", "JET206=warning",
                 "jetstream/sidebar-redesign.toml", cwd=EXAMPLE)
    diags = json.loads(proc.stdout)
    assert "JET201" not in {d["code"] for d in diags}
    assert {d["severity"] for d in diags if d["code"] == "JET206"} == {"warning"}


@pytest.mark.parametrize("args", [("check", "no/such/path"), ("check", "--format", "xml"), ("check", "--severity", "JET201=loud"), ("frobnicate",)])
def test_bad_usage_exits_2(args):
    assert jetls(*args).returncode == 2


def test_json_says_which_parser_release_judged_each_file(checkout):
    # no readable lib/metric-config-parser/pyproject.toml (the checkout's is broken): the newest
    proc = jetls("check", "--format", "json", "--min-severity", "hint", "jetstream/sidebar-redesign.toml", cwd=checkout)
    assert {d["parser_version"] for d in json.loads(proc.stdout)} == {NEWEST.release}
    # the checkout's parser decides, and the option overrides it
    (checkout / "lib/metric-config-parser/pyproject.toml").write_text('[project]\nversion = "2026.8.1"\n')
    proc = jetls("check", "--format", "json", "--min-severity", "hint", "jetstream/sidebar-redesign.toml", cwd=checkout)
    assert {d["parser_version"] for d in json.loads(proc.stdout)} == {"2026.8.1"}
    proc = jetls("check", "jetstream/sidebar-redesign.toml", cwd=checkout)
    assert "judged by the rules of metric-config-parser 2026.8.1" in proc.stderr
    proc = jetls(
        "check", "--format", "json", "--min-severity", "hint", "--parser-version", NEWEST.release,
        "jetstream/sidebar-redesign.toml", cwd=checkout,
    )
    assert {d["parser_version"] for d in json.loads(proc.stdout)} == {NEWEST.release}
