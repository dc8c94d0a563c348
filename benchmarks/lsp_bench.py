"""Latency of the jetls server as an editor sees it (raw JSON-RPC over the server's pipes).

Usage: python benchmarks/lsp_bench.py [--root METRIC_HUB] [-n 50] [--settle 1] [--server "python -m jetls.server"]

Prints median and p95 of: keystroke (didChange) -> fresh publishDiagnostics (for that version;
the first keystroke right after opening is shown apart, the others start `--settle` s later),
completion, hover, definition -- on definitions/firefox_desktop.toml and on an experiment
config --, references and rename of `active_hours`, plus cold start (spawn -> initialize answered, and -> indexing progress end) and the
server's peak RSS (VmHWM).
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shlex
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from _common import REPO, corpus_root, stats

EXPERIMENT = "jetstream/reminder-set-firefox-as-default.toml"
DEFINITIONS = "definitions/firefox_desktop.toml"

CAPS = {
    "general": {"positionEncodings": ["utf-16"]},
    "window": {"workDoneProgress": True},
    "workspace": {"configuration": False, "workspaceEdit": {"documentChanges": True}},
    "textDocument": {
        "synchronization": {"dynamicRegistration": False},
        "publishDiagnostics": {"relatedInformation": True, "versionSupport": True},
        # as current VS Code declares it: documentation on completionItem/resolve, LSP 3.17 itemDefaults
        "completion": {"completionItem": {"snippetSupport": True, "documentationFormat": ["markdown", "plaintext"],
                                          "resolveSupport": {"properties": ["documentation", "detail", "additionalTextEdits"]}},
                       "completionList": {"itemDefaults": ["commitCharacters", "editRange", "insertTextFormat", "insertTextMode", "data"]}},
        "hover": {"contentFormat": ["markdown"]},
    },
}


class Server:
    def __init__(self, cmd: list[str], cwd: str) -> None:
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=cwd)
        self.q: queue.Queue = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        f = self.proc.stdout
        while True:
            line = f.readline()
            if not line:
                self.q.put(None)
                return
            n = int(line.split(b":")[1])
            while f.readline().strip():
                pass
            self.q.put((time.perf_counter(), json.loads(f.read(n))))

    def send(self, msg: dict) -> None:
        msg["jsonrpc"] = "2.0"
        body = json.dumps(msg).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method: str, params) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params) -> tuple[float, object]:
        self.next_id += 1
        rid = self.next_id
        t = time.perf_counter()
        self.send({"id": rid, "method": method, "params": params})
        msg_t, msg = self.wait(lambda m: m.get("id") == rid and "method" not in m)
        return msg_t - t, msg.get("result")

    def wait(self, pred, timeout: float = 60.0):
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError("no matching message")
            item = self.q.get(timeout=left)
            if item is None:
                raise RuntimeError("server exited")
            t, msg = item
            if "method" in msg and "id" in msg:  # a request from the server: answer it
                self.send({"id": msg["id"], "result": None})
            if pred(msg):
                return t, msg

    def vmhwm_kb(self) -> int | None:
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        except OSError:
            return None
        return None

    def close(self) -> None:
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.proc.wait(timeout=5)
        except Exception:
            self.proc.kill()


def start_indexed(cmd: str, root: Path, caps: dict = CAPS, options: dict | None = None,
                  timeout: float = 60.0) -> tuple[Server, float, float]:
    """Spawn the server, initialize it on `root` (as a workspace folder) and wait for the end of
    indexing: (server, seconds from spawn to the initialize answer, and to the progress end)."""
    srv = Server(shlex.split(cmd), str(REPO))
    params = {"processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": caps,
              "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}]}
    if options is not None:
        params["initializationOptions"] = options
    srv.request("initialize", params)
    t_init = time.perf_counter() - srv.t0
    srv.notify("initialized", {})
    t_end, _ = srv.wait(lambda m: m.get("method") == "$/progress" and m["params"]["value"].get("kind") == "end", timeout)
    return srv, t_init, t_end - srv.t0


def position(text: str, offset: int) -> dict:
    line = text.count("\n", 0, offset)
    col = offset - (text.rfind("\n", 0, offset) + 1)
    return {"line": line, "character": col}


def bench_file(srv: Server, root: Path, rel: str, n: int, typing_at: str, completion_at: str, nav_at: str,
               settle: float = 0.0) -> None:
    path = root / rel
    uri = path.as_uri()
    text = path.read_text()
    version = 1
    srv.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "toml", "version": version, "text": text}})
    srv.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri and m["params"].get("version") == version)

    # keystrokes: type a character into a slug reference, then delete it (alternating). The first
    # one comes at once (the server may still be warming up after indexing); the others after
    # `settle` seconds (a user reading the file before typing).
    at = text.index(typing_at) + len(typing_at) - 1
    keystroke: list[float] = []
    first = None
    for i in range(n + 1):
        if i == 1:
            first = keystroke.pop()
            time.sleep(settle)
        version += 1
        if i % 2 == 0:
            change = {"range": {"start": position(text, at), "end": position(text, at)}, "text": "x"}
            text = text[:at] + "x" + text[at:]
        else:
            change = {"range": {"start": position(text, at), "end": position(text, at + 1)}, "text": ""}
            text = text[:at] + text[at + 1 :]
        t = time.perf_counter()
        srv.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
        v = version
        got, _ = srv.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri and m["params"].get("version") == v)
        keystroke.append(got - t)

    comp_pos = position(text, text.index(completion_at) + len(completion_at))
    nav_pos = position(text, text.index(nav_at) + 2)
    completion, hover, definition = [], [], []
    for _ in range(n):
        dt, res = srv.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": comp_pos})
        completion.append(dt)
        dt, res_h = srv.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": nav_pos})
        hover.append(dt)
        dt, res_d = srv.request("textDocument/definition", {"textDocument": {"uri": uri}, "position": nav_pos})
        definition.append(dt)
    hints, lenses, resolves = [], [], []
    whole = {"start": {"line": 0, "character": 0}, "end": position(text, len(text))}
    for _ in range(n):
        dt, res_i = srv.request("textDocument/inlayHint", {"textDocument": {"uri": uri}, "range": whole})
        hints.append(dt)
        dt, res_l = srv.request("textDocument/codeLens", {"textDocument": {"uri": uri}})
        lenses.append(dt)
    unresolved = [lens for lens in res_l or [] if not lens.get("command")][:n]
    for lens in unresolved:
        dt, _ = srv.request("codeLens/resolve", lens)
        resolves.append(dt)
    n_items = len(res["items"]) if isinstance(res, dict) else len(res or [])
    print(f"\n{rel}  ({len(text.splitlines())} lines, {len(text.encode())} bytes)")
    print(f"  first keystroke -> diagnostics, right after opening  {first * 1000:7.2f} ms")
    print(f"  keystroke -> diagnostics  {stats(keystroke)}")
    print(f"  completion ({n_items:3d} items)  {stats(completion)}")
    print(f"  hover ({'ok' if res_h else 'none'})             {stats(hover)}")
    print(f"  definition ({len(res_d or [])} loc)       {stats(definition)}")
    print(f"  inlay hints ({len(res_i or [])})          {stats(hints)}")
    print(f"  code lenses ({len(res_l or [])})        {stats(lenses)}")
    if resolves:
        print(f"  code lens resolve        {stats(resolves)}")
    srv.notify("textDocument/didClose", {"textDocument": {"uri": uri}})


def bench_symbol_search(srv: Server, root: Path, rel: str, needle: str, n: int) -> None:
    """References and rename of one slug (the semantic layer's symbol search over the workspace)."""
    path = root / rel
    uri = path.as_uri()
    text = path.read_text()
    srv.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "toml", "version": 1, "text": text}})
    srv.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri)
    pos = position(text, text.index(needle) + len(needle) - 3)
    refs, renames = [], []
    for _ in range(n):
        dt, res_r = srv.request("textDocument/references", {"textDocument": {"uri": uri}, "position": pos,
                                                            "context": {"includeDeclaration": True}})
        refs.append(dt)
        dt, res_n = srv.request("textDocument/rename", {"textDocument": {"uri": uri}, "position": pos, "newName": "renamed_slug"})
        renames.append(dt)
    files = {loc["uri"] for loc in res_r or []}
    edits = sum(len(e["edits"]) for e in (res_n or {}).get("documentChanges") or [])
    print(f"\nsymbol search: `{needle.split('.')[-1].rstrip(']')}` from {rel}")
    print(f"  references ({len(res_r or [])} in {len(files)} files)  {stats(refs)}")
    print(f"  rename ({edits} edits)                {stats(renames)}")
    srv.notify("textDocument/didClose", {"textDocument": {"uri": uri}})


