"""Which files `jetls check` reads: by default what metric-hub's CI validates, never lib/'s
fixtures; named paths as given; `--exclude` patterns relative to the current directory or the
checkout root."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from check_helpers import CI_FOLDERS, run_jetls, run_jetls_once
from corpus import corpus_dir

#: The example's configs (checked, not all reported: some are clean).
EXAMPLE_FILES = 7
#: One file with a TOML syntax error in each CI folder the example lacks.
CI_BROKEN = ("opmon/broken.toml", "looker/definitions/broken.toml", "featmon/broken.toml", "jetstream/broken.toml")


def run(*args: str, cwd: Path) -> tuple[int, set[str]]:
    """(how many files the run checked, the files reported with a TOML syntax error)."""
    proc = run_jetls("check", *args, cwd=cwd)
    assert proc.returncode in (0, 1), proc.stderr
    broken = {line.split(":")[0] for line in proc.stdout.splitlines() if "[JET001]" in line}
    return files_checked(proc), broken


def files_checked(proc) -> int:
    """The count of the summary line: `jetls: 7 files checked: …`."""
    return int(re.match(r"jetls: (\d+) files? checked", proc.stderr)[1])


def count_checked(*args: str, cwd: Path) -> int:
    proc = run_jetls("check", *args, cwd=cwd)
    assert proc.returncode in (0, 1), proc.stderr
    return files_checked(proc)


def break_ci_folders(root: Path) -> None:
    for rel in CI_BROKEN:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("[metrics\n")


def test_default_checks_the_ci_folders_of_the_checkout_and_not_lib(checkout):
    # the checkout also holds broken TOML in lib/, notes/, .github/ (see conftest)
    break_ci_folders(checkout)
    assert run(cwd=checkout) == (EXAMPLE_FILES + len(CI_BROKEN), set(CI_BROKEN))


def test_dot_at_the_checkout_root_is_the_default(checkout):
    break_ci_folders(checkout)
    assert run(".", cwd=checkout) == run(cwd=checkout)


def test_default_from_a_subfolder_checks_the_whole_checkout(checkout):
    break_ci_folders(checkout)
    # paths relative to the current directory, the rest of the checkout's too (`../opmon/...`)
    count, broken = run(cwd=checkout / "jetstream")
    assert count == EXAMPLE_FILES + len(CI_BROKEN)
    assert broken == {"broken.toml"} | {f"../{f}" for f in CI_BROKEN if not f.startswith("jetstream/")}


def test_dot_in_a_subfolder_checks_that_folder(checkout):
    break_ci_folders(checkout)
    assert run(".", cwd=checkout / "jetstream" / "outcomes") == (1, set())
    assert run(".", cwd=checkout / "looker") == (1, {"definitions/broken.toml"})


def test_outside_any_checkout_the_default_is_the_current_folder(tmp_path):
    (tmp_path / "a.toml").write_text("x = [\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.toml").write_text("y = \n")
    assert run(cwd=tmp_path) == (2, {"a.toml", "sub/b.toml"})


def test_a_named_lib_folder_or_file_is_checked_as_given(checkout):
    fixture = "lib/metric-config-parser/metric_config_parser/tests/data/jetstream/broken-fixture.toml"
    assert run("lib", cwd=checkout) == (2, {fixture, "lib/metric-config-parser/pyproject.toml"})
    assert run(fixture, cwd=checkout) == (1, {fixture})


def test_a_walk_skips_lib_and_hidden_folders_below_the_named_folder(checkout):
    assert run("notes", ".github", cwd=checkout) == (2, {"notes/draft.toml", ".github/settings.toml"})
    outer = checkout.parent
    (outer / "lib").mkdir()
    (outer / "lib" / "x.toml").write_text("x = [\n")
    (outer / ".cache").mkdir()
    (outer / ".cache" / "y.toml").write_text("x = [\n")
    (outer / "top.toml").write_text("x = [\n")
    # a walk from above the checkout: lib/ and .cache/ skipped, the checkout through its CI folders
    assert run(".", cwd=outer) == (1 + EXAMPLE_FILES, {"top.toml"})


def test_exclude_patterns_relative_to_the_current_directory(checkout):
    assert count_checked("--exclude", "jetstream/outcomes/", cwd=checkout) == EXAMPLE_FILES - 1
    # no slash: a name at any depth, as in .gitignore (three firefox_desktop.toml)
    assert count_checked("--exclude", "firefox_desktop.toml", cwd=checkout) == EXAMPLE_FILES - 3
    # repeatable, with * and **
    assert count_checked("--exclude", "definitions/*", "--exclude", "jetstream/**/firefox_desktop.toml",
                         cwd=checkout) == EXAMPLE_FILES - 4
    # and a negation takes a file back
    assert count_checked("--exclude", "jetstream/*.toml", "--exclude", "!new-onboarding.toml",
                         cwd=checkout) == EXAMPLE_FILES - 1


def test_exclude_patterns_relative_to_the_checkout_root_from_a_subfolder(checkout):
    here = checkout / "jetstream"
    # anchored at the checkout root
    proc = run_jetls("check", "--exclude", "/jetstream/sidebar-redesign.toml", cwd=here)
    assert proc.returncode == 0 and "sidebar-redesign" not in proc.stdout
    assert f"{EXAMPLE_FILES - 1} files checked" in proc.stderr
    # anchored at the current directory
    assert count_checked("--exclude", "/new-onboarding.toml", cwd=here) == EXAMPLE_FILES - 1
    assert count_checked("--exclude", "/jetstream/new-onboarding.toml", cwd=checkout) == EXAMPLE_FILES - 1


def test_exclude_applies_to_named_files_too(checkout):
    proc = run_jetls("check", "--exclude", "sidebar-*.toml", "jetstream/sidebar-redesign.toml",
                     "jetstream/new-onboarding.toml", cwd=checkout)
    assert proc.returncode == 0, proc.stdout
    assert "1 file checked" in proc.stderr


def test_excluded_files_still_define_what_the_others_use(checkout):
    # definitions/ is not reported on, but the config's metrics still resolve against it
    proc = run_jetls("check", "--format", "json", "--min-severity", "hint", "--exclude", "definitions/",
                     "--exclude", "sidebar-redesign.toml", cwd=checkout)
    assert proc.returncode == 0, proc.stdout
    paths = {d["path"] for d in json.loads(proc.stdout)}
    assert not any(p.startswith("definitions/") for p in paths)
    assert "JET201" not in proc.stdout


def test_a_malformed_exclude_pattern_is_a_usage_error(checkout):
    proc = run_jetls("check", "--exclude", "!", cwd=checkout)
    assert proc.returncode == 2
    assert "--exclude" in proc.stderr and "Traceback" not in proc.stderr


def corpus_count(*args: str) -> int:
    proc = run_jetls_once("check", *args, cwd=corpus_dir("metric-hub"))
    assert proc.returncode == 1, proc.stderr
    return files_checked(proc)


def test_default_on_the_real_corpus_checks_every_file_of_its_ci_folders():
    root = corpus_dir("metric-hub")
    expected = sum(1 for folder in CI_FOLDERS for _ in (root / folder).rglob("*.toml"))
    assert corpus_count() == expected


def test_exclude_on_the_real_corpus():
    outcomes = sum(1 for _ in (corpus_dir("metric-hub") / "jetstream" / "outcomes").rglob("*.toml"))
    assert outcomes > 0
    assert corpus_count("--exclude", "outcomes") == corpus_count() - outcomes
