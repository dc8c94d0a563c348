"""Code lenses above slug definitions: how many configs use a predefined metric, data source or
segment (opening its references), and "Show rendered SQL". The count is filled in when the
editor resolves a visible lens (`resolve`): a definitions file holds hundreds of them."""

from __future__ import annotations

from dataclasses import dataclass

from jetls.schema import FileKind
from jetls.workspace import Workspace
from jetls.workspace.scope import scope_of
from jetls.workspace.search import find_occurrences

from .rendered_sql import KINDS as SQL_KINDS

#: Kinds whose users are counted.
COUNTED = ("metric", "data_source", "segment", "segment_data_source")

SHOW_RENDERED_SQL = "jetls.showRenderedSql"
SHOW_REFERENCES = "jetls.showReferences"


@dataclass(frozen=True)
class CodeLens:
    start: int  # the slug's span in its table header
    end: int
    kind: str  # "references" | "rendered_sql"
    slug_kind: str
    slug: str
    title: str | None = None  # None until resolved
    command: str | None = None
    arguments: tuple = ()


def code_lenses(ws: Workspace, path: str) -> list[CodeLens]:
    """Unresolved lenses (no title yet for the reference counts)."""
    sf = ws.file(path)
    if sf is None or sf.kind is FileKind.PLAIN:
        return []
    out: list[CodeLens] = []
    defining = sf.kind in (FileKind.DEFINITIONS, FileKind.DEFAULTS, FileKind.OUTCOME)
    for d in sf.index.definitions:
        if d.span == (0, 0) or d.slug == "":
            continue
        s, e = d.span
        if defining and d.kind in COUNTED:
            out.append(CodeLens(s, e, "references", d.kind, d.slug))
        if d.kind in SQL_KINDS:
            out.append(CodeLens(s, e, "rendered_sql", d.kind, d.slug, "Show rendered SQL", SHOW_RENDERED_SQL))
    return out


def resolve(ws: Workspace, path: str, lens: CodeLens) -> CodeLens:
    """A lens with its title: the configs whose slug resolves to this definition."""
    if lens.kind != "references":
        return lens
    scope = scope_of(ws, path)
    if scope is None:
        return lens
    symbol = scope.resolve(lens.slug_kind, lens.slug).symbol
    occurrences = [o for o in find_occurrences(ws, symbol) if not o.definition]
    files = {o.path for o in occurrences}
    configs = {p for p in files if (f := ws.file(p)) is not None and f.kind is FileKind.EXPERIMENT}
    others = len(files) - len(configs)
    parts = [
        f"{n} {what}{'' if n == 1 else 's'}" for n, what in ((len(configs), "config"), (others, "other file")) if n
    ]
    title = "used by " + " and ".join(parts) if parts else "not used"
    return CodeLens(
        lens.start,
        lens.end,
        lens.kind,
        lens.slug_kind,
        lens.slug,
        title,
        SHOW_REFERENCES,
        tuple((o.path, o.span[0], o.span[1]) for o in occurrences),
    )
