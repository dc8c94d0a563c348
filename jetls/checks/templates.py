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

import bisect
import difflib
import gc
import functools
import re
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any, Iterable, Iterator, Mapping

import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError
from jinja2.lexer import TokenStream
from jinja2.parser import Parser
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedFormatter

from jetls.diagnostics import Problem
from jetls.lru import weighed_lru

__all__ = [
    "CODES",
    "Problem",
    "TemplateContext",
    "Rendered",
    "render",
    "check_templated_sql",
    "EXPERIMENT_ATTRIBUTES",
    "FIELDS",
]

# --------------------------------------------------------------------------------------
# Diagnostic codes
# --------------------------------------------------------------------------------------

CODES: dict[str, tuple[str, str]] = {
    "JET401": ("error", "Jinja syntax error"),
    "JET402": ("error", "undefined function in a template"),
    "JET403": ("error", "undefined variable, attribute, filter or test in a template"),
    "JET404": ("error", "undefined template parameter (`parameters.<name>` not declared)"),
    "JET405": ("error", "wrong number of arguments to a functions.toml function"),
    "JET406": ("error", "str.format placeholder problem (`{dataset}`, `{select_expr}`, unknown `{name}`, single brace)"),
    "JET407": ("warning", "template syntax in a field that is not rendered (passed to SQL literally)"),
    "JET408": ("error", "template refused by the sandbox (unsafe access or resource limit)"),
    "JET409": ("error", "template rendering failed"),
    "JET450": ("error", "SQL syntax error (sqlglot, BigQuery dialect)"),
    "JET451": ("hint", "SQL not validated (sqlglot fell back to an unparsed command or failed)"),
    "JET452": ("warning", "unknown BigQuery function (not a built-in, nor a temporary function of the SQL)"),
    "JET453": ("error", "another SQL dialect's function, which BigQuery does not have (the fix names BigQuery's)"),
    "JET454": ("error", "wrong number of arguments to a BigQuery function"),
    "JET455": ("error", "not a date part (`DAYS`, `'day'`): BigQuery wants a date part keyword such as `DAY`"),
    "JET456": ("warning", "unknown Mozilla routine (`mozfun.*`, `udf.*`) in the configured bigquery-etl checkout"),
    "JET457": ("warning", "wrong number of arguments to a Mozilla routine"),
}

FIELDS = frozenset(
    {
        "metric_select",
        "segment_select",
        "segment_from",
        "data_source_from",
        "enrollment_query",
        "exposure_select",
        "function_definition",
    }
)

# Resource limits (per render).
MAX_SOURCE = 200_000  # characters of template source
MAX_OUTPUT = 1_000_000  # characters of rendered output (all output, nested included)
MAX_VALUE = 1_000_000  # "weight" (characters + elements) of any intermediate value
MAX_INT_ARG = 100_000  # largest integer argument accepted by calls and filters
MAX_INT_BITS = 100_000  # largest integer produced by * and **
MAX_OPS = 1_000_000  # calls + operators + loop iterations
TIME_BUDGET = 0.5  # seconds of rendering: CPU time of the rendering thread, collector pauses excluded
MAX_NESTING = 100  # bracket nesting inside one tag


# --------------------------------------------------------------------------------------
# Public values
# --------------------------------------------------------------------------------------


def _problem(code: str, start: int, end: int, message: str, severity: str | None = None,
             replacement: str | None = None) -> Problem:
    """`replacement`: a did-you-mean, the text that should replace [start, end) (a quick fix)."""
    return Problem(start, max(end, start), code, severity or CODES[code][0], message,
                   {"replacement": replacement} if replacement else None)


#: id(functions mapping) → (the mapping, its sorted items): the same immutable mapping of an
#: index is passed for every template of a check; sort it once.
_FUNCTIONS_KEYS: dict[int, tuple[Mapping[str, str], tuple]] = {}


@dataclass(frozen=True)
class TemplateContext:
    functions: Mapping[str, str]
    parameters: Mapping[str, str] | None
    experiment: bool = False
    field: str = "metric_select"
    default_dataset: str | None = None

    def key(self) -> tuple:
        """A hashable, content-based identity (for caches)."""
        k = self.__dict__.get("_key")
        if k is None:
            k = self._make_key()
            try:
                hash(k)
            except TypeError:
                return k
            self.__dict__["_key"] = k  # frozen: memoised outside the fields
        return k

    def _make_key(self) -> tuple:
        functions = self.functions
        fk = _FUNCTIONS_KEYS.get(id(functions)) if functions else None
        if fk is not None and fk[0] is functions:
            fkey = fk[1]
        else:
            fkey = tuple(sorted(functions.items())) if functions else ()
            if functions and isinstance(functions, MappingProxyType):  # an index's cached mapping
                if len(_FUNCTIONS_KEYS) > 64:
                    _FUNCTIONS_KEYS.clear()
                _FUNCTIONS_KEYS[id(functions)] = (functions, fkey)
        return (
            fkey,
            None if self.parameters is None else tuple(sorted(self.parameters.items())),
            bool(self.experiment),
            self.field,
            self.default_dataset,
        )


# A map segment: rendered [out_start, out_end) came from source [src_start, src_end).
# exact → character by character; otherwise the whole rendered range maps to the whole
# source range, and `label` says what produced it ("the expansion of `agg_sum(...)`").
@dataclass(frozen=True)
class _Seg:
    out_start: int
    out_end: int
    src_start: int
    src_end: int
    exact: bool
    label: str | None = None


@dataclass(frozen=True)
class Rendered:
    text: str | None
    problems: tuple[Problem, ...]
    segments: tuple[_Seg, ...] = field(default=(), repr=False, compare=False)
    # normalised-source offset -> source offset (only when the source contains "\r")
    _n2o: tuple[int, ...] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", [s.out_start for s in self.segments])

    def _orig(self, o: int) -> int:
        if self._n2o is None:
            return o
        return self._n2o[min(max(o, 0), len(self._n2o) - 1)]

    def _seg_at(self, i: int) -> _Seg | None:
        if not self.segments:
            return None
        k = bisect.bisect_right(self._starts, i) - 1  # type: ignore[attr-defined]
        if k < 0:
            k = 0
        seg = self.segments[k]
        # skip empty segments backwards/forwards to one that contains i
        if not (seg.out_start <= i < seg.out_end):
            for cand in self.segments[k:]:
                if cand.out_start <= i < cand.out_end:
                    return cand
                if cand.out_start > i:
                    break
        return seg

    def source_offset(self, i: int) -> tuple[int, int]:
        """Rendered index → span in the source (an expression's whole tag if inside one)."""
        seg = self._seg_at(i)
        if seg is None:
            return (0, 0)
        if i >= seg.out_end:  # past the end of the text
            if seg.exact:
                e = self._orig(seg.src_end)
                return (e, e)
            return (self._orig(seg.src_start), self._orig(seg.src_end))
        if seg.exact:
            o = seg.src_start + (i - seg.out_start)
            return (self._orig(o), self._orig(o + 1))
        return (self._orig(seg.src_start), self._orig(seg.src_end))

    def source_span(self, start: int, end: int) -> tuple[int, int, tuple[str, ...]]:
        """Rendered range → (source start, source end, labels of expansions it touches)."""
        if not self.segments:
            return (0, 0, ())
        end = max(end, start)
        s0, e0 = self.source_offset(start)
        if end > start:
            s1, e1 = self.source_offset(end - 1)
        else:
            s1, e1 = s0, e0
        labels: list[str] = []
        k = max(bisect.bisect_right(self._starts, start) - 1, 0)  # type: ignore[attr-defined]
        for seg in self.segments[k:]:
            if seg.out_start > max(end - 1, start):
                break
            if seg.out_end > start or (seg.out_start == start == end):
                if not seg.exact and seg.label and seg.label not in labels:
                    labels.append(seg.label)
        return (min(s0, s1), max(e0, e1, s0), tuple(labels))


