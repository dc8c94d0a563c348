"""The `experiment` object templates see (config-language.md §5.4): its attributes, with the
stub values jetls renders with and what each means."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any


class _Obj:
    """An attribute bag that prints like the reference's objects."""

    _type_name: str

    def __init__(self, _type: str, **attrs: Any) -> None:
        self.__dict__.update(attrs)
        self.__dict__["_type_name"] = _type

    def __str__(self) -> str:
        return f"<{self._type_name} object>"

    __repr__ = __str__


class _EnumValue:
    def __init__(self, enum: str, name: str, value: str) -> None:
        self.name = name
        self.value = value
        self._enum = enum

    def __str__(self) -> str:
        return f"{self._enum}.{self.name}"

    __repr__ = __str__


_START = datetime(2024, 1, 1, tzinfo=timezone.utc)
_ENROLL_END = datetime(2024, 1, 8, tzinfo=timezone.utc)
_END = datetime(2024, 2, 5, tzinfo=timezone.utc)

EXPERIMENT_ATTRIBUTES: dict[str, Any] = {
    "normandy_slug": "my-experiment",
    "experimenter_slug": None,
    "start_date": _START,
    "end_date": _END,
    "enrollment_end_date": _ENROLL_END,
    "start_date_str": "2024-01-01",
    "end_date_str": "2024-02-05",
    "last_enrollment_date_str": "2024-01-08",
    "enrollment_period": 7,
    "proposed_enrollment": 7,
    "reference_branch": "control",
    "branches": (
        _Obj("Branch", slug="control", ratio=1),
        _Obj("Branch", slug="treatment", ratio=1),
    ),
    "status": "Live",
    "app_name": "firefox_desktop",
    "app_id": "firefox-desktop",
    "analysis_unit": _EnumValue("AnalysisUnit", "CLIENT", "client_id"),
    "enrollments_query_type": _EnumValue("EnrollmentsQueryType", "NORMANDY", "normandy"),
    "randomization_unit": "normandy_id",
    "bucket_config": _Obj(
        "BucketConfig",
        randomization_unit="normandy_id",
        namespace="my-experiment-namespace",
        start=0,
        count=100,
        total=10000,
    ),
    "bucket_count": 100,
    "bucket_start": 0,
    "sample_size": None,
    "segments": (),
    "exposure_signal": None,
    "skip": False,
    "is_private": False,
    "dataset_id": None,
    "is_rollout": False,
    "is_high_population": False,
    "is_enrollment_paused": True,
    "channel": "release",
    "boolean_pref": None,
    "type": "v6",
    "outcomes": (),
    "do_rerun": False,
    "do_rerun_timestamp": None,
    "experiment_spec": None,
    "experiment": None,
}

EXPERIMENT = _Obj("ExperimentProxy", **EXPERIMENT_ATTRIBUTES)


#: the attributes most configs use (offered first)
COMMON = ("normandy_slug", "start_date_str", "last_enrollment_date_str", "end_date_str")
#: what an attribute means (completion and hover documentation)
DOCS = {
    "normandy_slug": "The experiment slug (Nimbus). Use this, not `experiment.slug` (which does not exist).",
    "start_date_str": "Start date as `YYYY-MM-DD` (error if the experiment has no start date).",
    "end_date_str": "End date as `YYYY-MM-DD` (error if the experiment has no end date — common for live experiments).",
    "last_enrollment_date_str": "`start_date + enrollment_period` as `YYYY-MM-DD`.",
    "branches": "List of branches (`slug`, `ratio`), e.g. `experiment.branches | map(attribute='slug') | join(',')`.",
    "reference_branch": "The control branch slug.",
    "app_name": "The platform (e.g. `firefox_desktop`).",
    "app_id": "The application id (e.g. `firefox-desktop`).",
    "analysis_unit": "Enum; `.value` is `client_id` or `profile_group_id`.",
}
