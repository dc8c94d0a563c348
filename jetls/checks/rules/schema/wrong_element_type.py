"""array element of the wrong type.

An element of an array of another type than the key's elements: `segments = [1]`.

**Why it matters:** the reference looks the element up as a slug or uses it as a value of the
expected type and fails.

**Fix:** use elements of the documented type (the message names it).

```toml title="jetstream/wrong-element-type.toml"
[experiment]
segments = [1]
```
"""

from jetls.checks.values import describe_types, type_name

CODE = "JET116"
SEVERITY = "error"


def on_element(ctx, v, x, t: str) -> None:
    if v.place.in_statistic or v.field.name == "pre_treatments":
        return  # (JET304, JET306)
    d = v.entry.delta
    ctx.emit(
        CODE,
        (x.start + d, x.end + d),
        f"elements of `{v.field.name}` must be {describe_types(v.field.item_types)}, not {type_name(t)}",
    )
