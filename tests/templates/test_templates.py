"""Templates: rendering rules, diagnostics with exact spans, source map, sandbox, corpus."""

from __future__ import annotations

import time

from corpus import find
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jetls import templates as T
import tomllib
from dataclasses import dataclass
from pathlib import Path

from jetls.checks.registry import RULES
from jetls.schema.experiment import EXPERIMENT_ATTRIBUTES
from jetls.templates import Problem, Rendered, TemplateContext, check_templated_sql, render
from jetls.templates import check as template_check, sandbox


FUNCS = {
    "agg_sum": "COALESCE(SUM({select_expr}), 0)",
    "agg_any": "COALESCE(LOGICAL_OR({select_expr}), FALSE)",
    "agg_histogram_mean_glean": (
        "\n    SAFE_DIVIDE(\n        SUM({select_expr}.sum),\n"
        "        SUM((SELECT SUM(value) FROM UNNEST({select_expr}.values)))\n    )\n"
    ),
}

# The stored version of mozilla/metric-hub definitions/functions.toml (commit f52891a) that
# the field notes describe: unbalanced parentheses (and the SAVE_DIVIDE typo).
BROKEN_HIST_ZERO_FRACT = """
SAVE_DIVIDE(
    SUM(mozfun.map.get_key(mozfun.hist.extract({select_expr}.values,0),
    SUM(mozfun.map.threshold_count(mozfun.hist.extract({select_expr}.values,1)
    )
"""


def ctx(field="metric_select", parameters=None, experiment=False, default_dataset=None, functions=FUNCS):
    return TemplateContext(functions, parameters, experiment=experiment, field=field, default_dataset=default_dataset)


def spans(source: str, problems) -> list[tuple[str, str]]:
    return [(p.code, source[p.start : p.end]) for p in problems]


