"""The server's view of the analysis core: the one place that calls `jetls.workspace`,
`jetls.checks` and `jetls.features` (features are imported on first use, off the start-up path).
"""

from __future__ import annotations

import gc
import importlib
import logging
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from jetls.diagnostics import Diagnostic
from jetls.document import build
from jetls.options import Options
from jetls.syntax import SyntaxTree, decode
from jetls.workspace import Workspace, bulk_allocation, classify
from jetls.workspace import find_root as _find_root

log = logging.getLogger(__name__)

#: Folders whose TOML files are configs (the watcher's and the loader's scope).
CONFIG_DIRS = ("definitions", "jetstream", "opmon", "looker", "featmon")
WATCH_GLOB = "**/{definitions,jetstream,opmon,looker,featmon}/**/*.toml"


def feature(name: str) -> Any:
    """`jetls.features.<name>`, imported on first use."""
    return importlib.import_module(f"jetls.features.{name}")


def warm_up() -> None:
    """Import the checks (Jinja, sqlglot) and feature modules off the request path (after
    indexing), then freeze what they allocated: those objects live as long as the process, and
    left in the collector's generations they made every full collection during typing rescan
    them (measured in the server on firefox_desktop.toml: checking a keystroke 14.4 -> 11.0 ms)."""
    importlib.import_module("jetls.checks")
    importlib.import_module("jetls.sql.syntax")._sqlglot()
    for name in (
        "completion",
        "hover",
        "navigation",
        "rename",
        "symbols",
        "folding",
        "semantic_tokens",
        "code_actions",
        "rendered_sql",
        "sql_help",
        "inlay_hints",
        "code_lens",
        "structure",
    ):
        feature(name)
    gc.freeze()


# ----------------------------------------------------------------------------- roots


def find_root(path: str) -> str | None:
    """The checkout a file or folder belongs to (the same answer as `jetls check`), or None."""
    found = _find_root(path)
    return str(found) if found is not None else None


def roots_in_folder(folder: str, max_depth: int = 3) -> list[str]:
    """Roots for a workspace folder: the checkout holding it (the folder itself, or above it —
    e.g. `metric-hub/jetstream/` opened on its own), else the checkouts below it."""
    above = find_root(folder)
    if above is not None:
        return [above]
    found: list[str] = []
    base_depth = folder.rstrip(os.sep).count(os.sep)
    for dirpath, dirnames, _ in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in ("node_modules", "__pycache__"))
        if dirpath.count(os.sep) - base_depth >= max_depth:
            dirnames[:] = []
        if dirpath != folder and find_root(dirpath) == dirpath:
            found.append(dirpath)
            dirnames[:] = []
    return found


# ----------------------------------------------------------------------------- workspace


def read_file(path: str) -> str | None:
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    return decode(data)[0]


def load_workspace(root: str, options: Options) -> Workspace:
    # The collector stays paused until the snapshot is frozen: re-enabled in between, its first
    # full collection would scan the hundreds of thousands of new objects for nothing.
    with bulk_allocation():
        ws = Workspace.load(root, options)
        _ = ws.index  # built here, in the indexing thread, not on the first keystroke
        if options.bigquery_etl and options.sql:  # the routine catalog too (read once per path)
            from jetls.sql.routines import load_routines

            load_routines(options.bigquery_etl)
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


def empty_workspace(root: str | None, options: Options) -> Workspace:
    """A workspace without any file read from disk (open documents are added on top)."""
    return Workspace(root, {}, options)


def file_kind(ws: Workspace, path: str) -> str:
    f = ws.files.get(path)
    kind = f.kind if f is not None else classify(path, ws.root)
    return kind.value


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


def check(ws: Workspace, path: str, options: Options, tree: SyntaxTree | None = None) -> list[Diagnostic]:
    """Every diagnostic of a file of the snapshot."""
    from jetls.checks import check_file

    if ws.files.get(path) is None:
        return syntax_diagnostics(tree) if tree is not None else []
    return list(check_file(ws, path, options).diagnostics)


def options_without_sql(options: Options) -> Options:
    return replace(options, sql=False)
