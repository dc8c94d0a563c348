"""invalid slug (only letters, digits and `_`): silently dropped.

A metric, data source, segment, parameter or dimension table whose slug has other characters:
`[metrics.my-metric]`, `[metrics."a b"]`.

**Why it matters:** the reference drops such tables when it merges the configs, without a word;
every reference to the slug then fails as if it were never defined. (In a definitions file, a
data source with an invalid slug fails CI: an error there.)

**Fix:** use `_` instead of other characters (the quick fix does): `[metrics.my_metric]`.

```toml title="jetstream/invalid-slug.toml"
[metrics.my-metric]
select_expression = "SUM(1)"
data_source = "clients_daily"
```
"""

import re

from jetls.schema import FileKind, is_valid_slug
from jetls.workspace import KIND_LABELS, key_span
from jetls.workspace.paths import LAYER_JETSTREAM_DEFINITIONS

CODE = "JET113"
SEVERITY = "warning"

_WILDCARD = re.compile(r"[*?\[]")


def on_slug(ctx, kind: str, name: str, t) -> None:
    if is_valid_slug(name) or (
        _WILDCARD.search(name)
        and (
            (kind == "metric" and (ctx.kind is FileKind.EXPERIMENT or ctx.info.layer == LAYER_JETSTREAM_DEFINITIONS))
            or kind == "data_source"
        )
    ):
        return  # (a wildcard metric key: JET515; data source wildcards merge into matching definitions)
    fixed = re.sub(r"[^a-zA-Z0-9_]", "_", name)
    ctx.emit(
        CODE,
        key_span(t),
        f"`{name}` is not a valid {KIND_LABELS[kind]} slug (only letters, digits and `_`): "
        f"the reference silently drops it when merging, so references to it fail; use `{fixed}`",
        data={"replacement": fixed},
        severity="error" if kind == "data_source" and ctx.kind is FileKind.DEFINITIONS else None,
    )
