"""The rules, found by walking `jetls.checks.rules`: one module per diagnostic code.

A rule module holds everything about its code (ruff's `rules/<family>/rules/<rule>.rs`,
rust-analyzer's `ide-diagnostics/src/handlers/<name>.rs`):

- `CODE` and `SEVERITY` (the default: error = CI or the analysis run fails; warning = accepted
  but almost surely not meant; information / hint = notes);
- its docstring: the summary (the first paragraph), then what it finds, why it matters, the fix,
  and an example as fenced blocks ```` ```toml title="<path in a metric-hub checkout>" ````
  which, added to a copy of `examples/metric-hub`, make `jetls check` report that code (a test
  runs every one; `EXAMPLE_OPTIONS`: the options of that `jetls check`, and files of other
  kinds may come along, e.g. a bigquery-etl checkout beside it at `../bigquery-etl/`);
- the check: functions `on_<hook>(ctx, ...)` that the traversal calls at each hook (see
  `jetls.checks.hooks`), or `FOUND_BY`, the library that finds the problems it reports;
- optionally `SUPERSEDES`: codes whose diagnostics inside one of its own are dropped (the rule
  knows better what that value does), and `enabled(options)`: whether it runs at all with these
  options (a rule that needs a data source: its hooks are not even fired without one).

Adding a code is adding a module: the registry, `docs/diagnostics.md` (generated) and the
example test follow from it.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Callable

from jetls.checks import hooks, rules

SEVERITY_NAMES = ("error", "warning", "information", "hint")
_FENCE = re.compile(r'^```\w+ title="([^"]+)"\n(.*?)^```$', re.M | re.S)


@dataclass(frozen=True)
class Example:
    path: str  # relative to the metric-hub checkout
    text: str


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    summary: str
    doc: str  # Markdown: what it finds, why it matters, the fix, the example
    family: str
    module: str
    hooks: dict[str, Callable] = field(default_factory=dict)
    found_by: str | None = None
    supersedes: tuple[str, ...] = ()
    options: tuple[str, ...] = ()  # `jetls check` options its example needs
    enabled: Callable[[Any], bool] | None = None  # with these `Options` (None: always)

    @property
    def examples(self) -> tuple[Example, ...]:
        return tuple(Example(p, t) for p, t in _FENCE.findall(self.doc))


def _rule(mod: ModuleType) -> Rule:
    code = mod.CODE
    doc = (mod.__doc__ or "").strip()
    summary, _, body = doc.partition("\n\n")
    summary = " ".join(summary.split())
    if not re.fullmatch(r"JET\d{3}", code) or mod.SEVERITY not in SEVERITY_NAMES or not summary:
        raise ValueError(f"{mod.__name__}: a rule needs CODE, SEVERITY and a docstring")
    found = {name[3:]: fn for name, fn in vars(mod).items() if name.startswith("on_") and callable(fn)}
    unknown = set(found) - set(hooks.HOOKS)
    if unknown:
        raise ValueError(f"{mod.__name__}: no such hook {sorted(unknown)} (hooks: {', '.join(hooks.HOOKS)})")
    found_by = getattr(mod, "FOUND_BY", None)
    if not found and not found_by:
        raise ValueError(f"{mod.__name__}: a rule needs an `on_<hook>` function or FOUND_BY")
    family = mod.__name__.split(".")[-2]
    return Rule(
        code,
        mod.SEVERITY,
        summary.strip().rstrip("."),
        body.strip(),
        family,
        mod.__name__,
        found,
        found_by,
        tuple(getattr(mod, "SUPERSEDES", ())),
        tuple(getattr(mod, "EXAMPLE_OPTIONS", ())),
        getattr(mod, "enabled", None),
    )


def _discover() -> dict[str, Rule]:
    found: dict[str, Rule] = {}
    for info in pkgutil.walk_packages(rules.__path__, rules.__name__ + "."):
        if info.ispkg or info.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        rule = _rule(importlib.import_module(info.name))
        if rule.code in found:
            raise ValueError(f"{rule.code} is defined twice: {found[rule.code].module} and {rule.module}")
        found[rule.code] = rule
    return dict(sorted(found.items()))


#: code -> rule, in code order.
RULES: dict[str, Rule] = _discover()

#: hook -> the rules' functions for it, in code order.
HANDLERS: dict[str, tuple[Callable, ...]] = {
    h: tuple(r.hooks[h] for r in RULES.values() if h in r.hooks) for h in hooks.HOOKS
}

#: code -> codes its diagnostics supersede.
SUPERSEDES: dict[str, tuple[str, ...]] = {c: r.supersedes for c, r in RULES.items() if r.supersedes}

_BY_OPTIONS: dict[int, tuple[object, dict[str, tuple[Callable, ...]]]] = {}


def handlers_for(options: Any) -> dict[str, tuple[Callable, ...]]:
    """`HANDLERS` less those of the rules not `enabled` with `options` (memoised per options
    object: a server has one at a time, `jetls check` one)."""
    hit = _BY_OPTIONS.get(id(options))
    if hit is not None and hit[0] is options:
        return hit[1]
    off = {c for c, r in RULES.items() if r.enabled is not None and not r.enabled(options)}
    out = (
        HANDLERS
        if not off
        else {h: tuple(r.hooks[h] for r in RULES.values() if h in r.hooks and r.code not in off) for h in hooks.HOOKS}
    )
    if len(_BY_OPTIONS) >= 64:
        _BY_OPTIONS.clear()
    _BY_OPTIONS[id(options)] = (options, out)
    return out
