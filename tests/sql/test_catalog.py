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


# Every name of the reference's full list (functions-all), as read for the catalog audit of
# docs/sql.md. Left out on purpose: VECTOR_INDEX.STATISTICS (a namespace jetls does not judge).
REFERENCE_NAMES = """
    ABS ACOS ACOSH AEAD.DECRYPT_BYTES AEAD.DECRYPT_STRING AEAD.ENCRYPT AGG ANY_VALUE APPENDS
    APPROX_COUNT_DISTINCT APPROX_QUANTILES APPROX_TOP_COUNT APPROX_TOP_SUM ARRAY ARRAY_AGG ARRAY_CONCAT
    ARRAY_CONCAT_AGG ARRAY_FIRST ARRAY_LAST ARRAY_LENGTH ARRAY_REVERSE ARRAY_SLICE ARRAY_TO_STRING ASCII ASIN
    ASINH ATAN ATAN2 ATANH AVG BAG_OF_WORDS BIT_AND BIT_COUNT BIT_OR BIT_XOR BOOL BYTE_LENGTH CAST CBRT CEIL
    CEILING CHANGES CHARACTER_LENGTH CHAR_LENGTH CHR CODE_POINTS_TO_BYTES CODE_POINTS_TO_STRING COLLATE CONCAT
    CONTAINS_SUBSTR CORR COS COSH COSINE_DISTANCE COT COTH COUNT COUNTIF COVAR_POP COVAR_SAMP CSC CSCH
    CUME_DIST CURRENT_DATE CURRENT_DATETIME CURRENT_TIME CURRENT_TIMESTAMP DATE DATETIME DATETIME_ADD
    DATETIME_BUCKET DATETIME_DIFF DATETIME_SUB DATETIME_TRUNC DATE_ADD DATE_BUCKET DATE_DIFF
    DATE_FROM_UNIX_DATE DATE_SUB DATE_TRUNC DENSE_RANK DESTINATION_NODE_ID DETERMINISTIC_DECRYPT_BYTES
    DETERMINISTIC_DECRYPT_STRING DETERMINISTIC_ENCRYPT DIV DLP_DETERMINISTIC_DECRYPT DLP_DETERMINISTIC_ENCRYPT
    DLP_KEY_CHAIN EDGES EDIT_DISTANCE ELEMENT_ID ENDS_WITH ERROR EUCLIDEAN_DISTANCE EXP
    EXTERNAL_OBJECT_TRANSFORM EXTERNAL_QUERY EXTRACT FARM_FINGERPRINT FIRST_VALUE FLOAT64 FLOOR FORMAT
    FORMAT_DATE FORMAT_DATETIME FORMAT_TIME FORMAT_TIMESTAMP FROM_BASE32 FROM_BASE64 FROM_HEX GAP_FILL
    GENERATE_ARRAY GENERATE_DATE_ARRAY GENERATE_RANGE_ARRAY GENERATE_TIMESTAMP_ARRAY GENERATE_UUID GREATEST
    GROUPING HLL_COUNT.EXTRACT HLL_COUNT.INIT HLL_COUNT.MERGE HLL_COUNT.MERGE_PARTIAL IEEE_DIVIDE INITCAP INSTR
    INT64 IS_INF IS_NAN JSON_ARRAY JSON_ARRAY_APPEND JSON_ARRAY_INSERT JSON_EXTRACT JSON_EXTRACT_ARRAY
    JSON_EXTRACT_SCALAR JSON_EXTRACT_STRING_ARRAY JSON_FLATTEN JSON_KEYS JSON_OBJECT JSON_QUERY
    JSON_QUERY_ARRAY JSON_REMOVE JSON_SET JSON_STRIP_NULLS JSON_TYPE JSON_VALUE JSON_VALUE_ARRAY JUSTIFY_DAYS
    JUSTIFY_HOURS JUSTIFY_INTERVAL KEYS.ADD_KEY_FROM_RAW_BYTES KEYS.KEYSET_CHAIN KEYS.KEYSET_FROM_JSON
    KEYS.KEYSET_LENGTH KEYS.KEYSET_TO_JSON KEYS.NEW_KEYSET KEYS.NEW_WRAPPED_KEYSET KEYS.REWRAP_KEYSET
    KEYS.ROTATE_KEYSET KEYS.ROTATE_WRAPPED_KEYSET KLL_QUANTILES.EXTRACT_FLOAT64 KLL_QUANTILES.EXTRACT_INT64
    KLL_QUANTILES.EXTRACT_POINT_FLOAT64 KLL_QUANTILES.EXTRACT_POINT_INT64 KLL_QUANTILES.INIT_FLOAT64
    KLL_QUANTILES.INIT_INT64 KLL_QUANTILES.MERGE_FLOAT64 KLL_QUANTILES.MERGE_INT64 KLL_QUANTILES.MERGE_PARTIAL
    KLL_QUANTILES.MERGE_POINT_FLOAT64 KLL_QUANTILES.MERGE_POINT_INT64 LABELS LAG LAST_DAY LAST_VALUE LAX_BOOL
    LAX_FLOAT64 LAX_INT64 LAX_STRING LEAD LEAST LEFT LENGTH LN LOG LOG10 LOGICAL_AND LOGICAL_OR LOWER LPAD
    LTRIM MAKE_INTERVAL MAX MAX_BY MD5 MIN MIN_BY MOD NET.HOST NET.IPV4_FROM_INT64 NET.IPV4_TO_INT64
    NET.IP_FROM_STRING NET.IP_NET_MASK NET.IP_TO_STRING NET.IP_TRUNC NET.PUBLIC_SUFFIX NET.REG_DOMAIN
    NET.SAFE_IP_FROM_STRING NODES NORMALIZE NORMALIZE_AND_CASEFOLD NTH_VALUE NTILE OBJ.FETCH_METADATA
    OBJ.GET_ACCESS_URL OBJ.GET_READ_URL OBJ.MAKE_REF OCTET_LENGTH PARSE_BIGNUMERIC PARSE_DATE PARSE_DATETIME
    PARSE_JSON PARSE_NUMERIC PARSE_TIME PARSE_TIMESTAMP PATH_FIRST PATH_LAST PATH_LENGTH PERCENTILE_CONT
    PERCENTILE_DISC PERCENT_RANK POW POWER RAND RANGE RANGE_BUCKET RANGE_CONTAINS RANGE_END RANGE_INTERSECT
    RANGE_OVERLAPS RANGE_SESSIONIZE RANGE_START RANK REGEXP_CONTAINS REGEXP_EXTRACT REGEXP_EXTRACT_ALL
    REGEXP_INSTR REGEXP_REPLACE REGEXP_SUBSTR REPEAT REPLACE REVERSE RIGHT ROUND ROW_NUMBER RPAD RTRIM
    S2_CELLIDFROMPOINT S2_COVERINGCELLIDS SAFE_ADD SAFE_CAST SAFE_CONVERT_BYTES_TO_STRING SAFE_DIVIDE
    SAFE_MULTIPLY SAFE_NEGATE SAFE_SUBTRACT SEARCH SEC SECH SESSION_USER SHA1 SHA256 SHA512 SIGN SIN SINH
    SOUNDEX SOURCE_NODE_ID SPLIT SQRT STARTS_WITH STDDEV STDDEV_POP STDDEV_SAMP STRING STRING_AGG STRPOS
    ST_ANGLE ST_AREA ST_ASBINARY ST_ASGEOJSON ST_ASTEXT ST_AZIMUTH ST_BOUNDARY ST_BOUNDINGBOX ST_BUFFER
    ST_BUFFERWITHTOLERANCE ST_CENTROID ST_CENTROID_AGG ST_CLOSESTPOINT ST_CLUSTERDBSCAN ST_CONTAINS
    ST_CONVEXHULL ST_COVEREDBY ST_COVERS ST_DIFFERENCE ST_DIMENSION ST_DISJOINT ST_DISTANCE ST_DUMP ST_DWITHIN
    ST_ENDPOINT ST_EQUALS ST_EXTENT ST_EXTERIORRING ST_GEOGFROM ST_GEOGFROMGEOJSON ST_GEOGFROMTEXT
    ST_GEOGFROMWKB ST_GEOGPOINT ST_GEOGPOINTFROMGEOHASH ST_GEOHASH ST_GEOMETRYTYPE ST_HAUSDORFFDISTANCE
    ST_HAUSDORFFDWITHIN ST_INTERIORRINGS ST_INTERSECTION ST_INTERSECTS ST_INTERSECTSBOX ST_ISCLOSED
    ST_ISCOLLECTION ST_ISEMPTY ST_ISRING ST_LENGTH ST_LINEINTERPOLATEPOINT ST_LINELOCATEPOINT ST_LINESUBSTRING
    ST_MAKELINE ST_MAKEPOLYGON ST_MAKEPOLYGONORIENTED ST_MAXDISTANCE ST_NPOINTS ST_NUMGEOMETRIES ST_NUMPOINTS
    ST_PERIMETER ST_POINTN ST_REGIONSTATS ST_SIMPLIFY ST_SNAPTOGRID ST_STARTPOINT ST_TOUCHES ST_UNION
    ST_UNION_AGG ST_WITHIN ST_X ST_Y SUBSTR SUBSTRING SUM TAN TANH TEXT_ANALYZE TF_IDF TIME TIMESTAMP
    TIMESTAMP_ADD TIMESTAMP_BUCKET TIMESTAMP_DIFF TIMESTAMP_MICROS TIMESTAMP_MILLIS TIMESTAMP_SECONDS
    TIMESTAMP_SUB TIMESTAMP_TRUNC TIME_ADD TIME_DIFF TIME_SUB TIME_TRUNC TO_BASE32 TO_BASE64 TO_CODE_POINTS
    TO_HEX TO_JSON TO_JSON_STRING TRANSLATE TRIM TRUNC TYPEOF UNICODE UNIX_DATE UNIX_MICROS UNIX_MILLIS
    UNIX_SECONDS UPPER VARIANCE VAR_POP VAR_SAMP VECTOR_SEARCH
""".split()

