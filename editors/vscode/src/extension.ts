// jetls VS Code client: starts the jetls language server for files inside a
// metric-hub checkout. The pure logic lives in config.ts / python.ts / roots.ts /
// renderedSql.ts / status.ts; this file is the VS Code glue.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as vscode from "vscode";
import {
  ConfigurationParams,
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
} from "vscode-languageclient/node";

import {
  BUNDLED_LAUNCHER,
  bundledCommand,
  buildServerSettings,
  EXECUTABLE_SETTINGS,
  executableCommand,
  explicitPython,
  formatCommandLine,
  JetlsSettings,
  LaunchContext,
  launchSettings,
  RESTART_KEYS,
  ServerCommand,
  ServerLaunchSettings,
} from "./config";
import {
  choosePython,
  describeTried,
  formatVersion,
  isFile,
  noPythonMessage,
  pathCandidates,
  probeByRunning,
  PythonCandidate,
  realpath,
} from "./python";
import { formatRenderedSql, parseRenderedSql, RENDERED_SQL_COMMAND, renderedSqlArguments } from "./renderedSql";
import { buildDocumentSelector, findMetricHubRoot, FsLike, isMetricHubRoot, normalizeRoots } from "./roots";
import { ProgressValue, ServerState, ServerStatus, statusView } from "./status";

const SECTION = "jetls";

const realFs: FsLike = {
  isDirectory(p: string): boolean {
    try {
      return fs.statSync(p).isDirectory();
    } catch {
      return false;
    }
  },
};

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
const roots = new Set<string>();
let restarting: Promise<void> = Promise.resolve();
let extensionContext: vscode.ExtensionContext | undefined;
let watcher: vscode.FileSystemWatcher | undefined;
let statusItem: vscode.StatusBarItem | undefined;
let pythonApiWatched = false;
/** Set while the extension itself stops the client, so that "stopped" is not a failure. */
let stopping = false;
const status = new ServerStatus(renderStatus);

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionContext = context;
  output = vscode.window.createOutputChannel("jetls", { log: true });
  context.subscriptions.push(output);

  context.subscriptions.push(
    vscode.commands.registerCommand("jetls.restartServer", () => restart("restart requested")),
    vscode.commands.registerCommand("jetls.showOutput", () => output.show(true)),
    vscode.commands.registerCommand("jetls.showRenderedSql", showRenderedSql),
    vscode.commands.registerCommand("jetls.showReferences", showReferences),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (RESTART_KEYS.some((k) => e.affectsConfiguration(k))) {
        void restart("server settings changed");
      } else if (e.affectsConfiguration(SECTION) && client?.isRunning()) {
        // Push the normalised settings (same shape as initializationOptions); the
        // server may also pull them again with workspace/configuration.
        void client.sendNotification(DidChangeConfigurationNotification.type, {
          settings: { [SECTION]: currentServerSettings() },
        });
      }
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => {
      if (discoverWorkspaceRoots()) {
        void restart("workspace folders changed");
      }
    }),
    vscode.workspace.onDidOpenTextDocument((doc) => maybeAddRootFor(doc)),
    // Workspace values of jetls.server.* count once the folder is trusted.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void restart("workspace trusted")),
  );

  discoverWorkspaceRoots();
  for (const doc of vscode.workspace.textDocuments) {
    maybeAddRootFor(doc, false);
  }
  if (roots.size > 0) {
    await startClient(context);
  } else {
    output.info("No metric-hub checkout (a folder holding definitions/ or jetstream/) found; jetls stays idle.");
  }
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

export async function deactivate(): Promise<void> {
  if (client) {
    stopping = true;
    try {
      await client.stop();
    } finally {
      stopping = false;
      client = undefined;
    }
  }
}

/** The status bar item, created when the extension first starts a server. */
function renderStatus(state: ServerState): void {
  if (!statusItem) {
    statusItem = vscode.window.createStatusBarItem("jetls.status", vscode.StatusBarAlignment.Left, 10);
    statusItem.name = "jetls";
    statusItem.command = "jetls.showOutput";
    extensionContext?.subscriptions.push(statusItem);
  }
  const view = statusView(state);
  statusItem.text = view.text;
  statusItem.tooltip = view.tooltip;
  statusItem.backgroundColor = view.error ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
  statusItem.show();
}

