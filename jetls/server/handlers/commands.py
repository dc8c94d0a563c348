"""workspace/executeCommand: jetls.renderedSql [uri, position] -> {metric, sql} | null."""

from __future__ import annotations

from lsprotocol import types as lsp

from jetls.server import convert, core
from jetls.server.server import JetlsServer, guard

RENDERED_SQL = "jetls.renderedSql"
COMMANDS = (RENDERED_SQL,)


def _as_position(value) -> lsp.Position:
    if isinstance(value, dict):
        return lsp.Position(line=int(value.get("line", 0)), character=int(value.get("character", 0)))
    return lsp.Position(line=int(getattr(value, "line", 0)), character=int(getattr(value, "character", 0)))


def register(server: JetlsServer) -> None:
    @server.command(RENDERED_SQL)
    @guard(None, name=RENDERED_SQL)
    async def rendered_sql_command(ls: JetlsServer, *args):
        if len(args) == 1 and isinstance(args[0], (list, tuple)):
            args = tuple(args[0])
        if len(args) < 2 or not isinstance(args[0], str):
            return None
        mod = core.feature("rendered_sql")
        ctx = ls.context(args[0])
        if ctx is None or ctx.ws is None:
            return None
        offset = convert.offset(ctx.lines, _as_position(args[1]), ls.encoding)
        result = await ls.in_executor(mod.rendered_sql, ctx.ws, ctx.path, offset)
        if result is None:
            return None
        metric, sql = result
        return {"metric": metric, "sql": sql}
