import { strict as assert } from "node:assert";
import { describe, it } from "node:test";

import { formatRenderedSql, parseRenderedSql, RENDERED_SQL_COMMAND, renderedSqlArguments } from "../renderedSql";

describe("renderedSql", () => {
  it("uses the server's command name", () => {
    assert.equal(RENDERED_SQL_COMMAND, "jetls.renderedSql");
  });

  it("builds [uri, position] arguments", () => {
    assert.deepEqual(renderedSqlArguments("file:///mh/jetstream/x.toml", { line: 3, character: 14 }), [
      "file:///mh/jetstream/x.toml",
      { line: 3, character: 14 },
    ]);
  });

  it("accepts {metric, sql} and rejects anything else", () => {
    assert.deepEqual(parseRenderedSql({ metric: "active_hours", sql: "SELECT 1" }), { metric: "active_hours", sql: "SELECT 1" });
    assert.equal(parseRenderedSql(null), null);
    assert.equal(parseRenderedSql(undefined), null);
    assert.equal(parseRenderedSql("SELECT 1"), null);
    assert.equal(parseRenderedSql({ metric: "x" }), null);
    assert.deepEqual(parseRenderedSql({ sql: "SELECT 2" }), { metric: "", sql: "SELECT 2" });
  });

  it("formats a commented header and a trailing newline", () => {
    const text = formatRenderedSql({ metric: "active_hours", sql: "SELECT 1" }, "file:///mh/jetstream/x.toml");
    assert.equal(
      text,
      "-- jetls: rendered SQL of metric `active_hours`\n-- source: file:///mh/jetstream/x.toml\n\nSELECT 1\n",
    );
    assert.ok(formatRenderedSql({ metric: "", sql: "SELECT 1\n" }).endsWith("SELECT 1\n"));
  });
});
