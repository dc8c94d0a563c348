"""Which columns SQL can see, and which names it uses that no table has (sqlglot, BigQuery).

- `data_source_relation(from_sql, catalog)`: a data source's `from_expression` (a table name, a
  `mozdata.` alias, backticks, a subquery with joins, UNNEST and CTEs) → the relation a metric's
  SQL reads as `ds`, with its columns; columns None when any part cannot be resolved.
- `analyse_expression(sql, relation, catalog)`: every column reference of a select expression,
  resolved against that relation (and the scopes of its own subqueries): the unknown ones, with
  their place in `sql` and the names they could have meant, and the resolved ones (for hover and
  go to definition).
- `view_columns(sql, catalog)`: the output columns of a view's `view.sql`.

Silence is the rule wherever resolution is unsure: a relation whose columns are not known makes
every name it could hold unchecked; nothing is checked below JSON, UDF results, structs built in
the SQL or columns without listed fields; `*` is never reported.
"""

from __future__ import annotations

import functools
import logging
import threading
from dataclasses import dataclass
from types import MappingProxyType
from typing import Iterable, Mapping

from .model import Column, canonical, columns_map

log = logging.getLogger(__name__)

#: Columns of Jetstream's `enrollments e` relation, joined beside `ds` in the metrics query:
#: unqualified, they are known; qualified with `e.`, anything is accepted (it also holds the
#: segment columns of the experiment).
ENROLLMENT_COLUMNS = (
    "analysis_id",
    "client_id",
    "profile_group_id",
    "branch",
    "enrollment_date",
    "num_enrollment_events",
    "exposure_date",
    "num_exposure_events",
    "analysis_window_start",
    "analysis_window_end",
)

_PREFIX = "SELECT * FROM "
_MEMO_MAX = 20000


@dataclass(frozen=True, slots=True, eq=False)
class Relation:
    """A FROM item: what its alias and its columns are.

    `columns` None: not known (any unqualified name may be one of them). `value`: the alias
    denotes a value (an UNNEST element) rather than a row. `open`: any name qualified with the
    alias is accepted (e.g. `e.`, whose columns depend on the experiment)."""

    alias: str | None
    columns: Mapping[str, Column] | None
    tables: tuple[str, ...] = ()
    value: Column | None = None
    open: bool = False


@dataclass(frozen=True, slots=True)
class Unknown:
    """A name that resolves nowhere: `start`/`end` in the analysed SQL."""

    start: int
    end: int
    name: str
    record: Column | None  # the RECORD it was looked up in; None for a column of the FROM
    tables: tuple[str, ...]  # the tables it was looked up in
    candidates: tuple[str, ...]  # the names it could have meant
    qualifier: bool = False  # written as the qualifier of a longer name (`p` of `p.x`)


@dataclass(frozen=True, slots=True)
class Reference:
    """A resolved name: `start`/`end` in the analysed SQL; the column (or relation) it denotes."""

    start: int
    end: int
    column: Column | None
    relation: Relation | None


@dataclass(frozen=True, slots=True)
class Analysis:
    unknown: tuple[Unknown, ...]
    references: tuple[Reference, ...]


# ----------------------------------------------------------------------------- parsing


def _sqlglot():
    import sqlglot
    from sqlglot import exp

    return sqlglot, exp


_quiet = threading.local()