# --------------------------------------------------------------------------------------
# `experiment` stub (config-language.md §5.4)
# --------------------------------------------------------------------------------------


class _Obj:
    """An attribute bag that prints like the reference's objects."""

    def __init__(self, _type: str, **attrs: Any) -> None:
        self.__dict__.update(attrs)
        self.__dict__["_type_name"] = _type

    def __str__(self) -> str:
        return f"<{self._type_name} object>"

    __repr__ = __str__


class _EnumValue:
    def __init__(self, enum: str, name: str, value: str) -> None:
        self.name = name
        self.value = value
        self._enum = enum

    def __str__(self) -> str:
        return f"{self._enum}.{self.name}"

    __repr__ = __str__


_START = datetime(2024, 1, 1, tzinfo=timezone.utc)
_ENROLL_END = datetime(2024, 1, 8, tzinfo=timezone.utc)
_END = datetime(2024, 2, 5, tzinfo=timezone.utc)

EXPERIMENT_ATTRIBUTES: dict[str, Any] = {
    "normandy_slug": "my-experiment",
    "experimenter_slug": None,
    "start_date": _START,
    "end_date": _END,
    "enrollment_end_date": _ENROLL_END,
    "start_date_str": "2024-01-01",
    "end_date_str": "2024-02-05",
    "last_enrollment_date_str": "2024-01-08",
    "enrollment_period": 7,
    "proposed_enrollment": 7,
    "reference_branch": "control",
    "branches": (
        _Obj("Branch", slug="control", ratio=1),
        _Obj("Branch", slug="treatment", ratio=1),
    ),
    "status": "Live",
    "app_name": "firefox_desktop",
    "app_id": "firefox-desktop",
    "analysis_unit": _EnumValue("AnalysisUnit", "CLIENT", "client_id"),
    "enrollments_query_type": _EnumValue("EnrollmentsQueryType", "NORMANDY", "normandy"),
    "randomization_unit": "normandy_id",
    "bucket_config": _Obj(
        "BucketConfig",
        randomization_unit="normandy_id",
        namespace="my-experiment-namespace",
        start=0,
        count=100,
        total=10000,
    ),
    "bucket_count": 100,
    "bucket_start": 0,
    "sample_size": None,
    "segments": (),
    "exposure_signal": None,
    "skip": False,
    "is_private": False,
    "dataset_id": None,
    "is_rollout": False,
    "is_high_population": False,
    "is_enrollment_paused": True,
    "channel": "release",
    "boolean_pref": None,
    "type": "v6",
    "outcomes": (),
    "do_rerun": False,
    "do_rerun_timestamp": None,
    "experiment_spec": None,
    "experiment": None,
}

_EXPERIMENT = _Obj("ExperimentProxy", **EXPERIMENT_ATTRIBUTES)


# --------------------------------------------------------------------------------------
# The bounded sandbox
# --------------------------------------------------------------------------------------


class _Refused(Exception):
    """A resource limit was hit (reported as JET408)."""


class _ArityError(Exception):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


class _DefinitionError(Exception):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


class _State(threading.local):
    def __init__(self) -> None:
        self.active = False
        self.deadline = 0.0
        self.ops = 0
        self.produced = 0
        self.records: list[tuple[int, str]] = []


_state = _State()

# Time spent in the cyclic garbage collector, process-wide: a full collection of a big heap can
# take longer than TIME_BUDGET, and must not count as the template's time.
_GC_SECONDS = [0.0]
_GC_START = [0.0]


def _gc_timer(phase: str, _info: dict) -> None:
    if phase == "start":
        _GC_START[0] = time.perf_counter()
    else:
        _GC_SECONDS[0] += time.perf_counter() - _GC_START[0]


gc.callbacks.append(_gc_timer)


def _render_clock() -> float:
    """Seconds of this thread's CPU time minus collector pauses (a deadline clock that neither
    waiting for other threads nor a garbage collection advances)."""
    return time.thread_time() - _GC_SECONDS[0]


def _tick() -> None:
    st = _state
    if not st.active:
        return
    st.ops += 1
    if st.ops > MAX_OPS:
        raise _Refused(f"more than {MAX_OPS:,} operations")
    if not st.ops & 31 and _render_clock() > st.deadline:
        raise _Refused(f"rendering took longer than {TIME_BUDGET:g} s")


