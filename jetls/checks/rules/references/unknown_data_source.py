"""unknown data source.

A `data_source` (of a metric, an exposure signal, a dimension, an OpMon population) or a join
target that no table defines on the file's platform, in the file's tool view.

**Why it matters:** the reference fails to resolve it ("No default definition for data source
…"): CI fails or the analysis stops; for a definitions file, every experiment using the metric.
When only an outcome the experiment does not attach defines it, a note (information):
Experimenter may attach that outcome.

**Fix:** use a defined data source (the quick fix writes the closest), or define
`[data_sources.<slug>]`.

```toml title="jetstream/unknown-data-source.toml"
[metrics]
weekly = ["searches"]

[metrics.searches]
select_expression = "SUM(search_count_all)"
data_source = "clients_dail"

[metrics.searches.statistics.bootstrap_mean]
```
"""

from ._unknown import report_unresolved

CODE = "JET205"
SEVERITY = "error"

_FAILS = {
    "join": "the join target does not resolve",
    "dimension": "the dimension's data source does not resolve",
    "population": "OpMon cannot build the population",
}


def on_reference(ctx, ref) -> None:
    if ref.kind != "data_source":
        return
    fails = f"\"No default definition for data source '{ref.slug}' [{ctx.platform}] found\""
    if ref.site == "definitions metric":
        text = f"the metric's data source does not resolve ({fails})"
    else:
        text = _FAILS.get(ref.site, f"the reference fails with {fails}")
    report_unresolved(ctx, CODE, ref, text)
