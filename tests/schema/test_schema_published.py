"""The committed schemas/*.json are generated, well-formed draft-07, and say what they enforce."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jetls.schema import SCHEMA_FILES, TOP_LEVEL_KEYS, WINDOWS, FileKind, json_schema, write_json_schemas

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "schemas"
REGEN = "regenerate with `python -m jetls.schema` (writes schemas/*.json) and commit the result"


def test_committed_schemas_are_up_to_date(tmp_path):
    written = write_json_schemas(tmp_path)
    assert sorted(p.name for p in written) == sorted(SCHEMA_FILES)
    for path in written:
        committed = SCHEMAS / path.name
        assert committed.exists(), f"schemas/{path.name} is missing: {REGEN}"
        assert committed.read_bytes() == path.read_bytes(), f"schemas/{path.name} is stale: {REGEN}"
    extra = {p.name for p in SCHEMAS.glob("*.json")} - set(SCHEMA_FILES)
    assert not extra, f"schemas/ has files the generator does not produce: {sorted(extra)}; {REGEN}"


def test_generation_is_deterministic(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for x, y in zip(write_json_schemas(a), write_json_schemas(b)):
        assert x.read_bytes() == y.read_bytes()
        text = x.read_text()
        assert text.endswith("}\n") and not text.endswith("\n\n")


def _walk(node, path=()):
    if isinstance(node, dict):
        yield path, node
        for k, v in node.items():
            yield from _walk(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, (*path, i))


@pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
def test_authoring_rules(name):
    """field-notes §6: draft-07, description on every property, explicit additionalProperties."""
    schema = json.loads((SCHEMAS / name).read_text())
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    for path, node in _walk(schema):
        if node.get("type") == "object" or "properties" in node:
            assert "additionalProperties" in node, f"{name}: no additionalProperties at {path}"
        if path and path[-2:-1] == ("properties",):
            assert node.get("description"), f"{name}: property without description at {path}"
        if "enum" in node and "x-taplo" in node:
            assert len(node["x-taplo"]["docs"]["enumValues"]) == len(node["enum"])
        if "$ref" in node:
            target = node["$ref"].removeprefix("#/definitions/")
            assert target in schema["definitions"], f"{name}: dangling $ref {node['$ref']}"


jsonschema = pytest.importorskip("jsonschema")


def _errors(kind, doc, tool=None):
    v = jsonschema.Draft7Validator(json_schema(kind, tool))
    return sorted(".".join(map(str, e.absolute_path)) + ": " + e.message for e in v.iter_errors(doc))


@pytest.mark.parametrize("kind", [k for k in FileKind if k not in (FileKind.FEATMON, FileKind.PLAIN)])
def test_top_level_whitelist_is_enforced(kind):
    schema = json_schema(kind)
    assert schema["additionalProperties"] is False
    # (the schemas describe the newest parser release: outcomes take window lists at the root)
    windows = set(WINDOWS) if kind is FileKind.OUTCOME else set()
    assert set(schema["properties"]) == set(TOP_LEVEL_KEYS) | windows
    assert _errors(kind, {"Metrics": {}, "default_metrics": []})


def test_examples_rejected_and_accepted():
    exp = FileKind.EXPERIMENT
    ok = {
        "experiment": {"enrollment_period": 7, "start_date": "2024-01-01", "segments": ["a"]},
        "metrics": {
            "weekly": ["m"],
            "28_day": [],
            "m": {
                "select_expression": "SUM(x)",
                "data_source": "main",
                "statistics": {"bootstrap_mean": {"drop_highest": 0.01, "pre_treatments": ["remove_nulls"]}},
            },
        },
        "data_sources": {"main": {"from_expression": "t", "experiments_column_type": "None"}},
    }
    assert _errors(exp, ok) == []
    bad = [
        {"metrics": {"m": {"statistics": {"bootstrap_meanz": {}}}}},  # unknown statistic
        {"metrics": {"m": {"statistics": {"binomial": {"ci_width": 0.95}}}}},  # unknown param
        {"metrics": {"m": {"statistics": {"binomial": {"pre_treatments": ["drop_nulls"]}}}}},
        {"metrics": {"m": {"statistics": {"population_ratio": {"numerator": "a"}}}}},  # required
        {"metrics": {"weekly": "m"}},  # window not an array
        {"experiment": {"analysis_unit": "user"}},
        {"experiment": {"exposure_signal": {"name": "x"}}},  # required keys missing
        {"experiment": {"exposure_signal": {"window_end": "analysis_period_end"}}},
        {"data_sources": {"d": {"experiments_column_type": "Native"}}},
        {"parameters": {"p": {"default": "x", "foo": 1}}},  # unknown parameter key
        {"segments": {"s": {"data_source": "d"}}},  # select_expression required
        {"metrics": {"m": {"statistics": {"linear_model_mean": {"covariate_adjustment": {"period": "preenrollment_weekly"}}}}}},
    ]
    for doc in bad:
        assert _errors(exp, doc), doc
    # Outcomes: no windows, friendly_name/description required.
    assert _errors(FileKind.OUTCOME, {"friendly_name": "x", "description": "y", "metrics": {"weekly": ["m"]}})
    assert _errors(FileKind.OUTCOME, {"metrics": {}})
    # Ignored-but-accepted keys (seen in real files) do not make a file invalid.
    assert _errors(exp, {"metrics": {"m": {"exposure_basis": ["exposures"]}}, "friendly_name": "x"}) == []
    # OpMon vocabulary.
    assert _errors(FileKind.OPMON, {"metrics": {"m": {"statistics": {"percentile": {"percentiles": [50]}}}}}) == []
    assert _errors(FileKind.OPMON, {"metrics": {"m": {"statistics": {"bootstrap_mean": {}}}}})
