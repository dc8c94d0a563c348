"""The full check of a file is (near) linear in its size: a regression guard for the O(n²)
"is this metric in a window" scan found by the hostile-inputs benchmark (100 000 tables took
hours; jetls/checks/engine.py `window_slugs`)."""

from __future__ import annotations

import time

from jetls.checks import check_file
from jetls.options import Options
from jetls.workspace import Workspace


def test_twenty_thousand_metric_tables_check_in_bounded_time(tmp_path):
    n = 20_000
    (tmp_path / "jetstream").mkdir()
    path = tmp_path / "jetstream" / "many.toml"
    path.write_text("[metrics]\nweekly = [\"m0\"]\n" + "".join(f'[metrics.m{i}]\ndata_source = "main"\n' for i in range(n)))
    ws = Workspace.load(tmp_path, Options())
    t = time.perf_counter()
    diags = check_file(ws, str(path), Options()).diagnostics
    elapsed = time.perf_counter() - t
    assert len(diags) >= n
    # ~6 s on a loaded 2-core VM; the quadratic scan took ~7 minutes at this size
    assert elapsed < 60, f"hang guard: {elapsed:.1f} s"
