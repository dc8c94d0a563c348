"""value silently converted to the expected type.

A value of another type that the reference converts: a float for an integer (truncated), an
integer written as a string (`"7"`), a number or boolean for a string.

**Why it matters:** the analysis runs, but with a value the author did not write: `10.5`
becomes `10`; `"7"` works today and is one typo away from a failure.

**Fix:** write the value in the expected type (the quick fix does): `sample_size = 10`.

```toml title="jetstream/converted-value.toml"
[experiment]
enrollment_period = 7.5
```
"""

from typing import Any

from jetls.checks.values import describe_types, type_name
from jetls.document.edits import toml_value

CODE = "JET106"
SEVERITY = "warning"


def on_value(ctx, v) -> None:
    e, f, t, name = v.entry, v.field, v.type, v.entry.name
    val: Any = getattr(e.value, "value", None)
    if v.issue == "truncated":
        ctx.emit(
            CODE,
            e.value_span,
            f"`{name}` must be an integer: {val!r} is truncated to {int(val)}",
            data={"replacement": toml_value(int(val))},
        )
    elif v.issue == "converted":
        ctx.emit(CODE, e.value_span, f"`{name}` expects {describe_types(f.types)}; {type_name(t)} is converted")
    elif v.issue == "integer string":
        n = int(val)
        ctx.emit(
            CODE,
            e.value_span,
            f"`{name}` must be an integer, not a string: write `{n}`",
            data={"replacement": toml_value(n)},
        )
    elif v.issue == "scalar for string":
        ctx.emit(
            CODE,
            e.value_span,
            f"`{name}` must be a string: {type_name(t)} is converted to {str(val)!r}",
            data={"replacement": toml_value(str(val))},
        )