/** Add every workspace folder (and its direct children) that is a metric-hub root. */
function discoverWorkspaceRoots(): boolean {
  const before = roots.size;
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (folder.uri.scheme !== "file") {
      continue;
    }
    const dir = folder.uri.fsPath;
    const found = findMetricHubRoot(dir, realFs, dir);
    if (found) {
      roots.add(found);
      continue;
    }
    // A parent folder that holds a metric-hub checkout one level down.
    try {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory() && !entry.name.startsWith(".")) {
          const child = `${dir}/${entry.name}`;
          if (isMetricHubRoot(child, realFs)) {
            roots.add(child);
          }
        }
      }
    } catch {
      // unreadable folder: ignore
    }
  }
  return roots.size !== before;
}

/** A TOML file outside the known roots may live in another checkout: add it. */
function maybeAddRootFor(doc: vscode.TextDocument, restartIfNew = true): void {
  if (doc.languageId !== "toml" || doc.uri.scheme !== "file") {
    return;
  }
  const root = findMetricHubRoot(doc.uri.fsPath, realFs);
  if (!root || roots.has(root)) {
    return;
  }
  roots.add(root);
  output.info(`Found metric-hub checkout ${root}`);
  if (restartIfNew) {
    void restart(`new metric-hub checkout ${root}`);
  }
}

/**
 * The interpreter selected in the Python extension (ms-python.python), if installed:
 * its environments API, else the older `settings.getExecutionDetails`.
 */
async function pythonFromExtension(resource?: vscode.Uri): Promise<PythonCandidate | undefined> {
  const ext = vscode.extensions.getExtension("ms-python.python");
  if (!ext) {
    return undefined;
  }
  try {
    const api = ext.isActive ? ext.exports : await ext.activate();
    const environments = api?.environments;
    if (environments && !pythonApiWatched && typeof environments.onDidChangeActiveEnvironmentPath === "function") {
      pythonApiWatched = true;
      extensionContext?.subscriptions.push(
        environments.onDidChangeActiveEnvironmentPath(() => void restart("the Python extension's interpreter changed")),
      );
    }
    const active = environments?.getActiveEnvironmentPath?.(resource);
    if (active?.path) {
      const resolved = await environments.resolveEnvironment?.(active);
      const exe: string | undefined = resolved?.executable?.uri?.fsPath ?? active.path;
      if (exe) {
        return { command: exe, args: [], source: "python-extension" };
      }
    }
    const cmd = api?.settings?.getExecutionDetails?.(resource)?.execCommand;
    if (Array.isArray(cmd) && cmd.length > 0) {
      return { command: String(cmd[0]), args: cmd.slice(1).map(String), source: "python-extension" };
    }
  } catch (err) {
    output.warn(`Could not ask the Python extension for its interpreter: ${String(err)}`);
  }
  return undefined;
}

function currentServerSettings(scope?: vscode.ConfigurationScope): JetlsSettings {
  const cfg = vscode.workspace.getConfiguration(SECTION, scope);
  const folder =
    scope instanceof vscode.Uri ? vscode.workspace.getWorkspaceFolder(scope) : vscode.workspace.workspaceFolders?.[0];
  return buildServerSettings(
    (key) => cfg.get(key),
    { homeDir: os.homedir(), workspaceFolder: folder?.uri.fsPath },
    (msg) => output.warn(msg),
  );
}

/**
 * The server command line: `jetls.server.path` as given, else the bundled server run
 * by `jetls.server.pythonPath`, the Python extension's interpreter or the first
 * Python >= 3.11 on PATH. Undefined (after one notification) when no Python fits.
 */