def _weight(value: Any, cap: int = MAX_VALUE) -> int:
    """Characters + elements of a value, counting shared references each time (that is what
    str() of it would cost), computed in time linear in the distinct objects; stops at cap."""
    memo: dict[int, int] = {}

    def w(v: Any, depth: int) -> int:
        if isinstance(v, (str, bytes)):
            return len(v) + 1
        if isinstance(v, (list, tuple, set, frozenset, dict)):
            key = id(v)
            if key in memo:
                return memo[key]
            if depth > 50:
                raise _Refused("value nested too deeply")
            memo[key] = cap + 1  # a cycle costs "too much"
            total = 1
            items: Iterable[Any] = v.items() if isinstance(v, dict) else v
            for item in items:
                if isinstance(v, dict):
                    total += w(item[0], depth + 1) + w(item[1], depth + 1)
                else:
                    total += w(item, depth + 1)
                if total > cap:
                    break
            memo[key] = total
            return total
        if isinstance(v, int) and not isinstance(v, bool):
            return max(1, v.bit_length() // 3)
        return 1

    return w(value, 0)


def _check_weight(*values: Any) -> None:
    for v in values:
        if _weight(v) > MAX_VALUE:
            raise _Refused(f"a value larger than {MAX_VALUE:,} characters/elements")


def _check_int_args(args: Iterable[Any]) -> None:
    for a in args:
        if isinstance(a, int) and not isinstance(a, bool) and abs(a) > MAX_INT_ARG:
            raise _Refused(f"numeric argument {a if a.bit_length() < 64 else 'of ' + str(a.bit_length()) + ' bits'} exceeds {MAX_INT_ARG:,}")


_DIGITS = re.compile(r"\d+")


def _check_format_string(fmt: Any) -> None:
    if isinstance(fmt, str):
        total = 0
        for m in _DIGITS.finditer(fmt):
            if len(m.group()) > 7:
                raise _Refused("format width too large")
            total += int(m.group())
            if total > MAX_VALUE:
                raise _Refused("format widths too large")


def _materialize(iterable: Any, what: str) -> list:
    out = []
    total = 0
    for item in iterable:
        _tick()
        out.append(item)
        total += _weight(item) if not isinstance(item, str) else len(item)
        if total > MAX_VALUE or len(out) > MAX_VALUE:
            raise _Refused(f"{what} would produce more than {MAX_VALUE:,} characters")
    return out


def _guard_str_method(obj: Any, args: tuple, kwargs: dict) -> tuple:
    """Pre-checks for the str methods that can amplify sizes."""
    name = getattr(obj, "__name__", "")
    self = getattr(obj, "__self__", None)
    wrapped = getattr(obj, "__wrapped__", None)
    if wrapped is not None and isinstance(getattr(wrapped, "__self__", None), str):
        _check_format_string(wrapped.__self__)  # sandboxed str.format / format_map
        return args
    if not isinstance(self, str):
        return args
    if name == "replace" and len(args) >= 2:
        old, new = str(args[0]), str(args[1])
        n = self.count(old) if old else len(self) + 1
        if len(self) + n * len(new) > MAX_VALUE:
            raise _Refused("str.replace would produce a huge string")
    elif name == "join" and args:
        items = _materialize(args[0], "str.join")
        if sum(len(x) if isinstance(x, str) else 1 for x in items) + len(self) * len(items) > MAX_VALUE:
            raise _Refused("str.join would produce a huge string")
        args = (items,) + tuple(args[1:])
    elif name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        if isinstance(size, int) and len(self) + self.count("\t") * size > MAX_VALUE:
            raise _Refused("str.expandtabs would produce a huge string")
    elif name in ("format", "format_map"):
        _check_format_string(self)
    return args


def _wrap_filter(name: str, func: Any) -> Any:
    @functools.wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        _tick()
        _check_int_args(args)
        _check_int_args(kwargs.values())
        plain = [a for a in args if not isinstance(a, (jinja2.runtime.Context, jinja2.Environment))]
        _check_weight(*plain, *kwargs.values())
        data = [a for a in plain if not isinstance(a, jinja2.nodes.EvalContext)]
        value = data[0] if data else None
        if name == "join" and data:
            items = _materialize(value, "join")
            sep = data[1] if len(data) > 1 else kwargs.get("d", "")
            if sum(_weight(i) for i in items) + len(str(sep)) * len(items) > MAX_VALUE:
                raise _Refused("join would produce a huge string")
            args = tuple(items if a is value else a for a in args)
        elif name == "attr" and len(data) >= 2 and str(data[1]).startswith("_"):
            # Jinja's sandboxed `attr` answers an unsafe name with an Undefined that a further
            # `|attr` replaces by a plain one, so the refusal surfaced as a confusing JET403.
            raise SecurityError(f"access to attribute {str(data[1])!r} of {type(value).__name__!r} object is unsafe.")
        elif name == "replace" and len(data) >= 3:
            s, old, new = str(data[0]), str(data[1]), str(data[2])
            n = s.count(old) if old else len(s) + 1
            if len(s) + n * len(new) > MAX_VALUE:
                raise _Refused("replace would produce a huge string")
        elif name == "indent" and data:
            width = data[1] if len(data) > 1 else kwargs.get("width", 4)
            w = len(width) if isinstance(width, str) else int(width or 0)
            s = str(value)
            if len(s) + (s.count("\n") + 1) * w > MAX_VALUE:
                raise _Refused("indent would produce a huge string")
        elif name == "wordwrap" and data:
            wrapstring = data[3] if len(data) > 3 else kwargs.get("wrapstring") or "\n"
            if len(str(value)) * (1 + len(str(wrapstring))) > MAX_VALUE:
                raise _Refused("wordwrap would produce a huge string")
        elif name == "format" and data:
            _check_format_string(value)
        elif name == "sum" and data:
            items = _materialize(value, "sum")
            if any(isinstance(i, (list, tuple, str)) for i in items) and len(items) > 1000:
                raise _Refused("sum over too many sequences")
            args = tuple(items if a is value else a for a in args)
        result = func(*args, **kwargs)
        if not isinstance(result, (Iterator,)):
            _check_weight(result)
        return result

    return guarded


class _BoundedEnvironment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+", "%", "//"})

    def __init__(self) -> None:
        super().__init__(undefined=jinja2.StrictUndefined, autoescape=False)
        for name in ("cycler", "joiner", "namespace", "lipsum"):
            self.globals.pop(name, None)
        self.filters = {n: _wrap_filter(n, f) for n, f in self.filters.items()}
        self._internal = {
            id(self.jetls_mark),
            id(self.jetls_data),
            id(self.jetls_count),
            id(self.jetls_iter),
            id(self.jetls_concat),
        }

    # -- instrumentation hooks (called from instrumented templates) --

    def jetls_mark(self, k: int, value: Any) -> str:
        _check_weight(value)
        s = str(value)
        self._produce(len(s))
        _state.records.append((k, s))
        return s

    def jetls_data(self, k: int, s: str) -> str:
        self._produce(len(s))
        _state.records.append((k, s))
        return s

    def jetls_count(self, value: Any) -> Any:
        _check_weight(value)
        self._produce(_weight(value))
        return value

    def jetls_iter(self, iterable: Any) -> Iterator[Any]:
        for item in iterable:
            _tick()
            yield item

    def jetls_concat(self, *parts: Any) -> str:
        total = 0
        for p in parts:
            total += _weight(p)
        if total > MAX_VALUE:
            raise _Refused("`~` would produce a huge string")
        return "".join(str(p) for p in parts)

    @staticmethod
    def _produce(n: int) -> None:
        _tick()
        _state.produced += n
        if _state.produced > MAX_OUTPUT:
            raise _Refused(f"output longer than {MAX_OUTPUT:,} characters")

    # -- sandbox overrides --

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        if id(getattr(__obj, "__func__", None)) in __self._internal or id(__obj) in __self._internal:
            return __context.call(__obj, *args, **kwargs)
        _tick()
        _check_int_args(args)
        _check_int_args(kwargs.values())
        _check_weight(*args, *kwargs.values())
        args = _guard_str_method(__obj, args, kwargs)
        result = super().call(__context, __obj, *args, **kwargs)
        if not isinstance(result, Iterator):
            _check_weight(result)
        return result

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _tick()
        lint = isinstance(left, int) and not isinstance(left, bool)
        rint = isinstance(right, int) and not isinstance(right, bool)
        if operator == "**" and lint and rint:
            if right > 0 and abs(left) > 1 and left.bit_length() * right > MAX_INT_BITS:
                raise _Refused(f"`**` result larger than {MAX_INT_BITS:,} bits")
        elif operator == "*":
            if lint and rint:
                if left.bit_length() + right.bit_length() > MAX_INT_BITS:
                    raise _Refused(f"`*` result larger than {MAX_INT_BITS:,} bits")
            elif lint or rint:
                n, seq = (left, right) if lint else (right, left)
                if n > 0 and _weight(seq) * n > MAX_VALUE:
                    raise _Refused(f"`*` would build a value larger than {MAX_VALUE:,}")
        elif operator == "+":
            if not (lint or rint) and _weight(left) + _weight(right) > MAX_VALUE:
                raise _Refused(f"`+` would build a value larger than {MAX_VALUE:,}")
        elif operator == "%" and isinstance(left, str):
            _check_format_string(left)
            _check_int_args(right if isinstance(right, tuple) else (right,))
        result = super().call_binop(context, operator, left, right)
        _check_weight(result)
        return result


_ENV = _BoundedEnvironment()
_FORMATTER = SandboxedFormatter(_ENV)


class _Function:
    """A functions.toml function as a Jinja global: exactly one argument."""

    def __init__(self, name: str, definition: str) -> None:
        self.name = name
        self.definition = definition

    def __call__(self, *args: Any, **kwargs: Any) -> str:
        extra = set(kwargs) - {"select_expr"}
        n = len(args) + len(kwargs)
        if extra:
            raise _ArityError(
                self.name,
                f"`{self.name}` got an unexpected keyword argument `{sorted(extra)[0]}`; "
                "it takes exactly one argument, the SQL expression (positional or `select_expr=`)",
            )
        if n != 1:
            raise _ArityError(self.name, _arity_message(self.name, n))
        arg = args[0] if args else kwargs["select_expr"]
        if isinstance(arg, jinja2.Undefined):
            str(arg)  # raises the UndefinedError
        _check_format_string(self.definition)
        try:
            return _FORMATTER.vformat(self.definition, (), {"select_expr": arg})
        except SecurityError:
            raise
        except (KeyError, IndexError, ValueError, AttributeError) as e:
            raise _DefinitionError(
                self.name,
                f"cannot expand `{self.name}`: its functions.toml definition is not a valid "
                f"str.format template ({type(e).__name__}: {e}); only `{{select_expr}}` may be "
                "used and literal braces must be doubled",
            ) from None


def _arity_message(name: str, n: int) -> str:
    return (
        f"`{name}` takes exactly one argument (the SQL expression, e.g. "
        f"`{name}(\"column\")`), but {n} {'was' if n == 1 else 'were'} given"
    )


# --------------------------------------------------------------------------------------
# Lexing and parsing with character offsets
# --------------------------------------------------------------------------------------


@dataclass
class _Tok:
    start: int
    end: int
    type: str  # jinja token type after wrap() (operators → their names, keywords → value)
    value: Any
    raw: str


class _Syntax(Exception):
    def __init__(self, start: int, end: int, message: str) -> None:
        super().__init__(message)
        self.start, self.end, self.message = start, end, message


_UNEXPECTED_CHAR = re.compile(r"unexpected char .* at (\d+)$")


def _lex(src: str) -> list[_Tok]:
    lexer = _ENV.lexer
    toks: list[_Tok] = []
    cursor = 0
    it = lexer.tokeniter(src, None)
    while True:
        try:
            item = next(it)
        except StopIteration:
            break
        except TemplateSyntaxError as e:
            m = _UNEXPECTED_CHAR.search(e.message or "")
            if m:
                pos = int(m.group(1))
                raise _Syntax(pos, pos + 1, e.message or "syntax error") from None
            pos = cursor
            while pos < len(src) and src[pos].isspace():
                pos += 1
            msg = e.message or ""
            opener = "{#" if "comment" in msg else "{%" if "raw" in msg else None
            if opener is not None:
                k = src.rfind(opener, 0, pos + 1)
                if k >= 0:
                    pos = k
            end = pos + 2 if src.startswith(("{#", "{%", "{{"), pos) else pos + 1
            raise _Syntax(pos, min(end, len(src)) if pos < len(src) else pos, e.message or "syntax error") from None
        _lineno, ttype, value = item
        i = src.find(value, cursor) if value else cursor
        if i < 0:
            i = cursor
        end = i + len(value)
        cursor = end
        try:
            for tok in lexer.wrap([(i + 1, ttype, value)]):
                toks.append(_Tok(i, end, tok.type, tok.value, value))
        except TemplateSyntaxError as e:
            raise _Syntax(i, end, e.message or "syntax error") from None
    return toks


_OPENERS = {"if", "for", "macro", "call", "filter", "with", "block", "autoescape", "trans"}


def _syntax_position(toks: list[_Tok], src: str, err: TemplateSyntaxError, at_eof: bool) -> tuple[int, int]:
    by_start = {t.start: t for t in toks}
    if not at_eof:
        off = (err.lineno or 1) - 1
        t = by_start.get(off)
        if t is not None:
            return (t.start, max(t.end, t.start + 1))
        return (off, off + 1)
    # unexpected end of template: an unclosed tag, or an unclosed block statement
    open_tag: _Tok | None = None
    stack: list[tuple[str, int, int]] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if t.type in ("variable_begin", "block_begin"):
            open_tag = t
            if t.type == "block_begin" and i + 1 < len(toks) and toks[i + 1].type == "name":
                name = toks[i + 1].value
                j = i + 1
                while j < len(toks) and toks[j].type != "block_end":
                    j += 1
                tag_end = toks[j].end if j < len(toks) else len(src)
                if name in _OPENERS or (
                    name == "set" and not any(x.type == "assign" for x in toks[i + 1 : j])
                ):
                    stack.append((name, t.start, tag_end))
                elif name.startswith("end"):
                    for k in range(len(stack) - 1, -1, -1):
                        if stack[k][0] == name[3:]:
                            del stack[k:]
                            break
        elif t.type in ("variable_end", "block_end"):
            open_tag = None
        i += 1
    if open_tag is not None:
        return (open_tag.start, open_tag.end)
    if stack:
        return (stack[-1][1], stack[-1][2])
    n = len(src)
    return (max(n - 1, 0), n)


def _parse(src: str, toks: list[_Tok]) -> nodes.Template:
    parser = Parser(_ENV, "")
    parser.stream = TokenStream(
        iter([jinja2.lexer.Token(t.start + 1, t.type, t.value) for t in toks]), None, None
    )
    return parser.parse()


# --------------------------------------------------------------------------------------
# Static facts about a template (context independent, cached per source)
# --------------------------------------------------------------------------------------


@dataclass
class _Facts:
    bound: set[str] = field(default_factory=set)
    names: list[tuple[str, int, int, bool]] = field(default_factory=list)  # name, s, e, called
    attrs: list[tuple[str, str, int, int]] = field(default_factory=list)  # base, attr, s, e
    calls: list[tuple[str, int, int, int, tuple[str, ...], bool]] = field(default_factory=list)
    filters: list[tuple[str, int, int]] = field(default_factory=list)
    tests: list[tuple[str, int, int]] = field(default_factory=list)
    unsafe: list[tuple[str, int, int]] = field(default_factory=list)
    undeclared: frozenset[str] = frozenset()
    has_statements: bool = False


def _tok_after(toks: list[_Tok], starts: list[int], off: int) -> int:
    """Index of the first token starting at or after off."""
    return bisect.bisect_left(starts, off)


def _name_span(toks: list[_Tok], starts: list[int], off: int, name: str) -> tuple[int, int]:
    k = _tok_after(toks, starts, off)
    for t in toks[k : k + 4]:
        if t.type == "name" and t.value == name:
            return (t.start, t.end)
        if t.type == "string" and t.value == name:
            return (t.start, t.end)
    return (off, off + len(name))


def _call_end(toks: list[_Tok], starts: list[int], name_off: int) -> int:
    k = _tok_after(toks, starts, name_off) + 1
    depth = 0
    while k < len(toks):
        t = toks[k]
        if t.type in ("lparen", "lbracket", "lbrace"):
            depth += 1
        elif t.type in ("rparen", "rbracket", "rbrace"):
            depth -= 1
            if depth == 0:
                return t.end
        elif depth == 0 and t.type != "lparen":
            break
        k += 1
    return toks[k - 1].end if 0 < k <= len(toks) else name_off


_STATEMENTS = (
    nodes.For, nodes.If, nodes.Macro, nodes.CallBlock, nodes.FilterBlock, nodes.Assign, nodes.AssignBlock,
    nodes.With, nodes.Block, nodes.Scope, nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends,
    nodes.ExprStmt,
)


def _facts(ast: nodes.Template, toks: list[_Tok]) -> _Facts:
    """One walk over the AST (node.lineno is the offset of the node's first token + 1)."""
    f = _Facts()
    starts = [t.start for t in toks]
    f.bound.update({"loop", "caller", "varargs", "kwargs", "self", "super"})
    called: set[int] = set()
    loads: list[nodes.Name] = []
    stack: list[nodes.Node] = [ast]
    while stack:
        node = stack.pop()
        stack.extend(reversed(list(node.iter_child_nodes())))
        if isinstance(node, _STATEMENTS):
            f.has_statements = True
        if isinstance(node, nodes.Name):
            if node.ctx in ("store", "param"):
                f.bound.add(node.name)
            elif node.ctx == "load":
                loads.append(node)
        elif isinstance(node, nodes.Macro):
            f.bound.add(node.name)
        elif isinstance(node, nodes.Call):
            if isinstance(node.node, nodes.Name):
                called.add(id(node.node))
                off = node.node.lineno - 1
                f.calls.append(
                    (
                        node.node.name,
                        off,
                        _call_end(toks, starts, off),
                        len(node.args),
                        tuple(kw.key for kw in node.kwargs),
                        node.dyn_args is not None or node.dyn_kwargs is not None,
                    )
                )
        elif isinstance(node, nodes.Getattr):
            s, e = _name_span(toks, starts, node.lineno - 1, node.attr)
            if node.attr.startswith("_"):
                f.unsafe.append((node.attr, s, e))
            if isinstance(node.node, nodes.Name):
                f.attrs.append((node.node.name, node.attr, s, e))
        elif isinstance(node, nodes.Getitem):
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                k = _tok_after(toks, starts, node.arg.lineno - 1)
                t = toks[k] if k < len(toks) else None
                s, e = (t.start, t.end) if t else (node.arg.lineno - 1, node.arg.lineno)
                if node.arg.value.startswith("_"):
                    f.unsafe.append((node.arg.value, s, e))
                if isinstance(node.node, nodes.Name):
                    f.attrs.append((node.node.name, node.arg.value, s, e))
        elif isinstance(node, nodes.Filter) and node.name:
            f.filters.append((node.name, *_name_span(toks, starts, node.lineno - 1, node.name)))
        elif isinstance(node, nodes.Test):
            f.tests.append((node.name, *_name_span(toks, starts, node.lineno - 1, node.name)))
    for n in loads:
        off = n.lineno - 1
        f.names.append((n.name, off, off + len(n.name), id(n) in called))
    # what the reference's `meta.find_undeclared_variables` reports, up to scoping subtleties
    f.undeclared = frozenset(n.name for n in loads if n.name not in f.bound)
    f.filters = sorted(set(f.filters), key=lambda x: x[1])
    return f


# --------------------------------------------------------------------------------------
# Instrumentation: record every top-level output piece, bound loops and `~`
# --------------------------------------------------------------------------------------


def _env_call(attr: str, args: list[nodes.Expr], lineno: int) -> nodes.Call:
    call = nodes.Call(nodes.EnvironmentAttribute(attr), args, [], None, None)
    call.set_lineno(lineno, override=True)
    return call


_BUFFERED = (nodes.Macro, nodes.CallBlock, nodes.FilterBlock, nodes.AssignBlock)


@dataclass
class _Piece:
    exact: bool  # literal text (exact) or expression output (atomic)
    src_start: int
    src_end: int
    label: str | None


def _instrument(ast: nodes.Template, toks: list[_Tok], src: str) -> list[_Piece]:
    var_tags: list[tuple[int, int]] = []
    begin: int | None = None
    for t in toks:
        if t.type == "variable_begin":
            begin = t.start
        elif t.type == "variable_end" and begin is not None:
            var_tags.append((begin, t.end))
            begin = None
    tag_starts = [s for s, _ in var_tags]
    pieces: list[_Piece] = []

    def tag_of(off: int) -> tuple[int, int]:
        k = bisect.bisect_right(tag_starts, off) - 1
        if k >= 0 and var_tags[k][0] <= off < var_tags[k][1]:
            return var_tags[k]
        return (off, off + 1)

    def label_of(expr: nodes.Expr, span: tuple[int, int]) -> str:
        if isinstance(expr, nodes.Call) and isinstance(expr.node, nodes.Name):
            return f"the expansion of `{expr.node.name}(...)`"
        text = src[span[0] : span[1]]
        if len(text) > 60:
            text = text[:57] + "..."
        return f"the output of `{text}`"

    def visit(node: nodes.Node, buffered: bool) -> None:
        if isinstance(node, nodes.Output):
            new = []
            for child in node.nodes:
                ln = child.lineno or 1
                if buffered:
                    new.append(_env_call("jetls_count", [child], ln))
                    continue
                k = len(pieces)
                if isinstance(child, nodes.TemplateData):
                    s = ln - 1
                    pieces.append(_Piece(True, s, s + len(child.data), None))
                    new.append(_env_call("jetls_data", [nodes.Const(k), nodes.Const(child.data)], ln))
                else:
                    span = tag_of(ln - 1)
                    pieces.append(_Piece(False, span[0], span[1], label_of(child, span)))
                    new.append(_env_call("jetls_mark", [nodes.Const(k), child], ln))
                    visit(child, buffered)
            for n in new:
                for sub in n.find_all(nodes.Const):
                    if sub.lineno is None:
                        sub.set_lineno(n.lineno)
            node.nodes = new
            return
        if isinstance(node, nodes.For):
            ln = node.iter.lineno or node.lineno or 1
            node.iter = _env_call("jetls_iter", [node.iter], ln)
        inner_buffered = buffered or isinstance(node, _BUFFERED)
        for name in node.fields:
            value = getattr(node, name, None)
            if isinstance(value, nodes.Node):
                if isinstance(value, nodes.Concat):
                    call = _env_call("jetls_concat", list(value.nodes), value.lineno or 1)
                    setattr(node, name, call)
                    for v in value.nodes:
                        visit(v, inner_buffered)
                else:
                    visit(value, inner_buffered if name != "call" else buffered)
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, nodes.Concat):
                        value[i] = _env_call("jetls_concat", list(item.nodes), item.lineno or 1)
                        for v in item.nodes:
                            visit(v, inner_buffered)
                    elif isinstance(item, nodes.Node):
                        visit(item, inner_buffered)

    visit(ast, False)
    return pieces


