"""Releases of the reference parser (`mozilla-metric-config-parser`) and what each accepts.

metric-hub is the parser's own repository: `lib/metric-config-parser/` holds the parser its CI
uses, and Jetstream's image runs the latest release. Releases add syntax; the schema marks a key
a release introduced with `since` (`jetls.schema.model.Field.since`), and the rules judge a
file against the release in use (`docs/parser-versions.md` lists the differences).

Releases are calendar versions `YEAR.MONTH.N`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_RELEASE = re.compile(r"^\s*(\d{4})\.(\d{1,2})\.(\d+)\s*$")

#: The releases jetls models, oldest first: 2026.8.1 is the one `config-language.md` describes
#: (metric-hub at ca1c865); 2026.10.2 validated the real corpus.
KNOWN_RELEASES: tuple[str, ...] = ("2026.8.1", "2026.10.2")

#: The first release with per-period metric lists at an outcome's root (`OutcomeSpec.from_dict`,
#: `AnalysisSpec.merge_outcome`) and with the `aggregation` family of metric fields
#: (`MetricDefinition.__attrs_post_init__`, `aggregation.py`).
OUTCOME_WINDOWS = "2026.10.0"
METRIC_AGGREGATION = "2026.10.0"


@lru_cache(maxsize=64)
def parse_release(text: str) -> tuple[int, int, int] | None:
    """`"2026.10.2"` → `(2026, 10, 2)`; None when it is no calendar version."""
    m = _RELEASE.match(text) if isinstance(text, str) else None
    return (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


@dataclass(frozen=True, slots=True)
class ParserVersion:
    """The release whose rules a file is judged by."""

    release: str
    key: tuple[int, int, int]

    def at_least(self, release: str) -> bool:
        """Whether this release has what `release` introduced."""
        since = parse_release(release)
        return since is None or self.key >= since

    def __str__(self) -> str:
        return self.release


def known(text: str) -> ParserVersion | None:
    """The known release `text` names, or None."""
    key = parse_release(text)
    if key is None:
        return None
    for r in KNOWN_RELEASES:
        if parse_release(r) == key:
            return ParserVersion(r, key)
    return None


NEWEST = ParserVersion(KNOWN_RELEASES[-1], parse_release(KNOWN_RELEASES[-1]) or (0, 0, 0))


def rules_of(text: str) -> ParserVersion | None:
    """The rules for a release a checkout names: its own when jetls knows what it introduced (any
    release up to the newest known one), the newest known rules for a later one; None when `text`
    is no calendar version."""
    key = parse_release(text)
    if key is None:
        return None
    if key > NEWEST.key:
        return NEWEST
    return ParserVersion(text.strip(), key)