class _QuietFilter(logging.Filter):
    """sqlglot logs warnings (e.g. its Command fallback) while parsing: not ours to show."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(_quiet, "on", False)


logging.getLogger("sqlglot").addFilter(_QuietFilter())


@functools.lru_cache(maxsize=256)
def parse_sql(sql: str):
    """The sqlglot tree of one statement or expression (BigQuery), or None when it does not parse."""
    sqlglot, exp = _sqlglot()
    from sqlglot.errors import ErrorLevel

    _quiet.on = True
    try:
        trees = sqlglot.parse(sql, read="bigquery", error_level=ErrorLevel.RAISE)
    except Exception:  # noqa: BLE001 — syntax errors are the SQL check's business
        return None
    finally:
        _quiet.on = False
    trees = [t for t in trees if t is not None]
    if len(trees) != 1 or isinstance(trees[0], exp.Command):
        return None
    return trees[0]


# ----------------------------------------------------------------------------- scopes


class _Scope:
    __slots__ = ("rels", "parent", "names", "ctes")

    def __init__(self, parent: "_Scope | None" = None) -> None:
        self.rels: list[Relation] = []
        self.parent = parent
        self.names: set[str] = set()  # select-list aliases, WITH OFFSET names: known, unchecked
        self.ctes: dict[str, Relation] = dict(parent.ctes) if parent is not None else {}

    def chain(self):
        s = self
        while s is not None:
            yield s
            s = s.parent


def _alias_of(rel: Relation, name: str) -> bool:
    return rel.alias is not None and rel.alias == name


class _Analyser:
    def __init__(self, catalog, record: bool, base: int = 0) -> None:
        self.catalog = catalog
        self.record = record
        self.base = base  # offset of the analysed text in the parsed text
        self.unknown: list[Unknown] = []
        self.references: list[Reference] = []
        self.keep_references = True  # record resolved names too (hover, go to definition)
        self.probe: str | None = None  # a placeholder name whose scope is wanted (completion)
        self.probe_found: tuple[list, _Scope] | None = None  # (identifiers before it, its scope)
        _, self.exp = _sqlglot()

    # -- positions --------------------------------------------------------------------------
    def span(self, ident) -> tuple[int, int] | None:
        meta = getattr(ident, "meta", None) or {}
        s, e = meta.get("start"), meta.get("end")
        if not isinstance(s, int) or not isinstance(e, int) or s < self.base:
            return None
        return s - self.base, e + 1 - self.base

    # -- names ------------------------------------------------------------------------------
    def resolve(self, idents: list, scope: _Scope, node=None) -> Column | Relation | None:
        """Resolve a dotted name; record an unknown part. Returns what it denotes (None: unsure)."""
        exp = self.exp
        if not idents or not all(isinstance(i, exp.Identifier) for i in idents):
            return None
        if self.probe is not None:
            for k, ident in enumerate(idents):
                if ident.name.lower() == self.probe:
                    self.probe_found = (idents[:k], scope)
                    return None
        first = idents[0].name.lower()
        target: Column | Relation | None = None
        unsure = False
        for s in scope.chain():
            rel = next((r for r in s.rels if _alias_of(r, first)), None)
            if rel is not None and _has(s, first) and len(idents) > 1:
                # `metrics.counter.x` FROM a table `metrics` with a column `metrics`: the alias or
                # the column; take the one along which the whole name resolves
                col = next(r.columns[first] for r in s.rels if r.columns is not None and first in r.columns)
                target = col if _depth(col, idents[1:]) > _depth(rel, idents[1:]) else rel
                break
            if rel is not None and (len(idents) > 1 or rel.value is not None or not _has(s, first)):
                target = rel
                break
            for r in s.rels:
                if r.columns is None:
                    unsure = True
                elif first in r.columns:
                    target = r.columns[first]
                    break
            if target is not None:
                break
            if first in s.names:
                return None
            if rel is not None:
                target = rel
                break
        if target is None:
            if not unsure:
                self.report(idents[0], None, scope, len(idents) > 1)
            return None
        self.refer(idents[0], target)
        for ident in idents[1:]:
            fields = _fields_of(target)
            if fields is None:
                return None
            sub = fields.get(ident.name.lower())
            if sub is None:
                self.report(ident, target, scope)
                return None
            target = sub
            self.refer(ident, target)
        return target

    def refer(self, ident, target) -> None:
        if not self.record or not self.keep_references:
            return
        sp = self.span(ident)
        if sp is not None:
            if isinstance(target, Relation):
                self.references.append(Reference(sp[0], sp[1], target.value, target))
            else:
                self.references.append(Reference(sp[0], sp[1], target, None))

    def report(self, ident, parent: Column | Relation | None, scope: _Scope, qualifier: bool = False) -> None:
        if not self.record:
            return
        sp = self.span(ident)
        if sp is None:
            return
        if parent is None:
            cands: list[str] = []
            tables: list[str] = []
            for s in scope.chain():
                cands += sorted(s.names)
                for r in s.rels:
                    if r.alias and not r.alias.startswith("$"):
                        cands.append(r.alias)
                    if r.columns is not None:
                        cands += [c.name for c in r.columns.values()]
                    tables += [t for t in r.tables if t not in tables]
            self.unknown.append(
                Unknown(sp[0], sp[1], ident.name, None, tuple(tables), tuple(dict.fromkeys(cands)), qualifier)
            )
            return
        fields = _fields_of(parent) or {}
        record = parent.value if isinstance(parent, Relation) else parent
        owners = parent.tables if isinstance(parent, Relation) else ((parent.table,) if parent.table else ())
        self.unknown.append(
            Unknown(sp[0], sp[1], ident.name, record, tuple(owners), tuple(c.name for c in fields.values()))
        )

    # -- expressions ------------------------------------------------------------------------
    def expr(self, node, scope: _Scope) -> None:
        exp = self.exp
        if node is None:
            return
        if isinstance(node, exp.Subquery):
            self.query(node.this, scope)
            return
        if isinstance(node, exp.Query):
            self.query(node, scope)
            return
        if isinstance(node, exp.Column):
            if not isinstance(node.this, exp.Star):
                self.resolve(list(node.parts), scope, node)
            return
        if isinstance(node, exp.Dot):
            root, idents = _flatten_dot(node, exp)
            if root is not None and idents is not None:
                self.resolve(list(root.parts) + idents, scope, node)
                return
        for child in node.iter_expressions():
            self.expr(child, scope)

    def column_of(self, node, scope: _Scope) -> Column | None:
        """The column a projection denotes when it is a plain (dotted) column reference."""
        exp = self.exp
        if isinstance(node, exp.Column) and not isinstance(node.this, exp.Star):
            t = self.resolve(list(node.parts), scope, node)
        elif isinstance(node, exp.Dot):
            root, idents = _flatten_dot(node, exp)
            if root is None or idents is None:
                self.expr(node, scope)
                return None
            t = self.resolve(list(root.parts) + idents, scope, node)
        else:
            self.expr(node, scope)
            return None
        if isinstance(t, Relation):
            return t.value
        return t

    # -- queries ----------------------------------------------------------------------------
    def query(self, q, parent: _Scope | None) -> Mapping[str, Column] | None:
        """Check a query's names; return its output columns (None: not known)."""
        exp = self.exp
        if isinstance(q, exp.Subquery):
            return self.query(q.this, parent)
        if isinstance(q, exp.SetOperation):
            left = self.query(q.left, parent)
            self.query(q.right, parent)
            return left
        if not isinstance(q, exp.Select):
            if q is not None:
                for child in q.iter_expressions():
                    self.expr(child, parent or _Scope())
            return None
        scope = self.from_scope(q, parent)
        for p in q.expressions:
            alias = p.alias if isinstance(p, exp.Alias) else None
            if alias:
                scope.names.add(alias.lower())
        out: dict[str, Column] | None = {}
        for p in q.expressions:
            cols = self.projection(p, scope)
            if cols is None:
                out = None
            elif out is not None:
                for c in cols:
                    out.setdefault(c.name.lower(), c)
        for key, value in q.args.items():
            if key in ("expressions", "from_", "from", "with_", "with", "joins"):
                continue
            for v in value if isinstance(value, list) else [value]:
                if isinstance(v, exp.Expression):
                    self.expr(v, scope)
        for j in q.args.get("joins") or ():
            for key in ("on", "match_condition"):
                self.expr(j.args.get(key), scope)
        if q.args.get("kind"):  # SELECT AS STRUCT / AS VALUE: one value, not columns
            return None
        return MappingProxyType(out) if out is not None else None

    def projection(self, p, scope: _Scope) -> list[Column] | None:
        exp = self.exp
        if isinstance(p, exp.Star):
            return self.star(None, p, scope)
        if isinstance(p, exp.Column) and isinstance(p.this, exp.Star):
            return self.star(p.table.lower() if p.table else None, p.this, scope)
        if isinstance(p, exp.Alias):
            col = self.column_of(p.this, scope)
            name = p.alias
            return [col.renamed(name) if col is not None else Column(name)]
        col = self.column_of(p, scope)
        if col is not None:
            return [col]
        if isinstance(p, (exp.Column, exp.Dot)):
            name = p.output_name
            return [Column(name)] if name else []
        return []  # an unnamed expression: not addressable from outside

    def star(self, qualifier: str | None, star, scope: _Scope) -> list[Column] | None:
        exp = self.exp
        except_ = {
            e.name.lower()
            for e in (star.args.get("except_") or star.args.get("except") or ())
            if isinstance(e, (exp.Column, exp.Identifier))
        }
        replace = {a.alias.lower(): a.alias for a in (star.args.get("replace") or ()) if isinstance(a, exp.Alias)}
        for a in star.args.get("replace") or ():
            if isinstance(a, exp.Alias):
                self.expr(a.this, scope)
        if qualifier is None:
            rels = scope.rels
        else:
            rels = [r for r in scope.rels if _alias_of(r, qualifier)]
            if not rels:
                # `struct_column.*`
                col = self.resolve([exp.to_identifier(qualifier)], scope)
                fields = _fields_of(col) if col is not None else None
                return None if fields is None else _without(fields.values(), except_, replace)
        out: list[Column] = []
        for r in rels:
            if r.value is not None and qualifier is None and r.columns is not None and not r.columns:
                out.append(r.value.renamed(r.alias) if r.alias else r.value)  # a scalar UNNEST element
                continue
            cols = _fields_of(r)
            if cols is None:
                return None
            out += cols.values()
        return _without(out, except_, replace)

    def from_scope(self, q, parent: _Scope | None) -> _Scope:
        exp = self.exp
        scope = _Scope(parent)
        with_ = q.args.get("with_") or q.args.get("with")
        if with_ is not None:
            for cte in with_.expressions:
                name = cte.alias_or_name.lower()
                cols = self.query(cte.this, scope)
                scope.ctes[name] = Relation(name, cols, _tables(cte.this, exp))
        from_ = q.args.get("from_") or q.args.get("from")
        items = [from_.this] if from_ is not None else []
        items += [j.this for j in q.args.get("joins") or ()]
        for item in items:
            scope.rels.append(self.source(item, scope))
        return scope

    def source(self, item, scope: _Scope) -> Relation:
        exp = self.exp
        alias = item.alias.lower() if item.alias else None
        if isinstance(item, exp.Table) and isinstance(item.this, exp.Identifier):
            parts = [p.name for p in item.parts]
            if len(parts) == 1 and parts[0].lower() in scope.ctes:
                cte = scope.ctes[parts[0].lower()]
                return Relation(alias or cte.alias, cte.columns, cte.tables)
            if parts and any(_alias_of(r, parts[0].lower()) for s in scope.chain() for r in s.rels):
                # `FROM t, t.array_column AS x`: an implicit UNNEST
                target = self.resolve([p for p in item.parts], scope)
                return _element(alias or parts[-1].lower(), target if isinstance(target, Column) else None)
            if item.args.get("pivots"):
                return Relation(alias, None)
            table = self.catalog.table(parts) if self.catalog is not None else None
            name = table.name if table is not None else ".".join(parts)
            return Relation(alias or parts[-1].lower(), table.columns if table is not None else None, (name,))
        if isinstance(item, exp.Subquery):
            cols = self.query(item.this, scope.parent)
            return Relation(alias, cols, _tables(item.this, exp))
        if isinstance(item, exp.Unnest):
            ta = item.args.get("alias")
            value_alias = None
            if ta is not None:
                alias_columns = ta.args.get("columns") or []
                value_alias = alias_columns[0].name if alias_columns else ta.name or None
            value_alias = value_alias.lower() if value_alias else None
            offset = item.args.get("offset")
            if isinstance(offset, exp.Identifier):
                scope.names.add(offset.name.lower())
            exprs = item.expressions
            if len(exprs) != 1:
                for e in exprs:
                    self.expr(e, scope)
                return Relation(value_alias, None)
            arr = exprs[0]
            if isinstance(arr, (exp.Column, exp.Dot)):
                target = self.column_of(arr, scope)
                return _element(value_alias, target)
            self.expr(arr, scope)
            if (
                isinstance(arr, exp.Array)
                and all(isinstance(x, exp.Literal) for x in arr.expressions)
                or type(arr).__name__ in ("GenerateDateArray", "GenerateSeries", "GenerateTimestampArray")
            ):
                return Relation(value_alias, MappingProxyType({}), value=Column(value_alias or "value"))
            return Relation(value_alias, None, value=Column(value_alias or "value") if value_alias else None)
        for child in item.iter_expressions():
            self.expr(child, scope)
        return Relation(alias, None)


