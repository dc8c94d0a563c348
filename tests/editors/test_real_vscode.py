"""Real VS Code: the built .vsix in code-server, driven through its web workbench in Chromium.

The extension is installed from the .vsix into code-server (VS Code 1.100.3's server, web
workbench and Node extension host) with no ``jetls`` on PATH and no server settings, so it
must start its bundled server with a Python >= 3.11 from PATH. A copy of the metric-hub
corpus is opened, and ``editors/vscode/e2e/driver.js`` (playwright-core driving Debian's
Chromium) does what a person would: it opens an experiment config with a misspelled metric
and looks at the squiggle and the Problems panel, hovers, goes to definition within the file
and into ``definitions/``, asks for completion, and fixes the typo without saving. The
driver writes what the UI showed as JSON; the tests below assert on it. Screenshots of each
step land in ``editors/vscode/e2e/artifacts/`` (or ``$JETLS_E2E_ARTIFACTS``).

Needs (skipped with the reason when missing, failed under ``JETLS_REQUIRE_EDITORS=1``):
  - code-server 4.100.3: ``editors/vscode/e2e/install-code-server.sh`` (``$JETLS_CODE_SERVER``
    points at another executable);
  - Chromium: ``apt-get install chromium`` (``$JETLS_CHROMIUM``);
  - ``npm ci`` in ``editors/vscode`` (playwright-core, and the tools to build the .vsix);
  - the .vsix: ``$JETLS_VSIX``, else it is built here with ``npm run package``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from corpus import find
import pytest

REPO = Path(__file__).resolve().parents[2]
EXTENSION = REPO / "editors" / "vscode"
CODE_SERVER_VERSION = "4.100.3"
STEP_TIMEOUT_MS = int(os.environ.get("JETLS_EDITOR_TIMEOUT_MS", "60000"))

BAD_SLUG = "active_hourz"
GOOD_SLUG = "active_hours"
LOCAL_SLUG = "e2e_days_of_use"
EXPERIMENT_CONFIG = f"""\
# Written by the real-VS-Code test (tests/editors/test_real_vscode.py).
[experiment]
enrollment_period = 7

[metrics]
weekly = ["{BAD_SLUG}", "{LOCAL_SLUG}"]
overall = ["{GOOD_SLUG}"]

[metrics.{LOCAL_SLUG}]
friendly_name = "E2E days of use"
description = "Days with a session, defined in this file."
select_expression = "COUNT(submission_date)"
data_source = "clients_daily"

