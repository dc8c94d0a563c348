"""Bad values of `jetls check` options are usage errors (exit 2) that list the allowed values,
with the nearest one when the value is a near miss; nothing is checked with a misspelt option."""

from __future__ import annotations

import pytest
from check_helpers import EXAMPLE, run_jetls

from jetls.checks.codes import CODES
from jetls.cli import main
from jetls.schema import PLATFORMS
from jetls.schema.versions import KNOWN_RELEASES

LEVELS = "error, warning, information, hint"


@pytest.mark.parametrize(
    "args, message",
    [
        (("--platform", "fenixx"),
         f"argument --platform: unknown platform 'fenixx' (did you mean 'fenix'?); choose from {', '.join(PLATFORMS)}"),
        (("--platform", "tv"), f"unknown platform 'tv'; choose from {', '.join(PLATFORMS)}"),
        (("--format", "sarf"), "argument --format: unknown format 'sarf' (did you mean 'sarif'?); "
                               "choose from text, json, github, sarif"),
        (("--format", "xml"), "unknown format 'xml'; choose from text, json, github, sarif"),
        (("--min-severity", "warn"), f"argument --min-severity: unknown severity 'warn' (did you mean 'warning'?); "
                                     f"choose from {LEVELS}"),
        (("--min-severity", "off"), f"unknown severity 'off'; choose from {LEVELS}"),
        (("--severity", "JET201=loud"), f"argument --severity: unknown level 'loud'; choose from {LEVELS}, off"),
        (("--severity", "JET201=warn"), "unknown level 'warn' (did you mean 'warning'?)"),
        (("--severity", "JET999=off"), f"argument --severity: unknown diagnostic code 'JET999'; choose from {', '.join(CODES)}"),
        (("--severity", "201=off"), "unknown diagnostic code '201' (did you mean 'JET201'?)"),
        (("--severity", "JET2O1=off"), "unknown diagnostic code 'JET2O1' (did you mean 'JET201'?)"),
        (("--severity", "JET201"), "argument --severity: expected CODE=LEVEL (e.g. JET201=warning), got 'JET201'"),
        (("--parser-version", "2026.10.3"), "argument --parser-version: unknown parser version '2026.10.3' "
                                            f"(did you mean '2026.10.2'?); choose from {', '.join(KNOWN_RELEASES)}"),
        (("--parser-version", "latest"), f"unknown parser version 'latest'; choose from {', '.join(KNOWN_RELEASES)}"),
    ],
)
def test_bad_values_are_usage_errors_listing_the_allowed_values(args, message):
    proc = run_jetls("check", *args, cwd=EXAMPLE)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_in_process_a_bad_value_exits_2_before_checking(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["check", "--platform", "fenixx", str(EXAMPLE)])
    assert exit_.value.code == 2
    out, err = capsys.readouterr()
    assert out == "" and "did you mean 'fenix'?" in err


@pytest.mark.parametrize("platform", list(PLATFORMS))
def test_every_known_platform_is_accepted(platform, monkeypatch, capsys):
    monkeypatch.chdir(EXAMPLE)
    assert main(["check", "--jobs", "1", "--platform", platform, "definitions/functions.toml"]) == 0


def test_codes_and_levels_are_case_insensitive(monkeypatch, capsys):
    monkeypatch.chdir(EXAMPLE)
    # every error of the example's broken config, turned into a warning in lower case
    args = ["check", "--jobs", "1", "--format", "json", "jetstream/sidebar-redesign.toml"]
    assert main(args) == 1
    out = capsys.readouterr().out
    codes = {c for c in CODES if f'"{c}"' in out}
    assert "JET201" in codes
    lowered = [a for c in sorted(codes) for a in ("--severity", f"{c.lower()}=Warning")]
    assert main(args + lowered) == 0
