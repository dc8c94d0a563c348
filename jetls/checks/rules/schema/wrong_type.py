"""value of the wrong type.

A value of a type the key does not take, and that the reference does not convert: a string for
an integer that is no number (`enrollment_period = "abc"`), a table where a value belongs or the
reverse, an array of tables, a date-time for a date, a string for an array.

**Why it matters:** the reference fails when it reads the value (a conversion error or a
`KeyError`): CI fails or the analysis stops.

**Fix:** write a value of the type the message names.

```toml title="jetstream/wrong-type.toml"
[experiment]
enrollment_period = "abc"
```
"""

from jetls.checks.hooks import In
from jetls.checks.values import describe_types, toml_type, type_name
from jetls.document.edits import toml_value
from jetls.schema import WINDOWS, Field

CODE = "JET105"
SEVERITY = "error"


def on_wrong_shape(ctx, k, shape: str) -> None:
    name, child = k.name, k.schema
    if shape == "array of tables":
        expected = describe_types(child.types) if isinstance(child, Field) else "a table"
        ctx.emit(CODE, k.span, f"`{name}` must be {expected}, not an array of tables")
    elif shape == "table for a value":
        if not k.place.in_statistic:
            ctx.emit(CODE, k.span, f"`{name}` must be {describe_types(child.types)}, not a table")
    elif child.entry_reference == "statistic" or child.name == "statistics":
        ctx.emit(
            CODE,
            k.item.value_span,
            f"`{name}` must be a table of statistics, e.g. "
            f"`{name} = {{ bootstrap_mean = {{}} }}` ('list' object has no attribute 'items')",
        )
    elif k.place.at is In.STATISTICS:
        ctx.emit(
            CODE, k.item.value_span, f"the parameters of statistic `{name}` must be a table (`{name} = {{}}` for none)"
        )
    else:
        ctx.emit(
            CODE, k.item.value_span, f"`{name}` must be a table, not {type_name(toml_type(k.item.value), 'this value')}"
        )


def on_value(ctx, v) -> None:
    e, f, t, name = v.entry, v.field, v.type, v.entry.name
    if name in WINDOWS and f.reference == "metric" and v.issue in ("string for array", "wrong type"):
        # `MetricsSpec.from_dict` (by the internal period name) and, at an outcome's root,
        # `OutcomeSpec.from_dict` (by the key) check `isinstance(v, list)` first
        said = f"metrics.{WINDOWS[name] if name == '28_day' else name}" if e.table_path else name
        ctx.emit(
            CODE,
            e.value_span,
            f'`{name}` must be an array of metric slugs (the reference fails with "{said} should be a list of '
            'metrics")',
            data={"replacement": toml_value([e.value.value])} if t == "string" else None,
        )
        return
    if v.issue == "not an integer":
        ctx.emit(
            CODE,
            e.value_span,
            f"`{name}` must be an integer: the reference fails with "
            f'"invalid literal for int() with base 10: {e.value.value!r}"',
        )
    elif v.issue == "string for array":
        val = e.value.value
        ref = f.reference or "value"
        ctx.emit(
            CODE,
            e.value_span,
            f"`{name}` must be an array of strings: a string is read character "
            f"by character (the reference looks up {ref} {val[:1]!r}, {val[1:2]!r}, …); "
            f"write `[{val!r}]`".replace("'", '"'),
            data={"replacement": toml_value([val])},
        )
    elif v.issue == "date-time for date":
        ctx.emit(CODE, e.value_span, f"`{name}` must be a date `YYYY-MM-DD`, not a date-time")
    elif v.issue == "wrong type":
        ctx.emit(CODE, e.value_span, f"`{name}` must be {describe_types(f.types)}, not {type_name(t)}")
