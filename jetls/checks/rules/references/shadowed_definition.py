"""local definition shadows a predefined one.

An experiment config or outcome defines a full `[metrics.<slug>]` or a `[data_sources.<slug>]`
with the slug of a predefined one.

**Why it matters:** a note (a hint: it appears on many configs, on purpose): the local
definition wins, for this experiment or outcome. For a data source, also for the predefined
metrics that read it, which is easy to overlook. Hover on the slug says the same.

**Fix:** nothing, when that is what you want; otherwise pick another slug.

```toml title="jetstream/shadowed-data-source.toml"
[data_sources.clients_daily]
from_expression = "mozdata.telemetry.clients_daily_v2"
```
"""

from jetls.schema import FileKind
from jetls.workspace import key_span
from jetls.workspace.index import entry

CODE = "JET209"
SEVERITY = "hint"


def on_local_metric(ctx, m) -> None:
    if not m.full or ctx.kind is FileKind.DEFAULTS:
        return
    glob = ctx.global_defs("metric", m.name)
    if glob:
        what = "experiment" if ctx.kind is FileKind.EXPERIMENT else "outcome"
        ctx.emit(
            CODE,
            key_span(m.table),
            f"`[metrics.{m.name}]` replaces the predefined metric `{m.name}` {ctx.platform_phrase()} for this {what}",
            related=[ctx.rel(d, "predefined here") for d in glob[:2]],
        )


def on_data_source(ctx, name: str, t) -> None:
    if ctx.kind not in (FileKind.EXPERIMENT, FileKind.OUTCOME):
        return
    fe = entry(t, "from_expression", True)
    glob = ctx.global_defs("data_source", name) if fe is not None and fe.to_python() else None
    if glob:
        ctx.emit(
            CODE,
            key_span(t),
            f"`[data_sources.{name}]` replaces the predefined data source "
            f"`{name}` {ctx.platform_phrase()} — also for predefined metrics that use it",
            related=[ctx.rel(d, "predefined here") for d in glob[:1]],
        )
