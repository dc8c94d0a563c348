"""What a rule sees of the file it checks: the `Context` the traversal hands to every hook.

It gives the file (text, document, kind, platform), the snapshot and the semantic layer
(`jetls.workspace.scope`: resolution goes through it, never around it), memoised facts several
rules share (`used_metrics`, `window_slugs`, ...), and `emit`. A check that reads nothing but
its own table can be replayed on later keystrokes (`jetls.checks.replay`): the properties that
reach beyond the table (`ws`, `idx`, `doc`, `root`, `scope`, `layers`, `attached`) note the read.
"""

from __future__ import annotations

from typing import Callable, Iterable, Mapping

from jetls.diagnostics import Diagnostic, Fix, Related, Severity, TextEdit
from jetls.document import Entry, Table
from jetls.document.edits import remove_entry
from jetls.options import Options
from jetls.schema import WINDOWS, FileKind
from jetls.schema.versions import OUTCOME_WINDOWS
from jetls.workspace import KIND_LABELS, Definition, SourceFile, Workspace, norm
from jetls.workspace.index import VIEW_LAYERS, entry, string_items, sub, tables
from jetls.workspace.parser import parser_choice
from jetls.workspace.paths import (
    LAYER_DEFINITIONS,
    LAYER_JETSTREAM_DEFINITIONS,
    LAYER_LOOKER_DEFINITIONS,
    LAYER_OPMON_DEFINITIONS,
    LAYER_OUTCOME,
)
from jetls.workspace.scope import LOCAL, Resolution, Scope, scope_of

from .suggest import suggest

#: Who reads the definitions a file resolves against (for "defined only in … which X does not read").
_READERS = {"jetstream": "Jetstream", "opmon": "OpMon", "looker": "Looker", "metric-hub": "metric-hub's definitions"}
_DEFINITION_LAYERS = frozenset(
    {LAYER_DEFINITIONS, LAYER_JETSTREAM_DEFINITIONS, LAYER_OPMON_DEFINITIONS, LAYER_LOOKER_DEFINITIONS}
)

_SEVERITIES = {s.label: s for s in Severity}


