"""non-boolean value for a boolean: any non-empty value means true.

A string, number or array where `true` or `false` belongs: `skip = "false"`.

**Why it matters:** the reference reads the value by its truthiness: `"false"` and `"no"` are
non-empty strings and mean **true**, the opposite of what was written.

**Fix:** write a boolean: `skip = false` (the quick fix writes the value the text meant).

```toml title="jetstream/non-boolean.toml"
[experiment]
skip = "false"
```
"""

from jetls.document.edits import toml_value

CODE = "JET107"
SEVERITY = "warning"

_FALSE_WORDS = ("false", "no", "0", "off")


def on_value(ctx, v) -> None:
    if v.issue != "not a boolean":
        return
    e, t = v.entry, v.type
    val = e.value.items if t == "array" else e.value.value
    truthy = bool(val)
    extra = ""
    if t == "string" and val.strip().lower() in _FALSE_WORDS:
        extra = f" — `{val!r}` means **true**"
    meant = toml_value(truthy if t != "string" else val.strip().lower() not in _FALSE_WORDS + ("",))
    ctx.emit(
        CODE,
        e.value_span,
        f"`{e.name}` must be a boolean (`true`/`false`): the reference treats any "
        f"non-empty value as true, so this means `{str(truthy).lower()}`{extra}",
        data={"replacement": meant},
    )
