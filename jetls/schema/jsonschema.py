"""JSON Schemas (draft-07) generated from the catalog, for taplo / tombi / any validator.

Policy (see ``schemas/README.md``):

* ``additionalProperties`` is explicit on every object.
* Where the reference parser **rejects** unknown keys (top level, ``[parameters.<name>]``,
  Jetstream statistic names and params, featmon data sources) it is ``false``.
* Where the reference **silently ignores** unknown keys it is ``true`` (jetls warns instead),
  so real files are not turned red; keys seen in real files that are ignored are listed with
  ``"deprecated": true`` and a description saying so.
* Slug-keyed tables use ``additionalProperties: {"$ref": "#/definitions/<kind>"}``.
* Types the reference accepts only by coercion (a float ``sample_size``) are accepted.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .catalog import file_schema
from .kinds import DEFAULT_TOOL, FileKind
from .model import Field, Node, Section
from .statistics import COVARIATE_ADJUSTMENT, PRE_TREATMENTS_FIELD

# Nodes shared by many statistics: emitted once under `definitions` and referenced.
_SHARED: tuple[tuple[Node, str], ...] = (
    (PRE_TREATMENTS_FIELD, "pre_treatments"),
    (COVARIATE_ADJUSTMENT, "covariate_adjustment"),
)

DRAFT = "http://json-schema.org/draft-07/schema#"

#: Published schemas: file name → (kind, statistic vocabulary, title, files it is meant for).
SCHEMAS: dict[str, tuple[FileKind, str, str, str]] = {
    "jetstream-experiment.schema.json": (
        FileKind.EXPERIMENT,
        "jetstream",
        "Jetstream experiment config",
        "jetstream/*.toml",
    ),
    "jetstream-outcome.schema.json": (
        FileKind.OUTCOME,
        "jetstream",
        "Jetstream outcome",
        "jetstream/outcomes/*/*.toml",
    ),
    "jetstream-defaults.schema.json": (
        FileKind.DEFAULTS,
        "jetstream",
        "Jetstream defaults",
        "jetstream/defaults/*.toml",
    ),
    "jetstream-definitions.schema.json": (
        FileKind.DEFINITIONS,
        "jetstream",
        "Jetstream definitions",
        "jetstream/definitions/*.toml",
    ),
    "definitions.schema.json": (FileKind.DEFINITIONS, "any", "metric-hub definitions", "definitions/*.toml"),
    "functions.schema.json": (
        FileKind.FUNCTIONS,
        "jetstream",
        "metric-hub functions",
        "definitions/functions.toml, jetstream/definitions/functions.toml",
    ),
    "opmon.schema.json": (FileKind.OPMON, "opmon", "OpMon config", "opmon/*.toml, opmon/defaults/*.toml"),
    "opmon-definitions.schema.json": (FileKind.DEFINITIONS, "opmon", "OpMon definitions", "opmon/definitions/*.toml"),
    "looker-definitions.schema.json": (
        FileKind.DEFINITIONS,
        "looker",
        "Looker definitions",
        "looker/definitions/*.toml",
    ),
    "featmon.schema.json": (FileKind.FEATMON, "jetstream", "Nimbus feature monitoring config", "featmon/*.toml"),
}

#: Published schemas: file name → (kind, statistic vocabulary).
SCHEMA_FILES: dict[str, tuple[FileKind, str]] = {n: (k, t) for n, (k, t, _, _) in SCHEMAS.items()}

_SIMPLE = {"string": "string", "integer": "integer", "float": "number", "boolean": "boolean"}


class _Gen:
    def __init__(self) -> None:
        self.definitions: dict[str, dict[str, Any]] = {}

    # -- fields ------------------------------------------------------------------------------

    def _enum_schema(self, field_: Field) -> dict[str, Any]:
        assert field_.enum is not None
        out: dict[str, Any] = {"type": "string", "enum": list(field_.enum)}
        docs = field_.enum_docs or {}
        if docs:
            out["x-taplo"] = {"docs": {"enumValues": [docs.get(v, "") for v in field_.enum]}}
        extra = [v for v in field_.case_insensitive_values if v in field_.enum]
        if field_.case_insensitive_enum or extra:
            values = field_.enum if field_.case_insensitive_enum else extra
            pattern = (
                "^("
                + "|".join("".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in v) for v in values)
                + ")$"
            )
            return {"anyOf": [out, {"type": "string", "pattern": pattern}]}
        return out

    def _type_schema(self, t: str, field_: Field) -> dict[str, Any]:
        if t == "string":
            if field_.enum is not None and "array" not in field_.types:
                return self._enum_schema(field_)
            out: dict[str, Any] = {"type": "string"}
            if field_.format == "date":
                out["pattern"] = r"^\d{4}-\d{2}-\d{2}$"
            return out
        if t == "date":
            return {"type": "string", "format": "date"}
        if t in ("integer", "float"):
            out = {"type": _SIMPLE[t]}
            if field_.minimum is not None:
                out["minimum"] = field_.minimum
            if field_.maximum is not None:
                out["maximum"] = field_.maximum
            return out
        if t == "boolean":
            return {"type": "boolean"}
        if t == "array":
            item_schemas = []
            for it in field_.item_types:
                if it == "string" and field_.enum is not None:
                    item_schemas.append(self._enum_schema(field_))
                elif it == "array":
                    sub: dict[str, Any] = {"type": "array"}
                    if field_.item_items:
                        sub["items"] = {"type": _SIMPLE.get(field_.item_items, field_.item_items)}
                    item_schemas.append(sub)
                elif it == "table":
                    item_schemas.append({"type": "object", "additionalProperties": True})
                elif it in _SIMPLE:
                    item_schemas.append({"type": _SIMPLE[it]})
            out = {"type": "array"}
            if len(item_schemas) == 1:
                out["items"] = item_schemas[0]
            elif item_schemas:
                out["items"] = {"anyOf": item_schemas}
            return out
        if t == "table":
            if field_.values:
                return {"type": "object", "additionalProperties": {"type": _SIMPLE.get(field_.values, field_.values)}}
            return {"type": "object", "additionalProperties": True}
        return {}

    def field(self, f: Field) -> dict[str, Any]:
        types = [t for t in (*f.types, *f.coerced_types)]
        if "any" in types:
            out: dict[str, Any] = {}
        else:
            # `string` with format date and `date` collapse; `float` covers `integer`.
            if "float" in types and "integer" in types:
                types.remove("integer")
            schemas = []
            for t in types:
                s = self._type_schema(t, f)
                if s not in schemas:
                    schemas.append(s)
            if len(schemas) == 1:
                out = dict(schemas[0])
            elif all(set(s) == {"type"} for s in schemas):
                out = {"type": [s["type"] for s in schemas]}
            else:
                out = {"anyOf": schemas}
        out = {"description": f.doc, **out}
        if f.default is not None:
            out["default"] = f.default
        if f.deprecated or f.ignored:
            out["deprecated"] = True
        return out

    # -- sections ----------------------------------------------------------------------------

    def node(self, n: Node) -> dict[str, Any]:
        for shared, name in _SHARED:
            if n is shared:
                self.definitions[name] = self.section(n) if isinstance(n, Section) else self.field(n)
                # draft-07 ignores siblings of $ref; the description is for humans and editors.
                return {"$ref": f"#/definitions/{name}", "description": n.doc}
        return self.section(n) if isinstance(n, Section) else self.field(n)

    def section(self, s: Section) -> dict[str, Any]:
        out: dict[str, Any] = {"description": s.doc, "type": "object"}
        props = {k: self.node(v) for k, v in s.fields.items()}
        if props:
            out["properties"] = props
        required = [k for k, v in s.fields.items() if v.required]
        if required:
            out["required"] = required
            out["x-taplo"] = {"initKeys": required}
        if s.entries is not None:
            out["additionalProperties"] = self.entry(s)
        else:
            out["additionalProperties"] = s.unknown_keys != "error"
        if s.ignored or s.deprecated:
            out["deprecated"] = True
        return out

    def entry(self, s: Section) -> dict[str, Any]:
        e = s.entries
        if isinstance(e, Field):
            return self.field(e)
        assert e is not None
        name = s.entry_reference or e.name
        if s.name == "statistics":
            name = e.name
        existing = self.definitions.get(name)
        body = self.section(e)
        if existing is not None and existing != body:
            # Same entry kind with a different shape (e.g. statistics vocabularies): disambiguate.
            i = 2
            while f"{name}_{i}" in self.definitions and self.definitions[f"{name}_{i}"] != body:
                i += 1
            name = f"{name}_{i}"
        self.definitions[name] = body
        return {"$ref": f"#/definitions/{name}"}


def json_schema(kind: FileKind, tool: str | None = None) -> dict[str, Any]:
    """The draft-07 JSON Schema of a file kind (``tool``: statistic vocabulary)."""
    kind = FileKind(kind)
    tool = tool or DEFAULT_TOOL[kind]
    root = file_schema(kind, tool)
    gen = _Gen()
    body = gen.section(root)
    title = next(
        (f"{ti} ({files})" for k, t, ti, files in SCHEMAS.values() if k is kind and t == tool),
        f"{kind.value} ({tool} statistics)",
    )
    out: dict[str, Any] = {"$schema": DRAFT, "title": title, **body}
    if gen.definitions:
        out["definitions"] = dict(sorted(gen.definitions.items()))
    return out


def render(schema: dict[str, Any]) -> str:
    """Stable text of a schema: sorted keys, indent 2, trailing newline."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_json_schemas(dest: Path) -> list[Path]:
    """Write every published schema into ``dest`` (created if needed); return the paths."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (kind, tool) in SCHEMA_FILES.items():
        path = dest / name
        path.write_text(render(json_schema(kind, tool)), encoding="utf-8", newline="\n")
        written.append(path)
    return written
