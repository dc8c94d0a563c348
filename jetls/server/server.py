"""The jetls language server: pygls subclass + state. Handlers live in `jetls.server.handlers`.

State (all mutated on the event-loop thread only; worker threads get immutable snapshots):
- `roots`: one `Root` per config root, holding the current immutable workspace snapshot;
- `docs`: open documents (URI -> `OpenDoc`: version + incrementally re-parsed SyntaxTree).
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import os
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable

from lsprotocol import types as lsp
from pygls import uris
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method

from jetls import __version__
from jetls.diagnostics import Diagnostic, Severity
from jetls.options import Options
from jetls.server import convert, core, framing
from jetls.syntax import LineIndex, SyntaxTree, parse

log = logging.getLogger(__name__)


class RequestFailed(JsonRpcException):
    """An answer, not a server error: the request cannot be done, and the message says why
    (a rename that would change what some file resolves to). Not logged as an error."""

    CODE = int(lsp.LSPErrorCodes.RequestFailed)


def _not_a_refusal(record: logging.LogRecord) -> bool:
    return not (record.exc_info and isinstance(record.exc_info[1], RequestFailed))


# pygls logs every error response with a traceback; a refusal is an ordinary answer.
logging.getLogger("pygls.protocol.json_rpc").addFilter(_not_a_refusal)


# Diagnostics published for one document at most (a note tells how many more there are).
MAX_PUBLISHED = 1000


@dataclass
class Root:
    path: str
    ws: Any
    loaded: bool = False
    loose: bool = False  # a folder that is not a config root (a stray TOML file's folder)
    #: Bumped by every change that other files' diagnostics can depend on (a shared file,
    #: options, loading); an experiment config's edits leave it alone (see `result_id`).
    generation: int = 0
    loading: asyncio.Future | None = None
    prefetch: Any = None  # (options, concurrent Future of Workspace.load) started at initialize

    def contains(self, path: str) -> bool:
        return path == self.path or path.startswith(self.path.rstrip(os.sep) + os.sep)


@dataclass
class OpenDoc:
    uri: str
    path: str
    version: int | None
    tree: SyntaxTree
    root: Root | None = None


@dataclass
class Context:
    """What a feature request works on: a snapshot, a file in it and the file's text."""

    uri: str
    path: str
    ws: Any
    root: Root | None
    doc: OpenDoc | None = None
    #: The tree when it is known up front (an open document, a file outside the snapshot); else
    #: the snapshot's file gives it when asked — a closed config kept as text is parsed only by
    #: a request that needs its tree (not by a workspace pull that answers "unchanged").
    given: SyntaxTree | None = None

    @cached_property
    def tree(self) -> SyntaxTree:
        return self.given if self.given is not None else self.ws.files[self.path].tree

    @property
    def lines(self) -> LineIndex:
        if self.given is None and "tree" not in self.__dict__:
            return self.ws.files[self.path].lines
        return self.tree.lines


@dataclass
class ClientFeatures:
    pull_diagnostics: bool = False
    diagnostic_refresh: bool = False
    related_information: bool = True
    work_done_progress: bool = False
    configuration: bool = False
    watched_files_dynamic: bool = False
    document_changes: bool = False
    hierarchical_symbols: bool = True
    semantic_tokens_refresh: bool = False
    tags: set = field(default_factory=set)