@dataclass
class _Compiled:
    src: str  # normalised source
    toks: list[_Tok]
    facts: _Facts | None
    template: Any  # jinja2.Template | None
    pieces: list[_Piece]
    syntax: Problem | None
    refused: Problem | None


_EOF_HINT = (
    " (in SQL text, a literal `{%` or `{#` must be written as `{{ '{%' }}` / `{{ '{#' }}`,"
    " because Jinja reads it as a tag)"
)


# ~6 KB for a compiled Jinja template of a few hundred characters (measured on metric-hub)
@weighed_lru(3_000_000, lambda comp, src: 2 * len(src) + 6_000)
def _compile(src: str) -> _Compiled:
    try:
        return _compile_uncached(src)
    except (RecursionError, MemoryError):
        return _Compiled(src, [], None, None, [], None,
                         _problem("JET408", 0, len(src), "template refused: it is nested too deeply to be checked"))


def _compile_uncached(src: str) -> _Compiled:
    if len(src) > MAX_SOURCE:
        return _Compiled(src, [], None, None, [], None,
                         _problem("JET408", 0, len(src), f"template refused: longer than {MAX_SOURCE:,} characters"))
    try:
        toks = _lex(src)
    except _Syntax as e:
        msg = f"Jinja syntax error: {e.message}"
        if "comment" in e.message or "raw" in e.message:
            msg += _EOF_HINT
        return _Compiled(src, [], None, None, [], _problem("JET401", e.start, e.end, msg), None)
    depth = 0
    for t in toks:
        if t.type in ("lparen", "lbracket", "lbrace"):
            depth += 1
            if depth > MAX_NESTING:
                return _Compiled(src, toks, None, None, [], None, _problem(
                    "JET408", t.start, t.end,
                    f"template refused: brackets nested more than {MAX_NESTING} deep"))
        elif t.type in ("rparen", "rbracket", "rbrace"):
            depth = max(depth - 1, 0)
        elif t.type in ("variable_end", "block_end"):
            depth = 0
    try:
        ast = _parse(src, toks)
    except TemplateSyntaxError as e:
        message = e.message or "syntax error"
        at_eof = "nd of template" in message
        s, en = _syntax_position(toks, src, e, at_eof)
        msg = f"Jinja syntax error: {message}"
        if at_eof and src[s : s + 2] in ("{%", "{#") and "innermost block" not in message:
            msg += _EOF_HINT
        return _Compiled(src, toks, None, None, [], _problem("JET401", s, en, msg), None)
    facts = _facts(ast, toks)
    if any(n not in _ENV.filters for n, _, _ in facts.filters) or any(n not in _ENV.tests for n, _, _ in facts.tests):
        return _Compiled(src, toks, facts, None, [], None, None)  # reported by the static checks
    pieces = _instrument(ast, toks, src)
    try:
        template = _ENV.from_string(ast)
    except TemplateSyntaxError as e:  # e.g. assertion errors raised by the code generator
        off = max((e.lineno or 1) - 1, 0)
        return _Compiled(src, toks, facts, None, [], _problem("JET401", off, off + 1, f"Jinja error: {e.message}"), None)
    return _Compiled(src, toks, facts, template, pieces, None, None)


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
            variables[name] = _Function(name, definition)
            funcs.add(name)
    if ctx.field == "metric_select" and ctx.parameters is not None and "parameters" in src:
        variables["parameters"] = dict(ctx.parameters)
    if ctx.field in _EXPERIMENT_FIELDS and ctx.experiment:
        variables["experiment"] = _EXPERIMENT
    return variables, funcs


