import { strict as assert } from "node:assert";
import { describe, it } from "node:test";

import { ServerState, ServerStatus, statusView } from "../status";

/** A status with a manual clock: `elapse()` runs the pending timers. */
function track() {
  const seen: ServerState[] = [];
  const timers: { fn: () => void; ms: number; cancelled: boolean }[] = [];
  const status = new ServerStatus(
    (s) => seen.push(s),
    (fn, ms) => {
      const t = { fn, ms, cancelled: false };
      timers.push(t);
      return () => (t.cancelled = true);
    },
  );
  const texts = () => seen.map((s) => statusView(s).text);
  const elapse = () => {
    for (const t of timers.splice(0)) {
      if (!t.cancelled) {
        assert.equal(t.ms, ServerStatus.READY_GRACE_MS);
        t.fn();
      }
    }
  };
  return { status, seen, texts, elapse };
}

describe("ServerStatus", () => {
  it("goes starting → indexing with progress → ready, without flashing ready before indexing", () => {
    const { status, texts, elapse } = track();
    status.starting("python3 -I jetls_server.py serve");
    status.started("1 checkout");
    status.onProgress("idx", { kind: "begin", title: "jetls: indexing", message: "1 root(s)", percentage: 0 });
    elapse();
    status.onProgress("idx", { kind: "report", message: "metric-hub", percentage: 40 });
    status.onProgress("idx", { kind: "end", message: "indexed" });
    assert.deepEqual(texts(), [
      "$(loading~spin) jetls: starting",
      "$(loading~spin) jetls: indexing 0%",
      "$(loading~spin) jetls: indexing 40%",
      "$(check) jetls",
    ]);
    assert.equal(statusView(status.current).tooltip, "jetls is ready: 1 checkout");
  });

  it("is ready a moment after start when the server reports no progress", () => {
    const { status, texts, elapse } = track();
    status.starting("jetls serve");
    status.started("1 checkout");
    assert.equal(status.current.kind, "starting");
    elapse();
    assert.deepEqual(texts(), ["$(loading~spin) jetls: starting", "$(check) jetls"]);
  });

  it("shows progress that began before the client saw the server start", () => {
    const { status } = track();
    status.starting("jetls serve");
    status.onProgress("idx", { kind: "begin", title: "jetls: indexing", percentage: 0 });
    assert.equal(status.current.kind, "starting");
    status.started("1 checkout");
    assert.equal(statusView(status.current).text, "$(loading~spin) jetls: indexing 0%");
  });

  it("stays indexing until every progress token ended", () => {
    const { status } = track();
    status.starting("x");
    status.started("d");
    status.onProgress(1, { kind: "begin", title: "jetls: indexing" });
    status.onProgress(2, { kind: "begin", title: "jetls: indexing", percentage: 10 });
    status.onProgress(1, { kind: "end" });
    assert.equal(statusView(status.current).text, "$(loading~spin) jetls: indexing 10%");
    status.onProgress(2, { kind: "end" });
    assert.equal(status.current.kind, "ready");
  });

  it("shows the message of a progress without percentage in the tooltip", () => {
    const { status } = track();
    status.started("d");
    status.onProgress("t", { kind: "begin", title: "jetls: indexing" });
    status.onProgress("t", { kind: "report", message: "metric-hub" });
    const view = statusView(status.current);
    assert.equal(view.text, "$(loading~spin) jetls: indexing");
    assert.equal(view.tooltip, "jetls: indexing: metric-hub");
  });

  it("shows a failure in the error colours with its reason, and forgets open progress", () => {
    const { status, elapse } = track();
    status.started("d");
    status.onProgress("t", { kind: "begin", title: "jetls: indexing" });
    status.failed("jetls needs Python 3.11 or newer");
    const view = statusView(status.current);
    assert.equal(view.text, "$(error) jetls: failed");
    assert.equal(view.error, true);
    assert.match(view.tooltip, /^jetls needs Python 3\.11 or newer\n/);
    status.onProgress("t", { kind: "report", percentage: 50 });
    elapse(); // the grace timer of the failed start was cancelled
    assert.equal(status.current.kind, "failed");
  });

  it("ignores progress before the server runs and reports a stop", () => {
    const { status, texts } = track();
    status.starting("x");
    status.onProgress("t", { kind: "report", percentage: 50 });
    status.stopped();
    assert.deepEqual(texts(), ["$(loading~spin) jetls: starting", "$(circle-slash) jetls: stopped"]);
  });
});
