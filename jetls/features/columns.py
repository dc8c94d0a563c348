"""Columns in SQL strings, with a bigquery-etl schema source: completion of columns and dotted
nested fields, hover on a column, go to its `schema.yaml` entry.

Pure functions `(ws, path, offset) -> plain result` (no LSP types). Where they apply:

- a `select_expression` (metrics, segments, exposure signal, dimensions): the columns of its
  data source (`ds`), as `jetls.checks.columns.data_source_of` finds it;
- a data source's `from_expression` (or an `enrollment_query`): the columns its own FROM
  clauses give, at the cursor's place in its subqueries;
- a data source's column keys (`client_id_column`, `submission_date_column`, ...): the columns
  of that data source.

Every function answers None (or nothing) where no schema source is loaded or the place is not
one of these, so the callers fall back to what they did before.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from jetls import templates as T
from jetls.bigquery import Column, sources
from jetls.checks.columns import data_source_of, owner_table, render_from
from jetls.document import Table
from jetls.workspace.scope import scope_of

from .context import VALUE, context_at


@dataclass(frozen=True)
class ColumnCompletion:
    label: str
    detail: str  # the column's type (`ARRAY<RECORD>`, `STRING`, ...)
    documentation: str  # markdown: table, mode, description
    replace_span: tuple[int, int]  # absolute span of the word being typed
    sort_text: str


@dataclass(frozen=True)
class ColumnHover:
    markdown: str
    start: int
    end: int


@dataclass(frozen=True)
class ColumnTarget:
    """A column's entry in its schema.yaml: offsets into that file's text."""

    path: str
    start: int
    end: int


@dataclass(frozen=True)
class _Site:
    """An SQL text at the cursor, what its names resolve against, and how its offsets map back
    to the file."""

    kind: str  # "expression" | "from" | "query"
    relations: tuple  # scope.Relation of an expression's FROM (empty for "from"/"query")
    catalog: Any
    sql: str
    at: int  # the cursor's index in `sql`
    string: Any  # the String node holding it
    delta: int
    source: str  # the decoded string value
    rendered: T.Rendered | None  # `sql` is this rendering of `source` (None: a slice of it)
    base: int = 0  # without rendering: `sql` starts at this decoded index

    def file_span(self, start: int, end: int) -> tuple[int, int]:
        if self.rendered is not None:
            s, e, _labels = self.rendered.source_span(start, end)
        else:
            s, e = start + self.base, end + self.base
        n = len(self.source)
        return self.string.offset_of(min(s, n)) + self.delta, self.string.offset_of(min(e, n)) + self.delta


_SQL_KINDS = ("expression", "from", "query")


def _site(ws: Any, path: str, offset: int, ctx: Any = None) -> _Site | None:
    catalog = sources.catalog(getattr(getattr(ws, "options", None), "bigquery_etl", None))
    if catalog is None:
        return None
    ctx = ctx if ctx is not None else context_at(ws, path, offset)
    if ctx is None or ctx.location != VALUE or ctx.string is None or not ctx.key_path:
        return None
    file = ws.file(path)
    kp = tuple(ctx.key_path)
    src = ctx.string.value
    k = ctx.string_index
    from jetls.bigquery.scope import data_source_relation, metric_scope

    def site(kind: str, relations: tuple, rendered: T.Rendered | None) -> _Site | None:
        if ctx.jinja is not None:
            # inside a template tag: an SQL fragment passed as a string argument
            # (`{{agg_sum("active_hours_sum")}}`) is an expression over the same columns
            lit = _literal_at(src, ctx.jinja.tag_start, k)
            if lit is None or kind != "expression":
                return None
            return _Site(
                kind, relations, catalog, src[lit[0] : lit[1]], k - lit[0], ctx.string, ctx.delta, src, None, lit[0]
            )
        if rendered is None:
            return _Site(kind, relations, catalog, src, k, ctx.string, ctx.delta, src, None)
        i = _to_rendered(rendered, k)
        if rendered.text is None or i is None:
            return None
        return _Site(kind, relations, catalog, rendered.text, i, ctx.string, ctx.delta, src, rendered)

    owner = owner_table(file, kp)
    if owner is not None:
        ds = data_source_of(ws, file, owner[0], owner[1])
        rel = data_source_relation(ds.from_sql, catalog) if ds is not None else None
        if rel is None or rel.columns is None:
            return None
        rendered = _render_select(ws, file, owner[0], src) if "{" in src and ctx.jinja is None else None
        return site("expression", metric_scope(rel), rendered)
    sql = getattr(ctx.schema, "sql", None)
    if sql not in _SQL_KINDS:
        return None
    table, kind = _data_source_table(file, kp)
    if table is not None and kp[-1].lower() == "from_expression":
        rendered = render_from(ws, file, table, kind)
        return site("from", (), rendered) if rendered is not None else None
    if table is not None and sql == "expression":
        r = render_from(ws, file, table, kind)
        rel = data_source_relation(r.text, catalog) if r is not None and r.text is not None else None
        if rel is None or rel.columns is None:
            return None
        return site("expression", (rel,), None)
    if sql == "query":
        scope = scope_of(ws, path)
        if scope is None:
            return None
        functions = ws.index.functions(scope.function_view)
        rendered = T.render(src, T.TemplateContext(functions, None, True, "enrollment_query")) if "{" in src else None
        return site("query", (), rendered)
    return None


def _literal_at(src: str, tag_start: int, k: int) -> tuple[int, int] | None:
    """(start, end) of the content of the quoted literal of a template tag holding index `k`."""
    i, quote, start = tag_start + 2, None, 0
    while i < k:
        c = src[i]
        if quote is None and c in "'\"":
            quote, start = c, i + 1
        elif quote is not None and c == "\\":
            i += 1
        elif c == quote:
            quote = None
        i += 1
    if quote is None:
        return None
    end = k
    while end < len(src) and src[end] != quote and src[end] != "\n" and not src.startswith("}}", end):
        end += 1
    return start, end


def _data_source_table(file: Any, kp: tuple[str, ...]) -> tuple[Table | None, str]:
    if len(kp) == 3 and kp[0] == "data_sources":
        t = file.doc.lookup(kp[:2])
        return (t if isinstance(t, Table) else None), "data_source"
    if len(kp) == 4 and kp[:2] == ("segments", "data_sources"):
        t = file.doc.lookup(kp[:3])
        return (t if isinstance(t, Table) else None), "segment_data_source"
    return None, ""


def _render_select(ws: Any, file: Any, section: str, src: str) -> T.Rendered | None:
    scope = scope_of(ws, file.path)
    if scope is None:
        return None
    fld = {"metrics": "metric_select", "segments": "segment_select"}.get(section, "exposure_select")
    params = scope.parameter_values() if "parameters" in src else None
    return T.render(src, T.TemplateContext(ws.index.functions(scope.function_view), params, False, fld))


def _to_rendered(r: T.Rendered, i: int) -> int | None:
    """Decoded index of the string → index in its rendering (None inside an expansion)."""
    if getattr(r, "_n2o", None) is not None:
        return None
    for seg in r.segments:
        if seg.exact and seg.src_start <= i <= seg.src_end:
            return seg.out_start + (i - seg.src_start)
    return None


# ----------------------------------------------------------------------------- completion

_WORD_TAIL = re.compile(r"[A-Za-z0-9_]*$")
_WORD_HEAD = re.compile(r"[A-Za-z0-9_]*")


def complete(ws: Any, path: str, offset: int, ctx: Any = None) -> list[ColumnCompletion] | None:
    """Columns (or the fields of the record before a `.`) that fit at the cursor of an SQL
    string; None where this is no column place (other completions apply). `ctx`: the cursor
    context when the caller has it already."""
    site = _site(ws, path, offset, ctx)
    if site is None:
        return None
    from jetls.bigquery.scope import candidates_at

    sql, i = site.sql, site.at
    m_typed, m_rest = _WORD_TAIL.search(sql[:i]), _WORD_HEAD.match(sql, i)
    typed = m_typed.group() if m_typed else ""
    rest = m_rest.group() if m_rest else ""
    start, end = i - len(typed), i + len(rest)
    found = candidates_at(sql, start, end, site.relations, site.catalog, site.kind)
    if found is None:
        return None
    span = site.file_span(start, end)
    snapshot = site.catalog.date
    out = [
        ColumnCompletion(
            c.name, c.type_label if c.type else "column", _column_markdown(c, snapshot), span, f"0{c.name.lower()}"
        )
        for c in found.columns
    ]
    out += [
        ColumnCompletion(a, "table alias", f"`{a}`: a table (or UNNEST element) of this query", span, f"1{a}")
        for a in found.aliases
    ]
    return out


# ----------------------------------------------------------------------------- hover, definition


def _reference_at(ws: Any, path: str, offset: int):
    site = _site(ws, path, offset)
    if site is None:
        return None, None
    from jetls.bigquery.scope import references_in

    best = None
    i = site.at
    for ref in references_in(site.sql, site.relations, site.catalog, site.kind):
        if ref.start <= i <= ref.end and (best is None or ref.end - ref.start < best.end - best.start):
            best = ref
    return site, best


def hover(ws: Any, path: str, offset: int) -> ColumnHover | None:
    """The column (or nested field) under the cursor: table, type, mode, description."""
    site, ref = _reference_at(ws, path, offset)
    if ref is None:
        return None
    col = ref.column
    start, end = site.file_span(ref.start, ref.end)
    if col is None:
        rel = ref.relation
        tables = ", ".join(f"`{t}`" for t in (rel.tables if rel is not None else ()))
        md = f"**`{rel.alias}`**" + (f" — reads {tables}" if tables else "") if rel is not None else None
        return ColumnHover(md, start, end) if md else None
    return ColumnHover(_column_markdown(col, site.catalog.date, site.catalog), start, end)


def definition(ws: Any, path: str, offset: int) -> list[ColumnTarget]:
    """The `schema.yaml` entry of the column under the cursor (none for columns known only from
    a columns JSON file or a view's SQL)."""
    site, ref = _reference_at(ws, path, offset)
    col = ref.column if ref is not None else None
    if col is None or col.line is None or not col.table:
        return []
    table = site.catalog.table(col.table)
    if table is None or table.origin != "schema.yaml" or not table.source:
        return []
    span = _line_span(table.source, col.line)
    return [ColumnTarget(table.source, *span)] if span is not None else []


def _line_span(path: str, line: int) -> tuple[int, int] | None:
    """Offsets of the `name:` value on `line` (0-based) of a schema.yaml, in its decoded text."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    from jetls.syntax import decode

    text = decode(data)[0]
    pos = 0
    for _ in range(line):
        pos = text.find("\n", pos)
        if pos < 0:
            return None
        pos += 1
    end = text.find("\n", pos)
    end = len(text) if end < 0 else end
    m = re.search(r"name:\s*['\"]?([^'\"\s]+)", text[pos:end])
    return (pos + m.start(1), pos + m.end(1)) if m else (pos, end)


def _column_markdown(col: Column, snapshot: str | None, catalog: Any = None) -> str:
    name = ".".join(col.path) if col.path else col.name
    kind = col.type_label if col.type else "unknown type"
    lines = [f"**`{name}`** — `{kind}`" + (f", {col.mode}" if col.mode and col.mode != "REPEATED" else "")]
    if col.description:
        lines += ["", col.description.strip()]
    if col.table:
        where = f"Column of `{col.table}`"
        table = catalog.table(col.table) if catalog is not None else None
        if table is not None:
            where += f" ({_origin(table)})"
            if table.friendly_name:
                where += f" — {table.friendly_name}"
        lines += ["", where + (f"; bigquery-etl snapshot of {snapshot}" if snapshot else "")]
    return "\n".join(lines)


def _origin(table: Any) -> str:
    if table.origin == "schema.yaml":
        return "schema.yaml"
    if table.origin == "view.sql":
        return "resolved from its view.sql"
    return f"from {os.path.basename(table.source or 'a columns JSON file')}"


__all__ = ["ColumnCompletion", "ColumnHover", "ColumnTarget", "complete", "definition", "hover"]
