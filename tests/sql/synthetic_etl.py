"""A bigquery-etl checkout written for tests: one routine folder per entry of the corpus's
`derived/routines.json` (316 routines with their parameter counts), with a `udf.sql` (or
`stored_procedure.sql`) declaring that many parameters and a `metadata.yaml`."""

from __future__ import annotations

import json
from pathlib import Path


def write_checkout(routines_json: Path, dest: Path) -> Path:
    data = json.loads(routines_json.read_text())["routines"]
    for name, info in data.items():
        project, dataset, routine = name.split(".")
        folder = dest / "sql" / project / dataset / routine
        folder.mkdir(parents=True, exist_ok=True)
        params = ", ".join(f"p{i} {'ARRAY<STRUCT<key STRING, value INT64>>' if i == 0 else 'STRING'}"
                           for i in range(info["params"]))
        if info["kind"] == "procedure":
            (folder / "stored_procedure.sql").write_text(
                f"CREATE OR REPLACE PROCEDURE\n  {dataset}.{routine}({params})\nBEGIN\nEND;\n")
        else:
            (folder / "udf.sql").write_text(
                f"-- a helper first, as some udf.sql files have\nCREATE TEMP FUNCTION helper(x INT64) AS (x);\n"
                f"CREATE OR REPLACE FUNCTION {dataset}.{routine}({params})\nRETURNS STRING AS (\n  NULL\n);\n"
                f"SELECT assert.null({dataset}.{routine}({', '.join('NULL' for _ in range(info['params']))}));\n")
        (folder / "metadata.yaml").write_text(
            f"friendly_name: {routine.replace('_', ' ').title()}\ndescription: |\n  Test description of {routine}.\n")
    return dest
