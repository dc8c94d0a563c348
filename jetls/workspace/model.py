"""Immutable workspace snapshots: every file of a metric-hub checkout, parsed once, indexed."""

from __future__ import annotations

import gc
import os
import threading
import weakref
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Callable, Iterable, Mapping

from jetls.document import TomlDocument, build
from jetls.options import Options
from jetls.schema import PLATFORMS, FileKind
from jetls.syntax import LineIndex, SyntaxTree, decode, parse

from .index import (
    ANALYSABLE,
    KIND_LABELS,
    FileIndex,
    SlugIndex,
    entry,
    file_index,
    is_full_metric,
    sub,
)
from .paths import FileInfo, describe, directives, find_root, is_example

#: Directories (relative to a root) whose `*.toml` files make up a workspace.
_GLOBS = (
    "definitions/*.toml",
    "jetstream/*.toml",
    "jetstream/outcomes/*.toml",
    "jetstream/outcomes/*/*.toml",
    "jetstream/defaults/*.toml",
    "jetstream/definitions/*.toml",
    "opmon/*.toml",
    "opmon/defaults/*.toml",
    "opmon/definitions/*.toml",
    "looker/definitions/*.toml",
    "featmon/*.toml",
)


@contextmanager
def bulk_allocation():
    """Pause the cyclic garbage collector while building many long-lived objects: loading a
    workspace allocates hundreds of thousands of nodes, and the collector would rescan them
    over and over (measured: load + index 0.92 s -> 0.61 s on the real corpus)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def norm(path: str | os.PathLike) -> str:
    return os.path.abspath(os.fspath(path))


#: Kinds no other file reads (an experiment config, an OpMon project): in a workspace loaded with
#: `whole=False`, a file of these kinds no editor has open is kept as its text and its index.
TEXT_KINDS = frozenset({FileKind.EXPERIMENT, FileKind.OPMON})

_NO_SLUGS: frozenset[str] = frozenset()


class _RecentDocuments:
    """The documents last rebuilt for files kept as text, least recently used out first, bounded
    by weight: a query that reads a few hundred configs (references of a popular metric) reads
    them again on the next keystroke, and should not parse them again. Each file also refers to
    its last document weakly, so while anything uses a document, its file answers with that one."""

    #: ~16 bytes of syntax nodes and document per character of text (measured on metric-hub:
    #: 45 KB for a 3 KB experiment config), so ~550 typical configs: every config of metric-hub,
    #: so that a pass over all files (pull-mode `workspace/diagnostic` after each change) replays
    #: their unchanged results instead of parsing and checking them again (0.16 s, not 0.6 s).
    BUDGET = 24 << 20

    def __init__(self) -> None:
        self._docs: OrderedDict[int, tuple[int, TomlDocument]] = OrderedDict()  # id(doc) -> (weight, doc)
        self._weight = 0
        self._lock = threading.Lock()

    def add(self, doc: TomlDocument) -> None:
        w = 16 * len(doc.text) + 1024
        if w > self.BUDGET:
            return
        with self._lock:
            self._docs[id(doc)] = (w, doc)
            self._weight += w
            while self._weight > self.BUDGET:
                self._weight -= self._docs.popitem(last=False)[1][0]

    def touch(self, doc: TomlDocument) -> None:
        try:
            self._docs.move_to_end(id(doc))
        except KeyError:  # evicted, and still in use by whoever asked last
            pass

    def clear(self) -> None:
        with self._lock:
            self._docs.clear()
            self._weight = 0

    @property
    def weight(self) -> int:
        return self._weight

    def __len__(self) -> int:
        return len(self._docs)


RECENT_DOCUMENTS = _RecentDocuments()


class SourceFile:
    """One file of a snapshot. Immutable; `doc` and `index` are computed on first use.

    `whole` (the default): the syntax tree is kept, and the document once built. Else the file
    keeps only its text and its index (computed at once, from `tree`), and rebuilds its tree and
    document when asked (see `_RecentDocuments`): what an experiment config no editor has open
    costs drops from ~60 KB to its text and index. The two are indistinguishable to analyses: the
    same text gives the same tree, document and index, and `Definition.table` finds its table in
    the document. While a rebuilt tree is in use (an editor opened the file: its chunk trees key
    the replayed results), the file answers with it, and with the document built from it."""

    __slots__ = (
        "path",
        "text",
        "info",
        "root",
        "directives",
        "whole",
        "_tree",
        "_doc",
        "_index",
        "_full",
        "__weakref__",
    )

    def __init__(self, path: str, tree: SyntaxTree, info: FileInfo, root: str | None, whole: bool = True) -> None:
        self.path = path
        self.text = tree.text
        self.info = info
        self.root = root
        self.directives = directives(self.text)
        #: Whether the syntax tree is kept (else it is rebuilt from the text when asked).
        self.whole = whole
        # whole: the tree, and the document once built; else weak references to the last ones built
        self._tree: SyntaxTree | weakref.ref[SyntaxTree] | None = tree
        self._doc: TomlDocument | weakref.ref[TomlDocument] | None = None
        self._index: FileIndex | None = None
        self._full: frozenset[str] | None = None
        if not whole:
            doc = build(tree)  # alive while the index is computed, then dropped with `tree`
            self._doc = weakref.ref(doc)
            self._index = file_index(self)
            _ = self.full_metrics  # what platform inference reads of the document
            self._tree = self._doc = None

    @property
    def tree(self) -> SyntaxTree:
        if self.whole:
            return self._tree  # type: ignore[return-value]
        ref = self._tree
        tree = ref() if ref is not None else None  # type: ignore[operator]
        return tree if tree is not None else self.doc.tree

    @property
    def lines(self) -> LineIndex:
        """The line index (of the tree in use; a file kept as text is not parsed for it)."""
        if self.whole:
            return self._tree.lines  # type: ignore[union-attr]
        ref = self._tree
        tree = ref() if ref is not None else None  # type: ignore[operator]
        return tree.lines if tree is not None else LineIndex(self.text)

    @property
    def kind(self) -> FileKind:
        return self.info.kind

    @property
    def platform(self) -> str | None:
        """Platform from the path (definitions, outcomes, defaults) or a `# jetls: platform=`
        directive; None for experiment configs (see `Workspace.platform_of`)."""
        if self.info.kind is FileKind.EXPERIMENT:
            return self.directives.get("platform") or self.info.platform
        return self.info.platform

    @property
    def stem(self) -> str:
        name = os.path.basename(self.path)
        return name[:-5] if name.endswith(".toml") else name

    @property
    def doc(self) -> TomlDocument:
        d = self._doc
        if self.whole:
            if d is None:
                d = self._doc = build(self._tree)  # type: ignore[arg-type]
            return d  # type: ignore[return-value]
        doc = d() if d is not None else None  # type: ignore[operator]
        if doc is not None:
            RECENT_DOCUMENTS.touch(doc)
            return doc
        ref = self._tree
        tree = ref() if ref is not None else None  # type: ignore[operator]
        if tree is None:
            tree = parse(self.text)
            self._tree = weakref.ref(tree)
        doc = build(tree)
        self._doc = weakref.ref(doc)
        RECENT_DOCUMENTS.add(doc)
        return doc

    @property
    def index(self) -> FileIndex:
        idx = self._index
        if idx is None:
            idx = self._index = file_index(self)
        return idx

    @property
    def full_metrics(self) -> frozenset[str]:
        """The metrics whose own table here is a full definition (`is_full_metric`)."""
        full = self._full
        if full is None:
            full = self._full = (
                frozenset(d.slug for d in self.index.definitions if d.kind == "metric" and is_full_metric((d.table,)))
                or _NO_SLUGS
            )
        return full

    def __repr__(self) -> str:
        return f"SourceFile({self.info.rel!r}, {self.kind.value}, {self.platform})"


@dataclass(frozen=True, slots=True)
class PlatformChoice:
    """The platform an experiment config is analysed on, and why (spec §1.3)."""

    platform: str
    reason: str
    source: str  # "option" | "directive" | "path" | "inferred" | "default"
    #: When inferred: the (kind, slug, span) that decided it.
    evidence: tuple[str, str, tuple[int, int]] | None = None
    #: When the file's evidence disagrees (slugs defined only for different platforms): the
    #: (platform, kind, slug, span) of every such slug, the chosen platform's included.
    conflicts: tuple[tuple[str, str, str, tuple[int, int]], ...] = ()


def _platform_resolver(ws: "Workspace") -> Callable[[str], str | None]:
    """`ws.platform_of(path).platform`, holding the snapshot weakly: an index refers to its
    snapshot without a cycle, so a replaced snapshot is freed at once by reference counting."""
    ref = weakref.ref(ws)

    def platform_name(path: str) -> str | None:
        w = ref()
        return w._platform_name(path) if w is not None else None

    return platform_name


class Workspace:
    """An immutable snapshot. `with_text`/`with_tree`/`without` return new snapshots sharing
    every unchanged file and updating only that file's contribution to the index."""

    __slots__ = (
        "root",
        "options",
        "whole",
        "_files",
        "_index",
        "_parent_index",
        "_changed",
        "_platforms",
        "memo",
        "__weakref__",
    )

    def __init__(
        self,
        root: str | None,
        files: Mapping[str, SourceFile],
        options: Options | None = None,
        _parent_index: SlugIndex | None = None,
        _changed: str | None = None,
        whole: bool = True,
    ) -> None:
        self.root = root
        self.options = options or Options()
        #: False: files of `TEXT_KINDS` read from disk are kept as text (see `SourceFile`)
        self.whole = whole
        self._files = dict(files)
        self._index: SlugIndex | None = None
        self._parent_index = _parent_index
        self._changed = _changed
        self._platforms: dict[str, PlatformChoice | None] = {}
        #: Per-snapshot memo of derived answers (e.g. check reports): the snapshot is immutable.
        self.memo: dict = {}

    # -- construction ------------------------------------------------------------------------
    @classmethod
    def load(
        cls,
        root: str | os.PathLike | None,
        options: Options | None = None,
        paths: Iterable[str] | None = None,
        whole: bool = True,
    ) -> "Workspace":
        """Read every relevant file under `root` (and the options' extra definition roots).
        `whole=False` keeps the experiment configs and OpMon projects as text and index (the
        server: an editor opens a few of them; `jetls check` reads them all)."""
        options = options or Options()
        with bulk_allocation():
            return cls._load(root, options, paths, whole)

    @classmethod
    def _load(cls, root, options: Options, paths, whole: bool) -> "Workspace":
        files: dict[str, SourceFile] = {}
        root_s = norm(root) if root is not None else None
        roots = [root_s] if root_s else []
        roots += [norm(r) for r in options.extra_definition_roots]
        for i, r in enumerate(roots):
            base = Path(r)
            globs = _GLOBS if i == 0 else ("definitions/*.toml", "jetstream/definitions/*.toml")
            for g in globs:
                for p in sorted(base.glob(g)):
                    if is_example(p) or not p.is_file():
                        continue
                    sp = str(p)
                    if sp in files:
                        continue
                    sf = _read(sp, r, whole)
                    if sf is not None:
                        files[sp] = sf
        for p in paths or ():
            sp = norm(p)
            if sp not in files:
                sf = _read(sp, root_s, whole)
                if sf is not None:
                    files[sp] = sf
        return cls(root_s, files, options, whole=whole)

    @classmethod
    def for_path(cls, path: str | os.PathLike, options: Options | None = None) -> "Workspace":
        """The workspace of the checkout holding `path` (or a one-file workspace)."""
        root = find_root(os.fspath(path))
        return cls.load(root, options, [os.fspath(path)])

    def with_tree(self, path: str, tree: SyntaxTree, whole: bool = True) -> "Workspace":
        """`path` with the content of `tree` (an open document's: kept whole)."""
        path = norm(path)
        root = self.root
        if root is None or not (path + os.sep).startswith(root + os.sep):
            # a file outside the root: its own checkout root if any, else none
            r = find_root(path)
            root_for = str(r) if r is not None else None
        else:
            root_for = root
        info = describe(path, root_for, tree.text)
        sf = SourceFile(path, tree, info, root_for, whole or info.kind not in TEXT_KINDS)
        files = dict(self._files)
        files[path] = sf
        return Workspace(self.root, files, self.options, self._current_index(), path, self.whole)

    def with_text(self, path: str, text: str) -> "Workspace":
        """`path` with `text` (read from disk: kept as text if the workspace keeps such files so)."""
        return self.with_tree(path, parse(text), self.whole)

    def without(self, path: str) -> "Workspace":
        path = norm(path)
        if path not in self._files:
            return self
        files = dict(self._files)
        del files[path]
        return Workspace(self.root, files, self.options, self._current_index(), path, self.whole)

    def with_options(self, options: Options) -> "Workspace":
        ws = Workspace(self.root, self._files, options, self._current_index(), None, self.whole)
        return ws

    # -- access ------------------------------------------------------------------------------
    @property
    def files(self) -> Mapping[str, SourceFile]:
        return MappingProxyType(self._files)

    def file(self, path: str) -> SourceFile | None:
        return self._files.get(path) or self._files.get(norm(path))

    def _current_index(self) -> SlugIndex | None:
        return self._index if self._index is not None else None

    @property
    def index(self) -> SlugIndex:
        idx = self._index
        if idx is None:
            parent, changed = self._parent_index, self._changed
            if parent is not None and changed is not None:
                sf = self._files.get(changed)
                idx = parent.replaced(changed, sf.index if sf is not None else None, _platform_resolver(self))
            elif parent is not None:
                idx = parent.rebound(_platform_resolver(self))
            else:
                with bulk_allocation():
                    idx = SlugIndex({p: f.index for p, f in self._files.items()}, _platform_resolver(self))
            self._index = idx
            self._parent_index = None
        return idx

    def _platform_name(self, path: str) -> str | None:
        c = self.platform_of(path)
        return c.platform if c is not None else None

    # -- platform of a file ------------------------------------------------------------------
    def platform_of(self, path: str) -> PlatformChoice | None:
        """The platform used to resolve `path`'s references, with the reason.

        Experiment configs: `options.platform` > `# jetls: platform=` directive > inference from
        referenced slugs defined on only one platform > `firefox_desktop` (spec §1.3). Other kinds:
        from the path (defaults of a platform Jetstream does not analyse resolve as
        `firefox_desktop`, like Jetstream's validation)."""
        path = norm(path) if path not in self._files else path
        if path in self._platforms:
            return self._platforms[path]
        sf = self._files.get(path)
        choice = _choose_platform(self, sf) if sf is not None else None
        self._platforms[path] = choice
        return choice


