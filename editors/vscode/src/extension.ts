// jetls VS Code client: starts the jetls language server for files inside a
// metric-hub checkout. The pure logic lives in config.ts / roots.ts /
// renderedSql.ts; this file is the VS Code glue.

import * as fs from "fs";
import * as os from "os";
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
  buildServerCommand,
  buildServerSettings,
  findOnPath,
  formatCommandLine,
  JetlsSettings,
  RESTART_KEYS,
  ServerLaunchSettings,
} from "./config";
import { formatRenderedSql, parseRenderedSql, RENDERED_SQL_COMMAND, renderedSqlArguments } from "./renderedSql";
import { buildDocumentSelector, findMetricHubRoot, FsLike, isMetricHubRoot, normalizeRoots } from "./roots";

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

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
const roots = new Set<string>();
let restarting: Promise<void> = Promise.resolve();
let extensionContext: vscode.ExtensionContext | undefined;
let watcher: vscode.FileSystemWatcher | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionContext = context;
  output = vscode.window.createOutputChannel("jetls", { log: true });
  context.subscriptions.push(output);

  context.subscriptions.push(
    vscode.commands.registerCommand("jetls.restartServer", () => restart("restart requested")),
    vscode.commands.registerCommand("jetls.showOutput", () => output.show(true)),
    vscode.commands.registerCommand("jetls.showRenderedSql", showRenderedSql),
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
    await client.stop();
    client = undefined;
  }
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

function pythonInterpreterFromExtension(resource?: vscode.Uri): string[] | undefined {
  try {
    const ext = vscode.extensions.getExtension("ms-python.python");
    const api = ext?.isActive ? ext.exports : undefined;
    const details = api?.settings?.getExecutionDetails?.(resource);
    const cmd = details?.execCommand;
    return Array.isArray(cmd) && cmd.length > 0 ? cmd.map(String) : undefined;
  } catch {
    return undefined;
  }
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

async function startClient(_context: vscode.ExtensionContext): Promise<void> {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const launch: ServerLaunchSettings = {
    path: cfg.get<string | null>("server.path"),
    pythonPath: cfg.get<string | null>("server.pythonPath"),
    args: cfg.get<string[]>("server.args"),
    env: cfg.get<Record<string, string>>("server.env"),
  };
  const firstRoot = [...roots][0];
  const cmd = buildServerCommand(launch, {
    which: (name) => findOnPath(name, process.env.PATH, isFile),
    pythonInterpreter: pythonInterpreterFromExtension(firstRoot ? vscode.Uri.file(firstRoot) : undefined),
    homeDir: os.homedir(),
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
  });
  output.info(`Starting server (${cmd.source}): ${formatCommandLine(cmd)}`);
  if (cmd.source === "fallback") {
    output.warn(
      "`jetls` was not found on PATH and neither jetls.server.path nor jetls.server.pythonPath is set; " +
        "install jetls (pipx install jetls) or set one of these settings.",
    );
  }

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
  client.onDidChangeState((e) => {
    void vscode.commands.executeCommand("setContext", "jetls.active", e.newState === State.Running);
  });
  try {
    await client.start();
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    output.error(`Failed to start the jetls server: ${msg}`);
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
      try {
        await client.stop();
      } catch (err) {
        output.warn(`Error while stopping the server: ${String(err)}`);
      }
      client = undefined;
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

async function showRenderedSql(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage("jetls: open a metric-hub TOML file first.");
    return;
  }
  if (!client || !client.isRunning()) {
    void vscode.window.showWarningMessage("jetls: the server is not running for this file.");
    return;
  }
  const pos = editor.selection.active;
  const uri = editor.document.uri.toString();
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
