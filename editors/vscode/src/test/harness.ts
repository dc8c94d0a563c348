// Loads the real extension (out/extension.js) against the fake `vscode` module in a
// temporary folder with a metric-hub checkout and fake interpreters on a PATH of its own.
// Each *.test.js file runs in its own process, so each gets a fresh extension.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { createFakeVscode } from "./fakeVscode";

// eslint-disable-next-line @typescript-eslint/no-var-requires
const Module = require("node:module");

export const FAKE_SERVER = path.join(__dirname, "fixtures", "fakeServer.js");
/** Where the fake extension is "installed": the launcher path in command lines. */
export const EXTENSION_PATH = "/ext/jetls";
export const LAUNCHER = path.join(EXTENSION_PATH, "bundled", "tool", "jetls_server.py");

export async function waitFor<T>(fn: () => T | undefined, what: string, ms = 10000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) {
      return v;
    }
    if (Date.now() > end) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function readLog(file: string): Array<Record<string, any>> {
  if (!fs.existsSync(file)) {
    return [];
  }
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

/**
 * A fake interpreter: answers the version probe with `version` and otherwise runs the
 * fake LSP server (the real one would run the bundled launcher), recording its argv.
 * With `marker`, it also records that it ran at all.
 */
export function fakePython(file: string, version: string, marker?: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const touch = marker ? `echo "$0" >> "${marker}"\n` : "";
  fs.writeFileSync(
    file,
    `#!/bin/sh\n${touch}case "$*" in *version_info*) echo ${version}; exit 0 ;; esac\n` +
      `exec "${process.execPath}" "${FAKE_SERVER}" "$@"\n`,
    { mode: 0o755 },
  );
  return file;
}

export interface Harness {
  tmp: string;
  root: string;
  logFile: string;
  fake: ReturnType<typeof createFakeVscode>;
  ext: { activate(c: unknown): Promise<void>; deactivate(): Promise<void> };
  cleanup(): Promise<void>;
}

/** Make the folder, then activate the extension with `PATH` = `pathDirs`. */
export async function activateIn(
  prepare: (tmp: string, logFile: string) => { settings?: Record<string, unknown>; pathDirs: string[]; trusted?: boolean; workspaceSettings?: Record<string, unknown> },
): Promise<Harness> {
  const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "jetls-ext-")));
  const root = path.join(tmp, "metric-hub");
  fs.mkdirSync(path.join(root, "definitions"), { recursive: true });
  fs.mkdirSync(path.join(root, "jetstream"), { recursive: true });
  const logFile = path.join(tmp, "server.log");
  const { settings = {}, pathDirs, trusted = true, workspaceSettings = {} } = prepare(tmp, logFile);
  const fake = createFakeVscode([tmp], { "jetls.server.env": { FAKE_JETLS_LOG: logFile, FAKE_JETLS_PROGRESS: "1" }, ...settings });
  fake.state.trusted = trusted;
  Object.assign(fake.state.workspaceSettings, workspaceSettings);
  const origLoad = Module._load;
  const origPath = process.env.PATH;
  process.env.PATH = pathDirs.join(path.delimiter);
  Module._load = function (request: string, ...rest: unknown[]) {
    return request === "vscode" ? fake.vscode : origLoad.call(this, request, ...rest);
  };
  const ext = require("../extension");
  await ext.activate({ subscriptions: [], extensionPath: EXTENSION_PATH });
  return {
    tmp,
    root,
    logFile,
    fake,
    ext,
    async cleanup() {
      await ext.deactivate();
      Module._load = origLoad;
      process.env.PATH = origPath;
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}