# (source, context, [(code, start, end, substring of message)])
CASES = [
    # JET401 Jinja syntax
    ('{{agg_sum("x")', ctx(), [("JET401", 0, 2, "unexpected end of template")]),
    ("{{ a b }}", ctx(), [("JET401", 5, 6, "expected token 'end of print statement', got 'b'")]),
    ("x\n  {{ a ) }}", ctx(), [("JET401", 9, 10, "unexpected ')'")]),
    ("x {{ a !}}", ctx(), [("JET401", 7, 8, "unexpected char '!'")]),
    ("LIKE '{#%'", ctx(), [("JET401", 6, 8, "literal `{%` or `{#` must be written")]),
    ("x {% if a %} y", ctx(), [("JET401", 2, 12, "innermost block that needs to be closed is 'if'")]),
    ("{% foo %}", ctx(), [("JET401", 3, 6, "unknown tag 'foo'")]),
    # JET402 undefined function
    ('{{agg_summ("x")}}', ctx(), [("JET402", 2, 10, "'agg_summ' is undefined: no such function — did you mean `agg_sum`?")]),
    ('{{agg_sum("x")}}', ctx("segment_from", experiment=True, default_dataset="d"),
     [("JET402", 2, 9, "only available in metric and segment")]),
    # JET403 undefined variable / attribute / filter
    ("{{ experiment.slug }}", ctx("enrollment_query", experiment=True),
     [("JET403", 14, 18, "'experiment' has no attribute 'slug' — did you mean `normandy_slug`?")]),
    ("{{ experiment.start_dat_str }}", ctx("segment_from", experiment=True, default_dataset="d"),
     [("JET403", 14, 27, "did you mean `start_date_str`?")]),
    ("{{ experiment.enrollment_query }}", ctx("enrollment_query", experiment=True),
     [("JET403", 14, 30, "Not a valid enrollment_query")]),
    ("{{experiment.normandy_slug}}", ctx(), [("JET403", 2, 12, "'experiment' is undefined")]),
    ("x = '{{ experiment.normandy_slug }}'", ctx("data_source_from", experiment=False),
     [("JET403", 8, 18, "no experiment is available in this context")]),
    ("{{ foo }}", ctx(), [("JET403", 3, 6, "'foo' is undefined")]),
    ("{{ 'a'|uper }}", ctx(), [("JET403", 7, 11, "no filter named 'uper' — did you mean `upper`?")]),
    # JET404 parameters
    ("{{ parameters.message_idd }}", ctx(parameters={"message_id": "X"}),
     [("JET404", 14, 25, "parameter 'message_idd' is not declared — did you mean `message_id`?")]),
    ("{{ parameters.id }}", ctx(parameters=None), [("JET404", 3, 13, "no parameters are declared")]),
    ("{{ parameters.id }}", ctx("segment_select", parameters={"id": "1"}),
     [("JET403", 3, 13, "only available in metric")]),
    # JET405 arity
    ('{{agg_sum("x", "y")}}', ctx(), [("JET405", 2, 19, "takes exactly one argument")]),
    ("{{agg_sum()}}", ctx(), [("JET405", 2, 11, "but 0 were given")]),
    ('{{agg_sum(expr="x")}}', ctx(), [("JET405", 2, 19, "unexpected keyword argument `expr`")]),
    # JET406 str.format
    ("`p.{dataset}.t`", ctx("data_source_from"), [("JET406", 3, 12, "`default_dataset` is not set")]),
    ("`p.{dataset}.{foo}`", ctx("data_source_from", default_dataset="d"),
     [("JET406", 13, 18, "unsupported placeholder `{foo}`: only `{dataset}` is substituted")]),
    ("WHERE x = '}'", ctx("data_source_from", default_dataset="d"), [("JET406", 11, 12, "single `}`")]),
    ("REGEXP_CONTAINS(x, '{3')", ctx("data_source_from", default_dataset="d"), [("JET406", 20, 21, "single `{`")]),
    ("SUM({select_expr}) + {x}", ctx("function_definition"), [("JET406", 21, 24, "may only use `{select_expr}`")]),
    ("`p.{dataset}.t`", ctx("segment_from", experiment=True), [("JET406", 3, 12, "from_expr contains a dataset template")]),
    # JET407 template in a field that is not rendered
    ('{{agg_any("x")}}', ctx("exposure_select"), [("JET407", 0, 16, "not rendered")]),
    ("x = '{{foo}}'", ctx("data_source_from", default_dataset="d"),
     [("JET407", 5, 12, "placeholder(s) ['foo'] that will not be substituted")]),
    # JET408 refused
    ("{{ ''.__class__ }}", ctx(), [("JET408", 6, 15, "`__class__` is not allowed")]),
    ("{{ range(10**9) }}", ctx(), [("JET408", 0, 18, "exceeds 100,000")]),
    # JET409 rendering failed
    ("{{ 1 / 0 }}", ctx(), [("JET409", 0, 11, "ZeroDivisionError")]),
]


@pytest.mark.parametrize("source,context,expected", CASES, ids=[c[0][:40] for c in CASES])
def test_template_diagnostics(source, context, expected):
    r = render(source, context)
    got = [(p.code, p.start, p.end) for p in r.problems]
    assert got == [(c, s, e) for c, s, e, _ in expected], [(p.code, p.start, p.end, p.message) for p in r.problems]
    for p, (_, _, _, text) in zip(r.problems, expected):
        assert text in p.message
        assert p.severity == RULES[p.code].severity
    if any(p.severity == "error" for p in r.problems):
        assert r.text is None


def test_the_template_and_sql_codes_are_rules_reporting_what_the_libraries_find():
    codes = {c for c, r in RULES.items() if r.family in ("templates", "sql")}
    assert codes >= {f"JET40{i}" for i in range(1, 10)} | {f"JET45{i}" for i in range(8)}


# ---------------------------------------------------------------- rendering rules


