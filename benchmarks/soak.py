"""A long editing session against `jetls serve` (raw JSON-RPC over its pipes): does the server's
memory stay flat, and does a keystroke cost the same at the end as at the start?

Usage: python benchmarks/soak.py [--root METRIC_HUB] [--keystrokes 4000] [--warmup 300] [--features]

On definitions/firefox_desktop.toml and an experiment config, in turns, the session types and
deletes (character by character) in a SQL expression, a description, a window list and a SQL
`from_expression`, inserts and deletes blank lines, pastes a table, types in it and undoes both.
Typed text differs from one round to the next (as a user's does), so the caches keyed by content
(rendered templates, SQL parses) see new strings all along. Every keystroke is a didChange that
waits for the publishDiagnostics of its version; after each round the text is back to what it
was. `--features` also asks, after each keystroke, what an editor asks (document symbols, folding
ranges, semantic tokens, code actions, hover, completion and highlights at the caret, inlay hints,
code lenses and the resolution of three of them).

Prints the server's RSS after the warm-up and at the end (and the growth in between), and the
keystroke -> diagnostics latency (median, p95) over the first and the last 500 measured keystrokes.
"""

from __future__ import annotations

import argparse
import itertools
import shlex
import sys
import time
from pathlib import Path

from _common import corpus_root, stats
from lsp_bench import DEFINITIONS, EXPERIMENT, Server, position, start_indexed

WINDOW = 500  # keystrokes in the "start" and "end" latency samples


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


class Doc:
    """An open document: its text as the client has it, and how to change it."""

    def __init__(self, session: "Session", root: Path, rel: str) -> None:
        self.session = session
        self.uri = (root / rel).as_uri()
        self.text = (root / rel).read_text()
        self.original = self.text
        self.version = 1
        session.srv.notify("textDocument/didOpen", {"textDocument": {"uri": self.uri, "languageId": "toml",
                                                                      "version": 1, "text": self.text}})
        session.wait_diagnostics(self.uri, 1)

    def at(self, anchor: str) -> int:
        """The offset just after `anchor` (which must occur in the text)."""
        return self.text.index(anchor) + len(anchor)

    def change(self, start: int, end: int, new: str) -> None:
        """One keystroke (or one paste / undo): replace text[start:end] by `new`."""
        rng = {"start": position(self.text, start), "end": position(self.text, end)}
        self.text = self.text[:start] + new + self.text[end:]
        self.version += 1
        self.session.keystroke(self.uri, self.version, {"range": rng, "text": new}, position(self.text, start + len(new)))

    def type(self, at: int, word: str) -> int:
        for i, ch in enumerate(word):
            self.change(at + i, at + i, ch)
        return at + len(word)

    def backspace(self, end: int, n: int) -> None:
        for i in range(n):
            self.change(end - i - 1, end - i, "")


class Session:
    def __init__(self, srv: Server, features: bool) -> None:
        self.srv = srv
        self.features = features
        self.latencies: list[float] = []

    def wait_diagnostics(self, uri: str, version: int) -> None:
        self.srv.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                      and m["params"]["uri"] == uri and m["params"].get("version") == version)

    def keystroke(self, uri: str, version: int, change: dict, caret: dict) -> None:
        t = time.perf_counter()
        self.srv.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
        self.wait_diagnostics(uri, version)
        self.latencies.append(time.perf_counter() - t)
        if self.features:
            doc = {"textDocument": {"uri": uri}}
            self.srv.request("textDocument/documentSymbol", doc)
            self.srv.request("textDocument/foldingRange", doc)
            self.srv.request("textDocument/semanticTokens/full", doc)
            self.srv.request("textDocument/codeAction", {**doc, "range": {"start": caret, "end": caret},
                                                         "context": {"diagnostics": []}})
            self.srv.request("textDocument/hover", {**doc, "position": caret})
            self.srv.request("textDocument/completion", {**doc, "position": caret})
            self.srv.request("textDocument/documentHighlight", {**doc, "position": caret})
            self.srv.request("textDocument/inlayHint", {**doc, "range": {"start": {"line": 0, "character": 0},
                                                                         "end": {"line": caret["line"] + 40, "character": 0}}})
            lenses = self.srv.request("textDocument/codeLens", doc)[1] or []
            for lens in [x for x in lenses if not x.get("command")][:3]:
                self.srv.request("codeLens/resolve", lens)


