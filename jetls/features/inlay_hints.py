"""Inlay hints: the platform an experiment config is analysed on (and why), and what a template's
`parameters.<name>` renders to. Short labels; the full story is in the tooltip."""

from __future__ import annotations

import re
from dataclasses import dataclass

from jetls.document import Table
from jetls.schema import FileKind
from jetls.syntax import String
from jetls.workspace import Workspace
from jetls.workspace.parser import parser_choice
from jetls.workspace.scope import scope_of

_MAX_LABEL = 40
_PARAM = re.compile(r"\bparameters\s*(?:\.\s*([A-Za-z_]\w*)|\[\s*['\"]([^'\"]+)['\"]\s*\])")


@dataclass(frozen=True)
class InlayHint:
    offset: int  # where the hint is shown (after the text before it)
    label: str
    tooltip: str = ""  # markdown
    kind: str = "type"  # "type" | "parameter"
    padding_left: bool = True


def inlay_hints(ws: Workspace, path: str, start: int = 0, end: int | None = None) -> list[InlayHint]:
    sf = ws.file(path)
    if sf is None:
        return []
    end = len(sf.text) if end is None else end
    out: list[InlayHint] = []
    if sf.kind is FileKind.EXPERIMENT:
        hint = _platform_hint(ws, sf)
        if hint is not None and start <= hint.offset <= end:
            out.append(hint)
    out.extend(h for h in _parameter_hints(ws, sf, start, end))
    return out


def _platform_hint(ws: Workspace, sf) -> InlayHint | None:
    choice = ws.platform_of(sf.path)
    if choice is None:
        return None
    exp = sf.doc.root.items.get("experiment")
    if isinstance(exp, Table) and exp.kind == "header" and exp.decl is not None:
        offset = sf.text.find("]", exp.decl[1])
        offset = offset + 1 if offset >= 0 else exp.decl[1]
    else:  # no [experiment] table: at the end of the first line
        nl = sf.text.find("\n")
        offset = len(sf.text) if nl < 0 else nl
    how = {"option": "setting", "directive": "comment", "inferred": "inferred", "default": "default"}.get(
        choice.source, choice.source
    )
    tooltip = f"Analysed as **`{choice.platform}`**: {choice.reason}."
    if choice.source in ("default", "inferred"):
        tooltip += "\n\nOverride with a `# jetls: platform=<name>` comment or the `jetls.platform` setting."
    parser = parser_choice(ws)
    tooltip += f"\n\nJudged by the rules of metric-config-parser {parser.release}: {parser.reason}."
    return InlayHint(offset, f"{choice.platform} · {how}", tooltip)


def _parameter_hints(ws: Workspace, sf, start: int, end: int) -> list[InlayHint]:
    if "parameters" not in sf.text:
        return []
    scope = scope_of(ws, sf.path)
    values = scope.parameter_values() if scope is not None else {}
    if not values:
        return []
    out = []
    for e in sf.doc.entries():
        s, t = e.span
        if t < start or s > end or not isinstance(e.value, String) or "parameters" not in e.value.value:
            continue
        value = e.value.value
        for m in _PARAM.finditer(value):
            name = m.group(1) or m.group(2)
            if name not in values:
                continue
            shown = _short(values[name])
            at = e.value.offset_of(m.end()) + e.delta
            out.append(
                InlayHint(
                    at,
                    f"= {shown}",
                    f"`parameters.{name}` renders as:\n\n```sql\n{values[name]}\n```",
                    kind="parameter",
                )
            )
    return out


def _short(value: str) -> str:
    branches = re.findall(r'WHEN "([^"]*)" THEN "([^"]*)"', value)
    text = ", ".join(f"{b}: {v}" for b, v in branches) if branches else value
    text = " ".join(text.split())
    return text if len(text) <= _MAX_LABEL else text[: _MAX_LABEL - 1] + "…"
