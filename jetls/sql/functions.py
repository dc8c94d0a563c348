"""BigQuery's built-in functions (the catalog in `bigquery_functions.tsv`) and the checks of the
function calls of a SQL text: unknown names, other dialects' names, argument counts, date parts,
and — with a routine catalog — Mozilla routines.

Resolution of a call `a.b.c(...)` (BigQuery's own rules, see docs/sql.md):
- one part: a built-in, else a temporary function the same SQL creates, else nothing — BigQuery
  rejects it (unknown: warning with "did you mean"; another dialect's name: error with the
  BigQuery equivalent);
- `SAFE.<built-in>`: the built-in;
- `NET.`, `HLL_COUNT.`, `KLL_QUANTILES.`, `KEYS.`, `AEAD.`, `OBJ.` + name: a built-in;
- `mozfun.<dataset>.<name>`, `[moz-fx-data-shared-prod.|mozdata.]udf[_js|_legacy].<name>`: a Mozilla
  routine, judged only with a routine catalog;
- anything else (`project.dataset.fn`, `ML.PREDICT`): a user routine jetls cannot see, not judged.
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass
from pathlib import Path

from jetls.diagnostics import Problem

from .lexer import Call, Lexed

__all__ = [
    "Function",
    "catalog",
    "lookup",
    "DIALECT_NAMES",
    "DATE_PART_ARGS",
    "function_problems",
    "params_of",
    "first_form",
    "routine_key",
]

_DATA = Path(__file__).with_name("bigquery_functions.tsv")


@dataclass(frozen=True)
class Function:
    name: str
    min_args: int
    max_args: int | None  # None: no limit
    signature: str
    description: str

    @property
    def arity(self) -> str:
        if self.max_args == self.min_args:
            return f"{self.min_args} argument{'s' if self.min_args != 1 else ''}"
        if self.max_args is None:
            return f"at least {self.min_args} argument{'s' if self.min_args != 1 else ''}"
        return f"{self.min_args} to {self.max_args} arguments"


@functools.cache
def catalog() -> dict[str, Function]:
    """Upper-case name → Function, from the project's data file."""
    out: dict[str, Function] = {}
    for line in _DATA.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, lo, hi, sig, desc = line.split("\t")
        out[name] = Function(name, int(lo), None if hi == "*" else int(hi), sig, desc)
    return out


def lookup(name: str) -> Function | None:
    """The built-in called `name` (any case; `SAFE.` prefix allowed), if any."""
    up = name.upper()
    if up.startswith("SAFE."):
        up = up[5:]
    return catalog().get(up)


NAMESPACES = ("NET", "HLL_COUNT", "KLL_QUANTILES", "KEYS", "AEAD", "OBJ")

