import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";

import {
  buildDocumentSelector,
  escapeGlob,
  findMetricHubRoot,
  FsLike,
  GENERIC_PATTERNS,
  isMetricHubRoot,
  isRelevantFile,
  normalizeRoots,
} from "../roots";

function fakeFs(dirs: string[]): FsLike {
  const set = new Set(dirs.map((d) => path.resolve(d)));
  return { isDirectory: (p) => set.has(path.resolve(p)) };
}

describe("isMetricHubRoot / findMetricHubRoot (fake fs)", () => {
  const fsl = fakeFs([
    "/src",
    "/src/metric-hub",
    "/src/metric-hub/definitions",
    "/src/metric-hub/jetstream",
    "/src/metric-hub/jetstream/outcomes",
    "/src/metric-hub/jetstream/outcomes/fenix",
    "/src/metric-hub/opmon",
    "/src/metric-hub/opmon/definitions",
    "/src/rust-project",
    "/src/rust-project/src",
  ]);

  it("recognises a root by definitions/ or jetstream/", () => {
    assert.equal(isMetricHubRoot("/src/metric-hub", fsl), true);
    assert.equal(isMetricHubRoot("/src/rust-project", fsl), false);
  });

  it("walks up from a nested experiment file", () => {
    assert.equal(findMetricHubRoot("/src/metric-hub/jetstream/outcomes/fenix/x.toml", fsl), "/src/metric-hub");
    assert.equal(findMetricHubRoot("/src/metric-hub/definitions/fenix.toml", fsl), "/src/metric-hub");
  });

  it("climbs past opmon/ which holds its own definitions/", () => {
    assert.equal(findMetricHubRoot("/src/metric-hub/opmon/definitions/fenix.toml", fsl), "/src/metric-hub");
    assert.equal(findMetricHubRoot("/src/metric-hub/opmon/x.toml", fsl), "/src/metric-hub");
  });

  it("does not attach outside a checkout", () => {
    assert.equal(findMetricHubRoot("/src/rust-project/Cargo.toml", fsl), undefined);
    assert.equal(findMetricHubRoot("/src/rust-project/src/x.toml", fsl), undefined);
  });

  it("respects stopAt", () => {
    assert.equal(findMetricHubRoot("/src/metric-hub/jetstream/a.toml", fsl, "/src/metric-hub/jetstream"), undefined);
  });
});

describe("findMetricHubRoot (real fs)", () => {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "jetls-roots-"));
    fs.mkdirSync(path.join(tmp, "mh", "jetstream", "defaults"), { recursive: true });
    fs.writeFileSync(path.join(tmp, "mh", "jetstream", "defaults", "fenix.toml"), "");
    fs.mkdirSync(path.join(tmp, "other"), { recursive: true });
    fs.writeFileSync(path.join(tmp, "other", "pyproject.toml"), "");
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const realFs: FsLike = {
    isDirectory: (p) => {
      try {
        return fs.statSync(p).isDirectory();
      } catch {
        return false;
      }
    },
  };

  it("finds the checkout from a file path", () => {
    assert.equal(findMetricHubRoot(path.join(tmp, "mh", "jetstream", "defaults", "fenix.toml"), realFs), path.join(tmp, "mh"));
  });
  it("finds nothing for an unrelated project", () => {
    assert.equal(findMetricHubRoot(path.join(tmp, "other", "pyproject.toml"), realFs, tmp), undefined);
  });
});

describe("isRelevantFile", () => {
  const root = "/mh";
  const cases: Array<[string, boolean]> = [
    ["/mh/jetstream/my-experiment.toml", true],
    ["/mh/jetstream/outcomes/fenix/default-browser.toml", true],
    ["/mh/jetstream/defaults/firefox_desktop.toml", true],
    ["/mh/definitions/firefox_desktop.toml", true],
    ["/mh/definitions/nested/x.toml", false],
    ["/mh/opmon/definitions/fenix.toml", true],
    ["/mh/looker/definitions/fenix.toml", true],
    ["/mh/featmon/x.toml", true],
    ["/mh/featmon/sub/x.toml", false],
    ["/mh/pyproject.toml", false],
    ["/mh/jetstream/README.md", false],
    ["/elsewhere/jetstream/x.toml", false],
  ];
  for (const [file, expected] of cases) {
    it(`${file} → ${expected}`, () => assert.equal(isRelevantFile(root, file), expected));
  }
});

describe("buildDocumentSelector", () => {
  it("anchors patterns at each root", () => {
    const sel = buildDocumentSelector(["/src/metric-hub"]);
    assert.equal(sel.length, 5);
    for (const f of sel) {
      assert.equal(f.language, "toml");
      assert.equal(f.scheme, "file");
      assert.ok(f.pattern.startsWith("/src/metric-hub/"), f.pattern);
    }
    assert.deepEqual(
      sel.map((f) => f.pattern),
      [
        "/src/metric-hub/jetstream/**/*.toml",
        "/src/metric-hub/definitions/*.toml",
        "/src/metric-hub/opmon/**/*.toml",
        "/src/metric-hub/looker/**/*.toml",
        "/src/metric-hub/featmon/*.toml",
      ],
    );
  });

  it("escapes glob characters in root paths and handles Windows separators", () => {
    const sel = buildDocumentSelector(["C:\\work\\mh [fork]\\"]);
    assert.equal(sel[0].pattern, "C:/work/mh [[]fork[]]/jetstream/**/*.toml");
  });

  it("uses generic patterns without roots", () => {
    const sel = buildDocumentSelector([]);
    assert.deepEqual(
      sel.map((f) => f.pattern),
      GENERIC_PATTERNS,
    );
    assert.ok(GENERIC_PATTERNS.includes("**/jetstream/**/*.toml"));
    assert.ok(GENERIC_PATTERNS.includes("**/definitions/*.toml"));
  });

  it("emits one block per root", () => {
    assert.equal(buildDocumentSelector(["/a", "/b"]).length, 10);
  });
});

describe("escapeGlob / normalizeRoots", () => {
  it("escapes metacharacters", () => {
    assert.equal(escapeGlob("/a{b}*?"), "/a[{]b[}][*][?]");
  });
  it("dedupes and drops nested roots", () => {
    assert.deepEqual(normalizeRoots(["/mh", "/mh/", "/mh/opmon", "/other"]), ["/mh", "/other"]);
  });
});
