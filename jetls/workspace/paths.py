"""Where a file sits in a metric-hub checkout, and what that makes it (spec §1.1).

Pure functions of the path (plus the file's own `# jetls:` directive comments for files
outside any metric-hub layout). No I/O except `find_root`, which looks at directories.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from jetls.schema import PLATFORMS, FileKind

#: Layers of definitions (spec §1.2), in the words of `Definition.layer`.
LAYER_DEFINITIONS = "definitions"  # definitions/<P>.toml
LAYER_JETSTREAM_DEFINITIONS = "jetstream-definitions"  # jetstream/definitions/<P>.toml
LAYER_OPMON_DEFINITIONS = "opmon-definitions"  # opmon/definitions/<P>.toml (not visible to Jetstream)
LAYER_LOOKER_DEFINITIONS = "looker-definitions"  # looker/definitions/<P>.toml (not visible to Jetstream)
LAYER_DEFAULTS = "defaults"  # jetstream/defaults/<P>.toml
LAYER_OUTCOME = "outcome"  # jetstream/outcomes/<P>/<slug>.toml
LAYER_CONFIG = "config"  # an experiment config (or any other file's local tables)
LAYER_FUNCTIONS = "functions"  # (jetstream/)definitions/functions.toml

#: A `# jetls: key=value …` comment: group 1 is the colon (without it, the comment is a
#: misspelled directive), group 2 the pairs. Shared by classification and the checks (JET006).
DIRECTIVE = re.compile(r"#\s*jetls\b\s*(:?)\s*(.*)$", re.I)
#: One `key` or `key=value[,value…]` of a directive.
DIRECTIVE_PAIR = re.compile(r"([A-Za-z][\w-]*)\s*(?:=\s*([^\s=,]+(?:\s*,\s*[^\s=,]+)*))?")
_KINDS = {k.value: k for k in FileKind}


@dataclass(frozen=True, slots=True)
class FileInfo:
    """What the path says about a file."""

    kind: FileKind
    #: Platform from the path (definitions/outcomes/defaults) or a directive; None for
    #: experiment configs (decided later, spec §1.3) and plain files.
    platform: str | None
    #: Which layer the file's definitions belong to (see LAYER_*), None for plain files.
    layer: str | None
    #: Statistic vocabulary (`jetls.schema.TOOLS`).
    tool: str
    #: The tool whose view resolves the file's references: "jetstream" | "opmon" | "looker" | "metric-hub".
    view: str
    #: Path relative to the root (posix), or the file name when outside a root.
    rel: str
    #: Why the kind was chosen when it is not the obvious one (e.g. a directive, an outcome
    #: file without platform directory); None otherwise.
    note: str | None = None


def is_example(path: str | Path) -> bool:
    """`.toml.example` and other `.example` files are skipped by every reference CLI."""
    return ".example" in Path(path).suffixes


def find_root(path: str | Path) -> Path | None:
    """The nearest ancestor directory (or `path` itself if a directory) holding `definitions/`
    and/or `jetstream/` — the metric-hub checkout root."""
    p = Path(path).resolve() if not isinstance(path, Path) or not path.is_absolute() else path
    candidates = [p] if p.is_dir() else []
    candidates.extend(p.parents)
    for d in candidates:
        if (d / "jetstream").is_dir():
            return d
        if (d / "definitions").is_dir():
            # `jetstream/definitions/` marks the tool directory, not the checkout root
            if d.name in ("jetstream", "opmon", "looker") and (d.parent / "definitions").is_dir():
                continue
            return d
    return None


def directives(text: str) -> dict[str, str]:
    """`# jetls: kind=experiment platform=fenix` comments → {"kind": ..., "platform": ...}.

    Only `kind` and `platform` are taken; `disable=`/`disable-file=` and what is wrong with a
    directive are the checks' business (same grammar: `DIRECTIVE`, `DIRECTIVE_PAIR`).
    Cheap: looks only at lines that contain `jetls`.
    """
    out: dict[str, str] = {}
    if "jetls" not in text.lower():
        return out
    for line in text.splitlines():
        if "jetls" not in line.lower():
            continue
        m = DIRECTIVE.search(line)
        if not m or not m.group(1):
            continue
        for pm in DIRECTIVE_PAIR.finditer(line, m.start(2)):
            key, value = pm.group(1).lower(), pm.group(2)
            if key in ("kind", "platform") and value:
                out.setdefault(key, value)
    return out


def _has_project(text: str | None) -> bool:
    if not text or "project" not in text:
        return False
    return re.search(r"(?m)^\s*(\[\s*project\s*[\].]|project\s*[.=])", text) is not None


def describe(path: str | Path, root: str | Path | None, text: str | None = None) -> FileInfo:
    """Classify a file by its path relative to `root` (spec §1.1). `text` (optional) is used for
    the `[project]` rule (OpMon) and the `# jetls:` directives of files outside the layout."""
    rel_parts: tuple[str, ...] | None = None
    if root is not None:
        # Lexically under the root (the loader's and the server's normalised paths): no need to
        # ask the file system (resolving both paths cost ~40% of classifying a workspace).
        p, r = os.fspath(path), os.fspath(root).rstrip(os.sep)
        if os.path.isabs(p) and os.path.isabs(r) and p.startswith(r + os.sep) and os.path.normpath(p) == p:
            rel_parts = tuple(x for x in p[len(r) + 1 :].split(os.sep) if x)
        else:
            path = Path(path)
            try:
                rel_parts = path.resolve().relative_to(Path(root).resolve()).parts
            except ValueError:
                try:
                    rel_parts = path.relative_to(Path(root)).parts
                except ValueError:
                    rel_parts = None
    path = Path(path)
    rel = "/".join(rel_parts) if rel_parts else path.name
    plain = FileInfo(FileKind.PLAIN, None, None, "jetstream", "jetstream", rel)
    if is_example(path) or path.suffix != ".toml":
        return plain
    info = _by_layout(rel_parts, path, text) if rel_parts else None
    if info is not None:
        return info
    # Outside any layout: a directive may name the kind and/or platform.
    d = directives(text or "")
    kind = _KINDS.get(d.get("kind", "").lower())
    platform = d.get("platform")
    if kind is None and platform:
        kind = FileKind.EXPERIMENT
    if kind is None or kind is FileKind.PLAIN:
        return plain
    layer = {
        FileKind.EXPERIMENT: LAYER_CONFIG,
        FileKind.OUTCOME: LAYER_OUTCOME,
        FileKind.DEFAULTS: LAYER_DEFAULTS,
        FileKind.DEFINITIONS: LAYER_CONFIG,
        FileKind.FUNCTIONS: LAYER_CONFIG,
    }.get(kind, LAYER_CONFIG)
    tool = "opmon" if kind is FileKind.OPMON else "jetstream"
    return FileInfo(kind, platform, layer, tool, "jetstream", rel, None)  # the user chose it: nothing to warn about


def _by_layout(parts: tuple[str, ...], path: Path, text: str | None) -> FileInfo | None:
    rel = "/".join(parts)
    stem = path.name[: -len(".toml")]
    parent = parts[-2] if len(parts) >= 2 else ""
    grand = parts[-3] if len(parts) >= 3 else ""
    top = parts[0]
    if top not in ("definitions", "jetstream", "opmon", "looker", "featmon"):
        return None
    tool = {"jetstream": "jetstream", "opmon": "opmon", "looker": "looker"}.get(top, "any")
    view = {"jetstream": "jetstream", "opmon": "opmon", "looker": "looker"}.get(top, "metric-hub")
    if parent == "featmon":
        return FileInfo(FileKind.FEATMON, stem, None, "jetstream", view, rel)
    if grand == "outcomes":
        return FileInfo(FileKind.OUTCOME, parent, LAYER_OUTCOME, tool, view, rel)
    if parent == "defaults":
        if _has_project(text) or top == "opmon":
            return FileInfo(FileKind.OPMON, stem, LAYER_CONFIG, "opmon", "opmon", rel)
        return FileInfo(FileKind.DEFAULTS, stem, LAYER_DEFAULTS, tool, view, rel)
    if parent == "definitions":
        if stem == "functions":
            return FileInfo(FileKind.FUNCTIONS, None, LAYER_FUNCTIONS, tool, view, rel)
        layer = {
            "jetstream": LAYER_JETSTREAM_DEFINITIONS,
            "opmon": LAYER_OPMON_DEFINITIONS,
            "looker": LAYER_LOOKER_DEFINITIONS,
        }.get(top, LAYER_DEFINITIONS)
        return FileInfo(FileKind.DEFINITIONS, stem, layer, tool, view, rel)
    if len(parts) < 2:
        return None  # a stray file at the root
    if top in ("jetstream", "opmon") and len(parts) >= 2:
        note = None
        if parent == "outcomes":
            note = (
                "this file sits directly in `jetstream/outcomes/` without a platform directory, so the "
                "reference parser reads it as an experiment config; move it to `jetstream/outcomes/<platform>/`"
            )
        if _has_project(text) or top == "opmon":
            if top == "jetstream":
                note = "a top-level `project` key makes the reference parser read this file as an OpMon config"
            return FileInfo(FileKind.OPMON, None, LAYER_CONFIG, "opmon", "opmon", rel, note)
        return FileInfo(FileKind.EXPERIMENT, None, LAYER_CONFIG, "jetstream", "jetstream", rel, note)
    return None


def classify(path: str | Path, root: str | Path | None, text: str | None = None) -> FileKind:
    """The kind of a file (spec §1.1); `PLAIN` (syntax only) outside a metric-hub layout unless
    a `# jetls: kind=…` / `# jetls: platform=…` directive says otherwise."""
    return describe(path, root, text).kind


def known_platform(name: str | None) -> bool:
    return name in PLATFORMS