def test_metric_select_renders_functions_and_maps_back():
    src = 'SUM(x) + {{agg_sum("y")}} + z'
    r = render(src, ctx())
    assert r.text == "SUM(x) + COALESCE(SUM(y), 0) + z" and r.problems == ()
    assert r.source_offset(0) == (0, 1)
    assert r.source_offset(4) == (4, 5)
    call = (9, 25)
    for i in range(9, 28):  # inside the expansion → the whole call
        assert r.source_offset(i) == call
    assert r.source_offset(r.text.index("+ z") + 2) == (src.index("z"), src.index("z") + 1)


def test_parameters_only_when_the_substring_is_present():
    r = render("{{ parameters.message_id }}", ctx(parameters={"message_id": "X"}))
    assert r.text == "X"
    # segment selects never see parameters
    assert render("{{ parameters.message_id }}", ctx("segment_select", parameters={"message_id": "X"})).text is None


def test_experiment_attributes_render_as_stub_literals():
    src = (
        "SELECT '{{experiment.normandy_slug}}', DATE('{{experiment.start_date_str}}'), "
        "DATE('{{ experiment.last_enrollment_date_str }}'), '{{ experiment.branches|map(attribute='slug')|join(',') }}'"
    )
    r = render(src, ctx("enrollment_query", experiment=True))
    assert r.problems == ()
    assert r.text == "SELECT 'my-experiment', DATE('2024-01-01'), DATE('2024-01-08'), 'control,treatment'"
    assert set(EXPERIMENT_ATTRIBUTES) >= {"normandy_slug", "end_date_str", "analysis_unit", "app_id"}


def test_data_source_from_without_experiment_is_not_rendered_and_braces_are_format_escapes():
    src = "(SELECT * FROM `p.{dataset}.t` WHERE a IN ('{{d10d0bf8-f5b5-c8b4-a8b2-2b9879e08c5d}}'))"
    r = render(src, ctx("data_source_from", default_dataset="org_mozilla_fenix"))
    assert r.problems == ()
    assert r.text == "(SELECT * FROM `p.org_mozilla_fenix.t` WHERE a IN ('{d10d0bf8-f5b5-c8b4-a8b2-2b9879e08c5d}'))"
    # the substituted dataset maps to the placeholder; text after it maps exactly
    i = r.text.index("org_mozilla_fenix")
    assert r.source_offset(i) == (src.index("{dataset}"), src.index("{dataset}") + 9)
    j = r.text.index(".t`")
    assert r.source_offset(j) == (src.index(".t`"), src.index(".t`") + 1)
    # `{{` → `{` : the literal brace maps to the 2 source characters... start of them
    k = r.text.index("{d10")
    assert r.source_offset(k)[0] == src.index("{{d10")


def test_data_source_from_with_experiment_renders_jinja_then_format():
    src = "(SELECT * FROM `p.{dataset}.t` WHERE e = '{{ experiment.normandy_slug }}' AND j = '{{ \"{{\" }}')"
    r = render(src, ctx("data_source_from", experiment=True, default_dataset="ds"))
    assert r.problems == ()
    assert r.text == "(SELECT * FROM `p.ds.t` WHERE e = 'my-experiment' AND j = '{')"


def test_exposure_select_is_passed_through():
    r = render("COUNTIF(event = 'x')", ctx("exposure_select"))
    assert r.text == "COUNTIF(event = 'x')" and r.problems == ()


def test_function_definition_renders_select_expr():
    r = render(FUNCS["agg_histogram_mean_glean"], ctx("function_definition"))
    assert r.problems == () and "SUM(select_expr.sum)" in r.text


def test_crlf_offsets_refer_to_the_original_string():
    src = "SUM(x)\r\n+ {{ agg_summ('y') }}"
    r = render(src, ctx())
    (p,) = r.problems
    assert src[p.start : p.end] == "agg_summ"
    ok = render("a\r\n{{ agg_sum('y') }} b", ctx())
    assert ok.text == "a\nCOALESCE(SUM(y), 0) b"
    assert ok.source_offset(ok.text.index("b")) == (len("a\r\n{{ agg_sum('y') }} "), len("a\r\n{{ agg_sum('y') }} b"))


