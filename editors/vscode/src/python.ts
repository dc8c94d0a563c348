// Finding a Python that can run the bundled server (Python >= 3.11). No `vscode`
// import: unit-tested with `node --test` and real child processes.

import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";

/** The oldest Python jetls runs on (pyproject.toml: requires-python). */
export const MIN_PYTHON: readonly [number, number] = [3, 11];

/** Where a candidate interpreter came from; shown in the output channel. */
export type PythonSource = "server.pythonPath" | "python-extension" | "PATH";

/** An interpreter command: `command` plus leading arguments (e.g. `conda run -n x python`). */
export interface PythonCandidate {
  command: string;
  args: string[];
  source: PythonSource;
}

/** What probing a candidate found: its version, or why it cannot be used. */
export interface ProbeResult {
  version?: [number, number, number];
  error?: string;
}

export type Probe = (candidate: PythonCandidate) => Promise<ProbeResult>;

export interface PythonChoice {
  /** The chosen interpreter, when one is recent enough. */
  chosen?: PythonCandidate & { version: [number, number, number] };
  /** Every candidate probed, in order, with its result (for the output channel). */
  tried: { candidate: PythonCandidate; result: ProbeResult }[];
}

/** Executable names tried on PATH, in this order: `python3` first, then versioned names. */
export function pythonNames(platform: string = process.platform): string[] {
  const versioned = ["python3.14", "python3.13", "python3.12", "python3.11"];
  return platform === "win32" ? ["python", "python3"] : ["python3", "python", ...versioned];
}

/**
 * Interpreters on PATH, in PATH order for each name of `pythonNames`. Relative PATH
 * entries (`.`, `bin`) are skipped: they would run a `python3` from the workspace.
 * Entries under `exclude` (the folders of an untrusted workspace) are skipped too.
 */
export function pathCandidates(
  envPath: string | undefined,
  isFile: (p: string) => boolean,
  options: { platform?: string; pathExt?: string; exclude?: readonly string[]; realpath?: (p: string) => string } = {},
): PythonCandidate[] {
  const platform = options.platform ?? process.platform;
  const win = platform === "win32";
  const p = win ? path.win32 : path.posix;
  const exts = win ? (options.pathExt ?? ".EXE;.CMD;.BAT;.COM").split(";").filter(Boolean) : [""];
  const exclude = (options.exclude ?? []).map((e) => p.resolve(e));
  const inside = (dir: string) => exclude.some((e) => dir === e || dir.startsWith(e + p.sep));
  const dirs = (envPath ?? "")
    .split(win ? ";" : ":")
    .filter((d) => d && p.isAbsolute(d) && !inside(p.resolve(d)));
  const realpath = options.realpath ?? ((x: string) => x);
  const seen = new Set<string>();
  const out: PythonCandidate[] = [];
  for (const name of pythonNames(platform)) {
    for (const dir of dirs) {
      for (const ext of exts) {
        const file = p.join(dir, name + ext);
        if (!isFile(file)) {
          continue;
        }
        const real = realpath(file);
        if (!seen.has(real)) {
          seen.add(real);
          out.push({ command: file, args: [], source: "PATH" });
        }
      }
    }
  }
  if (win) {
    out.push({ command: "py", args: ["-3"], source: "PATH" });
  }
  return out;
}

/** Parse the probe's output: the last line that looks like `3.12.1`. */
export function parseVersion(stdout: string): [number, number, number] | undefined {
  const lines = stdout.trim().split(/\r?\n/).reverse();
  for (const line of lines) {
    const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(line.trim());
    if (m) {
      return [Number(m[1]), Number(m[2]), Number(m[3])];
    }
  }
  return undefined;
}

export function isSupported(version: readonly number[]): boolean {
  return version[0] > MIN_PYTHON[0] || (version[0] === MIN_PYTHON[0] && version[1] >= MIN_PYTHON[1]);
}

export function formatVersion(version: readonly number[]): string {
  return version.join(".");
}

/** The code the probe runs: prints `major.minor.micro`. */
export const PROBE_CODE = "import sys; print('%d.%d.%d' % sys.version_info[:3])";

/** Probe a candidate by running it (real processes). */
export function probeByRunning(env: NodeJS.ProcessEnv = process.env, timeoutMs = 15000): Probe {
  return (candidate) =>
    new Promise((resolve) => {
      execFile(
        candidate.command,
        [...candidate.args, "-c", PROBE_CODE],
        { env, timeout: timeoutMs, windowsHide: true },
        (err, stdout, stderr) => {
          const version = parseVersion(String(stdout));
          if (version) {
            resolve({ version });
          } else if (err) {
            const detail = String(stderr).trim().split(/\r?\n/).pop() || err.message;
            resolve({ error: detail });
          } else {
            resolve({ error: `unexpected output ${JSON.stringify(String(stdout).slice(0, 200))}` });
          }
        },
      );
    });
}

/** Probe candidates in order; the first with Python >= 3.11 wins. */
export async function choosePython(candidates: readonly PythonCandidate[], probe: Probe): Promise<PythonChoice> {
  const tried: PythonChoice["tried"] = [];
  for (const candidate of candidates) {
    const result = await probe(candidate);
    tried.push({ candidate, result });
    if (result.version && isSupported(result.version)) {
      return { chosen: { ...candidate, version: result.version }, tried };
    }
  }
  return { tried };
}

/** One line per probed candidate, for the output channel. */
export function describeTried(tried: PythonChoice["tried"]): string[] {
  return tried.map(({ candidate, result }) => {
    const cmd = [candidate.command, ...candidate.args].join(" ");
    const what = result.version
      ? `Python ${formatVersion(result.version)}${isSupported(result.version) ? "" : ` (too old, needs ${MIN_PYTHON.join(".")}+)`}`
      : `not usable: ${result.error}`;
    return `  ${candidate.source}: ${cmd}: ${what}`;
  });
}

/** The notification shown when no candidate can run jetls. */
export function noPythonMessage(choice: PythonChoice, explicit: boolean): string {
  const need = `jetls needs Python ${MIN_PYTHON.join(".")} or newer`;
  if (explicit) {
    const t = choice.tried[0];
    const found = t?.result.version ? `is Python ${formatVersion(t.result.version)}` : `cannot be run (${t?.result.error ?? "?"})`;
    return `${need}, but jetls.server.pythonPath (${t?.candidate.command}) ${found}. Set jetls.server.pythonPath to a Python ${MIN_PYTHON.join(".")}+ interpreter.`;
  }
  return (
    `${need}: none was found (Python extension interpreter, python3 on PATH). ` +
    `Install Python ${MIN_PYTHON.join(".")}+ or set jetls.server.pythonPath to its interpreter.`
  );
}

/** `fs`-based isFile / realpath for pathCandidates. */
export function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

export function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}
