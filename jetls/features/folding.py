"""Folding ranges: tables, multi-line strings and arrays, comment blocks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jetls.syntax import Array, InlineTable, String
from jetls.workspace import Workspace


@dataclass(frozen=True)
class FoldingRange:
    start_line: int  # 0-based
    end_line: int  # inclusive
    kind: str  # "region" | "comment"
    start: int  # absolute offsets of the folded text
    end: int


def folding_ranges(ws: Workspace, path: str) -> list[FoldingRange]:
    file = ws.file(path)
    if file is None:
        return []
    tree = file.tree
    text = tree.text
    lines = tree.lines
    out: list[FoldingRange] = []

    def add(start: int, end: int, kind: str = "region") -> None:
        while end > start and text[end - 1] in " \t\r\n":
            end -= 1
        a, b = lines.line_of(start), lines.line_of(max(start, end - 1) if end > start else start)
        if b > a:
            out.append(FoldingRange(a, b, kind, start, end))

    for chunk in tree.chunks:
        t, d = chunk.tree, chunk.delta
        if t.header is not None:
            add(t.header.start + d, chunk.end)
        stack: list[Any] = [kv.value for kv in reversed(t.entries)]  # a stack, not a recursive closure (a cycle)
        while stack:
            v = stack.pop()
            if isinstance(v, String) and v.style.startswith("ml"):
                add(v.start + d, v.end + d)
            elif isinstance(v, Array):
                add(v.start + d, v.end + d)
                stack.extend(reversed(v.items))
            elif isinstance(v, InlineTable):
                stack.extend(kv.value for kv in reversed(v.entries))
        # comment blocks: consecutive lines holding only a comment
        block: list[tuple[int, int]] = []
        for c in t.comments:
            s, e = c.start + d, c.end + d
            line_start = text.rfind("\n", 0, s) + 1
            only = text[line_start:s].strip() == ""
            if only and block and lines.line_of(s) == lines.line_of(block[-1][0]) + 1:
                block.append((s, e))
            else:
                if len(block) > 1:
                    add(block[0][0], block[-1][1], "comment")
                block = [(s, e)] if only else []
        if len(block) > 1:
            add(block[0][0], block[-1][1], "comment")
    out.sort(key=lambda r: (r.start_line, -r.end_line))
    return out
