"""Workspace model: classification, incremental snapshots, slug index, platform choice."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "checks"))

from jetls_fixture import BASE, write_tree  # noqa: E402

from jetls.options import Options  # noqa: E402
from jetls.schema import FileKind  # noqa: E402
from jetls.workspace import Workspace, classify, find_root  # noqa: E402


def test_classify(tmp_path):
    write_tree(tmp_path, BASE)
    r = tmp_path
    assert find_root(r / "jetstream" / "x.toml") == r
    cases = {
        "jetstream/x.toml": FileKind.EXPERIMENT,
        "jetstream/outcomes/fenix/o.toml": FileKind.OUTCOME,
        "jetstream/outcomes/o.toml": FileKind.EXPERIMENT,
        "jetstream/defaults/fenix.toml": FileKind.DEFAULTS,
        "definitions/fenix.toml": FileKind.DEFINITIONS,
        "jetstream/definitions/functions.toml": FileKind.FUNCTIONS,
        "opmon/p.toml": FileKind.OPMON,
        "looker/definitions/fenix.toml": FileKind.DEFINITIONS,
        "featmon/fenix.toml": FileKind.FEATMON,
        "jetstream/x.toml.example": FileKind.PLAIN,
        "elsewhere/x.toml": FileKind.PLAIN,
    }
    for rel, kind in cases.items():
        assert classify(r / rel, r) is kind, rel
    assert classify(Path("/tmp/x.toml"), None, "# jetls: kind=experiment\n") is FileKind.EXPERIMENT
    assert classify(Path("/tmp/x.toml"), None, "a = 1\n") is FileKind.PLAIN


def test_index_and_incremental(tmp_path):
    write_tree(tmp_path, BASE)
    ws = Workspace.load(tmp_path)
    idx = ws.index
    defs = idx.definitions("metric", "active_hours", "firefox_desktop")
    assert [d.layer for d in defs] == ["jetstream-definitions", "definitions"]
    assert "agg_sum" in idx.functions()
    assert idx.platforms_defining("data_source", "baseline") == {"fenix"}
    assert "active_hours" in idx.slugs("metric", "firefox_desktop")
    exp = str(tmp_path / "jetstream" / "e.toml")
    ws2 = ws.with_text(exp, '[metrics]\nweekly = ["active_hours"]\n')
    refs = ws2.index.references("metric", "active_hours")
    assert any(r.path == exp for r in refs)
    assert ws.index.references("metric", "active_hours") == idx.references("metric", "active_hours")  # old snapshot unchanged
    ws3 = ws2.with_text(exp, '[metrics.new_one]\nselect_expression = "1"\ndata_source = "clients_daily"\n')
    assert not any(r.path == exp for r in ws3.index.references("metric", "active_hours"))
    assert ws3.index.all_definitions("metric", "new_one")
    ws4 = ws3.without(exp)
    assert not ws4.index.all_definitions("metric", "new_one")


def test_platform_choice(tmp_path):
    write_tree(tmp_path, BASE)
    exp = str(tmp_path / "jetstream" / "e.toml")
    ws = Workspace.load(tmp_path).with_text(exp, '[metrics]\nweekly = ["fenix_only"]\n')
    c = ws.platform_of(exp)
    assert c.platform == "fenix" and c.source == "inferred" and "fenix_only" in c.reason
    ws = ws.with_text(exp, '# jetls: platform=firefox_ios\n[metrics]\nweekly = ["fenix_only"]\n')
    assert ws.platform_of(exp).platform == "firefox_ios"
    ws = Workspace.load(tmp_path, Options(platform="klar_ios")).with_text(exp, "[experiment]\n")
    assert ws.platform_of(exp).source == "option"
    ws = Workspace.load(tmp_path).with_text(exp, "[experiment]\n")
    assert ws.platform_of(exp).platform == "firefox_desktop"


def _contents(idx) -> dict:
    """Every (kind, slug) -> its definitions and references, in the index's order (winner first)."""
    return {
        key: (
            [(d.path, d.span, d.layer, d.platform) for d in idx._defs.get(key, ())],
            [(r.path, r.span, r.where) for r in idx._refs.get(key, ())],
        )
        for key in set(idx._defs) | set(idx._refs)
    }


def test_index_updated_file_by_file_equals_a_fresh_index():
    """Keystrokes in one file, then in another, then back, then a deletion: the index kept up
    to date change by change holds what an index built from scratch holds, in the same order."""
    from corpus import corpus_dir
    from jetls.workspace.index import SlugIndex

    hub = corpus_dir("metric-hub")
    ws = Workspace.load(hub, Options())
    ws.index
    a = str(hub / "definitions" / "firefox_desktop.toml")
    b = str(hub / "jetstream" / "defaults" / "firefox_desktop.toml")
    steps = [
        (a, lambda t: t.replace('data_source = "clients_daily"', 'data_source = "clients_dailyx"', 1)),
        (a, lambda t: t + '\n[metrics.brand_new]\nselect_expression = "1"\ndata_source = "clients_daily"\n'),
        (b, lambda t: "[metrics]\nweekly = ['brand_new', 'active_hours']\n" + t),
        (a, lambda t: t.replace("[metrics.brand_new]", "[metrics.renamed]")),
        (a, None),  # deleted
        (b, lambda t: t + "\n[segments.s]\nselect_expression = '1'\ndata_source = 'x'\n"),
    ]
    for path, change in steps:
        ws = ws.without(path) if change is None else ws.with_text(path, change(ws.file(path).text))
        fresh = SlugIndex({p: f.index for p, f in ws.files.items()})
        assert _contents(ws.index) == _contents(fresh)
    assert not ws.index.all_definitions("metric", "renamed")
    assert ws.index.all_definitions("segment", "s")