[metrics.{LOCAL_SLUG}.statistics.bootstrap_mean]
"""


def _unavailable(reason: str) -> None:
    """Skip, unless CI asked for the real editors (JETLS_REQUIRE_EDITORS=1): then fail."""
    if os.environ.get("JETLS_REQUIRE_EDITORS") == "1":
        pytest.fail(f"required editor set-up missing: {reason}")
    pytest.skip(reason)


def code_server_bin() -> Path:
    """Where install-code-server.sh puts code-server (same defaults as the script)."""
    if os.environ.get("JETLS_CODE_SERVER"):
        return Path(os.environ["JETLS_CODE_SERVER"])
    cache = os.environ.get("JETLS_E2E_CACHE") or Path(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "jetls-e2e"
    )
    return Path(cache) / f"code-server-{CODE_SERVER_VERSION}" / "node_modules" / ".bin" / "code-server"


def position(text: str, needle: str, offset: int = 0, line_prefix: str = "") -> dict:
    """1-based line and column of `needle` (plus `offset`) in the first line starting with `line_prefix`."""
    for i, line in enumerate(text.splitlines()):
        if line.startswith(line_prefix) and needle in line:
            return {"line": i + 1, "column": line.index(needle) + offset + 1}
    raise AssertionError(f"{needle!r} not in text")


def definition_line(file: Path, header: str) -> int:
    for i, line in enumerate(file.read_text().splitlines()):
        if line.strip().split("#")[0].strip() == header:
            return i + 1
    raise AssertionError(f"{header} not in {file}")


def path_without_jetls() -> str:
    """PATH minus every folder holding a `jetls` executable (the extension must use its bundle)."""
    dirs = [d for d in os.environ.get("PATH", "").split(os.pathsep) if d and not shutil.which("jetls", path=d)]
    return os.pathsep.join(dirs)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_vsix(tmp: Path) -> Path:
    if os.environ.get("JETLS_VSIX"):
        vsix = Path(os.environ["JETLS_VSIX"])
        if not vsix.is_file():
            pytest.fail(f"JETLS_VSIX={vsix} does not exist")
        return vsix
    proc = subprocess.run(
        ["npm", "run", "package", "--", "--out", str(tmp / "jetls.vsix")],
        cwd=EXTENSION,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, f"npm run package failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return tmp / "jetls.vsix"


def stop_group(proc: subprocess.Popen) -> None:
    """Stop code-server and everything it started (extension host, jetls) by process group."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def vscode_results(tmp_path_factory):
    corpus = find("metric-hub")
    if corpus is None:
        _unavailable("metric-hub corpus not found (set JETLS_CORPUS to the folder holding metric-hub/)")
    code_server = code_server_bin()
    if not code_server.exists():
        _unavailable(
            f"code-server {CODE_SERVER_VERSION} is not installed at {code_server} "
            "(run editors/vscode/e2e/install-code-server.sh)"
        )
    chromium = Path(os.environ.get("JETLS_CHROMIUM", "/usr/lib/chromium/chromium"))
    if not chromium.exists():
        _unavailable(f"Chromium not found at {chromium} (apt-get install chromium)")
    node = shutil.which("node")
    if node is None or not (EXTENSION / "node_modules" / "playwright-core").is_dir():
        _unavailable("node and editors/vscode/node_modules are needed (cd editors/vscode && npm ci)")

    tmp = tmp_path_factory.mktemp("vscode")
    vsix = build_vsix(tmp)

    root = tmp / "metric-hub"
    # A copy the test may edit: the shared corpus can be read-only, its copy must not be.
    shutil.copytree(corpus, root, copy_function=shutil.copyfile)
    for d, _, _ in os.walk(root):
        os.chmod(d, 0o755)
    config = root / "jetstream" / "jetls-vscode-e2e.toml"
    config.write_text(EXPERIMENT_CONFIG)
    definitions = root / "definitions" / "firefox_desktop.toml"

    # code-server's own folders: nothing is read from or written to the user's.
    dirs = {name: tmp / name for name in ("user-data", "extensions", "config", "data", "cache", "state", "runtime")}
    for d in dirs.values():
        d.mkdir(mode=0o700)
    (dirs["user-data"] / "User").mkdir()
    (dirs["user-data"] / "User" / "settings.json").write_text(
        json.dumps(
            {
                "files.autoSave": "off",
                "security.workspace.trust.enabled": False,
                "workbench.startupEditor": "none",
                "workbench.tips.enabled": False,
                "workbench.enableExperiments": False,
                "telemetry.telemetryLevel": "off",
                "update.mode": "none",
                "extensions.autoCheckUpdates": False,
                "extensions.ignoreRecommendations": True,
                "editor.hover.delay": 100,
            }
        )
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH", "JETLS_SERVER"))}
    env.update(
        PATH=path_without_jetls(),
        XDG_CONFIG_HOME=str(dirs["config"]),
        XDG_DATA_HOME=str(dirs["data"]),
        XDG_CACHE_HOME=str(dirs["cache"]),
        XDG_STATE_HOME=str(dirs["state"]),
        XDG_RUNTIME_DIR=str(dirs["runtime"]),
    )
    assert shutil.which("jetls", path=env["PATH"]) is None
    common = ["--user-data-dir", str(dirs["user-data"]), "--extensions-dir", str(dirs["extensions"])]
    install = subprocess.run(
        [str(code_server), *common, "--install-extension", str(vsix)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, f"installing {vsix} failed:\n{install.stdout}\n{install.stderr}"

    artifacts = Path(os.environ.get("JETLS_E2E_ARTIFACTS") or EXTENSION / "e2e" / "artifacts")
    shutil.rmtree(artifacts, ignore_errors=True)
    artifacts.mkdir(parents=True)
    port = free_port()
    log = (artifacts / "code-server.log").open("w")
    server = subprocess.Popen(
        [
            str(code_server),
            *common,
            "--bind-addr",
            f"127.0.0.1:{port}",
            "--auth",
            "none",
            "--disable-telemetry",
            "--disable-update-check",
            "--disable-getting-started-override",
            str(root),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: stopped as a whole
    )
    text = EXPERIMENT_CONFIG
    typo = position(text, BAD_SLUG, line_prefix="weekly")
    plan = {
        "url": f"http://127.0.0.1:{port}",
        "root": str(root),
        "chromium": str(chromium),
        "artifacts": str(artifacts),
        "results": str(artifacts / "results.json"),
        "step_timeout_ms": STEP_TIMEOUT_MS,
        "file_rel": "jetstream/jetls-vscode-e2e.toml",
        "definition_file": str(definitions),
        # one target (the data source's table): the editor jumps; a predefined metric merges
        # several tables (statistics in jetstream/) and gets a peek list instead
        "definition_line": definition_line(definitions, "[data_sources.clients_daily]"),
        "file": {
            "bad_slug": BAD_SLUG,
            "good_slug": GOOD_SLUG,
            "hover": position(text, GOOD_SLUG, 3, line_prefix="overall"),
            "definition": position(text, "clients_daily", 3, line_prefix="data_source"),
            "local_ref": position(text, LOCAL_SLUG, 3, line_prefix="weekly"),
            "local_def_line": position(text, f"[metrics.{LOCAL_SLUG}]")["line"],
            # Inside the misspelled string, after "active_h".
            "completion": position(text, BAD_SLUG, len("active_h"), line_prefix="weekly"),
            # Right after the "z" of the typo: select it backwards and type "s".
            "typo_end": {"line": typo["line"], "column": typo["column"] + len(BAD_SLUG)},
            "fix_char": "s",
        },
    }
    plan_file = tmp / "plan.json"
    plan_file.write_text(json.dumps(plan, indent=1))
    started = time.monotonic()
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{plan['url']}/healthz", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"code-server did not come up; see {artifacts / 'code-server.log'}")
                time.sleep(0.2)
        driver = subprocess.run(
            [node, str(EXTENSION / "e2e" / "driver.js"), str(plan_file)],
            cwd=EXTENSION,
            env=dict(env, PATH=os.environ.get("PATH", "")),
            capture_output=True,
            text=True,
            timeout=STEP_TIMEOUT_MS / 1000 * 12 + 60,
        )
    finally:
        stop_group(server)
        log.close()
    results_file = Path(plan["results"])
    assert results_file.exists(), f"the driver wrote no results:\n{driver.stdout[-3000:]}\n{driver.stderr[-3000:]}"
    results = json.loads(results_file.read_text())
    results["_run_seconds"] = round(time.monotonic() - started, 1)
    results["_driver_output"] = (driver.stdout + driver.stderr)[-3000:]
    results["_config_on_disk"] = config.read_text()
    results["_plan"] = plan
    return results


def _ctx(results: dict) -> str:
    shown = {k: v for k, v in results.items() if not k.startswith("_")}
    return (
        f"\nresults: {json.dumps(shown, indent=1)[:8000]}\ndriver output:\n{results['_driver_output']}"
        f"\nscreenshots and logs: {results['_plan']['artifacts']}"
    )


def test_extension_starts_its_bundled_server_with_python_from_path(vscode_results):
    output = vscode_results["steps"].get("output") or ""
    assert "Starting server (PATH)" in output, _ctx(vscode_results)
    assert "bundled/tool/jetls_server.py serve" in output, _ctx(vscode_results)


def test_misspelled_metric_has_an_error_squiggle(vscode_results):
    seen = vscode_results["steps"].get("squiggle")
    assert seen and seen["onLine"] >= 1, _ctx(vscode_results)


def test_problems_panel_lists_it_with_its_code(vscode_results):
    rows = vscode_results["steps"].get("problems") or []
    row = next((r for r in rows if BAD_SLUG in r), "")
    assert "JET201" in row, f"no JET201 Problems row for {BAD_SLUG}: {rows}" + _ctx(vscode_results)


def test_hover_shows_friendly_name_and_description(vscode_results):
    text = vscode_results["steps"].get("hover") or ""
    assert "Active hours" in text, _ctx(vscode_results)
    assert "Firefox received user input" in " ".join(text.split()), _ctx(vscode_results)


def test_definition_within_the_file(vscode_results):
    d = vscode_results["steps"].get("definition_local") or {}
    plan = vscode_results["_plan"]
    assert d.get("line") == plan["file"]["local_def_line"], _ctx(vscode_results)
    assert "jetls-vscode-e2e.toml" in d.get("tab", ""), _ctx(vscode_results)


def test_definition_into_definitions(vscode_results):
    d = vscode_results["steps"].get("definition_definitions") or {}
    plan = vscode_results["_plan"]
    assert "firefox_desktop.toml" in d.get("tab", ""), _ctx(vscode_results)
    assert d.get("line") == plan["definition_line"], _ctx(vscode_results)


def test_completion_offers_the_metric_slug(vscode_results):
    labels = vscode_results["steps"].get("completion") or []
    assert any(label.split(" ")[0] == GOOD_SLUG for label in labels), _ctx(vscode_results)


def test_fixing_the_typo_clears_the_diagnostic_without_saving(vscode_results):
    fixed = vscode_results["steps"].get("fix_typo")
    assert fixed, _ctx(vscode_results)
    assert not any(BAD_SLUG in r for r in fixed["problems"]), _ctx(vscode_results)
    # Cleared from the edit itself: the file is unsaved and still misspelled on disk.
    assert fixed["tab"]["dirty"] is True, _ctx(vscode_results)
    assert BAD_SLUG in vscode_results["_config_on_disk"], _ctx(vscode_results)


def test_status_bar_shows_starting_indexing_and_ready(vscode_results):
    texts = vscode_results["status_texts"]
    assert vscode_results["steps"].get("ready"), _ctx(vscode_results)
    assert texts and "starting" in texts[0], _ctx(vscode_results)
    assert any("indexing" in t for t in texts), _ctx(vscode_results)
    assert texts[-1].startswith("codicon-check"), _ctx(vscode_results)