def _read(path: str, root: str | None, whole: bool = True) -> SourceFile | None:
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    text, _problems = decode(data)
    tree = parse(text)
    info = describe(path, root, text)
    return SourceFile(path, tree, info, root, whole or info.kind not in TEXT_KINDS)


def _choose_platform(ws: Workspace, sf: SourceFile) -> PlatformChoice | None:
    kind = sf.kind
    if kind is FileKind.EXPERIMENT:
        opt = ws.options.platform
        if opt:
            return PlatformChoice(opt, "set by the `platform` option", "option")
        d = sf.directives.get("platform")
        if d:
            return PlatformChoice(d, "set by the `# jetls: platform=` comment", "directive")
        return _infer(ws, sf)
    if kind is FileKind.DEFAULTS:
        p = sf.platform or "firefox_desktop"
        if p not in ANALYSABLE:
            if p in PLATFORMS:
                return PlatformChoice(
                    "firefox_desktop",
                    f"`{p}` is not in Jetstream's platform config, so Jetstream validates "
                    f"these defaults as `firefox_desktop`",
                    "path",
                )
            return PlatformChoice(
                "firefox_desktop",
                f"`{p}` is an experiment type, not a platform; Jetstream validates it as `firefox_desktop`",
                "path",
            )
        return PlatformChoice(p, f"from the file name (`jetstream/defaults/{p}.toml`)", "path")
    if kind is FileKind.OPMON:
        proj = sub(sf.doc.root, "project", True)
        e = entry(proj, "platform", True)
        named = e.to_python() if e is not None else None
        if isinstance(named, str):
            return PlatformChoice(named, "from `[project].platform`", "path")
        return PlatformChoice("firefox_desktop", "OpMon default (`[project].platform` not set)", "default")
    if sf.platform:
        return PlatformChoice(sf.platform, "from the file's location", "path")
    return None


