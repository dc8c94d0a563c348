"""value out of its meaningful range.

A number outside the range that makes sense for its key: a negative enrollment period, a
confidence level above 1, a window that ends before it starts. `enrollment_period = 0` is an
error: Jetstream refuses the experiment.

**Why it matters:** the analysis accepts the value and computes nonsense, or refuses the
experiment at run time.

**Fix:** use a value in range; the message gives the bound.

```toml title="jetstream/out-of-range.toml"
[experiment]
enrollment_period = -3
```
"""

CODE = "JET114"
SEVERITY = "warning"


def on_value(ctx, v) -> None:
    n = v.number
    if n is None or isinstance(n, bool) or v.issue not in (None, "truncated"):
        return
    e, f = v.entry, v.field
    if e.name == "enrollment_period" and n == 0:
        ctx.emit(
            CODE,
            e.value_span,
            '`enrollment_period = 0`: Jetstream refuses the experiment ("Experiment has no enrollment period.")',
            severity="error",
        )
    elif f.minimum is not None and n < f.minimum:
        ctx.emit(CODE, e.value_span, f"`{e.name}` should be at least {f.minimum:g} (got {n})")
    elif f.maximum is not None and n > f.maximum:
        ctx.emit(CODE, e.value_span, f"`{e.name}` should be at most {f.maximum:g} (got {n})")
