"""custom enrollment query uses the other analysis unit's column.

A custom `enrollment_query` mentions `profile_group_id` while the experiment analyses by
`client_id`, or the reverse.

**Why it matters:** mozanalysis refuses it ("custom_enrollments_query contains …, but experiment
uses …"): the analysis fails.

**Fix:** select the analysis unit's column (`client_id AS analysis_id` for `client_id`).

```toml title="jetstream/enrollment-query-unit.toml"
[experiment]
analysis_unit = "client_id"
enrollment_query = "SELECT profile_group_id AS analysis_id, branch FROM enrollments"
```
"""

from jetls.syntax import String
from jetls.workspace.index import entry

CODE = "JET517"
SEVERITY = "error"


def on_experiment(ctx, exp) -> None:
    ue, ce = entry(exp, "analysis_unit"), entry(exp, "enrollment_query")
    unit = ue.to_python() if ue is not None else None
    if ce is None or not isinstance(ce.value, String):
        return
    custom = ce.value.value
    u = unit if isinstance(unit, str) else "client_id"
    other = "profile_group_id" if u == "client_id" else "client_id"
    i = custom.find(other)
    if i >= 0 and (u == "profile_group_id" or unit is not None):
        s = ce.value.offset_of(i) + ce.delta
        ctx.emit(
            CODE,
            (s, ce.value.offset_of(i + len(other)) + ce.delta),
            f"the custom enrollment query contains `{other}`, but the experiment uses `{u}`: mozanalysis "
            f'refuses it ("custom_enrollments_query contains {other}, but experiment uses {u}")',
        )
