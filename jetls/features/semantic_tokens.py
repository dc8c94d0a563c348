"""Semantic tokens for slugs (definitions and references) and template parts.

``tokens(ws, path) -> list[(start, end, type, modifiers)]`` with ``type`` in TOKEN_TYPES and
``modifiers`` a tuple of MODIFIERS names. Tokens never span lines and never overlap.
"""

from __future__ import annotations

import re

from jetls.schema import lookup
from jetls.syntax import Array, String
from jetls.workspace import Workspace
from jetls.workspace.search import occurrences_in

#: Token types legend (standard LSP names so themes colour them).
TOKEN_TYPES: tuple[str, ...] = (
    "variable",
    "type",
    "enumMember",
    "function",
    "parameter",
    "macro",
    "namespace",
    "property",
)
#: Token modifiers legend.
MODIFIERS: tuple[str, ...] = ("definition", "defaultLibrary", "deprecated")

#: Slug kind -> token type.
KIND_TOKEN = {
    "metric": "variable",
    "data_source": "type",
    "segment_data_source": "type",
    "segment": "enumMember",
    "function": "function",
    "parameter": "parameter",
    "outcome": "namespace",
    "dimension": "property",
    "experiment_attribute": "property",
}

_DELIM = re.compile(r"\{\{-?|-?\}\}|\{%-?|-?%\}")
_VARS = re.compile(r"(?<![\w.])(parameters|experiment)\b")
_TAG = re.compile(r"\{\{.*?(?:\}\}|$)|\{%.*?(?:%\}|$)", re.S)


_ATTR = re.compile(r"(?<![\w.])experiment\s*\.\s*([A-Za-z_]\w*)")


def tokens(ws: Workspace, path: str) -> list[tuple[int, int, str, tuple[str, ...]]]:
    file = ws.file(path)
    if file is None:
        return []
    out: list[tuple[int, int, str, tuple[str, ...]]] = []
    for o in occurrences_in(file):
        t = KIND_TOKEN.get(o.kind)
        if t is None:
            continue
        out.append((o.span[0], o.span[1], t, ("definition",) if o.definition else ()))
    # template delimiters and variables in template fields
    kind = file.kind
    for entry in file.doc.entries():
        try:
            node = lookup(kind, entry.path)
        except Exception:  # noqa: BLE001
            node = None
        if node is None or not getattr(node, "template", None) or getattr(node, "template", None) == "format":
            continue
        strings = (
            [entry.value]
            if isinstance(entry.value, String)
            else [i for i in entry.value.items if isinstance(i, String)]
            if isinstance(entry.value, Array)
            else []
        )
        for s in strings:
            value = s.value
            if "{" not in value:
                continue
            d = entry.delta
            for tag in _TAG.finditer(value):
                body = tag.group()
                for m in _DELIM.finditer(body):
                    a = tag.start() + m.start()
                    out.append((s.offset_of(a) + d, s.offset_of(a + len(m.group())) + d, "macro", ()))
                for m in _VARS.finditer(body):
                    a = tag.start() + m.start(1)
                    out.append(
                        (s.offset_of(a) + d, s.offset_of(a + len(m.group(1))) + d, "variable", ("defaultLibrary",))
                    )
                if "experiment" in (getattr(node, "template_scope", ()) or ()):
                    for m in _ATTR.finditer(body):
                        a, b = tag.start() + m.start(1), tag.start() + m.end(1)
                        out.append((s.offset_of(a) + d, s.offset_of(b) + d, "property", ()))
    # single-line, sorted, no overlaps
    text = file.text
    out = [tok for tok in out if tok[1] > tok[0] and "\n" not in text[tok[0] : tok[1]]]
    out.sort(key=lambda tok: (tok[0], -tok[1]))
    clean: list[tuple[int, int, str, tuple[str, ...]]] = []
    last_end = -1
    for tok in out:
        if tok[0] >= last_end:
            clean.append(tok)
            last_end = tok[1]
    return clean


def encode(ws: Workspace, path: str) -> list[int]:
    """LSP relative encoding (line, start char, length, type index, modifier bits) in code
    points; the server converts columns if the client uses UTF-16."""
    file = ws.file(path)
    if file is None:
        return []
    lines = file.tree.lines
    data: list[int] = []
    prev_line, prev_col = 0, 0
    for start, end, typ, mods in tokens(ws, path):
        line = lines.line_of(start)
        col = start - lines.starts[line]
        bits = 0
        for m in mods:
            bits |= 1 << MODIFIERS.index(m)
        dl = line - prev_line
        dc = col - prev_col if dl == 0 else col
        data += [dl, dc, end - start, TOKEN_TYPES.index(typ), bits]
        prev_line, prev_col = line, col
    return data