# Other dialects' functions that BigQuery does not have: name → (BigQuery equivalent, how).
# `how` is "rename" (same arguments: the quick fix renames the call), a call rewrite recipe
# ("datediff", "dateadd", "date_part", "try_cast") or "text" (the message explains).
DIALECT_NAMES: dict[str, tuple[str, str]] = {
    "NVL": ("IFNULL", "rename"),
    "IFF": ("IF", "rename"),
    "IIF": ("IF", "rename"),
    "LEN": ("LENGTH", "rename"),
    "COUNT_IF": ("COUNTIF", "rename"),
    "UCASE": ("UPPER", "rename"),
    "LCASE": ("LOWER", "rename"),
    "ARRAY_SIZE": ("ARRAY_LENGTH", "rename"),
    "CARDINALITY": ("ARRAY_LENGTH", "rename"),
    "SIZE": ("ARRAY_LENGTH", "rename"),
    "LISTAGG": ("STRING_AGG", "rename"),
    "GROUP_CONCAT": ("STRING_AGG", "rename"),
    "COLLECT_LIST": ("ARRAY_AGG", "rename"),
    "APPROX_DISTINCT": ("APPROX_COUNT_DISTINCT", "rename"),
    "REGEXP_LIKE": ("REGEXP_CONTAINS", "rename"),
    "RLIKE": ("REGEXP_CONTAINS", "rename"),
    "STDEV": ("STDDEV", "rename"),
    "ARRAY_JOIN": ("ARRAY_TO_STRING", "rename"),
    "FROM_UNIXTIME": ("TIMESTAMP_SECONDS", "rename"),
    "UNIX_TIMESTAMP": ("UNIX_SECONDS", "rename"),
    "GETDATE": ("CURRENT_TIMESTAMP", "rename"),
    "NOW": ("CURRENT_TIMESTAMP", "rename"),
    "SYSDATE": ("CURRENT_TIMESTAMP", "rename"),
    "TRY_CAST": ("SAFE_CAST", "rename"),
    "ISNULL": ("IFNULL", "isnull"),
    "DATEDIFF": ("DATE_DIFF", "datediff"),
    "DATEADD": ("DATE_ADD", "dateadd"),
    "DATE_PART": ("EXTRACT", "date_part"),
    "NVL2": ("IF", "text:`IF(x IS NOT NULL, a, b)`"),
    "ARRAY_CONTAINS": ("IN UNNEST", "text:`value IN UNNEST(array)`"),
    "CONTAINS": ("CONTAINS_SUBSTR", "text:`CONTAINS_SUBSTR(value, search)` or `STRPOS(value, search) > 0`"),
    "CHARINDEX": ("STRPOS", "text:`STRPOS(value, search)` (note the order of the arguments)"),
    "LOCATE": ("STRPOS", "text:`STRPOS(value, search)` (note the order of the arguments)"),
    "POSITION": ("STRPOS", "text:`STRPOS(value, search)`"),
    "TO_CHAR": ("FORMAT_DATE", "text:`FORMAT_DATE(format, date)` / `FORMAT_TIMESTAMP(format, timestamp)`"),
    "DATE_FORMAT": ("FORMAT_DATE", "text:`FORMAT_DATE(format, date)` (the format comes first)"),
    "STRFTIME": ("FORMAT_TIMESTAMP", "text:`FORMAT_TIMESTAMP(format, timestamp)`"),
    "TO_DATE": ("PARSE_DATE", "text:`PARSE_DATE(format, string)` or `DATE(value)`"),
    "TO_TIMESTAMP": ("PARSE_TIMESTAMP", "text:`PARSE_TIMESTAMP(format, string)` or `TIMESTAMP(value)`"),
    "MEDIAN": ("APPROX_QUANTILES", "text:`APPROX_QUANTILES(x, 2)[OFFSET(1)]`"),
    "SPLIT_PART": ("SPLIT", "text:`SPLIT(value, delimiter)[SAFE_OFFSET(n - 1)]`"),
    "ELEMENT_AT": ("SAFE_OFFSET", "text:`array[SAFE_OFFSET(i - 1)]`"),
    "DECODE": ("CASE", "text:`CASE x WHEN a THEN b ... END`"),
    "CONVERT": ("CAST", "text:`CAST(value AS type)`"),
    "CONCAT_WS": ("ARRAY_TO_STRING", "text:`ARRAY_TO_STRING([a, b], separator)`"),
    "JSON_EXTRACT_PATH_TEXT": ("JSON_VALUE", "text:`JSON_VALUE(json, '$.path')`"),
    "YEAR": ("EXTRACT", "text:`EXTRACT(YEAR FROM x)`"),
    "MONTH": ("EXTRACT", "text:`EXTRACT(MONTH FROM x)`"),
    "DAY": ("EXTRACT", "text:`EXTRACT(DAY FROM x)`"),
    "HOUR": ("EXTRACT", "text:`EXTRACT(HOUR FROM x)`"),
    "DAYOFWEEK": ("EXTRACT", "text:`EXTRACT(DAYOFWEEK FROM x)`"),
    "DAYOFMONTH": ("EXTRACT", "text:`EXTRACT(DAY FROM x)`"),
    "DAYOFYEAR": ("EXTRACT", "text:`EXTRACT(DAYOFYEAR FROM x)`"),
    "WEEKDAY": ("EXTRACT", "text:`EXTRACT(DAYOFWEEK FROM x)`"),
}