def test_statements_render_and_map():
    src = "{% if true %}a{% endif %}{% for b in ['x', 'y'] %}{{ b }}{% endfor %}"
    r = render(src, ctx())
    assert r.text == "axy" and r.problems == ()
    assert r.source_offset(0) == (src.index("a{%"), src.index("a{%") + 1)
    assert r.source_offset(1) == (src.index("{{ b }}"), src.index("{{ b }}") + 7)


def test_function_with_broken_definition_is_reported_on_the_call():
    src = "{{ bad('x') }}"
    r = render(src, ctx(functions={"bad": "SUM({select_expr}) {oops}"}))
    assert [(p.code, p.start, p.end) for p in r.problems] == [("JET406", 0, len(src))]
    assert "cannot expand `bad`" in r.problems[0].message


# ---------------------------------------------------------------- SQL through templates


def test_sql_error_inside_an_expansion_is_reported_on_the_call():
    funcs = dict(FUNCS, agg_hist_zero_fract=BROKEN_HIST_ZERO_FRACT)
    src = '{{agg_hist_zero_fract("payload.histograms.http_pageload_is_ssl")}}'
    (p,) = check_templated_sql(src, ctx(functions=funcs), "expression")
    assert (p.code, p.start, p.end) == ("JET450", 0, len(src))
    assert "the expansion of `agg_hist_zero_fract(...)`" in p.message
    # also when SQL text follows the call, where sqlglot gives up
    src2 = "1 + " + src + " + 2"
    (p2,) = check_templated_sql(src2, ctx(functions=funcs), "expression")
    assert (p2.start, p2.end) == (4, 4 + len(src))
    assert "agg_hist_zero_fract" in p2.message


def test_sql_error_in_plain_text_maps_exactly():
    src = "COALESCE(SUM({{ agg_sum('x') }}), 0"
    (p,) = check_templated_sql(src, ctx(), "expression")
    assert p.code == "JET450" and src[p.start : p.end] == "0" and p.end == len(src)
    src = "{{ agg_sum('x') }} + SUM(y"
    (p,) = check_templated_sql(src, ctx(), "expression")
    assert src[p.start : p.end] == "y" and "`(` after" in p.message


def test_undefined_function_is_a_template_error_and_never_reaches_sqlglot(monkeypatch):
    from jetls import sql

    seen = []
    real = sql.check_sql
    monkeypatch.setattr(sql, "check_sql", lambda text, kind, *rest: seen.append(text) or real(text, kind, *rest))
    T.clear_caches()
    problems = check_templated_sql('{{agg_sum("x")}}', ctx(functions={}), "expression")
    assert [p.code for p in problems] == ["JET402"]
    problems = check_templated_sql('{{agg_any("x")}} AND {{ agg_any("y") }}', ctx("exposure_select"), "expression")
    assert [p.code for p in problems] == ["JET407", "JET407"]
    assert seen == []
    check_templated_sql('{{agg_sum("x")}}', ctx(), "expression")
    assert seen == ["COALESCE(SUM(x), 0)"]


def test_results_are_cached_by_content():
    T.clear_caches()
    a = check_templated_sql("{{ agg_sum('z') }}", ctx(), "expression")
    b = check_templated_sql("{{ agg_sum('z') }}", ctx(functions=dict(FUNCS)), "expression")
    assert a == b == ()
    info = template_check._check_templated_cached.cache_info()
    assert info.hits == 1 and info.misses == 1


# ---------------------------------------------------------------- sandbox

