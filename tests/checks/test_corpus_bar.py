"""The real-world bar: on the metric-hub corpus, errors on exactly the 11 files of SOURCE.md."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus import find

from jetls.checks import check_file
from jetls.workspace import Workspace

REPO = Path(__file__).resolve().parents[2]


def _corpus() -> Path | None:
    return find("metric-hub")


CORPUS = _corpus()
pytestmark = pytest.mark.skipif(CORPUS is None, reason="metric-hub corpus not available")

EXPECTED = {
    "jetstream/fakespot-in-suggest.toml": "urlbar_events_unnested_results",
    "jetstream/firefox-mdn-web-docs-suggestion-experiment.toml": "urlbar_events_unnested_results",
    "jetstream/higher-placement-phase-3-relaunch.toml": "urlbar_events_unnested_results",
    "jetstream/pages-ranking-experiment-revised.toml": "urlbar_events_unnested_results",
    "jetstream/sponsored-suggestion-placement-phase-2.toml": "urlbar_events_unnested_results",
    "jetstream/weather-suggestions-simplified.toml": "urlbar_events_unnested_results",
    "jetstream/home-and-newtab-wallpapers-v1-spotlight.toml": "newtab_search_enabled",
    "jetstream/home-and-newtab-weather-v1.toml": "weather_widget_impressions",
    "jetstream/shortcuts-visual-refresh.toml": "sponsored_tiles_disabled",
    "jetstream/yelp-suggestions-pilot-v3.toml": "urlbar_impressions",
    "jetstream/defaults/monitor_cirrus.toml": "monitor_pageviews_v1",
}


@pytest.fixture(scope="module")
def reports():
    ws = Workspace.load(CORPUS)
    return ws, {ws.files[p].info.rel: check_file(ws, p) for p in ws.files}


def test_errors_exactly_on_the_eleven(reports):
    ws, reps = reports
    with_errors = {rel for rel, r in reps.items() if any(d.severity.label == "error" for d in r.diagnostics)}
    assert with_errors == set(EXPECTED)
    for rel, slug in EXPECTED.items():
        text = (CORPUS / rel).read_text()
        spans = [text[d.start : d.end] for d in reps[rel].diagnostics if d.severity.label == "error"]
        assert slug in spans, (rel, spans)


def test_special_cases(reports):
    ws, reps = reports
    for rel in ("jetstream/account-spotlight-modal-english-holdback.toml", "jetstream/accounts-vpn-promotion.toml"):
        if rel in reps:
            assert any(d.code == "JET506" for d in reps[rel].diagnostics)
    for rel in (
        "jetstream/speculative-connect-sockets-increased-population.toml",
        "jetstream/impact-of-race-cache-with-network-feature.toml",
    ):
        if rel in reps:
            assert any(d.code == "JET202" and "networking" in d.message for d in reps[rel].diagnostics), rel


def test_every_slug_resolves_elsewhere(reports):
    ws, reps = reports
    for rel, r in reps.items():
        if rel in EXPECTED:
            continue
        bad = [
            d
            for d in r.diagnostics
            if d.code in ("JET201", "JET203", "JET204", "JET205", "JET206", "JET207", "JET208")
            and d.severity.label == "error"
        ]
        assert not bad, rel