async function resolveServerCommand(
  settings: ServerLaunchSettings,
  ctx: LaunchContext,
  trusted: boolean,
  resource: vscode.Uri | undefined,
): Promise<ServerCommand | undefined> {
  const executable = executableCommand(settings, ctx);
  if (executable) {
    return executable;
  }
  const explicit = explicitPython(settings, ctx);
  const candidates: PythonCandidate[] = [];
  if (explicit) {
    candidates.push(explicit);
  } else {
    // In an untrusted workspace the Python extension may pick an interpreter inside
    // the workspace, and so could a PATH entry there: neither is asked.
    const fromExtension = trusted ? await pythonFromExtension(resource) : undefined;
    if (fromExtension) {
      candidates.push(fromExtension);
    }
    const folders = trusted ? [] : (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    candidates.push(...pathCandidates(process.env.PATH, isFile, { exclude: folders, realpath }));
  }
  const choice = await choosePython(candidates, probeByRunning({ ...process.env, ...(settings.env ?? {}) }));
  output.info(`Looking for Python >= 3.11 to run the bundled server:\n${describeTried(choice.tried).join("\n") || "  (no candidate)"}`);
  if (!choice.chosen) {
    const message = noPythonMessage(choice, explicit !== undefined);
    output.error(message);
    status.failed(message);
    void vscode.window.showErrorMessage(`jetls: ${message}`, "Open Settings", "Show Output").then((picked) => {
      if (picked === "Open Settings") {
        void vscode.commands.executeCommand("workbench.action.openSettings", "jetls.server.pythonPath");
      } else if (picked === "Show Output") {
        output.show(true);
      }
    });
    return undefined;
  }
  output.info(`Using Python ${formatVersion(choice.chosen.version)} (${choice.chosen.source}).`);
  const launcher = path.join(extensionContext?.extensionPath ?? path.resolve(__dirname, ".."), ...BUNDLED_LAUNCHER);
  return bundledCommand(choice.chosen, launcher, settings);
}

async function startClient(_context: vscode.ExtensionContext): Promise<void> {
  const trusted = vscode.workspace.isTrusted !== false;
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const launch = launchSettings((key) => cfg.inspect(key), trusted);
  if (!trusted) {
    output.info(
      `Untrusted workspace: its own values of ${EXECUTABLE_SETTINGS.map((k) => `${SECTION}.${k}`).join(", ")} are ignored.`,
    );
  }
  const firstRoot = [...roots][0];
  status.starting("choosing the Python interpreter");
  const cmd = await resolveServerCommand(
    launch,
    { homeDir: os.homedir(), workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath },
    trusted,
    firstRoot ? vscode.Uri.file(firstRoot) : undefined,
  );
  if (!cmd) {
    return;
  }
  output.info(`Starting server (${cmd.source}): ${formatCommandLine(cmd)}`);
  status.starting(formatCommandLine(cmd));

  const serverOptions: ServerOptions = {
    command: cmd.command,
    args: cmd.args,
    // No `transport`: TransportKind.stdio would make vscode-languageclient append
    // `--stdio` to the arguments. Without it the child still talks over stdio.
    options: { env: { ...process.env, ...cmd.env }, cwd: firstRoot },
  };

  const normalized = normalizeRoots(roots);
  const clientOptions: LanguageClientOptions = {
    documentSelector: buildDocumentSelector(normalized),
    outputChannel: output,
    traceOutputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    initializationOptions: currentServerSettings(),
    synchronize: {
      // Settings changes are pushed by the onDidChangeConfiguration listener in
      // activate() (normalised), not as the raw `jetls` section.
      fileEvents: (watcher = vscode.workspace.createFileSystemWatcher("**/*.toml")),
    },
    middleware: {
      // The status bar item shows the server's progress (indexing). The client's own
      // window progress would show it a second time, so only `end` goes on, which
      // releases the client's bookkeeping for the token.
      handleWorkDoneProgress: (token, params, next) => {
        status.onProgress(token, params as ProgressValue);
        if (params.kind === "end") {
          next(token, params);
        }
      },
      workspace: {
        // Answer workspace/configuration for "jetls" with the normalised settings
        // object (the same shape as initializationOptions).
        configuration: async (params: ConfigurationParams, token, next) => {
          const defaults = (await next(params, token)) as unknown[];
          if (!Array.isArray(defaults)) {
            return defaults;
          }
          return params.items.map((item, i) => {
            if (item.section === SECTION) {
              const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
              return currentServerSettings(scope);
            }
            return defaults[i];
          });
        },
      },
    },
  };

  client = new LanguageClient("jetls", "jetls", serverOptions, clientOptions);
  const started = client;
  const detail = `${normalized.length} metric-hub checkout(s); ${cmd.source}: ${formatCommandLine(cmd)}`;
  client.onDidChangeState((e) => {
    void vscode.commands.executeCommand("setContext", "jetls.active", e.newState === State.Running);
    if (client !== started) {
      return;
    }
    if (e.newState === State.Running) {
      status.started(detail);
    } else if (e.newState === State.Starting) {
      status.starting(formatCommandLine(cmd));
    } else if (!stopping) {
      status.failed(`The jetls server stopped (${formatCommandLine(cmd)}); the output channel has its messages.`);
    }
  });
  try {
    await client.start();
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    output.error(`Failed to start the jetls server: ${msg}`);
    status.failed(`Could not start ${formatCommandLine(cmd)}: ${msg}`);
    const choice = await vscode.window.showErrorMessage(
      `jetls: could not start the server (${formatCommandLine(cmd)}): ${msg}`,
      "Show Output",
      "Open Settings",
    );
    if (choice === "Show Output") {
      output.show(true);
    } else if (choice === "Open Settings") {
      void vscode.commands.executeCommand("workbench.action.openSettings", "jetls.server");
    }
  }
}

function restart(reason: string): Promise<void> {
  restarting = restarting.then(async () => {
    output.info(`Restarting server: ${reason}`);
    if (client) {
      stopping = true;
      try {
        await client.stop();
      } catch (err) {
        output.warn(`Error while stopping the server: ${String(err)}`);
      } finally {
        stopping = false;
      }
      client = undefined;
      status.stopped();
    }
    watcher?.dispose();
    watcher = undefined;
    discoverWorkspaceRoots();
    if (roots.size === 0) {
      output.info("No metric-hub checkout open; not starting the server.");
      return;
    }
    if (extensionContext) {
      await startClient(extensionContext);
    }
  });
  return restarting;
}

/** Code lens "used by N configs": the server's locations in VS Code's references peek. */
async function showReferences(uri: string, position: { line: number; character: number }, locations: unknown[]): Promise<void> {
  if (!client) {
    return;
  }
  const conv = client.protocol2CodeConverter;
  await vscode.commands.executeCommand(
    "editor.action.showReferences",
    vscode.Uri.parse(uri),
    new vscode.Position(position.line, position.character),
    (locations as Parameters<typeof conv.asLocation>[0][]).map((l) => conv.asLocation(l)),
  );
}

/** The command palette (cursor position) or a code lens (its uri and position as arguments). */
async function showRenderedSql(lensUri?: string, lensPos?: { line: number; character: number }): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor && !lensUri) {
    void vscode.window.showInformationMessage("jetls: open a metric-hub TOML file first.");
    return;
  }
  if (!client || !client.isRunning()) {
    void vscode.window.showWarningMessage("jetls: the server is not running for this file.");
    return;
  }
  const pos = lensPos ?? editor!.selection.active;
  const uri = typeof lensUri === "string" ? lensUri : editor!.document.uri.toString();
  let result: unknown;
  try {
    result = await client.sendRequest(ExecuteCommandRequest.type, {
      command: RENDERED_SQL_COMMAND,
      arguments: renderedSqlArguments(uri, { line: pos.line, character: pos.character }),
    });
  } catch (err) {
    output.error(`jetls.renderedSql failed: ${String(err)}`);
    void vscode.window.showErrorMessage(`jetls: could not render SQL: ${String(err)}`);
    return;
  }
  const rendered = parseRenderedSql(result);
  if (!rendered) {
    void vscode.window.showInformationMessage("jetls: no metric under the cursor.");
    return;
  }
  const doc = await vscode.workspace.openTextDocument({ language: "sql", content: formatRenderedSql(rendered, uri) });
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
}
