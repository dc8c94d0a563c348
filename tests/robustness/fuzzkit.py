"""Shared machinery of the robustness fuzzers (hypothesis tests and benchmarks/fuzz_long.py).

An edit is `(where, length, insert)`: `where` in [0, 1] is a fraction of the current text length,
`length` how many characters the edit replaces, `insert` the new text. `step` applies one edit
to the incremental state (tree.edit -> ws.with_tree, chained like the server does) and checks
the invariants against a fresh `ws.with_text` of the same text; it returns the violations found
(an empty list when all hold) and lets exceptions escape (the caller counts them as crashes).
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field
from pathlib import Path

from jetls.checks import check_file
from jetls.features.completion import complete
from jetls.features.hover import hover
from jetls.features.navigation import definition
from jetls.options import Options
from jetls.syntax import parse
from jetls.syntax.tree import dump
from jetls.workspace import Workspace

REPO = Path(__file__).resolve().parents[2]

#: Fragments an editor may send: TOML pieces, unclosed quotes and brackets, Jinja, control
#: characters, U+FFFD and lone surrogates (what a bad decode leaves), BOM, emoji, CRLF.
FRAGMENTS = [
    '"', "'", '"""', "'''", "[", "]", "[[", "]]", "{", "}", ",", "=", ".", "#", "\\", "\n", "\r\n", "\r", "\t",
    " ", "x", "a = ", "= {", "[metrics.x]\n", "[[a]]\n", "[metrics]\n", "[experiment]\n", "weekly = [\"",
    "overall = ['", "select_expression = \"", "data_source = \"", "from_expression = '", "friendly_name = ",
    "statistics.bootstrap_mean", "[metrics.m.statistics.bootstrap_mean]\n", "[data_sources.d]\n",
    "[segments.s]\n", "[segments.data_sources.sd]\n", "enrollment_query = \"\"\"", "{{", "}}", "{%", "%}",
    "{{ agg_sum(", "{{ experiment.", "{{ parameters.", "{% for x in range(3) %}", "{% endfor %}",
    "{dataset}", "{select_expr}", "SELECT ", "FROM ", "(", ")", "1979-05-27", "1979-05-27T07:32:00Z",
    "0x1F", "inf", "nan", "true", "1_000", "-0.0", "\x00", "\x07", "\x1b[31m", "\x7f", "\u0085", "\u2028",
    "\ufffd", "\ufeff", "\ud800", "\udfff", "é", "😀", "👩‍👩‍👧", "\U0010ffff", "ﬃ", "\u200b",
]


@dataclass
class Stats:
    sequences: int = 0
    steps: int = 0
    crashes: int = 0
    violations: int = 0
    examples: list[str] = field(default_factory=list)

    def note(self, what: str) -> None:
        if len(self.examples) < 20:
            self.examples.append(what)


def corpus_root() -> Path | None:
    cands = []
    if os.environ.get("JETLS_CORPUS"):
        cands.append(Path(os.environ["JETLS_CORPUS"]) / "metric-hub")
    cands.append(REPO.parent / "shared" / "corpus" / "metric-hub")
    for c in cands:
        if (c / "definitions").is_dir():
            return c
    return None


#: Files the fuzzers edit, relative to the corpus root: experiment configs of several shapes,
#: a definitions file (with segments and data sources) and functions.toml.
TARGETS = [
    "jetstream/reminder-set-firefox-as-default.toml",
    "jetstream/1-click-pin-experiment.toml",
    "definitions/focus_ios.toml",
    "definitions/functions.toml",
]


def load(root: Path, options: Options | None = None) -> tuple[Workspace, list[str]]:
    """The corpus workspace (index built) and the target paths that exist in it."""
    ws = Workspace.load(root, options or Options())
    ws.index  # build once; every derived snapshot starts from it
    targets = [str(root / t) for t in TARGETS if (root / t).is_file()]
    if not targets:  # a different corpus: take a few experiment configs
        targets = [p for p in sorted(ws.files) if "/jetstream/" in p][:3]
    # a big definitions file is too slow per step for the default run; small ones are chosen
    return ws, targets


def apply(text: str, where: float, length: int, insert: str) -> tuple[int, int]:
    start = int(where * len(text))
    start = max(0, min(start, len(text)))
    return start, min(len(text), start + length)


def _key(d) -> tuple:
    return (d.code, int(d.severity), d.start, d.end, d.message, tuple((r.start, r.end, r.message, r.path) for r in d.related))