def _depth(target, idents) -> int:
    """How many of the dotted `idents` resolve below `target` (all when they cannot be checked)."""
    for k, ident in enumerate(idents):
        fields = _fields_of(target)
        if fields is None:
            return len(idents)
        target = fields.get(ident.name.lower())
        if target is None:
            return k
    return len(idents)


def _has(scope: _Scope, name: str) -> bool:
    return any(r.columns is not None and name in r.columns for r in scope.rels)


def _fields_of(target) -> Mapping[str, Column] | None:
    if isinstance(target, Relation):
        if target.open:
            return None
        if target.value is not None:
            return (
                target.value.fields if target.value.fields is not None else (target.columns if target.columns else None)
            )
        return target.columns
    if isinstance(target, Column):
        return target.fields
    return None


def _element(alias: str | None, array: Column | None) -> Relation:
    """The relation of `UNNEST(array) AS alias`: a record's fields are columns too."""
    if array is None:
        return Relation(alias, None, value=Column(alias or "value") if alias else None)
    element = Column(
        alias or array.name, array.type, None, array.description, array.fields, array.table, array.path, array.line
    )
    if array.fields is not None:
        return Relation(alias, array.fields, (array.table,) if array.table else (), element)
    if array.type is not None and array.type not in ("RECORD", "STRUCT", "JSON"):
        return Relation(alias, MappingProxyType({}), (array.table,) if array.table else (), element)
    return Relation(alias, None, (array.table,) if array.table else (), element)


