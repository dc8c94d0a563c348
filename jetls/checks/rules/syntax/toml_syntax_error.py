"""TOML syntax error.

The file is not valid TOML: an unclosed table header, array, string or inline table, a value
missing after `=`, a bare word where a value belongs, and so on. The message says what the
parser expected and the range shows where.

**Why it matters:** metric-hub's CI and Jetstream parse every config with a TOML parser, which
rejects the whole file: nothing in it is analysed, and the CI check fails.

**Fix:** correct the syntax at the marked place. jetls recovers at the end of the broken line
(or before the next table header), so the rest of the file is still checked.

```toml title="jetstream/broken-header.toml"
[metrics
weekly = ["active_hours"]
```
"""

CODE = "JET001"
SEVERITY = "error"


def on_toml(ctx) -> None:
    for d in ctx.syntax_problems:
        if d.code == CODE:
            ctx.add(d)