def _evidence(sf: SourceFile) -> list[tuple[str, str, tuple[int, int]]]:
    """Slugs an experiment config refers to that it does not define itself, in source order.
    From the file's index (its local tables are its definitions), not its document: a config no
    editor has open is kept as text, and references of a metric ask the platform of every config
    that writes it."""
    out: list[tuple[str, str, tuple[int, int]]] = []
    local_full = sf.full_metrics
    local: set[tuple[str, str]] = set()
    for d in sf.index.definitions:
        if d.kind == "metric":
            if d.slug not in local_full:
                out.append(("metric", d.slug, d.span))
        else:
            local.add((d.kind, d.slug))
    for ref in sf.index.references:
        if ref.kind == "metric" and ref.slug in local_full:
            continue
        if ref.kind in ("data_source", "segment", "segment_data_source") and (ref.kind, ref.slug) in local:
            continue
        if ref.kind in ("metric", "data_source", "segment", "segment_data_source", "outcome"):
            out.append((ref.kind, ref.slug, ref.span))
    out.sort(key=lambda x: x[2])
    return out


_NAME_HINTS = (
    ("focus-android", "focus_android"),
    ("focus-ios", "focus_ios"),
    ("klar", "klar_android"),
    ("android", "fenix"),
    ("fenix", "fenix"),
    ("ios", "firefox_ios"),
)