def check_ranges(ws: Workspace, path: str, text: str, diags) -> list[str]:
    bad = []
    n = len(text)
    for d in diags:
        if not (0 <= d.start <= d.end <= n):
            bad.append(f"diagnostic {d.code} range {d.start}..{d.end} outside 0..{n}: {d.message[:80]}")
        for r in d.related:
            if r.path is None or r.path == path:
                m = n
            else:
                f = ws.file(r.path)
                if f is None:
                    bad.append(f"related of {d.code} points to a file not in the workspace: {r.path}")
                    continue
                m = len(f.text)
            if not (0 <= r.start <= r.end <= m):
                bad.append(f"related of {d.code} range {r.start}..{r.end} outside 0..{m} ({r.path})")
    return bad


class Session:
    """One edit sequence on one file: the incremental snapshot chain and the text."""

    def __init__(self, base: Workspace, path: str, options: Options | None = None) -> None:
        self.base = base
        self.path = path
        self.options = options or base.options
        f = base.file(path)
        self.tree = f.tree if f is not None else parse("")
        self.ws = base

    @property
    def text(self) -> str:
        return self.tree.text

    def step(self, where: float, length: int, insert: str, probes: list[float] = (), compare_trees: bool = True) -> list[str]:
        """Apply one edit and check every invariant. Exceptions escape (the caller counts them)."""
        start, end = apply(self.text, where, length, insert)
        return self.step_at(start, end, insert, probes, compare_trees)

    def step_at(self, start: int, end: int, insert: str, probes: list[float] = (), compare_trees: bool = True) -> list[str]:
        """`step` with absolute offsets: replace text[start:end] by insert."""
        self.tree = self.tree.edit(start, end, insert)
        text = self.tree.text
        self.ws = self.ws.with_tree(self.path, self.tree)
        bad: list[str] = []
        if compare_trees and dump(self.tree) != dump(parse(text)):
            bad.append("incremental tree differs from a fresh parse")
        inc = check_file(self.ws, self.path, self.options).diagnostics
        fresh_ws = self.base.with_text(self.path, text)
        fresh = check_file(fresh_ws, self.path, self.options).diagnostics
        bad += check_ranges(self.ws, self.path, text, inc)
        ki, kf = sorted(map(_key, inc)), sorted(map(_key, fresh))
        if ki != kf:
            only_i = [k for k in ki if k not in kf][:3]
            only_f = [k for k in kf if k not in ki][:3]
            bad.append(f"incremental diagnostics differ from fresh: only incremental {only_i}, only fresh {only_f}")
        n = len(text)
        for p in probes:
            off = max(0, min(n, int(p * n)))
            items = complete(self.ws, self.path, off)
            assert isinstance(items, list)
            for it in items:
                rs = getattr(it, "replace_span", None)
                if rs is not None and not (0 <= rs[0] <= rs[1] <= n):
                    bad.append(f"completion {it.label!r} replace span {rs} outside 0..{n}")
            h = hover(self.ws, self.path, off)
            if h is not None and not (0 <= h.start <= h.end <= n):
                bad.append(f"hover range {h.start}..{h.end} outside 0..{n}")
            for loc in definition(self.ws, self.path, off):
                f = self.ws.file(loc.path)
                m = len(f.text) if f is not None else None
                if m is None or not (0 <= loc.start <= loc.end <= m):
                    bad.append(f"definition {loc.path}:{loc.start}..{loc.end} outside its file")
        return bad


def random_edit(rng: random.Random, text_len: int) -> tuple[float, int, str]:
    """The long fuzzer's edit generator (the hypothesis strategy below draws the same shapes)."""
    kind = rng.random()
    where = rng.random()
    if kind < 0.35:  # typing: one or a few fragments inserted
        return where, 0, "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(1, 3)))
    if kind < 0.55:  # deletion (backspace, selection delete)
        return where, rng.choice([1, 1, 2, 5, 20, 200]), ""
    if kind < 0.7:  # replace a selection by a fragment
        return where, rng.randint(1, 30), rng.choice(FRAGMENTS)
    if kind < 0.8:  # paste of random TOML-ish text
        return where, rng.choice([0, 0, 10]), "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(4, 20)))
    if kind < 0.9:  # random unicode, control characters included
        return where, rng.randint(0, 3), "".join(chr(rng.choice([rng.randint(0, 0x7F), rng.randint(0, 0x2FFF), rng.randint(0x1F300, 0x1FAFF), 0xFFFD])) for _ in range(rng.randint(1, 8)))
    if kind < 0.95:  # cut a line out
        return where, rng.randint(10, 80), ""
    return where, rng.randint(0, 5), rng.choice(["\n", "\r\n", "\r"]) * rng.randint(1, 3)


def hypothesis_edits():
    from hypothesis import strategies as st

    frag = st.sampled_from(FRAGMENTS)
    insert = (
        st.lists(frag, min_size=1, max_size=6).map("".join)
        | st.text(max_size=8)
        | st.text(st.characters(codec=None, categories=("Cc", "Cs", "So", "Zl", "Zp", "Cf")), max_size=4)
        | st.just("")
    )
    return st.tuples(st.floats(0, 1), st.integers(0, 60), insert)
