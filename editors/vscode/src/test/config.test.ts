import { strict as assert } from "node:assert";
import { describe, it } from "node:test";

import {
  buildServerSettings,
  bundledCommand,
  EXECUTABLE_SETTINGS,
  executableCommand,
  expandPath,
  explicitPython,
  formatCommandLine,
  InspectedSetting,
  launchSettings,
  normalizeSeverity,
  RESTART_KEYS,
} from "../config";

describe("server command line", () => {
  const launcher = "/ext/bundled/tool/jetls_server.py";
  const py = { command: "/usr/bin/python3", args: [], source: "PATH" as const };

  it("runs the bundled server with the chosen interpreter in isolated mode", () => {
    const cmd = bundledCommand(py, launcher, {});
    assert.equal(cmd.command, "/usr/bin/python3");
    assert.deepEqual(cmd.args, ["-I", launcher, "serve"]);
    assert.equal(cmd.source, "PATH");
  });

  it("keeps the leading arguments of an interpreter command (conda run) and appends the user's args", () => {
    const conda = { command: "conda", args: ["run", "-n", "mh", "python"], source: "python-extension" as const };
    const cmd = bundledCommand(conda, launcher, { args: ["--log-level", "debug"] });
    assert.equal(cmd.command, "conda");
    assert.deepEqual(cmd.args, ["run", "-n", "mh", "python", "-I", launcher, "serve", "--log-level", "debug"]);
    assert.equal(cmd.source, "python-extension");
  });

  it("runs jetls.server.path as given, without the bundle", () => {
    const cmd = executableCommand({ path: "/opt/jetls/bin/jetls", pythonPath: "/usr/bin/python3", args: ["--log-level", "debug"] });
    assert.ok(cmd);
    assert.equal(cmd.command, "/opt/jetls/bin/jetls");
    assert.deepEqual(cmd.args, ["serve", "--log-level", "debug"]);
    assert.equal(cmd.source, "server.path");
  });

  it("does not double a user-supplied serve", () => {
    assert.deepEqual(executableCommand({ path: "jetls", args: ["serve", "--tcp", "127.0.0.1:2087"] })!.args, ["serve", "--tcp", "127.0.0.1:2087"]);
    assert.deepEqual(bundledCommand(py, launcher, { args: ["serve", "-v"] }).args, ["-I", launcher, "serve", "-v"]);
  });

  it("takes jetls.server.pythonPath as the one interpreter, with ~ expanded", () => {
    assert.deepEqual(explicitPython({ pythonPath: "~/venvs/mh/bin/python" }, { homeDir: "/home/u" }), {
      command: "/home/u/venvs/mh/bin/python",
      args: [],
      source: "server.pythonPath",
    });
  });

  it("treats blank path settings as unset", () => {
    assert.equal(executableCommand({ path: "  " }), undefined);
    assert.equal(explicitPython({ pythonPath: "" }), undefined);
  });

  it("expands ${workspaceFolder} and keeps only string env values", () => {
    const cmd = executableCommand(
      { path: "${workspaceFolder}/.venv/bin/jetls", env: { JETLS_LOG: "debug", BAD: 3 as unknown as string } },
      { workspaceFolder: "/src/metric-hub" },
    );
    assert.equal(cmd!.command, "/src/metric-hub/.venv/bin/jetls");
    assert.deepEqual(cmd!.env, { JETLS_LOG: "debug" });
  });
});

describe("launchSettings (workspace trust)", () => {
  const inspected: Record<string, InspectedSetting<unknown>> = {
    "server.path": { defaultValue: null, globalValue: "/home/u/.local/bin/jetls", workspaceValue: "./evil.sh" },
    "server.pythonPath": { defaultValue: null, workspaceFolderValue: "${workspaceFolder}/.venv/bin/python" },
    "server.args": { defaultValue: [], workspaceValue: ["--tcp", "0.0.0.0:1"] },
    "server.env": { defaultValue: {}, globalValue: { A: "1" }, workspaceValue: { PYTHONPATH: "." } },
  };
  const inspect = (key: string) => inspected[key];

  it("uses the most specific value in a trusted workspace", () => {
    assert.deepEqual(launchSettings(inspect, true), {
      path: "./evil.sh",
      pythonPath: "${workspaceFolder}/.venv/bin/python",
      args: ["--tcp", "0.0.0.0:1"],
      env: { PYTHONPATH: "." },
    });
  });

  it("ignores the workspace's own values in an untrusted workspace", () => {
    assert.deepEqual(launchSettings(inspect, false), {
      path: "/home/u/.local/bin/jetls",
      pythonPath: null,
      args: [],
      env: { A: "1" },
    });
  });

  it("covers every setting that chooses what runs", () => {
    assert.deepEqual(
      [...EXECUTABLE_SETTINGS].map((k) => `jetls.${k}`),
      RESTART_KEYS,
    );
  });
});

