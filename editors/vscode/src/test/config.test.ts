import { strict as assert } from "node:assert";
import { describe, it } from "node:test";

import {
  buildServerCommand,
  buildServerSettings,
  expandPath,
  findOnPath,
  formatCommandLine,
  normalizeSeverity,
} from "../config";

describe("buildServerCommand", () => {
  it("uses jetls from PATH by default", () => {
    const cmd = buildServerCommand({}, { which: (n) => (n === "jetls" ? "/usr/local/bin/jetls" : undefined) });
    assert.equal(cmd.command, "/usr/local/bin/jetls");
    assert.deepEqual(cmd.args, ["serve"]);
    assert.equal(cmd.source, "PATH");
  });

  it("prefers jetls.server.path over everything", () => {
    const cmd = buildServerCommand(
      { path: "/opt/jetls/bin/jetls", pythonPath: "/usr/bin/python3", args: ["--log-level", "debug"] },
      { which: () => "/usr/local/bin/jetls", pythonInterpreter: ["/venv/bin/python"] },
    );
    assert.equal(cmd.command, "/opt/jetls/bin/jetls");
    assert.deepEqual(cmd.args, ["serve", "--log-level", "debug"]);
    assert.equal(cmd.source, "server.path");
  });

  it("does not double a user-supplied serve", () => {
    const cmd = buildServerCommand({ path: "jetls", args: ["serve", "--tcp", "127.0.0.1:2087"] });
    assert.deepEqual(cmd.args, ["serve", "--tcp", "127.0.0.1:2087"]);
  });

  it("runs python -m jetls serve when pythonPath is set", () => {
    const cmd = buildServerCommand({ pythonPath: "~/venvs/mh/bin/python", args: ["-v"] }, { homeDir: "/home/u", which: () => "/x/jetls" });
    assert.equal(cmd.command, "/home/u/venvs/mh/bin/python");
    assert.deepEqual(cmd.args, ["-m", "jetls", "serve", "-v"]);
    assert.equal(cmd.source, "server.pythonPath");
  });

  it("treats blank path settings as unset", () => {
    const cmd = buildServerCommand({ path: "  ", pythonPath: "" }, { which: () => "/bin/jetls" });
    assert.equal(cmd.source, "PATH");
  });

  it("falls back to the Python extension interpreter when jetls is not on PATH", () => {
    const cmd = buildServerCommand({}, { which: () => undefined, pythonInterpreter: ["conda", "run", "-n", "mh", "python"] });
    assert.equal(cmd.command, "conda");
    assert.deepEqual(cmd.args, ["run", "-n", "mh", "python", "-m", "jetls", "serve"]);
    assert.equal(cmd.source, "python-extension");
  });

  it("falls back to plain jetls when nothing is found", () => {
    const cmd = buildServerCommand({}, { which: () => undefined });
    assert.equal(cmd.command, "jetls");
    assert.deepEqual(cmd.args, ["serve"]);
    assert.equal(cmd.source, "fallback");
  });

  it("expands ${workspaceFolder} and keeps only string env values", () => {
    const cmd = buildServerCommand(
      { path: "${workspaceFolder}/.venv/bin/jetls", env: { JETLS_LOG: "debug", BAD: 3 as unknown as string } },
      { workspaceFolder: "/src/metric-hub" },
    );
    assert.equal(cmd.command, "/src/metric-hub/.venv/bin/jetls");
    assert.deepEqual(cmd.env, { JETLS_LOG: "debug" });
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

describe("findOnPath", () => {
  it("returns the first match in PATH order", () => {
    const files = new Set(["/b/jetls", "/c/jetls"]);
    assert.equal(findOnPath("jetls", "/a::/b:/c", (p) => files.has(p), "linux"), "/b/jetls");
  });
  it("returns undefined without PATH or match", () => {
    assert.equal(findOnPath("jetls", undefined, () => true, "linux"), undefined);
    assert.equal(findOnPath("jetls", "/a:/b", () => false, "linux"), undefined);
  });
  it("honours PATHEXT on Windows", () => {
    const files = new Set(["C:\\py\\Scripts\\jetls.EXE"]);
    assert.equal(
      findOnPath("jetls", "C:\\Windows;C:\\py\\Scripts", (p) => files.has(p), "win32", ".COM;.EXE"),
      "C:\\py\\Scripts\\jetls.EXE",
    );
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
    });
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
