"""metric table not used by any window: never validated by the reference.

An experiment config defines a full `[metrics.<slug>]` that no window lists (nor a metric that
a window lists depends on).

**Why it matters:** a hint: the metric is never computed, and the reference does not check it,
so mistakes in it go unnoticed (jetls still checks it, at warning level). Usually a window entry
was forgotten.

**Fix:** list it in a window (the quick fix adds it to `weekly` or `overall`), or remove it.

```toml title="jetstream/unused-metric.toml"
[metrics.unused]
select_expression = "SUM(1)"
data_source = "clients_daily"
```
"""

from jetls.diagnostics import Fix
from jetls.document.edits import append_to_array, insert_before_sections, insert_entry
from jetls.schema import FileKind
from jetls.workspace import key_span
from jetls.workspace.index import entry, sub

CODE = "JET534"
SEVERITY = "hint"


def on_local_metric(ctx, m) -> None:
    if m.full and not m.used and ctx.kind is FileKind.EXPERIMENT:
        ctx.emit(
            CODE,
            key_span(m.table),
            f"`[metrics.{m.name}]` is not listed in any window: it is never computed, "
            "and the reference does not validate it",
            fixes=_add_to_window(ctx, m.name),
        )


def _add_to_window(ctx, slug: str) -> tuple[Fix, ...]:
    """List the metric in the `weekly` and `overall` windows."""
    metrics = sub(ctx.root, "metrics")
    fixes = []
    for window in ("weekly", "overall"):
        e = entry(metrics, window)
        if e is not None:
            edit = append_to_array(ctx.text, e, slug)
        elif metrics is not None and metrics.kind == "header":
            edit = insert_entry(ctx.text, metrics, window, [slug])
        elif metrics is not None and metrics.kind == "implicit":  # no `[metrics]` yet
            edit = insert_before_sections(ctx.sf.tree, ("metrics",), {"metrics": {window: [slug]}})
        else:
            edit = None
        if edit is not None:
            fixes.append(Fix.here(f"Add `{slug}` to the `{window}` window", edit, preferred=window == "weekly"))
    return tuple(fixes)