def _static_problems(ctx: TemplateContext, comp: _Compiled, variables: dict[str, Any]) -> list[Problem]:
    f = comp.facts
    assert f is not None
    out: list[Problem] = []
    defined = set(_ENV.globals) | set(variables) | f.bound
    for attr, s, e in f.unsafe:
        out.append(_problem("JET408", s, e,
                            f"template refused: access to `{attr}` is not allowed (attributes starting "
                            "with `_` are blocked by the sandbox)"))
    for name, s, e, called in f.names:
        if name in defined:
            continue
        if name in ctx.functions:
            out.append(_problem("JET402", s, e,
                                f"'{name}' is undefined: functions.toml functions are only available in "
                                "metric and segment `select_expression`"))
        elif name == "experiment":
            if ctx.field in _EXPERIMENT_FIELDS:
                msg = ("'experiment' is undefined: from_expression references `experiment`, but no experiment "
                       "is available in this context. Experiment templating is only supported when resolving "
                       "a data source for an experiment (Jetstream); it is not available for OpMon projects or "
                       "for standalone SQL/docs generation.")
            else:
                msg = ("'experiment' is undefined: `experiment` is only available in segment data source and "
                       "data source `from_expression` and in `enrollment_query`")
            out.append(_problem("JET403", s, e, msg))
        elif name == "parameters":
            if ctx.field == "metric_select":
                out.append(_problem("JET404", s, e,
                                    "'parameters' is undefined: no parameters are declared in this context "
                                    "(declare them in the outcome with `[parameters.<name>]`)"))
            else:
                out.append(_problem("JET403", s, e,
                                    "'parameters' is undefined: `parameters` is only available in metric "
                                    "`select_expression`"))
        elif called:
            cands = [n for n in variables if n in ctx.functions] or list(ctx.functions)
            best = _closest(name, cands + ["range", "dict"])
            out.append(_problem("JET402", s, e,
                                f"'{name}' is undefined: no such function"
                                + (f" — did you mean `{best}`?" if best else
                                   (f" (known functions: {', '.join(sorted(cands))})" if cands else "")),
                                replacement=best))
        else:
            best = _closest(name, defined - f.bound)
            out.append(_problem("JET403", s, e, f"'{name}' is undefined" + (f" — did you mean `{best}`?" if best else ""),
                                replacement=best))
    for base, attr, s, e in f.attrs:
        if base in f.bound or attr.startswith("_"):
            continue
        if base == "experiment" and "experiment" in variables and attr not in EXPERIMENT_ATTRIBUTES:
            best = None
            if ctx.field == "enrollment_query" and attr == "enrollment_query":
                msg = "Not a valid enrollment_query: `experiment.enrollment_query` cannot be used inside the enrollment query itself"
            else:
                best = "normandy_slug" if attr == "slug" else _closest(attr, EXPERIMENT_ATTRIBUTES)
                msg = f"'experiment' has no attribute '{attr}'" + (f" — did you mean `{best}`?" if best else "")
            out.append(_problem("JET403", s, e, msg, replacement=best))
        elif base == "parameters" and "parameters" in variables and attr not in variables["parameters"]:
            declared = sorted(variables["parameters"])
            best = _closest(attr, declared)
            out.append(_problem("JET404", s, e,
                                f"parameter '{attr}' is not declared" + (f" — did you mean `{best}`?" if best else "")
                                + (f" (declared: {', '.join(declared)})" if declared else " (no parameters are declared)"),
                                replacement=best))
    for name, s, e, npos, kws, dyn in f.calls:
        if name not in variables or name not in ctx.functions or name in f.bound or dyn:
            continue
        bad_kw = [k for k in kws if k != "select_expr"]
        if bad_kw:
            out.append(_problem("JET405", s, e,
                                f"`{name}` got an unexpected keyword argument `{bad_kw[0]}`; it takes exactly one "
                                "argument, the SQL expression (positional or `select_expr=`)"))
        elif npos + len(kws) != 1:
            out.append(_problem("JET405", s, e, _arity_message(name, npos + len(kws))))
    for name, s, e in f.filters:
        if name not in _ENV.filters:
            best = _closest(name, _ENV.filters)
            out.append(_problem("JET403", s, e, f"no filter named '{name}'" + (f" — did you mean `{best}`?" if best else ""),
                                replacement=best))
    for name, s, e in f.tests:
        if name not in _ENV.tests:
            best = _closest(name, _ENV.tests)
            out.append(_problem("JET403", s, e, f"no test named '{name}'" + (f" — did you mean `{best}`?" if best else ""),
                                replacement=best))
    return out


