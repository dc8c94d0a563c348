"""Schema checks driven by `jetls.schema`: keys, types, coercions, enums, dates, required keys,
mixed arrays, statistics and pre-treatments (JET003, JET1xx, JET3xx)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Callable

from jetls.diagnostics import Fix, Tag
from jetls.document import Entry, Table, TableArray, unit_key
from jetls.document.edits import remove_entry
from jetls.schema import PRE_TREATMENTS, STATISTICS, WINDOWS, Field, FileKind, Section, pre_treatment_schema
from jetls.syntax import Array, InlineTable, Invalid, String

from .suggest import suggest
from .values import _TYPE_NAMES, describe_types, toml_type


Emit = Callable[..., None]
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

def _dym(s: str | None) -> str:
    return f"; did you mean `{s}`?" if s else ""


_WALK_CACHE: dict = {}
_WALK_CACHE_MAX = 20000


def fingerprint(item, base: int):
    """A hashable identity of a document subtree, relative to `base`: the syntax nodes it is
    built from (by identity: the syntax layer re-uses unchanged chunks across edits) and their
    positions minus `base`. Equal fingerprints give equal diagnostics, shifted."""
    if isinstance(item, Entry):
        return (item.kv, item.part, item.delta - base)
    if isinstance(item, Table):
        if item.sig is not None and base == item.delta:  # built by these chunk trees (re-used across edits)
            return unit_key(item)
        decl = item.decl
        return (item.kind, item.node, item.delta - base, None if decl is None else (decl[0] - base, decl[1] - base),
                tuple([(n, fingerprint(v, base)) for n, v in item.items.items()]))
    if isinstance(item, TableArray):
        decl = item.decl
        return ("array", None if decl is None else (decl[0] - base, decl[1] - base),
                tuple([fingerprint(t, base) for t in item.tables]))
    return (type(item), id(item))


def _table_span(t: Table, root_span: tuple[int, int]) -> tuple[int, int]:
    from jetls.workspace.index import key_span

    if not t.path:
        return root_span
    return key_span(t)


class SchemaWalker:
    """Walks one document against the schema of its kind."""

    def __init__(self, emit: Emit, kind: FileKind, tool: str, root_span: tuple[int, int], text: str) -> None:
        self.emit = emit
        self.kind = kind
        self.tool = tool
        self.root_span = root_span
        self.text = text

    # -- entry point ----------------------------------------------------------------------
    def walk(self, table: Table, section: Section, path: tuple[str, ...] = (), ctx: str = "") -> None:
        if len(path) == 1:
            # The tables of a top-level section (`[metrics.<slug>]`, ...): their diagnostics only
            # depend on their own syntax nodes, which survive edits elsewhere in the file — replay
            # them from the content-keyed cache, shifted by how far the nodes moved.
            for name, item in table.items.items():
                self._visit_cached(name, item, section, path, ctx)
            return
        for name, item in table.items.items():
            self._visit(name, item, section, path, ctx)

    def _visit_cached(self, name: str, item, section: Section, path: tuple[str, ...], ctx: str) -> None:
        base = getattr(item, "delta", 0)
        try:
            key = (id(section), path, name, ctx, self.kind, self.tool, fingerprint(item, base))
            hit = _WALK_CACHE.get(key)
        except TypeError:  # defensive: an unhashable node
            self._visit(name, item, section, path, ctx)
            return
        if hit is None:
            rec: list = []
            real = self.emit

            def record(code, span, message, **kw):
                if kw.get("fixes"):
                    kw["fixes"] = tuple(f.shifted(-base) for f in kw["fixes"])
                rec.append((code, None if span is None else (span[0] - base, span[1] - base), message, kw))

            self.emit = record
            try:
                self._visit(name, item, section, path, ctx)
            finally:
                self.emit = real
            hit = tuple(rec)
            if len(_WALK_CACHE) >= _WALK_CACHE_MAX:
                _WALK_CACHE.clear()
            _WALK_CACHE[key] = hit
        emit = self.emit
        for code, span, message, kw in hit:
            if kw.get("fixes"):
                kw = dict(kw, fixes=tuple(f.shifted(base) for f in kw["fixes"]))
            emit(code, None if span is None else (span[0] + base, span[1] + base), message, **kw)

    def _visit(self, name: str, item, section: Section, path: tuple[str, ...], ctx: str) -> None:
        emit = self.emit
        child = section.field(name)
        is_entry = False
        if child is None and section.entries is not None:
            child = section.entries
            is_entry = True
        here = path + (name,)
        span = item.key_span if isinstance(item, Entry) else (
            _table_span(item, self.root_span) if isinstance(item, Table) else item.decl)
        if child is None:
            self.unknown(name, item, span, section, path, ctx)
            return
        if isinstance(item, TableArray):
            emit("JET105", span, f"`{name}` must be {describe_types(child.types) if isinstance(child, Field) else 'a table'}, not an array of tables")
            return
        if isinstance(child, Section):
            if isinstance(item, Entry):
                if section.name == "metrics":
                    self.not_a_window(name, item, section)
                    return
                if child.entry_reference == "statistic" or child.name in ("statistics",):
                    emit("JET105", item.value_span, f"`{name}` must be a table of statistics, e.g. `{name} = {{ bootstrap_mean = {{}} }}` ('list' object has no attribute 'items')")
                    return
                if ctx == "statistics":
                    emit("JET105", item.value_span, f"the parameters of statistic `{name}` must be a table (`{name} = {{}}` for none)")
                    return
                emit("JET105", item.value_span, f"`{name}` must be a table, not {_TYPE_NAMES.get(toml_type(item.value), 'this value')}")
                return
            if child.ignored:
                if not (name == "parameters" and not path and self.kind is FileKind.EXPERIMENT):
                    self.ignored(name, span, child, section, item)  # (experiment parameters: JET506)
                return
            sub_ctx = ctx
            if child.entry_reference == "statistic" or (child.name == "statistics" and not is_entry):
                sub_ctx = "statistics"
            elif ctx == "statistics":
                sub_ctx = "statistic:" + name
            elif child.name == "covariate_adjustment":
                sub_ctx = "covariate"
            elif ctx.startswith("statistic:"):
                sub_ctx = "stat-sub"
            else:
                sub_ctx = ""
            if child.deprecated and not child.ignored:
                emit("JET115", span, child.deprecated, tags=(Tag.DEPRECATED,))
            self.walk(item, child, here, sub_ctx)
            self.required(item, child, here, sub_ctx)
        else:
            if child.ignored and child.belongs_to:
                return  # reported with where it belongs by the rule resolving this table's `data_source`
            if child.ignored:
                self.ignored(name, span, child, section, item)
                return
            if isinstance(item, Table):
                if "table" in child.types or "any" in child.types:
                    if child.values:
                        self.check_table_values(item, child)
                    return
                emit("JET304" if ctx.startswith("statistic:") else "JET105", span,
                     f"`{name}` must be {describe_types(child.types)}, not a table")
                return
            if child.deprecated:
                emit("JET115", span, child.deprecated, tags=(Tag.UNNECESSARY,))
            self.value(item, child, ctx)

    # -- unknown / ignored keys -----------------------------------------------------------
    def unknown(self, name: str, item, span, section: Section, path: tuple[str, ...], ctx: str) -> None:
        known = [k for k, v in section.fields.items() if not (isinstance(v, Field) and v.ignored)]
        s = suggest(name, known)
        data = {"replacement": s} if s else None
        if not path:
            allowed = ", ".join(f"`{k}`" for k in section.fields)
            self.emit("JET101", span, f"unexpected top-level key `{name}`: the reference rejects the file "
                      f"(\"Unexpected config key[s] found\"){_dym(s)} Allowed: {allowed}", data=data)
            return
        if ctx == "statistics":
            vocab = STATISTICS.get(self.tool, STATISTICS["jetstream"])
            s = suggest(name, vocab)
            names = ", ".join(f"`{k}`" for k in vocab)
            self.emit("JET301", span, f"unknown statistic `{name}`{_dym(s)} "
                      f"({'Jetstream fails at analysis time: Statistic ' + repr(name) + ' does not exist.' if self.tool == 'jetstream' else 'not a ' + self.tool + ' statistic'}); "
                      f"known: {names}", data={"replacement": s} if s else None,
                      severity=None if self.tool in ("jetstream", "any") else "warning")
            return
        if ctx.startswith("statistic:"):
            stat = ctx.split(":", 1)[1]
            params = [k for k in section.fields if k != "pre_treatments"]
            hint = f"`{stat}` takes " + (", ".join(f"`{p}`" for p in params) if params else "no parameters") + " (and `pre_treatments`)"
            self.emit("JET302", span, f"unknown parameter `{name}` of statistic `{stat}`{_dym(s)} — Jetstream fails "
                      f"with \"got an unexpected keyword argument '{name}'\"; {hint}", data=data,
                      severity=None if section.unknown_keys == "error" else "warning")
            return
        if section.unknown_keys == "error":
            where = ".".join(path)
            self.emit("JET103", span, f"unknown key `{name}` in `[{where}]`{_dym(s)} — the reference rejects it "
                      f"(\"unexpected keyword argument '{name}'\")", data=data)
            return
        if not section.fields and section.entries is None:
            return
        where = ".".join(path)
        self.emit("JET102", span, f"unknown key `{name}` in `[{where}]` is silently ignored{_dym(s)}",
                  data=data, tags=(Tag.UNNECESSARY,), fixes=self.removal(name, item))

    def removal(self, name: str, item) -> tuple[Fix, ...]:
        """The fix of a key that has no effect: delete its line."""
        edit = remove_entry(self.text, item) if isinstance(item, Entry) else None
        return (Fix.here(f"Remove `{name}`", edit),) if edit is not None else ()

    def ignored(self, name: str, span, child, section: Section, item=None) -> None:
        rep = getattr(child, "replacement", None)
        if isinstance(child, Field) and child.deprecated:
            msg = child.deprecated.rstrip(".")
        else:
            first = child.doc.split(".")[0].strip("* ")
            msg = f"`{name}` has no effect here ({first.lower()})"
        if name == "days28":
            msg = "`days28` is not a window name and is silently ignored; the 28-day window is `28_day`"
        if rep and "did you mean" not in msg:
            msg += f"; did you mean `{rep}`?"
        self.emit("JET104", span, msg, data={"replacement": rep} if rep else None, tags=(Tag.UNNECESSARY,),
                  fixes=self.removal(name, item))

    def not_a_window(self, name: str, item: Entry, section: Section) -> None:
        windows = [k for k in section.fields if k in WINDOWS]
        if not windows:
            self.emit("JET112", item.key_span, f"outcomes cannot have window lists (`{name} = …` fails with "
                      "\"'list' object has no attribute 'items'\"); outcome metrics always go to the `weekly` "
                      "and `overall` windows — define `[metrics.<slug>]` tables instead")
            return
        s = suggest(name, list(WINDOWS))
        self.emit("JET112", item.key_span, f"`{name}` is not a window{_dym(s)} The reference reads it as a metric "
                  "table and fails (\"'list' object has no attribute 'items'\"); windows are "
                  + ", ".join(f"`{w}`" for w in WINDOWS), data={"replacement": s} if s else None)

    # -- required keys --------------------------------------------------------------------
    def required(self, table: Table, section: Section, path: tuple[str, ...], ctx: str) -> None:
        present = set(table.items)
        if section.keys_case_insensitive:
            present |= {k.lower() for k in present}
        for key in section.required_keys:
            if key in present:
                continue
            span = _table_span(table, self.root_span)
            if ctx.startswith("statistic:"):
                self.emit("JET303", span, f"statistic `{ctx.split(':', 1)[1]}` requires `{key}` (Jetstream fails with "
                          f"\"missing 1 required keyword-only argument: '{key}'\")", data={"missing": key})
            elif ctx == "covariate":
                self.emit("JET307", span, "`covariate_adjustment` requires `period` "
                          '(`"preenrollment_week"` or `"preenrollment_days28"`)', data={"missing": key})
            else:
                where = f"`[{'.'.join(path)}]`" if path else "this file"
                self.emit("JET110", span, f"{where} requires `{key}` (the reference fails with KeyError: '{key}')",
                          data={"missing": key})

    # -- values ---------------------------------------------------------------------------
    def value(self, e: Entry, f: Field, ctx: str) -> None:
        v = e.value
        t = toml_type(v)
        if t == "invalid":
            return
        stat = ctx.startswith("statistic:")
        code_type = "JET304" if stat else "JET105"
        name = e.name
        if f.accepts(t):
            if t == "array":
                self.array(e, v, f, ctx)
            elif t == "string":
                self.string_value(e, v, f, ctx)
            elif t in ("integer", "float"):
                self.range(e, v.value, f)
            return
        if t in f.coerced_types:
            if t == "float" and "integer" in f.types:
                self.emit("JET106", e.value_span, f"`{name}` must be an integer: {v.value!r} is truncated to "
                          f"{int(v.value)}", data={"replacement": str(int(v.value))})
                self.range(e, int(v.value), f)
            else:
                self.emit("JET106", e.value_span, f"`{name}` expects {describe_types(f.types)}; "
                          f"{_TYPE_NAMES.get(t, t)} is converted")
            return
        if stat:
            # Jetstream passes the parameter through; only the class validators (e.g.
            # linear_model_mean's float drop_highest) or the computation reject it.
            if t == "integer" and f.types == ("float",):
                self.emit("JET304", e.value_span, f"`{name}` must be a float: write `{v.value}.0` — Jetstream fails "
                          f"with \"'{name}' must be <class 'float'> (got {v.value} that is a <class 'int'>)\"",
                          data={"replacement": f"{v.value}.0"})
            else:
                self.emit("JET304", e.value_span, f"`{name}` must be {describe_types(f.types)}, not "
                          f"{_TYPE_NAMES.get(t, t)}")
            return
        # cattrs coercions (spec §2.2)
        if "integer" in f.types and t == "string":
            try:
                n = int(v.value)
            except ValueError:
                self.emit(code_type, e.value_span, f"`{name}` must be an integer: the reference fails with "
                          f"\"invalid literal for int() with base 10: {v.value!r}\"")
                return
            self.emit("JET106", e.value_span, f"`{name}` must be an integer, not a string: write `{n}`",
                      data={"replacement": str(n)})
            return
        if "string" in f.types and t in ("integer", "float", "boolean") and not f.enum and f.reference is None:
            self.emit("JET106", e.value_span, f"`{name}` must be a string: {_TYPE_NAMES[t]} is converted to "
                      f"{str(v.value)!r}", data={"replacement": f'"{v.value}"'})
            return
        if f.types == ("boolean",) or (("boolean" in f.types) and len(f.types) == 1):
            truthy = bool(v.value) if t != "array" else bool(v.items)
            extra = ""
            if t == "string" and v.value.strip().lower() in ("false", "no", "0", "off"):
                extra = f" — `{v.value!r}` means **true**"
            self.emit("JET107", e.value_span, f"`{name}` must be a boolean (`true`/`false`): the reference treats "
                      f"any non-empty value as true, so this means `{str(truthy).lower()}`{extra}",
                      data={"replacement": str(truthy).lower() if t != "string" else
                            ("false" if v.value.strip().lower() in ("false", "no", "0", "off", "") else "true")})
            return
        if t == "string" and "array" in f.types:
            ref = f.reference or "value"
            self.emit(code_type, e.value_span, f"`{name}` must be an array of strings: a string is read character "
                      f"by character (the reference looks up {ref} {v.value[:1]!r}, {v.value[1:2]!r}, …); "
                      f"write `[{v.value!r}]`".replace("'", '"'), data={"replacement": f'["{v.value}"]'})
            return
        if "date" in f.types and t == "datetime":
            self.emit(code_type, e.value_span, f"`{name}` must be a date `YYYY-MM-DD`, not a date-time")
            return
        self.emit(code_type, e.value_span, f"`{name}` must be {describe_types(f.types)}, not {_TYPE_NAMES.get(t, t)}")

    def range(self, e: Entry, n, f: Field) -> None:
        if isinstance(n, bool):
            return
        if e.name == "enrollment_period" and n == 0:
            self.emit("JET114", e.value_span, "`enrollment_period = 0`: Jetstream refuses the experiment "
                      "(\"Experiment has no enrollment period.\")", severity="error")
            return
        if f.minimum is not None and n < f.minimum:
            self.emit("JET114", e.value_span, f"`{e.name}` should be at least {f.minimum:g} (got {n})")
        elif f.maximum is not None and n > f.maximum:
            self.emit("JET114", e.value_span, f"`{e.name}` should be at most {f.maximum:g} (got {n})")

    def enum_code(self, f: Field, ctx: str) -> str:
        if f.name == "period" and ctx == "covariate":
            return "JET307"
        if ctx.startswith("statistic:"):
            return "JET304"
        return "JET108"

    def string_value(self, e: Entry, v: String, f: Field, ctx: str, span=None) -> None:
        from jetls.workspace.index import string_span

        val = v.value
        span = span or string_span(v, e.delta)
        if f.enum is not None and not f.enum_matches(val):
            if "integer" in f.types:  # exposure window: strings must be one of the names
                pass
            code = self.enum_code(f, ctx)
            s = suggest(val, f.enum)
            allowed = ", ".join(f"`{x}`" for x in f.enum)
            msg = f"`{val}` is not a valid `{f.name}`{_dym(s)} Allowed: {allowed}"
            if code == "JET307" and val in WINDOWS:
                s = WINDOWS[val]
                msg = (f"`{val}` is a window name; `covariate_adjustment.period` takes the internal period name "
                       f"`{s}` (Jetstream: \"'{val}' is not a valid AnalysisPeriod\")")
            elif f.name in ("window_start", "window_end") and "integer" in f.types:
                msg = (f"`{val}` is not a valid exposure window: use an integer number of days or one of {allowed}"
                       f"{_dym(s)} (the reference fails with \"invalid literal for int()\")")
            elif f.name == "pre_treatments":
                code = "JET305"
                msg = f"unknown pre-treatment `{val}`{_dym(s)} Jetstream fails with \"Could not find pre-treatment {val}.\"; known: {allowed}"
            self.emit(code, span, msg, data={"replacement": s} if s else None)
            return
        if f.format == "date":
            ok = bool(_DATE_RE.match(val))
            if ok:
                try:
                    datetime.strptime(val, "%Y-%m-%d")
                except ValueError:
                    ok = False
            if not ok:
                self.emit("JET109", span, f"`{val}` is not a date in `YYYY-MM-DD` format (the reference fails with "
                          f"\"time data {val!r} does not match format '%Y-%m-%d'\")")
        if f.name == "pre_treatments":
            self.pre_treatment_string(val, span)

    def pre_treatment_string(self, val: str, span) -> None:
        pt = PRE_TREATMENTS.get(val)
        if pt is None:
            return
        req = [p for p, spec in pt.params.items() if spec.required]
        if req:
            self.emit("JET306", span, f"pre-treatment `{val}` requires `{req[0]}`: write "
                      f'`{{name = "{val}", {req[0]} = …}}` (Jetstream: "missing 1 required positional argument: '
                      f"'{req[0]}'\")")

    def array(self, e: Entry, arr: Array, f: Field, ctx: str) -> None:
        from jetls.workspace.index import string_span

        items = [x for x in arr.items if not isinstance(x, Invalid)]
        if not items:
            return
        types = [toml_type(x) for x in items]
        first = types[0]
        mixed = next((i for i, t in enumerate(types) if t != first), None)
        if mixed is not None:
            return  # JET003, reported by mixed_arrays()
        allowed = f.item_types
        for x, t in zip(items, types):
            span = (x.start + e.delta, x.end + e.delta)
            if allowed and t not in allowed and not (t == "integer" and "float" in allowed):
                code = "JET304" if ctx.startswith("statistic:") else "JET116"
                if f.name == "pre_treatments":
                    code = "JET306"
                self.emit(code, span, f"elements of `{f.name}` must be {describe_types(allowed)}, not {_TYPE_NAMES.get(t, t)}")
                continue
            if t == "string" and (f.enum is not None or f.name == "pre_treatments"):
                self.string_value(e, x, f, ctx, string_span(x, e.delta))
            elif t == "table" and f.name == "pre_treatments":
                self.pre_treatment_table(e, x)

    def pre_treatment_table(self, e: Entry, t: InlineTable) -> None:
        from jetls.workspace.index import string_span

        d = e.delta
        name_kv = next((kv for kv in t.entries if kv.key.names == ("name",)), None)
        span = (t.start + d, t.end + d)
        if name_kv is None:
            self.emit("JET306", span, "a pre-treatment table needs `name` (the reference fails with KeyError: 'name')")
            return
        if not isinstance(name_kv.value, String):
            self.emit("JET306", (name_kv.value.start + d, name_kv.value.end + d), "pre-treatment `name` must be a string")
            return
        name = name_kv.value.value
        nspan = string_span(name_kv.value, d)
        schema = pre_treatment_schema(name)
        if schema is None:
            s = suggest(name, PRE_TREATMENTS)
            self.emit("JET305", nspan, f"unknown pre-treatment `{name}`{_dym(s)} Jetstream fails with \"Could not find "
                      f"pre-treatment {name}.\"; known: " + ", ".join(f"`{x}`" for x in PRE_TREATMENTS),
                      data={"replacement": s} if s else None)
            return
        present = set()
        for kv in t.entries:
            k = ".".join(kv.key.names)
            present.add(k)
            if k == "name":
                continue
            kspan = (kv.key.start + d, kv.key.end + d)
            fld = schema.fields.get(k)
            if fld is None:
                params = [p for p in schema.fields if p != "name"]
                s = suggest(k, params)
                self.emit("JET306", kspan, f"pre-treatment `{name}` has no parameter `{k}`{_dym(s)} "
                          f"({'parameters: ' + ', '.join(f'`{p}`' for p in params) if params else 'it takes none'})",
                          data={"replacement": s} if s else None)
                continue
            vt = toml_type(kv.value)
            if not (vt in fld.types or (vt == "integer" and "float" in fld.types)):
                self.emit("JET306", (kv.value.start + d, kv.value.end + d),
                          f"`{k}` of pre-treatment `{name}` must be {describe_types(fld.types)}")
        for k in schema.required_keys:
            if k not in present:
                self.emit("JET306", nspan, f"pre-treatment `{name}` requires `{k}`")

    def check_table_values(self, t: Table, f: Field) -> None:
        for k, item in t.items.items():
            if isinstance(item, Entry):
                vt = toml_type(item.value)
                if f.values and vt != f.values and vt != "invalid":
                    self.emit("JET105", item.value_span, f"values of `{f.name}` must be {describe_types((f.values,))} "
                              f"(branch → value), not {_TYPE_NAMES.get(vt, vt)}")
            else:
                self.emit("JET105", item.decl or t.decl, f"values of `{f.name}` must be {describe_types((f.values or 'string',))}")
