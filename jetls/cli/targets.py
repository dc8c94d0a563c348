"""Which files `jetls check` reads: the paths given, or by default what metric-hub's CI checks.

A metric-hub checkout also holds things that are not configs: `lib/metric-config-parser` ships
the reference parser's test fixtures (deliberately broken configs), `.github/`, docs. So a walk
that meets a checkout root descends only into the folders metric-hub's CI validates, and any
walk skips `lib/` folders unless a path names one.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

from jetls.workspace import find_root

#: The folders of a checkout that metric-hub's CI validates.
CI_FOLDERS = ("jetstream", "definitions", "opmon", "looker", "featmon")

# Folders never worth descending into when collecting files (hidden folders are skipped too).
_SKIP_DIRS = {"node_modules", "venv", "__pycache__"}
# Skipped by a walk, checked when a path names it (metric-hub's lib/ holds the parser's fixtures).
_LIBRARY_DIR = "lib"


class Excludes:
    """`--exclude` patterns: .gitignore syntax, matched against a path relative to the current
    directory and relative to its metric-hub checkout root (either match excludes it)."""

    def __init__(self, patterns: Sequence[str], cwd: Path):
        self.cwd = cwd
        self._spec = None
        if patterns:
            import pathspec

            self._spec = pathspec.GitIgnoreSpec.from_lines(patterns)

    def __bool__(self) -> bool:
        return self._spec is not None

    def excluded(self, path: Path, is_dir: bool = False) -> bool:
        if self._spec is None:
            return False
        root = _checkout_root(path if is_dir else path.parent)
        for base in (self.cwd, root):
            if base is None:
                continue
            try:
                rel = path.relative_to(base).as_posix()
            except ValueError:
                continue
            if rel != "." and self._spec.match_file(rel + "/" if is_dir else rel):
                return True
        return False


def default_targets(cwd: Path) -> list[Path]:
    """No PATH: the checkout holding the current directory (walked through its CI folders),
    else the current directory."""
    root = find_root(cwd)
    return [root if root is not None else cwd]


def collect_files(paths: Iterable[Path], excludes: Excludes | None = None) -> list[Path]:
    """The .toml files named or found below the given paths, minus the excluded ones."""
    excludes = excludes or Excludes((), Path.cwd())
    seen: set[Path] = set()
    out: list[Path] = []
    for path in paths:
        path = path.resolve()
        candidates: Iterable[Path] = _walk(path, excludes) if path.is_dir() else [path]
        for f in candidates:
            if f in seen or not f.name.endswith(".toml") or excludes.excluded(f):
                continue
            seen.add(f)
            out.append(f)
    return out


def _walk(top: Path, excludes: Excludes) -> list[Path]:
    found: list[Path] = []
    checkouts: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(top):
        here = Path(dirpath)
        keep = [d for d in dirnames if d not in _SKIP_DIRS and not d.startswith(".") and d != _LIBRARY_DIR]
        if _is_checkout_root(here, dirnames) and not any(here.is_relative_to(c) for c in checkouts):
            checkouts.append(here)
            keep = [d for d in keep if d in CI_FOLDERS]
        if excludes:
            keep = [d for d in keep if not excludes.excluded(here / d, is_dir=True)]
        dirnames[:] = sorted(keep)
        found.extend(here / name for name in sorted(filenames) if name.endswith(".toml"))
    return found


def _is_checkout_root(folder: Path, subfolders: list[str]) -> bool:
    # `find_root`'s rule, without climbing: a `jetstream/` folder, or a `definitions/` folder
    # that is not a tool's own (`jetstream/definitions/`, `opmon/definitions/`, …).
    return "jetstream" in subfolders or ("definitions" in subfolders and folder.name not in CI_FOLDERS)


@lru_cache(maxsize=None)
def _checkout_root(folder: Path) -> Path | None:
    return find_root(folder)


@lru_cache(maxsize=None)
def repository_root(folder: Path) -> Path | None:
    """The root that GitHub (and SARIF consumers) resolve paths against: the git top-level
    holding `folder`, else its metric-hub checkout root, else None."""
    for d in (folder, *folder.parents):
        if (d / ".git").exists():  # a folder, or a file in worktrees and submodules
            return d
    return find_root(folder)
