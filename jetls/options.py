"""User options shared by `jetls check` and the server (initializationOptions / workspace config)."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

SEVERITY_NAMES = ("error", "warning", "information", "hint", "off")


@dataclass(frozen=True)
class Options:
    # Platform of experiment configs; None = infer from the slugs they use (spec §1.3).
    platform: str | None = None
    # Extra folders holding definitions/ (and jetstream/definitions/), merged after the root.
    extra_definition_roots: tuple[str, ...] = ()
    # SQL syntax checks of rendered templates.
    sql: bool = True
    # A bigquery-etl checkout (or a folder shaped like one): table schemas and Mozilla routines.
    bigquery_etl: str | None = None
    # Diagnostic code -> "error" | "warning" | "information" | "hint" | "off".
    severity_overrides: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # The reference parser release whose rules apply (e.g. "2026.10.2"); None: the checkout's
    # `lib/metric-config-parser`, else the newest release jetls knows.
    parser_version: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> "Options":
        """From the `jetls` settings object (camelCase keys); unknown or ill-typed values are ignored."""
        if not isinstance(data, dict):
            return cls()
        if isinstance(data.get("jetls"), dict):
            data = data["jetls"]
        platform = data.get("platform")
        roots = data.get("extraDefinitionRoots")
        sql = data.get("sql")
        sql_enabled = sql.get("enabled", True) if isinstance(sql, dict) else sql if isinstance(sql, bool) else True
        overrides = data.get("severityOverrides")
        bq = data.get("bigqueryEtl")
        pv = data.get("parserVersion")
        return cls(
            platform=platform if isinstance(platform, str) and platform else None,
            extra_definition_roots=tuple(r for r in roots if isinstance(r, str)) if isinstance(roots, list) else (),
            sql=bool(sql_enabled),
            bigquery_etl=bq if isinstance(bq, str) and bq else None,
            parser_version=pv.strip() if isinstance(pv, str) and pv.strip() else None,
            severity_overrides=MappingProxyType(
                {k: v for k, v in overrides.items() if isinstance(k, str) and v in SEVERITY_NAMES}
                if isinstance(overrides, dict)
                else {}
            ),
        )
