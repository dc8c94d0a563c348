"""`default_metrics` entry not defined in the outcome.

An outcome's `default_metrics` lists a metric the outcome does not define.

**Why it matters:** the reference fails when it reads the outcome ("Default metric … is not
defined in outcome"). (`default_metrics` itself is not an allowed top-level key of outcomes:
CI rejects it, JET101.)

**Fix:** define `[metrics.<slug>]` in the outcome, or remove the entry.

```toml title="jetstream/outcomes/firefox_desktop/defaults-undefined.toml"
friendly_name = "Default metrics"
description = "An outcome whose default metric it does not define"
default_metrics = ["searches"]  # jetls: disable=JET101
```
"""

from jetls.schema import FileKind
from jetls.workspace.index import entry, string_items, tables

CODE = "JET214"
SEVERITY = "error"


def on_file(ctx) -> None:
    if ctx.kind is not FileKind.OUTCOME:
        return
    e = entry(ctx.root, "default_metrics")
    if e is None:
        return
    local = {n for n, _ in tables(ctx.root.items.get("metrics"))}
    for slug, span in string_items(e):
        if slug not in local:
            ctx.emit(
                CODE,
                span,
                f"default metric `{slug}` is not defined in this outcome "
                f"(\"Default metric MetricReference(name='{slug}') is not defined in outcome.\")",
            )
