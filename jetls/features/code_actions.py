"""Code actions: did-you-mean fixes, define a missing metric, add a statistic, remove ignored keys.

Edits are returned, never written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from jetls.diagnostics import Tag

from . import _ws
from .context import context_at
from .navigation import TextEdit


@dataclass(frozen=True)
class CodeAction:
    title: str
    kind: str  # "quickfix" | "refactor" | "refactor.rewrite" | "source"
    edits: dict[str, list[TextEdit]]
    diagnostics: tuple[Any, ...] = ()
    is_preferred: bool = False


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 <= b1 and b0 <= a1


def _append_at_end(text: str, block: str) -> TextEdit:
    end = len(text)
    sep = "" if text.endswith("\n\n") or not text else ("\n" if text.endswith("\n") else "\n\n")
    return TextEdit(end, end, sep + block)


def metric_skeleton(slug: str) -> str:
    return (f"[metrics.{slug}]\n"
            f'friendly_name = "{slug.replace("_", " ").capitalize()}"\n'
            f'description = ""\n'
            f'select_expression = ""\n'
            f'data_source = ""\n'
            f"\n[metrics.{slug}.statistics.bootstrap_mean]\n")


def _line_span(text: str, start: int, end: int) -> tuple[int, int]:
    ls = text.rfind("\n", 0, start) + 1
    le = text.find("\n", end)
    le = len(text) if le < 0 else le + 1
    return ls, le


def _entry_at(file: Any, offset: int) -> Any:
    for e in _ws.iter_entries(file.doc):
        ks, ke = e.key_span
        if ks <= offset <= ke:
            return e
    return None


def _table_end(file: Any, table_path: tuple[str, ...]) -> int:
    """Offset just after the last chunk whose header is ``table_path`` or below it."""
    text = file.text
    end = None
    for chunk in file.tree.chunks:
        h = chunk.tree.header
        if h is not None and h.key.names[: len(table_path)] == table_path:
            end = chunk.end
    if end is None:
        return len(text)
    while end > 0 and text[end - 1] in " \t\r\n":
        end -= 1
    return end


def code_actions(ws: Any, path: str, start: int, end: int, diagnostics: Sequence[Any] = ()) -> list[CodeAction]:
    file = _ws.get_file(ws, path)
    if file is None:
        return []
    path = str(file.path)
    text = file.text
    out: list[CodeAction] = []
    defined_here: set[str] = set()
    for diag in diagnostics:
        ds, de = diag.start, diag.end
        if not _overlaps(ds, de, start, end):
            continue
        data = getattr(diag, "data", None) or {}
        rep = data.get("replacement") or data.get("replace_with")
        if isinstance(rep, str) and rep:
            out.append(CodeAction(f"Replace with '{rep}'", "quickfix", {path: [TextEdit(ds, de, rep)]}, (diag,), True))
        tags = tuple(getattr(diag, "tags", ()) or ())
        if Tag.UNNECESSARY in tags or 1 in tags:
            e = _entry_at(file, ds)
            if e is not None:
                a, b = _line_span(text, *e.span)
                if text[a : e.span[0]].strip() == "" and text[e.span[1] : b].strip() in ("",) or text[e.span[1] : b].lstrip().startswith("#"):
                    out.append(CodeAction(f"Remove ignored key '{e.name}'", "quickfix", {path: [TextEdit(a, b, "")]}, (diag,),
                                          not rep))
        # An unresolved metric reference: define it here.
        o = _ws.occurrence_at(ws, file, ds)
        if o is not None and o.kind == "metric" and not o.is_definition and _ws.SLUG_RE.match(o.slug) \
                and o.slug not in defined_here and _ws.kind_of(file).value in ("experiment", "outcome", "defaults", "definitions") \
                and file.doc.lookup(("metrics", o.slug)) is None:
            msg = getattr(diag, "message", "")
            if not rep or "locate" in msg or "not defined" in msg or "No definition" in msg or "unknown" in msg.lower():
                defined_here.add(o.slug)
                out.append(CodeAction(f"Define metric '{o.slug}' here", "quickfix",
                                      {path: [_append_at_end(text, metric_skeleton(o.slug))]}, (diag,), False))
    # Refactor: add a statistic to a metric table without any.
    ctx = context_at(ws, path, start)
    if ctx is not None:
        for p in (ctx.key_path, ctx.table_path):
            tk = _ws.table_kind(tuple(p)) if p else None
            if tk is None or tk[0] != "metric":
                continue
            slug = tk[1]
            stats = file.doc.lookup(("metrics", slug, "statistics"))
            if stats is None or not getattr(stats, "items", None):
                table = file.doc.lookup(("metrics", slug))
                if table is not None and getattr(table, "kind", "") in ("header", "implicit"):
                    pos = _table_end(file, ("metrics", slug))
                    edit = TextEdit(pos, pos, f"\n\n[metrics.{slug}.statistics.bootstrap_mean]")
                    out.append(CodeAction(f"Add a statistic (bootstrap_mean) to '{slug}'", "refactor", {path: [edit]}))
            break
    return out
