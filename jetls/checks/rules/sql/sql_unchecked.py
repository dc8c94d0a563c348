"""SQL not validated (sqlglot fell back to an unparsed command or failed).

A statement the SQL parser does not model (`EXECUTE IMMEDIATE`, some scripting), so it was
not checked; also SQL too long or nested too deeply for the checker.

**Why it matters:** a hint: no syntax error was found, but none could have been.

**Fix:** nothing; verify the query with a BigQuery dry run.

```toml title="jetstream/sql-unchecked.toml"
[experiment]
enrollment_query = "EXECUTE IMMEDIATE 'SELECT client_id AS analysis_id, branch FROM enrollments'"
```
"""

from jetls.checks.rules.templates._report import report_problem

CODE = "JET451"
SEVERITY = "hint"
FOUND_BY = "jetls.sql"


def on_string_problem(ctx, s, p) -> None:
    if p.code == CODE:
        report_problem(ctx, s, p)
