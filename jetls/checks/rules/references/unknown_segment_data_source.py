"""unknown segment data source.

A segment's `data_source` that no `[segments.data_sources.<slug>]` table defines (segments read
segment data sources, not `[data_sources]`).

**Why it matters:** the reference fails to resolve it ("Could not find definition for segment
data source …"). For a segment the experiment does not list in `[experiment].segments` it is a
warning: only Experimenter could select it.

**Fix:** use a segment data source (the quick fix writes the closest), or define
`[segments.data_sources.<slug>]`.

```toml title="jetstream/unknown-segment-data-source.toml"
[experiment]
segments = ["my_segment"]

[segments.my_segment]
select_expression = "TRUE"
data_source = "nowhere"
```
"""

from ._unknown import report_unresolved

CODE = "JET207"
SEVERITY = "error"


def on_reference(ctx, ref) -> None:
    if ref.kind != "segment_data_source":
        return
    found = f"\"Could not find definition for segment data source '{ref.slug}'\""
    report_unresolved(
        ctx, CODE, ref, found if ref.site == "definitions segment" else f"the reference fails with {found}"
    )
