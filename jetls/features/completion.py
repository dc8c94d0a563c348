"""Completion: keys, enum values, slugs, statistics, pre-treatments, template names.

``complete(ws, path, offset) -> list[CompletionItem]``. Pure; no LSP types.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from jetls.document import Entry, Table
from jetls.document.edits import toml_value
from jetls.schema import PLATFORMS, PRE_TREATMENTS, WINDOWS, FileKind, Section, pre_treatment_schema
from jetls.schema.experiment import COMMON as _COMMON_EXP
from jetls.schema.experiment import DOCS as _EXPERIMENT_DOCS
from jetls.schema.experiment import EXPERIMENT_ATTRIBUTES
from jetls.syntax import Array, InlineTable, String
from jetls.workspace import Workspace
from jetls.workspace.scope import scope_of
from jetls.workspace.search import slug_table

from . import _docs
from .context import COMMENT, HEADER, KEY, VALUE, CursorContext, context_at

#: Values of ``CompletionItem.kind``.
ITEM_KINDS = (
    "key",
    "value",
    "enum",
    "metric",
    "data_source",
    "segment",
    "segment_data_source",
    "outcome",
    "statistic",
    "pre_treatment",
    "function",
    "parameter",
    "experiment_attribute",
    "window",
    "snippet",
    "column",
)


@dataclass(frozen=True)
class CompletionItem:
    label: str
    kind: str  # one of ITEM_KINDS
    detail: str = ""
    documentation: str = ""  # markdown
    insert_text: str | None = None  # None: the label
    is_snippet: bool = False
    replace_span: tuple[int, int] | None = None  # absolute [start, end) the insertion replaces
    sort_text: str | None = None
    filter_text: str | None = None
    deprecated: bool = False


_SLUG_KINDS = {"metric", "data_source", "segment", "segment_data_source", "outcome", "dimension"}


def _snippet_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}")


def _value_snippet(node: Any, n: int = 1) -> str:
    """Snippet for the value of a key, by its schema type."""
    if isinstance(node, Section):
        return "{ $%d }" % n
    types = getattr(node, "types", ()) or ()
    enum = getattr(node, "enum", None)
    first = types[0] if types else "string"
    if first == "boolean":
        default = getattr(node, "default", None)
        opts = ["true", "false"] if default is not True else ["true", "false"]
        return "${%d|%s|}" % (n, ",".join(opts))
    if first == "array":
        items = getattr(node, "items", None)
        it = items if isinstance(items, str) else (items[0] if items else "string")
        return '["$%d"]' % n if it == "string" else "[$%d]" % n
    if first == "table":
        return "{ $%d }" % n
    if first in ("integer", "float"):
        return "$%d" % n
    if enum:
        return '"${%d|%s|}"' % (n, ",".join(_snippet_escape(e) for e in enum))
    if getattr(node, "template", None) or getattr(node, "sql", None):
        return '"""\n    $%d\n"""' % n if getattr(node, "sql", None) == "query" else '"$%d"' % n
    return '"$%d"' % n


def _skip_key(name: str, node: Any) -> bool:
    return bool(getattr(node, "ignored", False) or getattr(node, "deprecated", None))


class _Completer:
    def __init__(self, ws: Workspace, file, ctx: CursorContext, with_docs: bool = True) -> None:
        self.ws = ws
        self.file = file
        self.ctx = ctx
        self.kind = file.kind
        self.scope = scope_of(ws, file.path)
        self.platform = self.scope.platform if self.scope is not None else None
        self.with_docs = with_docs
        self.items: list[CompletionItem] = []

    # -- helpers ------------------------------------------------------------------------------
    def add(self, item: CompletionItem) -> None:
        self.items.append(item)

    def quote(self, value: str, quoted: bool) -> str:
        """`value` as it is inserted: bare inside a string, else a TOML string in the quote style
        of the array around it (and after a space when typed right after `=`)."""
        ctx = self.ctx
        if not quoted:
            return value + self._string_closer()  # (`weekly = ["act`: close the string too)
        literal = ctx.in_array and any(getattr(i, "style", None) == "literal" for i in ctx.array_items)
        text = f"'{value}'" if literal and "'" not in value else toml_value(value)
        span = ctx.replace_span
        if span is not None and span[0] > 0 and self.file.text[span[0] - 1] == "=":
            text = " " + text
        if ctx.before_item:
            text += ", "
        return text

    def slug_items(
        self, kind: str, quoted: bool, span: tuple[int, int] | None, exclude: frozenset[str] | set[str] = frozenset()
    ) -> None:
        if self.scope is None:
            return
        cands = self.scope.visible(kind)
        here = self.file.path
        for slug, defs in sorted(cands.items()):
            if slug in exclude or not slug:
                continue
            group = "0" if any(d.path == here for d in defs) else "1"
            deprecated = kind == "metric" and _docs.merged_value(defs, "deprecated")[0] is True
            if deprecated:
                group = "2"  # still offered, after the others
            text = self.quote(slug, quoted)
            self.add(
                CompletionItem(
                    label=slug,
                    kind=kind,
                    detail=_docs.slug_detail(self.ws, defs, self.platform),
                    documentation=self.slug_documentation(kind, slug) if self.with_docs else "",
                    insert_text=text,
                    replace_span=span,
                    sort_text=f"{group}{slug}",
                    filter_text=text if quoted else slug,
                    deprecated=deprecated,
                )
            )

    def slug_documentation(self, kind: str, slug: str) -> str:
        if self.scope is None:
            return ""
        res = self.scope.resolve(kind, slug)
        return _docs.slug_markdown(self.ws, res, self.platform)

    def enum_items(
        self,
        node: Any,
        quoted: bool,
        span: tuple[int, int] | None,
        kind: str = "enum",
        exclude: frozenset[str] | set[str] = frozenset(),
    ) -> None:
        enum = getattr(node, "enum", None) or ()
        docs = getattr(node, "enum_docs", None) or {}
        for i, v in enumerate(enum):
            if v in exclude:
                continue
            text = self.quote(v, quoted)
            doc = docs.get(v, "")
            if kind == "pre_treatment" and v in PRE_TREATMENTS:
                doc = PRE_TREATMENTS[v].doc
            self.add(
                CompletionItem(
                    v,
                    kind,
                    detail=getattr(node, "name", ""),
                    documentation=doc,
                    insert_text=text,
                    replace_span=span,
                    sort_text=f"{i:03d}",
                    filter_text=text,
                )
            )

    # -- dispatch -------------------------------------------------------------------------------
    def run(self) -> list[CompletionItem]:
        ctx = self.ctx
        if ctx.location == COMMENT:
            self.directive()
        elif ctx.location == HEADER:
            self.header()
        elif ctx.location == KEY:
            self.keys()
        elif ctx.location == VALUE:
            if ctx.jinja is not None:
                self.template()
            else:
                self.value()
        return self.items

    # -- `# jetls:` directives ---------------------------------------------------------------------
    def directive(self) -> None:
        """`# jetls: platform=|`, `kind=|`, `disable=|` and the directive names themselves."""
        text, off = self.file.text, self.ctx.offset
        line = text[text.rfind("\n", 0, off) + 1 : off]
        m = _DIRECTIVE_AT.search(line)
        if m is None:
            return
        key, value = m.group(1), m.group(2)
        span = (off - len(value if value is not None else key or ""), off)
        if value is None:
            for i, (name, doc) in enumerate(_DIRECTIVES.items()):
                self.add(
                    CompletionItem(
                        name,
                        "key",
                        detail="jetls directive",
                        documentation=doc,
                        insert_text=f"{name}=",
                        replace_span=span,
                        sort_text=f"{i}",
                    )
                )
            return
        value = value.rsplit(",", 1)[-1].lstrip()
        span = (off - len(value), off)
        if key == "platform":
            for name, info in PLATFORMS.items():
                self.add(
                    CompletionItem(
                        name,
                        "enum",
                        detail="Jetstream analyses it" if info.jetstream_analysable else "not analysed by Jetstream",
                        insert_text=name,
                        replace_span=span,
                    )
                )
        elif key == "kind":
            for k in FileKind:
                self.add(CompletionItem(k.value, "enum", detail="file kind", insert_text=k.value, replace_span=span))
        elif key in ("disable", "disable-file"):
            from jetls.checks.codes import CODES

            for code, (severity, summary) in CODES.items():
                self.add(
                    CompletionItem(
                        code,
                        "value",
                        detail=f"{severity}: {summary}"[:80],
                        insert_text=code,
                        replace_span=span,
                        sort_text=code,
                    )
                )

    # -- headers ---------------------------------------------------------------------------------
    def header(self) -> None:
        ctx = self.ctx
        section = ctx.table_schema
        span = ctx.replace_span
        parent = ctx.table_path
        if not isinstance(section, Section):
            return
        for name, node in section.fields.items():
            if not isinstance(node, Section) or _skip_key(name, node):
                continue
            kind = "statistic" if section.entry_reference == "statistic" else "key"
            if parent == ("segments",) and name == "data_sources":
                kind = "key"
            insert = name
            if self._declared_elsewhere(parent + (name,)):
                # `[metrics]` is there already: a second one would be a TOML error
                if not any(isinstance(n, Section) for n in node.fields.values()) and node.entries is None:
                    continue
                insert = name + "."  # on to a table below it
            self.add(
                CompletionItem(
                    name,
                    kind,
                    detail=_first_sentence(node.doc) if kind == "key" else "statistic",
                    documentation=node.doc,
                    insert_text=insert,
                    replace_span=span,
                    sort_text=f"0{name}",
                )
            )
        ref = section.entry_reference
        if ref in ("metric", "data_source", "segment", "segment_data_source") and section.entries is not None:
            self.slug_items(ref, False, span)

    def _unclosed_tail(self) -> str:
        """What a Jinja call inserted at the end of a tag and a one-line string still being typed
        (`select_expression = "{{ `) adds so that both are closed: ` }}` and the quote."""
        ctx, j, s = self.ctx, self.ctx.jinja, self.ctx.string
        if j is None or s is None or ctx.string_index is None:
            return ""
        if j.tag != "{{" or "}}" in s.value[ctx.string_index :]:
            return ""
        return " }}" + self._string_closer()

    def _string_closer(self) -> str:
        """The quote that ends the one-line string still being typed at the cursor, else ""."""
        s = self.ctx.string
        if s is None or self.ctx.string_closed or s.style not in ("basic", "literal"):
            return ""
        return '"' if s.style == "basic" else "'"

    def _declared_elsewhere(self, path: tuple[str, ...]) -> bool:
        """Whether a `[path]` header other than the one at the cursor declares this table."""
        t = self.file.doc.lookup(path)
        if not isinstance(t, Table) or t.kind != "header" or t.decl is None:
            return False
        return not (t.decl[0] <= self.ctx.offset <= t.decl[1] + 1)

    # -- keys -------------------------------------------------------------------------------------
    def keys(self) -> None:
        ctx = self.ctx
        section = ctx.table_schema
        span = ctx.replace_span
        typed = ctx.key_path[-1] if ctx.key_path and ctx.key_path != ctx.table_path else None
        existing = set(ctx.existing_keys) - ({typed} if typed else set())
        in_inline = self._in_inline()
        if not isinstance(section, Section) and ctx.table_path[-1:] == ("pre_treatments",):
            section, in_inline = self._pre_treatment_section(), True
            inline = self._inline_at()
            existing = {kv.key.names[0] for kv in (inline.entries if inline is not None else ()) if kv.key.parts}
            existing.discard(typed or "")
        if not isinstance(section, Section):
            return
        is_stats = section.entry_reference == "statistic" and section.name == "statistics"
        for name, node in section.fields.items():
            if name in existing or _skip_key(name, node):
                continue
            if is_stats:
                kind, detail = "statistic", "statistic"
                insert = f"{name} = {{$1}}"
            elif ctx.table_path[-1:] == ("metrics",) and name in WINDOWS:
                kind, detail = "window", f"window (period `{WINDOWS[name]}`)"
                insert = f'{name} = ["$1"]'
            else:
                kind = "key"
                types = " | ".join(getattr(node, "types", ()) or ())
                detail = "table" if isinstance(node, Section) else types
                if getattr(node, "required", False):
                    detail += " (required)"
                if isinstance(node, Section) and not in_inline and self._header_here():
                    # a table of its own: its header (a key/value here would be an inline table)
                    insert = f"[{'.'.join(ctx.table_path + (name,))}]\n$0"
                elif isinstance(node, Section) and not in_inline:
                    insert = f"{name} = {{ $1 }}"
                else:
                    insert = f"{name} = {_value_snippet(node)}"
            self.add(
                CompletionItem(
                    label=name,
                    kind=kind,
                    detail=detail,
                    documentation=_docs.node_markdown(name, node),
                    insert_text=insert,
                    is_snippet=True,
                    replace_span=span,
                    sort_text=("0" if getattr(node, "required", False) else "1") + name,
                    filter_text=name,
                )
            )
        self._skeletons(section, existing, span, in_inline)

    def _header_here(self) -> bool:
        """Whether a table header may be inserted at the cursor: nothing but other tables
        follows in the cursor's section (a header would capture the keys after it)."""
        chunk = self.file.tree.chunk_at(self.ctx.offset)
        return not any(kv.start + chunk.delta >= self.ctx.offset for kv in chunk.tree.entries)

    def _in_inline(self) -> bool:
        doc = self.file.doc
        item = doc.lookup(self.ctx.table_path) if doc is not None and self.ctx.table_path else None
        return getattr(item, "kind", None) == "inline"

    def _skeletons(self, section: Section, existing: set[str], span: tuple[int, int] | None, in_inline: bool) -> None:
        ctx = self.ctx
        tp = ctx.table_path
        hit = slug_table(tp) if tp else None
        # Inside a new slug table: all the keys a full definition needs.
        if hit is not None and len(tp) == hit[2] + 1 and not (existing - {""}) and not in_inline:
            kind, slug, _ = hit
            body = _SKELETON_BODY.get(kind)
            if body:
                self.add(
                    CompletionItem(
                        label=f"{_docs.KIND_LABELS[kind]} definition",
                        kind="snippet",
                        detail="required keys",
                        documentation=f"Insert the keys of a full {_docs.KIND_LABELS[kind]} definition.",
                        insert_text=body.replace("{slug}", slug),
                        is_snippet=True,
                        replace_span=span,
                        sort_text="00",
                        filter_text=ctx.prefix or body.split(" ")[0],
                    )
                )
        elif section.required_keys and not in_inline:
            missing = [k for k in section.required_keys if k not in existing]
            if len(missing) > 1:
                lines = [f"{k} = {_value_snippet(section.fields[k], i + 1)}" for i, k in enumerate(missing)]
                self.add(
                    CompletionItem(
                        label="required keys",
                        kind="snippet",
                        detail=", ".join(missing),
                        documentation="Insert every missing required key.",
                        insert_text="\n".join(lines),
                        is_snippet=True,
                        replace_span=span,
                        sort_text="00",
                        filter_text=missing[0],
                    )
                )
        # At the start of a line outside inline tables: whole-table skeletons.
        if in_inline:
            return
        line_start = self.file.text.rfind("\n", 0, ctx.offset) + 1
        if self.file.text[line_start : ctx.offset].strip() != ctx.prefix.strip():
            return
        root = _schema_root(self.kind)
        for kind, snippet in _TABLE_SKELETONS.items():
            top = snippet[1:].split(".")[0]
            if root is None or top not in root.fields or getattr(root.fields[top], "ignored", False):
                continue
            if kind == "metric" and self.kind is FileKind.EXPERIMENT and "metrics" not in self.file.doc.root.items:
                # computed only when listed in a window: list it (the placeholder is mirrored)
                snippet = '[metrics]\nweekly = ["${1:slug}"]\noverall = ["${1:slug}"]\n\n' + snippet
            self.add(
                CompletionItem(
                    label=_TABLE_SKELETONS[kind].split("\n")[0].replace("${1:slug}", "slug"),
                    kind="snippet",
                    detail=f"new {_docs.KIND_LABELS[kind]}",
                    documentation=f"A `{snippet.split(chr(10))[0]}` table skeleton.",
                    insert_text=snippet,
                    is_snippet=True,
                    replace_span=span,
                    sort_text=f"9{kind}",
                    filter_text=ctx.prefix or snippet[:2],
                )
            )

    # -- values -------------------------------------------------------------------------------------
    def value(self) -> None:
        ctx = self.ctx
        node = ctx.schema
        if node is None:
            node = self._param_node()
            if node is None:
                return
        quoted = ctx.string is None
        span = ctx.replace_span if ctx.string is None else ctx.string_span
        if ctx.string_span is not None and not ctx.string_closed:
            span = (ctx.string_span[0], ctx.offset)
        types = getattr(node, "types", ()) or ()
        if isinstance(node, Section) and ctx.string is None:
            self._inline_table(node)
            return
        exclude: set[str] = set()
        if ctx.in_array:
            for i, it in enumerate(ctx.array_items):
                v = getattr(it, "value", None)
                if isinstance(v, str) and i != ctx.array_index:
                    exclude.add(v)
        ref = getattr(node, "reference", None)
        if ref in _SLUG_KINDS:
            if ref == "metric" and ctx.key_path and ctx.key_path[-1] in ("numerator", "denominator"):
                self._depends_on_first(quoted, span)
            self.slug_items(ref, quoted, span, exclude)
            return
        if ref == "pre_treatment":
            self.enum_items(node, quoted, span, "pre_treatment", exclude)
            return
        if getattr(node, "enum", None):
            if "array" in types and not ctx.in_array:
                return
            self.enum_items(node, quoted, span, "enum", exclude)
        if "boolean" in types and ctx.string is None:
            for b in ("true", "false"):
                self.add(
                    CompletionItem(
                        b, "value", detail="boolean", insert_text=b, replace_span=ctx.replace_span, sort_text=b
                    )
                )

    def _param_node(self) -> Any:
        """The schema of a key inside `pre_treatments = [{name = "…", …}]` (by its `name`)."""
        kp = self.ctx.key_path or ()
        if len(kp) >= 2 and kp[-2] == "pre_treatments":
            section = self._pre_treatment_section()
            return section.fields.get(kp[-1]) if section is not None else None
        return None

    def _inline_at(self) -> InlineTable | None:
        """The innermost inline table holding the cursor (in an array of tables)."""
        chunk = self.file.tree.chunk_at(self.ctx.offset)
        d, off = chunk.delta, self.ctx.offset
        found = None
        stack = [kv.value for kv in chunk.tree.entries]
        while stack:
            v = stack.pop()
            if not (v.start + d <= off <= v.end + d):
                continue
            if isinstance(v, InlineTable):
                found = v
                stack.extend(kv.value for kv in v.entries)
            elif isinstance(v, Array):
                stack.extend(v.items)
        return found

    def _pre_treatment_section(self) -> Section | None:
        """The keys of the pre-treatment inline table at the cursor: its parameters once `name` is set."""
        node = self._inline_at()
        name = next(
            (
                kv.value.value
                for kv in (node.entries if node is not None else ())
                if kv.key.names == ("name",) and isinstance(kv.value, String)
            ),
            None,
        )
        schema = pre_treatment_schema(name) if name else None
        if schema is None:
            any_schema = pre_treatment_schema(next(iter(PRE_TREATMENTS)))
            assert any_schema is not None  # a known pre-treatment
            schema = Section("pre_treatment", "A pre-treatment.", {"name": any_schema.fields["name"]})
        return schema

    def _inline_table(self, section: Section) -> None:
        """`key = |` for a table: an inline table with its required keys."""
        keys = [k for k in section.required_keys] or list(section.fields)[:1]
        body = ", ".join(f"{k} = {_value_snippet(section.fields[k], i + 1)}" for i, k in enumerate(keys))
        text = f"{{ {body} }}"
        if self.ctx.replace_span and self.file.text[self.ctx.replace_span[0] - 1 : self.ctx.replace_span[0]] == "=":
            text = " " + text
        self.add(
            CompletionItem(
                "{ … }",
                "snippet",
                detail="inline table with the required keys",
                documentation=_docs.node_markdown(section.name, section),
                insert_text=text,
                is_snippet=True,
                replace_span=self.ctx.replace_span,
                sort_text="0",
                filter_text="",
            )
        )

    def _depends_on_first(self, quoted: bool, span: Any) -> None:
        """numerator / denominator: the metric's depends_on entries first."""
        kp = self.ctx.key_path or ()
        tk = slug_table(kp)
        if tk is None or tk[0] != "metric":
            return
        deps = self.file.doc.lookup(("metrics", tk[1], "depends_on"))
        values = deps.to_python() if isinstance(deps, Entry) else None
        for d in values if isinstance(values, list) else ():
            if isinstance(d, str):
                text = self.quote(d, quoted)
                self.add(
                    CompletionItem(
                        d,
                        "metric",
                        detail="depends_on",
                        insert_text=text,
                        replace_span=span,
                        sort_text=f"00{d}",
                        filter_text=text,
                    )
                )

    # -- templates ------------------------------------------------------------------------------------
    def template(self) -> None:
        ctx = self.ctx
        j = ctx.jinja
        assert j is not None  # dispatched here for a cursor inside a template tag
        node = ctx.schema
        scope = tuple(getattr(node, "template_scope", ()) or ())
        if not scope and getattr(node, "template", None) is None:
            # not a template field: still offer functions in select expressions of unknown tables
            return
        span = j.prefix_span
        if j.attribute_of == "parameters":
            if "parameters" in scope:
                self._parameters(span)
            return
        if j.attribute_of == "experiment":
            if "experiment" in scope:
                for name, val in EXPERIMENT_ATTRIBUTES.items():
                    self.add(
                        CompletionItem(
                            name,
                            "experiment_attribute",
                            detail="experiment attribute",
                            documentation=_EXPERIMENT_DOCS.get(name, f"Example value: `{val}`"),
                            insert_text=name,
                            replace_span=span,
                            sort_text=("0" if name in _COMMON_EXP else "1") + name,
                        )
                    )
            return
        if j.attribute_of is not None:
            return
        if "functions" in scope and self.scope is not None:
            q = _inner_quote(ctx.string.style if ctx.string is not None else "basic")
            tail = self._unclosed_tail()
            for slug, defs in sorted(self.scope.visible("function").items()):
                d = defs[0]
                where = _docs.rel(self.ws, d.path)
                doc = ""
                if self.with_docs:
                    definition, _ = _docs.merged_value(defs[:1], "definition")
                    fname, _ = _docs.merged_value(defs[:1], "friendly_name")
                    desc, _ = _docs.merged_value(defs[:1], "description")
                    doc = "\n\n".join(
                        x
                        for x in (
                            f"**{fname}**" if fname else None,
                            desc if isinstance(desc, str) else None,
                            f"```sql\n{definition}\n```" if definition else None,
                            f"Defined in `{where}`",
                        )
                        if x
                    )
                self.add(
                    CompletionItem(
                        slug,
                        "function",
                        detail=where,
                        documentation=doc,
                        insert_text=f"{slug}({q}$1{q}){tail}",
                        is_snippet=True,
                        replace_span=span,
                        sort_text=f"0{slug}",
                        filter_text=slug,
                    )
                )
        for var in ("parameters", "experiment"):
            if var in scope:
                self.add(
                    CompletionItem(
                        var,
                        "parameter" if var == "parameters" else "experiment_attribute",
                        detail="template variable",
                        insert_text=var,
                        replace_span=span,
                        sort_text=f"1{var}",
                    )
                )

    def _parameters(self, span: tuple[int, int]) -> None:
        if self.scope is None:
            return
        for name, defs in self.scope.visible("parameter").items():
            d = defs[0]
            p = d.table.to_python() if isinstance(d.table, Table) else {}
            where = _docs.rel(self.ws, d.path)
            doc = "\n\n".join(
                x
                for x in (
                    f"**{p['friendly_name']}**" if p.get("friendly_name") else None,
                    p.get("description"),
                    f"Default: {_docs._parameter_default(p['default'])}" if p.get("default") is not None else None,
                    f"Declared in `{where}`",
                )
                if isinstance(x, str) and x
            )
            self.add(
                CompletionItem(
                    name,
                    "parameter",
                    detail=where,
                    documentation=doc,
                    insert_text=name,
                    replace_span=span,
                    sort_text=name,
                )
            )


