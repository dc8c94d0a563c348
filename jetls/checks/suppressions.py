"""`# jetls:` directives: what they silence (suppression comments), what is wrong with them
(JET006), and the last step of a check: severity overrides, suppressions, order."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from jetls.diagnostics import Diagnostic, Severity
from jetls.options import Options
from jetls.schema import PLATFORMS, FileKind
from jetls.workspace import SourceFile
from jetls.workspace.paths import DIRECTIVE, DIRECTIVE_PAIR

from .codes import CODES, SEVERITIES
from .suggest import suggest

_DIRECTIVE_KEYS = ("disable", "disable-file", "kind", "platform")


@dataclass
class Suppressions:
    """What `# jetls: disable=…` comments silence, and what is wrong with the directives."""

    file_codes: set[str] = field(default_factory=set)  # "ALL" silences everything
    lines: dict[int, set[str]] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)


def suppressions(sf: SourceFile) -> Suppressions:
    """A trailing `# jetls: disable=JET201` silences its own line; the comment alone on a line
    silences the next line; `disable-file=` the whole file. A misspelled directive or an
    unknown code is a warning (JET006) rather than a silent no-op."""
    out = Suppressions()
    text = sf.text
    if "jetls" not in text.lower():
        return out
    li = sf.tree.lines
    for chunk in sf.tree.chunks:
        for cm in chunk.tree.comments:
            s, e = cm.start + chunk.delta, cm.end + chunk.delta
            m = DIRECTIVE.match(text, s, e)
            if not m:
                continue
            body_start = m.start(2)
            if not m.group(1):
                out.problems.append(
                    Diagnostic(
                        "JET006",
                        Severity.WARNING,
                        s,
                        e,
                        "not a jetls directive: write `# jetls: disable=<codes>` (with a colon)",
                    )
                )
                continue
            line = li.line_of(s)
            trailing = text[li.starts[line] : s].strip() != ""
            for pm in DIRECTIVE_PAIR.finditer(text, body_start, e):
                key, value = pm.group(1).lower(), pm.group(2)
                ks, ke = pm.span()
                if key not in _DIRECTIVE_KEYS:
                    best = suggest(key, _DIRECTIVE_KEYS)
                    out.problems.append(
                        Diagnostic(
                            "JET006",
                            Severity.WARNING,
                            ks,
                            ke,
                            f"unknown jetls directive `{key}`"
                            + (f"; did you mean `{best}`?" if best else "")
                            + f" (known: {', '.join(_DIRECTIVE_KEYS)})",
                        )
                    )
                    continue
                if key in ("kind", "platform"):
                    known = PLATFORMS if key == "platform" else {k.value for k in FileKind}
                    if value and value not in known:
                        best = suggest(value, known)
                        out.problems.append(
                            Diagnostic(
                                "JET006",
                                Severity.WARNING,
                                pm.start(2),
                                pm.end(2),
                                f"unknown {key} `{value}`"
                                + (f"; did you mean `{best}`?" if best else "")
                                + f" (known: {', '.join(sorted(known))})",
                            )
                        )
                    continue
                codes: set[str] = set()
                for cs in re.finditer(r"[^\s,]+", value or ""):
                    code = cs.group().upper()
                    if code != "ALL" and code not in CODES:
                        a = pm.start(2) + cs.start()
                        out.problems.append(
                            Diagnostic(
                                "JET006",
                                Severity.WARNING,
                                a,
                                a + len(cs.group()),
                                f"unknown diagnostic code `{cs.group()}`: nothing is silenced",
                            )
                        )
                        continue
                    codes.add(code)
                if value is None:
                    codes = {"ALL"}
                if key == "disable-file":
                    out.file_codes |= codes
                else:
                    out.lines.setdefault(line if trailing else line + 1, set()).update(codes)
    return out


def finish(diags: list[Diagnostic], sf: SourceFile, options: Options) -> list[Diagnostic]:
    overrides = options.severity_overrides
    sup = suppressions(sf)
    file_codes, lines = sup.file_codes, sup.lines
    li = sf.tree.lines if lines else None
    out = []
    seen = set()
    for d in list(diags) + sup.problems:
        if d.code != "JET006" and ("ALL" in file_codes or d.code in file_codes):
            continue
        if li is not None and d.code != "JET006":
            codes = lines.get(li.line_of(d.start))
            if codes and ("ALL" in codes or d.code in codes):
                continue
        o = overrides.get(d.code)
        if o == "off":
            continue
        if o in SEVERITIES and SEVERITIES[o] != d.severity:
            d = replace(d, severity=SEVERITIES[o])
        key = (d.code, d.start, d.end, d.message)
        if key in seen:
            continue
        seen.add(key)
        out.append(d)
    out.sort(key=lambda d: (d.start, d.end, d.code))
    return out
