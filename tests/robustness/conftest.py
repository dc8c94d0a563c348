"""Fixtures of the robustness tests: those of tests/server/conftest.py (corpus_root, fixture_root).

Helpers live in `robust_helpers.py`. Every name of the server conftest is also re-exported here,
so that a `from conftest import X` in tests/server still works if pytest happens to import this
conftest last (it keeps one module named `conftest`).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from robust_helpers import _server  # noqa: E402

globals().update({k: v for k, v in vars(_server).items() if not k.startswith("__")})
corpus_root = _server.corpus_root
fixture_root = _server.fixture_root
