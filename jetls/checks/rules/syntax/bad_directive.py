"""a `# jetls:` comment that does nothing: misspelled directive, unknown code, kind or platform.

A comment that starts with `# jetls` but is not a directive jetls understands: no colon after
`jetls`, an unknown directive (`disabel=`), an unknown diagnostic code (`JET2O1`), file kind or
platform.

**Why it matters:** the comment was written to silence a diagnostic or to set the file's kind or
platform; as written it does nothing, silently, and the author believes it does.

**Fix:** correct the directive: `# jetls: disable=JET201` (codes are in this catalogue),
`# jetls: disable-file=JET102`, `# jetls: kind=experiment`, `# jetls: platform=fenix`.

```toml title="jetstream/bad-directive.toml"
[experiment]
enrollment_period = 7  # jetls: disable=JET2O1
```
"""

CODE = "JET006"
SEVERITY = "warning"
FOUND_BY = "jetls.checks.suppressions (which reads the directives)"
