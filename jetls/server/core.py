"""The server's view of the analysis core: one place that calls `jetls.workspace`,
`jetls.checks` and `jetls.features`.

While a core package is missing (it is written in parallel), a small fallback keeps the server
usable: a workspace of parsed files and syntax-only diagnostics.
"""

from __future__ import annotations

import gc
import importlib
import logging
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from jetls.diagnostics import Diagnostic
from jetls.document import build
from jetls.options import Options
from jetls.syntax import SyntaxTree, decode, parse

log = logging.getLogger(__name__)

#: Folders whose TOML files are configs (the watcher's and the loader's scope).
CONFIG_DIRS = ("definitions", "jetstream", "opmon", "looker", "featmon")
WATCH_GLOB = "**/{definitions,jetstream,opmon,looker,featmon}/**/*.toml"


def _module(name: str) -> Any | None:
    try:
        return importlib.import_module(name)
    except ImportError as exc:  # not written yet, or partly written
        if exc.name and not name.startswith(exc.name) and exc.name != name:
            log.warning("importing %s: %s", name, exc)
        return None
    except Exception:  # a broken core module must not stop the server
        log.exception("importing %s", name)
        return None


def workspace_module():
    mod = _module("jetls.workspace")
    return mod if mod is not None and hasattr(mod, "Workspace") else None


def checks_module():
    mod = _module("jetls.checks")
    return mod if mod is not None and hasattr(mod, "check_file") else None


def feature(name: str) -> Any | None:
    """`jetls.features.<name>` or None."""
    return _module(f"jetls.features.{name}")


def warm_up() -> None:
    """Import the feature modules off the request path (after indexing)."""
    checks_module()
    for name in ("completion", "hover", "navigation", "symbols", "folding", "semantic_tokens", "code_actions", "rendered_sql"):
        feature(name)


# ----------------------------------------------------------------------------- roots


def is_root(path: str | Path) -> bool:
    p = Path(path)
    return (p / "definitions").is_dir() or (p / "jetstream").is_dir() or (p / "opmon").is_dir()


def find_root(path: str) -> str | None:
    """The root a file belongs to (a folder holding definitions/ or jetstream/), or None."""
    mod = workspace_module()
    if mod is not None and hasattr(mod, "find_root"):
        try:
            found = mod.find_root(path)
            return str(found) if found is not None else None
        except Exception:
            log.exception("find_root(%s)", path)
    p = Path(path)
    for parent in [p] + list(p.parents):
        if parent.name in CONFIG_DIRS:
            continue
        if is_root(parent):
            return str(parent)
    return None


def roots_in_folder(folder: str, max_depth: int = 3) -> list[str]:
    """Roots for a workspace folder: the folder, else roots below it, else the root above it."""
    if is_root(folder):
        return [folder]
    found: list[str] = []
    base_depth = folder.rstrip(os.sep).count(os.sep)
    for dirpath, dirnames, _ in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in ("node_modules", "__pycache__"))
        if dirpath.count(os.sep) - base_depth >= max_depth:
            dirnames[:] = []
        if dirpath != folder and is_root(dirpath):
            found.append(dirpath)
            dirnames[:] = []
    if found:
        return found
    above = find_root(folder)
    return [above] if above else []


# ----------------------------------------------------------------------------- workspace


def read_file(path: str) -> str | None:
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    return decode(data)[0]


@dataclass(frozen=True)
class _File:
    path: str
    text: str
    tree: SyntaxTree
    doc: Any
    kind: str = "plain"
    platform: str | None = None
    root: str | None = None


class FallbackWorkspace:
    """Used only while `jetls.workspace` is missing: parsed files, nothing cross-file."""

    def __init__(self, root: str, files: dict[str, _File]) -> None:
        self.root = root
        self.files = files

    @classmethod
    def load(cls, root: str, options: Options) -> "FallbackWorkspace":
        files: dict[str, _File] = {}
        for sub in CONFIG_DIRS:
            for p in sorted(Path(root, sub).rglob("*.toml")):
                text = read_file(str(p))
                if text is not None:
                    tree = parse(text)
                    files[str(p)] = _File(str(p), text, tree, build(tree), root=root)
        return cls(root, files)

    def with_tree(self, path: str, tree: SyntaxTree) -> "FallbackWorkspace":
        files = dict(self.files)
        files[path] = _File(path, tree.text, tree, build(tree), root=self.root)
        return FallbackWorkspace(self.root, files)

    def with_text(self, path: str, text: str) -> "FallbackWorkspace":
        return self.with_tree(path, parse(text))

    def without(self, path: str) -> "FallbackWorkspace":
        files = dict(self.files)
        files.pop(path, None)
        return FallbackWorkspace(self.root, files)


def load_workspace(root: str, options: Options):
    mod = workspace_module()
    if mod is None:
        return FallbackWorkspace.load(root, options)
    ws = mod.Workspace.load(root, options)
    ws.index  # built here, in the indexing thread, not on the first keystroke
    _freeze_long_lived()
    return ws


_frozen = False


def _freeze_long_lived() -> None:
    """A loaded snapshot lives as long as the server: keep it out of every later collection, so
    a keystroke's garbage costs the collector only itself. On a re-load, first let the collector
    reclaim what the previous snapshot left (frozen objects are never collected)."""
    global _frozen
    if _frozen:
        gc.unfreeze()
        gc.collect()
    gc.freeze()
    _frozen = True


def empty_workspace(root: str | None, options: Options):
    """A workspace without any file read from disk (open documents are added on top)."""
    mod = workspace_module()
    if mod is not None:
        return mod.Workspace(root, {}, options)
    return FallbackWorkspace(root or "", {})


def file_kind(ws, path: str) -> str:
    f = getattr(ws, "files", {}).get(path)
    kind = getattr(f, "kind", None)
    if kind is None:
        mod = workspace_module()
        if mod is not None and hasattr(mod, "classify"):
            try:
                kind = mod.classify(path, getattr(ws, "root", None))
            except Exception:
                kind = None
    return str(getattr(kind, "value", kind) or "plain")


#: Kinds whose content other files resolve against: changing one re-diagnoses the root.
SHARED_KINDS = {"definitions", "functions", "outcome", "defaults"}


def is_shared(ws, path: str) -> bool:
    kind = file_kind(ws, path)
    if kind in SHARED_KINDS:
        return True
    if kind == "plain":  # unknown classification: decide from the path
        parts = Path(path).parts
        return "definitions" in parts or "outcomes" in parts or "defaults" in parts
    return False


# ----------------------------------------------------------------------------- checks


def syntax_diagnostics(tree: SyntaxTree) -> list[Diagnostic]:
    return build(tree).syntax_diagnostics()


def check(ws, path: str, options: Options, tree: SyntaxTree | None = None) -> list[Diagnostic]:
    """Every diagnostic of a file of the snapshot (cheap + full checks)."""
    mod = checks_module()
    if mod is not None and not isinstance(ws, FallbackWorkspace):
        report = mod.check_file(ws, path, options)
        return list(getattr(report, "diagnostics", report))
    f = ws.files.get(path) if ws is not None else None
    if f is not None:
        return list(f.doc.syntax_diagnostics())
    return syntax_diagnostics(tree) if tree is not None else []


def options_without_sql(options: Options) -> Options:
    return replace(options, sql=False)
