// Consistency checks between package.json contributions and the code.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";

import { BUNDLED_LAUNCHER, EXECUTABLE_SETTINGS, RESTART_KEYS } from "../config";
import { RELEVANT_GLOBS } from "../roots";

const root = path.resolve(__dirname, "..", "..");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const props: Record<string, { default?: unknown; type?: unknown; scope?: string }> = pkg.contributes.configuration.properties;

describe("package.json", () => {
  it("contributes every server setting and the client settings", () => {
    for (const key of [
      "jetls.platform",
      "jetls.extraDefinitionRoots",
      "jetls.sql.enabled",
      "jetls.severityOverrides",
      "jetls.trace.server",
      "jetls.server.path",
      "jetls.server.pythonPath",
      "jetls.server.args",
    ]) {
      assert.ok(props[key], `missing setting ${key}`);
    }
    assert.equal(props["jetls.sql.enabled"].default, true);
    assert.equal(props["jetls.platform"].default, null);
    assert.deepEqual(props["jetls.trace.server"].type, "string");
  });

  it("restart keys are real settings", () => {
    for (const key of RESTART_KEYS) {
      assert.ok(props[key], key);
    }
  });

  it("contributes the three commands with activation-safe ids", () => {
    const ids = pkg.contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepEqual(ids, ["jetls.restartServer", "jetls.showOutput", "jetls.showRenderedSql"]);
    // Must not collide with the server's executeCommand id, which vscode-languageclient
    // registers as a VS Code command itself.
    assert.ok(!ids.includes("jetls.renderedSql"));
  });

  it("maps every published schema through tomlValidation", () => {
    const urls = pkg.contributes.tomlValidation.map((v: { url: string }) => v.url);
    for (const name of [
      "jetstream-experiment",
      "jetstream-outcome",
      "jetstream-defaults",
      "definitions",
      "functions",
      "opmon",
      "featmon",
    ]) {
      assert.ok(urls.includes(`./schemas/${name}.schema.json`), name);
    }
    for (const v of pkg.contributes.tomlValidation) {
      const matches = Array.isArray(v.fileMatch) ? v.fileMatch : [v.fileMatch];
      assert.ok(matches.length > 0 && matches.every((m: string) => m.startsWith("**/")), JSON.stringify(v));
    }
  });

  it("activates on metric-hub checkouts and uses engine ^1.82", () => {
    assert.equal(pkg.engines.vscode, "^1.82.0");
    assert.ok(pkg.activationEvents.includes("workspaceContains:definitions/*.toml"));
    assert.ok(pkg.activationEvents.includes("workspaceContains:jetstream/*.toml"));
    assert.equal(pkg.main, "./dist/extension.js");
    assert.ok(RELEVANT_GLOBS.length === 5);
  });

  it("declares limited support for untrusted workspaces, restricting the settings that choose what runs", () => {
    const trust = pkg.capabilities.untrustedWorkspaces;
    assert.equal(trust.supported, "limited");
    const executable = EXECUTABLE_SETTINGS.map((k) => `jetls.${k}`);
    assert.deepEqual(trust.restrictedConfigurations, executable);
    for (const key of executable) {
      assert.equal(props[key].scope, "machine-overridable", key);
    }
    assert.match(trust.description, /never executes/);
  });

  it("ships the bundled server: packaging fills bundled/libs, .vscodeignore keeps it and the launcher", () => {
    assert.match(pkg.scripts["vscode:prepublish"], /npm run bundle-python/);
    assert.equal(pkg.scripts["bundle-python"], "python3 scripts/bundle_python.py");
    assert.ok(fs.existsSync(path.join(root, ...BUNDLED_LAUNCHER)));
    const ignore = fs.readFileSync(path.join(root, ".vscodeignore"), "utf8").split("\n");
    assert.ok(ignore.includes(`!${BUNDLED_LAUNCHER.join("/")}`));
    assert.ok(ignore.includes("!bundled/libs/**"));
    assert.ok(!ignore.some((l) => l.startsWith("!node_modules")), "node_modules must not ship (esbuild bundles the client)");
  });
});
