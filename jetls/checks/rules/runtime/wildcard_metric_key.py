"""wildcard metric key breaks resolution.

An experiment config's metric table whose slug is a pattern: `[metrics."*"]`,
`[metrics."search_*"]`. The reference merges such a table into every metric of the defaults
that matches, and overwrites their name with the pattern.

**Why it matters:** every matching metric then fails to resolve ("No default definition found
for referenced metric *"): the analysis fails. (When no metric of the defaults matches, nothing
breaks yet: a warning.)

**Fix:** list the metrics explicitly, one table per slug.

```toml title="jetstream/wildcard-metric.toml"
[metrics."*"]
bigger_is_better = false
```
"""

import fnmatch
import re

from jetls.schema import FileKind, is_valid_slug
from jetls.workspace import key_span
from jetls.workspace.index import tables

CODE = "JET515"
SEVERITY = "error"

_WILDCARD = re.compile(r"[*?\[]")


def on_slug(ctx, kind: str, name: str, t) -> None:
    if kind != "metric" or ctx.kind is not FileKind.EXPERIMENT or is_valid_slug(name) or not _WILDCARD.search(name):
        return
    ctx.emit(
        CODE,
        key_span(t),
        f"wildcard metric key `{name}`: the reference merges it into every matching "
        f"metric of the defaults and overwrites their name with `{name}`, so any match fails with "
        f'"No default definition found for referenced metric {name}"; list the metrics explicitly',
        severity=None if _defaults_match(ctx, name) else "warning",
    )


def _defaults_match(ctx, pattern: str) -> bool:
    for layer in ctx.layers[1:]:
        for n, _ in tables(layer.doc.root.items.get("metrics")):
            if fnmatch.fnmatch(n, pattern):
                return True
    return False
