"""wildcard metric key renames the metrics it matches.

A metric table whose slug is a pattern: `[metrics."*"]`, `[metrics."search_*"]` in an experiment
config, or in `jetstream/definitions/<platform>.toml` over the metrics of
`definitions/<platform>.toml`. The reference merges such a table into every metric that matches
(`MetricsSpec.merge`), and `MetricDefinition.merge` copies every field, the name included: each
matching metric is renamed to the pattern.

**Why it matters:** in an experiment config, every matching metric of the defaults then fails to
resolve ("No default definition found for referenced metric *"): the analysis fails. In
`jetstream/definitions/`, each matching metric keeps its definition but is built under the
pattern's name, which is no SQL identifier: any experiment that uses one fails when its query
runs (a warning there: none may). A pattern that matches nothing is dropped without a word (a
warning).

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
from jetls.workspace.paths import LAYER_DEFINITIONS, LAYER_JETSTREAM_DEFINITIONS

CODE = "JET515"
SEVERITY = "error"

_WILDCARD = re.compile(r"[*?\[]")


def _matches(pattern: str, names) -> list[str]:
    """`MetricsSpec.merge`: `re.compile(fnmatch.translate(other_key)).fullmatch(key)`."""
    rx = re.compile(fnmatch.translate(pattern))
    return sorted(n for n in names if rx.fullmatch(n))


def on_slug(ctx, kind: str, name: str, t) -> None:
    if kind != "metric" or is_valid_slug(name) or not _WILDCARD.search(name):
        return
    if ctx.kind is FileKind.EXPERIMENT:
        defaults = (n for layer in ctx.layers[1:] for n, _ in tables(layer.doc.root.items.get("metrics")))
        matched = _matches(name, defaults)
        ctx.emit(
            CODE,
            key_span(t),
            f"wildcard metric key `{name}`: the reference merges it into every matching "
            f"metric of the defaults and overwrites their name with `{name}`, so any match fails with "
            f'"No default definition found for referenced metric {name}"; list the metrics explicitly',
            severity=None if matched else "warning",
        )
    elif ctx.kind is FileKind.DEFINITIONS and ctx.info.layer == LAYER_JETSTREAM_DEFINITIONS:
        base = ctx.idx.slugs("metric", ctx.platform, layers=(LAYER_DEFINITIONS,))
        matched = _matches(name, base)
        if not matched:
            ctx.emit(
                CODE,
                key_span(t),
                f"wildcard metric key `{name}` matches no metric of `definitions/{ctx.sf.platform}.toml`: "
                "the reference drops it without a word",
                severity="warning",
            )
            return
        shown = ", ".join(f"`{n}`" for n in matched[:5]) + (f" and {len(matched) - 5} more" if len(matched) > 5 else "")
        ctx.emit(
            CODE,
            key_span(t),
            f"wildcard metric key `{name}` merges into {shown}, and the merge also overwrites their name "
            f"with `{name}` (`MetricDefinition.merge`): an experiment using one builds it as `{name}`, "
            "which is no SQL identifier, and its query fails; list the metrics explicitly",
            severity="warning",
        )