def rounds(defs: Doc, exp: Doc):
    """One round after another of the editing session (each leaves both texts as they were)."""
    for n in itertools.count():
        # definitions: extend a SQL expression, then delete what was typed
        end = defs.type(defs.at('select_expression = "COUNTIF(active_hours_sum > 0 AND total_uri_count > 0'),
                        f" AND col_{n} > {n % 7}")
        defs.backspace(end, len(f" AND col_{n} > {n % 7}"))
        yield
        # a description
        word = f" (soak round {n})"
        end = defs.type(defs.at("Measures the amount of time"), word)
        defs.backspace(end, len(word))
        yield
        # blank lines under [metrics.active_hours]
        at = defs.at("[metrics.active_hours]\n")
        for _ in range(5):
            defs.change(at, at, "\n")
            defs.change(at, at + 1, "")
        yield
        # paste a table, type in it, undo the typing, undo the paste
        table = f'[metrics.pasted_{n}]\nselect_expression = "SUM(x_{n})"\ndata_source = "clients_daily"\n\n'
        at = defs.at("\n[metrics.uri_count]") - len("[metrics.uri_count]")
        defs.change(at, at, table)
        inside = at + table.index(")")
        defs.type(inside, " + 1")
        defs.change(inside, inside + len(" + 1"), "")
        defs.change(at, at + len(table), "")
        yield
        # experiment config: a window list
        word = ", 'uri_count'"
        end = exp.type(exp.at("'set_to_default_rate'"), word)
        exp.backspace(end, len(word))
        yield
        # its SQL from_expression
        word = f"\n    AND sample_id = {n % 100}"
        end = exp.type(exp.at("WHERE environment.partner.distribution_id IS NULL"), word)
        exp.backspace(end, len(word))
        yield
        # paste a metric, undo
        table = f'\n[metrics.pasted_{n}]\nselect_expression = "COUNT(*)"\ndata_source = "clients_daily"\n'
        at = len(exp.text)
        exp.change(at, at, table)
        exp.change(at, at + len(table), "")
        yield
        assert defs.text == defs.original and exp.text == exp.original


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=corpus_root() / "metric-hub")
    ap.add_argument("--keystrokes", type=int, default=4000, help="measured keystrokes after the warm-up (default 4000)")
    ap.add_argument("--warmup", type=int, default=300, help="keystrokes before the first RSS reading (default 300)")
    ap.add_argument("--features", action="store_true",
                    help="after each keystroke also request symbols, folding, semantic tokens and code actions")
    ap.add_argument("--server", default=f"{shlex.quote(sys.executable)} -m jetls serve")
    args = ap.parse_args()
    root = args.root.resolve()
    if not (root / DEFINITIONS).is_file() or not (root / EXPERIMENT).is_file():
        print(f"no metric-hub checkout at {root}", file=sys.stderr)
        return 2

    srv, _, _ = start_indexed(args.server, root, options={"platform": "firefox_desktop"})
    session = Session(srv, args.features)
    defs, exp = Doc(session, root, DEFINITIONS), Doc(session, root, EXPERIMENT)
    print(f"jetls soak on {root}: {DEFINITIONS} and {EXPERIMENT}" + (" (+ editor feature requests)" if args.features else ""))
    t0 = time.perf_counter()
    rss_warm = None
    for _ in rounds(defs, exp):
        done = len(session.latencies)
        if rss_warm is None and done >= args.warmup:
            rss_warm, warm_done = rss_mb(srv.proc.pid), done
            print(f"after the warm-up ({done} keystrokes): RSS {rss_warm:7.1f} MB", flush=True)
        if rss_warm is not None and done - warm_done >= args.keystrokes:
            break
    rss_end = rss_mb(srv.proc.pid)
    measured = session.latencies[warm_done:]
    print(f"after {len(measured)} more keystrokes: RSS {rss_end:7.1f} MB   growth {rss_end - rss_warm:+6.1f} MB "
          f"({(rss_end - rss_warm) * 1024 / len(measured):+.2f} KB per keystroke)")
    print(f"keystroke -> diagnostics, first {WINDOW}:  {stats(measured[:WINDOW])}")
    print(f"keystroke -> diagnostics, last {WINDOW}:   {stats(measured[-WINDOW:])}")
    print(f"session: {len(session.latencies)} keystrokes in {time.perf_counter() - t0:.0f} s")
    srv.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
