"""The plain diagnostic value every analysis layer produces (no LSP types here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


class Severity(IntEnum):
    # Same numbering as LSP's DiagnosticSeverity, so the server converts with a cast.
    ERROR = 1
    WARNING = 2
    INFORMATION = 3
    HINT = 4

    @property
    def label(self) -> str:
        return self.name.lower()


class Tag(IntEnum):
    UNNECESSARY = 1
    DEPRECATED = 2


@dataclass(frozen=True, slots=True)
class Related:
    """Another place worth seeing. `path` None means the same file."""

    start: int
    end: int
    message: str
    path: str | None = None


@dataclass(frozen=True)
class Problem:
    """A problem found in one string value (a template, a SQL text): [start, end) are indices into
    that string; the caller maps them to the file. `data` is a quick-fix payload, as on Diagnostic."""

    start: int
    end: int
    code: str
    severity: str  # "error" | "warning" | "information" | "hint"
    message: str
    data: dict | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace [start, end) with `new_text` (offsets are str indices into the file's text)."""

    start: int
    end: int
    new_text: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A quick fix a rule attaches to its diagnostic: edits per file (`None`: the diagnostic's
    own file), applied by the user — jetls never writes a file."""

    title: str
    edits: tuple[tuple[str | None, tuple[TextEdit, ...]], ...]
    preferred: bool = False

    @classmethod
    def here(cls, title: str, *edits: TextEdit, preferred: bool = False) -> "Fix":
        return cls(title, ((None, tuple(edits)),), preferred)

    def shifted(self, delta: int) -> "Fix":
        if not delta:
            return self
        return Fix(
            self.title,
            tuple(
                (
                    path,
                    edits
                    if path is not None
                    else tuple(TextEdit(e.start + delta, e.end + delta, e.new_text) for e in edits),
                )
                for path, edits in self.edits
            ),
            self.preferred,
        )


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem at [start, end) — offsets are str indices (code points) into the file text."""

    code: str
    severity: Severity
    start: int
    end: int
    message: str
    related: tuple[Related, ...] = ()
    tags: tuple[Tag, ...] = ()
    # Machine-readable payload (e.g. {"replacement": "active_hours"}, {"platform": ...}).
    data: dict | None = field(default=None, compare=False)
    fixes: tuple[Fix, ...] = field(default=(), compare=False)

    def shifted(self, delta: int) -> "Diagnostic":
        if not delta:
            return self
        return Diagnostic(
            self.code,
            self.severity,
            self.start + delta,
            self.end + delta,
            self.message,
            tuple(
                r if r.path is not None else Related(r.start + delta, r.end + delta, r.message) for r in self.related
            ),
            self.tags,
            self.data,
            tuple(f.shifted(delta) for f in self.fixes),
        )
