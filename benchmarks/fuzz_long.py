"""Long-running fuzzer of the analysis core: random edit sequences on real corpus files.

    python benchmarks/fuzz_long.py [--sequences 10000] [--seed N] [--steps 8] [--probes 2]

Each sequence picks a target file of the metric-hub corpus ($JETLS_CORPUS/metric-hub or
../shared/corpus/metric-hub) and applies 1..--steps random edits (typing fragments, deletions,
pastes of TOML/Jinja pieces, unclosed quotes and brackets, control characters, U+FFFD, lone
surrogates, emoji, line breaks). After every edit it checks, like tests/robustness/test_fuzz_core.py:
no exception escapes; diagnostic and related ranges lie inside their files; incremental tree ==
fresh parse; incremental snapshot diagnostics == fresh `ws.with_text` diagnostics; completion,
hover and definition answer at --probes random offsets.

Prints sequences run, steps, crashes (must be 0), invariant violations and time; exit status 1
when a crash or violation was seen (the first ones are printed with a reproducer).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "robustness"))

import fuzzkit as F  # noqa: E402


def run(sequences: int = 10_000, seed: int = 0, max_steps: int = 8, probes: int = 2, quiet: bool = False) -> F.Stats:
    root = F.corpus_root()
    if root is None:
        raise SystemExit("metric-hub corpus not found ($JETLS_CORPUS/metric-hub or ../shared/corpus/metric-hub)")
    t0 = time.perf_counter()
    ws, targets = F.load(root)
    load_s = time.perf_counter() - t0
    rng = random.Random(seed)
    stats = F.Stats()
    t0 = time.perf_counter()
    last = t0
    for i in range(sequences):
        path = rng.choice(targets)
        session = F.Session(ws, path)
        edits: list = []
        for _ in range(rng.randint(1, max_steps)):
            edit = F.random_edit(rng, len(session.text))
            edits.append(edit)
            try:
                bad = session.step(*edit, probes=[rng.random() for _ in range(probes)])
            except Exception as exc:  # a crash: record a reproducer and go on with the next sequence
                stats.crashes += 1
                stats.note(f"CRASH seq {i} {path} edits={edits!r}: {exc!r}\n{traceback.format_exc(limit=-6)}")
                break
            stats.steps += 1
            if bad:
                stats.violations += len(bad)
                stats.note(f"VIOLATION seq {i} {path} edits={edits!r}: {bad}")
        stats.sequences += 1
        if not quiet and time.perf_counter() - last > 30:
            last = time.perf_counter()
            print(f"  ... {stats.sequences} sequences, {stats.steps} steps, {stats.crashes} crashes, "
                  f"{stats.violations} violations, {last - t0:.0f} s", flush=True)
    elapsed = time.perf_counter() - t0
    stats.elapsed = elapsed  # type: ignore[attr-defined]
    if not quiet:
        print(f"corpus: {root} ({len(ws.files)} files, loaded in {load_s:.1f} s); targets: "
              + ", ".join(Path(t).name for t in targets))
        print(f"seed {seed}: {stats.sequences} sequences, {stats.steps} steps (edits), "
              f"{stats.steps * (1 + probes * 3)} checks+requests")
        print(f"crashes: {stats.crashes}")
        print(f"invariant violations: {stats.violations}")
        print(f"time: {elapsed:.1f} s ({1000 * elapsed / max(1, stats.steps):.1f} ms per step)")
        for ex in stats.examples:
            print(ex)
    return stats


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sequences", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=int(time.time()) % 100_000)
    ap.add_argument("--steps", type=int, default=8, help="max edits per sequence")
    ap.add_argument("--probes", type=int, default=2, help="completion/hover/definition offsets per step")
    args = ap.parse_args()
    stats = run(args.sequences, args.seed, args.steps, args.probes)
    return 1 if stats.crashes or stats.violations else 0


if __name__ == "__main__":
    sys.exit(main())