# Functions of the open-source GoogleSQL (ZetaSQL) that BigQuery's reference does not list.
NOT_BIGQUERY = ["PI", "PI_NUMERIC", "PI_BIGNUMERIC"]

# (name, least, most) per category, each read on the reference's signature for it
# (`[...]` optional widens the most; `[, ...]` repeats: None; named-only arguments not counted).
REFERENCE_ARITIES = [
    # mathematical
    ("ROUND", 1, 3), ("TRUNC", 1, 2), ("LOG", 1, 2), ("RAND", 0, 0), ("ATAN2", 2, 2),
    ("RANGE_BUCKET", 2, 2), ("COSINE_DISTANCE", 2, 2), ("EUCLIDEAN_DISTANCE", 2, 2), ("LEAST", 1, None),
    # array
    ("ARRAY_SLICE", 3, 3), ("ARRAY_TO_STRING", 2, 3), ("GENERATE_ARRAY", 2, 3), ("ARRAY_CONCAT", 1, None),
    ("ARRAY_FIRST", 1, 1), ("ARRAY_REVERSE", 1, 1),
    # string
    ("CONCAT", 1, None), ("CONTAINS_SUBSTR", 2, 3), ("EDIT_DISTANCE", 2, 3), ("COLLATE", 2, 2),
    ("CODE_POINTS_TO_BYTES", 1, 1), ("ENDS_WITH", 2, 2), ("CHR", 1, 1),
    # JSON
    ("JSON_FLATTEN", 1, 1), ("JSON_ARRAY", 0, None), ("JSON_ARRAY_APPEND", 3, None), ("FLOAT64", 1, 2),
    ("BOOL", 1, 1), ("INT64", 1, 1),
    # date and time
    ("DATETIME_TRUNC", 2, 3), ("TIMESTAMP_TRUNC", 2, 3), ("DATE_TRUNC", 2, 3),
    # range
    ("GENERATE_RANGE_ARRAY", 2, 3),
    # approximate aggregate, HLL++, KLL
    ("APPROX_TOP_SUM", 3, 3), ("HLL_COUNT.INIT", 1, 2), ("KLL_QUANTILES.INIT_INT64", 1, 3),
    # geography
    ("ST_DWITHIN", 3, 4),
    # DLP encryption
    ("DLP_DETERMINISTIC_ENCRYPT", 3, 4), ("DLP_DETERMINISTIC_DECRYPT", 3, 4), ("DLP_KEY_CHAIN", 2, 2),
    # ObjectRef
    ("OBJ.GET_READ_URL", 1, 1), ("OBJ.GET_ACCESS_URL", 2, 3), ("OBJ.FETCH_METADATA", 1, 1), ("OBJ.MAKE_REF", 1, 2),
    # graph
    ("PATH_LENGTH", 1, 1), ("SOURCE_NODE_ID", 1, 1), ("DESTINATION_NODE_ID", 1, 1), ("LABELS", 1, 1),
    # utility, federated query
    ("TYPEOF", 1, 1), ("GENERATE_UUID", 0, 0), ("EXTERNAL_QUERY", 2, 3),
    # --- second pass (catalog2): BigQuery's pages where a copy was found, else ZetaSQL's docs
    # aggregate (BigQuery page)
    ("ANY_VALUE", 1, 1), ("ARRAY_AGG", 1, 1), ("ARRAY_CONCAT_AGG", 1, 1), ("AVG", 1, 1), ("BIT_AND", 1, 1),
    ("BIT_OR", 1, 1), ("BIT_XOR", 1, 1), ("COUNT", 1, 1), ("COUNTIF", 1, 1), ("GROUPING", 1, 1),
    ("LOGICAL_AND", 1, 1), ("LOGICAL_OR", 1, 1), ("MAX", 1, 1), ("MIN", 1, 1), ("MAX_BY", 2, 2),
    ("MIN_BY", 2, 2), ("STRING_AGG", 1, 2), ("SUM", 1, 1),
    # statistical aggregate (ZetaSQL)
    ("CORR", 2, 2), ("COVAR_POP", 2, 2), ("COVAR_SAMP", 2, 2), ("STDDEV", 1, 1), ("STDDEV_POP", 1, 1),
    ("STDDEV_SAMP", 1, 1), ("VAR_POP", 1, 1), ("VAR_SAMP", 1, 1), ("VARIANCE", 1, 1),
    # numbering, navigation (ZetaSQL)
    ("CUME_DIST", 0, 0), ("DENSE_RANK", 0, 0), ("NTILE", 1, 1), ("PERCENT_RANK", 0, 0), ("RANK", 0, 0),
    ("ROW_NUMBER", 0, 0), ("FIRST_VALUE", 1, 1), ("LAST_VALUE", 1, 1), ("LAG", 1, 3), ("LEAD", 1, 3),
    ("NTH_VALUE", 2, 2), ("PERCENTILE_CONT", 2, 2), ("PERCENTILE_DISC", 2, 2),
    # hash, bit, interval, debugging (ZetaSQL; ERROR: BigQuery page)
    ("FARM_FINGERPRINT", 1, 1), ("MD5", 1, 1), ("SHA1", 1, 1), ("SHA256", 1, 1), ("SHA512", 1, 1),
    ("BIT_COUNT", 1, 1), ("JUSTIFY_DAYS", 1, 1), ("JUSTIFY_HOURS", 1, 1), ("JUSTIFY_INTERVAL", 1, 1),
    ("MAKE_INTERVAL", 0, 6), ("ERROR", 1, 1),
    # net (ZetaSQL)
    ("NET.HOST", 1, 1), ("NET.IP_FROM_STRING", 1, 1), ("NET.IP_NET_MASK", 2, 2), ("NET.IP_TO_STRING", 1, 1),
    ("NET.IP_TRUNC", 2, 2), ("NET.IPV4_FROM_INT64", 1, 1), ("NET.IPV4_TO_INT64", 1, 1),
    ("NET.PUBLIC_SUFFIX", 1, 1), ("NET.REG_DOMAIN", 1, 1), ("NET.SAFE_IP_FROM_STRING", 1, 1),
    # date, time (ZetaSQL)
    ("CURRENT_DATE", 0, 1), ("DATE", 1, 3), ("DATE_ADD", 2, 2), ("DATE_SUB", 2, 2), ("DATE_DIFF", 3, 3),
    ("DATE_FROM_UNIX_DATE", 1, 1), ("EXTRACT", 1, 1), ("FORMAT_DATE", 2, 2), ("LAST_DAY", 1, 2),
    ("PARSE_DATE", 2, 2), ("UNIX_DATE", 1, 1), ("CURRENT_TIME", 0, 1), ("FORMAT_TIME", 2, 2),
    ("PARSE_TIME", 2, 2), ("TIME", 1, 3), ("TIME_ADD", 2, 2), ("TIME_SUB", 2, 2), ("TIME_DIFF", 3, 3),
    ("TIME_TRUNC", 2, 2),
    # datetime, timestamp (ZetaSQL)
    ("CURRENT_DATETIME", 0, 1), ("DATETIME", 1, 6), ("DATETIME_ADD", 2, 2), ("DATETIME_SUB", 2, 2),
    ("DATETIME_DIFF", 3, 3), ("CURRENT_TIMESTAMP", 0, 0), ("FORMAT_TIMESTAMP", 2, 3), ("PARSE_TIMESTAMP", 2, 3),
    ("STRING", 1, 2), ("TIMESTAMP", 1, 2), ("TIMESTAMP_ADD", 2, 2), ("TIMESTAMP_SUB", 2, 2),
    ("TIMESTAMP_DIFF", 3, 3), ("TIMESTAMP_MICROS", 1, 1), ("TIMESTAMP_MILLIS", 1, 1),
    ("TIMESTAMP_SECONDS", 1, 1), ("UNIX_MICROS", 1, 1), ("UNIX_MILLIS", 1, 1),
    # time series (BigQuery page); CHANGES: end_timestamp has no default, 2 leaves room for naming it
    ("APPENDS", 1, 3), ("CHANGES", 2, 3), ("GAP_FILL", 3, 7), ("DATE_BUCKET", 2, 3), ("DATETIME_BUCKET", 2, 3),
    ("TIMESTAMP_BUCKET", 2, 3),
    # string (BigQuery page, every entry)
    ("ASCII", 1, 1), ("BYTE_LENGTH", 1, 1), ("CHAR_LENGTH", 1, 1), ("CHARACTER_LENGTH", 1, 1),
    ("CODE_POINTS_TO_STRING", 1, 1), ("FROM_BASE32", 1, 1), ("FROM_BASE64", 1, 1), ("FROM_HEX", 1, 1),
    ("INITCAP", 1, 2), ("INSTR", 2, 4), ("LEFT", 2, 2), ("LENGTH", 1, 1), ("LOWER", 1, 1), ("LPAD", 2, 3),
    ("LTRIM", 1, 2), ("NORMALIZE", 1, 2), ("NORMALIZE_AND_CASEFOLD", 1, 2), ("OCTET_LENGTH", 1, 1),
    ("REGEXP_EXTRACT_ALL", 2, 2), ("REGEXP_INSTR", 2, 5), ("REGEXP_REPLACE", 3, 3), ("REGEXP_SUBSTR", 2, 4),
    ("REPEAT", 2, 2), ("REPLACE", 3, 3), ("REVERSE", 1, 1), ("RIGHT", 2, 2), ("RPAD", 2, 3), ("RTRIM", 1, 2),
    ("SAFE_CONVERT_BYTES_TO_STRING", 1, 1), ("SOUNDEX", 1, 1), ("STARTS_WITH", 2, 2), ("STRPOS", 2, 2),
    ("SUBSTRING", 2, 3), ("TO_BASE32", 1, 1), ("TO_BASE64", 1, 1), ("TO_CODE_POINTS", 1, 1), ("TO_HEX", 1, 1),
    ("TRIM", 1, 2), ("UNICODE", 1, 1), ("UPPER", 1, 1),
    # JSON, geography (BigQuery pages, the entries found there)
    ("JSON_EXTRACT", 2, 2), ("ST_HAUSDORFFDWITHIN", 3, 4), ("ST_REGIONSTATS", 2, 5), ("ST_MAKELINE", 1, 2),
    ("ST_MAKEPOLYGON", 1, 2), ("ST_MAKEPOLYGONORIENTED", 1, 1), ("ST_MAXDISTANCE", 2, 3), ("ST_NPOINTS", 1, 1),
    ("ST_NUMGEOMETRIES", 1, 1), ("ST_NUMPOINTS", 1, 1), ("ST_PERIMETER", 1, 2), ("ST_POINTN", 2, 2),
]


def test_every_reference_name_is_in_the_catalog():
    assert len(REFERENCE_NAMES) > 390
    missing = [n for n in REFERENCE_NAMES if lookup(n) is None]
    assert missing == []


def test_names_the_reference_does_not_list_are_not_in_the_catalog():
    for name in NOT_BIGQUERY:
        assert lookup(name) is None, name


def test_arities_read_on_the_reference():
    for name, lo, hi in REFERENCE_ARITIES:
        fn = lookup(name)
        assert fn is not None, name
        assert (fn.min_args, fn.max_args) == (lo, hi), name
