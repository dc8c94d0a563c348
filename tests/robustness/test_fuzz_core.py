"""Random edit sequences on real corpus files through the analysis core (hypothesis).

After every edit: no exception escapes; every diagnostic (and related) range lies inside its
document; the incrementally updated snapshot (tree.edit -> ws.with_tree, chained) gives the same
diagnostics as a fresh ws.with_text; completion, hover and definition answer at random offsets.

The long variant (>= 10 000 sequences) is `benchmarks/fuzz_long.py`, also run by
`test_fuzz_long` below under `-m slow`.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fuzzkit as F  # noqa: E402

ROOT = F.corpus_root()
pytestmark = pytest.mark.skipif(ROOT is None, reason="metric-hub corpus not found ($JETLS_CORPUS/metric-hub or ../shared/corpus/metric-hub)")

_WS: list = []


def _workspace():
    """Loaded once per module (hypothesis calls the test body many times)."""
    if not _WS:
        _WS.extend(F.load(ROOT))
    return _WS[0], _WS[1]


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck), derandomize=False)
@given(
    file_index=st.integers(0, 100),
    edits=st.lists(F.hypothesis_edits(), min_size=1, max_size=6),
    probes=st.lists(st.floats(0, 1), min_size=1, max_size=3),
)
def test_edit_sequences_keep_every_invariant(file_index, edits, probes):
    ws, targets = _workspace()
    session = F.Session(ws, targets[file_index % len(targets)])
    for where, length, insert in edits:
        bad = session.step(where, length, insert, probes=probes)
        assert not bad, (bad, session.text[:2000])


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(file_index=st.integers(0, 100), data=st.data())
def test_typing_a_fragment_character_by_character(file_index, data):
    """What an editor really sends: one keystroke at a time, at one place, then backspaces."""
    ws, targets = _workspace()
    session = F.Session(ws, targets[file_index % len(targets)])
    where = data.draw(st.floats(0, 1))
    typed = data.draw(st.lists(st.sampled_from(F.FRAGMENTS), min_size=1, max_size=2).map("".join))
    start = int(where * len(session.text))
    for i, ch in enumerate(typed):
        bad = session.step_at(start + i, start + i, ch, probes=[where])
        assert not bad, bad
    for i in range(len(typed)):
        end = start + len(typed) - i
        bad = session.step_at(end - 1, end, "", probes=[where] if i % 4 == 0 else [])
        assert not bad, bad


def test_every_target_file_reparses_identically():
    ws, targets = _workspace()
    for path in targets:
        s = F.Session(ws, path)
        assert s.step(0.5, 0, "") == []


@pytest.mark.slow
def test_fuzz_long():
    """>= 10 000 edit sequences (minutes). `pytest -m slow tests/robustness/test_fuzz_core.py`."""
    sys.path.insert(0, str(F.REPO / "benchmarks"))
    import fuzz_long

    stats = fuzz_long.run(sequences=10_000, seed=20240501, quiet=True)
    assert stats.crashes == 0, stats.examples
    assert stats.violations == 0, stats.examples