describe("formatCommandLine / expandPath", () => {
  it("quotes arguments with spaces", () => {
    assert.equal(formatCommandLine({ command: "/a b/python", args: ["-m", "jetls", "serve"] }), '"/a b/python" -m jetls serve');
  });
  it("expands ~ only at the start", () => {
    assert.equal(expandPath("~/x", { homeDir: "/h" }), "/h/x");
    assert.equal(expandPath("/a/~/x", { homeDir: "/h" }), "/a/~/x");
    assert.equal(expandPath("~", { homeDir: "/h" }), "/h");
  });
});

describe("buildServerSettings", () => {
  const getter = (values: Record<string, unknown>) => (key: string) => values[key];

  it("produces defaults from empty settings", () => {
    assert.deepEqual(buildServerSettings(getter({})), {
      platform: null,
      extraDefinitionRoots: [],
      sql: { enabled: true },
      severityOverrides: {},
      bigqueryEtl: null,
      parserVersion: null,
    });
  });

  it("expands the bigquery-etl path and drops a non-string", () => {
    assert.equal(buildServerSettings(getter({ bigqueryEtl: "~/src/bigquery-etl" }), { homeDir: "/home/u" }).bigqueryEtl,
      "/home/u/src/bigquery-etl");
    const warnings: string[] = [];
    assert.equal(buildServerSettings(getter({ bigqueryEtl: 3 }), {}, (m) => warnings.push(m)).bigqueryEtl, null);
    assert.equal(warnings.length, 1);
  });

  it("maps every option", () => {
    const warnings: string[] = [];
    const s = buildServerSettings(
      getter({
        platform: " fenix ",
        extraDefinitionRoots: ["~/private-metric-hub", "${workspaceFolder}/../other", "~/private-metric-hub", 42],
        "sql.enabled": false,
        severityOverrides: { jet201: "warn", JET300: "off", JET999: "loud" },
      }),
      { homeDir: "/home/u", workspaceFolder: "/w" },
      (m) => warnings.push(m),
    );
    assert.equal(s.platform, "fenix");
    assert.deepEqual(s.extraDefinitionRoots, ["/home/u/private-metric-hub", "/w/../other"]);
    assert.equal(s.sql.enabled, false);
    assert.deepEqual(s.severityOverrides, { JET201: "warning", JET300: "off" });
    assert.equal(warnings.length, 2, warnings.join("\n"));
    assert.ok(warnings.some((w) => w.includes("JET999")));
    assert.ok(warnings.some((w) => w.includes("42")));
  });

  it("reads a nested sql object when the flat key is absent", () => {
    assert.equal(buildServerSettings(getter({ sql: { enabled: false } })).sql.enabled, false);
  });

  it("treats an empty platform as null (infer)", () => {
    assert.equal(buildServerSettings(getter({ platform: "" })).platform, null);
    assert.equal(buildServerSettings(getter({ platform: null })).platform, null);
  });

  it("rejects a non-string platform with a warning", () => {
    const warnings: string[] = [];
    assert.equal(buildServerSettings(getter({ platform: 7 }), {}, (m) => warnings.push(m)).platform, null);
    assert.equal(warnings.length, 1);
  });
});

describe("normalizeSeverity", () => {
  it("accepts LSP names and common aliases", () => {
    assert.equal(normalizeSeverity("Error"), "error");
    assert.equal(normalizeSeverity("info"), "information");
    assert.equal(normalizeSeverity("none"), "off");
    assert.equal(normalizeSeverity("fatal"), undefined);
    assert.equal(normalizeSeverity(1), undefined);
  });
});