# Every date part BigQuery knows (functions accept subsets; the superset avoids false alarms).
DATE_PARTS = frozenset(
    {
        "MICROSECOND",
        "MILLISECOND",
        "SECOND",
        "MINUTE",
        "HOUR",
        "DAY",
        "DAYOFWEEK",
        "DAYOFYEAR",
        "WEEK",
        "ISOWEEK",
        "MONTH",
        "QUARTER",
        "YEAR",
        "ISOYEAR",
        "DATE",
        "TIME",
        "DATETIME",
    }
)
WEEKDAYS = frozenset({"SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"})
# Functions with a date-part argument: name → its index.
DATE_PART_ARGS = {
    "DATE_DIFF": 2,
    "DATETIME_DIFF": 2,
    "TIMESTAMP_DIFF": 2,
    "TIME_DIFF": 2,
    "DATE_TRUNC": 1,
    "DATETIME_TRUNC": 1,
    "TIMESTAMP_TRUNC": 1,
    "TIME_TRUNC": 1,
    "LAST_DAY": 1,
}
_ROUTINE_DATASETS = ("udf", "udf_js", "udf_legacy")


def _problem(code: str, severity: str, start: int, end: int, message: str, data: dict | None = None) -> Problem:
    return Problem(start, max(end, start + 1), code, severity, message, data)


def _suggest(name: str, candidates, cutoff: float = 0.75) -> str | None:
    close = difflib.get_close_matches(name, candidates, 1, cutoff)
    return close[0] if close else None


def temporary_functions(lx: Lexed) -> set[str]:
    """Upper-case names of the functions `CREATE [TEMP] FUNCTION` defines in the SQL."""
    out: set[str] = set()
    toks, names = lx.toks, lx.names
    for i in range(len(toks)):
        if names[i] == "FUNCTION" and i + 1 < len(toks):
            parts = []
            k = i + 1
            while k < len(toks) and names[k] in ("VAR", "IDENTIFIER"):
                parts.append(toks[k].text)
                if k + 1 < len(toks) and names[k + 1] == "DOT":
                    k += 2
                else:
                    break
            if parts:
                out.add(".".join(parts).upper())
    return out


def params_of(signature: str) -> list[str]:
    """Parameter labels of a catalog signature (its first form): `IF(expr, a, b)` → 3 labels,
    `REGEXP_EXTRACT(value, regexp[, position[, occurrence]])` → 4."""
    sig = first_form(signature)
    a = sig.find("(")
    if a < 0:
        return []
    depth, b = 0, len(sig)
    for i in range(a, len(sig)):
        if sig[i] == "(":
            depth += 1
        elif sig[i] == ")":
            depth -= 1
            if depth == 0:
                b = i
                break
    out: list[str] = []
    depth, cur = 0, ""
    for c in sig[a + 1 : b] + ",":
        if c in "({":
            depth += 1
        elif c in ")}":
            depth -= 1
        if c == "," and depth == 0:
            label = cur.strip()
            if label.endswith("["):  # `x[, y]`: the `[` opens the next, optional, parameter
                label = label[:-1].rstrip()
            label = _balanced(label)
            if label:
                out.append(label)
            cur = ""
            continue
        cur += c
    return out


def _balanced(label: str) -> str:
    """Drops the `[` and `]` of a label that belong to its neighbours' optional brackets."""
    keep = [True] * len(label)
    opened: list[int] = []
    for i, c in enumerate(label):
        if c == "[":
            opened.append(i)
        elif c == "]":
            if opened:
                opened.pop()
            else:
                keep[i] = False
    for i in opened:
        keep[i] = False
    return " ".join("".join(c for c, k in zip(label, keep, strict=False) if k).split())


def first_form(signature: str) -> str:
    """`DATE(y, m, d) | DATE(ts[, tz])` → `DATE(y, m, d)` (a `|` inside brackets is not a form)."""
    depth = 0
    for i, c in enumerate(signature):
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "|" and depth == 0:
            return signature[:i].strip()
    return signature


