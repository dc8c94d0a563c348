"""Jinja / str.format templating of metric-hub string values, sandboxed, with a source map.

Pure functions over one decoded TOML string value (no LSP, no TOML).  Offsets are indices
into that decoded string, half-open ``[start, end)``.

What is rendered, and with what, follows ``config-language.md`` §5:

=====================  ==========================================================
field                  rendering
=====================  ==========================================================
metric_select          Jinja; functions (+ ``parameters`` if the raw text contains
                       the substring ``parameters``)
segment_select         Jinja; functions
segment_from           Jinja with ``experiment``; then ``str.format(dataset=...)``
data_source_from       Jinja only if it contains ``{{``, parses, and references
                       ``experiment``; then ``str.format(dataset=...)``
enrollment_query       Jinja with ``experiment``
exposure_select        never (``{{`` there is passed to SQL literally → warning)
function_definition    ``str.format(select_expr=...)``
=====================  ==========================================================

Untrusted input: rendering only ever happens in a bounded
:class:`jinja2.sandbox.ImmutableSandboxedEnvironment` (a ``SandboxedEnvironment``) with
``StrictUndefined`` and ``autoescape=False``; operations, sizes, output and time are capped,
and no exception escapes :func:`render` / :func:`check_templated_sql`.

Source map.  The template is parsed with Jinja's own lexer and parser, but every token is
handed to the parser with ``lineno`` = (character offset + 1), so every AST node and every
syntax error carries an exact character position.  Each top-level output node is wrapped in
a recording call, so the rendered text is known to be the concatenation of pieces whose
origin is known: literal text maps character by character, the text produced by an
expression maps to the whole ``{{ ... }}`` tag.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import replace
from typing import Any, Iterable

import jinja2
from jinja2.exceptions import SecurityError, UndefinedError

from jetls.lru import weighed_lru
from jetls.schema.experiment import EXPERIMENT, EXPERIMENT_ATTRIBUTES

from .format import apply_format, compose
from .jinja import Compiled, compile_template, error_offset, run, tag_around
from .model import FIELDS, Problem, Rendered, Segment, TemplateContext, identity, normalise, problem
from .sandbox import ENV, ArityError, DefinitionError, Function, Refused, arity_message

# --------------------------------------------------------------------------------------
# Static checks (context dependent)
# --------------------------------------------------------------------------------------

_FUNCTION_FIELDS = ("metric_select", "segment_select")
_EXPERIMENT_FIELDS = ("segment_from", "data_source_from", "enrollment_query")


def _closest(name: str, candidates: Iterable[str]) -> str | None:
    m = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return m[0] if m else None


def _scope(ctx: TemplateContext, src: str) -> tuple[dict[str, Any], set[str]]:
    """Variables passed to the template, and the names of the functions among them."""
    variables: dict[str, Any] = {}
    funcs: set[str] = set()
    if ctx.field in _FUNCTION_FIELDS:
        for name, definition in ctx.functions.items():
            variables[name] = Function(name, definition)
            funcs.add(name)
    if ctx.field == "metric_select" and ctx.parameters is not None and "parameters" in src:
        variables["parameters"] = dict(ctx.parameters)
    if ctx.field in _EXPERIMENT_FIELDS and ctx.experiment:
        variables["experiment"] = EXPERIMENT
    return variables, funcs


def _static_problems(ctx: TemplateContext, comp: Compiled, variables: dict[str, Any]) -> list[Problem]:
    f = comp.facts
    assert f is not None
    out: list[Problem] = []
    defined = set(ENV.globals) | set(variables) | f.bound
    for attr, s, e in f.unsafe:
        out.append(
            problem(
                "JET408",
                s,
                e,
                f"template refused: access to `{attr}` is not allowed (attributes starting "
                "with `_` are blocked by the sandbox)",
            )
        )
    for name, s, e, called in f.names:
        if name in defined:
            continue
        if name in ctx.functions:
            out.append(
                problem(
                    "JET402",
                    s,
                    e,
                    f"'{name}' is undefined: functions.toml functions are only available in "
                    "metric and segment `select_expression`",
                )
            )
        elif name == "experiment":
            if ctx.field in _EXPERIMENT_FIELDS:
                msg = (
                    "'experiment' is undefined: from_expression references `experiment`, but no experiment "
                    "is available in this context. Experiment templating is only supported when resolving "
                    "a data source for an experiment (Jetstream); it is not available for OpMon projects or "
                    "for standalone SQL/docs generation."
                )
            else:
                msg = (
                    "'experiment' is undefined: `experiment` is only available in segment data source and "
                    "data source `from_expression` and in `enrollment_query`"
                )
            out.append(problem("JET403", s, e, msg))
        elif name == "parameters":
            if ctx.field == "metric_select":
                out.append(
                    problem(
                        "JET404",
                        s,
                        e,
                        "'parameters' is undefined: no parameters are declared in this context "
                        "(declare them in the outcome with `[parameters.<name>]`)",
                    )
                )
            else:
                out.append(
                    problem(
                        "JET403",
                        s,
                        e,
                        "'parameters' is undefined: `parameters` is only available in metric `select_expression`",
                    )
                )
        elif called:
            cands = [n for n in variables if n in ctx.functions] or list(ctx.functions)
            best = _closest(name, cands + ["range", "dict"])
            out.append(
                problem(
                    "JET402",
                    s,
                    e,
                    f"'{name}' is undefined: no such function"
                    + (
                        f" — did you mean `{best}`?"
                        if best
                        else (f" (known functions: {', '.join(sorted(cands))})" if cands else "")
                    ),
                    replacement=best,
                )
            )
        else:
            best = _closest(name, defined - f.bound)
            out.append(
                problem(
                    "JET403",
                    s,
                    e,
                    f"'{name}' is undefined" + (f" — did you mean `{best}`?" if best else ""),
                    replacement=best,
                )
            )
    for base, attr, s, e in f.attrs:
        if base in f.bound or attr.startswith("_"):
            continue
        if base == "experiment" and "experiment" in variables and attr not in EXPERIMENT_ATTRIBUTES:
            best = None
            if ctx.field == "enrollment_query" and attr == "enrollment_query":
                msg = (
                    "Not a valid enrollment_query: `experiment.enrollment_query` cannot be used inside the "
                    "enrollment query itself"
                )
            else:
                best = "normandy_slug" if attr == "slug" else _closest(attr, EXPERIMENT_ATTRIBUTES)
                msg = f"'experiment' has no attribute '{attr}'" + (f" — did you mean `{best}`?" if best else "")
            out.append(problem("JET403", s, e, msg, replacement=best))
        elif base == "parameters" and "parameters" in variables and attr not in variables["parameters"]:
            declared = sorted(variables["parameters"])
            best = _closest(attr, declared)
            out.append(
                problem(
                    "JET404",
                    s,
                    e,
                    f"parameter '{attr}' is not declared"
                    + (f" — did you mean `{best}`?" if best else "")
                    + (f" (declared: {', '.join(declared)})" if declared else " (no parameters are declared)"),
                    replacement=best,
                )
            )
    for name, s, e, npos, kws, dyn in f.calls:
        if name not in variables or name not in ctx.functions or name in f.bound or dyn:
            continue
        bad_kw = [k for k in kws if k != "select_expr"]
        if bad_kw:
            out.append(
                problem(
                    "JET405",
                    s,
                    e,
                    f"`{name}` got an unexpected keyword argument `{bad_kw[0]}`; it takes exactly one "
                    "argument, the SQL expression (positional or `select_expr=`)",
                )
            )
        elif npos + len(kws) != 1:
            out.append(problem("JET405", s, e, arity_message(name, npos + len(kws))))
    for name, s, e in f.filters:
        if name not in ENV.filters:
            best = _closest(name, ENV.filters)
            out.append(
                problem(
                    "JET403",
                    s,
                    e,
                    f"no filter named '{name}'" + (f" — did you mean `{best}`?" if best else ""),
                    replacement=best,
                )
            )
    for name, s, e in f.tests:
        if name not in ENV.tests:
            best = _closest(name, ENV.tests)
            out.append(
                problem(
                    "JET403",
                    s,
                    e,
                    f"no test named '{name}'" + (f" — did you mean `{best}`?" if best else ""),
                    replacement=best,
                )
            )
    return out


_QUOTED = re.compile(r"'([^']*)'")


def _runtime_problem(comp: Compiled, exc: BaseException, ctx: TemplateContext) -> Problem:
    off = error_offset(exc)
    span = tag_around(comp, off) if off is not None else (0, len(comp.src))
    text = str(exc) or type(exc).__name__

    def narrow(name: str | None) -> tuple[int, int]:
        if name:
            for t in comp.toks:
                if span[0] <= t.start < span[1] and t.type in ("name", "string") and t.value == name:
                    return (t.start, t.end)
        return span

    if isinstance(exc, Refused):
        return problem("JET408", *span, f"template refused: {text}")
    if isinstance(exc, SecurityError):
        return problem("JET408", *span, f"template refused by the sandbox: {text}")
    if isinstance(exc, (OverflowError, RecursionError, MemoryError)):
        return problem("JET408", *span, f"template refused: resource limit ({type(exc).__name__}: {text})")
    if isinstance(exc, ArityError):
        return problem("JET405", *span, str(exc))
    if isinstance(exc, DefinitionError):
        return problem("JET406", *span, str(exc))
    if isinstance(exc, UndefinedError):
        names = _QUOTED.findall(text)
        name = names[-1] if names else None
        if "collections.defaultdict" in text or ("dict object" in text and "parameters" in comp.src):
            return problem("JET404", *narrow(name), f"parameter '{name}' is not declared ({text})")
        return problem("JET403", *narrow(name), text)
    if isinstance(exc, jinja2.TemplateError):
        return problem("JET409", *span, f"template rendering failed: {text}")
    return problem("JET409", *span, f"template rendering failed: {type(exc).__name__}: {text}")


# --------------------------------------------------------------------------------------
# render()
# --------------------------------------------------------------------------------------


_TAG_RE = re.compile(r"\{\{.*?(\}\}|$)|\{%.*?(%\}|$)|\{#.*?(#\}|$)", re.S)

_DATASET_MISSING = (
    "`{dataset}` has no value: from_expression contains a `{dataset}` template but no value was provided "
    'and `default_dataset` is not set (set `default_dataset = "<bigquery dataset>"` on the data source)'
)
_SEGMENT_DATASET_MISSING = (
    "`{dataset}` has no value: from_expr contains a dataset template but no value was provided "
    "(segment data sources ignore `default_dataset`; the app's dataset is used when Jetstream runs)"
)
_UNSUPPORTED = (
    "only `{dataset}` is substituted here. To reference the experiment use Jinja syntax, e.g. "
    "`{{experiment.normandy_slug}}`; to emit a literal brace, double it."
)
_FN_MISSING = "`{select_expr}` has no value"
_FN_UNSUPPORTED = "a functions.toml definition may only use `{select_expr}`; to emit a literal brace, double it."


def render(source: str, ctx: TemplateContext) -> Rendered:
    """Render one string value as the reference would (with stub values), with a source map."""
    try:
        return _render_cached(source, ctx.key())
    except (TypeError, AttributeError):  # unhashable or odd context values: no caching
        try:
            return _render(source, ctx)
        except BaseException as exc:  # noqa: BLE001
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            return Rendered(
                None, (problem("JET409", 0, len(source), f"template check failed: {type(exc).__name__}: {exc}"),)
            )


def _ctx_from_key(key: tuple) -> TemplateContext:
    functions, parameters, experiment, fld, dataset = key
    return TemplateContext(dict(functions), None if parameters is None else dict(parameters), experiment, fld, dataset)


@weighed_lru(4_000_000, lambda r, source, key: len(source) + 2 * len(r.text or "") + 64 * len(r.segments) + 500)
def _render_cached(source: str, key: tuple) -> Rendered:
    try:
        return _render(source, _ctx_from_key(key))
    except BaseException as exc:  # noqa: BLE001 — nothing escapes render()
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        if isinstance(exc, (RecursionError, MemoryError)):
            return Rendered(None, (problem("JET408", 0, len(source), f"template refused: {type(exc).__name__}"),))
        return Rendered(
            None, (problem("JET409", 0, len(source), f"template check failed: {type(exc).__name__}: {exc}"),)
        )


def _render(source: str, ctx: TemplateContext) -> Rendered:
    fld = ctx.field
    if fld not in FIELDS:
        raise ValueError(f"unknown field kind {fld!r}")
    src, n2o = normalise(source)

    def done(text: str | None, segs: list[Segment], problems: Iterable[Problem]) -> Rendered:
        probs = tuple(sorted(problems, key=lambda p: (p.start, p.end, p.code)))
        if n2o is not None:
            conv = lambda o: n2o[min(max(o, 0), len(n2o) - 1)]  # noqa: E731
            probs = tuple(replace(p, start=conv(p.start), end=conv(p.end)) for p in probs)
        if text is not None and n2o is not None and segs == identity(src):
            text = source  # identity: keep the original line endings
            segs = identity(source)
            return Rendered(text, probs, tuple(segs), None)
        return Rendered(text, probs, tuple(segs), n2o)

    if fld == "exposure_select":
        tags = list(_TAG_RE.finditer(src))
        if tags:
            return done(
                None,
                [],
                [
                    problem(
                        "JET407",
                        m.start(),
                        m.end(),
                        "exposure_signal `select_expression` is not rendered: this template text is passed to "
                        "BigQuery literally (and sqlglot would read `{...}` as a STRUCT); write the SQL directly",
                    )
                    for m in tags
                ],
            )
        return done(src, identity(src), [])

    if fld == "function_definition":
        expanded, segs, probs = apply_format(src, "select_expr", "select_expr", _FN_MISSING, _FN_UNSUPPORTED)
        return done(expanded, segs, [problem(c, s, e, m) for s, e, c, m in probs])

    text: str | None = src
    segs = identity(src)
    problems: list[Problem] = []
    jinja = True
    if fld == "data_source_from":
        jinja = False
        if "{{" in src:
            comp = compile_template(src)
            if comp.refused is not None and "experiment" in src:
                # too big / too deep to parse here, but Jetstream would render it: say so
                return done(None, [], [comp.refused])
            if comp.syntax is None and comp.refused is None and comp.facts is not None:
                undeclared = comp.facts.undeclared
                if "experiment" in undeclared:
                    jinja = True
                elif undeclared:
                    for m in _TAG_RE.finditer(src):
                        if m.group().startswith("{{"):
                            problems.append(
                                problem(
                                    "JET407",
                                    m.start(),
                                    m.end(),
                                    f"from_expression contains placeholder(s) {sorted(undeclared)} that will not be "
                                    "substituted and will be emitted as literal braces. To reference the experiment, "
                                    "use {{experiment.normandy_slug}}.",
                                )
                            )
    elif fld in ("metric_select", "segment_select", "segment_from", "enrollment_query"):
        # without a delimiter Jinja returns the text unchanged: skip the compile
        jinja = "{{" in src or "{%" in src or "{#" in src

    if jinja:
        comp = compile_template(src)
        if comp.syntax is not None:
            return done(None, [], [comp.syntax])
        if comp.refused is not None:
            return done(None, [], [comp.refused])
        variables, _funcs = _scope(ctx, src)
        static = _static_problems(ctx, comp, variables)
        if any(p.severity == "error" for p in static):
            return done(None, [], problems + static)
        problems.extend(static)
        if comp.template is None:
            return done(None, [], problems + [problem("JET409", 0, len(src), "template could not be compiled")])
        text, segs, exc = run(comp, variables)
        if exc is not None:
            return done(None, [], problems + [_runtime_problem(comp, exc, ctx)])

    if fld in ("data_source_from", "segment_from") and text is not None:
        if fld == "data_source_from":
            missing = _DATASET_MISSING
        else:
            missing = _SEGMENT_DATASET_MISSING
        out, fsegs, fprobs = apply_format(text, "dataset", ctx.default_dataset, missing, _UNSUPPORTED)
        if fprobs:
            mapped = Rendered(text, (), tuple(segs))
            for s, e, code, msg in fprobs:
                a, b, labels = mapped.source_span(s, e)
                if labels:
                    msg += f" (in {labels[0]})"
                problems.append(problem(code, a, b, msg))
            return done(None, [], problems)
        segs = compose(fsegs, segs, len(text))
        text = out
    return done(text, segs, problems)


# --------------------------------------------------------------------------------------
# render + SQL
# --------------------------------------------------------------------------------------


def check_templated_sql(source: str, ctx: TemplateContext, sql_kind: str, routines=None) -> tuple[Problem, ...]:
    """Template problems, then (if it rendered cleanly) SQL problems mapped back to source.
    `routines`: a `jetls.sql.routines.RoutineCatalog` or None (part of the cache key)."""
    try:
        return _check_templated_cached(source, ctx.key(), sql_kind, routines)
    except (TypeError, AttributeError):
        try:
            return _check_templated(source, ctx, sql_kind, routines)
        except BaseException as exc:  # noqa: BLE001
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            return (problem("JET409", 0, len(source), f"template check failed: {type(exc).__name__}: {exc}"),)


@weighed_lru(2_000_000, lambda problems, source, key, kind, routines: len(source) + 200 * len(problems) + 250)
def _check_templated_cached(source: str, key: tuple, sql_kind: str, routines) -> tuple[Problem, ...]:
    try:
        return _check_templated(source, _ctx_from_key(key), sql_kind, routines)
    except BaseException as exc:  # noqa: BLE001
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return (problem("JET409", 0, len(source), f"template check failed: {type(exc).__name__}: {exc}"),)


def _check_templated(source: str, ctx: TemplateContext, sql_kind: str, routines=None) -> tuple[Problem, ...]:
    from jetls.sql import check_sql, unclosed_paren  # local import: template-only users skip sqlglot

    rendered = render(source, ctx)
    problems = list(rendered.problems)
    if rendered.text is None or any(p.severity == "error" for p in problems):
        return tuple(problems)
    for p in check_sql(rendered.text, sql_kind, routines):
        s, e, labels = rendered.source_span(p.start, p.end)
        if p.code == "JET450" and p.message.startswith("unbalanced parentheses") and not labels:
            # reported where the parser gave up (often after the expansion): if the `(` that is
            # never closed comes from a function expansion, report it on that call
            q = unclosed_paren(rendered.text)
            if q is not None:
                qs, qe, qlabels = rendered.source_span(q, q + 1)
                if qlabels:
                    s, e, labels = qs, qe, qlabels
                    problems.append(
                        Problem(
                            s,
                            max(e, s),
                            p.code,
                            p.severity,
                            f"unbalanced parentheses: a `(` in {labels[0]} is never closed"
                            + _definition_hint(labels[0]),
                        )
                    )
                    continue
        msg = p.message
        if labels:
            msg = f"{msg} — in {labels[0]}" + _definition_hint(labels[0])
        # a fix is offered only where the rendered text is the source text itself
        data = p.data if p.data and not labels and source[s:e] == rendered.text[p.start : p.end] else None
        problems.append(Problem(s, max(e, s), p.code, p.severity, msg, data))
    return tuple(problems)


def _definition_hint(label: str) -> str:
    if label.startswith("the expansion of"):
        name = label.split("`")[1].split("(")[0]
        return f" (check the definition of `{name}` in functions.toml)"
    return ""


def clear_caches() -> None:
    compile_template.cache_clear()
    _render_cached.cache_clear()
    _check_templated_cached.cache_clear()
