"""experiment-level `[parameters]` are dropped by Jetstream.

An experiment config declares `[parameters.<name>]`.

**Why it matters:** Jetstream builds the analysis from the defaults and the config but does not
merge parameters from it: the value is silently not used. Templates that read
`parameters.<name>` get an attached outcome's default instead, or fail when no attached outcome
declares the parameter.

**Fix:** set the value as the outcome's `default`, or attach an outcome that declares the
parameter; remove the table from the config.

```toml title="jetstream/parameters.toml"
[parameters.message_id]
friendly_name = "Message"
description = "The message shown"
default = "abc"
```
"""

from jetls.diagnostics import Tag
from jetls.document import Table
from jetls.schema import FileKind
from jetls.workspace import key_span

CODE = "JET506"
SEVERITY = "warning"


def on_parameter(ctx, name: str, t) -> None:
    if ctx.kind is not FileKind.EXPERIMENT:
        return
    declared_by = [slug for slug, of in ctx.attached if isinstance(of.doc.lookup(("parameters", name)), Table)]
    if declared_by:
        extra = f"the attached outcome `{declared_by[0]}`'s `default` is used instead"
    else:
        extra = (
            "no attached outcome declares it, so `{{ parameters." + name + " }}` only renders if "
            "Experimenter attaches an outcome that declares it (with that outcome's default)"
        )
    ctx.emit(
        CODE,
        key_span(t),
        f"`[parameters.{name}]` in an experiment config is dropped by Jetstream "
        f"(it builds the analysis as defaults + config and does not merge parameters): {extra}",
        tags=(Tag.UNNECESSARY,),
    )
