// No jetls settings: the extension runs its bundled server with the first Python >= 3.11
// on PATH, logs the command line, and its status bar item follows the server through
// starting, indexing (the server's work-done progress) and ready.
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";

import { activateIn, fakePython, Harness, LAUNCHER, readLog, waitFor } from "./harness";

describe("bundled server started with python3 from PATH", { skip: process.platform === "win32" }, () => {
  let h: Harness;
  let good: string;

  before(async () => {
    h = await activateIn((tmp) => {
      fakePython(path.join(tmp, "old", "python3"), "3.10.12");
      good = fakePython(path.join(tmp, "new", "python3"), "3.12.4");
      return { pathDirs: [path.join(tmp, "old"), path.join(tmp, "new")] };
    });
  });
  after(() => h?.cleanup());

  it("skips the Python 3.10 and runs the launcher with the 3.12 in isolated mode", async () => {
    const argv = await waitFor(() => readLog(h.logFile).find((e) => e.event === "argv"), "server start");
    assert.deepEqual(argv.argv, ["-I", LAUNCHER, "serve"]);
    const logs = h.fake.state.logs.join("\n");
    assert.match(logs, /old\/python3: Python 3\.10\.12 \(too old, needs 3\.11\+\)/);
    assert.ok(logs.includes(`Starting server (PATH): ${good} -I ${LAUNCHER} serve`), logs);
  });

  it("shows starting, indexing with its percentage, then ready in the status bar", async () => {
    await waitFor(() => readLog(h.logFile).find((e) => e.event === "indexed"), "indexing");
    const texts = await waitFor(() => {
      const t = h.fake.state.statusTexts;
      return t[t.length - 1] === "$(check) jetls" && t.includes("$(loading~spin) jetls: indexing 50%") ? t : undefined;
    }, "ready after indexing");
    assert.equal(texts[0], "$(loading~spin) jetls: starting");
    const indexing = texts.indexOf("$(loading~spin) jetls: indexing 0%");
    assert.ok(indexing > 0 && texts.indexOf("$(loading~spin) jetls: indexing 50%") > indexing, texts.join("\n"));
    assert.match(h.fake.state.statusTooltip ?? "", /^jetls is ready: 1 metric-hub checkout\(s\); PATH: /);
    assert.deepEqual(h.fake.state.messages, []);
  });
});
