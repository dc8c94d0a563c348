"""Code actions: the fixes the checks attached to their diagnostics, and refactors at the cursor.

Edits are returned, never written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from jetls.diagnostics import Diagnostic, TextEdit
from jetls.document import build
from jetls.document.edits import add_table, apply_to_tree
from jetls.workspace import Workspace
from jetls.workspace.search import slug_table

from .context import context_at


@dataclass(frozen=True)
class CodeAction:
    title: str
    kind: str  # "quickfix" | "refactor" | "refactor.rewrite" | "source"
    edits: dict[str, list[TextEdit]]
    diagnostics: tuple[Diagnostic, ...] = ()
    is_preferred: bool = False


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 <= b1 and b0 <= a1


def code_actions(
    ws: Workspace, path: str, start: int, end: int, diagnostics: Sequence[Diagnostic] = ()
) -> list[CodeAction]:
    """Quick fixes of the `diagnostics` (the file's, with their fixes) that touch [start, end],
    then refactors available at `start`."""
    sf = ws.file(path)
    if sf is None:
        return []
    out: list[CodeAction] = []
    for diag in diagnostics:
        if not _overlaps(diag.start, diag.end, start, end):
            continue
        for fix in diag.fixes:
            edits: dict[str, list[TextEdit]] = {}
            for p, file_edits in fix.edits:
                edits.setdefault(p or sf.path, []).extend(file_edits)
            if keeps_toml_valid(ws, edits):
                out.append(CodeAction(fix.title, "quickfix", edits, (diag,), fix.preferred))
    out.extend(_refactors(ws, sf, start))
    return out


def keeps_toml_valid(ws: Workspace, edits: dict[str, list[TextEdit]]) -> bool:
    """Whether the edits leave every file they touch with no more TOML errors than before: a
    fix that would write a duplicate key (a did-you-mean onto a key the table already has) or
    extend an inline table is not offered, whatever check attached it."""
    for path, file_edits in edits.items():
        sf = ws.file(path)
        if sf is None:
            continue
        before = len(sf.doc.syntax_diagnostics())
        if len(build(apply_to_tree(sf.tree, file_edits)).syntax_diagnostics()) > before:
            return False
    return True


def _refactors(ws: Workspace, sf, offset: int) -> list[CodeAction]:
    """Add a statistic to a metric table of this file that has none."""
    ctx = context_at(ws, sf.path, offset)
    if ctx is None:
        return []
    for p in (ctx.key_path, ctx.table_path):
        hit = slug_table(tuple(p)) if p else None
        if hit is None or hit[0] != "metric":
            continue
        slug = hit[1]
        stats = sf.doc.lookup(("metrics", slug, "statistics"))
        if stats is None or not getattr(stats, "items", None):
            edit = add_table(sf.doc, sf.tree, ("metrics", slug, "statistics", "bootstrap_mean"), {})
            if edit is not None:
                return [CodeAction(f"Add a statistic (`bootstrap_mean`) to `{slug}`", "refactor", {sf.path: [edit]})]
        break
    return []
