"""key that a later release of the reference parser introduced.

A key the parser release in use does not know yet: `weekly = [...]` at an outcome's root, or
`aggregation` / `column` in a metric table, with a release before 2026.10. The release comes
from the checkout's `lib/metric-config-parser/pyproject.toml`, the `parserVersion` setting or
`--parser-version` (see `docs/parser-versions.md`).

**Why it matters:** that release treats it as any unknown key: at the top level of a file it
rejects the file ("Unexpected config key[s] found"); in a metric table it ignores it, and a
metric that relies on `aggregation` then has no `select_expression` (an error when no
predefined metric of that slug exists).

**Fix:** upgrade the checkout's parser (or set the release CI really uses), or write what the
older release understands: `[metrics.<slug>]` tables in the outcome, a `select_expression`.

```toml title="lib/metric-config-parser/pyproject.toml"
[project]
name = "mozilla-metric-config-parser"
version = "2026.8.1"
```

```toml title="jetstream/outcomes/firefox_desktop/outcome-windows.toml"
friendly_name = "Outcome windows"
description = "Per-period lists at the outcome's root"
weekly = ["active_hours"]
```
"""

from jetls.document import Table
from jetls.workspace.index import entry

CODE = "JET117"
SEVERITY = "error"


def on_newer_key(ctx, k, since: str) -> None:
    in_use = f"metric-config-parser {ctx.version} ({ctx.parser.reason})"
    new = f"`{k.name}` is known to the reference parser from {since.rsplit('.', 1)[0]} on"
    if k.section.unknown_keys == "error":
        why = '"Unexpected config key[s] found"' if not k.path else f"\"unexpected keyword argument '{k.name}'\""
        ctx.emit(CODE, k.span, f"{new}; {in_use} rejects it ({why})")
        return
    severity = "warning"
    consequence = "ignores it"
    if k.name == "aggregation" and len(k.path) == 2 and k.path[0] == "metrics":
        t = ctx.doc.lookup(k.path)
        if isinstance(t, Table) and entry(t, "select_expression", True) is None:
            consequence = (
                f"ignores it, so `[metrics.{k.path[1]}]` has no `select_expression` and is no full definition "
                f'("No default definition found for referenced metric {k.path[1]}" unless one is predefined)'
            )
            severity = "error"
    ctx.emit(CODE, k.span, f"{new}; {in_use} {consequence}", severity=severity)
