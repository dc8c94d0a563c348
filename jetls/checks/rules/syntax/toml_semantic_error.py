"""TOML semantic error (duplicate key or table, redefinition).

Syntactically fine TOML that breaks TOML's rules: a key set twice, a table header written
twice, a value later redefined as a table, an inline table or a static array extended by a
later header or dotted key. The diagnostic sits on the second definition and points at the
first one.

**Why it matters:** a TOML parser rejects the file, so CI fails and Jetstream cannot read it.
(A lenient reader would keep one of the two values; which one is not something to rely on.)

**Fix:** keep one definition of the key or table: delete or merge the other.

```toml title="jetstream/duplicate-key.toml"
[experiment]
enrollment_period = 7
enrollment_period = 14
```
"""

CODE = "JET002"
SEVERITY = "error"


def on_toml(ctx) -> None:
    for d in ctx.syntax_problems:
        if d.code == CODE:
            ctx.add(d)
