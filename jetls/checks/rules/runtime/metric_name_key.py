"""`name` in a metric table replaces the metric's slug.

A `[metrics.<slug>]` table with a `name` key other than its slug:
`name = "Session Restore Enabled"` (meant as `friendly_name`).

**Why it matters:** the reference builds a metric table as `{"name": slug, **table}`
(`MetricsSpec.from_dict`), so `name` replaces the slug. A table that only adds statistics to a
predefined metric is then resolved by that name ("No default definition found for referenced
metric Session Restore Enabled", or silently the statistics of another metric). A full
definition is built under that name: its results are labelled with it, and a name that is no
SQL identifier breaks the metrics query (mozanalysis writes `<select_expression> AS <name>`). An
error when the analysis fails; a warning when it runs under another name.

**Fix:** use `friendly_name` for a display name (the quick fix renames the key), or remove `name`.

```toml title="jetstream/metric-name-key.toml"
[metrics]
weekly = ["restores"]

[metrics.restores]
select_expression = "SUM(1)"
data_source = "clients_daily"
name = "Session Restore Enabled"

[metrics.restores.statistics.bootstrap_mean]
```
"""

from jetls.diagnostics import Fix, TextEdit
from jetls.document import Entry
from jetls.schema import FileKind, is_valid_slug
from jetls.syntax import String
from jetls.workspace.scope import is_full_metric

CODE = "JET521"
SEVERITY = "error"


def _name_entry(t) -> Entry | None:
    for k, item in t.items.items():
        if k.lower() == "name" and isinstance(item, Entry):
            return item
    return None


def _check(ctx, m, definitions: bool) -> None:
    e = _name_entry(m.table)
    if e is None or not isinstance(e.value, String) or e.value.value == m.name:
        return
    name = e.value.value
    if definitions or m.full or is_full_metric(t for t, _ in ctx.spec_tables("metric", m.name)):
        built = f'the reference builds `[metrics.{m.name}]` as a metric named `{name}` (`{{"name": slug, **table}}`)'
        if is_valid_slug(name):
            msg, severity = f"{built}: its results are labelled `{name}`, not `{m.name}`", "warning"
        else:
            msg = f"{built}, which is no SQL identifier: the metrics query fails (`… AS {name}`)"
            severity = "warning" if definitions else m.severity
    else:
        target = [d for d in ctx.global_defs("metric", name) if d.path != ctx.sf.path]
        if target and is_full_metric(d.table for d in target):
            msg = (
                f'`name = "{name}"` replaces the slug: this table adds its statistics and options to '
                f"metric `{name}`, not to `{m.name}`"
            )
            severity = "warning"
        else:
            msg = (
                f'`name = "{name}"` replaces the slug: the reference looks the metric up by that name and fails '
                f'with "No default definition found for referenced metric {name}"'
            )
            severity = m.severity
    if definitions:
        msg += " (in every experiment that uses it)"
    else:
        msg += m.note
    has_friendly = any(k.lower() == "friendly_name" for k in m.table.items)
    if has_friendly:
        fixes = ctx.removal(e)
    else:
        fixes = (Fix.here("Rename `name` to `friendly_name`", TextEdit(*e.key_span, "friendly_name"), preferred=True),)
    ctx.emit(
        CODE,
        e.key_span,
        msg + ("; did you mean `friendly_name`?" if not is_valid_slug(name) and not has_friendly else ""),
        severity=severity,
        fixes=fixes,
    )


def on_local_metric(ctx, m) -> None:
    _check(ctx, m, False)


def on_definitions_metric(ctx, m) -> None:
    _check(ctx, m, ctx.kind is FileKind.DEFINITIONS)
