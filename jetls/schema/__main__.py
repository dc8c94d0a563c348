"""Regenerate the published JSON Schemas: ``python -m jetls.schema [DEST]`` (default ``schemas/``
at the repository root)."""

from __future__ import annotations

import sys
from pathlib import Path

from . import write_json_schemas

DEFAULT_DEST = Path(__file__).resolve().parents[2] / "schemas"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    dest = Path(argv[0]) if argv else DEFAULT_DEST
    for path in write_json_schemas(dest):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
