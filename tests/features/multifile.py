"""Multi-file caret fixtures (rust-analyzer's `//- /path` style) for the semantic features.

    //- definitions/firefox_desktop.toml
    [metrics.⟦active_hours⟧]
    //- jetstream/exp.toml
    [metrics]
    weekly = ["⟦active_h$0ours⟧"]

`//- <path>` starts a file (relative to a checkout root); `$0` is the cursor; `⟦…⟧` marks an
expected span, and `⟦2:…⟧` its expected position in an ordered answer. The markers are removed
from the text written to disk.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

from jetls.workspace import Workspace

_MARK = re.compile(r"⟦(?:(\d+):)?(.*?)⟧", re.S)


@dataclass
class Fixture:
    ws: Workspace
    root: Path
    cursor: tuple[str, int]  # (absolute path, offset)
    marks: list[tuple[int, str, int, int]]  # (order, absolute path, start, end)
    texts: dict[str, str]

    def rel(self, path: str) -> str:
        return Path(path).relative_to(self.root).as_posix()

    def expected(self) -> list[tuple[str, str]]:
        """(relative path, marked text) in the marks' order."""
        return [(self.rel(p), self.texts[p][s:e]) for _, p, s, e in sorted(self.marks)]

    def spans(self) -> set[tuple[str, int, int]]:
        return {(p, s, e) for _, p, s, e in self.marks}


def load(tmp_path: Path, fixture: str) -> Fixture:
    fixture = textwrap.dedent(fixture).strip("\n") + "\n"
    files: dict[str, str] = {}
    current = None
    for line in fixture.splitlines(keepends=True):
        if line.startswith("//- "):
            current = line[4:].strip()
            files[current] = ""
        elif current is not None:
            files[current] += line
    cursor = None
    marks: list[tuple[int, str, int, int]] = []
    texts: dict[str, str] = {}
    for rel, raw in files.items():
        path = str((tmp_path / rel).resolve())
        out = []
        pos = 0
        i = 0
        seq = 0
        while i < len(raw):
            m = _MARK.match(raw, i)
            if m is not None:
                inner = m.group(2)
                start = pos
                if "$0" in inner:
                    cursor = (path, pos + inner.index("$0"))
                    inner = inner.replace("$0", "")
                out.append(inner)
                pos += len(inner)
                seq += 1
                marks.append((int(m.group(1)) if m.group(1) else 1000 + len(marks), path, start, pos))
                i = m.end()
                continue
            if raw.startswith("$0", i):
                cursor = (path, pos)
                i += 2
                continue
            out.append(raw[i])
            pos += 1
            i += 1
        text = "".join(out)
        texts[path] = text
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    assert cursor is not None, "no $0 cursor in the fixture"
    return Fixture(Workspace.load(tmp_path), tmp_path.resolve(), cursor, marks, texts)