def tomllib_ms(path: Path, n: int = 15) -> float:
    """This machine's speed: median time of `tomllib.loads` on a file (calibration)."""
    import tomllib

    text = path.read_text()
    xs = []
    for _ in range(n):
        t = time.perf_counter()
        tomllib.loads(text)
        xs.append(time.perf_counter() - t)
    return statistics.median(xs) * 1000


def import_floor_ms(python: str, n: int = 3) -> float:
    """Spawn -> `import pygls.lsp.server` done, in a fresh interpreter: the part of any
    pygls server's cold start that the server itself cannot shorten."""
    xs = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run([python, "-c", "import pygls.lsp.server"], check=True)
        xs.append(time.perf_counter() - t)
    return statistics.median(xs) * 1000


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", type=Path, default=corpus_root() / "metric-hub")
    ap.add_argument("-n", type=int, default=50)
    ap.add_argument("--settle", type=float, default=1.0,
                    help="seconds between the first keystroke in a file and the measured ones (default 1)")
    ap.add_argument("--server", default=f"{shlex.quote(sys.executable)} -m jetls.server")
    args = ap.parse_args()
    root = args.root.resolve()
    if not (root / "definitions").is_dir():
        print(f"no metric-hub checkout at {root}", file=sys.stderr)
        return 2

    calib_start = tomllib_ms(root / DEFINITIONS)
    srv, t_init, t_indexed = start_indexed(args.server, root, options={"platform": "firefox_desktop"})
    print(f"jetls server benchmark on {root}")
    print(f"cold start: initialize answered {t_init * 1000:7.1f} ms; workspace indexed (progress end) {t_indexed * 1000:7.1f} ms")
    print(f"  of which the interpreter and `import pygls.lsp.server` alone take {import_floor_ms(sys.executable):.1f} ms "
          "(median of 3 fresh interpreters, measured after the server started)")

    bench_file(srv, root, DEFINITIONS, args.n, typing_at='data_source = "clients_daily',
               completion_at='data_source = "clients_d', nav_at='"clients_daily"', settle=args.settle)
    bench_file(srv, root, EXPERIMENT, args.n, typing_at="'organic_search_count",
               completion_at="weekly = ['days_of", nav_at="'active_hours'", settle=args.settle)
    bench_symbol_search(srv, root, DEFINITIONS, "[metrics.active_hours]", max(5, args.n // 5))
    hwm = srv.vmhwm_kb()
    print(f"\npeak RSS (VmHWM): {hwm / 1024:.1f} MB" if hwm else "\npeak RSS: n/a")
    srv.close()
    calib_end = tomllib_ms(root / DEFINITIONS)
    print(f"machine: tomllib.loads({DEFINITIONS}) median {calib_start:.1f} ms before the run, "
          f"{calib_end:.1f} ms after (compare figures between machines in that unit)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
