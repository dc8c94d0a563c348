"""Did-you-mean: the closest of some candidates to a misspelled name (difflib's measure)."""

from __future__ import annotations

import difflib

from jetls.lru import weighed_lru


def suggest(name: str, candidates) -> str | None:
    return _suggestion(name, tuple(sorted(set(candidates))))


# keyed by the candidates too (a few hundred slugs at most: ~8 bytes each in the key's tuple)
@weighed_lru(1_000_000, lambda out, name, cands: 8 * len(cands) + 2 * len(name) + 150)
def _suggestion(name: str, cands: tuple[str, ...]) -> str | None:
    low = {c.lower(): c for c in cands}
    if name.lower() in low and low[name.lower()] != name:
        return low[name.lower()]
    out = _close_match(name, cands, 0.6)
    if out is None:
        m = _close_match(name.lower(), list(low), 0.6)
        if m is not None:
            out = low[m]
    return out


def _close_match(word: str, possibilities, cutoff: float) -> str | None:
    """`difflib.get_close_matches(word, possibilities, n=1, cutoff)[0]` (or None), exactly, but
    computing the expensive `ratio()` only for candidates whose upper bound (`quick_ratio()`)
    can still beat or tie the best match so far."""
    s = difflib.SequenceMatcher()
    s.set_seq2(word)
    bounded = []
    for x in possibilities:
        s.set_seq1(x)
        if s.real_quick_ratio() >= cutoff:
            q = s.quick_ratio()
            if q >= cutoff:
                bounded.append((q, x))
    if not bounded:
        return None
    bounded.sort(reverse=True)
    best: tuple[float, str] | None = None
    for q, x in bounded:
        if best is not None and q < best[0]:
            break
        s.set_seq1(x)
        r = s.ratio()
        if r >= cutoff and (best is None or (r, x) > best):
            best = (r, x)
    return best[1] if best is not None else None


def did_you_mean(s: str | None) -> str:
    """`; did you mean `x`?` for a suggestion, nothing without one."""
    return f"; did you mean `{s}`?" if s else ""
