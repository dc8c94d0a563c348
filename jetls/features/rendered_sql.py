"""The SQL of a metric with its template rendered: ``SELECT <expr> AS slug FROM <from_expression>``."""

from __future__ import annotations

from typing import Any

from jetls.checks.templates import TemplateContext, render

from . import _ws
from .context import context_at


def _parameters(ws: Any, file: Any, platform: str | None) -> dict[str, str]:
    """parameters.x values: declared by attached outcomes (or this outcome / file), value or default."""
    out: dict[str, str] = {}
    for name, (p, _f) in _ws.declared_parameters(ws, file, platform).items():
        v = p.get("value") or p.get("default")
        if isinstance(v, dict):
            v = "CASE e.branch " + " ".join(f'WHEN "{b}" THEN "{x}"' for b, x in v.items()) + " END"
        out[name] = "" if v is None else str(v)
    return out


def metric_defs(ws: Any, file: Any, slug: str) -> list[_ws.Definition]:
    """Definitions of a metric as seen from ``file``: this file's table first, then the platform's."""
    platform = _ws.platform_of(ws, file)
    defs = _ws.definitions(ws, "metric", slug, platform)
    here = str(file.path)
    local = [d for d in defs if d.path == here]
    others = [d for d in defs if d.path != here and d.layer != "config"]
    if _ws.kind_of(file).value == "experiment":
        attached = set(_ws.attached_outcomes(file))
        others = [d for d in others if d.layer != "outcome" or _stem(d.path) in attached]
    return local + others


def _stem(path: str) -> str:
    import os

    return os.path.splitext(os.path.basename(path))[0]


def render_metric(ws: Any, file: Any, slug: str) -> tuple[str | None, str | None, list[_ws.Definition]]:
    """(rendered select expression, from expression, definitions used)."""
    defs = metric_defs(ws, file, slug)
    expr, src = _ws.merged_attr(ws, defs, "select_expression")
    if not isinstance(expr, str):
        return None, None, defs
    platform = _ws.platform_of(ws, file)
    src_file = _ws.get_file(ws, src.path) if src is not None else file
    params = _parameters(ws, src_file or file, platform) if "parameters" in expr else None
    ctx = TemplateContext(functions=_ws.function_sources(ws), parameters=params, field="metric_select")
    rendered = render(expr, ctx)
    text = rendered.text if rendered.text is not None else expr
    ds, _ = _ws.merged_attr(ws, defs, "data_source")
    from_expr = None
    if isinstance(ds, str):
        ds_defs = [d for d in _ws.definitions(ws, "data_source", ds, platform)
                   if d.path == str(file.path) or d.layer != "config"]
        fe, _ = _ws.merged_attr(ws, ds_defs, "from_expression")
        dataset, _ = _ws.merged_attr(ws, ds_defs, "default_dataset")
        if isinstance(fe, str):
            from_expr = fe.replace("{dataset}", str(dataset)) if dataset else fe
            from_expr = from_expr.replace("{{", "{").replace("}}", "}") if "experiment" not in from_expr else from_expr
        else:
            from_expr = ds
    return text, from_expr, defs


def metric_sql(ws: Any, file: Any, slug: str) -> str | None:
    text, from_expr, _ = render_metric(ws, file, slug)
    if text is None:
        return None
    sql = f"SELECT\n    {text.strip()} AS {slug}"
    if from_expr:
        sql += f"\nFROM {from_expr.strip()}"
    return sql


def metric_at(ws: Any, file: Any, offset: int) -> str | None:
    o = _ws.occurrence_at(ws, file, offset)
    if o is not None and o.kind == "metric":
        return o.slug
    ctx = context_at(ws, str(file.path), offset)
    if ctx is not None:
        for p in (ctx.key_path, ctx.table_path):
            if p:
                tk = _ws.table_kind(tuple(p))
                if tk is not None and tk[0] == "metric":
                    return tk[1]
    return None


def rendered_sql(ws: Any, path: str, offset: int) -> tuple[str, str] | None:
    """(metric slug, SQL preview) for the metric under the cursor (a reference or its table)."""
    file = _ws.get_file(ws, path)
    if file is None:
        return None
    slug = metric_at(ws, file, offset)
    if slug is None:
        return None
    sql = metric_sql(ws, file, slug)
    return (slug, sql) if sql is not None else None
