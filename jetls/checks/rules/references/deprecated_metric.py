"""reference to a deprecated metric.

A window lists a metric whose (predefined) definition says `deprecated = true`.

**Why it matters:** a hint: the metric still works, but its owners mean it to go; a replacement
usually exists (see its description).

**Fix:** use the replacement metric.

```toml title="definitions/fenix.toml"
[metrics.old_uris]
friendly_name = "URIs (old)"
description = "Superseded by `uri_count`."
select_expression = "SUM(uris)"
data_source = "baseline"
deprecated = true

[data_sources.baseline]
friendly_name = "Baseline"
description = "Baseline pings"
from_expression = "mozdata.fenix.baseline"
```

```toml title="jetstream/definitions/fenix.toml"
[metrics.old_uris.statistics.bootstrap_mean]
```

```toml title="jetstream/deprecated-metric.toml"
[metrics]
weekly = ["old_uris"]
```
"""

from jetls.diagnostics import Tag
from jetls.document import Table
from jetls.workspace.index import entry

CODE = "JET215"
SEVERITY = "hint"


def on_metric_reference(ctx, ref) -> None:
    slug = ref.slug
    res = ctx.resolve_metric(slug)
    if not res.resolved or (not ctx.statistics_of(slug) and ctx.outcome_statistics(slug)):
        return  # (JET202 says what matters more)
    for d in res.globals:
        if isinstance(d.table, Table):
            e = entry(d.table, "deprecated", True)
            if e is not None and e.to_python() is True:
                ctx.emit(
                    CODE,
                    ref.span,
                    f"metric `{slug}` is deprecated",
                    tags=(Tag.DEPRECATED,),
                    related=[ctx.rel(d, "marked deprecated here")],
                )
                return
