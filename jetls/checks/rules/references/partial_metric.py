"""metric table without a full definition and no predefined metric of that slug.

A metric an analysis uses whose tables only set statistics or options (no `select_expression`
and `data_source` together), while no predefined metric of that slug exists on the platform.
In `jetstream/definitions/`, a statistics-only table for a metric that `definitions/` does not
define.

**Why it matters:** the reference cannot build the metric ("No default definition found for
referenced metric …"): the analysis fails (for `jetstream/definitions/`, every experiment that
uses it).

**Fix:** give the table `select_expression` and `data_source`, or reference an existing metric
(the message says when it exists on another platform).

```toml title="jetstream/partial-metric.toml"
[metrics]
weekly = ["gone"]

[metrics.gone.statistics.bootstrap_mean]
```
"""

import re

from jetls.diagnostics import Related
from jetls.workspace import key_span
from jetls.workspace.scope import PARTIAL, is_full_metric

_WILDCARD = re.compile(r"[*?\[]")

CODE = "JET203"
SEVERITY = "error"


def on_metric_reference(ctx, ref) -> None:
    slug = ref.slug
    res = ctx.resolve_metric(slug)
    if res.status != PARTIAL:
        return
    rel = [Related(*key_span(d.table), "statistics-only table here") for d in res.local if d.path == ctx.sf.path]
    rel += [ctx.rel(d, "partial definition here") for d in res.globals]
    ctx.emit(
        CODE,
        ref.span,
        f"metric `{slug}` has no full definition {ctx.platform_phrase()}: the tables "
        f"for it only set statistics or other options, and no predefined metric `{slug}` exists "
        f'("No default definition found for referenced metric {slug}"){ctx.elsewhere("metric", slug)}'
        f"{ref.note}",
        related=rel,
        severity=ref.severity,
    )


def on_definitions_metric(ctx, m) -> None:
    if m.full or ctx.info.layer != "jetstream-definitions" or _WILDCARD.search(m.name):
        return  # (a wildcard merges into the metrics it matches: JET515)
    glob = [d for d in ctx.global_defs("metric", m.name) if d.path != ctx.sf.path]
    if glob and is_full_metric(d.table for d in glob):
        return
    ctx.emit(
        CODE,
        key_span(m.table),
        f"`[metrics.{m.name}]` only sets options, and no metric `{m.name}` is "
        f"defined in `definitions/{ctx.sf.platform}.toml`: any experiment using it fails with "
        f'"No default definition found for referenced metric {m.name}"{ctx.elsewhere("metric", m.name)}',
        severity="warning",
    )