_DIRECTIVE_AT = re.compile(r"#\s*jetls\s*:(?:.*\s)?([a-z-]*)(?:=([\w, -]*))?$")
_DIRECTIVES = {
    "disable": "Silence codes on this line (a trailing comment) or on the next line: `# jetls: disable=JET201`.",
    "disable-file": "Silence codes in the whole file: `# jetls: disable-file=JET534`.",
    "platform": "The platform this experiment config is analysed on: `# jetls: platform=fenix`.",
    "kind": "The kind of a file outside the metric-hub layout: `# jetls: kind=experiment`.",
}


def _first_sentence(doc: str, limit: int = 80) -> str:
    """The first sentence of a doc (a period inside backticks does not end it)."""
    ticks = 0
    for i, ch in enumerate(doc):
        if ch == "`":
            ticks += 1
        elif ch == "." and ticks % 2 == 0 and (i + 1 == len(doc) or doc[i + 1] in " \n"):
            doc = doc[:i]
            break
    doc = " ".join(doc.split())
    return doc if len(doc) <= limit else doc[: limit - 1] + "…"


def _inner_quote(style: str) -> str:
    """A quote that does not end a TOML string of this style."""
    return "'" if style == "basic" else '"'


def _schema_root(kind: FileKind) -> Section | None:
    from jetls.schema import file_schema

    try:
        return file_schema(kind)
    except Exception:  # noqa: BLE001
        return None