PAYLOADS = [
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "JET408"),
    ("{{ cycler.__init__.__globals__.os.popen('id').read() }}", "JET408"),
    ("{{ self._TemplateReference__context }}", "JET408"),
    ("{{ ''['__class__'] }}", "JET408"),
    ("{% for x in range(10**9) %}a{% endfor %}", "JET408"),
    ("{% for x in range(100000) %}{% for y in range(100000) %}{% endfor %}{% endfor %}", "JET408"),
    ("{% set r = range(100000) %}{% for x in r %}{% for y in r %}{% endfor %}{% endfor %}", "JET408"),
    ("{% set r = range(100000) %}{% for x in r %}{% for y in r %}x{% endfor %}{% endfor %}", "JET408"),
    ("{{ 'a' * 10**9 }}", "JET408"),
    ("{{ 10**10**10 }}", "JET408"),
    ("{{ 9**999999 }}", "JET408"),
    ("{{ 'x'.ljust(10**9) }}", "JET408"),
    ("{{ ('a' * 100000).replace('a', 'a' * 100000) }}", "JET408"),
    ("{{ 'a'|center(10**9) }}", "JET408"),
    ("{{ '%1000000000s' % 'x' }}", "JET408"),
    ("{{ '{:>999999999}'.format('x') }}", "JET408"),
    ("{% set a = 'x' * 100000 %}{% set b = [a, a, a, a, a, a, a, a, a, a] %}"
     "{% set c = [b, b, b, b, b, b, b, b, b, b] %}{{ c }}", "JET408"),
    ("{% set a = 'x' * 100000 %}{% set b = a ~ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a %}{{ b }}", "JET408"),
    ("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", "JET408"),
    ("{% macro m() %}{% for i in range(100000) %}{{ 'y' * 99999 }}{% endfor %}{% endmacro %}{{ m() }}", "JET408"),
    ("{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}", "JET408"),
    ("{{ " + "not " * 5000 + "1 }}", "JET408"),
    ("{{ " + "[" * 300 + "]" * 300 + " }}", "JET408"),
    ("{{ [1, 2].append(3) }}", "JET408"),
]


@pytest.mark.parametrize("payload,code", PAYLOADS, ids=[p[:40] for p, _ in PAYLOADS])
def test_sandbox_refuses_and_bounds(payload, code):
    T.clear_caches()
    t0 = time.perf_counter()
    r = render(payload, ctx())
    problems = check_templated_sql(payload, ctx(), "expression")
    elapsed = time.perf_counter() - t0
    assert elapsed < 5, "hang guard"
    assert r.text is None
    assert code in [p.code for p in r.problems], r.problems
    assert all(0 <= p.start <= p.end <= len(payload) for p in problems)


def test_dangerous_globals_are_gone():
    for name in ("cycler", "joiner", "namespace", "lipsum"):
        r = render("{{ %s }}" % name, ctx())
        assert [p.code for p in r.problems] == ["JET403"]


def test_huge_source_is_refused():
    r = render("{{ 1 }}" + "x" * (sandbox.MAX_SOURCE + 1), ctx())
    assert [p.code for p in r.problems] == ["JET408"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="{}%#()'\"ab._|~*+-,0123456789 \n\\[]=", max_size=60))
def test_render_never_raises(source):
    for field in ("metric_select", "data_source_from", "segment_from", "exposure_select", "function_definition"):
        c = ctx(field, parameters={"p": "1"}, experiment=True, default_dataset="d")
        r = render(source, c)
        assert isinstance(r, Rendered)
        for p in r.problems:
            assert isinstance(p, Problem) and 0 <= p.start <= p.end <= len(source)
        if r.text is not None and r.segments:
            for i in range(len(r.text)):
                s, e = r.source_offset(i)
                assert 0 <= s <= e <= len(source)
        for p in check_templated_sql(source, c, "expression"):
            assert 0 <= p.start <= p.end <= len(source)


# ---------------------------------------------------------------- the real corpus
def corpus_root() -> Path | None:
    return find("metric-hub")


@dataclass(frozen=True)
class CorpusString:
    path: str
    where: str
    source: str
    ctx: TemplateContext
    sql_kind: str


# Jetstream always knows the app's dataset when it resolves an experiment's data sources.
APP_DATASET = "app_dataset"


def functions(root: Path) -> dict[str, str]:
    funcs: dict[str, str] = {}
    for rel in ("definitions/functions.toml", "jetstream/definitions/functions.toml"):
        p = root / rel
        if p.exists():
            data = tomllib.loads(p.read_text())
            for name, f in data.get("functions", {}).items():
                funcs[name] = f["definition"]
    return funcs


