"""deprecated or ineffective key.

A key the schema marks deprecated: one the reference still reads but that has no effect any
more or is about to go (`default_dataset` on a segment data source, ...). The message says what
replaced it.

**Why it matters:** the value looks meaningful and is not; a later version of the reference may
reject it.

**Fix:** remove the key, or use its replacement.

```toml title="jetstream/deprecated-key.toml"
[segments.data_sources.my_segment_source]
from_expression = "mozdata.telemetry.clients_last_seen"
default_dataset = "telemetry"
```
"""

from jetls.diagnostics import Tag
from jetls.schema import Section

CODE = "JET115"
SEVERITY = "warning"


def on_deprecated_key(ctx, k) -> None:
    tag = Tag.DEPRECATED if isinstance(k.schema, Section) else Tag.UNNECESSARY
    ctx.emit(CODE, k.span, k.schema.deprecated, tags=(tag,))
