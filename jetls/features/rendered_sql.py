"""The SQL Jetstream would run for a metric, segment or data source, with its templates rendered:
``SELECT <expr> AS slug FROM <from_expression>``."""

from __future__ import annotations

from jetls.templates import TemplateContext, render
from jetls.workspace import Workspace
from jetls.workspace.scope import Resolution, Scope, scope_of
from jetls.workspace.search import occurrence_at, slug_table

from ._docs import merged_value
from .context import context_at

#: Kinds whose SQL can be shown.
KINDS = ("metric", "segment", "data_source", "segment_data_source")


def _render(scope: Scope, expr: str, field: str) -> str:
    params = scope.parameter_values() if field == "metric_select" and "parameters" in expr else None
    functions = scope.ws.index.functions(scope.function_view)
    rendered = render(expr, TemplateContext(functions=functions, parameters=params, field=field))
    return rendered.text if rendered.text is not None else expr


def _from(scope: Scope, kind: str, slug: str) -> str | None:
    res = scope.resolve(kind, slug)
    fe, _ = merged_value(res.targets, "from_expression")
    if not isinstance(fe, str):
        return slug if res.targets else None
    dataset, _ = merged_value(res.targets, "default_dataset")
    dataset = scope.app_dataset() or dataset
    if dataset:
        fe = fe.replace("{dataset}", str(dataset))
    return fe.replace("{{", "{").replace("}}", "}") if "experiment" not in fe else fe


def render_select(scope: Scope, res: Resolution) -> tuple[str | None, str | None]:
    """(rendered select expression, from expression) of a metric or segment resolution."""
    expr, _ = merged_value(res.targets, "select_expression")
    if not isinstance(expr, str):
        return None, None
    text = _render(scope, expr, "metric_select" if res.kind == "metric" else "segment_select")
    ds, _ = merged_value(res.targets, "data_source")
    from_expr = (
        _from(scope, "data_source" if res.kind == "metric" else "segment_data_source", ds)
        if isinstance(ds, str)
        else None
    )
    return text, from_expr


def sql_of(ws: Workspace, path: str, kind: str, slug: str) -> str | None:
    """The SQL preview of a slug as the file `path` resolves it."""
    scope = scope_of(ws, path)
    if scope is None or kind not in KINDS:
        return None
    res = scope.resolve(kind, slug)
    if kind in ("data_source", "segment_data_source"):
        fe = _from(scope, kind, slug)
        return f"SELECT *\nFROM {fe.strip()}" if fe and res.targets else None
    text, from_expr = render_select(scope, res)
    if text is None:
        return None
    sql = f"SELECT\n    {text.strip()} AS {slug}"
    if from_expr:
        sql += f"\nFROM {from_expr.strip()}"
    return sql


def slug_at(ws: Workspace, path: str, offset: int) -> tuple[str, str] | None:
    """(kind, slug) of the metric, segment or data source under the cursor: a reference to it, or
    anywhere in its table."""
    occ = occurrence_at(ws, path, offset)
    if occ is not None and occ.kind in KINDS:
        return occ.kind, occ.slug
    ctx = context_at(ws, path, offset)
    if ctx is not None:
        for p in (ctx.key_path, ctx.table_path):
            hit = slug_table(tuple(p)) if p else None
            if hit is not None and hit[0] in KINDS:
                return hit[0], hit[1]
    return None


def rendered_sql(ws: Workspace, path: str, offset: int) -> tuple[str, str] | None:
    """(slug, SQL preview) for the metric, segment or data source under the cursor."""
    hit = slug_at(ws, path, offset)
    if hit is None:
        return None
    sql = sql_of(ws, path, *hit)
    return (hit[1], sql) if sql is not None else None
