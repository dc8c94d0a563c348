"""Help while writing SQL (jetls.features.sql_help, through completion / hover): caret fixtures
over a small checkout; `$0` marks the cursor."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from features.conftest import BASE_FILES, Fixture
from jetls.features import sql_help
from jetls.features.completion import complete
from jetls.features.hover import hover
from jetls.options import Options

DEFS = "definitions/firefox_desktop.toml"


@pytest.fixture
def fx(tmp_path: Path) -> Fixture:
    for rel, text in BASE_FILES.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return Fixture(tmp_path)


def _sql(fx: Fixture, value: str, key: str = "select_expression", table: str = "[metrics.x]") -> tuple[str, int]:
    return fx.edit(DEFS, f'{table}\n{key} = "{value}"\ndata_source = "clients_daily"\n')


def test_completion_offers_bigquery_functions_in_sql(fx):
    path, off = _sql(fx, "COALESCE(SUM(x), 0) + SAFE_DIV$0")
    items = [i for i in complete(fx.ws, path, off) if i.kind == "function"]
    item = next(i for i in items if i.label == "SAFE_DIVIDE")
    text = fx.text(DEFS)
    assert text[item.replace_span[0] : item.replace_span[1]] == "SAFE_DIV"
    assert item.detail == "SAFE_DIVIDE(X, Y)" and "division by zero" in item.documentation
    assert all(i.label.startswith("S") for i in items)  # only what the editor can match


def test_completion_keeps_the_case_and_the_safe_prefix(fx):
    path, off = _sql(fx, "safe.par$0")
    labels = [i.label for i in complete(fx.ws, path, off) if i.kind == "function"]
    assert "safe.parse_date" in labels


def test_completion_of_namespace_functions(fx):
    path, off = _sql(fx, "NET.$0")
    labels = [i.label for i in complete(fx.ws, path, off) if i.kind == "function"]
    assert "NET.HOST" in labels and "COALESCE" not in labels


def test_no_sql_completion_inside_a_string_literal_or_a_comment(fx):
    for value in ("x = 'COAL$0", "x -- COAL$0"):
        path, off = _sql(fx, value)
        assert not [i for i in complete(fx.ws, path, off) if i.kind == "function"], value


def test_no_sql_completion_in_a_string_that_is_not_sql(fx):
    path, off = fx.edit(DEFS, '[metrics.x]\nfriendly_name = "COAL$0"\n')
    assert not [i for i in complete(fx.ws, path, off) if i.kind == "function"]


def test_completion_offers_routines_with_a_checkout(fx, tmp_path):
    udf = tmp_path / "etl" / "sql" / "mozfun" / "hist" / "extract"
    udf.mkdir(parents=True)
    (udf / "udf.sql").write_text("CREATE OR REPLACE FUNCTION hist.extract(input STRING) AS (NULL);\n")
    (udf / "metadata.yaml").write_text("description: Return a parsed struct from a string-encoded histogram.\n")
    fx.ws = fx.ws.with_options(Options(bigquery_etl=str(tmp_path / "etl")))
    path, off = _sql(fx, "mozfun.hi$0")
    item = next(i for i in complete(fx.ws, path, off) if i.label == "mozfun.hist.extract")
    assert item.detail == "mozfun.hist.extract(input STRING)" and "parsed struct" in item.documentation
    path, off = _sql(fx, "SUM(mozfun.hist.extract($0")
    sig = sql_help.signature_help(fx.ws, path, off)
    assert sig.label == "mozfun.hist.extract(input STRING)"
    path, off = _sql(fx, "mozfun.hist.ext$0ract(h)")
    assert "parsed struct" in hover(fx.ws, path, off).markdown


def test_jinja_helpers_are_completed_inside_tags(fx):
    path, off = _sql(fx, "{{ agg_$0")
    labels = [i.label for i in complete(fx.ws, path, off) if i.kind == "function"]
    assert labels.count("agg_sum") == 1 and "agg_any" in labels


@pytest.mark.parametrize("value,label,active", [
    ("IF(a > 0, $0", "IF(expr, true_result, else_result)", 1),
    ("IF($0", "IF(expr, true_result, else_result)", 0),
    ("COALESCE(SUM(x$0", "SUM([DISTINCT] expression)", 0),
    ("COALESCE(SUM(x), $0", "COALESCE(expr[, ...])", 1),
    ("REGEXP_EXTRACT(s, r'a(b', $0", "REGEXP_EXTRACT(value, regexp[, position[, occurrence]])", 2),
    ("FORMAT_DATE('%Y-%m$0", "FORMAT_DATE(format_string, date_expr)", 0),
    ("ARRAY_AGG(x ORDER BY a, $0", "ARRAY_AGG([DISTINCT] expression [{IGNORE | RESPECT} NULLS] [ORDER BY key] [LIMIT n])", 0),
])
def test_signature_help_of_sql_functions(fx, value, label, active):
    path, off = _sql(fx, value)
    sig = sql_help.signature_help(fx.ws, path, off)
    assert sig is not None and sig.label == label
    assert sig.active_parameter == active
    for a, b in sig.parameters:
        assert 0 <= a < b <= len(sig.label)


def test_signature_help_of_a_jinja_helper(fx):
    path, off = _sql(fx, "{{ agg_sum($0")
    sig = sql_help.signature_help(fx.ws, path, off)
    assert sig.label == "agg_sum(select_expr)"
    assert [sig.label[a:b] for a, b in sig.parameters] == ["select_expr"]
    assert "COALESCE(SUM({select_expr}), 0)" in sig.documentation and "**Sum**" in sig.documentation


def test_no_signature_help_outside_a_call(fx):
    path, off = _sql(fx, "SUM(x) + $0")
    assert sql_help.signature_help(fx.ws, path, off) is None


def test_hover_on_a_function_name(fx):
    path, off = _sql(fx, "COALESCE(LOGICAL$0_OR(x), FALSE)")
    h = hover(fx.ws, path, off)
    text = fx.text(DEFS)
    assert text[h.start : h.end] == "LOGICAL_OR"
    assert "LOGICAL_OR(condition)" in h.markdown and "at least one row" in h.markdown


def test_hover_on_a_column_or_an_unknown_name_says_nothing_sql(fx):
    for value in ("SUM(act$0ive_hours)", "FROBNI$0CATE(x)"):
        path, off = _sql(fx, value)
        h = hover(fx.ws, path, off)
        assert h is None or "BigQuery built-in" not in h.markdown


def test_help_in_functions_toml_definitions(fx):
    path, off = fx.edit("definitions/functions.toml", '[functions.agg_x]\ndefinition = "COUNTI$0F({select_expr})"\n')
    h = hover(fx.ws, path, off)
    assert h is not None and "COUNTIF(" in h.markdown


def test_the_lexer_imports_sqlglot_in_a_fresh_process():
    # importing sqlglot.dialects before sqlglot is a circular import inside sqlglot
    out = subprocess.run([sys.executable, "-c", "from jetls.sql.lexer import tokenize; print(len(tokenize('a + b')))"],
                         capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "3", out.stderr
