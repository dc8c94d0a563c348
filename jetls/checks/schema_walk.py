"""The schema walk: one document against the schema of its kind (`jetls.schema`).

The walk is a traversal: it meets every key, table and value, says where it is (`Place`: a
plain section, the statistics of a metric, one statistic's parameters, ...) and judges a value's
type against its key (`ValueAt.issue`); the rules (`jetls.checks.rules.schema`, `...statistics`)
run at its hooks and decide what to report.
"""

from __future__ import annotations

from functools import partial
from typing import cast

from jetls.document import Entry, Table, TableArray
from jetls.schema import Field, Section
from jetls.syntax import Array, InlineTable, Invalid, Scalar, String
from jetls.workspace.index import key_span, string_span

from .context import Context
from .hooks import KeyAt, Place, StringAt, TableAt, ValueAt
from .replay import Replayed
from .values import toml_type

_SECTION = Place()

# the walk of one `[section.<slug>]` table (it reads nothing but that table)
_WALKED = Replayed("schema walk")


def walk(ctx: Context, root: Table, schema: Section) -> None:
    SchemaWalker(ctx).walk(root, schema)
    SchemaWalker(ctx).required(root, schema, (), Place())


class SchemaWalker:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def _span(self, t: Table) -> tuple[int, int]:
        return key_span(t) if t.path else self.ctx.root_span

    def walk(self, table: Table, section: Section, path: tuple[str, ...] = (), place: Place = _SECTION) -> None:
        if len(path) == 1:
            # The tables of a top-level section (`[metrics.<slug>]`, ...): their diagnostics only
            # depend on their own syntax nodes, which survive edits elsewhere in the file.
            ctx = self.ctx
            for name, item in table.items.items():
                if type(item) is not Table or item.sig is None:
                    # a key or an array of tables right in the section: cheap, and no unit to replay
                    self._visit(name, item, section, path, place)
                    continue
                # (schema sections live forever; keys a release introduced depend on the version)
                key = (id(section), path, name, place, ctx.kind, ctx.info.tool, ctx.version.release)
                _WALKED.run(ctx, item, key, item.delta, partial(self._visit, name, item, section, path, place))
            return
        for name, item in table.items.items():
            self._visit(name, item, section, path, place)

    def _visit(self, name: str, item, section: Section, path: tuple[str, ...], place: Place) -> None:
        fire = self.ctx.fire
        child = section.field(name)
        is_entry = False
        if child is None and section.entries is not None:
            child = section.entries
            is_entry = True

        def key() -> KeyAt:  # (built only when a hook fires: most keys are fine)
            span = (
                item.key_span
                if isinstance(item, Entry)
                else (self._span(item) if isinstance(item, Table) else item.decl)
            )
            return KeyAt(name, item, span, child, section, path, place)

        if child is None:
            fire("unknown_key", key())
            return
        since = child.since if isinstance(child, Field) else None
        if since is not None and not self.ctx.version.at_least(since):
            fire("newer_key", key(), since)  # (unknown to the release in use)
            return
        if isinstance(item, TableArray):
            if not (isinstance(child, Field) and "any" in child.types):  # (`where` clauses, say)
                fire("wrong_shape", key(), "array of tables")
            return
        if isinstance(child, Section):
            if isinstance(item, Entry):
                fire("not_a_window" if section.name == "metrics" else "wrong_shape", key(), "value for a table")
                return
            if child.ignored:
                fire("ignored_key", key())
                return
            if child.deprecated:
                fire("deprecated_key", key())
            here = path + (name,)
            sub = place.child(name, child, is_entry)
            self.walk(item, child, here, sub)
            self.required(item, child, here, sub)
            return
        if child.ignored:
            if not child.belongs_to:  # (else reported by the rule resolving the table's `data_source`)
                fire("ignored_key", key())
            return
        if isinstance(item, Table):
            if "table" in child.types or "any" in child.types:
                return
            fire("wrong_shape", key(), "table for a value")
            return
        if child.deprecated:
            fire("deprecated_key", key())
        self.value(item, child, place)

    def required(self, table: Table, section: Section, path: tuple[str, ...], place: Place) -> None:
        present = set(table.items)
        if section.keys_case_insensitive:
            present |= {k.lower() for k in present}
        for key in section.required_keys:
            if key not in present:
                self.ctx.fire("missing_key", TableAt(table, self._span(table), section, path, place), key)

    def value(self, e: Entry, f: Field, place: Place) -> None:
        v = e.value
        t = toml_type(v)
        if t == "invalid":
            return
        fire = self.ctx.fire
        if f.accepts(t):
            if isinstance(v, Scalar) and t in ("integer", "float"):  # (only numbers have more to say)
                fire("value", ValueAt(e, f, place, t, None, cast("int | float", v.value)))
            elif isinstance(v, Array):
                self.array(e, v, f, place)
            elif isinstance(v, String) and _judged(f):
                fire("string", StringAt(e, f, place, v.value, string_span(v, e.delta)))
            return
        fire("value", ValueAt(e, f, place, t, *_issue(v, t, f, place)))

    def array(self, e: Entry, arr: Array, f: Field, place: Place) -> None:
        items = [x for x in arr.items if not isinstance(x, Invalid)]
        if not items:
            return
        types = [toml_type(x) for x in items]
        if any(t != types[0] for t in types):
            return  # JET003
        allowed = f.item_types
        fire = self.ctx.fire
        for x, t in zip(items, types, strict=False):
            if allowed and t not in allowed and not (t == "integer" and "float" in allowed):
                fire("element", ValueAt(e, f, place, "array"), x, t)
                continue
            if isinstance(x, String) and _judged(f):
                fire("string", StringAt(e, f, place, x.value, string_span(x, e.delta)))
            elif isinstance(x, InlineTable) and f.name == "pre_treatments":
                fire("pre_treatment", e, x)


def _judged(f: Field) -> bool:
    """Whether a string of `f` has more to it than its type: allowed values, a format, or a
    pre-treatment name."""
    return f.enum is not None or f.format is not None or f.name == "pre_treatments"


def _issue(v, t: str, f: Field, place: Place) -> tuple[str, int | float | None]:
    """What is wrong with a value of type `t` for `f` (the first of `hooks.ISSUES` that applies),
    and the number the reference ends up with (range-checked)."""
    if t in f.coerced_types:
        if t == "float" and "integer" in f.types:
            return "truncated", int(v.value)
        return "converted", None
    if place.in_statistic:
        # Jetstream passes the parameter through; only the class validators (e.g.
        # linear_model_mean's float drop_highest) or the computation reject it.
        return ("statistic float" if t == "integer" and f.types == ("float",) else "statistic type"), None
    # cattrs coercions (spec §2.2)
    if "integer" in f.types and t == "string":
        try:
            int(v.value)
        except ValueError:
            return "not an integer", None
        return "integer string", None
    if "string" in f.types and t in ("integer", "float", "boolean") and not f.enum and f.reference is None:
        return "scalar for string", None
    if f.types == ("boolean",):
        return "not a boolean", None
    if t == "string" and "array" in f.types:
        return "string for array", None
    if "date" in f.types and t == "datetime":
        return "date-time for date", None
    return "wrong type", None
