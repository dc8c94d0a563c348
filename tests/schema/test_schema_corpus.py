"""Every real metric-hub file validates against the JSON Schema of its kind."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

from corpus import find
import pytest

from jetls.schema import SCHEMA_FILES, FileKind, json_schema

jsonschema = pytest.importorskip("jsonschema")

REPO = Path(__file__).resolve().parents[2]


def _corpus() -> Path | None:
    return find("metric-hub")


CORPUS = _corpus()


def _kind_of(rel: Path) -> tuple[FileKind, str]:
    """Path → (kind, statistic vocabulary), following spec §1.1 (enough for the corpus)."""
    parts = rel.parts
    tool = "jetstream" if parts[0] == "jetstream" else {"opmon": "opmon", "looker": "looker"}.get(parts[0], "any")
    if parts[0] == "featmon":
        return FileKind.FEATMON, tool
    if len(parts) >= 3 and parts[-3] == "outcomes":
        return FileKind.OUTCOME, tool
    if parts[-2] == "definitions":
        return (FileKind.FUNCTIONS if rel.name == "functions.toml" else FileKind.DEFINITIONS), tool
    if parts[-2] == "defaults":
        return FileKind.DEFAULTS, tool
    if parts[0] == "opmon":
        return FileKind.OPMON, tool
    return FileKind.EXPERIMENT, tool


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return value


def _files() -> list[Path]:
    if CORPUS is None:
        return []
    return sorted(p for p in CORPUS.rglob("*.toml"))


_VALIDATORS: dict[tuple[FileKind, str], object] = {}


def _validator(kind: FileKind, tool: str):
    key = (kind, tool)
    if key not in _VALIDATORS:
        schema = json_schema(kind, tool)
        jsonschema.Draft7Validator.check_schema(schema)
        _VALIDATORS[key] = jsonschema.Draft7Validator(schema)
    return _VALIDATORS[key]


@pytest.mark.skipif(CORPUS is None, reason="corpus not found: set JETLS_CORPUS or provide ../shared/corpus/metric-hub")
def test_corpus_is_present_and_classified():
    files = _files()
    assert len(files) > 400
    kinds = {_kind_of(p.relative_to(CORPUS))[0] for p in files}
    assert {FileKind.EXPERIMENT, FileKind.OUTCOME, FileKind.DEFAULTS, FileKind.DEFINITIONS, FileKind.FUNCTIONS} <= kinds


@pytest.mark.skipif(CORPUS is None, reason="corpus not found: set JETLS_CORPUS or provide ../shared/corpus/metric-hub")
def test_every_corpus_file_validates():
    failures = []
    for path in _files():
        rel = path.relative_to(CORPUS)
        kind, tool = _kind_of(rel)
        data = _jsonable(tomllib.loads(path.read_text(encoding="utf-8")))
        for err in _validator(kind, tool).iter_errors(data):
            loc = ".".join(str(p) for p in err.absolute_path)
            failures.append(f"{rel} [{kind.value}/{tool}] at {loc or '<root>'}: {err.message[:200]}")
    assert not failures, f"{len(failures)} schema violations:\n" + "\n".join(failures[:50])


@pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
def test_published_schemas_are_valid_draft7(name):
    kind, tool = SCHEMA_FILES[name]
    jsonschema.Draft7Validator.check_schema(json_schema(kind, tool))
