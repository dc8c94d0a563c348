// Pure logic for the jetls VS Code client: no `vscode` import here, so the
// module can be unit-tested with `node --test`.

import * as path from "path";

import type { PythonCandidate, PythonSource } from "./python";

/** Settings under `jetls.server.*`: how to start the server process. */
export interface ServerLaunchSettings {
  /** Path to the `jetls` executable (`jetls.server.path`). */
  path?: string | null;
  /** Python >= 3.11 that runs the bundled server (`jetls.server.pythonPath`). */
  pythonPath?: string | null;
  /** Extra arguments appended after `serve` (`jetls.server.args`). */
  args?: readonly string[] | null;
  /** Extra environment variables (`jetls.server.env`). */
  env?: Readonly<Record<string, string>> | null;
}

/** Ambient facts the launch decision depends on (injected for testability). */
export interface LaunchContext {
  /** Used to expand `~` and `${workspaceFolder}` in user paths. */
  homeDir?: string;
  workspaceFolder?: string;
}

/** How the server will be launched. */
export interface ServerCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Which rule picked the command: shown in the output channel. */
  source: "server.path" | PythonSource;
}

/** Settings that choose what the extension executes: in untrusted workspaces only the user's own values count. */
export const EXECUTABLE_SETTINGS = ["server.path", "server.pythonPath", "server.args", "server.env"] as const;

/** What `WorkspaceConfiguration.inspect` returns (the parts used here). */
export interface InspectedSetting<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

/**
 * The `jetls.server.*` settings. In an untrusted workspace the workspace's own values
 * (`.vscode/settings.json`, a `.code-workspace` file) are ignored: they would let the
 * folder pick the program the extension runs.
 */
export function launchSettings(
  inspect: (key: (typeof EXECUTABLE_SETTINGS)[number]) => InspectedSetting<unknown> | undefined,
  trusted: boolean,
): ServerLaunchSettings {
  const value = (key: (typeof EXECUTABLE_SETTINGS)[number]): unknown => {
    const i = inspect(key);
    if (!i) {
      return undefined;
    }
    if (trusted) {
      return i.workspaceFolderValue ?? i.workspaceValue ?? i.globalValue ?? i.defaultValue;
    }
    return i.globalValue ?? i.defaultValue;
  };
  return {
    path: value("server.path") as string | null | undefined,
    pythonPath: value("server.pythonPath") as string | null | undefined,
    args: value("server.args") as string[] | null | undefined,
    env: value("server.env") as Record<string, string> | null | undefined,
  };
}

/** The launcher of the bundled server, relative to the extension folder. */
export const BUNDLED_LAUNCHER = ["bundled", "tool", "jetls_server.py"] as const;

/** Expand a leading `~` and `${workspaceFolder}` / `${userHome}` in a user-given path. */
export function expandPath(p: string, ctx: Pick<LaunchContext, "homeDir" | "workspaceFolder"> = {}): string {
  let out = p.trim();
  if (ctx.homeDir) {
    if (out === "~") {
      out = ctx.homeDir;
    } else if (out.startsWith("~/") || out.startsWith("~\\")) {
      out = path.join(ctx.homeDir, out.slice(2));
    }
    out = out.split("${userHome}").join(ctx.homeDir);
  }
  if (ctx.workspaceFolder) {
    out = out.split("${workspaceFolder}").join(ctx.workspaceFolder);
  }
  return out;
}

function nonEmpty(s: string | null | undefined): s is string {
  return typeof s === "string" && s.trim().length > 0;
}

/** `serve` plus the user's extra args, without doubling a user-supplied `serve`. */
function serveArgs(extra: readonly string[] | null | undefined): string[] {
  const args = (Array.isArray(extra) ? extra : []).filter((a): a is string => typeof a === "string");
  return args[0] === "serve" ? [...args] : ["serve", ...args];
}

function serverEnv(settings: ServerLaunchSettings): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(settings.env ?? {})) {
    if (typeof v === "string") {
      env[k] = v;
    }
  }
  return env;
}

/** `jetls.server.path` → `<path> serve <args…>`, or undefined when unset. */
export function executableCommand(settings: ServerLaunchSettings, ctx: LaunchContext = {}): ServerCommand | undefined {
  if (!nonEmpty(settings.path)) {
    return undefined;
  }
  return { command: expandPath(settings.path, ctx), args: serveArgs(settings.args), env: serverEnv(settings), source: "server.path" };
}

/** `jetls.server.pythonPath` as the one interpreter to use, or undefined when unset. */
export function explicitPython(settings: ServerLaunchSettings, ctx: LaunchContext = {}): PythonCandidate | undefined {
  if (!nonEmpty(settings.pythonPath)) {
    return undefined;
  }
  return { command: expandPath(settings.pythonPath, ctx), args: [], source: "server.pythonPath" };
}

/**
 * The bundled server run by an interpreter: `<python…> -I <launcher> serve <args…>`.
 * `-I` (isolated mode) keeps PYTHONPATH and the user's site-packages from shadowing the
 * bundled packages.
 */
export function bundledCommand(python: PythonCandidate, launcher: string, settings: ServerLaunchSettings): ServerCommand {
  return {
    command: python.command,
    args: [...python.args, "-I", launcher, ...serveArgs(settings.args)],
    env: serverEnv(settings),
    source: python.source,
  };
}

