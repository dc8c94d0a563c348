"""unexpected top-level key (rejected by the top-level whitelist).

A top-level key that the file's kind does not allow: `Metrics = …`, `metric = …` in an experiment
config, `default_metrics` in an outcome. The reference parsers check the top-level keys of each
file against a whitelist.

**Why it matters:** metric-hub's CI rejects the file ("Unexpected config key[s] found"), and
Jetstream refuses to run the analysis.

**Fix:** use one of the allowed top-level keys (the message lists them and suggests the closest
one), or remove the key.

```toml title="jetstream/top-level-key.toml"
Metrics = 1
```
"""

from jetls.checks.suggest import did_you_mean, suggest
from jetls.schema import Field

CODE = "JET101"
SEVERITY = "error"


def on_unknown_key(ctx, k) -> None:
    if k.path:
        return
    s = suggest(k.name, [n for n, v in k.section.fields.items() if not (isinstance(v, Field) and v.ignored)])
    allowed = ", ".join(f"`{n}`" for n in k.section.fields)
    ctx.emit(
        CODE,
        k.span,
        f"unexpected top-level key `{k.name}`: the reference rejects the file "
        f'("Unexpected config key[s] found"){did_you_mean(s)} Allowed: {allowed}',
        data={"replacement": s} if s else None,
    )