def _has_named(text: str, call: Call) -> bool:
    return any("=>" in text[s:e] for s, e in call.args)


def function_problems(text: str, lx: Lexed, routines=None) -> list[Problem]:
    """Problems of the function calls of `text` (lexed as `lx`)."""
    cat = catalog()
    calls = lx.calls
    if not calls:
        return []
    temps = temporary_functions(lx) if "FUNCTION" in lx.names else set()
    out: list[Problem] = []
    for call in calls:
        parts = call.parts
        up = tuple(p.upper() for p in parts)
        name = ".".join(up)
        if name in temps:
            continue
        if len(up) == 1 or (len(up) == 2 and up[0] in NAMESPACES) or (len(up) >= 2 and up[0] == "SAFE"):
            fname = name[5:] if up[0] == "SAFE" and len(up) >= 2 else name
            fn = cat.get(fname)
            if fn is None:
                if fname in ("WEEK", "ISOWEEK") and _weekday_arg(text, call):
                    continue  # `WEEK(MONDAY)`: a date part
                out.append(_unknown(text, call, fname, cat))
                continue
            out.extend(_arity(text, call, fn))
            out.extend(_date_part(text, call, fn))
            continue
        if routines is not None:
            key = routine_key(parts)
            if key is not None:
                out.extend(routines.problems(call, key, text))
    return out


def routine_key(parts: tuple[str, ...]) -> str | None:
    """The catalog key of a Mozilla routine reference, or None when it is not one."""
    p = tuple(parts)
    if len(p) == 3 and p[0].lower() == "mozfun":
        return f"mozfun.{p[1]}.{p[2]}"
    if len(p) == 3 and p[0].lower() in ("moz-fx-data-shared-prod", "mozdata") and p[1].lower() in _ROUTINE_DATASETS:
        return f"moz-fx-data-shared-prod.{p[1]}.{p[2]}"
    if len(p) == 2 and p[0].lower() in _ROUTINE_DATASETS:
        return f"moz-fx-data-shared-prod.{p[0]}.{p[1]}"
    return None


def _weekday_arg(text: str, call: Call) -> bool:
    return len(call.args) == 1 and text[call.args[0][0] : call.args[0][1]].strip().upper() in WEEKDAYS


def _unknown(text: str, call: Call, name: str, cat: dict[str, Function]) -> Problem:
    written = text[call.start : call.end]
    dialect = DIALECT_NAMES.get(name)
    if dialect is not None:
        return _dialect(text, call, name, written, dialect)
    s = _suggest(name, cat.keys())
    if written.upper().startswith("SAFE.") and f"SAFE_{name}" in cat:
        s = f"SAFE_{name}"  # `SAFE.DIVIDE` → `SAFE_DIVIDE`
        written_fix = s.lower() if written.islower() else s
        return _problem(
            "JET452",
            "warning",
            call.start,
            call.end,
            f"`{written}` is not a BigQuery function; did you mean `{s}`?",
            {"replacement": written_fix},
        )
    msg = f"`{written}` is not a BigQuery function"
    data = None
    if s is not None:
        msg += f"; did you mean `{s}`?"
        data = {"replacement": _same_case(written, s)}
    return _problem("JET452", "warning", call.start, call.end, msg, data)


def _same_case(written: str, name: str) -> str:
    last = written.rsplit(".", 1)[-1]
    prefix = written[: len(written) - len(last)]
    return prefix + (name.lower() if last.islower() else name)


