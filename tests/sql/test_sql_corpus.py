"""Zero false alarms: every SQL text jetls checks in the real metric-hub corpus (after Jinja and
str.format rendering) is clean — syntax, built-in functions and, with the routine catalog of a
bigquery-etl checkout, Mozilla routines."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus import find

from jetls.sql import check_sql
from jetls.sql.functions import catalog, routine_key
from jetls.sql.lexer import lex
from jetls.sql.routines import load_routines

from corpus_sql import rendered_fragments
from synthetic_etl import write_checkout

CORPUS = find("metric-hub")
ETL = find("bigquery-etl")


@pytest.fixture(scope="module")
def fragments():
    if CORPUS is None:
        pytest.skip("metric-hub corpus not available (set JETLS_CORPUS)")
    return rendered_fragments(str(CORPUS))


def test_every_rendered_fragment_is_collected(fragments):
    kinds = {k for _, k in fragments}
    assert kinds == {"expression", "from", "query"}
    assert len(fragments) > 1000


def test_no_false_alarm_on_any_fragment(fragments):
    alarms = [(sql[:120], p) for sql, kind in fragments for p in check_sql(sql, kind)]
    assert alarms == []


def test_no_false_alarm_with_the_routine_catalog(fragments, tmp_path_factory):
    if ETL is None:
        pytest.skip("bigquery-etl corpus not available (set JETLS_CORPUS)")
    checkout = write_checkout(ETL / "derived" / "routines.json", tmp_path_factory.mktemp("etl"))
    routines = load_routines(checkout)
    assert len(routines.routines) == 316
    alarms = [(sql[:120], p) for sql, kind in fragments for p in check_sql(sql, kind, routines)]
    assert alarms == []
    # and the corpus's own snapshot (metadata.yaml only, no udf.sql): names are judged, arities not
    names_only = load_routines(ETL)
    assert not [p for sql, kind in fragments for p in check_sql(sql, kind, names_only)]


def test_every_function_the_corpus_calls_is_in_the_catalog(fragments):
    cat = catalog()
    called = set()
    for sql, _ in fragments:
        for call in lex(sql).calls:
            if routine_key(call.parts) is None:
                called.add(call.name.upper().removeprefix("SAFE."))
    assert called and called <= set(cat), called - set(cat)


def test_the_whole_corpus_check_reports_no_sql_problem():
    if CORPUS is None:
        pytest.skip("metric-hub corpus not available (set JETLS_CORPUS)")
    from jetls.checks import check_file
    from jetls.workspace import Workspace

    ws = Workspace.load(CORPUS)
    found = [(Path(p).name, d.code, d.message) for p in sorted(ws.files)
             for d in check_file(ws, p).diagnostics if d.code.startswith("JET45")]
    assert found == []
