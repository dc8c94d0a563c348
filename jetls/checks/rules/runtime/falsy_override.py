"""false, 0, "" or [] cannot override a value an earlier layer sets.

An experiment config sets a key of `[experiment]`, `[metrics.<slug>]` or `[data_sources.<slug>]`
to `false`, `0`, `""` or `[]` where the defaults (or an attached outcome) set it to something
else, explicitly or by the key's default.

**Why it matters:** Jetstream merges the layers key by key as `later or earlier`: a falsy later
value never replaces a truthy earlier one. The config says one thing, the analysis does the
other. (Range checks of the value, JET114, do not apply: it is not the value used.)

**Fix:** change the value where it is set (the defaults or the outcome), or define the metric
under another slug; remove the line from the config (the quick fix does).

```toml title="jetstream/falsy-override.toml"
[experiment]
outcomes = ["engagement"]

[metrics.tab_opens]
analysis_bases = []
```
"""

from jetls.diagnostics import Related, Tag
from jetls.document import Table
from jetls.document.edits import toml_value
from jetls.schema import FileKind, lookup
from jetls.workspace import key_span
from jetls.workspace.index import entry, sub, tables
from jetls.workspace.scope import is_full_metric

from .reference_table_key import KEPT

CODE = "JET536"
SEVERITY = "warning"
#: the value used is the earlier one: what a range check of this one says does not apply
SUPERSEDES = ("JET114",)


def on_file(ctx) -> None:
    if ctx.kind is not FileKind.EXPERIMENT:
        return
    earlier = ctx.layers[1:]
    if not earlier:
        return
    root = ctx.root
    sections: list[tuple[tuple[str, ...], Table | None]] = [(("experiment",), sub(root, "experiment"))]
    for section in ("metrics", "data_sources"):
        sections += [((section, name), t) for name, t in tables(root.items.get(section))]
    for path, table in sections:
        if table is None:
            continue
        reference_table = path[0] == "metrics" and not is_full_metric([table])
        for e in table.entries():
            value = e.to_python()
            if value is None or value or isinstance(value, dict):
                continue
            if reference_table and e.name.lower() not in KEPT:
                continue  # ignored anyway (JET513)
            for layer in earlier:
                other = layer.doc.lookup(path)
                if not isinstance(other, Table):
                    continue
                prior = entry(other, e.name, path[0] != "experiment")
                where: tuple[int, int] | None
                if prior is not None:
                    before, how, where = prior.to_python(), "", prior.key_span
                else:
                    f = lookup(FileKind.EXPERIMENT, path + (e.name,))
                    before = getattr(f, "default", None)
                    how, where = " (its default)", key_span(other) if path[0] != "experiment" else other.decl
                if not before:
                    continue
                was = toml_value(before)
                ctx.emit(
                    CODE,
                    e.span,
                    f"`{e.name} = {toml_value(value)}` has no effect: `{layer.info.rel}` also has "
                    f"`[{'.'.join(path)}]`, where `{e.name}` is {was}{how}, and Jetstream merges each key as "
                    '`later or earlier`: a later false, 0, "" or [] cannot reset it',
                    related=[Related(*(where or (0, 0)), f"`{e.name}` is {was}{how} here", layer.path)],
                    tags=(Tag.UNNECESSARY,),
                    fixes=ctx.removal(e),
                )
                break
