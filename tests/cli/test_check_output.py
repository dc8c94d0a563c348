"""What `jetls check` prints for CI: only what someone should act on by default, GitHub
annotations a workflow places on the right file, and an output that a closed pipe ends quietly."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from check_helpers import run_jetls, run_jetls_once
from corpus import corpus_dir

from jetls.cli import main

SEVERITY_ORDER = ("error", "warning", "information", "hint")
# Lines of `jetls check` text and github output.
TEXT_LINE = re.compile(r"^(?P<path>[^:]+):\d+:\d+: (?P<severity>\w+)\[JET\d{3}\] ")
GITHUB_LINE = re.compile(r"^::(?P<level>error|warning|notice) file=(?P<path>[^,]+),line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=jetls JET\d{3}::")


def reported(fmt: str, proc: subprocess.CompletedProcess) -> set[str]:
    """The codes of the diagnostics a run reported, in any format."""
    if fmt == "json":
        return {d["code"] for d in json.loads(proc.stdout)}
    if fmt == "sarif":
        return {r["ruleId"] for r in json.loads(proc.stdout)["runs"][0]["results"]}
    return set(re.findall(r"JET\d{3}", proc.stdout))


def severities(proc: subprocess.CompletedProcess) -> set[str]:
    return {TEXT_LINE.match(line)["severity"] for line in proc.stdout.splitlines()}


# The example's deliberate mistakes include a JET107 and two JET104 warnings: made less severe,
# they are what a CI run must not show by default.
QUIETER = ("--severity", "JET107=information", "--severity", "JET104=hint")


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_by_default_every_format_reports_errors_and_warnings_only(checkout, fmt):
    quiet = run_jetls("check", "--format", fmt, *QUIETER, cwd=checkout)
    everything = run_jetls("check", "--format", fmt, "--min-severity", "hint", *QUIETER, cwd=checkout)
    assert quiet.returncode == everything.returncode == 1
    assert {"JET201", "JET107", "JET104"} <= reported(fmt, everything)
    assert "JET201" in reported(fmt, quiet) and not {"JET107", "JET104"} & reported(fmt, quiet)
    # and the warnings themselves are shown by default
    assert "JET104" in reported(fmt, run_jetls("check", "--format", fmt, cwd=checkout))


@pytest.mark.parametrize("level", SEVERITY_ORDER)
def test_min_severity_reports_that_level_and_the_more_severe(checkout, level):
    proc = run_jetls("check", "--min-severity", level, *QUIETER, cwd=checkout)
    allowed = SEVERITY_ORDER[: SEVERITY_ORDER.index(level) + 1]
    assert severities(proc) <= set(allowed)
    assert {"error", "information", "hint"} & set(allowed) <= severities(proc)
    # the exit status says whether there are errors, whatever is shown
    assert proc.returncode == 1


def test_warnings_alone_exit_0(checkout):
    proc = run_jetls("check", "--format", "json", "--min-severity", "hint", cwd=checkout)
    errors = {d["code"] for d in json.loads(proc.stdout) if d["severity"] == "error"}
    demoted = [arg for code in sorted(errors) for arg in ("--severity", f"{code}=warning")]
    proc = run_jetls("check", *demoted, cwd=checkout)
    assert proc.returncode == 0, proc.stdout
    assert severities(proc) == {"warning"}


def test_the_text_summary_counts_what_is_not_shown_and_says_how_to_see_it(checkout):
    everything = run_jetls("check", "--format", "json", "--min-severity", "hint", *QUIETER, cwd=checkout)
    counts = {s: sum(d["severity"] == s for d in json.loads(everything.stdout)) for s in SEVERITY_ORDER}
    assert counts["error"] and counts["information"] and counts["hint"]
    proc = run_jetls("check", *QUIETER, cwd=checkout)
    first, platforms = proc.stderr.strip().split("\n")
    assert first == (
        f"jetls: 7 files checked: {counts['error']} errors, {counts['warning']} warnings; "
        f"not shown: {counts['information']} information, {counts['hint']} hints "
        "(--min-severity hint shows them)"
    )
    # the platform each experiment config was checked on (not a diagnostic: an inlay hint in editors)
    assert platforms.startswith("jetls: experiment configs checked as firefox_desktop ") and "inferred" in platforms
    proc = run_jetls("check", "--min-severity", "hint", *QUIETER, cwd=checkout)
    assert proc.stderr.strip().split("\n")[0] == (
        f"jetls: 7 files checked: {counts['error']} errors, {counts['warning']} warnings, "
        f"{counts['information']} information, {counts['hint']} hints"
    )


def test_json_and_sarif_write_nothing_but_the_document(checkout):
    for fmt in ("json", "sarif"):
        proc = run_jetls("check", "--format", fmt, cwd=checkout)
        json.loads(proc.stdout)
        assert proc.stderr == ""


# -- GitHub annotation paths ---------------------------------------------------------------------

def annotated_paths(proc: subprocess.CompletedProcess) -> set[str]:
    paths = set()
    for line in proc.stdout.splitlines():
        m = GITHUB_LINE.match(line)
        assert m, line
        paths.add(m["path"])
    return paths


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_text_and_json_paths_are_relative_to_the_current_directory_even_above_it(checkout, fmt):
    # run from inside jetstream/: the checkout's other CI folders are reported as ../<folder>/...
    defs = checkout / "definitions" / "firefox_desktop.toml"
    defs.write_text(defs.read_text() + '\n[data_sources.extra]\nfrom_expression = "t"\ndeprecated = true\n')
    proc = run_jetls("check", "--format", fmt, "--min-severity", "hint", cwd=checkout / "jetstream")
    if fmt == "json":
        paths = {d["path"] for d in json.loads(proc.stdout)}
    else:
        paths = {m["path"] for m in map(TEXT_LINE.match, proc.stdout.splitlines()) if m}
    assert "sidebar-redesign.toml" in paths
    assert any(p.startswith("../definitions/") for p in paths), paths
    assert all(not p.startswith("/") and (checkout / "jetstream" / p).is_file() for p in paths)


@pytest.mark.parametrize("where", [".", "jetstream", "jetstream/outcomes", ".."])
def test_github_paths_are_relative_to_the_metric_hub_root_outside_git(checkout, where):
    cwd = (checkout / where).resolve()
    target = [] if where != ".." else ["metric-hub"]
    proc = run_jetls("check", "--format", "github", *target, cwd=cwd)
    assert annotated_paths(proc) == {"jetstream/sidebar-redesign.toml"}


@pytest.mark.parametrize("where", [".", "metric-hub", "metric-hub/jetstream"])
def test_github_paths_are_relative_to_the_git_top_level(checkout, git_init, where):
    # metric-hub as a folder of a larger repository: GitHub resolves paths from the repository root
    repo = checkout.parent
    git_init(repo)
    cwd = repo / where
    target = ["metric-hub"] if where == "." else []
    proc = run_jetls("check", "--format", "github", *target, cwd=cwd)
    assert annotated_paths(proc) == {"metric-hub/jetstream/sidebar-redesign.toml"}
    # text and JSON stay relative to the current directory, where a terminal user is
    text = run_jetls("check", *target, cwd=cwd)
    expected = (Path(checkout / "jetstream/sidebar-redesign.toml")).relative_to(cwd).as_posix()
    assert {TEXT_LINE.match(line)["path"] for line in text.stdout.splitlines()} == {expected}


def test_github_output_on_the_real_corpus_has_no_notices_and_existing_paths():
    root = corpus_dir("metric-hub")
    proc = run_jetls("check", "--format", "github", cwd=root / "jetstream")
    assert proc.returncode == 1
    levels = [GITHUB_LINE.match(line)["level"] for line in proc.stdout.splitlines()]
    assert levels and set(levels) == {"error", "warning"}
    for path in annotated_paths(proc):
        assert (root / path).is_file(), path


def test_text_on_the_real_corpus_shows_errors_and_warnings_only():
    root = corpus_dir("metric-hub")
    proc = run_jetls_once("check", cwd=root)
    assert proc.returncode == 1
    assert severities(proc) == {"error", "warning"}
    assert "not shown:" in proc.stderr


# -- a closed pipe -------------------------------------------------------------------------------

def test_a_reader_that_closes_the_pipe_ends_the_output_quietly(checkout, tmp_path):
    errors = tmp_path / "stderr.txt"
    with errors.open("w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "jetls", "check", "--min-severity", "hint"],
                                cwd=checkout, stdout=subprocess.PIPE, stderr=err)
        proc.stdout.close()  # the reader is gone before the first line
        status = proc.wait(timeout=120)
    assert errors.read_text() == ""
    assert status == 1  # the verdict of the check, which was complete


@pytest.mark.parametrize("fmt", ["text", "sarif"])
def test_jetls_check_piped_into_head_on_the_real_corpus(fmt):
    root = corpus_dir("metric-hub")
    proc = subprocess.run(
        ["bash", "-c", f'set -o pipefail; "{sys.executable}" -m jetls check --format {fmt} --min-severity hint | head -n 3'],
        cwd=root, capture_output=True, text=True, timeout=300,
    )
    assert len(proc.stdout.splitlines()) == 3
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr
    assert proc.returncode == 1  # jetls' own status: the corpus has errors


# -- in process ----------------------------------------------------------------------------------

def test_main_in_process_returns_the_status_and_writes_the_report(checkout, monkeypatch, capsys):
    monkeypatch.chdir(checkout)
    assert main(["check", "--jobs", "1", "--format", "json", "jetstream/new-onboarding.toml"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    bad = "jetstream/sidebar-redesign.toml"
    assert main(["check", "--jobs", "1", "--min-severity", "information", *QUIETER, bad]) == 1
    out, err = capsys.readouterr()
    assert any(line.startswith(f"{bad}:7:8: information[JET107] ") for line in out.splitlines())
    assert err.startswith("jetls: 1 file checked: ")
    assert main(["check", "--jobs", "1", "--min-severity", "error"]) == 1
    out, _ = capsys.readouterr()
    assert {TEXT_LINE.match(line)["severity"] for line in out.splitlines()} == {"error"}
