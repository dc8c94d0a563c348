"""partial data source override (no `from_expression`) breaks the metrics using it.

An experiment config, defaults or outcome defines `[data_sources.<slug>]` with the slug of a
predefined data source but without `from_expression`, as if to change one option.

**Why it matters:** data sources are not merged: the local table replaces the predefined one
entirely, and every metric reading it then fails ("'from_expression' must be <class 'str'> (got
None …)"). When no used metric reads it, a warning.

**Fix:** copy the predefined data source's `from_expression` into the table.

```toml title="jetstream/partial-data-source.toml"
[metrics]
weekly = ["active_hours"]

[data_sources.clients_daily]
experiments_column_type = "native"
```
"""

from jetls.schema import FileKind
from jetls.workspace import key_span
from jetls.workspace.index import entry

CODE = "JET505"
SEVERITY = "error"


def on_data_source(ctx, name: str, t) -> None:
    if ctx.kind not in (FileKind.EXPERIMENT, FileKind.DEFAULTS, FileKind.OUTCOME):
        return
    fe = entry(t, "from_expression", True)
    if fe is not None and fe.to_python():
        return
    glob = ctx.global_defs("data_source", name)
    if not glob:
        return  # (JET110)
    users = ctx.data_source_users(name)
    msg = (
        f"`[data_sources.{name}]` has no `from_expression`: a local data source replaces the predefined one "
        "entirely (data sources do not support partial overrides), so "
        + (f"{', '.join(users[:4])} " if users else "every metric using it ")
        + "fail with \"'from_expression' must be <class 'str'> (got None …)\"; copy the `from_expression` of "
        "the predefined data source"
    )
    ctx.emit(
        CODE,
        key_span(t),
        msg,
        severity=None if users else "warning",
        related=[ctx.rel(d, "predefined here") for d in glob[:1]],
    )
