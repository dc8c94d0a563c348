// Pure logic for the jetls VS Code client: no `vscode` import here, so the
// module can be unit-tested with `node --test`.

import * as path from "path";

/** Settings under `jetls.server.*`: how to start the server process. */
export interface ServerLaunchSettings {
  /** Path to the `jetls` executable (`jetls.server.path`). */
  path?: string | null;
  /** Python interpreter that has jetls installed (`jetls.server.pythonPath`). */
  pythonPath?: string | null;
  /** Extra arguments appended after `serve` (`jetls.server.args`). */
  args?: readonly string[] | null;
  /** Extra environment variables (`jetls.server.env`). */
  env?: Readonly<Record<string, string>> | null;
}

/** Ambient facts the launch decision depends on (injected for testability). */
export interface LaunchContext {
  /** Returns the absolute path of an executable found on PATH, or undefined. */
  which?: (name: string) => string | undefined;
  /**
   * Interpreter command reported by the Python extension (e.g.
   * `["/home/u/.venv/bin/python"]` or `["conda", "run", "-n", "x", "python"]`).
   */
  pythonInterpreter?: readonly string[] | undefined;
  /** Used to expand `~` and `${workspaceFolder}` in user paths. */
  homeDir?: string;
  workspaceFolder?: string;
}

/** How the server will be launched, plus a human-readable reason. */
export interface ServerCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Which rule picked the command: shown in the output channel. */
  source: "server.path" | "server.pythonPath" | "PATH" | "python-extension" | "fallback";
}

/** The executable name looked up on PATH. */
export const SERVER_EXECUTABLE = "jetls";

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
  const args = (extra ?? []).filter((a): a is string => typeof a === "string");
  return args[0] === "serve" ? [...args] : ["serve", ...args];
}

/**
 * Decide the server command line. Precedence:
 *  1. `jetls.server.path`            → `<path> serve <args…>`
 *  2. `jetls.server.pythonPath`      → `<python> -m jetls serve <args…>`
 *  3. `jetls` found on PATH          → `jetls serve <args…>`
 *  4. Python extension interpreter   → `<interpreter…> -m jetls serve <args…>`
 *  5. fallback                       → `jetls serve <args…>` (fails with a clear error)
 */
export function buildServerCommand(settings: ServerLaunchSettings, ctx: LaunchContext = {}): ServerCommand {
  const args = serveArgs(settings.args);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(settings.env ?? {})) {
    if (typeof v === "string") {
      env[k] = v;
    }
  }

  if (nonEmpty(settings.path)) {
    return { command: expandPath(settings.path, ctx), args, env, source: "server.path" };
  }
  if (nonEmpty(settings.pythonPath)) {
    return {
      command: expandPath(settings.pythonPath, ctx),
      args: ["-m", "jetls", ...args],
      env,
      source: "server.pythonPath",
    };
  }
  const onPath = ctx.which?.(SERVER_EXECUTABLE);
  if (onPath) {
    return { command: onPath, args, env, source: "PATH" };
  }
  const interp = (ctx.pythonInterpreter ?? []).filter(nonEmpty);
  if (interp.length > 0) {
    return {
      command: interp[0],
      args: [...interp.slice(1), "-m", "jetls", ...args],
      env,
      source: "python-extension",
    };
  }
  return { command: SERVER_EXECUTABLE, args, env, source: "fallback" };
}

/** Render a command line for logs (quotes arguments containing spaces). */
export function formatCommandLine(cmd: Pick<ServerCommand, "command" | "args">): string {
  return [cmd.command, ...cmd.args].map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(" ");
}

/**
 * Find an executable on PATH. `isFile` is injected (tests); `pathExt` is the
 * Windows PATHEXT list.
 */
export function findOnPath(
  name: string,
  envPath: string | undefined,
  isFile: (p: string) => boolean,
  platform: string = process.platform,
  pathExt: string | undefined = process.env.PATHEXT,
): string | undefined {
  if (!envPath) {
    return undefined;
  }
  const sep = platform === "win32" ? ";" : ":";
  const join = platform === "win32" ? path.win32.join : path.posix.join;
  const exts = platform === "win32" ? ["", ...(pathExt ?? ".EXE;.CMD;.BAT;.COM").split(";").filter(Boolean)] : [""];
  for (const dir of envPath.split(sep)) {
    if (!dir) {
      continue;
    }
    for (const ext of exts) {
      const candidate = join(dir, name + ext);
      if (isFile(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
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
}

export const DEFAULT_SETTINGS: JetlsSettings = Object.freeze({
  platform: null,
  extraDefinitionRoots: [],
  sql: { enabled: true },
  severityOverrides: {},
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

  return { platform, extraDefinitionRoots, sql: { enabled: sqlEnabled }, severityOverrides };
}

/** Keys whose change needs a server restart (the rest are pushed live). */
export const RESTART_KEYS = ["jetls.server.path", "jetls.server.pythonPath", "jetls.server.args", "jetls.server.env"];
