"""Property: on the real metric-hub, renaming any slug (when jetls accepts the rename) leaves
the workspace's errors and warnings as they were, but for the renamed name itself. (Notes such
as "replaces the predefined metric" may go: a renamed predefined metric is no longer shadowed.)"""

from __future__ import annotations

import random
import re

import pytest

from corpus import find
from jetls.checks import check_file
from jetls.diagnostics import Severity
from jetls.features.rename import RENAMEABLE, RenameError, rename
from jetls.workspace import Workspace
from jetls.workspace.scope import scope_of
from jetls.workspace.search import occurrences_in

_DYM = re.compile(r"; did you mean `[^`]*`\?")


@pytest.fixture(scope="module")
def corpus_ws():
    root = find("metric-hub")
    if root is None:
        pytest.skip("metric-hub corpus not found ($JETLS_CORPUS/metric-hub or ../shared/corpus/metric-hub)")
    ws = Workspace.load(root)
    ws.index
    return ws


def _affected(ws: Workspace, edited: set[str]) -> list[str]:
    """Files whose resolution can see an edited file: the edited ones, and every file whose
    scope layers or platform definitions include one of them."""
    out = []
    edited_platforms = {ws.file(p).platform for p in edited if ws.file(p).kind.value in ("definitions", "functions")}
    for path, sf in ws.files.items():
        if sf.kind.value == "plain":
            continue
        scope = scope_of(ws, path)
        if path in edited or any(layer.path in edited for layer in scope.layers) or scope.platform in edited_platforms \
                or None in edited_platforms:
            out.append(path)
    return out


def _diagnostics(ws: Workspace, paths: list[str], old: str, new: str) -> set:
    out = set()
    for p in paths:
        lines = ws.file(p).tree.lines
        for d in check_file(ws, p).diagnostics:
            if d.severity > Severity.WARNING:
                continue
            message = _DYM.sub("", d.message).replace(new, old)
            out.add((p, lines.line_of(d.start), d.code, d.severity, message))
    return out


def _occurrences(ws: Workspace):
    for path, sf in sorted(ws.files.items()):
        for o in occurrences_in(sf):
            if o.kind in RENAMEABLE:
                yield o


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_rename_keeps_the_workspace_diagnostics(corpus_ws, seed):
    ws = corpus_ws
    occs = list(_occurrences(ws))
    rng = random.Random(seed)
    for o in rng.sample(occs, 8):
        new = f"{o.slug}_zq{seed}"
        try:
            edits = rename(ws, o.path, o.span[0], new)
        except RenameError:
            continue  # refused with a reason: nothing to check
        after = ws
        for path, es in edits.items():
            text = ws.file(path).text
            for e in sorted(es, key=lambda e: -e.start):
                assert text[e.start:e.end] in (o.slug, f'"{o.slug}"', f"'{o.slug}'"), (path, e)
                text = text[:e.start] + e.new_text + text[e.end:]
            after = after.with_text(path, text)
        paths = _affected(ws, set(edits))
        before = _diagnostics(ws, paths, o.slug, new)
        now = _diagnostics(after, paths, o.slug, new)
        assert before == now, (o, sorted(before ^ now)[:6])
        return  # one accepted rename per seed keeps the run short; the slow soak does more
    pytest.skip("every sampled rename was refused")


@pytest.mark.slow
@pytest.mark.parametrize("seed", [11, 21, 31])
def test_many_renames_keep_the_workspace_diagnostics(corpus_ws, seed):
    """The long run (pytest -m slow): 200 random occurrences per seed, every accepted rename checked."""
    ws = corpus_ws
    rng = random.Random(seed)
    accepted = 0
    for o in rng.sample(list(_occurrences(ws)), 200):
        new = f"{o.slug}_zq{seed}"
        try:
            edits = rename(ws, o.path, o.span[0], new)
        except RenameError:
            continue
        after = ws
        for path, es in edits.items():
            text = ws.file(path).text
            for e in sorted(es, key=lambda e: -e.start):
                text = text[: e.start] + e.new_text + text[e.end :]
            after = after.with_text(path, text)
        paths = _affected(ws, set(edits))
        assert _diagnostics(ws, paths, o.slug, new) == _diagnostics(after, paths, o.slug, new), o
        accepted += 1
    assert accepted > 100
