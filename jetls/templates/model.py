"""The values of the template layer: what a string is rendered with (`TemplateContext`), what
it renders to (`Rendered`, with its source map: `Segment`s), and the problems found in it."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

from jetls.diagnostics import Problem

FIELDS = frozenset(
    {
        "metric_select",
        "segment_select",
        "segment_from",
        "data_source_from",
        "enrollment_query",
        "exposure_select",
        "function_definition",
    }
)


def problem(
    code: str, start: int, end: int, message: str, severity: str | None = None, replacement: str | None = None
) -> Problem:
    """`replacement`: a did-you-mean, the text that should replace [start, end) (a quick fix)."""
    return Problem(
        start,
        max(end, start),
        code,
        severity or ("warning" if code == "JET407" else "error"),
        message,
        {"replacement": replacement} if replacement else None,
    )


#: id(functions mapping) → (the mapping, its sorted items): the same immutable mapping of an
#: index is passed for every template of a check; sort it once.
_FUNCTIONS_KEYS: dict[int, tuple[Mapping[str, str], tuple]] = {}


@dataclass(frozen=True)
class TemplateContext:
    functions: Mapping[str, str]
    parameters: Mapping[str, str] | None
    experiment: bool = False
    field: str = "metric_select"
    default_dataset: str | None = None

    def key(self) -> tuple:
        """A hashable, content-based identity (for caches)."""
        k = self.__dict__.get("_key")
        if k is None:
            k = self._make_key()
            try:
                hash(k)
            except TypeError:
                return k
            self.__dict__["_key"] = k  # frozen: memoised outside the fields
        return k

    def _make_key(self) -> tuple:
        functions = self.functions
        fk = _FUNCTIONS_KEYS.get(id(functions)) if functions else None
        if fk is not None and fk[0] is functions:
            fkey = fk[1]
        else:
            fkey = tuple(sorted(functions.items())) if functions else ()
            if functions and isinstance(functions, MappingProxyType):  # an index's cached mapping
                if len(_FUNCTIONS_KEYS) > 64:
                    _FUNCTIONS_KEYS.clear()
                _FUNCTIONS_KEYS[id(functions)] = (functions, fkey)
        return (
            fkey,
            None if self.parameters is None else tuple(sorted(self.parameters.items())),
            bool(self.experiment),
            self.field,
            self.default_dataset,
        )


# A map segment: rendered [out_start, out_end) came from source [src_start, src_end).
# exact → character by character; otherwise the whole rendered range maps to the whole
# source range, and `label` says what produced it ("the expansion of `agg_sum(...)`").
@dataclass(frozen=True)
class Segment:
    out_start: int
    out_end: int
    src_start: int
    src_end: int
    exact: bool
    label: str | None = None


@dataclass(frozen=True)
class Rendered:
    text: str | None
    problems: tuple[Problem, ...]
    segments: tuple[Segment, ...] = field(default=(), repr=False, compare=False)
    # normalised-source offset -> source offset (only when the source contains "\r")
    _n2o: tuple[int, ...] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", [s.out_start for s in self.segments])

    def _orig(self, o: int) -> int:
        if self._n2o is None:
            return o
        return self._n2o[min(max(o, 0), len(self._n2o) - 1)]

    def _seg_at(self, i: int) -> Segment | None:
        if not self.segments:
            return None
        k = bisect.bisect_right(self._starts, i) - 1  # type: ignore[attr-defined]
        if k < 0:
            k = 0
        seg = self.segments[k]
        # skip empty segments backwards/forwards to one that contains i
        if not (seg.out_start <= i < seg.out_end):
            for cand in self.segments[k:]:
                if cand.out_start <= i < cand.out_end:
                    return cand
                if cand.out_start > i:
                    break
        return seg

    def source_offset(self, i: int) -> tuple[int, int]:
        """Rendered index → span in the source (an expression's whole tag if inside one)."""
        seg = self._seg_at(i)
        if seg is None:
            return (0, 0)
        if i >= seg.out_end:  # past the end of the text
            if seg.exact:
                e = self._orig(seg.src_end)
                return (e, e)
            return (self._orig(seg.src_start), self._orig(seg.src_end))
        if seg.exact:
            o = seg.src_start + (i - seg.out_start)
            return (self._orig(o), self._orig(o + 1))
        return (self._orig(seg.src_start), self._orig(seg.src_end))

    def source_span(self, start: int, end: int) -> tuple[int, int, tuple[str, ...]]:
        """Rendered range → (source start, source end, labels of expansions it touches)."""
        if not self.segments:
            return (0, 0, ())
        end = max(end, start)
        s0, e0 = self.source_offset(start)
        if end > start:
            s1, e1 = self.source_offset(end - 1)
        else:
            s1, e1 = s0, e0
        labels: list[str] = []
        k = max(bisect.bisect_right(self._starts, start) - 1, 0)  # type: ignore[attr-defined]
        for seg in self.segments[k:]:
            if seg.out_start > max(end - 1, start):
                break
            if seg.out_end > start or (seg.out_start == start == end):
                if not seg.exact and seg.label and seg.label not in labels:
                    labels.append(seg.label)
        return (min(s0, s1), max(e0, e1, s0), tuple(labels))


def normalise(source: str) -> tuple[str, tuple[int, ...] | None]:
    if "\r" not in source:
        return source, None
    out: list[str] = []
    n2o: list[int] = []
    i = 0
    while i < len(source):
        c = source[i]
        n2o.append(i)
        if c == "\r":
            out.append("\n")
            i += 2 if source.startswith("\r\n", i) else 1
        else:
            out.append(c)
            i += 1
    n2o.append(len(source))
    return "".join(out), tuple(n2o)


def identity(text: str) -> list[Segment]:
    return [Segment(0, len(text), 0, len(text), True)] if text else []
