"""File kinds (spec §1.1). Deciding a file's kind from its path is the workspace's job."""

from __future__ import annotations

from enum import Enum


class FileKind(str, Enum):
    """What a TOML file is, decided from its path (spec §1.1)."""

    EXPERIMENT = "experiment"  # jetstream/<slug>.toml
    OUTCOME = "outcome"  # jetstream/outcomes/<platform>/<slug>.toml
    DEFAULTS = "defaults"  # jetstream/defaults/<platform>.toml
    DEFINITIONS = "definitions"  # (jetstream|opmon|looker/)definitions/<platform>.toml
    FUNCTIONS = "functions"  # (jetstream/)definitions/functions.toml
    OPMON = "opmon"  # opmon/<slug>.toml, opmon/defaults/*.toml (has [project])
    FEATMON = "featmon"  # featmon/<app>.toml
    PLAIN = "plain"  # any other TOML: syntax only, no schema


#: Statistic vocabularies (spec §4): which tool's statistic classes a file is checked against.
#: ``"any"`` is the union, for files read by several tools (root ``definitions/``).
TOOLS: tuple[str, ...] = ("jetstream", "opmon", "looker", "any")

#: The default vocabulary of each kind (the caller overrides for opmon/looker definitions).
DEFAULT_TOOL: dict[FileKind, str] = {
    FileKind.EXPERIMENT: "jetstream",
    FileKind.OUTCOME: "jetstream",
    FileKind.DEFAULTS: "jetstream",
    FileKind.DEFINITIONS: "jetstream",
    FileKind.FUNCTIONS: "jetstream",
    FileKind.OPMON: "opmon",
    FileKind.FEATMON: "jetstream",
    FileKind.PLAIN: "jetstream",
}