_SKELETON_BODY = {
    "metric": 'friendly_name = "$1"\ndescription = "$2"\nselect_expression = "$3"\ndata_source = "$4"\n'
    "\n[metrics.{slug}.statistics.bootstrap_mean]\n",
    "data_source": 'from_expression = "$1"\nexperiments_column_type = "${2|none,simple,native,glean,events_stream|}"\n',
    "segment": 'select_expression = "$1"\ndata_source = "$2"\n',
    "segment_data_source": 'from_expression = "$1"\nwindow_start = ${2:0}\nwindow_end = ${3:0}\n',
}

_TABLE_SKELETONS = {
    "metric": '[metrics.${1:slug}]\nfriendly_name = "$2"\ndescription = "$3"\nselect_expression = "$4"\n'
    'data_source = "$5"\n\n[metrics.${1:slug}.statistics.bootstrap_mean]\n',
    "data_source": '[data_sources.${1:slug}]\nfrom_expression = "$2"\n',
    "segment": '[segments.${1:slug}]\nselect_expression = "$2"\ndata_source = "$3"\n',
}


def complete(ws: Workspace, path: str, offset: int, with_docs: bool = True) -> list[CompletionItem]:
    """Completion items at ``offset`` of ``path`` (absolute str index). `with_docs=False` leaves
    the documentation of slugs out (see `documentation`)."""
    file = ws.file(path)
    if file is None:
        return []
    ctx = context_at(ws, file.path, offset)
    if ctx is None:
        return []
    items = _Completer(ws, file, ctx, with_docs).run()
    if ctx.location == VALUE and ctx.string is not None:  # SQL strings: columns, then SQL functions
        from . import sql_help
        from .columns import complete as columns

        found = columns(ws, file.path, offset, ctx) or []
        items = [
            CompletionItem(
                c.label, "column", c.detail, c.documentation, replace_span=c.replace_span, sort_text=c.sort_text
            )
            for c in found
        ] + items
        seen = {(i.label, i.kind) for i in items}
        items += [
            CompletionItem(**vars(x))
            for x in sql_help.completions(ws, file.path, offset, ctx)
            if (x.label, x.kind) not in seen
        ]
    return items


def documentation(ws: Workspace, path: str, offset: int, label: str, kind: str) -> str:
    """The documentation of one item (completionItem/resolve)."""
    for item in complete(ws, path, offset, with_docs=kind not in _SLUG_KINDS):
        if item.label == label and item.kind == kind:
            if kind in _SLUG_KINDS:
                scope = scope_of(ws, path)
                return _docs.slug_markdown(ws, scope.resolve(kind, label), scope.platform) if scope else ""
            return item.documentation
    return ""
