"""required key missing.

A table without a key its reader requires: an exposure signal without `select_expression`, a
data source without `from_expression` that a metric uses, a segment without `data_source`.

**Why it matters:** the reference fails when it builds the table (`KeyError`, or "must be
<class 'str'> (got None …)"): CI fails or the analysis stops. A data source no used metric reads
is only a warning: nothing reads it yet.

**Fix:** add the missing key(s); the message names them.

```toml title="jetstream/required-key.toml"
[experiment.exposure_signal]
name = "exposed"
friendly_name = "Exposed"
description = "Clients who saw the feature"
data_source = "clients_daily"
window_start = 0
window_end = 7
```
"""

from jetls.checks.context import data_source_of
from jetls.checks.hooks import In
from jetls.document import Table
from jetls.schema import FileKind
from jetls.workspace import key_span
from jetls.workspace.index import entry, tables
from jetls.workspace.scope import merged_value

CODE = "JET110"
SEVERITY = "error"


def on_missing_key(ctx, t, key: str) -> None:
    if t.place.at in (In.STATISTIC, In.COVARIATE):
        return
    where = f"`[{'.'.join(t.path)}]`" if t.path else "this file"
    ctx.emit(
        CODE, t.span, f"{where} requires `{key}` (the reference fails with KeyError: '{key}')", data={"missing": key}
    )


def on_data_source(ctx, name: str, t: Table) -> None:
    """A local data source needs a `from_expression` when nothing predefined has its name (else:
    JET505); a definitions file's, when no layer of its view gives one (a `[...joins.x]` table
    left behind makes one)."""
    if ctx.kind is FileKind.DEFINITIONS:
        _definitions_data_source(ctx, name, t)
        return
    if ctx.kind not in (FileKind.EXPERIMENT, FileKind.DEFAULTS, FileKind.OUTCOME):
        return
    fe = entry(t, "from_expression", True)
    if (fe is not None and fe.to_python()) or ctx.global_defs("data_source", name):
        return
    ctx.emit(
        CODE,
        key_span(t),
        f"`[data_sources.{name}]` requires `from_expression` when it is used "
        "(\"'from_expression' must be <class 'str'> (got None …)\")",
        severity=None if ctx.data_source_users(name) else "warning",
        data={"missing": "from_expression"},
    )


def _definitions_data_source(ctx, name: str, t: Table) -> None:
    fe, _ = merged_value(ctx.scope.resolve("data_source", name).targets, "from_expression")
    if fe:
        return
    users = [m for m, mt in tables(ctx.root.items.get("metrics")) if data_source_of(mt) == name]
    ctx.emit(
        CODE,
        key_span(t),
        f"`[data_sources.{name}]` has no `from_expression` (\"'from_expression' must be <class 'str'> (got None …)\")"
        + (f": metric `{users[0]}` and every experiment using it fail" if users else ""),
        severity=None if users else "warning",
        data={"missing": "from_expression"},
    )
