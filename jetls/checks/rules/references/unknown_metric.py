"""unknown metric.

A metric an analysis computes (listed in a window, or a local table that only adds statistics or
options to it) that no table defines on the file's platform: neither the file, its defaults and
attached outcomes, nor the platform's definitions. Also a metric an OpMon project lists that is
not defined.

**Why it matters:** the reference fails to resolve it ("Could not locate metric …", "No
definition for metric …"): CI fails or the analysis stops.

**Fix:** fix the slug (the quick fix writes the closest one), define `[metrics.<slug>]` (a quick
fix adds a skeleton), or check the file's platform (the inlay hint on `[experiment]`): the
message says when the metric exists on another platform.

```toml title="jetstream/unknown-metric.toml"
[metrics]
weekly = ["active_hour"]
```
"""

from jetls.checks.suggest import did_you_mean
from jetls.diagnostics import Fix
from jetls.document.edits import append_tables
from jetls.schema import FileKind, is_valid_slug
from jetls.workspace.scope import MISSING

from ._unknown import report_unresolved

CODE = "JET201"
SEVERITY = "error"


def on_metric_reference(ctx, ref) -> None:
    if ctx.resolve_metric(ref.slug).status != MISSING:
        return
    s = ctx.suggest_slug("metric", ref.slug, ("metrics",), in_view=False)
    ctx.emit(
        CODE,
        ref.span,
        f"unknown metric `{ref.slug}` {ctx.platform_phrase()}: the reference fails with "
        f'"Could not locate metric {ref.slug}"{ctx.elsewhere("metric", ref.slug)}{did_you_mean(s)}{ref.note}',
        data={"replacement": s} if s else None,
        severity=ref.severity,
        fixes=_define_metric(ctx, ref.slug),
    )


def on_reference(ctx, ref) -> None:
    if ref.kind == "metric":  # an OpMon project's
        report_unresolved(ctx, CODE, ref, f'OpMon fails with "No definition for metric {ref.slug}."')


def _define_metric(ctx, slug: str) -> tuple[Fix, ...]:
    """A skeleton of the metric's definition at the end of this file."""
    if (
        not is_valid_slug(slug)
        or ctx.kind not in (FileKind.EXPERIMENT, FileKind.OUTCOME, FileKind.DEFAULTS, FileKind.DEFINITIONS)
        or ctx.doc.lookup(("metrics", slug))
    ):
        return ()
    body = {
        "friendly_name": slug.replace("_", " ").capitalize(),
        "description": "",
        "select_expression": "",
        "data_source": "",
        "statistics": {"bootstrap_mean": {}},
    }
    return (Fix.here(f"Define metric `{slug}` here", append_tables(ctx.text, {"metrics": {slug: body}})),)