def _without(cols: Iterable[Column], except_: set[str], replace: dict[str, str]) -> list[Column]:
    out = []
    for c in cols:
        low = c.name.lower()
        if low in except_:
            continue
        out.append(Column(replace[low]) if low in replace else c)
    return out


def _flatten_dot(node, exp):
    """`a.b.c.d.e` parsed as Dot(Column(a.b.c.d), e): (the Column, [identifiers after it]);
    (None, None) when the chain holds anything else (a call, a subscript)."""
    idents = []
    while isinstance(node, exp.Dot):
        if not isinstance(node.expression, exp.Identifier):
            return None, None
        idents.append(node.expression)
        node = node.this
    if isinstance(node, exp.Column) and not isinstance(node.this, exp.Star):
        return node, list(reversed(idents))
    return None, None


def _tables(q, exp) -> tuple[str, ...]:
    """The tables a query reads (canonical names; CTE names and other one-part names left out)."""
    names = []
    for t in q.find_all(exp.Table):
        if isinstance(t.this, exp.Identifier):
            n = canonical([p.name for p in t.parts])
            if n is not None and n not in names:
                names.append(n)
    return tuple(names)


# ----------------------------------------------------------------------------- entry points


#: SQL longer than this is not analysed (real from_expressions are a few KB).
MAX_SQL = 100_000


