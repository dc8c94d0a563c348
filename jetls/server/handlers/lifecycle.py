"""initialize / initialized / shutdown, configuration, workspace folders, watched files."""

from __future__ import annotations

import asyncio
import logging

from lsprotocol import types as lsp
from pygls import uris
from pygls.capabilities import ServerCapabilitiesBuilder

from jetls.options import Options
from jetls.server import convert, core, schema_source
from jetls.server.server import JetlsServer, guard

log = logging.getLogger(__name__)


def _get(obj, path: str, default=None):
    for name in path.split("."):
        if obj is None:
            return default
        obj = getattr(obj, name, None)
    return default if obj is None else obj


def read_client_features(server: JetlsServer, caps: lsp.ClientCapabilities) -> None:
    c = server.client
    c.pull_diagnostics = _get(caps, "text_document.diagnostic") is not None
    c.diagnostic_refresh = bool(_get(caps, "workspace.diagnostics.refresh_support", False))
    c.related_information = (
        bool(_get(caps, "text_document.publish_diagnostics.related_information", False)) or c.pull_diagnostics
    )
    c.work_done_progress = bool(_get(caps, "window.work_done_progress", False))
    c.configuration = bool(_get(caps, "workspace.configuration", False))
    c.watched_files_dynamic = bool(_get(caps, "workspace.did_change_watched_files.dynamic_registration", False))
    c.document_changes = bool(_get(caps, "workspace.workspace_edit.document_changes", False))
    c.hierarchical_symbols = bool(
        _get(caps, "text_document.document_symbol.hierarchical_document_symbol_support", False)
    )
    c.semantic_tokens_refresh = bool(_get(caps, "workspace.semantic_tokens.refresh_support", False))


def apply_settings(server: JetlsServer, settings) -> bool:
    """New options from a settings object; True when they changed."""
    if settings is None:
        return False
    options = Options.from_json(settings)
    if options == server.options:
        return False
    reload = options.extra_definition_roots != server.options.extra_definition_roots
    server.options = options
    server.options_generation += 1
    schema_source.start(server)  # a bigquery-etl source: loaded in the background
    server._pull_cache.clear()
    if reload:
        server.reload_all()
    else:
        for root in server.roots:
            if hasattr(root.ws, "with_options"):
                server.set_snapshot(root, root.ws.with_options(options))
    return True


async def fetch_configuration(server: JetlsServer) -> bool:
    if not server.client.configuration:
        return False
    try:
        result = await asyncio.wait_for(
            server.workspace_configuration_async(
                lsp.ConfigurationParams(items=[lsp.ConfigurationItem(section="jetls")])
            ),
            5,
        )
    except Exception as exc:
        log.debug("workspace/configuration failed: %s", exc)
        return False
    if result and isinstance(result[0], dict):
        return apply_settings(server, result[0])
    return False


async def _register_watcher(ls: JetlsServer) -> None:
    try:
        await asyncio.wait_for(
            ls.client_register_capability_async(
                lsp.RegistrationParams(
                    registrations=[
                        lsp.Registration(
                            id="jetls-watched-files",
                            method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                            register_options=lsp.DidChangeWatchedFilesRegistrationOptions(
                                watchers=[lsp.FileSystemWatcher(glob_pattern=core.WATCH_GLOB)]
                            ),
                        )
                    ]
                )
            ),
            30,
        )
    except Exception as exc:
        log.debug("registering the file watcher failed: %s", exc)


