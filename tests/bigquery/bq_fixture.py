"""A bigquery-etl checkout in miniature: schema.yaml (nested records, REPEATED mode,
descriptions), metadata.yaml, view.sql and a columns JSON file."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import yaml


SHARED = "moz-fx-data-shared-prod"

#: table → fields (name, type, mode, description, sub-fields)
TABLES = {
    f"{SHARED}.telemetry.clients_daily": [
        ("client_id", "STRING", "NULLABLE", "Unique ID for the client installation.", None),
        ("submission_date", "DATE", "NULLABLE", None, None),
        ("active_hours_sum", "FLOAT", "NULLABLE", "Hours of user activity.", None),
        ("search_count_all", "INTEGER", "NULLABLE", "Searches of any kind.", None),
        ("experiments", "RECORD", "REPEATED", "Active experiments.", [
            ("key", "STRING", "NULLABLE", None, None),
            ("value", "STRING", "NULLABLE", None, None),
        ]),
    ],
    f"{SHARED}.firefox_desktop.metrics": [
        ("client_info", "RECORD", "NULLABLE", None, [
            ("client_id", "STRING", "NULLABLE", "A UUID identifying the client.", None),
            ("app_build", "STRING", "NULLABLE", "The build identifier.", None),
        ]),
        ("metrics", "RECORD", "NULLABLE", None, [
            ("counter", "RECORD", "NULLABLE", None, [
                ("browser_searches", "INTEGER", "NULLABLE", "Searches from the browser.", None),
            ]),
            ("string", "RECORD", "NULLABLE", None, [
                ("places_mode", "STRING", "NULLABLE", None, None),
            ]),
        ]),
        ("events", "RECORD", "REPEATED", "Events of the ping.", [
            ("category", "STRING", "NULLABLE", "The event's category.", None),
            ("name", "STRING", "NULLABLE", None, None),
            ("extra", "RECORD", "REPEATED", None, [
                ("key", "STRING", "NULLABLE", None, None),
                ("value", "STRING", "NULLABLE", None, None),
            ]),
        ]),
        ("payload", "JSON", "NULLABLE", "Anything else, as JSON.", None),
        ("submission_timestamp", "TIMESTAMP", "NULLABLE", None, None),
    ],
    f"{SHARED}.org_mozilla_firefox.baseline": [
        ("client_info", "RECORD", "NULLABLE", None, [
            ("client_id", "STRING", "NULLABLE", None, None),
        ]),
        ("submission_timestamp", "TIMESTAMP", "NULLABLE", None, None),
        ("ping_info", "RECORD", "NULLABLE", None, [("seq", "INTEGER", "NULLABLE", None, None)]),
    ],
}

METADATA = {
    f"{SHARED}.telemetry.clients_daily": {"friendly_name": "Clients Daily", "description": "One row per client per day."},
}

#: views resolved from their SQL (no schema.yaml)
VIEWS = {
    f"{SHARED}.telemetry.clients_daily_view": f"""
        CREATE OR REPLACE VIEW `{SHARED}.telemetry.clients_daily_view` AS
        SELECT * EXCEPT (search_count_all), search_count_all AS searches
        FROM `{SHARED}.telemetry.clients_daily`
    """,
}

#: views known from the columns JSON (leaves are numbers, records objects)
JSON_TABLES = {
    f"{SHARED}.firefox_desktop.urlbar_events": {
        "client_id": 0, "submission_date": 0, "engagement_type": 0, "selected_result": 0,
        "results": {"position": 0, "result_type": 0},
    },
}


def _fields(spec) -> list[dict]:
    out = []
    for name, typ, mode, desc, sub in spec:
        f = {"name": name, "type": typ, "mode": mode}
        if desc:
            f["description"] = desc
        if sub is not None:
            f["fields"] = _fields(sub)
        out.append(f)
    return out


def make_source(root: Path, tables=None, metadata=None, views=None, json_tables=None, date="2026-08-21") -> Path:
    """Write a folder shaped like a bigquery-etl checkout."""
    tables = TABLES if tables is None else tables
    for name, spec in tables.items():
        p = root / "sql" / Path(*name.split("."))
        p.mkdir(parents=True, exist_ok=True)
        (p / "schema.yaml").write_text(yaml.safe_dump({"fields": _fields(spec)}, sort_keys=False))
    for name, meta in (METADATA if metadata is None else metadata).items():
        p = root / "sql" / Path(*name.split("."))
        p.mkdir(parents=True, exist_ok=True)
        (p / "metadata.yaml").write_text(yaml.safe_dump(meta))
    for name, sql in (VIEWS if views is None else views).items():
        p = root / "sql" / Path(*name.split("."))
        p.mkdir(parents=True, exist_ok=True)
        (p / "view.sql").write_text(textwrap.dedent(sql).lstrip())
    jt = JSON_TABLES if json_tables is None else json_tables
    if jt:
        (root / "derived").mkdir(parents=True, exist_ok=True)
        (root / "derived" / "view-columns.json").write_text(json.dumps(
            {"source": {"date": f"{date}T00:00:00+00:00"}, "tables": jt}))
    return root
