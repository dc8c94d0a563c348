"""unknown pre-treatment.

A pre-treatment name that does not exist: `pre_treatments = ["drop_nulls"]` (it is
`remove_nulls`).

**Why it matters:** Jetstream looks the pre-treatment up when the analysis runs and fails
("Could not find pre-treatment …"): the statistic gets no results.

**Fix:** use a pre-treatment name (the message lists them; the quick fix writes the closest).

```toml title="jetstream/unknown-pre-treatment.toml"
[metrics]
weekly = ["active_hours"]

[metrics.active_hours.statistics.bootstrap_mean]
pre_treatments = ["drop_nulls"]
```
"""

from jetls.checks.suggest import did_you_mean, suggest
from jetls.schema import PRE_TREATMENTS, pre_treatment_schema
from jetls.syntax import String
from jetls.workspace.index import string_span

CODE = "JET305"
SEVERITY = "error"


def on_string(ctx, s) -> None:
    if s.off_enum and s.field.name == "pre_treatments":
        best = suggest(s.value, s.field.enum)
        allowed = ", ".join(f"`{x}`" for x in s.field.enum)
        ctx.emit(
            CODE,
            s.span,
            f"unknown pre-treatment `{s.value}`{did_you_mean(best)} Jetstream fails with "
            f'"Could not find pre-treatment {s.value}."; known: {allowed}',
            data={"replacement": best} if best else None,
        )


def on_pre_treatment(ctx, e, t) -> None:
    name_kv = next((kv for kv in t.entries if kv.key.names == ("name",)), None)
    if name_kv is None or not isinstance(name_kv.value, String):
        return  # JET306
    name = name_kv.value.value
    if pre_treatment_schema(name) is None:
        best = suggest(name, PRE_TREATMENTS)
        ctx.emit(
            CODE,
            string_span(name_kv.value, e.delta),
            f"unknown pre-treatment `{name}`{did_you_mean(best)} "
            f'Jetstream fails with "Could not find pre-treatment {name}."; known: '
            + ", ".join(f"`{x}`" for x in PRE_TREATMENTS),
            data={"replacement": best} if best else None,
        )
