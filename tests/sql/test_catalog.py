"""The BigQuery function catalog (jetls/sql/bigquery_functions.tsv) is well-formed and says what
BigQuery's reference says for the functions metric-hub lives on."""

from __future__ import annotations

import re
from pathlib import Path

from jetls.sql.functions import DATE_PART_ARGS, DIALECT_NAMES, NAMESPACES, catalog, lookup, params_of

DATA = Path(__file__).resolve().parents[2] / "jetls" / "sql" / "bigquery_functions.tsv"


def test_every_line_is_a_well_formed_entry():
    names = []
    for n, line in enumerate(DATA.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        assert len(cols) == 5, (n, line)
        name, lo, hi, sig, desc = cols
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*(\.[A-Z][A-Z0-9_]*)?", name), (n, name)
        assert lo.isdigit() and (hi == "*" or hi.isdigit() and int(hi) >= int(lo)), (n, line)
        assert name in sig and "(" in sig, (n, sig)
        assert not desc[:1].islower() and desc.endswith(".") and 4 <= len(desc) <= 160, (n, desc)
        if "." in name:
            assert name.split(".")[0] in NAMESPACES
        names.append(name)
    assert len(names) == len(set(names)), "duplicate names"
    assert len(names) == len(catalog()) > 300


def test_provenance_is_stated_in_the_file():
    head = DATA.read_text(encoding="utf-8")[:800]
    assert "cloud.google.com/bigquery/docs/reference/standard-sql" in head


# (name, least, most) — straight from BigQuery's function reference
ARITIES = [
    ("COALESCE", 1, None), ("IF", 3, 3), ("IFNULL", 2, 2), ("NULLIF", 2, 2), ("SAFE_DIVIDE", 2, 2),
    ("COUNTIF", 1, 1), ("LOGICAL_OR", 1, 1), ("SUM", 1, 1), ("COUNT", 1, 1), ("ANY_VALUE", 1, 1),
    ("DATE_DIFF", 3, 3), ("DATE_SUB", 2, 2), ("DATE_ADD", 2, 2), ("DATE", 1, 3), ("TIMESTAMP_DIFF", 3, 3),
    ("APPROX_QUANTILES", 2, 2), ("STRING_AGG", 1, 2), ("ARRAY_AGG", 1, 1), ("SPLIT", 1, 2),
    ("REGEXP_EXTRACT", 2, 4), ("REGEXP_CONTAINS", 2, 2), ("SUBSTR", 2, 3), ("TRANSLATE", 3, 3),
    ("JSON_VALUE", 1, 2), ("JSON_EXTRACT_SCALAR", 1, 2), ("ROW_NUMBER", 0, 0), ("LAG", 1, 3),
    ("CURRENT_DATE", 0, 1), ("FORMAT_DATE", 2, 2), ("PARSE_DATETIME", 2, 2), ("ROUND", 1, 3),
    ("NET.HOST", 1, 1), ("HLL_COUNT.MERGE", 1, 1), ("GREATEST", 1, None), ("MAX_BY", 2, 2),
]


def test_arities_of_common_functions():
    for name, lo, hi in ARITIES:
        fn = lookup(name)
        assert fn is not None, name
        assert (fn.min_args, fn.max_args) == (lo, hi), name


def test_lookup_is_case_insensitive_and_takes_the_safe_prefix():
    assert lookup("coalesce") is lookup("COALESCE") is lookup("SAFE.coalesce")
    assert lookup("nvl") is None


def test_other_dialect_names_are_not_bigquery_functions_and_point_at_real_ones():
    for name, (bq, how) in DIALECT_NAMES.items():
        assert lookup(name) is None, name
        if how == "rename":
            assert lookup(bq) is not None, (name, bq)


def test_date_part_functions_are_in_the_catalog():
    for name, idx in DATE_PART_ARGS.items():
        fn = lookup(name)
        assert fn is not None and fn.max_args > idx, name


def test_signature_parameters():
    assert params_of(lookup("IF").signature) == ["expr", "true_result", "else_result"]
    assert params_of(lookup("REGEXP_EXTRACT").signature) == ["value", "regexp", "position", "occurrence"]
    assert params_of(lookup("ROW_NUMBER").signature) == []
    assert params_of(lookup("COUNT").signature) == ["{* | [DISTINCT] expression}"]
    assert params_of(lookup("STRUCT").signature) == ["expr1 [AS field_name]", "..."]
    assert params_of(lookup("DATE").signature) == ["year", "month", "day"]
