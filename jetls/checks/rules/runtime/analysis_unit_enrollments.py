"""analysis unit incompatible with the enrollments query type.

`analysis_unit = "profile_group_id"` with Glean enrollments (`glean-event`, `fenix-fallback`,
`cirrus`; set by `enrollments_query_type` or the platform's default) and no custom
`enrollment_query`.

**Why it matters:** mozanalysis refuses it ("Glean enrollments currently only support client_id
analysis units"): the analysis fails.

**Fix:** use `client_id`, a custom `enrollment_query`, or an `enrollments_query_type` that
supports profile groups.

```toml title="jetstream/analysis-unit.toml"
# jetls: platform=fenix
[experiment]
analysis_unit = "profile_group_id"
```
"""

from jetls.schema import PLATFORMS
from jetls.syntax import String
from jetls.workspace import string_span
from jetls.workspace.index import entry

CODE = "JET502"
SEVERITY = "error"


def on_experiment(ctx, exp) -> None:
    ue, qe, ce = entry(exp, "analysis_unit"), entry(exp, "enrollments_query_type"), entry(exp, "enrollment_query")
    unit = ue.to_python() if ue is not None else None
    qtype = qe.to_python() if qe is not None else None
    custom = ce.to_python() if ce is not None else None
    platform = ctx.platform
    q = (
        qtype
        if isinstance(qtype, str)
        else (PLATFORMS[platform].enrollments_query_type if platform in PLATFORMS else "glean-event")
    )
    if (
        ue is not None
        and unit == "profile_group_id"
        and not custom
        and q in ("glean-event", "fenix-fallback", "cirrus")
    ):
        why = "set by `enrollments_query_type`" if qtype else f"the default on `{platform}`"
        ctx.emit(
            CODE,
            string_span(ue.value, ue.delta) if isinstance(ue.value, String) else ue.value_span,
            f'`analysis_unit = "profile_group_id"` is incompatible with `{q}` enrollments ({why}): '
            '"Glean enrollments currently only support client_id analysis units"; use `client_id`, a '
            "custom `enrollment_query`, or a compatible `enrollments_query_type`",
        )