class JetlsProtocol(LanguageServerProtocol):
    """pygls' protocol without its own copy of open documents: jetls keeps SyntaxTrees instead
    (applying every edit twice would double the cost of a keystroke).

    The overrides call the handler directly, not as generators (pygls' style): pygls 2.1 keeps
    the future of a notification run through a generator in `_request_futures` for good, one
    future (~1.5 KB) per keystroke."""

    def _notify_feature(self, method: str, params) -> None:
        if (handler := self.fm.features.get(method)) is not None:
            result = handler(params)
            if inspect.isawaitable(result):
                asyncio.ensure_future(result)

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: lsp.DidChangeTextDocumentParams) -> None:
        self._notify_feature(lsp.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(lsp.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: lsp.DidOpenTextDocumentParams) -> None:
        self._notify_feature(lsp.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: lsp.DidCloseTextDocumentParams) -> None:
        self._notify_feature(lsp.TEXT_DOCUMENT_DID_CLOSE, params)


class JetlsServer(LanguageServer):
    def __init__(self) -> None:
        framing.install()  # a message loop that resynchronises after malformed framing
        super().__init__("jetls", __version__, protocol_cls=JetlsProtocol)
        self.options = Options()
        self.options_generation = 0
        # (result ids of an earlier server process, perhaps another jetls, must never match)
        self._process_mark = os.urandom(4).hex()
        self.encoding = "utf-16"
        self.client = ClientFeatures()
        self.roots: list[Root] = []
        self.docs: dict[str, OpenDoc] = {}
        self.folders: list[str] = []
        # Diagnostics: one running task per URI, re-run while the URI is marked dirty.
        self._dirty: set[str] = set()
        self._diag_tasks: dict[str, asyncio.Task] = {}
        self._pull_cache: dict[str, tuple[str, list[lsp.Diagnostic]]] = {}
        self._refresh_pending = False
        self.check_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jetls-check")
        self.index_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jetls-index")
        self.index_done_callbacks: list[Callable[[], None]] = []

    # ------------------------------------------------------------------ logging / errors

    def log(self, message: str, kind: lsp.MessageType = lsp.MessageType.Log) -> None:
        try:
            self.window_log_message(lsp.LogMessageParams(type=kind, message=message))
        except Exception:  # no transport (e.g. during shutdown)
            log.debug("log message dropped: %s", message)

    def log_exception(self, where: str, exc: BaseException) -> None:
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        log.error("jetls: error in %s\n%s", where, text)
        self.log(f"jetls: error in {where}\n{text}", lsp.MessageType.Error)

    def report_server_error(self, error: Exception, source) -> None:
        if isinstance(error, RequestFailed):
            log.debug("refused: %s", error)
            return
        self.log_exception(str(getattr(source, "__name__", source)), error)

    # ------------------------------------------------------------------ roots & files

    def root_for(self, path: str, create: bool = True) -> Root | None:
        best: Root | None = None
        for r in self.roots:
            if r.contains(path) and (best is None or len(r.path) > len(best.path)):
                if r.loose and not (os.path.dirname(path) == r.path):
                    continue
                best = r
        if best is not None or not create:
            return best
        found = core.find_root(path)
        if found is not None:
            root = self.add_root(found)
            self.start_loading([root])
            return root
        folder = os.path.dirname(path)
        root = Root(folder, core.empty_workspace(None, self.options), loaded=True, loose=True)
        self.roots.append(root)
        return root

    def add_root(self, path: str) -> Root:
        for r in self.roots:
            if r.path == path and not r.loose:
                return r
        root = Root(path, core.empty_workspace(path, self.options))
        self.roots.append(root)
        return root

    def set_snapshot(self, root: Root, ws: Any, changed: str | None = None) -> None:
        """`changed`: the one file that differs from the previous snapshot (None: anything may)."""
        old, root.ws = root.ws, ws
        if changed is None or core.is_shared(ws, changed) or (old is not None and core.is_shared(old, changed)):
            root.generation += 1

    def start_loading(self, roots: list[Root]) -> asyncio.Future | None:
        """Index roots in the background (with progress when the client supports it)."""
        roots = [r for r in roots if not r.loose]
        if not roots:
            return None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return None
        task = loop.create_task(self._load_roots(roots))
        for r in roots:
            r.loading = task
        return task

    async def _load_roots(self, roots: list[Root]) -> None:
        loop = asyncio.get_running_loop()
        token = f"jetls-index-{id(roots)}"
        progress = False
        if self.client.work_done_progress:
            try:
                await asyncio.wait_for(self.work_done_progress.create_async(token), 5)
                progress = True
            except Exception as exc:
                log.debug("progress create failed: %s", exc)
        if progress:
            self.work_done_progress.begin(
                token,
                lsp.WorkDoneProgressBegin(
                    title="jetls: indexing", message=f"{len(roots)} root(s)", percentage=0, cancellable=False
                ),
            )
        try:
            for i, root in enumerate(roots):
                if progress:
                    self.work_done_progress.report(
                        token,
                        lsp.WorkDoneProgressReport(
                            message=os.path.basename(root.path) or root.path, percentage=int(100 * i / len(roots))
                        ),
                    )
                options = self.options
                try:
                    pre, root.prefetch = root.prefetch, None
                    if pre is not None and pre[0] == options:
                        ws = await asyncio.wrap_future(pre[1])
                    else:
                        ws = await loop.run_in_executor(self.index_pool, core.load_workspace, root.path, options)
                except Exception as exc:
                    self.log_exception(f"indexing {root.path}", exc)
                    continue
                # Open documents win over the disk.
                for doc in self.docs.values():
                    if doc.root is root:
                        ws = ws.with_tree(doc.path, doc.tree)
                self.set_snapshot(root, ws)
                root.loaded = True
                root.loading = None
                self.rediagnose_root(root)
        finally:
            if progress:
                self.work_done_progress.end(token, lsp.WorkDoneProgressEnd(message="indexed"))
            self.index_pool.submit(core.warm_up)
            for cb in list(self.index_done_callbacks):
                try:
                    cb()
                except Exception as exc:
                    self.log_exception("index callback", exc)
            self.request_refresh()

    def prefetch(self, roots: list[Root]) -> None:
        """Start reading roots right away (called from initialize, before the client's
        `initialized`); `_load_roots` picks the result up."""
        for r in roots:
            if not r.loose and not r.loaded and r.prefetch is None:
                r.prefetch = (self.options, self.index_pool.submit(core.load_workspace, r.path, self.options))

    def reload_all(self) -> None:
        for r in self.roots:
            if not r.loose:
                r.loaded = False
        self.start_loading([r for r in self.roots if not r.loose])

    def context(self, uri: str) -> Context | None:
        """The snapshot and file a request is about; unopened files are read from disk."""
        doc = self.docs.get(uri)
        if doc is not None:
            root = doc.root
            return Context(uri, doc.path, root.ws if root else None, root, doc, doc.tree)
        path = uris.to_fs_path(uri)
        if not path:
            return None
        root = self.root_for(path)
        ws = root.ws if root else None
        f = ws.files.get(path) if ws is not None else None
        if f is not None:
            return Context(uri, path, ws, root)
        text = core.read_file(path)
        if text is None:
            return None
        tree = parse(text)
        if ws is not None:
            ws = ws.with_tree(path, tree)
        return Context(uri, path, ws, root, given=tree)

    def uri_of(self, path: str) -> str | None:
        """The URI of a file: the open document's own URI if it is open."""
        for doc in self.docs.values():
            if doc.path == path:
                return doc.uri
        return uris.from_fs_path(path)

    def lines_of(self, path: str, ws: Any = None) -> LineIndex | None:
        """Line index of any file (an open document, the snapshot, else the disk)."""
        uri = self.uri_of(path)
        doc = self.docs.get(uri) if uri else None
        if doc is not None:
            return doc.tree.lines
        if ws is None:
            root = self.root_for(path, create=False)
            ws = root.ws if root else None
        f = ws.files.get(path) if ws is not None else None
        if f is not None:
            return f.lines  # (a file kept as text is not parsed for its lines)
        text = core.read_file(path)
        return LineIndex(text) if text is not None else None

    def other_file(self, ws: Any) -> Callable[[str], tuple[str, LineIndex] | None]:
        def find(path: str) -> tuple[str, LineIndex] | None:
            lines = self.lines_of(path, ws)
            uri = self.uri_of(path)
            return (uri, lines) if lines is not None and uri else None

        return find

    # ------------------------------------------------------------------ diagnostics

    def diagnose(self, ctx_ws: Any, path: str, tree: SyntaxTree, root: Root | None, options: Options) -> list:
        """Core diagnostics of one file (run in a worker thread)."""
        if root is None or not root.loaded or ctx_ws is None:
            return core.syntax_diagnostics(tree)
        return core.check(ctx_ws, path, options, tree)

    def to_lsp(self, diags: list, uri: str, lines: LineIndex, ws: Any) -> list[lsp.Diagnostic]:
        other = self.other_file(ws)
        if len(diags) > MAX_PUBLISHED:
            # An editor cannot show tens of thousands of problems usefully (hostile or generated
            # input); the most severe first, then a note saying how many were left out.
            kept = sorted(diags, key=lambda d: (d.severity, d.start))[:MAX_PUBLISHED]
            note = Diagnostic(
                "JET005",
                Severity.INFORMATION,
                0,
                0,
                f"{len(diags) - MAX_PUBLISHED:,} more diagnostics not shown (jetls check lists them all)",
            )
            diags = sorted(kept, key=lambda d: d.start) + [note]
        return [convert.diagnostic(d, lines, uri, self.encoding, other, self.client.related_information) for d in diags]

    def request_diagnostics(self, uri: str) -> None:
        if self.client.pull_diagnostics:
            return
        self._dirty.add(uri)
        if uri not in self._diag_tasks:
            self._diag_tasks[uri] = asyncio.ensure_future(self._diagnostics_loop(uri))

    def rediagnose_root(self, root: Root | None, except_uri: str | None = None) -> None:
        for uri, doc in list(self.docs.items()):
            if uri != except_uri and (root is None or doc.root is root):
                self.request_diagnostics(uri)
        self.request_refresh()

    def request_refresh(self) -> None:
        """Pull mode: ask the client to re-pull (coalesced to one request per loop turn)."""
        if not (self.client.pull_diagnostics and self.client.diagnostic_refresh) or self._refresh_pending:
            return
        self._refresh_pending = True

        def send() -> None:
            self._refresh_pending = False
            try:
                self.workspace_diagnostic_refresh(None)
            except Exception as exc:
                log.debug("diagnostic refresh failed: %s", exc)

        asyncio.get_event_loop().call_later(0.05, send)

    async def _diagnostics_loop(self, uri: str) -> None:
        loop = asyncio.get_running_loop()
        try:
            while uri in self._dirty:
                self._dirty.discard(uri)
                doc = self.docs.get(uri)
                if doc is None:
                    return
                root = doc.root
                ws = root.ws if root else None
                version, tree, options = doc.version, doc.tree, self.options
                try:
                    if root is None or not root.loaded:
                        diags = core.syntax_diagnostics(tree)
                    else:
                        diags = await loop.run_in_executor(
                            self.check_pool, self.diagnose, ws, doc.path, tree, root, options
                        )
                    items = self.to_lsp(diags, uri, tree.lines, ws)
                except Exception as exc:
                    self.log_exception(f"diagnostics of {uri}", exc)
                    continue
                current = self.docs.get(uri)
                if current is None or current.version != version or current.tree is not tree:
                    continue  # stale: a newer change has marked the URI dirty again
                self.text_document_publish_diagnostics(
                    lsp.PublishDiagnosticsParams(uri=uri, diagnostics=items, version=version)
                )
        finally:
            self._diag_tasks.pop(uri, None)

    def result_id(self, ctx: Context) -> str:
        """Changes when the file's diagnostics may: its own content, or what it resolves against
        (`Root.generation`). Editing one experiment config leaves every other file's id alone,
        so a workspace pull after a keystroke answers "unchanged" for them without checking."""
        root = ctx.root
        if ctx.doc is not None:
            own = f"{ctx.doc.version}.{id(ctx.tree)}"
        else:
            f = ctx.ws.files.get(ctx.path) if ctx.ws is not None else None
            # (a file kept as text rebuilds its tree on demand: the tree's identity is no mark)
            own = f"disk.{hash(f.text) if f is not None else id(ctx.tree)}"
        return ":".join(
            str(x)
            for x in (
                self._process_mark,
                self.options_generation,
                root.generation if root else 0,
                int(bool(root and root.loaded)),
                own,
            )
        )

    # ------------------------------------------------------------------ misc

    def in_executor(self, fn: Callable, *args) -> asyncio.Future:
        return asyncio.get_running_loop().run_in_executor(self.check_pool, fn, *args)


#: Test hook (docs/robustness.md): handler names, comma-separated (e.g. "textDocument/hover"),
#: whose guarded handler raises, to prove a failing handler is logged and the server carries on.
_TEST_FAULTS = frozenset(filter(None, os.environ.get("JETLS_TEST_FAULT", "").split(",")))


def _injected_fault(where: str) -> None:
    if where in _TEST_FAULTS:
        raise RuntimeError(f"JETLS_TEST_FAULT: injected failure in {where}")


def guard(default: Any = None, name: str | None = None):
    """Wrap a handler: an exception is logged (traceback via window/logMessage) and the request
    answered with `default`; the server carries on."""

    def decorate(fn):
        where = name or fn.__name__
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def wrapper(ls, *args, **kwargs):
                try:
                    _injected_fault(where)
                    return await fn(ls, *args, **kwargs)
                except (asyncio.CancelledError, JsonRpcException):  # (an error answer, e.g. RequestFailed)
                    raise
                except Exception as exc:
                    ls.log_exception(where, exc)
                    return default() if callable(default) else default

        else:

            @functools.wraps(fn)
            def wrapper(ls, *args, **kwargs):
                try:
                    _injected_fault(where)
                    return fn(ls, *args, **kwargs)
                except JsonRpcException:
                    raise
                except Exception as exc:
                    ls.log_exception(where, exc)
                    return default() if callable(default) else default

        return wrapper

    return decorate
