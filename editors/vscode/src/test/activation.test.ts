// Smoke test of the VS Code glue with a minimal fake `vscode` module: the
// extension must load, register its commands and stay idle (no server process)
// when no metric-hub checkout is open. The full client/server path needs a real
// extension host (see README: "Extension-host tests").
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";

// eslint-disable-next-line @typescript-eslint/no-var-requires
const Module = require("node:module");

function fakeVscode(folders: string[]) {
  const commands: string[] = [];
  const logs: string[] = [];
  const disposable = { dispose() {} };
  const event = () => disposable;
  const vscode = {
    commands: {
      registered: commands,
      registerCommand: (id: string) => {
        commands.push(id);
        return disposable;
      },
      executeCommand: async () => undefined,
    },
    window: {
      createOutputChannel: () => ({
        info: (m: string) => logs.push(`info ${m}`),
        warn: (m: string) => logs.push(`warn ${m}`),
        error: (m: string) => logs.push(`error ${m}`),
        show() {},
        dispose() {},
      }),
      showErrorMessage: async () => undefined,
    },
    workspace: {
      workspaceFolders: folders.map((f, index) => ({ uri: { scheme: "file", fsPath: f }, name: path.basename(f), index })),
      textDocuments: [],
      onDidChangeConfiguration: event,
      onDidChangeWorkspaceFolders: event,
      onDidOpenTextDocument: event,
      onDidGrantWorkspaceTrust: event,
      getConfiguration: () => ({ get: () => undefined }),
    },
    extensions: { getExtension: () => undefined },
    Uri: { file: (p: string) => ({ scheme: "file", fsPath: p }) },
  };
  // vscode-languageclient subclasses vscode classes (CompletionItem, CodeLens, ...)
  // at load time: hand out empty classes for everything not faked above.
  const proxy = new Proxy(vscode as Record<string, unknown>, {
    get(target, prop: string) {
      if (prop in target) {
        return target[prop];
      }
      const fallback = /^[A-Z]/.test(prop) ? class {} : {};
      target[prop] = fallback;
      return fallback;
    },
  });
  return { vscode: proxy, commands, logs };
}

describe("extension activation (fake vscode)", () => {
  it("registers commands and stays idle outside metric-hub", async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "jetls-act-"));
    fs.writeFileSync(path.join(tmp, "Cargo.toml"), "");
    const { vscode, commands, logs } = fakeVscode([tmp]);
    const origLoad = Module._load;
    Module._load = function (request: string, ...rest: unknown[]) {
      if (request === "vscode") {
        return vscode;
      }
      return origLoad.call(this, request, ...rest);
    };
    try {
      const ext = require("../extension");
      const context = { subscriptions: [] as unknown[] };
      await ext.activate(context);
      assert.deepEqual(commands.sort(), ["jetls.restartServer", "jetls.showOutput", "jetls.showReferences", "jetls.showRenderedSql"]);
      assert.ok(
        logs.some((l) => l.includes("No metric-hub checkout")),
        logs.join("\n"),
      );
      assert.ok(!logs.some((l) => l.includes("Starting server")), logs.join("\n"));
      await ext.deactivate();
    } finally {
      Module._load = origLoad;
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
