"""Which release of the reference parser a workspace is judged by, and why.

The `parser_version` option (`jetls.parserVersion`, `--parser-version`) when it names a release
jetls knows; else the release in the checkout's `lib/metric-config-parser/pyproject.toml` (the
parser metric-hub's CI runs); else the newest release jetls knows (the one Jetstream's image
runs).
"""

from __future__ import annotations

import os
import threading
import tomllib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from jetls.schema.versions import KNOWN_RELEASES, NEWEST, ParserVersion, known, rules_of

if TYPE_CHECKING:
    from .model import Workspace

#: Where a metric-hub checkout keeps its parser, relative to the root.
PARSER_PYPROJECT = "lib/metric-config-parser/pyproject.toml"


@dataclass(frozen=True, slots=True)
class ParserChoice:
    """The release whose rules apply, and why."""

    version: ParserVersion  # the rules used
    source: str  # "option" | "checkout" | "newest"
    reason: str

    @property
    def release(self) -> str:
        return self.version.release


# path -> ((mtime_ns, size), release or None): a stat per snapshot, a read when the file changed
_READ: dict[str, tuple[tuple[int, int], str | None]] = {}
_LOCK = threading.Lock()


def checkout_release(root: str | None) -> str | None:
    """`[project].version` of the checkout's `lib/metric-config-parser/pyproject.toml`, or None
    (no such file, unreadable, or no version)."""
    if root is None:
        return None
    path = os.path.join(root, PARSER_PYPROJECT)
    try:
        st = os.stat(path)
    except OSError:
        return None
    stamp = (st.st_mtime_ns, st.st_size)
    with _LOCK:
        hit = _READ.get(path)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    release = None
    if st.st_size <= 1_000_000:  # (a pyproject is a few KB)
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
            v = data.get("project", {}).get("version")
            release = v.strip() if isinstance(v, str) and v.strip() else None
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError, AttributeError):
            release = None
    with _LOCK:
        if len(_READ) > 64:
            _READ.clear()
        _READ[path] = (stamp, release)
    return release


def parser_choice(ws: "Workspace") -> ParserChoice:
    """The parser release `ws` is judged by (memoised on the snapshot)."""
    memo = ws.memo
    hit = memo.get("parser choice")
    if hit is None:
        hit = memo["parser choice"] = _choose(ws.options.parser_version, checkout_release(ws.root))
    return hit


def _choose(option: str | None, checkout: str | None) -> ParserChoice:
    ignored = ""
    if option is not None:
        v = known(option)
        if v is not None:
            return ParserChoice(v, "option", "the `parserVersion` setting")
        ignored = f" (the `parserVersion` setting {option!r} is not a release jetls knows: {', '.join(KNOWN_RELEASES)})"
    if checkout is not None:
        v2 = rules_of(checkout)
        if v2 is not None:
            if v2.release == checkout.strip():
                return ParserChoice(v2, "checkout", f"from the checkout's `{PARSER_PYPROJECT}`{ignored}")
            return ParserChoice(
                v2,
                "checkout",
                f"the checkout's `{PARSER_PYPROJECT}` names {checkout}, newer than the newest release "
                f"jetls knows: its rules{ignored}",
            )
    return ParserChoice(NEWEST, "newest", f"the newest release jetls knows (no `{PARSER_PYPROJECT}`){ignored}")
