"""array mixing value types (the reference TOML parser rejects it or drops elements).

An array whose elements are not all of one type: `["remove_nulls", {name = "log"}]`, `[1, "2"]`.
TOML 1.0 allows it, but the parser Jetstream and metric-config-parser use (`toml` 0.10.2, TOML
0.5) does not.

**Why it matters:** the reference parser fails on the file ("Not a homogeneous array"), so CI
fails and the analysis cannot read the config.

**Fix:** use one element type: all strings, or all inline tables (`{name = "remove_nulls"}`).

```toml title="jetstream/mixed-array.toml"
[experiment]
segments = ["regular_users_v3", 1]
```
"""

from functools import partial

from jetls.checks.replay import Replayed
from jetls.checks.values import toml_type, type_name
from jetls.syntax import Array, InlineTable, Invalid

CODE = "JET003"
SEVERITY = "error"

# per chunk tree: an unchanged chunk keeps its tree across edits, and its findings only move
_FOUND = Replayed("mixed arrays")


def on_file(ctx) -> None:
    for chunk in ctx.sf.tree.chunks:
        _FOUND.run(ctx, chunk.tree, (), chunk.delta, partial(_in_chunk, ctx, chunk.tree, chunk.delta))


def _in_chunk(ctx, tree, delta: int) -> None:
    for kv in tree.entries:
        _visit(ctx, kv.value, delta)


# a module function, not a closure over `ctx`: a recursive closure is a reference cycle that
# would leave every keystroke's check context to the cyclic collector
def _visit(ctx, v, delta: int) -> None:
    if isinstance(v, Array):
        items = [x for x in v.items if not isinstance(x, Invalid)]
        if items:
            first = toml_type(items[0])
            for x in items[1:]:
                t = toml_type(x)
                if t != first:
                    ctx.emit(
                        CODE,
                        (x.start + delta, x.end + delta),
                        f"array mixes {type_name(first)} and {type_name(t)}: the reference TOML parser "
                        '(toml 0.10.2) rejects it ("Not a homogeneous array"); use one element type',
                    )
                    break
        for x in items:
            _visit(ctx, x, delta)
    elif isinstance(v, InlineTable):
        for kv in v.entries:
            _visit(ctx, kv.value, delta)
