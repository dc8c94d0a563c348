"""platform used to resolve the file.

Every experiment config gets this note on `[experiment]` (or its first line): the platform its
metrics, data sources, segments and outcomes are resolved on, and why (a `--platform` option or
setting, a `# jetls: platform=` comment, inference from a slug defined only on one platform, or
the default `firefox_desktop`); and the metric-config-parser release whose rules apply, and why
(`--parser-version` or the `parserVersion` setting, the checkout's
`lib/metric-config-parser/pyproject.toml`, or the newest release jetls knows).

**Why it matters:** the platform decides which definitions a config sees; Jetstream takes it
from Experimenter, which jetls cannot ask. When the inference is wrong, slugs look unknown.

**Fix:** nothing, when it is right; otherwise set it with a `# jetls: platform=<name>` comment
or the `platform` setting.

```toml title="jetstream/platform.toml"
[experiment]
enrollment_period = 7
```
"""

from jetls.diagnostics import Related
from jetls.document import Table
from jetls.schema import FileKind
from jetls.workspace import ANALYSABLE, KIND_LABELS, key_span

CODE = "JET530"
SEVERITY = "information"


def on_file(ctx) -> None:
    c = ctx.choice
    if ctx.kind is not FileKind.EXPERIMENT or c is None:
        return
    exp = ctx.root.items.get("experiment")
    related = []
    if c.evidence is not None:
        kind, slug, (s, e) = c.evidence
        related.append(Related(s, e, f"{KIND_LABELS[kind]} '{slug}' decides the platform"))
    msg = f"platform `{c.platform}`: {c.reason}"
    if c.platform not in ANALYSABLE:
        msg += f" — Jetstream does not analyse `{c.platform}` experiments (not in its platform config)"
    if c.source in ("default", "inferred"):
        msg += ". Override with a `# jetls: platform=<name>` comment or the `platform` setting"
    p = ctx.parser
    msg += f". Judged by metric-config-parser {p.release} ({p.reason})"
    ctx.emit(
        CODE,
        key_span(exp) if isinstance(exp, Table) else ctx.root_span,
        msg,
        related=related,
        data={"platform": c.platform, "source": c.source, "parser_version": p.release, "parser_source": p.source},
    )
