// Pure helpers for the "jetls: Show Rendered SQL" command.

/** The server command name (workspace/executeCommand). */
export const RENDERED_SQL_COMMAND = "jetls.renderedSql";

export interface Position {
  line: number;
  character: number;
}

export interface RenderedSql {
  metric: string;
  sql: string;
}

/** Arguments for `workspace/executeCommand` `jetls.renderedSql`. */
export function renderedSqlArguments(uri: string, pos: Position): [string, Position] {
  return [uri, { line: pos.line, character: pos.character }];
}

/** Validate the server's answer; anything that is not `{metric, sql}` is null. */
export function parseRenderedSql(result: unknown): RenderedSql | null {
  if (!result || typeof result !== "object") {
    return null;
  }
  const r = result as Record<string, unknown>;
  if (typeof r.sql !== "string") {
    return null;
  }
  return { metric: typeof r.metric === "string" ? r.metric : "", sql: r.sql };
}

/** Text of the untitled SQL document shown to the user. */
export function formatRenderedSql(r: RenderedSql, sourceUri?: string): string {
  const header: string[] = [];
  if (r.metric) {
    header.push(`-- jetls: rendered SQL of metric \`${r.metric}\``);
  } else {
    header.push("-- jetls: rendered SQL");
  }
  if (sourceUri) {
    header.push(`-- source: ${sourceUri}`);
  }
  const body = r.sql.endsWith("\n") ? r.sql : r.sql + "\n";
  return header.join("\n") + "\n\n" + body;
}
