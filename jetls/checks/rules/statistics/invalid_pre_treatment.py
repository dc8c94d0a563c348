"""invalid pre-treatment parameters.

A pre-treatment without a parameter it requires (`censor_values_below_threshold` needs
`threshold`), with a parameter it does not take or of the wrong type, an inline table without
`name`, or an element of `pre_treatments` that is neither a name nor a table.

**Why it matters:** Jetstream fails when it builds the pre-treatment ("missing 1 required
positional argument", "unexpected keyword argument"): the statistic gets no results.

**Fix:** write the pre-treatment as `{name = "…", <parameter> = …}` with the parameters it takes.

```toml title="jetstream/invalid-pre-treatment.toml"
[metrics]
weekly = ["active_hours"]

[metrics.active_hours.statistics.bootstrap_mean]
pre_treatments = [{name = "censor_values_below_threshold"}]
```
"""

from jetls.checks.suggest import did_you_mean, suggest
from jetls.checks.values import describe_types, toml_type, type_name
from jetls.schema import PRE_TREATMENTS, pre_treatment_schema
from jetls.syntax import String
from jetls.workspace.index import string_span

CODE = "JET306"
SEVERITY = "error"


def on_string(ctx, s) -> None:
    """A pre-treatment named by a string although it requires parameters."""
    if s.off_enum or s.field.name != "pre_treatments":
        return
    pt = PRE_TREATMENTS.get(s.value)
    req = [p for p, spec in pt.params.items() if spec.required] if pt is not None else []
    if req:
        ctx.emit(
            CODE,
            s.span,
            f"pre-treatment `{s.value}` requires `{req[0]}`: write "
            f'`{{name = "{s.value}", {req[0]} = …}}` (Jetstream: "missing 1 required positional argument: '
            f"'{req[0]}'\")",
        )


def on_element(ctx, v, x, t: str) -> None:
    if v.field.name == "pre_treatments":
        d = v.entry.delta
        ctx.emit(
            CODE,
            (x.start + d, x.end + d),
            f"elements of `{v.field.name}` must be {describe_types(v.field.item_types)}, not {type_name(t)}",
        )


def on_pre_treatment(ctx, e, t) -> None:
    d = e.delta
    name_kv = next((kv for kv in t.entries if kv.key.names == ("name",)), None)
    span = (t.start + d, t.end + d)
    if name_kv is None:
        ctx.emit(CODE, span, "a pre-treatment table needs `name` (the reference fails with KeyError: 'name')")
        return
    if not isinstance(name_kv.value, String):
        ctx.emit(CODE, (name_kv.value.start + d, name_kv.value.end + d), "pre-treatment `name` must be a string")
        return
    name = name_kv.value.value
    schema = pre_treatment_schema(name)
    if schema is None:
        return  # JET305
    present = set()
    for kv in t.entries:
        k = ".".join(kv.key.names)
        present.add(k)
        if k == "name":
            continue
        fld = schema.fields.get(k)
        if fld is None:
            params = [p for p in schema.fields if p != "name"]
            best = suggest(k, params)
            takes = "parameters: " + ", ".join(f"`{p}`" for p in params) if params else "it takes none"
            ctx.emit(
                CODE,
                (kv.key.start + d, kv.key.end + d),
                f"pre-treatment `{name}` has no parameter `{k}`{did_you_mean(best)} ({takes})",
                data={"replacement": best} if best else None,
            )
            continue
        vt = toml_type(kv.value)
        if not (vt in fld.types or (vt == "integer" and "float" in fld.types)):
            ctx.emit(
                CODE,
                (kv.value.start + d, kv.value.end + d),
                f"`{k}` of pre-treatment `{name}` must be {describe_types(fld.types)}",
            )
    nspan = string_span(name_kv.value, d)
    for k in schema.required_keys:
        if k not in present:
            ctx.emit(CODE, nspan, f"pre-treatment `{name}` requires `{k}`")
