"""The server's side of a bigquery-etl schema source (`jetls.bigqueryEtl`): load it off the
event loop with `window/workDoneProgress`, report a bad source once with `window/showMessage`,
and re-check the open documents when its columns are known.
"""

from __future__ import annotations

import asyncio
import logging

from lsprotocol import types as lsp

from jetls.bigquery import sources

log = logging.getLogger(__name__)


def start(ls) -> None:
    """Start loading the configured source unless it is loaded or loading (idempotent)."""
    sources.set_background(True)  # checks never load it on their own thread
    path = ls.options.bigquery_etl
    if not path or sources.state(path) is not None:
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    loop.create_task(_load(ls, path))


async def _load(ls, path: str) -> None:
    loop = asyncio.get_running_loop()
    token = f"jetls-bigquery-{id(path)}"
    progress = False
    if ls.client.work_done_progress:
        try:
            await asyncio.wait_for(ls.work_done_progress.create_async(token), 5)
            progress = True
            ls.work_done_progress.begin(
                token,
                lsp.WorkDoneProgressBegin(
                    title="jetls: bigquery-etl schemas", message=path, percentage=0, cancellable=False
                ),
            )
        except Exception as exc:  # noqa: BLE001 — progress is a courtesy
            log.debug("progress create failed: %s", exc)
            progress = False
    done: asyncio.Future = loop.create_future()
    last: list[int | None] = [-1]

    def report(message: str, fraction: float | None) -> None:  # on the loading thread
        pct = int(100 * fraction) if fraction is not None else None
        if progress and pct != last[0]:
            last[0] = pct
            loop.call_soon_threadsafe(
                ls.work_done_progress.report, token, lsp.WorkDoneProgressReport(message=message, percentage=pct)
            )

    def finished(state) -> None:  # on the loading thread
        def settle() -> None:
            if not done.done():
                done.set_result(state)

        loop.call_soon_threadsafe(settle)

    sources.start(path, report, finished)
    state = await done
    cat = state.catalog
    if progress:
        end = f"{len(cat.names()):,} tables, snapshot of {cat.date}" if cat is not None else "not loaded"
        ls.work_done_progress.end(token, lsp.WorkDoneProgressEnd(message=end))
    message = sources.summary(state)
    if message:
        kind = lsp.MessageType.Error if cat is None else lsp.MessageType.Warning
        ls.log(f"jetls: {message}", kind)
        if cat is not None:
            for p in cat.problems:
                ls.log(f"jetls: bigquery-etl source: {p}", lsp.MessageType.Log)
        try:
            ls.window_show_message(lsp.ShowMessageParams(type=kind, message=f"jetls: {message}"))
        except Exception as exc:  # noqa: BLE001 — no transport (shutting down)
            log.debug("showMessage failed: %s", exc)
    if cat is not None:
        ls.log(
            f"jetls: bigquery-etl source {path}: {cat.describe()}, snapshot of {cat.date} "
            f"({cat.load_seconds:.2f} s, {cat.parsed} files parsed)"
        )
        # snapshots memoise their diagnostics: new ones see the columns
        for root in ls.roots:
            if hasattr(root.ws, "with_options"):
                ls.set_snapshot(root, root.ws.with_options(root.ws.options))
        ls.rediagnose_root(None)
