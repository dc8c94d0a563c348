"""Every code's documented example (in its rule module, and so in docs/diagnostics.md) is a
test: its files, added to a copy of examples/metric-hub, make `jetls check` report that code
there, and no other code."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from jetls.checks.codes import CODES
from jetls.checks.registry import RULES
from jetls.cli import main

REPO = Path(__file__).resolve().parents[2]

#: Codes without an example, and why (at most three).
WITHOUT_EXAMPLE = {
    "JET004": "needs a file of more than 2 000 000 characters",
    "JET005": "only the language server reports it, past 1 000 diagnostics in one file",
}


def _documented():
    return [code for code, rule in RULES.items() if rule.examples]


@pytest.mark.parametrize("code", _documented())
def test_the_documented_example_reports_its_code(code, tmp_path, monkeypatch, capsys):
    rule = RULES[code]
    hub = tmp_path / "metric-hub"
    shutil.copytree(REPO / "examples" / "metric-hub", hub)
    written = []
    for ex in rule.examples:
        p = (hub / ex.path).resolve()
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(ex.text)
        written.append(str(p))
    monkeypatch.chdir(hub)
    targets = [w for w in written if w.endswith(".toml") and Path(w).is_relative_to(hub.resolve())]
    main(["check", "--format", "json", "--min-severity", "hint", *rule.options, *targets])
    found = json.loads(capsys.readouterr().out)
    codes = {d["code"] for d in found if str((hub / d["path"]).resolve()) in targets}
    assert codes == {code}, "\n".join(
        f"{d['path']}:{d['line']}:{d['column']} {d['code']} {d['message']}" for d in found
    )


def test_every_code_has_an_example_but_a_few():
    assert len(WITHOUT_EXAMPLE) <= 3
    missing = {code for code in CODES if code not in _documented()}
    assert missing & set(RULES) == set(WITHOUT_EXAMPLE)