# --------------------------------------------------------------------------------------
# Running a compiled template
# --------------------------------------------------------------------------------------


def _tag_around(comp: _Compiled, off: int) -> tuple[int, int]:
    begin = None
    for t in comp.toks:
        if t.start > off:
            break
        if t.type in ("variable_begin", "block_begin"):
            begin = t
        elif t.type in ("variable_end", "block_end"):
            begin = None if t.end <= off else begin
    if begin is None:
        return (off, off + 1)
    for t in comp.toks:
        if t.start >= begin.start and t.type in ("variable_end", "block_end"):
            return (begin.start, t.end)
    return (begin.start, len(comp.src))


def _error_offset(exc: BaseException) -> int | None:
    tb = exc.__traceback__
    found = None
    while tb is not None:
        g = tb.tb_frame.f_globals
        if "__jinja_exception__" in g or "__jinja_template__" in g:
            if "__jinja_exception__" in g:
                found = tb.tb_lineno - 1
        tb = tb.tb_next
    return found


_QUOTED = re.compile(r"'([^']*)'")


def _runtime_problem(comp: _Compiled, exc: BaseException, ctx: TemplateContext) -> Problem:
    off = _error_offset(exc)
    span = _tag_around(comp, off) if off is not None else (0, len(comp.src))
    text = str(exc) or type(exc).__name__

    def narrow(name: str | None) -> tuple[int, int]:
        if name:
            for t in comp.toks:
                if span[0] <= t.start < span[1] and t.type in ("name", "string") and t.value == name:
                    return (t.start, t.end)
        return span

    if isinstance(exc, _Refused):
        return _problem("JET408", *span, f"template refused: {text}")
    if isinstance(exc, SecurityError):
        return _problem("JET408", *span, f"template refused by the sandbox: {text}")
    if isinstance(exc, (OverflowError, RecursionError, MemoryError)):
        return _problem("JET408", *span, f"template refused: resource limit ({type(exc).__name__}: {text})")
    if isinstance(exc, _ArityError):
        return _problem("JET405", *span, str(exc))
    if isinstance(exc, _DefinitionError):
        return _problem("JET406", *span, str(exc))
    if isinstance(exc, UndefinedError):
        names = _QUOTED.findall(text)
        name = names[-1] if names else None
        if "collections.defaultdict" in text or ("dict object" in text and "parameters" in comp.src):
            return _problem("JET404", *narrow(name), f"parameter '{name}' is not declared ({text})")
        return _problem("JET403", *narrow(name), text)
    if isinstance(exc, jinja2.TemplateError):
        return _problem("JET409", *span, f"template rendering failed: {text}")
    return _problem("JET409", *span, f"template rendering failed: {type(exc).__name__}: {text}")


