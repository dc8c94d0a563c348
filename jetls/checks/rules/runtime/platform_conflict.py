"""the config's slugs are defined for different platforms: no platform makes it valid.

An experiment config whose platform jetls infers (no `platform` setting, no
`# jetls: platform=` comment) uses slugs that exist only for different platforms: metrics
defined only for `firefox_desktop`, and an outcome that exists only for `firefox_ios`.

**Why it matters:** the platform of an experiment comes from Experimenter, which jetls cannot
see. Whichever it is, the slugs of the other platform do not resolve there ("Could not locate
metric …", "Outcome … doesn't support the platform …"): the analysis fails. jetls checks the file
on the platform most of the evidence points to; the message says what each piece implies.

**Fix:** use the slugs of the experiment's platform (Experimenter's "Application"), e.g. an
outcome of that platform; then say which it is with `# jetls: platform=<name>`.

```toml title="jetstream/outcomes/firefox_ios/ios-engagement.toml"
friendly_name = "iOS engagement"
description = "An outcome only firefox_ios has"

[metrics.ios_sessions]
select_expression = "COUNT(*)"
data_source = "ios_baseline"

[metrics.ios_sessions.statistics.bootstrap_mean]

[data_sources.ios_baseline]
from_expression = "mozdata.firefox_ios.baseline"
```

```toml title="jetstream/platform-conflict.toml"
[experiment]
outcomes = ["ios-engagement"]

[metrics]
weekly = ["active_hours"]
```
"""

from jetls.diagnostics import Related
from jetls.schema import FileKind
from jetls.workspace import KIND_LABELS

CODE = "JET532"
SEVERITY = "error"
# At a slug of another platform, this says more than "unknown on the platform checked".
SUPERSEDES = ("JET201", "JET202", "JET203", "JET205", "JET206", "JET207", "JET208")


def _pieces(evidence: list[tuple[str, str, tuple[int, int]]]) -> str:
    shown = ", ".join(f"{KIND_LABELS[k]} `{s}`" for k, s, _ in evidence[:3])
    more = f" and {len(evidence) - 3} more" if len(evidence) > 3 else ""
    return f"{shown}{more} {'implies' if len(evidence) == 1 else 'imply'}"


def on_file(ctx) -> None:
    c = ctx.choice
    if ctx.kind is not FileKind.EXPERIMENT or c is None or not c.conflicts:
        return
    by: dict[str, list[tuple[str, str, tuple[int, int]]]] = {}
    for platform, kind, slug, span in c.conflicts:
        by.setdefault(platform, []).append((kind, slug, span))
    chosen = by.get(c.platform, [])
    related = [
        Related(span[0], span[1], f"{KIND_LABELS[kind]} '{slug}' is only defined for {platform}")
        for platform, kind, slug, span in c.conflicts
    ]
    for platform, kind, slug, span in c.conflicts:
        if platform == c.platform:
            continue
        others = "; ".join(f"{_pieces(ev)} `{p}`" for p, ev in sorted(by.items()) if p not in (platform, c.platform))
        ctx.emit(
            CODE,
            span,
            f"{KIND_LABELS[kind]} `{slug}` is only defined for `{platform}`, but {_pieces(chosen)} "
            f"`{c.platform}`{'; ' + others if others else ''}: no platform makes this config valid. Jetstream "
            "takes the platform from Experimenter (jetls cannot see it), and on any one the slugs of the "
            f"others fail to resolve; checked as `{c.platform}` (say which with `# jetls: platform=<name>`)",
            related=[r for r in related if (r.start, r.end) != span],
            data={"platforms": sorted(by)},
        )
