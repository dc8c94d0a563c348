"""The bounded sandbox templates render in: Jinja's `ImmutableSandboxedEnvironment` with
`StrictUndefined`, and caps on operations, sizes, output and time (no exception escapes it but
`Refused` and the errors of the functions.toml functions it calls)."""

from __future__ import annotations

import functools
import gc
import re
import threading
import time
from typing import Any, Iterable, Iterator

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedFormatter

# Resource limits (per render).
MAX_SOURCE = 200_000  # characters of template source
MAX_OUTPUT = 1_000_000  # characters of rendered output (all output, nested included)
MAX_VALUE = 1_000_000  # "weight" (characters + elements) of any intermediate value
MAX_INT_ARG = 100_000  # largest integer argument accepted by calls and filters
MAX_INT_BITS = 100_000  # largest integer produced by * and **
MAX_OPS = 1_000_000  # calls + operators + loop iterations
TIME_BUDGET = 0.5  # seconds of rendering: CPU time of the rendering thread, collector pauses excluded
MAX_NESTING = 100  # bracket nesting inside one tag


class Refused(Exception):
    """A resource limit was hit (reported as JET408)."""


class ArityError(Exception):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


class DefinitionError(Exception):
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


state = _State()

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


def render_clock() -> float:
    """Seconds of this thread's CPU time minus collector pauses (a deadline clock that neither
    waiting for other threads nor a garbage collection advances)."""
    return time.thread_time() - _GC_SECONDS[0]


def _tick() -> None:
    st = state
    if not st.active:
        return
    st.ops += 1
    if st.ops > MAX_OPS:
        raise Refused(f"more than {MAX_OPS:,} operations")
    if not st.ops & 31 and render_clock() > st.deadline:
        raise Refused(f"rendering took longer than {TIME_BUDGET:g} s")


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
                raise Refused("value nested too deeply")
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
            raise Refused(f"a value larger than {MAX_VALUE:,} characters/elements")


def _check_int_args(args: Iterable[Any]) -> None:
    for a in args:
        if isinstance(a, int) and not isinstance(a, bool) and abs(a) > MAX_INT_ARG:
            shown = a if a.bit_length() < 64 else f"of {a.bit_length()} bits"
            raise Refused(f"numeric argument {shown} exceeds {MAX_INT_ARG:,}")


DIGITS = re.compile(r"\d+")


def check_format_string(fmt: Any) -> None:
    if isinstance(fmt, str):
        total = 0
        for m in DIGITS.finditer(fmt):
            if len(m.group()) > 7:
                raise Refused("format width too large")
            total += int(m.group())
            if total > MAX_VALUE:
                raise Refused("format widths too large")


def _materialize(iterable: Any, what: str) -> list:
    out = []
    total = 0
    for item in iterable:
        _tick()
        out.append(item)
        total += _weight(item) if not isinstance(item, str) else len(item)
        if total > MAX_VALUE or len(out) > MAX_VALUE:
            raise Refused(f"{what} would produce more than {MAX_VALUE:,} characters")
    return out