def _run(comp: _Compiled, variables: dict[str, Any], ctx: TemplateContext) -> tuple[str | None, list[_Seg], list[Problem]]:
    st = _state
    if st.active:  # re-entrant use (should not happen); refuse rather than corrupt state
        return None, [], [_problem("JET408", 0, len(comp.src), "template refused: nested rendering")]
    st.active = True
    st.deadline = _render_clock() + TIME_BUDGET
    st.ops = 0
    st.produced = 0
    st.records = []
    chunks: list[str] = []
    size = 0
    try:
        for chunk in comp.template.generate(**variables):
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise _Refused(f"output longer than {MAX_OUTPUT:,} characters")
            chunks.append(chunk)
            if _render_clock() > st.deadline:
                raise _Refused(f"rendering took longer than {TIME_BUDGET:g} s")
        records = st.records
    except BaseException as exc:  # noqa: BLE001 — nothing may escape
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return None, [], [_runtime_problem(comp, exc, ctx)]
    finally:
        st.active = False
        st.records = []
    text = "".join(chunks)
    segs: list[_Seg] = []
    pos = 0
    ok = "".join(s for _, s in records) == text
    if ok:
        for k, s in records:
            if not s:
                continue
            p = comp.pieces[k]
            if p.exact and len(s) == p.src_end - p.src_start:
                segs.append(_Seg(pos, pos + len(s), p.src_start, p.src_end, True))
            else:
                segs.append(_Seg(pos, pos + len(s), p.src_start, p.src_end, False, p.label))
            pos += len(s)
    elif text:
        segs.append(_Seg(0, len(text), 0, len(comp.src), False, "the rendered template"))
    return text, segs, []


# --------------------------------------------------------------------------------------
# str.format layer ({dataset}, {select_expr})
# --------------------------------------------------------------------------------------


@dataclass
class _Field:
    start: int
    end: int
    name: str  # the field name ("" for positional)
    conversion: str | None
    spec: str


def _scan_format(text: str) -> tuple[list[tuple[int, int, int]], list[_Field], list[tuple[int, int, str]]]:
    """Mirror of Python's format-string parser.  Returns literal pieces (text_start, text_end,
    out_len) — a doubled brace is a 2-char piece producing one char —, fields, and errors."""
    literals: list[tuple[int, int, int]] = []
    fields: list[_Field] = []
    errors: list[tuple[int, int, str]] = []
    i, n = 0, len(text)
    lit_start = 0
    while i < n:
        c = text[i]
        if (c == "{" or c == "}") and i + 1 < n and text[i + 1] == c:  # `{{` / `}}`: one literal brace
            if lit_start < i:
                literals.append((lit_start, i, i - lit_start))
            literals.append((i, i + 2, 1))
            i += 2
            lit_start = i
            continue
        if c == "{":
            if lit_start < i:
                literals.append((lit_start, i, i - lit_start))
            depth, j = 1, i + 1
            while j < n and depth:
                if text[j] == "{":
                    depth += 1
                elif text[j] == "}":
                    depth -= 1
                j += 1
            if depth:
                errors.append((i, i + 1, "single `{` with no closing `}` (write `{{` for a literal brace)"))
                i = n
                lit_start = n
                break
            inner = text[i + 1 : j - 1]
            m = re.match(r"([^!:]*)(?:!([^:]*))?(?::(.*))?$", inner, re.S)
            name, conv, spec = (m.group(1), m.group(2), m.group(3) or "") if m else (inner, None, "")
            fields.append(_Field(i, j, name, conv, spec))
            i = j
            lit_start = i
            continue
        if c == "}":
            errors.append((i, i + 1, "single `}` (write `}}` for a literal brace)"))
            i += 1
            continue
        i += 1
    if lit_start < n:
        literals.append((lit_start, n, n - lit_start))
    return literals, fields, errors


def _apply_format(
    text: str, allowed: str, value: str | None, missing_message: str, unsupported_message: str
) -> tuple[str | None, list[_Seg], list[tuple[int, int, str, str]]]:
    """Apply `text.format(**{allowed: value})`; returns output, segments over `text`, and
    problems (start, end, code, message) positioned in `text`."""
    literals, fields, errors = _scan_format(text)
    problems: list[tuple[int, int, str, str]] = [(s, e, "JET406", m) for s, e, m in errors]
    for fl in fields:
        base = re.split(r"[.\[]", fl.name, maxsplit=1)[0]
        shown = text[fl.start : fl.end]
        if base != allowed:
            what = f"`{shown}`" if fl.name else f"`{shown}` (a positional placeholder)"
            problems.append((fl.start, fl.end, "JET406", f"unsupported placeholder {what}: {unsupported_message}"))
        elif fl.name != allowed or fl.conversion not in (None, "s", "r", "a"):
            problems.append((fl.start, fl.end, "JET406", f"unsupported placeholder `{shown}`: write just `{{{allowed}}}`"))
        elif value is None:
            problems.append((fl.start, fl.end, "JET406", missing_message))
        elif fl.spec and ("{" in fl.spec or any(len(d) > 5 for d in _DIGITS.findall(fl.spec))):
            problems.append((fl.start, fl.end, "JET406", f"unsupported format spec in `{shown}`"))
    if problems:
        return None, [], problems
    pieces: list[tuple[int, int, str, bool]] = []  # text_start, text_end, out, exact
    for s, e, ln in literals:
        pieces.append((s, e, text[s:e] if ln == e - s else text[s], ln == e - s))
    for fl in fields:
        v = str(value)
        if fl.conversion == "r":
            v = repr(v)
        elif fl.conversion == "a":
            v = ascii(v)
        try:
            v = format(v, fl.spec)
        except (ValueError, TypeError) as exc:
            return None, [], [(fl.start, fl.end, "JET406", f"invalid format spec in `{text[fl.start:fl.end]}`: {exc}")]
        pieces.append((fl.start, fl.end, v, False))
    pieces.sort()
    out: list[str] = []
    segs: list[_Seg] = []
    pos = 0
    for s, e, o, exact in pieces:
        if not o:
            continue
        label = None if exact else f"the value substituted for `{text[s:e]}`"
        segs.append(_Seg(pos, pos + len(o), s, e, exact, label))
        out.append(o)
        pos += len(o)
    return "".join(out), segs, []


