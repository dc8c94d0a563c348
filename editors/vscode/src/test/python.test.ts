import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";

import {
  choosePython,
  describeTried,
  isFile,
  noPythonMessage,
  parseVersion,
  pathCandidates,
  probeByRunning,
  PythonCandidate,
  realpath,
} from "../python";

describe("pathCandidates", () => {
  const files = new Set(["/a/python3", "/b/python3", "/b/python", "/c/python3.12", "/w/.venv/bin/python3", "/rel/python3"]);
  const has = (p: string) => files.has(p);

  it("lists python3 in PATH order first, then python, then versioned names", () => {
    const got = pathCandidates("/a:/b:/c", has, { platform: "linux" }).map((c) => c.command);
    assert.deepEqual(got, ["/a/python3", "/b/python3", "/b/python", "/c/python3.12"]);
  });

  it("skips relative PATH entries and the folders of an untrusted workspace", () => {
    const got = pathCandidates(".:bin:/w/.venv/bin:/a", (p) => p.startsWith("/") ? has(p) : true, {
      platform: "linux",
      exclude: ["/w"],
    }).map((c) => c.command);
    assert.deepEqual(got, ["/a/python3"]);
  });

  it("lists one interpreter once when names are links to it", () => {
    const got = pathCandidates("/b", has, { platform: "linux", realpath: () => "/usr/bin/python3.11" });
    assert.deepEqual(got.map((c) => c.command), ["/b/python3"]);
  });

  it("uses PATHEXT and the py launcher on Windows", () => {
    const win = new Set(["C:\\Python312\\python.EXE"]);
    const got = pathCandidates("C:\\Windows;C:\\Python312", (p) => win.has(p), { platform: "win32", pathExt: ".COM;.EXE" });
    assert.deepEqual(
      got.map((c) => [c.command, ...c.args].join(" ")),
      ["C:\\Python312\\python.EXE", "py -3"],
    );
  });
});

describe("parseVersion", () => {
  it("reads the last version line (conda run may print more)", () => {
    assert.deepEqual(parseVersion("3.12.1\n"), [3, 12, 1]);
    assert.deepEqual(parseVersion("some banner\r\n3.11.7\r\n"), [3, 11, 7]);
    assert.equal(parseVersion("Python 3.12.1"), undefined);
  });
});

describe("choosePython", () => {
  const c = (command: string, source: PythonCandidate["source"] = "PATH"): PythonCandidate => ({ command, args: [], source });
  const versions: Record<string, [number, number, number] | undefined> = {
    ext: [3, 9, 18],
    old: [3, 10, 12],
    new: [3, 11, 0],
    newer: [3, 13, 1],
  };
  const probe = async (x: PythonCandidate) => (versions[x.command] ? { version: versions[x.command] } : { error: "not found" });

  it("takes the first candidate with Python >= 3.11 and stops probing", async () => {
    const seen: string[] = [];
    const choice = await choosePython([c("ext", "python-extension"), c("gone"), c("old"), c("new"), c("newer")], async (x) => {
      seen.push(x.command);
      return probe(x);
    });
    assert.equal(choice.chosen?.command, "new");
    assert.deepEqual(choice.chosen?.version, [3, 11, 0]);
    assert.deepEqual(seen, ["ext", "gone", "old", "new"]);
    assert.deepEqual(describeTried(choice.tried), [
      "  python-extension: ext: Python 3.9.18 (too old, needs 3.11+)",
      "  PATH: gone: not usable: not found",
      "  PATH: old: Python 3.10.12 (too old, needs 3.11+)",
      "  PATH: new: Python 3.11.0",
    ]);
  });

  it("says what is needed and how to set it when nothing fits", async () => {
    const none = await choosePython([c("old")], probe);
    assert.equal(none.chosen, undefined);
    assert.match(noPythonMessage(none, false), /needs Python 3\.11 or newer: none was found .*set jetls\.server\.pythonPath/);
    const explicit = await choosePython([c("old", "server.pythonPath")], probe);
    assert.match(
      noPythonMessage(explicit, true),
      /jetls\.server\.pythonPath \(old\) is Python 3\.10\.12\. Set jetls\.server\.pythonPath to a Python 3\.11\+ interpreter/,
    );
  });
});

describe("probeByRunning (real processes)", { skip: process.platform === "win32" }, () => {
  let tmp: string;
  const script = (name: string, body: string) => {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return { command: file, args: [], source: "PATH" as const };
  };

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "jetls-python-"));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("reads the version the interpreter prints for the probe code", async () => {
    const fake = script("python3", 'case "$2" in *version_info*) echo 3.12.4 ;; *) exit 9 ;; esac');
    assert.deepEqual(await probeByRunning()(fake), { version: [3, 12, 4] });
  });

  it("reports the last stderr line of an interpreter that fails", async () => {
    const broken = script("broken", 'echo "error: no such environment" >&2; exit 1');
    assert.deepEqual(await probeByRunning()(broken), { error: "error: no such environment" });
  });

  it("reports a missing program and a hanging one", async () => {
    const missing = await probeByRunning()({ command: path.join(tmp, "nope"), args: [], source: "PATH" });
    assert.match(missing.error ?? "", /ENOENT/);
    const hang = await probeByRunning(process.env, 300)(script("hang", "exec sleep 5"));
    assert.ok(hang.error, JSON.stringify(hang));
  });

  it("finds a real Python on this machine's PATH", async () => {
    const candidates = pathCandidates(process.env.PATH, isFile, { realpath });
    const choice = await choosePython(candidates, probeByRunning());
    assert.ok(choice.chosen, describeTried(choice.tried).join("\n"));
  });
});
