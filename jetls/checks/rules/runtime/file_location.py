"""file location makes the reference parser read it as another kind.

A file whose place in the checkout makes metric-hub's tools read it differently from what it
looks like: an outcome directly in `jetstream/outcomes/` (not in a platform folder), a config
in a folder the tools do not read, and the like. The message says how it is read.

**Why it matters:** the file is not used as intended: an outcome outside a platform folder is
read as an experiment config (and fails as one), and so on.

**Fix:** move the file where its kind belongs (for outcomes, `jetstream/outcomes/<platform>/`).

```toml title="jetstream/outcomes/misplaced.toml"
[metrics]
weekly = ["active_hours"]
```
"""

CODE = "JET531"
SEVERITY = "warning"


def on_file(ctx) -> None:
    if ctx.info.note:
        ctx.emit(CODE, ctx.root_span, ctx.info.note)
