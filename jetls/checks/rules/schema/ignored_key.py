"""key that has no effect here (ignored by the reference parser).

A key the reference knows but ignores where it is written: `days28` in `[metrics]` (the window
is `28_day`), `enrollment_end_date` in `[experiment]`, `window_start`/`window_end` in a
`[segments.<slug>]` table (a segment's window belongs to its data source), and the like.

**Why it matters:** the author meant something by it; the analysis runs as if it were not there.

**Fix:** move the key where it has an effect (the message says where; the quick fix moves a
segment's window to its data source when that is in the same file), use the key it was meant
to be, or remove it.

```toml title="jetstream/ignored-key.toml"
[metrics]
days28 = ["active_hours"]
```
"""

from jetls.diagnostics import Fix, Tag
from jetls.document import Table
from jetls.document.edits import insert_entry, remove_entry
from jetls.schema import Field
from jetls.workspace.index import entry

CODE = "JET104"
SEVERITY = "warning"


def on_ignored_key(ctx, k) -> None:
    child = k.schema
    rep = getattr(child, "replacement", None)
    if isinstance(child, Field) and child.deprecated:
        msg = child.deprecated.rstrip(".")
    else:
        first = child.doc.split(".")[0].strip("* ")
        msg = f"`{k.name}` has no effect here ({first.lower()})"
    if k.name == "days28":
        msg = "`days28` is not a window name and is silently ignored; the 28-day window is `28_day`"
    if rep and "did you mean" not in msg:
        msg += f"; did you mean `{rep}`?"
    ctx.emit(
        CODE,
        k.span,
        msg,
        data={"replacement": rep} if rep else None,
        tags=(Tag.UNNECESSARY,),
        fixes=ctx.removal(k.item),
    )


def on_segment(ctx, name: str, t: Table) -> None:
    """`window_start`/`window_end` in `[segments.<name>]` are ignored: the window belongs to the
    segment's data source. Say which one, and move them there when it is in this file."""
    keys = [e for e in t.entries() if e.name.lower() in ("window_start", "window_end")]
    if not keys:
        return
    text = ctx.text
    de = entry(t, "data_source", True)
    ds = de.to_python() if de is not None and isinstance(de.to_python(), str) else None
    target = None
    where = ""
    if ds is not None:
        res = ctx.scope.resolve("segment_data_source", ds)
        d = res.targets[0] if res.targets else None
        if d is not None and d.path == ctx.sf.path and isinstance(d.table, Table) and d.table.kind == "header":
            target = d.table
        elif d is not None:
            where = f" (defined in `{ctx.ws.file(d.path).info.rel}`)"
    for e in keys:
        if ds is None:
            msg = (
                f"`{e.name}` is ignored by the reference parser: a segment's window belongs to its data "
                "source (`[segments.data_sources.<slug>]`)"
            )
        else:
            msg = (
                f"`{e.name}` is ignored by the reference parser: a segment's window belongs to its data "
                f"source `[segments.data_sources.{ds}]`{where}"
            )
        fixes = []
        removal = remove_entry(text, e)
        if removal is not None and target is not None:
            if entry(target, e.name, True) is None:
                insert = insert_entry(text, target, e.name, e.to_python())
                if insert is not None:
                    fixes.append(
                        Fix.here(f"Move `{e.name}` to `[segments.data_sources.{ds}]`", removal, insert, preferred=True)
                    )
            else:
                fixes.append(Fix.here(f"Remove `{e.name}` (`[segments.data_sources.{ds}]` sets it)", removal))
        elif removal is not None:
            fixes.append(Fix.here(f"Remove `{e.name}`", removal))
        ctx.emit(CODE, e.key_span, msg, tags=(Tag.UNNECESSARY,), fixes=fixes)
