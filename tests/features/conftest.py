"""A small metric-hub checkout in tmp_path, and a `$0` cursor marker helper."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from jetls.workspace import Workspace

DESKTOP = '''\
[metrics.active_hours]
friendly_name = "Active hours"
description = """
    Measures the amount of time during which Firefox received user input.
"""
select_expression = '{{agg_sum("active_hours_sum")}}'
data_source = "clients_daily"

[metrics.uri_count]
friendly_name = "URIs visited"
description = "Counts the total number of URIs visited."
select_expression = '{{agg_sum("scalar_parent_browser_engagement_total_uri_count_sum")}}'
data_source = "clients_daily"

[metrics.days_of_use]
friendly_name = "Days of use"
description = "The number of days in the interval that each client sent a main ping."
select_expression = "COUNT(submission_date)"
data_source = "clients_daily"
deprecated = true

[data_sources.clients_daily]
friendly_name = "Clients Daily"
description = "Clients Daily"
from_expression = "mozdata.telemetry.clients_daily"

[data_sources.main]
from_expression = "mozdata.telemetry.main_1pct"

[segments.regular_users_v3]
data_source = "clients_last_seen"
select_expression = "COALESCE(LOGICAL_OR(is_regular_user_v3), FALSE)"
friendly_name = "Regular users (v3)"

[segments.data_sources.clients_last_seen]
from_expression = "mozdata.telemetry.clients_last_seen"
window_start = 0
window_end = 0
'''

FENIX = '''\
[metrics.fenix_only_metric]
friendly_name = "Fenix only"
select_expression = "COUNT(*)"
data_source = "baseline"

[data_sources.baseline]
from_expression = "mozdata.fenix.baseline"
'''

FUNCTIONS = '''\
[functions.agg_sum]
definition = "COALESCE(SUM({select_expr}), 0)"
friendly_name = "Sum"
description = "Calculates the sum of the select expression"

[functions.agg_any]
definition = "COALESCE(LOGICAL_OR({select_expr}), FALSE)"
'''

JETSTREAM_DESKTOP = '''\
[metrics.active_hours.statistics.bootstrap_mean]
[metrics.active_hours.statistics.deciles]
'''

OUTCOME = '''\
friendly_name = "Networking"
description = "Networking metrics"

[parameters.message_id]
friendly_name = "Message ID"
description = "Id of the message"
default = "abc"

[metrics.dns_lookup_time]
friendly_name = "DNS lookup time"
select_expression = "AVG(dns) -- {{ parameters.message_id }}"
data_source = "main"
statistics = { bootstrap_mean = {} }
'''

EXPERIMENT = '''\
[experiment]
segments = ["regular_users_v3"]
outcomes = ["networking"]

[metrics]
weekly = ["active_hours", "my_metric"]
overall = ["active_hours"]

[metrics.my_metric]
friendly_name = "My metric"
select_expression = '{{agg_sum("x")}}'
data_source = "clients_daily"

[metrics.my_metric.statistics.bootstrap_mean]
'''

BASE_FILES = {
    "definitions/firefox_desktop.toml": DESKTOP,
    "definitions/fenix.toml": FENIX,
    "definitions/functions.toml": FUNCTIONS,
    "jetstream/definitions/firefox_desktop.toml": JETSTREAM_DESKTOP,
    "jetstream/outcomes/firefox_desktop/networking.toml": OUTCOME,
    "jetstream/my-exp.toml": EXPERIMENT,
}


def cursor(text: str) -> tuple[str, int]:
    """Remove the `$0` marker; return (text, offset)."""
    text = textwrap.dedent(text) if text.startswith("\n") else text
    off = text.index("$0")
    return text[:off] + text[off + 2 :], off


class Fixture:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.ws = Workspace.load(str(root))

    def path(self, rel: str) -> str:
        return os.path.abspath(os.path.join(self.root, rel))

    def edit(self, rel: str, text_with_cursor: str) -> tuple[str, int]:
        """Put `text` (with a `$0` marker) in file `rel` of the snapshot; return (path, offset)."""
        text, off = cursor(text_with_cursor)
        p = self.path(rel)
        self.ws = self.ws.with_text(p, text)
        return p, off

    def text(self, rel: str) -> str:
        return self.ws.files[self.path(rel)].text

    def offset_of(self, rel: str, needle: str, nth: int = 0) -> int:
        t = self.text(rel)
        i = -1
        for _ in range(nth + 1):
            i = t.index(needle, i + 1)
        return i


@pytest.fixture
def fx(tmp_path: Path) -> Fixture:
    for rel, text in BASE_FILES.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return Fixture(tmp_path)
