"""metric only defined by an outcome that is not attached.

An experiment config uses a metric (or its statistics) that only an outcome of the platform
defines, and the config does not list that outcome in `[experiment].outcomes`.

**Why it matters:** the metric resolves only if Experimenter attaches that outcome to the
experiment; jetls cannot know whether it does. If it does not, the analysis fails ("Could not
locate metric", "No statistical treatment defined for metric"). A note, since it often does.

**Fix:** add the outcome to `[experiment].outcomes`, or make sure Experimenter attaches it.

```toml title="jetstream/unattached-outcome.toml"
[metrics]
weekly = ["tab_opens"]
```
"""

from jetls.workspace.scope import UNATTACHED

from ._unknown import report_unattached

CODE = "JET202"
SEVERITY = "information"


def on_metric_reference(ctx, ref) -> None:
    slug = ref.slug
    res = ctx.resolve_metric(slug)
    if res.resolved:
        outs = [] if ctx.statistics_of(slug) else ctx.outcome_statistics(slug)
        if outs:
            names = sorted({ctx.ws.file(d.path).stem for d in outs})
            ctx.emit(
                CODE,
                ref.span,
                f"metric `{slug}` has statistics only in the outcome "
                f"{', '.join(f'`{n}`' for n in names)} on `{ctx.platform}`: it resolves only if Experimenter "
                f"attaches outcome {names[0]} (else: \"No statistical treatment defined for metric '{slug}'\")",
                related=[ctx.rel(d, "statistics here") for d in outs[:3]],
                data={"outcomes": names},
            )
    elif res.status == UNATTACHED:
        report_unattached(ctx, CODE, ref.span, res)