def _dialect(text: str, call: Call, name: str, written: str, dialect: tuple[str, str]) -> Problem:
    bq, how = dialect
    args = [text[s:e].strip() for s, e in call.args]
    end = call.close + 1 if call.close is not None else call.end
    whole = None
    if how == "rename" or how == "isnull" and len(args) == 2:
        return _problem(
            "JET453",
            "error",
            call.start,
            call.end,
            f"`{written}` is not BigQuery SQL (another dialect's function): BigQuery's is `{bq}`",
            {"replacement": _same_case(written, bq)},
        )
    if how == "isnull":
        hint = "`x IS NULL`"
    elif how == "datediff" and len(args) == 2:
        whole = f"DATE_DIFF({args[0]}, {args[1]}, DAY)"
        hint = f"`{whole}`"
    elif how == "datediff" and len(args) == 3:
        whole = f"DATE_DIFF({args[2]}, {args[1]}, {args[0].strip(chr(39)).upper()})"
        hint = f"`{whole}`"
    elif how == "dateadd" and len(args) == 3:
        whole = f"DATE_ADD({args[2]}, INTERVAL {args[1]} {args[0].strip(chr(39)).upper()})"
        hint = f"`{whole}`"
    elif how == "date_part" and len(args) == 2:
        whole = f"EXTRACT({args[0].strip(chr(39)).upper()} FROM {args[1]})"
        hint = f"`{whole}`"
    elif how.startswith("text:"):
        hint = how[5:]
    else:
        hint = f"`{bq}`"
    msg = f"`{written}` is not BigQuery SQL (another dialect's function): write {hint}"
    if whole is not None and _safe_fix(whole):
        return _problem("JET453", "error", call.start, end, msg, {"replacement": whole})
    return _problem("JET453", "error", call.start, call.end, msg)


def _safe_fix(replacement: str) -> bool:
    """A replacement that can be written into any TOML string as it is."""
    return not any(c in replacement for c in '"\\\n\r\t') and "{" not in replacement


def _arity(text: str, call: Call, fn: Function) -> list[Problem]:
    if not call.counted or call.close is None or any(not text[s:e].strip() for s, e in call.args):
        return []  # an empty argument is a syntax error already: counting it would only add noise
    n = len(call.args)
    lo, hi = fn.min_args, fn.max_args
    if n >= lo and (hi is None or n <= hi or _has_named(text, call)):
        return []
    written = text[call.start : call.end]
    end = call.close + 1
    return [
        _problem(
            "JET454",
            "error",
            call.start,
            end,
            f"`{written}` takes {fn.arity}, but {n} {'was' if n == 1 else 'were'} given: {fn.signature}",
        )
    ]


def _date_part(text: str, call: Call, fn: Function) -> list[Problem]:
    idx = DATE_PART_ARGS.get(fn.name)
    if idx is None or idx >= len(call.args):
        if fn.name == "EXTRACT" and call.args:
            s, e = call.args[0]
            head = text[s:e].split()
            word = head[0] if head else ""
            if word and word.upper() not in DATE_PARTS and " FROM " in f" {text[s:e].upper()} ":
                return [_bad_part(word, s, "EXTRACT")]
        return []
    s, e = call.args[idx]
    arg = text[s:e].strip()
    s += len(text[s:e]) - len(text[s:e].lstrip())
    up = arg.upper()
    if up in DATE_PARTS:
        return []
    if up.startswith(("WEEK(", "WEEK (")) and up.rstrip(")").split("(", 1)[1].strip() in WEEKDAYS:
        return []
    if arg[:1] in ("'", '"'):
        inner = arg.strip("'\"").upper()
        fix = inner if inner in DATE_PARTS else None
        msg = f"the date part of {fn.name} is a keyword, not a string: write {fix or 'DAY, WEEK, MONTH, ...'}"
        return [_problem("JET455", "error", s, s + len(arg), msg, {"replacement": fix} if fix else None)]
    if arg.replace("_", "").isalnum() and not arg[:1].isdigit():
        return [_bad_part(arg, s, fn.name)]
    return []


def _bad_part(word: str, start: int, fname: str) -> Problem:
    from .syntax import _date_part_fix

    fix = _date_part_fix(word, tuple(sorted(DATE_PARTS)))
    msg = f"`{word}` is not a date part of {fname}" + (
        f": write `{fix}`" if fix else " (DAY, WEEK, WEEK(MONDAY), MONTH, QUARTER, YEAR, ...)"
    )
    return _problem("JET455", "error", start, start + len(word), msg, {"replacement": fix} if fix else None)
