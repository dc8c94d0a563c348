// Client glue test: loads the real extension (out/extension.js) against a fake
// `vscode` module, lets vscode-languageclient start a real child process (a fake
// LSP server, fixtures/fakeServer.js, behind a `jetls`-like wrapper script) and
// checks: the command line, initializationOptions, workspace/configuration,
// didOpen only for metric-hub files, diagnostics delivery, the Show Rendered SQL
// command and live settings pushes.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";

import { createFakeVscode, makeDocument, Position } from "./fakeVscode";

// eslint-disable-next-line @typescript-eslint/no-var-requires
const Module = require("node:module");

async function waitFor<T>(fn: () => T | undefined, what: string, ms = 10000): Promise<T> {
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

function readLog(file: string): Array<Record<string, any>> {
  if (!fs.existsSync(file)) {
    return [];
  }
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

describe("extension + vscode-languageclient against a fake server", { skip: process.platform === "win32" }, () => {
  let tmp: string;
  let root: string;
  let logFile: string;
  let fake: ReturnType<typeof createFakeVscode>;
  let ext: { activate(c: unknown): Promise<void>; deactivate(): Promise<void> };
  const origLoad = Module._load;

  before(async () => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "jetls-client-")));
    root = path.join(tmp, "metric-hub");
    fs.mkdirSync(path.join(root, "definitions"), { recursive: true });
    fs.mkdirSync(path.join(root, "jetstream"), { recursive: true });
    fs.mkdirSync(path.join(tmp, "other"), { recursive: true });
    logFile = path.join(tmp, "server.log");
    const wrapper = path.join(tmp, "jetls");
    fs.writeFileSync(
      wrapper,
      `#!/bin/sh\nexec "${process.execPath}" "${path.join(__dirname, "fixtures", "fakeServer.js")}" "$@"\n`,
      { mode: 0o755 },
    );
    fake = createFakeVscode([tmp], {
      "jetls.server.path": wrapper,
      "jetls.server.args": ["--log-level", "debug"],
      "jetls.server.env": { FAKE_JETLS_LOG: logFile },
      "jetls.platform": "fenix",
      "jetls.severityOverrides": { jet201: "warn" },
      "jetls.extraDefinitionRoots": [],
    });
    Module._load = function (request: string, ...rest: unknown[]) {
      return request === "vscode" ? fake.vscode : origLoad.call(this, request, ...rest);
    };
    ext = require("../extension");
    await ext.activate({ subscriptions: [] });
  });

  after(async () => {
    await ext?.deactivate();
    Module._load = origLoad;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("finds the checkout one level below the workspace folder and starts the server", async () => {
    assert.ok(fake.state.logs.some((l) => l.includes("Starting server (server.path)")), fake.state.logs.join("\n"));
    const argv = await waitFor(() => readLog(logFile).find((e) => e.event === "argv"), "server start");
    assert.deepEqual(argv.argv, ["serve", "--log-level", "debug"]);
  });

  it("sends normalised settings as initializationOptions and workspace/configuration", async () => {
    const expected = {
      platform: "fenix",
      extraDefinitionRoots: [],
      sql: { enabled: true },
      severityOverrides: { JET201: "warning" },
      bigqueryEtl: null,
      parserVersion: null,
    };
    const init = await waitFor(() => readLog(logFile).find((e) => e.event === "initialize"), "initialize");
    assert.deepEqual(init.initializationOptions, expected);
    const conf = await waitFor(() => readLog(logFile).find((e) => e.event === "configuration"), "configuration");
    assert.deepEqual(conf.config, [expected]);
  });

  it("syncs metric-hub files only and surfaces diagnostics", async () => {
    const outside = makeDocument(path.join(tmp, "other", "Cargo.toml"), "toml", "[package]\n");
    const inRootNotRelevant = makeDocument(path.join(root, "pyproject.toml"), "toml", "[project]\n");
    const doc = makeDocument(
      path.join(root, "jetstream", "my-exp.toml"),
      "toml",
      '[experiment]\nenrollment_period = 7\n\n[metrics]\n\nweekly = ["active_hourz"]\n',
    );
    for (const d of [outside, inRootNotRelevant, doc]) {
      fake.state.textDocuments.push(d);
      fake.state.onDidOpen.fire(d);
    }
    const diags = await waitFor(() => fake.state.diagnostics.get(doc.uri.toString()), "diagnostics");
    assert.equal(diags.length, 1);
    assert.equal(diags[0].message, "Unknown metric `active_hourz`");
    assert.equal(String(diags[0].code), "JET201");
    assert.equal(diags[0].range.start.line, 5);
    const opened = readLog(logFile)
      .filter((e) => e.event === "didOpen")
      .map((e) => e.uri);
    assert.deepEqual(opened, [doc.uri.toString()]);
  });

  it("Show Rendered SQL calls jetls.renderedSql and opens an SQL document", async () => {
    const doc = fake.state.textDocuments[fake.state.textDocuments.length - 1];
    fake.state.activeTextEditor = { document: doc, selection: { active: new Position(5, 14) } };
    await fake.state.commands.get("jetls.showRenderedSql")!();
    const call = readLog(logFile).find((e) => e.event === "executeCommand");
    assert.ok(call, "no executeCommand");
    assert.equal(call.params.command, "jetls.renderedSql");
    assert.deepEqual(call.params.arguments, [doc.uri.toString(), { line: 5, character: 14 }]);
    assert.equal(fake.state.opened.length, 1);
    assert.equal(fake.state.opened[0].language, "sql");
    assert.match(fake.state.opened[0].content!, /SELECT 1 AS active_hours/);
    assert.match(fake.state.opened[0].content!, /active_hours/);
  });

  it("pushes changed settings with didChangeConfiguration", async () => {
    fake.state.settings["jetls.sql.enabled"] = false;
    fake.state.onDidChangeConfiguration.fire({
      affectsConfiguration: (s: string) => s === "jetls" || s === "jetls.sql.enabled" || s === "jetls.sql",
    });
    const change = await waitFor(
      () => readLog(logFile).find((e) => e.event === "didChangeConfiguration"),
      "didChangeConfiguration",
    );
    assert.equal(change.params.settings.jetls.sql.enabled, false);
    assert.equal(change.params.settings.jetls.platform, "fenix");
  });
});