def _guarded(compute):
    """Analysis never fails a check: SQL nested beyond the interpreter's recursion limit, or an
    AST shape this module does not expect, reads as "cannot be resolved"."""
    try:
        return compute()
    except RecursionError:
        return None
    except Exception:  # noqa: BLE001
        log.exception("jetls: column analysis failed")
        return None


def _memo(catalog, key, compute):
    if any(isinstance(k, str) and len(k) > MAX_SQL for k in key):
        return None
    memo = getattr(catalog, "memo", None)
    if memo is None:
        return _guarded(compute)
    try:
        return memo[key]
    except KeyError:
        pass
    value = _guarded(compute)
    if len(memo) >= _MEMO_MAX:
        memo.clear()
    memo[key] = value
    return value


def data_source_relation(from_sql: str, catalog, alias: str = "ds") -> Relation | None:
    """The relation of a data source's rendered `from_expression`, as the metrics query joins it
    (`LEFT JOIN <from_expression> ds`). None when the text is not one table or subquery."""
    return _memo(catalog, ("relation", from_sql, alias), lambda: _relation(from_sql, catalog, alias))


def _relation(from_sql: str, catalog, alias: str) -> Relation | None:
    _, exp = _sqlglot()
    tree = parse_sql(_PREFIX + from_sql)
    if (
        not isinstance(tree, exp.Select)
        or tree.args.get("joins")
        or (tree.args.get("from_") or tree.args.get("from")) is None
    ):
        return None
    a = _Analyser(catalog, record=False)
    scope = _Scope()
    item = (tree.args.get("from_") or tree.args.get("from")).this
    rel = a.source(item, scope)
    return Relation(alias, rel.columns, rel.tables)


