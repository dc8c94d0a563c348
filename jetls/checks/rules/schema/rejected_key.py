"""unknown key where the reference parser rejects unknown keys.

A key that the table does not have, in a table whose reader refuses unknown keys (for example
`[parameters.<name>]`, whose keys become keyword arguments).

**Why it matters:** the reference fails with "unexpected keyword argument": CI fails or the
analysis stops.

**Fix:** remove the key, or correct it to one the table takes (the quick fix offers the closest).

```toml title="jetstream/outcomes/firefox_desktop/rejected-key.toml"
friendly_name = "Rejected key"
description = "An outcome whose parameter has an unknown key"

[parameters.message_id]
friendly_name = "Message"
description = "The message"
default = "x"
foo = 1
```
"""

from jetls.checks.hooks import In
from jetls.checks.suggest import did_you_mean, suggest
from jetls.schema import Field

CODE = "JET103"
SEVERITY = "error"


def on_unknown_key(ctx, k) -> None:
    if not k.path or k.place.at in (In.STATISTICS, In.STATISTIC) or k.section.unknown_keys != "error":
        return
    s = suggest(k.name, [n for n, v in k.section.fields.items() if not (isinstance(v, Field) and v.ignored)])
    ctx.emit(
        CODE,
        k.span,
        f"unknown key `{k.name}` in `[{'.'.join(k.path)}]`{did_you_mean(s)} — the reference "
        f"rejects it (\"unexpected keyword argument '{k.name}'\")",
        data={"replacement": s} if s else None,
    )
