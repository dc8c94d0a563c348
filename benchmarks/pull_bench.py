"""Workspace pull diagnostics as VS Code drives them (raw JSON-RPC over the server's pipes).

Usage: python benchmarks/pull_bench.py [--root METRIC_HUB] [-n 5]

VS Code's client (vscode-languageclient 9) sends `workspace/diagnostic` with the result ids it
holds, and again 2 s after each answer, for as long as the window is open. Prints the time of a
pull and how many files it reported in full (checked again) or unchanged: the first pull, an
idle pull, a pull after a keystroke in an experiment config, and one after a keystroke in
definitions/firefox_desktop.toml (medians of `-n` rounds).
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path

from _common import corpus_root, stats
from lsp_bench import CAPS, DEFINITIONS, EXPERIMENT, position, start_indexed, tomllib_ms

PULL_CAPS = {
    **CAPS,
    "workspace": {**CAPS["workspace"], "diagnostics": {"refreshSupport": True}},
    "textDocument": {**CAPS["textDocument"], "diagnostic": {"relatedDocumentSupport": True}},
}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", type=Path, default=corpus_root() / "metric-hub")
    ap.add_argument("-n", type=int, default=5)
    ap.add_argument("--server", default=f"{shlex.quote(sys.executable)} -m jetls.server")
    args = ap.parse_args()
    root = args.root.resolve()
    if not (root / "definitions").is_dir():
        print(f"no metric-hub checkout at {root}", file=sys.stderr)
        return 2
    calib = tomllib_ms(root / DEFINITIONS)
    srv, _, _ = start_indexed(args.server, root, PULL_CAPS, {"platform": "firefox_desktop"}, timeout=300)

    ids: dict[str, str] = {}

    def pull() -> tuple[float, int, int]:
        dt, res = srv.request(
            "workspace/diagnostic",
            {"previousResultIds": [{"uri": u, "value": v} for u, v in ids.items()]},
        )
        items = res["items"]
        ids.update({i["uri"]: i["resultId"] for i in items if i.get("resultId")})
        full = sum(1 for i in items if i["kind"] == "full")
        return dt, full, len(items) - full

    docs = {}
    for rel in (EXPERIMENT, DEFINITIONS):
        path = root / rel
        text = path.read_text()
        docs[rel] = [path.as_uri(), text, 1, text.index("active_hours") + 3]
        srv.notify("textDocument/didOpen",
                   {"textDocument": {"uri": path.as_uri(), "languageId": "toml", "version": 1, "text": text}})

    def keystroke(rel: str, insert: bool) -> None:
        d = docs[rel]
        uri, text, version, at = d
        if insert:
            change = {"range": {"start": position(text, at), "end": position(text, at)}, "text": "x"}
            text = text[:at] + "x" + text[at:]
        else:
            change = {"range": {"start": position(text, at), "end": position(text, at + 1)}, "text": ""}
            text = text[:at] + text[at + 1:]
        d[1], d[2] = text, version + 1
        srv.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version + 1},
                                              "contentChanges": [change]})

    first = pull()
    rows: dict[str, list] = {"idle": [], "after a keystroke in an experiment config": [],
                             "after a keystroke in definitions/firefox_desktop.toml": []}
    counts: dict[str, tuple[int, int]] = {}
    for i in range(args.n):
        for label, rel in (("idle", None), ("after a keystroke in an experiment config", EXPERIMENT),
                           ("after a keystroke in definitions/firefox_desktop.toml", DEFINITIONS)):
            if rel is not None:
                keystroke(rel, insert=i % 2 == 0)
                time.sleep(0.05)
            dt, full, unchanged = pull()
            rows[label].append(dt)
            counts[label] = (full, unchanged)
    print(f"workspace/diagnostic on {root} ({len(ids)} files; tomllib.loads({DEFINITIONS}) {calib:.1f} ms)")
    print(f"  first pull ({first[1]} full)  {first[0] * 1000:9.1f} ms")
    for label, xs in rows.items():
        full, unchanged = counts[label]
        print(f"  {label} ({full} full, {unchanged} unchanged)  {stats(xs)}")
    srv.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
