"""unknown key, silently ignored by the reference parser.

A key that the table does not have, in a table whose reader ignores unknown keys: a typo like
`enrollment_periodd`, or a key from another kind of file.

**Why it matters:** the reference reads the table as if the key were not there: the value the
author wrote has no effect, and nothing says so.

**Fix:** fix the spelling (the quick fix offers the closest known key), or remove the key.

```toml title="jetstream/unknown-key.toml"
[experiment]
enrollment_periodd = 7
```
"""

from jetls.checks.hooks import In
from jetls.checks.suggest import did_you_mean, suggest
from jetls.diagnostics import Tag
from jetls.schema import Field

CODE = "JET102"
SEVERITY = "warning"


def on_unknown_key(ctx, k) -> None:
    section = k.section
    if (
        not k.path
        or k.place.at in (In.STATISTICS, In.STATISTIC)
        or section.unknown_keys == "error"
        or (not section.fields and section.entries is None)
    ):
        return
    s = suggest(k.name, [n for n, v in section.fields.items() if not (isinstance(v, Field) and v.ignored)])
    ctx.emit(
        CODE,
        k.span,
        f"unknown key `{k.name}` in `[{'.'.join(k.path)}]` is silently ignored{did_you_mean(s)}",
        data={"replacement": s} if s else None,
        tags=(Tag.UNNECESSARY,),
        fixes=ctx.removal(k.item),
    )