def _compose(outer: list[_Seg], inner: list[_Seg], inner_len: int) -> list[_Seg]:
    """outer maps final → intermediate, inner maps intermediate → source."""
    if not inner:
        return outer
    starts = [s.out_start for s in inner]
    res: list[_Seg] = []
    for o in outer:
        a, b = o.src_start, o.src_end
        k = max(bisect.bisect_right(starts, a) - 1, 0)
        if o.exact:
            pos = o.out_start
            x = a
            while x < b and k < len(inner):
                seg = inner[k]
                if seg.out_end <= x:
                    k += 1
                    continue
                y = min(b, seg.out_end)
                if seg.exact:
                    off = seg.src_start + (x - seg.out_start)
                    res.append(_Seg(pos, pos + (y - x), off, off + (y - x), True))
                else:
                    if res and not res[-1].exact and res[-1].src_start == seg.src_start and res[-1].out_end == pos:
                        last = res.pop()
                        res.append(_Seg(last.out_start, pos + (y - x), seg.src_start, seg.src_end, False, seg.label))
                    else:
                        res.append(_Seg(pos, pos + (y - x), seg.src_start, seg.src_end, False, seg.label))
                pos += y - x
                x = y
                k += 1
        else:
            srcs = [seg for seg in inner if seg.out_end > a and seg.out_start < max(b, a + 1)]
            if srcs:
                s0 = min(seg.src_start + (max(a, seg.out_start) - seg.out_start) if seg.exact else seg.src_start for seg in srcs)
                e0 = max(seg.src_start + (min(b, seg.out_end) - seg.out_start) if seg.exact else seg.src_end for seg in srcs)
                labels = [seg.label for seg in srcs if seg.label]
                res.append(_Seg(o.out_start, o.out_end, s0, e0, False, o.label or (labels[0] if labels else None)))
    return res


# --------------------------------------------------------------------------------------
# render()
# --------------------------------------------------------------------------------------


def _normalise(source: str) -> tuple[str, tuple[int, ...] | None]:
    if "\r" not in source:
        return source, None
    out: list[str] = []
    n2o: list[int] = []
    i = 0
    while i < len(source):
        c = source[i]
        n2o.append(i)
        if c == "\r":
            out.append("\n")
            i += 2 if source.startswith("\r\n", i) else 1
        else:
            out.append(c)
            i += 1
    n2o.append(len(source))
    return "".join(out), tuple(n2o)


def _identity(text: str) -> list[_Seg]:
    return [_Seg(0, len(text), 0, len(text), True)] if text else []


_TAG_RE = re.compile(r"\{\{.*?(\}\}|$)|\{%.*?(%\}|$)|\{#.*?(#\}|$)", re.S)

_DATASET_MISSING = (
    "`{dataset}` has no value: from_expression contains a `{dataset}` template but no value was provided "
    "and `default_dataset` is not set (set `default_dataset = \"<bigquery dataset>\"` on the data source)"
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
_FN_UNSUPPORTED = (
    "a functions.toml definition may only use `{select_expr}`; to emit a literal brace, double it."
)


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
            return Rendered(None, (_problem("JET409", 0, len(source), f"template check failed: {type(exc).__name__}: {exc}"),))


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
            return Rendered(None, (_problem("JET408", 0, len(source), f"template refused: {type(exc).__name__}"),))
        return Rendered(None, (_problem("JET409", 0, len(source), f"template check failed: {type(exc).__name__}: {exc}"),))


def _render(source: str, ctx: TemplateContext) -> Rendered:
    fld = ctx.field
    if fld not in FIELDS:
        raise ValueError(f"unknown field kind {fld!r}")
    src, n2o = _normalise(source)

    def done(text: str | None, segs: list[_Seg], problems: Iterable[Problem]) -> Rendered:
        probs = tuple(sorted(problems, key=lambda p: (p.start, p.end, p.code)))
        if n2o is not None:
            conv = lambda o: n2o[min(max(o, 0), len(n2o) - 1)]  # noqa: E731
            probs = tuple(replace(p, start=conv(p.start), end=conv(p.end)) for p in probs)
        if text is not None and n2o is not None and segs == _identity(src):
            text = source  # identity: keep the original line endings
            segs = _identity(source)
            return Rendered(text, probs, tuple(segs), None)
        return Rendered(text, probs, tuple(segs), n2o)

    if fld == "exposure_select":
        tags = list(_TAG_RE.finditer(src))
        if tags:
            return done(None, [], [
                _problem("JET407", m.start(), m.end(),
                         "exposure_signal `select_expression` is not rendered: this template text is passed to "
                         "BigQuery literally (and sqlglot would read `{...}` as a STRUCT); write the SQL directly")
                for m in tags
            ])
        return done(src, _identity(src), [])

    if fld == "function_definition":
        text, segs, probs = _apply_format(src, "select_expr", "select_expr", _FN_MISSING, _FN_UNSUPPORTED)
        return done(text, segs, [_problem(c, s, e, m) for s, e, c, m in probs])

    text: str | None = src
    segs = _identity(src)
    problems: list[Problem] = []
    jinja = True
    if fld == "data_source_from":
        jinja = False
        if "{{" in src:
            comp = _compile(src)
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
                            problems.append(_problem(
                                "JET407", m.start(), m.end(),
                                f"from_expression contains placeholder(s) {sorted(undeclared)} that will not be "
                                "substituted and will be emitted as literal braces. To reference the experiment, "
                                "use {{experiment.normandy_slug}}."))
    elif fld in ("metric_select", "segment_select", "segment_from", "enrollment_query"):
        # without a delimiter Jinja returns the text unchanged: skip the compile
        jinja = "{{" in src or "{%" in src or "{#" in src

    if jinja:
        comp = _compile(src)
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
            return done(None, [], problems + [_problem("JET409", 0, len(src), "template could not be compiled")])
        text, segs, run_problems = _run(comp, variables, ctx)
        if run_problems:
            return done(None, [], problems + run_problems)

    if fld in ("data_source_from", "segment_from") and text is not None:
        if fld == "data_source_from":
            missing = _DATASET_MISSING
        else:
            missing = _SEGMENT_DATASET_MISSING
        out, fsegs, fprobs = _apply_format(text, "dataset", ctx.default_dataset, missing, _UNSUPPORTED)
        if fprobs:
            mapped = Rendered(text, (), tuple(segs))
            for s, e, code, msg in fprobs:
                a, b, labels = mapped.source_span(s, e)
                if labels:
                    msg += f" (in {labels[0]})"
                problems.append(_problem(code, a, b, msg))
            return done(None, [], problems)
        segs = _compose(fsegs, segs, len(text))
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
            return (_problem("JET409", 0, len(source), f"template check failed: {type(exc).__name__}: {exc}"),)


@weighed_lru(2_000_000, lambda problems, source, key, kind, routines: len(source) + 200 * len(problems) + 250)
def _check_templated_cached(source: str, key: tuple, sql_kind: str, routines) -> tuple[Problem, ...]:
    try:
        return _check_templated(source, _ctx_from_key(key), sql_kind, routines)
    except BaseException as exc:  # noqa: BLE001
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return (_problem("JET409", 0, len(source), f"template check failed: {type(exc).__name__}: {exc}"),)


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
                    problems.append(Problem(s, max(e, s), p.code, p.severity,
                                            f"unbalanced parentheses: a `(` in {labels[0]} is never closed"
                                            + _definition_hint(labels[0])))
                    continue
        msg = p.message
        if labels:
            msg = f"{msg} — in {labels[0]}" + _definition_hint(labels[0])
        # a fix is offered only where the rendered text is the source text itself
        data = p.data if p.data and not labels and source[s:e] == rendered.text[p.start:p.end] else None
        problems.append(Problem(s, max(e, s), p.code, p.severity, msg, data))
    return tuple(problems)


def _definition_hint(label: str) -> str:
    if label.startswith("the expansion of"):
        name = label.split("`")[1].split("(")[0]
        return f" (check the definition of `{name}` in functions.toml)"
    return ""


def clear_caches() -> None:
    _compile.cache_clear()
    _render_cached.cache_clear()
    _check_templated_cached.cache_clear()
