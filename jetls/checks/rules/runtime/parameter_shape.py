"""parameter value shape does not match `distinct_by_branch`.

A parameter with `distinct_by_branch = true` whose `value`/`default` is not a table of branches,
or one without it whose value is not a string. In an experiment config, the parameter as
`jetstream validate_config` merges it with the attached outcome's parameter of that name.

**Why it matters:** the reference refuses the parameter ("wrong value type provided"): CI fails
or the analysis stops.

**Fix:** with `distinct_by_branch = true`, write `default.<branch> = "…"` for each branch;
without it, a string.

```toml title="jetstream/outcomes/firefox_desktop/parameter-shape.toml"
friendly_name = "Parameter shape"
description = "An outcome whose parameter differs by branch"

[parameters.message_id]
friendly_name = "Message"
description = "The message shown"
distinct_by_branch = true
default = "abc"
```
"""

from jetls.document import Entry, Table
from jetls.schema import FileKind
from jetls.workspace import key_span

CODE = "JET509"
SEVERITY = "error"


def _get(t: Table | None, key: str):
    """The item of `key` (keys are lower-cased: `ParameterSpec.from_dict`)."""
    if t is None:
        return None
    for k, item in t.items.items():
        if k.lower() == key:
            return item
    return None


def _py(item):
    """The value as the parser holds it: a dict for a table, the scalar for a value."""
    if isinstance(item, Table):
        return {k: True for k in item.items}
    return item.to_python() if isinstance(item, Entry) else None


def on_parameter(ctx, name: str, t: Table) -> None:
    outcome = None
    if ctx.kind is FileKind.EXPERIMENT:
        # The analysis drops a config's parameters (`AnalysisSpec.merge` does not merge them);
        # `jetstream validate_config` also resolves the config alone, where `merge_parameters`
        # merges a parameter an attached outcome declares with the config's of that name and
        # validates the result (`AnalysisSpec._merge_param(...).validate()`). Nothing else
        # validates it.
        for slug, of in ctx.attached:
            found = of.doc.lookup(("parameters", name))
            if isinstance(found, Table):
                outcome = (slug, found)
                break
        if outcome is None:
            return
    mine = {k: _py(_get(t, k)) for k in ("value", "default", "distinct_by_branch")}
    theirs = {k: _py(_get(outcome[1], k)) for k in mine} if outcome else {k: None for k in mine}
    # `_merge_param(config, outcome)`: the first truthy of each
    default = mine["default"] or theirs["default"]
    value = mine["value"] or theirs["value"] or default
    distinct = bool(mine["distinct_by_branch"] or theirs["distinct_by_branch"])
    if value is None and default is None:
        return
    shown = next((k for k in ("value", "default") if _get(t, k) is not None), None)
    item = _get(t, shown) if shown else None
    span = item.value_span if isinstance(item, Entry) else key_span(item if isinstance(item, Table) else t)
    k = shown or "value"
    merged = (
        f" (merged with outcome `{outcome[0]}`'s `[parameters.{name}]` by `jetstream validate_config`)"
        if outcome
        else ""
    )
    if distinct and not (isinstance(value, dict) or isinstance(default, dict)):
        ctx.emit(
            CODE,
            span,
            f"parameter `{name}` is `distinct_by_branch = true` but `{k}` is not a table{merged}: write "
            f'`{k}.<branch> = "…"` for each branch',
        )
    elif not distinct and not (isinstance(value, str) or isinstance(default, str)):
        ctx.emit(
            CODE,
            span,
            f'parameter `{name}` is not distinct by branch, so `{k}` must be a string ("wrong value '
            f'type provided"){merged}; quote it or set `distinct_by_branch = true`',
        )
