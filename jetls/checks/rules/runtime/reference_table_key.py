"""key of a reference (statistics-only) metric table is ignored.

A `[metrics.<slug>]` table of an experiment config, defaults or outcome that is not a full
definition (it lacks `select_expression` or `data_source`) for a predefined metric, and that
sets keys other than `statistics`, `analysis_bases`, `analysis_units`.

**Why it matters:** the reference uses the predefined metric and takes only those three keys
from the table: `friendly_name`, `select_expression` alone, `bigger_is_better` and the rest are
silently ignored.

**Fix:** remove the key (the quick fix does), or give a full definition (`select_expression` and
`data_source`) under another slug.

```toml title="jetstream/reference-table.toml"
[metrics]
weekly = ["active_hours"]

[metrics.active_hours]
friendly_name = "Hours"
```
"""

from jetls.diagnostics import Tag
from jetls.document import Entry
from jetls.workspace import key_span
from jetls.workspace.scope import is_full_metric

CODE = "JET513"
SEVERITY = "warning"

# keys of a metric table that a reference (non-full) table keeps (spec §1.5)
KEPT = {"statistics", "analysis_bases", "analysis_units", "name", "depends_on"}


def on_local_metric(ctx, m) -> None:
    if m.full:
        return
    ignored = [k for k in m.table.items if k.lower() not in KEPT]
    if not ignored or is_full_metric([t for t, _ in ctx.spec_tables("metric", m.name)]):
        return
    glob = ctx.global_defs("metric", m.name)
    if not glob:
        return
    for k in ignored:
        item = m.table.items[k]
        ctx.emit(
            CODE,
            item.key_span if isinstance(item, Entry) else key_span(item),
            f"`{k}` is ignored: `[metrics.{m.name}]` is not a full definition (it needs both "
            f"`select_expression` and `data_source`), so the predefined metric `{m.name}` is used and only "
            "`statistics`, `analysis_bases` and `analysis_units` are taken from this table",
            tags=(Tag.UNNECESSARY,),
            related=[ctx.rel(d, "predefined here") for d in glob[:2]],
            fixes=ctx.removal(item),
        )