class Context:
    def __init__(
        self,
        ws: Workspace,
        sf: SourceFile,
        options: Options,
        defaults: Mapping[str, str],
        handlers: Mapping[str, tuple[Callable, ...]],
        analyse: bool = True,
    ) -> None:
        self._ws = ws
        self.sf = sf
        self.options = options
        self._defaults = defaults  # code -> default severity name
        self._handlers = handlers
        self._idx = ws.index
        self._doc = sf.doc
        self._root = sf.doc.root
        self._reads_context = False
        self.kind = sf.kind
        self.info = sf.info
        self.view = sf.info.view
        self.text = sf.text
        self.out: list[Diagnostic] = []
        analysed = analyse and self.kind is not FileKind.PLAIN
        self.choice = ws.platform_of(sf.path) if analysed else None
        self.platform = self.choice.platform if self.choice else None
        #: the reference parser release the file is judged by (`jetls.workspace.parser`)
        self.parser = parser_choice(ws)
        self.version = self.parser.version
        #: what a replayed result depends on besides its table's content
        self.replay_context = (
            self.kind,
            self.platform,
            self.info.layer,
            self.info.view,
            sf.platform,
            self.version.release,
        )
        first_line_end = sf.text.find("\n")
        self.root_span = (0, first_line_end if first_line_end >= 0 else len(sf.text))
        self._scope = scope_of(ws, sf.path) if analysed else None
        self._memo: dict = {}

    # -- hooks ----------------------------------------------------------------------------------
    def fire(self, hook: str, *args) -> None:
        """Run every rule's `on_<hook>(ctx, *args)`."""
        for handler in self._handlers[hook]:
            handler(self, *args)

    # -- what a check reads beyond its own table ----------------------------------------------
    # A per-table check that reads none of these depends only on the table's content (and
    # `replay_context`): its diagnostics can be recorded once and replayed on later keystrokes.
    @property
    def ws(self) -> Workspace:
        self._reads_context = True
        return self._ws

    @property
    def idx(self):
        self._reads_context = True
        return self._idx

    @property
    def doc(self):
        self._reads_context = True
        return self._doc

    @property
    def root(self) -> Table:
        self._reads_context = True
        return self._root

    @property
    def scope(self) -> Scope:
        """What the file sees (`jetls.workspace.scope`); analysed files only."""
        self._reads_context = True
        if self._scope is None:
            raise LookupError(f"{self.sf.path} is not analysed: it has no scope")
        return self._scope

    @property
    def layers(self) -> list[SourceFile]:
        """The file, then the layers merged under it (spec §1.4), for Jetstream and OpMon files."""
        self._reads_context = True
        layers = self._memo.get("layers")
        if layers is None:
            layers = [self.sf]
            if self.kind in (FileKind.EXPERIMENT, FileKind.DEFAULTS, FileKind.OUTCOME, FileKind.OPMON):
                layers += [layer for layer in self.scope.layers if layer is not self.sf]
            self._memo["layers"] = layers
        return layers

    @property
    def attached(self) -> list[tuple[str, SourceFile]]:
        """(slug, file) of the outcomes attached to an experiment config."""
        self._reads_context = True
        if self.kind in (FileKind.EXPERIMENT, FileKind.DEFAULTS, FileKind.OUTCOME, FileKind.OPMON):
            return list(self.scope.attached)
        return []

    @property
    def syntax_problems(self) -> list[Diagnostic]:
        """The document's TOML syntax and semantic errors (`jetls.document`)."""
        found = self._memo.get("syntax")
        if found is None:
            found = self._memo["syntax"] = self._doc.syntax_diagnostics()
        return found

    def record(self, check: Callable[[], None]) -> tuple[list[Diagnostic], bool]:
        """What `check()` emits (not added to the output), and whether it read nothing but its
        own content."""
        out, outer = self.out, self._reads_context
        self.out, self._reads_context = [], False
        try:
            check()
            return self.out, not self._reads_context
        finally:
            self.out, self._reads_context = out, outer or self._reads_context

    # -- emitting -------------------------------------------------------------------------------
    def emit(
        self,
        code: str,
        span: tuple[int, int] | None,
        message: str,
        related: Iterable[Related] = (),
        tags=(),
        data: dict | None = None,
        severity: str | None = None,
        fixes: Iterable[Fix] = (),
    ) -> None:
        sev = _SEVERITIES[severity or self._defaults[code]]
        s, e = span if span is not None else self.root_span
        fixes = tuple(fixes)
        rep = data.get("replacement") if data else None
        if isinstance(rep, str) and rep:  # a did-you-mean: its fix replaces the flagged text
            fixes = (Fix.here(f"Replace with `{rep}`", TextEdit(s, max(e, s), rep), preferred=True),) + fixes
        self.out.append(Diagnostic(code, sev, s, max(e, s), message, tuple(related), tuple(tags), data, fixes))

    def add(self, d: Diagnostic) -> None:
        self.out.append(d)

    def add_all(self, ds: Iterable[Diagnostic]) -> None:
        self.out.extend(ds)

    def rel(self, d: Definition, message: str) -> Related:
        return Related(d.span[0], d.span[1], message, None if d.path == self.sf.path else d.path)

    def removal(self, item) -> tuple[Fix, ...]:
        """The fix of a key that has no effect: delete its line."""
        edit = remove_entry(self.text, item) if isinstance(item, Entry) else None
        return (Fix.here(f"Remove `{item.name}`", edit),) if edit is not None else ()

    # -- the file's surroundings ----------------------------------------------------------------
    def file_at(self, rel: str) -> SourceFile | None:
        root = self.sf.root or self.ws.root
        if root is None:
            return None
        return self.ws.file(norm(f"{root}/{rel}"))

    def local_strings(self, path: tuple[str, ...], key: str) -> list[tuple[str, tuple[int, int]]]:
        t = self.doc.lookup(path) if path else self.root
        e = entry(t if isinstance(t, Table) else None, key)
        return list(string_items(e)) if e is not None else []

    def spec_tables(self, kind: str, slug: str) -> list[tuple[Table, SourceFile | None]]:
        """The slug's tables in the file's own layers, winner first."""
        ws = self._ws
        return [(d.table, ws.file(d.path)) for d in self.scope.local(kind, slug) if isinstance(d.table, Table)]

    def global_defs(self, kind: str, slug: str) -> list[Definition]:
        return list(self.scope.globals(kind, slug))

    def resolve_metric(self, slug: str) -> Resolution:
        return self.scope.resolve("metric", slug)

    def resolve_simple(self, kind: str, slug: str) -> Table | Entry | Definition | None:
        """The winning table of a data source, segment or dimension: a local one, else a global
        definition; None when it does not resolve."""
        res = self.scope.resolve(kind, slug)
        if res.status == LOCAL:
            return res.local[0].table
        return res.globals[0] if res.globals else None

    def statistics_of(self, slug: str) -> bool:
        """Whether the metric has statistics in the file's layers or the global definitions."""
        key = ("statistics of", slug)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._statistics_of(slug)
        self._reads_context = True
        return found

    def _statistics_of(self, slug: str) -> bool:
        for t, _ in self.spec_tables("metric", slug):
            s = sub(t, "statistics", True)
            if s is not None and s.items:
                return True
        for d in self.global_defs("metric", slug):
            if isinstance(d.table, Table):
                s = sub(d.table, "statistics", True)
                if s is not None and s.items:
                    return True
        return False

    def outcome_statistics(self, slug: str) -> list[Definition]:
        """An experiment config's metric: its tables with statistics in outcomes not attached."""
        if self.kind is not FileKind.EXPERIMENT:
            return []
        key = ("outcome statistics", slug)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._outcome_statistics(slug)
        self._reads_context = True
        return found

    def _outcome_statistics(self, slug: str) -> list[Definition]:
        attached = {of.path for _, of in self.attached}
        out = []
        for d in self.idx.definitions("metric", slug, self.platform, layers=(LAYER_OUTCOME,)):
            if d.path in attached or not isinstance(d.table, Table):
                continue
            st = sub(d.table, "statistics", True)
            if st is not None and st.items:
                out.append(d)
        return out

    def elsewhere(self, kind: str, slug: str) -> str:
        unread = self.unread_definition(kind, slug)
        if unread is not None:
            sf = self._ws.file(unread.path)
            where = sf.info.rel if sf is not None else unread.path
            return f" (it is defined only in `{where}`, which {_READERS.get(self.view, 'this tool')} does not read)"
        plats = sorted(self.idx.platforms_defining(kind, slug) - {self.platform})
        if plats:
            return f" (it is defined for {', '.join(plats)})"
        return ""

    def unread_definition(self, kind: str, slug: str) -> Definition | None:
        """A definition of the slug on the file's platform in a tool's definitions that this
        file's tool never reads (Looker's or OpMon's for Jetstream): the slug is right, the
        place is not."""
        seen = VIEW_LAYERS.get(self.view, VIEW_LAYERS["jetstream"])
        for d in self.idx.all_definitions(kind, slug):
            if d.platform == self.platform and d.layer in _DEFINITION_LAYERS and d.layer not in seen:
                return d
        return None

    def platform_phrase(self) -> str:
        if self.kind is FileKind.DEFAULTS and self.sf.platform != self.platform:
            return f"on `{self.platform}` (how Jetstream validates `{self.sf.platform}` defaults)"
        return f"on `{self.platform}`"

    def suggest_slug(
        self, kind: str, slug: str, section: tuple[str, ...] | None = None, in_view: bool = True
    ) -> str | None:
        """A did-you-mean among the slugs of `kind` defined on the file's platform (in its tool's
        view, or in any view) and the file's own tables of `section`."""
        if self.unread_definition(kind, slug) is not None:
            return None  # not a typo: see `elsewhere`
        cands = list(
            self.idx.slugs(kind, self.platform, view=self.view) if in_view else self.idx.slugs(kind, self.platform)
        )
        if section:
            cands += [n for n, _ in tables(self.doc.lookup(section)) if not (kind == "segment" and n == "data_sources")]
        return suggest(slug, cands)

    def kind_label(self, kind: str) -> str:
        return KIND_LABELS[kind]

    # -- facts several rules share (memoised per check) -----------------------------------------
    def shared(self, key: str, make: Callable[["Context"], object]):
        """`make(ctx)`, computed once per check of the file (a rule's own memo)."""
        self._reads_context = True
        try:
            return self._memo[("shared", key)]
        except KeyError:
            found = self._memo[("shared", key)] = make(self)
            return found

    @property
    def window_slugs(self) -> set[str]:
        """Slugs this file lists in an analysis window."""
        self._reads_context = True  # (a memo hit reads the file as much as the first call)
        slugs = self._memo.get("window_slugs")
        if slugs is None:
            slugs = self._memo["window_slugs"] = {
                r.slug for r in self.idx.file(self.sf.path).references if r.where.startswith("window ")
            }
        return slugs

    @property
    def used_metrics(self) -> set[str]:
        """Metrics an analysis of this Jetstream file computes: those in the windows of the file
        and of its layers (not `days28`, which is no window), an outcome's own metrics, and what
        they depend on (closed over local `depends_on`)."""
        self._reads_context = True
        used = self._memo.get("used_metrics")
        if used is not None:
            return used
        used = set()
        if self.kind in (FileKind.EXPERIMENT, FileKind.DEFAULTS, FileKind.OUTCOME):
            idx = self.idx
            local = dict(tables(self.root.items.get("metrics")))
            if self.kind is FileKind.OUTCOME:
                used |= self._outcome_metrics(self.root)
            for r in idx.file(self.sf.path).references:
                if r.kind == "metric" and _analysed_window(r.where):
                    used.add(r.slug)
            for layer in self.layers[1:]:
                for r in idx.file(layer.path).references:
                    if r.kind == "metric" and _analysed_window(r.where):
                        used.add(r.slug)
                if layer.kind is FileKind.OUTCOME:
                    used |= self._outcome_metrics(layer.doc.root)
            stack = list(used)
            while stack:
                t = local.get(stack.pop())
                if t is None:
                    continue
                for up, _ in strings(entry(t, "depends_on", True)):
                    if up not in used:
                        used.add(up)
                        stack.append(up)
        self._memo["used_metrics"] = used
        return used

    def outcome_windows(self, root: Table) -> list[tuple[str, str, tuple[int, int]]]:
        """(window key, slug, span) of the metric lists at an outcome's root, when the parser
        release reads them (`OutcomeSpec.from_dict`, 2026.10); empty before."""
        if not self.version.at_least(OUTCOME_WINDOWS):
            return []
        return [(key, slug, span) for key in WINDOWS for slug, span in strings(entry(root, key))]

    def _outcome_metrics(self, root: Table) -> set[str]:
        """The metrics an outcome adds to the analysis (`AnalysisSpec.merge_outcome`): those of
        its window lists when it declares any, else all of its metrics (`weekly` and `overall`)."""
        listed = {slug for _, slug, _ in self.outcome_windows(root)}
        return listed or {n for n, _ in tables(root.items.get("metrics"))}

    @property
    def used_segments(self) -> set[str]:
        """Segments `[experiment].segments` lists (none in outcomes)."""
        used = self._memo.get("used_segments")
        if used is None:
            used = self._memo["used_segments"] = (
                {s for s, _ in self.local_strings(("experiment",), "segments")}
                if self.kind is not FileKind.OUTCOME
                else set()
            )
        return used

    def data_source_users(self, ds: str) -> list[str]:
        """What an analysis of this file builds data source `ds` for: the used metrics reading it
        (as `metric` names) and the exposure signal."""
        users = [f"metric `{m}`" for m in self.metrics_using(ds)]
        signal = entry(sub(sub(self.root, "experiment"), "exposure_signal"), "data_source")
        if signal is not None and signal.to_python() == ds:
            users.append("the exposure signal")
        return users

    def unused_data_source_note(self, ds: str) -> str:
        """For a data source that nothing builds — in an experiment config, defaults or outcome:
        no analysis of the file; in `definitions/<platform>.toml`: no file of the platform — the
        note saying why its errors are warnings (the reference validates a data source only when
        it builds it); "" when it is used, or the file is another kind."""
        if self.kind is FileKind.DEFINITIONS:
            # metric-hub's definitions (`definitions/`; OpMon validates its definitions whole): built
            # for a metric, outcome or config of the platform that reads it
            if self.sf.info.layer != LAYER_DEFINITIONS or self.idx.references("data_source", ds, self.platform):
                return ""
            return f" (nothing on `{self.platform}` reads this data source, so the reference never builds it)"
        if self.kind not in (FileKind.EXPERIMENT, FileKind.DEFAULTS, FileKind.OUTCOME) or self.data_source_users(ds):
            return ""
        return " (nothing this file analyses uses this data source, so the reference never builds it)"

    def metrics_using(self, ds: str) -> list[str]:
        """Used metrics whose (winning) `data_source` is `ds`."""
        out = []
        for m in sorted(self.used_metrics):
            res = self.resolve_metric(m)
            for t in [d.table for d in res.local + res.globals if isinstance(d.table, Table)]:
                e = entry(t, "data_source", True)
                if e is not None:
                    if e.to_python() == ds:
                        out.append(m)
                    break
        return out


def data_source_of(metric: Table) -> object:
    """A metric table's own `data_source` value (None without one)."""
    e = entry(metric, "data_source", True)
    return e.to_python() if e is not None else None


def strings(e: Entry | None):
    """(value, span) of a string entry or of each string of an array entry; nothing for None."""
    return string_items(e) if e is not None else ()


def _analysed_window(where: str) -> bool:
    return where.startswith("window ") and where != "window days28"