def analyse_from(from_sql: str, catalog, kind: str = "from", references: bool = False) -> Analysis | None:
    """The names a data source's `from_expression` itself uses (its subqueries' columns); with
    `kind` "query", those of a whole query (an `enrollment_query`)."""
    prefix = _PREFIX if kind == "from" else ""

    def compute():
        tree = parse_sql(prefix + from_sql)
        if tree is None:
            return None
        a = _Analyser(catalog, record=True, base=len(prefix))
        a.keep_references = references
        a.query(tree, None)
        return Analysis(tuple(a.unknown), tuple(a.references))

    return _memo(catalog, (kind, from_sql, references), compute)


_ENROLLMENTS = Relation("e", columns_map(Column(n) for n in ENROLLMENT_COLUMNS), ("enrollments",), open=True)


def metric_scope(relation: Relation) -> tuple[Relation, ...]:
    """What a metric's select expression sees: the data source as `ds` and the enrollments as `e`."""
    return (relation, _ENROLLMENTS)


def analyse_expression(sql: str, relations: tuple[Relation, ...], catalog, references: bool = False) -> Analysis | None:
    """Unknown column references of a select expression against `relations` (see
    `metric_scope`), and with `references` the resolved ones; None when it does not parse."""

    def compute():
        tree = parse_sql(sql)
        if tree is None:
            return None
        a = _Analyser(catalog, record=True)
        a.keep_references = references
        scope = _Scope()
        scope.rels.extend(relations)
        a.expr(tree, scope)
        return Analysis(tuple(a.unknown), tuple(a.references))

    return _memo(catalog, ("expression", sql, relations, references), compute)


def view_columns(sql: str, catalog, name: str = "") -> Mapping[str, Column] | None:
    """The output columns of a view's SQL (`CREATE VIEW ... AS SELECT ...` or a bare query);
    None when they cannot be resolved. A column taken as is from a table stays that table's
    (its description, its schema.yaml entry)."""
    _, exp = _sqlglot()
    tree = parse_sql(sql)
    if isinstance(tree, exp.Create):
        tree = tree.expression
    if not isinstance(tree, exp.Query):
        return None
    return _guarded(lambda: _Analyser(catalog, record=False).query(tree, None))


