"""The `str.format` layer: `{dataset}` in from expressions and `{select_expr}` in functions.toml
definitions, parsed as Python's format-string parser does, with problems (JET406) and a source
map that composes with Jinja's."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .model import Segment
from .sandbox import DIGITS


@dataclass
class _Field:
    start: int
    end: int
    name: str  # the field name ("" for positional)
    conversion: str | None
    spec: str


def _scan_format(text: str) -> tuple[list[tuple[int, int, int]], list[_Field], list[tuple[int, int, str]]]:
    """Mirror of Python's format-string parser.  Returns literal pieces (text_start, text_end,
    out_len) — a doubled brace is a 2-char piece producing one char —, fields, and errors."""
    literals: list[tuple[int, int, int]] = []
    fields: list[_Field] = []
    errors: list[tuple[int, int, str]] = []
    i, n = 0, len(text)
    lit_start = 0
    while i < n:
        c = text[i]
        if (c == "{" or c == "}") and i + 1 < n and text[i + 1] == c:  # `{{` / `}}`: one literal brace
            if lit_start < i:
                literals.append((lit_start, i, i - lit_start))
            literals.append((i, i + 2, 1))
            i += 2
            lit_start = i
            continue
        if c == "{":
            if lit_start < i:
                literals.append((lit_start, i, i - lit_start))
            depth, j = 1, i + 1
            while j < n and depth:
                if text[j] == "{":
                    depth += 1
                elif text[j] == "}":
                    depth -= 1
                j += 1
            if depth:
                errors.append((i, i + 1, "single `{` with no closing `}` (write `{{` for a literal brace)"))
                i = n
                lit_start = n
                break
            inner = text[i + 1 : j - 1]
            m = re.match(r"([^!:]*)(?:!([^:]*))?(?::(.*))?$", inner, re.S)
            name, conv, spec = (m.group(1), m.group(2), m.group(3) or "") if m else (inner, None, "")
            fields.append(_Field(i, j, name, conv, spec))
            i = j
            lit_start = i
            continue
        if c == "}":
            errors.append((i, i + 1, "single `}` (write `}}` for a literal brace)"))
            i += 1
            continue
        i += 1
    if lit_start < n:
        literals.append((lit_start, n, n - lit_start))
    return literals, fields, errors


def apply_format(
    text: str, allowed: str, value: str | None, missing_message: str, unsupported_message: str
) -> tuple[str | None, list[Segment], list[tuple[int, int, str, str]]]:
    """Apply `text.format(**{allowed: value})`; returns output, segments over `text`, and
    problems (start, end, code, message) positioned in `text`."""
    literals, fields, errors = _scan_format(text)
    problems: list[tuple[int, int, str, str]] = [(s, e, "JET406", m) for s, e, m in errors]
    for fl in fields:
        base = re.split(r"[.\[]", fl.name, maxsplit=1)[0]
        shown = text[fl.start : fl.end]
        if base != allowed:
            what = f"`{shown}`" if fl.name else f"`{shown}` (a positional placeholder)"
            problems.append((fl.start, fl.end, "JET406", f"unsupported placeholder {what}: {unsupported_message}"))
        elif fl.name != allowed or fl.conversion not in (None, "s", "r", "a"):
            problems.append(
                (fl.start, fl.end, "JET406", f"unsupported placeholder `{shown}`: write just `{{{allowed}}}`")
            )
        elif value is None:
            problems.append((fl.start, fl.end, "JET406", missing_message))
        elif fl.spec and ("{" in fl.spec or any(len(d) > 5 for d in DIGITS.findall(fl.spec))):
            problems.append((fl.start, fl.end, "JET406", f"unsupported format spec in `{shown}`"))
    if problems:
        return None, [], problems
    pieces: list[tuple[int, int, str, bool]] = []  # text_start, text_end, out, exact
    for s, e, ln in literals:
        pieces.append((s, e, text[s:e] if ln == e - s else text[s], ln == e - s))
    for fl in fields:
        v = str(value)
        if fl.conversion == "r":
            v = repr(v)
        elif fl.conversion == "a":
            v = ascii(v)
        try:
            v = format(v, fl.spec)
        except (ValueError, TypeError) as exc:
            return (
                None,
                [],
                [(fl.start, fl.end, "JET406", f"invalid format spec in `{text[fl.start : fl.end]}`: {exc}")],
            )
        pieces.append((fl.start, fl.end, v, False))
    pieces.sort()
    out: list[str] = []
    segs: list[Segment] = []
    pos = 0
    for s, e, o, exact in pieces:
        if not o:
            continue
        label = None if exact else f"the value substituted for `{text[s:e]}`"
        segs.append(Segment(pos, pos + len(o), s, e, exact, label))
        out.append(o)
        pos += len(o)
    return "".join(out), segs, []


def compose(outer: list[Segment], inner: list[Segment], inner_len: int) -> list[Segment]:
    """outer maps final → intermediate, inner maps intermediate → source."""
    if not inner:
        return outer
    starts = [s.out_start for s in inner]
    res: list[Segment] = []
    for o in outer:
        a, b = o.src_start, o.src_end
        k = max(bisect.bisect_right(starts, a) - 1, 0)
        if o.exact:
            pos = o.out_start
            x = a
            while x < b and k < len(inner):
                seg = inner[k]
                if seg.out_end <= x:
                    k += 1
                    continue
                y = min(b, seg.out_end)
                if seg.exact:
                    off = seg.src_start + (x - seg.out_start)
                    res.append(Segment(pos, pos + (y - x), off, off + (y - x), True))
                else:
                    if res and not res[-1].exact and res[-1].src_start == seg.src_start and res[-1].out_end == pos:
                        last = res.pop()
                        res.append(Segment(last.out_start, pos + (y - x), seg.src_start, seg.src_end, False, seg.label))
                    else:
                        res.append(Segment(pos, pos + (y - x), seg.src_start, seg.src_end, False, seg.label))
                pos += y - x
                x = y
                k += 1
        else:
            srcs = [seg for seg in inner if seg.out_end > a and seg.out_start < max(b, a + 1)]
            if srcs:
                s0 = min(
                    seg.src_start + (max(a, seg.out_start) - seg.out_start) if seg.exact else seg.src_start
                    for seg in srcs
                )
                e0 = max(
                    seg.src_start + (min(b, seg.out_end) - seg.out_start) if seg.exact else seg.src_end for seg in srcs
                )
                labels = [seg.label for seg in srcs if seg.label]
                res.append(Segment(o.out_start, o.out_end, s0, e0, False, o.label or (labels[0] if labels else None)))
    return res
