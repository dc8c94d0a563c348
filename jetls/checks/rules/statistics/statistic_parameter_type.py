"""statistic parameter of the wrong type or value.

A statistic parameter of the wrong type (`drop_highest = 0` where a float is required), or a
value not among those it takes.

**Why it matters:** the statistic's validators reject it when the analysis runs ("must be <class
'float'>"), or the computation fails: the metric gets no results.

**Fix:** write the value in the type the message names: `drop_highest = 0.0`.

```toml title="jetstream/statistic-parameter-type.toml"
[metrics]
weekly = ["active_hours"]

[metrics.active_hours.statistics.linear_model_mean]
drop_highest = 0
```
"""

from jetls.checks.hooks import In
from jetls.checks.rules.schema._enum import off_enum
from jetls.checks.values import describe_types, type_name
from jetls.document.edits import toml_value

CODE = "JET304"
SEVERITY = "error"


def on_wrong_shape(ctx, k, shape: str) -> None:
    if shape == "table for a value" and k.place.in_statistic:
        ctx.emit(CODE, k.span, f"`{k.name}` must be {describe_types(k.schema.types)}, not a table")


def on_value(ctx, v) -> None:
    e, name = v.entry, v.entry.name
    if v.issue == "statistic float":
        ctx.emit(
            CODE,
            e.value_span,
            f"`{name}` must be a float: write `{e.value.value}.0` — Jetstream fails "
            f"with \"'{name}' must be <class 'float'> (got {e.value.value} that is a <class 'int'>)\"",
            data={"replacement": toml_value(float(e.value.value))},
        )
    elif v.issue == "statistic type":
        ctx.emit(CODE, e.value_span, f"`{name}` must be {describe_types(v.field.types)}, not {type_name(v.type)}")


def on_string(ctx, s) -> None:
    f = s.field
    if (
        s.off_enum
        and s.place.in_statistic
        and f.name != "pre_treatments"
        and not (f.name == "period" and s.place.at is In.COVARIATE)
    ):
        msg, best = off_enum(s)
        ctx.emit(CODE, s.span, msg, data={"replacement": best} if best else None)


def on_element(ctx, v, x, t: str) -> None:
    if v.place.in_statistic and v.field.name != "pre_treatments":
        d = v.entry.delta
        ctx.emit(
            CODE,
            (x.start + d, x.end + d),
            f"elements of `{v.field.name}` must be {describe_types(v.field.item_types)}, not {type_name(t)}",
        )