# ----------------------------------------------------------------------------- completion

PLACEHOLDER = "jetls_cursor__"


@dataclass(frozen=True, slots=True)
class Candidates:
    """What may be written at a place of an SQL text: columns (of the FROM, or fields of a
    record when `record` is set) and, unqualified, the aliases in scope."""

    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()
    record: Column | Relation | None = None


def candidates_at(
    sql: str, start: int, end: int, relations: tuple[Relation, ...] = (), catalog=None, kind: str = "expression"
) -> Candidates | None:
    """The names that fit where `sql[start:end]` (the word being typed, maybe empty) stands.
    `kind` "expression": a select expression over `relations`; "from": a from_expression (its
    own FROM clauses). None when nothing is known there."""
    if len(sql) > MAX_SQL:
        return None
    return _guarded(lambda: _candidates_at(sql, start, end, relations, catalog, kind))


def _candidates_at(sql: str, start: int, end: int, relations, catalog, kind: str) -> Candidates | None:
    text = sql[:start] + PLACEHOLDER + sql[end:]
    base = len(_PREFIX) if kind == "from" else 0
    tree = parse_sql(_PREFIX + text if kind == "from" else text)
    a = _Analyser(catalog, record=False, base=base)
    a.probe = PLACEHOLDER
    if tree is not None:
        if kind in ("from", "query"):
            a.query(tree, None)
        else:
            scope = _Scope()
            scope.rels.extend(relations)
            a.expr(tree, scope)
    qualifiers: list | None
    if a.probe_found is not None:
        qualifiers, scope = a.probe_found
    elif kind == "expression" and relations:
        # the text does not parse yet (it is being typed): the select expression's own scope,
        # qualified by the dotted name before the cursor
        scope = _Scope()
        scope.rels.extend(relations)
        qualifiers = _qualifiers_before(sql, start)
        if qualifiers is None:
            return None
    else:
        return None
    return _candidates(qualifiers, scope)


def _qualifiers_before(sql: str, start: int) -> list | None:
    import re

    _, exp = _sqlglot()
    m = re.search(r"((?:(?:[A-Za-z_]\w*|`[^`\n]+`)\s*\.\s*)*)$", sql[:start])
    chain = m.group(1) if m else ""
    names = [p.strip().strip("`") for p in chain.split(".")[:-1]] if chain else []
    if any(not n for n in names):
        return None
    return [exp.to_identifier(n) for n in names]


def _candidates(qualifiers: list, scope: _Scope) -> Candidates | None:
    if not qualifiers:
        cols: dict[str, Column] = {}
        aliases: list[str] = []
        for s in scope.chain():
            for r in s.rels:
                if r.alias and not r.open and r.alias not in aliases:
                    aliases.append(r.alias)
                if r.columns is not None and not r.open:
                    for k, c in r.columns.items():
                        cols.setdefault(k, c)
            for n in sorted(s.names):
                cols.setdefault(n, Column(n))
        return Candidates(tuple(cols.values()), tuple(aliases))
    a = _Analyser(None, record=False)
    target = a.resolve(list(qualifiers), scope)
    fields = _fields_of(target) if target is not None else None
    if fields is None:
        return None
    return Candidates(tuple(fields.values()), (), target)


def references_in(
    sql: str, relations: tuple[Relation, ...], catalog, kind: str = "expression"
) -> tuple[Reference, ...]:
    """Every resolved name of `sql` (for hover and go to definition)."""
    a = (
        analyse_from(sql, catalog, kind, True)
        if kind in ("from", "query")
        else analyse_expression(sql, relations, catalog, True)
    )
    return a.references if a is not None else ()


__all__ = [
    "Analysis",
    "Candidates",
    "PLACEHOLDER",
    "candidates_at",
    "references_in",
    "ENROLLMENT_COLUMNS",
    "Reference",
    "Relation",
    "Unknown",
    "analyse_expression",
    "analyse_from",
    "data_source_relation",
    "metric_scope",
    "parse_sql",
    "view_columns",
]