def _parameter_value(p: dict) -> str:
    v = p.get("value", p.get("default", ""))
    if isinstance(v, dict):
        return "CASE e.branch " + " ".join(f'WHEN "{b}" THEN "{x}"' for b, x in v.items()) + " END"
    return str(v)


def corpus_strings(root: Path) -> list[CorpusString]:
    funcs = functions(root)
    out: list[CorpusString] = []
    for path in sorted(root.rglob("*.toml")):
        rel = path.relative_to(root).as_posix()
        if rel.endswith("functions.toml"):
            continue
        data = tomllib.loads(path.read_text())
        jetstream = rel.startswith("jetstream/")
        params = data.get("parameters")
        parameters = (
            {k: _parameter_value(v) for k, v in params.items() if isinstance(v, dict)}
            if isinstance(params, dict)
            else None
        )

        def add(where: str, source, field: str, kind: str, **kw) -> None:
            if isinstance(source, str):
                ctx = TemplateContext(funcs, kw.pop("parameters", None), field=field, **kw)
                out.append(CorpusString(rel, where, source, ctx, kind))

        for slug, m in (data.get("metrics") or {}).items():
            if isinstance(m, dict):
                add(f"metrics.{slug}.select_expression", m.get("select_expression"), "metric_select",
                    "expression", parameters=parameters)
        for slug, ds in (data.get("data_sources") or {}).items():
            if isinstance(ds, dict):
                add(f"data_sources.{slug}.from_expression", ds.get("from_expression"), "data_source_from",
                    "from", experiment=jetstream,
                    default_dataset=ds.get("default_dataset") or (APP_DATASET if jetstream else None))
        segments = data.get("segments") or {}
        for slug, sds in (segments.get("data_sources") or {}).items():
            if isinstance(sds, dict):
                add(f"segments.data_sources.{slug}.from_expression", sds.get("from_expression"),
                    "segment_from", "from", experiment=True, default_dataset=APP_DATASET)
        for slug, seg in segments.items():
            if slug != "data_sources" and isinstance(seg, dict):
                add(f"segments.{slug}.select_expression", seg.get("select_expression"), "segment_select",
                    "expression")
        exp = data.get("experiment") or {}
        if isinstance(exp, dict):
            add("experiment.enrollment_query", exp.get("enrollment_query"), "enrollment_query", "query",
                experiment=True)
            es = exp.get("exposure_signal") or {}
            if isinstance(es, dict):
                add("experiment.exposure_signal.select_expression", es.get("select_expression"),
                    "exposure_select", "expression")
    return out


ROOT = corpus_root()
needs_corpus = pytest.mark.skipif(ROOT is None, reason="metric-hub corpus not available")


@needs_corpus
def test_corpus_every_templated_string_renders_and_parses():
    items = corpus_strings(ROOT)
    assert len(items) > 2000
    templated = [i for i in items if "{{" in i.source or "{dataset}" in i.source]
    assert len(templated) > 500
    failures = []
    for item in items:
        for p in check_templated_sql(item.source, item.ctx, item.sql_kind):
            if p.severity in ("error", "warning"):
                failures.append((item.path, item.where, p.code, p.message))
    # Known-broken real strings would be listed here; at metric-hub ca1c865 there are none.
    assert failures == []


@needs_corpus
def test_corpus_functions_and_their_uses():
    funcs = functions(ROOT)
    assert {"agg_sum", "agg_any", "agg_histogram_mean", "agg_hist_zero_fract", "agg_histogram_mean_glean"} <= set(funcs)
    for name, definition in funcs.items():
        assert check_templated_sql(definition, ctx("function_definition", functions=funcs), "expression") == ()
    src = '{{agg_hist_zero_fract("payload.histograms.http_pageload_is_ssl")}}'
    r = render(src, ctx(functions=funcs))
    assert r.problems == () and "mozfun.hist.threshold_count(payload.histograms.http_pageload_is_ssl,0)" in r.text
