"""Jinja and `str.format` templating of metric-hub string values, sandboxed, with a source map:
`render(source, TemplateContext) -> Rendered`, and `check_templated_sql` (the template's
problems, then the SQL's, mapped back to the source).

A library of the analysis core (it produces `Problem`s; the rules in `jetls.checks.rules`
report them): `model` (the values), `sandbox` (the bounded environment), `jinja` (lexing,
instrumentation, running), `format` (the `str.format` layer), `check` (rendering as the
reference does, and the template checks with their messages).
"""

from .check import check_templated_sql, clear_caches, render
from .model import FIELDS, Problem, Rendered, Segment, TemplateContext

__all__ = [
    "FIELDS",
    "Problem",
    "Rendered",
    "Segment",
    "TemplateContext",
    "check_templated_sql",
    "clear_caches",
    "render",
]
