"""required statistic parameter missing.

A statistic without a parameter it requires: `population_ratio` without `numerator` or
`denominator`.

**Why it matters:** Jetstream fails when it builds the statistic ("missing 1 required
keyword-only argument"): the metric gets no results. It builds only the metrics an analysis
computes: on a metric in no window this is a warning, and in a definitions file (any experiment
that uses the metric fails, none may) too.

**Fix:** add the parameter the message names.

```toml title="jetstream/missing-statistic-parameter.toml"
[metrics]
weekly = ["uris_per_hour"]

[metrics.uris_per_hour]
depends_on = ["uri_count", "active_hours"]

[metrics.uris_per_hour.statistics.population_ratio]
denominator = "active_hours"
```
"""

from functools import cache

from jetls.schema import FileKind, statistics_section
from jetls.schema.model import Section
from jetls.workspace import key_span

CODE = "JET303"
SEVERITY = "error"

# Files whose metric tables the traversal hands to the `statistic` hook with their status.
_WITH_STATUS = (FileKind.EXPERIMENT, FileKind.DEFAULTS, FileKind.OUTCOME, FileKind.DEFINITIONS)


def _message(statistic: str, key: str) -> str:
    return (
        f"statistic `{statistic}` requires `{key}` (Jetstream fails with "
        f"\"missing 1 required keyword-only argument: '{key}'\")"
    )


@cache
def _required(tool: str, statistic: str) -> tuple[tuple[str, ...], bool] | None:
    """The statistic's required parameters in `tool`'s vocabulary (and whether its keys are
    case-insensitive); None for an unknown statistic (JET301)."""
    section = statistics_section(tool).field(statistic)
    return (section.required_keys, section.keys_case_insensitive) if isinstance(section, Section) else None


def on_statistic(ctx, s) -> None:
    """Jetstream builds a statistic only for a metric it resolves (`MetricDefinition.resolve`):
    the finding follows the metric's status, as JET204 does."""
    found = _required(ctx.info.tool, s.name)
    if found is None or not found[0]:
        return
    required, insensitive = found
    present = set(s.params.items)
    if insensitive:
        present |= {k.lower() for k in present}
    m = s.owner
    severity: str | None
    if ctx.kind is FileKind.DEFINITIONS:
        severity, note = "warning", " (any experiment that uses this metric fails)"
    else:
        severity, note = (m.severity, m.note) if m is not None else (None, "")
    for key in required:
        if key not in present:
            ctx.emit(CODE, key_span(s.params), _message(s.name, key) + note, data={"missing": key}, severity=severity)


def on_missing_key(ctx, t, key: str) -> None:
    """Files whose metrics have no status here (OpMon, Looker): the schema walk's finding."""
    if t.place.in_statistic and ctx.kind not in _WITH_STATUS:
        ctx.emit(CODE, t.span, _message(t.place.statistic, key), data={"missing": key})
