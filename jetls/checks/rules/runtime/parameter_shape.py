"""parameter value shape does not match `distinct_by_branch`.

A parameter with `distinct_by_branch = true` whose `value`/`default` is not a table of branches,
or one without it whose value is not a string.

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
from jetls.syntax import String
from jetls.workspace import key_span
from jetls.workspace.index import entry

CODE = "JET509"
SEVERITY = "error"


def on_parameter(ctx, name: str, t) -> None:
    dbb = entry(t, "distinct_by_branch", True)
    distinct = dbb is not None and dbb.to_python() is True
    vals = [(k, t.items.get(k)) for k in ("value", "default") if t.items.get(k) is not None]
    if not vals:
        return
    k, v = vals[0]
    span = v.value_span if isinstance(v, Entry) else key_span(v)
    if distinct and not any(isinstance(x, Table) for _, x in vals):
        ctx.emit(
            CODE,
            span,
            f"parameter `{name}` is `distinct_by_branch = true` but `{k}` is not a table: write "
            f'`{k}.<branch> = "…"` for each branch',
        )
    elif not distinct and not any(isinstance(x, Entry) and isinstance(x.value, String) for _, x in vals):
        ctx.emit(
            CODE,
            span,
            f'parameter `{name}` is not distinct by branch, so `{k}` must be a string ("wrong value '
            'type provided"); quote it or set `distinct_by_branch = true`',
        )