def _guard_str_method(obj: Any, args: tuple, kwargs: dict) -> tuple:
    """Pre-checks for the str methods that can amplify sizes."""
    name = getattr(obj, "__name__", "")
    self = getattr(obj, "__self__", None)
    wrapped = getattr(obj, "__wrapped__", None)
    if wrapped is not None and isinstance(getattr(wrapped, "__self__", None), str):
        check_format_string(wrapped.__self__)  # sandboxed str.format / format_map
        return args
    if not isinstance(self, str):
        return args
    if name == "replace" and len(args) >= 2:
        old, new = str(args[0]), str(args[1])
        n = self.count(old) if old else len(self) + 1
        if len(self) + n * len(new) > MAX_VALUE:
            raise Refused("str.replace would produce a huge string")
    elif name == "join" and args:
        items = _materialize(args[0], "str.join")
        if sum(len(x) if isinstance(x, str) else 1 for x in items) + len(self) * len(items) > MAX_VALUE:
            raise Refused("str.join would produce a huge string")
        args = (items,) + tuple(args[1:])
    elif name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        if isinstance(size, int) and len(self) + self.count("\t") * size > MAX_VALUE:
            raise Refused("str.expandtabs would produce a huge string")
    elif name in ("format", "format_map"):
        check_format_string(self)
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
                raise Refused("join would produce a huge string")
            args = tuple(items if a is value else a for a in args)
        elif name == "attr" and len(data) >= 2 and str(data[1]).startswith("_"):
            # Jinja's sandboxed `attr` answers an unsafe name with an Undefined that a further
            # `|attr` replaces by a plain one, so the refusal surfaced as a confusing JET403.
            raise SecurityError(f"access to attribute {str(data[1])!r} of {type(value).__name__!r} object is unsafe.")
        elif name == "replace" and len(data) >= 3:
            s, old, new = str(data[0]), str(data[1]), str(data[2])
            n = s.count(old) if old else len(s) + 1
            if len(s) + n * len(new) > MAX_VALUE:
                raise Refused("replace would produce a huge string")
        elif name == "indent" and data:
            width = data[1] if len(data) > 1 else kwargs.get("width", 4)
            w = len(width) if isinstance(width, str) else int(width or 0)
            s = str(value)
            if len(s) + (s.count("\n") + 1) * w > MAX_VALUE:
                raise Refused("indent would produce a huge string")
        elif name == "wordwrap" and data:
            wrapstring = data[3] if len(data) > 3 else kwargs.get("wrapstring") or "\n"
            if len(str(value)) * (1 + len(str(wrapstring))) > MAX_VALUE:
                raise Refused("wordwrap would produce a huge string")
        elif name == "format" and data:
            check_format_string(value)
        elif name == "sum" and data:
            items = _materialize(value, "sum")
            if any(isinstance(i, (list, tuple, str)) for i in items) and len(items) > 1000:
                raise Refused("sum over too many sequences")
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
        state.records.append((k, s))
        return s

    def jetls_data(self, k: int, s: str) -> str:
        self._produce(len(s))
        state.records.append((k, s))
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
            raise Refused("`~` would produce a huge string")
        return "".join(str(p) for p in parts)

    @staticmethod
    def _produce(n: int) -> None:
        _tick()
        state.produced += n
        if state.produced > MAX_OUTPUT:
            raise Refused(f"output longer than {MAX_OUTPUT:,} characters")

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
                raise Refused(f"`**` result larger than {MAX_INT_BITS:,} bits")
        elif operator == "*":
            if lint and rint:
                if left.bit_length() + right.bit_length() > MAX_INT_BITS:
                    raise Refused(f"`*` result larger than {MAX_INT_BITS:,} bits")
            elif lint or rint:
                n, seq = (left, right) if lint else (right, left)
                if n > 0 and _weight(seq) * n > MAX_VALUE:
                    raise Refused(f"`*` would build a value larger than {MAX_VALUE:,}")
        elif operator == "+":
            if not (lint or rint) and _weight(left) + _weight(right) > MAX_VALUE:
                raise Refused(f"`+` would build a value larger than {MAX_VALUE:,}")
        elif operator == "%" and isinstance(left, str):
            check_format_string(left)
            _check_int_args(right if isinstance(right, tuple) else (right,))
        result = super().call_binop(context, operator, left, right)
        _check_weight(result)
        return result


ENV = _BoundedEnvironment()
FORMATTER = SandboxedFormatter(ENV)


class Function:
    """A functions.toml function as a Jinja global: exactly one argument."""

    def __init__(self, name: str, definition: str) -> None:
        self.name = name
        self.definition = definition

    def __call__(self, *args: Any, **kwargs: Any) -> str:
        extra = set(kwargs) - {"select_expr"}
        n = len(args) + len(kwargs)
        if extra:
            raise ArityError(
                self.name,
                f"`{self.name}` got an unexpected keyword argument `{sorted(extra)[0]}`; "
                "it takes exactly one argument, the SQL expression (positional or `select_expr=`)",
            )
        if n != 1:
            raise ArityError(self.name, arity_message(self.name, n))
        arg = args[0] if args else kwargs["select_expr"]
        if isinstance(arg, jinja2.Undefined):
            str(arg)  # raises the UndefinedError
        check_format_string(self.definition)
        try:
            return FORMATTER.vformat(self.definition, (), {"select_expr": arg})
        except SecurityError:
            raise
        except (KeyError, IndexError, ValueError, AttributeError) as e:
            raise DefinitionError(
                self.name,
                f"cannot expand `{self.name}`: its functions.toml definition is not a valid "
                f"str.format template ({type(e).__name__}: {e}); only `{{select_expr}}` may be "
                "used and literal braces must be doubled",
            ) from None


def arity_message(name: str, n: int) -> str:
    return (
        f"`{name}` takes exactly one argument (the SQL expression, e.g. "
        f'`{name}("column")`), but {n} {"was" if n == 1 else "were"} given'
    )