def register(server: JetlsServer) -> None:
    @server.feature(lsp.INITIALIZE)
    @guard(name="initialize")
    def initialize(ls: JetlsServer, params: lsp.InitializeParams):
        caps = params.capabilities
        read_client_features(ls, caps)
        ls.encoding = convert.encoding_name(ServerCapabilitiesBuilder.choose_position_encoding(caps))
        if params.initialization_options is not None:
            apply_settings(ls, params.initialization_options)
        folders: list[str] = []
        for f in params.workspace_folders or []:
            p = uris.to_fs_path(f.uri)
            if p:
                folders.append(p)
        if not folders:
            if params.root_uri:
                p = uris.to_fs_path(params.root_uri)
                if p:
                    folders.append(p)
            elif params.root_path:
                folders.append(params.root_path)
        ls.folders = folders
        for folder in folders:
            roots = core.roots_in_folder(folder)
            for root in roots:
                ls.add_root(root)
            _log_roots(ls, folder, roots)
        ls.prefetch(ls.roots)

    @server.feature(lsp.INITIALIZED)
    @guard(name="initialized")
    async def initialized(ls: JetlsServer, params: lsp.InitializedParams):
        # Index at once with the initializationOptions; settings fetched meanwhile re-diagnose
        # (or re-index when the extra definition roots changed).
        pending = [r for r in ls.roots if not r.loaded and r.loading is None]
        if pending:
            ls.start_loading(pending)
        if ls.client.watched_files_dynamic:
            asyncio.ensure_future(_register_watcher(ls))
        if await fetch_configuration(ls):
            ls.rediagnose_root(None)

    @server.feature(lsp.SHUTDOWN)
    @guard(name="shutdown")
    def shutdown(ls: JetlsServer, *args):
        for task in list(ls._diag_tasks.values()):
            task.cancel()
        ls.check_pool.shutdown(wait=False, cancel_futures=True)
        ls.index_pool.shutdown(wait=False, cancel_futures=True)

    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    @guard(name="workspace/didChangeConfiguration")
    async def did_change_configuration(ls: JetlsServer, params: lsp.DidChangeConfigurationParams):
        settings = params.settings
        if isinstance(settings, dict) and isinstance(settings.get("jetls"), dict):
            changed = apply_settings(ls, settings["jetls"])
        else:
            changed = await fetch_configuration(ls)
            if not changed and isinstance(settings, dict) and settings and not ls.client.configuration:
                changed = apply_settings(ls, settings)
        if changed:
            ls.rediagnose_root(None)

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    @guard(name="workspace/didChangeWorkspaceFolders")
    def did_change_folders(ls: JetlsServer, params: lsp.DidChangeWorkspaceFoldersParams):
        for f in params.event.removed:
            p = uris.to_fs_path(f.uri)
            if p:
                ls.roots = [
                    r
                    for r in ls.roots
                    if not (r.contains(p) or r.path == p) or any(d.root is r for d in ls.docs.values())
                ]
        new = []
        for f in params.event.added:
            p = uris.to_fs_path(f.uri)
            if p:
                roots = core.roots_in_folder(p)
                for root in roots:
                    new.append(ls.add_root(root))
                _log_roots(ls, p, roots)
        ls.start_loading([r for r in new if not r.loaded and r.loading is None])

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @guard(name="workspace/didChangeWatchedFiles")
    def did_change_watched_files(ls: JetlsServer, params: lsp.DidChangeWatchedFilesParams):
        touched: dict = {}
        for change in params.changes:
            if change.uri in ls.docs:
                continue  # the open document is the truth until it is closed
            path = uris.to_fs_path(change.uri)
            if not path or not path.endswith(".toml"):
                continue
            root = ls.root_for(path, create=False)
            if root is None or root.loose:
                continue
            if change.type == lsp.FileChangeType.Deleted:
                if path in root.ws.files:
                    ls.set_snapshot(root, root.ws.without(path), path)
            else:
                text = core.read_file(path)
                if text is None:
                    continue
                ls.set_snapshot(root, root.ws.with_text(path, text), path)
            shared = core.is_shared(root.ws, path)
            touched[id(root)] = (root, touched.get(id(root), (root, False))[1] or shared)
        for root, shared in touched.values():
            if shared:
                ls.rediagnose_root(root)
            else:
                ls.request_refresh()


def _log_roots(ls: JetlsServer, folder: str, roots: list[str]) -> None:
    """Say which checkout a workspace folder was mapped to (or why none was)."""
    if not roots:
        ls.log(
            f"jetls: no metric-hub checkout (a folder holding `definitions/` or `jetstream/`) in or above "
            f"{folder}: its TOML files get syntax checks only",
            lsp.MessageType.Warning,
        )
    for root in roots:
        note = "" if root == folder else f" (workspace folder {folder})"
        ls.log(f"jetls: metric-hub checkout {root}{note}", lsp.MessageType.Info)
