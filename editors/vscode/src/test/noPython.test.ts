// No Python >= 3.11 anywhere: one notification says what is needed and how to set it,
// the output channel lists what was tried, the status bar shows the failure, and no
// server process starts.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";

import { activateIn, fakePython, Harness } from "./harness";

describe("no suitable Python", { skip: process.platform === "win32" }, () => {
  let h: Harness;

  before(async () => {
    h = await activateIn((tmp) => {
      fakePython(path.join(tmp, "bin", "python3"), "3.9.18");
      return { pathDirs: [path.join(tmp, "bin")] };
    });
  });
  after(() => h?.cleanup());

  it("shows one notification naming the requirement and the setting", () => {
    assert.equal(h.fake.state.messages.length, 1, h.fake.state.messages.join("\n"));
    assert.match(
      h.fake.state.messages[0],
      /^error jetls: jetls needs Python 3\.11 or newer: none was found .* set jetls\.server\.pythonPath/,
    );
  });

  it("logs every interpreter tried and starts nothing", () => {
    const logs = h.fake.state.logs.join("\n");
    assert.match(logs, /PATH: .*\/bin\/python3: Python 3\.9\.18 \(too old, needs 3\.11\+\)/);
    assert.ok(!logs.includes("Starting server"), logs);
    assert.ok(!fs.existsSync(h.logFile));
  });

  it("shows the failure in the status bar", () => {
    const texts = h.fake.state.statusTexts;
    assert.equal(texts[texts.length - 1], "$(error) jetls: failed");
    assert.match(h.fake.state.statusTooltip ?? "", /needs Python 3\.11/);
  });
});