/** Render a command line for logs (quotes arguments containing spaces). */
export function formatCommandLine(cmd: Pick<ServerCommand, "command" | "args">): string {
  return [cmd.command, ...cmd.args].map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(" ");
}

// ---------------------------------------------------------------------------
// Server settings (`initializationOptions` and `workspace/configuration`)
// ---------------------------------------------------------------------------

export const SEVERITIES = ["error", "warning", "information", "hint", "off"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The object the server receives for the `jetls` section. */
export interface JetlsSettings {
  platform: string | null;
  extraDefinitionRoots: string[];
  sql: { enabled: boolean };
  severityOverrides: Record<string, Severity>;
  bigqueryEtl: string | null;
  parserVersion: string | null;
}

export const DEFAULT_SETTINGS: JetlsSettings = Object.freeze({
  platform: null,
  extraDefinitionRoots: [],
  sql: { enabled: true },
  severityOverrides: {},
  bigqueryEtl: null,
  parserVersion: null,
}) as JetlsSettings;

/** Reads one setting, like `vscode.WorkspaceConfiguration.get` (keys relative to `jetls.`). */
export type SettingsGetter = (key: string) => unknown;

const SEVERITY_ALIASES: Record<string, Severity> = {
  error: "error",
  warning: "warning",
  warn: "warning",
  information: "information",
  info: "information",
  hint: "hint",
  off: "off",
  none: "off",
};

/** Normalise a severity string; unknown values return undefined. */
export function normalizeSeverity(value: unknown): Severity | undefined {
  if (typeof value !== "string") {
    return undefined;
  }
  return SEVERITY_ALIASES[value.trim().toLowerCase()];
}

/**
 * Map VS Code settings to the object sent as `initializationOptions` and as the
 * answer to `workspace/configuration` for section "jetls". Invalid values are
 * dropped (logged through `warn`) rather than sent to the server.
 */
export function buildServerSettings(
  get: SettingsGetter,
  ctx: Pick<LaunchContext, "homeDir" | "workspaceFolder"> = {},
  warn: (msg: string) => void = () => undefined,
): JetlsSettings {
  const platformRaw = get("platform");
  let platform: string | null = null;
  if (typeof platformRaw === "string" && platformRaw.trim() !== "") {
    platform = platformRaw.trim();
  } else if (platformRaw !== null && platformRaw !== undefined && platformRaw !== "") {
    warn(`jetls.platform: expected a string or null, got ${JSON.stringify(platformRaw)}`);
  }

  const rootsRaw = get("extraDefinitionRoots");
  const extraDefinitionRoots: string[] = [];
  if (Array.isArray(rootsRaw)) {
    for (const r of rootsRaw) {
      if (typeof r === "string" && r.trim() !== "") {
        const expanded = expandPath(r, ctx);
        if (!extraDefinitionRoots.includes(expanded)) {
          extraDefinitionRoots.push(expanded);
        }
      } else {
        warn(`jetls.extraDefinitionRoots: ignoring ${JSON.stringify(r)}`);
      }
    }
  } else if (rootsRaw !== undefined && rootsRaw !== null) {
    warn(`jetls.extraDefinitionRoots: expected an array of strings`);
  }

  // `jetls.sql.enabled` may arrive flattened ("sql.enabled") or nested ("sql": {enabled}).
  let sqlEnabled = true;
  const flat = get("sql.enabled");
  const nested = get("sql");
  if (typeof flat === "boolean") {
    sqlEnabled = flat;
  } else if (nested && typeof nested === "object" && typeof (nested as { enabled?: unknown }).enabled === "boolean") {
    sqlEnabled = (nested as { enabled: boolean }).enabled;
  }

  const overridesRaw = get("severityOverrides");
  const severityOverrides: Record<string, Severity> = {};
  if (overridesRaw && typeof overridesRaw === "object" && !Array.isArray(overridesRaw)) {
    for (const [code, sev] of Object.entries(overridesRaw as Record<string, unknown>)) {
      const norm = normalizeSeverity(sev);
      if (norm && code.trim() !== "") {
        severityOverrides[code.trim().toUpperCase()] = norm;
      } else {
        warn(`jetls.severityOverrides: ignoring ${code} = ${JSON.stringify(sev)}`);
      }
    }
  }

  const bqRaw = get("bigqueryEtl");
  let bigqueryEtl: string | null = null;
  if (typeof bqRaw === "string" && bqRaw.trim() !== "") {
    bigqueryEtl = expandPath(bqRaw.trim(), ctx);
  } else if (bqRaw !== null && bqRaw !== undefined && bqRaw !== "") {
    warn(`jetls.bigqueryEtl: expected a folder path or null, got ${JSON.stringify(bqRaw)}`);
  }

  const pvRaw = get("parserVersion");
  let parserVersion: string | null = null;
  if (typeof pvRaw === "string" && pvRaw.trim() !== "") {
    parserVersion = pvRaw.trim();
  } else if (pvRaw !== null && pvRaw !== undefined && pvRaw !== "") {
    warn(`jetls.parserVersion: expected a release such as "2026.10.2" or null, got ${JSON.stringify(pvRaw)}`);
  }

  return { platform, extraDefinitionRoots, sql: { enabled: sqlEnabled }, severityOverrides, bigqueryEtl, parserVersion };
}

/** Keys whose change needs a server restart (the rest are pushed live). */
export const RESTART_KEYS = ["jetls.server.path", "jetls.server.pythonPath", "jetls.server.args", "jetls.server.env"];
