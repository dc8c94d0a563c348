// An untrusted workspace cannot choose what the extension runs: its own
// jetls.server.path / pythonPath and a python3 on PATH inside the workspace are ignored.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";

import { activateIn, fakePython, Harness, LAUNCHER, readLog, waitFor } from "./harness";

describe("untrusted workspace", { skip: process.platform === "win32" }, () => {
  let h: Harness;
  let marker: string;
  let good: string;

  before(async () => {
    h = await activateIn((tmp) => {
      marker = path.join(tmp, "workspace-code-ran");
      const evil = fakePython(path.join(tmp, "metric-hub", ".venv", "bin", "python3"), "3.12.0", marker);
      good = fakePython(path.join(tmp, "..", path.basename(tmp) + "-bin", "python3"), "3.11.9");
      return {
        trusted: false,
        workspaceSettings: { "jetls.server.path": evil, "jetls.server.pythonPath": evil },
        pathDirs: [path.dirname(evil), path.dirname(good)],
      };
    });
  });
  after(() => {
    fs.rmSync(path.dirname(good), { recursive: true, force: true });
    return h?.cleanup();
  });

  it("runs the bundled server with a Python outside the workspace", async () => {
    const argv = await waitFor(() => readLog(h.logFile).find((e) => e.event === "argv"), "server start");
    assert.deepEqual(argv.argv, ["-I", LAUNCHER, "serve"]);
    assert.ok(h.fake.state.logs.some((l) => l.includes(`Starting server (PATH): ${good} -I`)), h.fake.state.logs.join("\n"));
    assert.ok(h.fake.state.logs.some((l) => l.includes("Untrusted workspace")));
    // Let the server finish its start-up exchange before the test stops it.
    await waitFor(() => readLog(h.logFile).find((e) => e.event === "indexed"), "indexing");
  });

  it("never runs a program from the workspace", () => {
    assert.equal(fs.existsSync(marker), false);
  });
});