def _infer(ws: Workspace, sf: SourceFile) -> PlatformChoice:
    """Unique-platform slugs vote; without them, the platform on which most referenced slugs
    resolve wins (ties: a platform named in the file slug, then firefox_desktop)."""
    idx = ws.index
    votes: dict[str, list[tuple[str, str, tuple[int, int]]]] = {}
    score: dict[str, int] = {}
    evidence = _evidence(sf)
    for ev in evidence:
        kind, slug, _span = ev
        plats = idx.platforms_defining(kind, slug) & ANALYSABLE
        if kind == "metric":
            plats |= {
                d.platform for d in idx.definitions("metric", slug, layers=("outcome",)) if d.platform
            } & ANALYSABLE
        for p in plats:
            score[p] = score.get(p, 0) + 1
        if len(plats) == 1:
            votes.setdefault(next(iter(plats)), []).append(ev)
    stem = sf.stem.lower()
    hinted = next((p for k, p in _NAME_HINTS if k in stem), None)
    if votes:
        best = max(votes, key=lambda p: (len(votes[p]), score.get(p, 0), -votes[p][0][2][0]))
        kind, slug, span = votes[best][0]
        reason = f"inferred from {KIND_LABELS[kind]} '{slug}' (only defined for {best})"
        others = sorted(p for p in votes if p != best)
        if others:
            o = votes[others[0]][0]
            reason += f"; but {KIND_LABELS[o[0]]} '{o[1]}' is only defined for {others[0]}"
        conflicts = tuple((p, *e) for p in sorted(votes) for e in votes[p]) if others else ()
        return PlatformChoice(best, reason, "inferred", (kind, slug, span), conflicts)
    if score:
        top = max(score.values())
        best_set = [p for p, n in score.items() if n == top]
        if "firefox_desktop" in best_set and hinted not in best_set:
            best = "firefox_desktop"
        else:
            best = hinted if hinted in best_set else sorted(best_set, key=lambda p: list(PLATFORMS).index(p))[0]
        if best != "firefox_desktop" or len(best_set) < len(ANALYSABLE):
            ev = next(
                e
                for e in evidence
                if best
                in (
                    idx.platforms_defining(e[0], e[1])
                    | {d.platform for d in idx.definitions(e[0], e[1], layers=("outcome",))}
                    if e[0] == "metric"
                    else idx.platforms_defining(e[0], e[1])
                )
            )
            n = len(evidence)
            reason = (
                f"inferred: {top} of the {n} referenced slugs resolve on {best}"
                + (" (file name suggests it)" if best == hinted and len(best_set) > 1 else "")
                + f", e.g. {KIND_LABELS[ev[0]]} '{ev[1]}'"
            )
            if best != "firefox_desktop" or top < n:
                return PlatformChoice(best, reason, "inferred", ev)
    return PlatformChoice(
        "firefox_desktop",
        "default: nothing in the file is specific to one platform (Jetstream's default "
        "when Experimenter gives no app name)",
        "default",
    )
