"""unknown segment.

An experiment's `segments` lists a segment that no table defines on the platform.

**Why it matters:** the reference fails to resolve it ("Could not find definition for segment
…"): the analysis fails.

**Fix:** use a defined segment (the quick fix writes the closest), or define
`[segments.<slug>]`.

```toml title="jetstream/unknown-segment.toml"
[experiment]
segments = ["regular_users_v4"]
```
"""

from ._unknown import report_unresolved

CODE = "JET206"
SEVERITY = "error"


def on_reference(ctx, ref) -> None:
    if ref.kind == "segment":
        report_unresolved(
            ctx, CODE, ref, f"the reference fails with \"Could not find definition for segment '{ref.slug}'\""
        )
