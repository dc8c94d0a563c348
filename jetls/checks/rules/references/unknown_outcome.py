"""outcome not available for the platform.

An experiment's `outcomes` lists an outcome that `jetstream/outcomes/<platform>/` does not have.

**Why it matters:** Jetstream fails to load the outcome for the experiment's platform ("doesn't
support the platform"): the analysis fails.

**Fix:** use an outcome of `jetstream/outcomes/<platform>/` (the quick fix writes the closest);
the message says on which platforms the outcome exists.

```toml title="jetstream/unknown-outcome.toml"
[experiment]
outcomes = ["engagment"]
```
"""

from jetls.checks.suggest import did_you_mean, suggest
from jetls.schema import FileKind

CODE = "JET208"
SEVERITY = "error"


def on_experiment(ctx, exp) -> None:
    if ctx.kind is FileKind.OUTCOME:
        return
    idx, platform = ctx.idx, ctx.platform
    for slug, span in ctx.local_strings(("experiment",), "outcomes"):
        if idx.definitions("outcome", slug, platform):
            continue
        plats = sorted(idx.platforms_defining("outcome", slug))
        s = suggest(slug, list(idx.slugs("outcome", platform)))
        extra = f" (it exists for {', '.join(plats)})" if plats else " (no such outcome exists)"
        ctx.emit(
            CODE,
            span,
            f"outcome `{slug}` doesn't support the platform `{platform}`{extra}{did_you_mean(s)}",
            data={"replacement": s} if s else None,
        )
