"""`is_private = true` without `dataset_id`.

A private experiment (`is_private = true`) that does not name the dataset its results go to.

**Why it matters:** Jetstream refuses it ("dataset_id must be set to a custom dataset for
private experiments"): the analysis does not run.

**Fix:** add `dataset_id = "<the private dataset>"`.

```toml title="jetstream/private.toml"
[experiment]
is_private = true
```
"""

from jetls.workspace.index import entry

CODE = "JET501"
SEVERITY = "error"


def on_experiment(ctx, exp) -> None:
    private, dataset = entry(exp, "is_private"), entry(exp, "dataset_id")
    if private is not None and private.to_python() is True and not (dataset is not None and dataset.to_python()):
        ctx.emit(
            CODE,
            private.key_span,
            '`is_private = true` requires `dataset_id` ("dataset_id must be set to a '
            'custom dataset for private experiments")',
            data={"missing": "dataset_id"},
        )
