"""metric used in an analysis has no statistics.

A metric a window lists (or an outcome defines) that has no statistic in any of its tables: the
file, its defaults and outcomes, `jetstream/definitions/`.

**Why it matters:** the reference fails ("No statistical treatment defined for metric …"): the
analysis fails.

**Fix:** add `[metrics.<slug>.statistics.<name>]` (the quick fix adds `bootstrap_mean`, after the
metric's table when this file has one).

```toml title="jetstream/no-statistics.toml"
[metrics]
weekly = ["lonely"]

[metrics.lonely]
select_expression = "SUM(1)"
data_source = "clients_daily"
```
"""

from jetls.diagnostics import Fix
from jetls.document.edits import add_table
from jetls.schema import FileKind
from jetls.workspace import key_span

CODE = "JET312"
SEVERITY = "error"


def on_metric_reference(ctx, ref) -> None:
    slug = ref.slug
    res = ctx.resolve_metric(slug)
    if not res.resolved or ctx.statistics_of(slug) or ctx.outcome_statistics(slug):
        return
    ctx.emit(
        CODE,
        ref.span,
        f"metric `{slug}` has no statistics: the reference fails with "
        f"\"No statistical treatment defined for metric '{slug}'\"; add "
        f"`[metrics.{slug}.statistics.<name>]`{ref.note}",
        severity=ref.severity,
        related=[ctx.rel(d, "defined here") for d in res.globals[:1]],
        fixes=add_statistic(ctx, slug),
    )


def on_local_metric(ctx, m) -> None:
    if m.full and ctx.kind is FileKind.OUTCOME and not ctx.statistics_of(m.name):
        # (an outcome with window lists computes only the listed metrics, reported where listed)
        if m.used and ctx.outcome_windows(ctx.root):
            return
        ctx.emit(
            CODE,
            key_span(m.table),
            f"outcome metric `{m.name}` has no statistics: the reference fails with "
            f"\"No statistical treatment defined for metric '{m.name}'\"{m.note}",
            fixes=add_statistic(ctx, m.name),
            severity=m.severity,
        )


def add_statistic(ctx, slug: str) -> tuple[Fix, ...]:
    """Add `[metrics.<slug>.statistics.bootstrap_mean]`: after the metric's table when this file
    has one (in an experiment config, it adds statistics to a predefined metric), inside it when
    it is an inline table."""
    edit = add_table(ctx.doc, ctx.sf.tree, ("metrics", slug, "statistics", "bootstrap_mean"), {})
    return (Fix.here(f"Add a statistic (`bootstrap_mean`) to `{slug}`", edit),) if edit is not None else ()
