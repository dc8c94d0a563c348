"""What the benchmark scripts share: where the corpus is, and how a series of times is printed."""

from __future__ import annotations

import os
import statistics
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def corpus_root() -> Path:
    """$JETLS_CORPUS, else ../shared/corpus beside the repository (as in tests/corpus.py)."""
    return Path(os.environ.get("JETLS_CORPUS") or REPO.parent / "shared" / "corpus")


def stats(xs: list[float]) -> str:
    """Median and p95 of times in seconds, printed in milliseconds."""
    xs = sorted(xs)
    med = statistics.median(xs) * 1000
    p95 = xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))] * 1000
    return f"median {med:7.2f} ms   p95 {p95:7.2f} ms   (n={len(xs)})"
