"""cycle: metrics whose `depends_on` reach each other, or data sources whose `joins` do.

A `depends_on` entry from which the upstream metrics lead back to a metric already on the way
(`a` depends on `b`, `b` on `a`; or `a` on itself), or a join from which the joined data sources
lead back to one already joined.

**Why it matters:** the reference resolves an upstream metric (`MetricDefinition.resolve`) and a
joined data source (`DataSourceDefinition.resolve`) before the metric or data source itself, so
a cycle makes it recurse until Python gives up (RecursionError): the analysis fails. An upstream
metric is looked up in the definitions first, then in the file's layers; a joined data source in
the file's layers first. In a definitions file, every experiment that uses the metric fails (a
warning there for `depends_on`: none may).

**Fix:** break the cycle: a derived metric depends on metrics that do not depend on it back; a
data source joins data sources that do not join it back.

```toml title="jetstream/depends-on-cycle.toml"
[metrics]
weekly = ["a"]

[metrics.a]
depends_on = ["b"]

[metrics.a.statistics.bootstrap_mean]

[metrics.b]
depends_on = ["a"]

[metrics.b.statistics.bootstrap_mean]
```
"""

from typing import Callable

from jetls.document import Table
from jetls.schema import FileKind
from jetls.workspace import key_span
from jetls.workspace.index import entry, string_items, sub, tables
from jetls.workspace.scope import GLOBAL

CODE = "JET218"
SEVERITY = "error"


def _cycle(start: str, following: Callable[[str], tuple[str, ...]]) -> list[str] | None:
    """A cycle reachable from `start` (the path from where it closes, closing node repeated), or
    None. Iterative: a long chain of hostile input cannot exhaust the stack."""
    on_path: dict[str, int] = {}
    path: list[str] = []
    done: set[str] = set()
    stack: list[tuple[str, int]] = [(start, 0)]
    while stack:
        node, i = stack.pop()
        if i == 0:
            if node in on_path:
                return path[on_path[node] :] + [node]
            if node in done:
                continue
            on_path[node] = len(path)
            path.append(node)
        nxt = following(node)
        if i < len(nxt):
            stack.append((node, i + 1))
            stack.append((nxt[i], 0))
        else:
            del on_path[node]
            path.pop()
            done.add(node)
    return None


def _upstreams(ctx) -> Callable[[str], tuple[str, ...]]:
    """slug -> the `depends_on` of the metric a `depends_on` entry resolves to (definitions
    first: `MetricDefinition.resolve`; merged tables keep the winner's non-empty list)."""
    memo: dict[str, tuple[str, ...]] = ctx.shared("depends_on graph", lambda _ctx: {})

    def following(slug: str) -> tuple[str, ...]:
        found = memo.get(slug)
        if found is None:
            res = ctx.scope.resolve("metric", slug, upstream=True)
            found = ()
            for d in res.globals if res.status == GLOBAL else res.local:
                e = entry(d.table, "depends_on", True) if isinstance(d.table, Table) else None
                items = tuple(s for s, _ in string_items(e)) if e is not None else ()
                if items:
                    found = items
                    break
            memo[slug] = found
        return found

    return following


def _joined(ctx) -> Callable[[str], tuple[str, ...]]:
    """slug -> the joins of the data source it resolves to (the file's layers first:
    `DataSourceReference.resolve`; `DataSourceDefinition.merge` keeps the winner's `joins`)."""
    memo: dict[str, tuple[str, ...]] = ctx.shared("joins graph", lambda _ctx: {})

    def following(slug: str) -> tuple[str, ...]:
        found = memo.get(slug)
        if found is None:
            found = ()
            for d in ctx.scope.resolve("data_source", slug).targets:
                j = sub(d.table, "joins", True) if isinstance(d.table, Table) else None
                if j is not None:
                    found = tuple(n for n, _ in tables(j))
                    break
            memo[slug] = found
        return found

    return following


def _shown(cycle: list[str]) -> str:
    return " → ".join(f"`{s}`" for s in cycle)


def on_upstream(ctx, u) -> None:
    found: dict[str, list[str] | None] = ctx.shared("depends_on cycles", lambda _ctx: {})
    if u.slug not in found:  # (many metrics depend on the same few)
        found[u.slug] = _cycle(u.slug, _upstreams(ctx))
    cycle = found[u.slug]
    if cycle is None:
        return
    m = u.metric
    definitions = ctx.kind is FileKind.DEFINITIONS
    ctx.emit(
        CODE,
        u.span,
        f"`{u.slug}` leads into a `depends_on` cycle ({_shown(cycle)}): the reference resolves each upstream "
        "metric first and recurses until it fails (RecursionError)"
        + (" in every experiment that uses the metric" if definitions else m.note),
        severity="warning" if definitions else m.severity,
    )


def on_slug(ctx, kind: str, name: str, t: Table) -> None:
    if kind != "data_source" or ctx.kind not in (
        FileKind.EXPERIMENT,
        FileKind.DEFAULTS,
        FileKind.OUTCOME,
        FileKind.DEFINITIONS,
    ):
        return
    joins = sub(t, "joins", True)
    if joins is None:
        return
    following = _joined(ctx)
    for jname, j in tables(joins):
        cycle = _cycle(jname, following)
        if cycle is not None:
            ctx.emit(
                CODE,
                key_span(j),
                f"the join `{jname}` leads into a cycle of joins ({_shown(cycle)}): the reference resolves each "
                "joined data source first and recurses until it fails (RecursionError)",
            )
