"""Jinja with character offsets: lexing and parsing a template so that every node and every
syntax error carries an exact position in the string, the facts the checks read (names,
attributes, calls, filters), and the instrumentation that records where each piece of the
rendered text comes from (the source map); then running the compiled template in the sandbox.

Every token is handed to Jinja's parser with `lineno` = (character offset + 1). Each top-level
output node is wrapped in a recording call, so the rendered text is the concatenation of
pieces whose origin is known: literal text maps character by character, the text produced by
an expression maps to the whole `{{ ... }}` tag.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any, cast

import jinja2
from jinja2 import nodes
from jinja2.exceptions import TemplateSyntaxError
from jinja2.lexer import TokenStream
from jinja2.parser import Parser

from jetls.lru import weighed_lru

from .model import Problem, Segment, problem
from .sandbox import ENV, MAX_NESTING, MAX_OUTPUT, MAX_SOURCE, TIME_BUDGET, Refused, render_clock, state


@dataclass
class _Tok:
    start: int
    end: int
    type: str  # jinja token type after wrap() (operators → their names, keywords → value)
    value: Any
    raw: str


class _Syntax(Exception):
    def __init__(self, start: int, end: int, message: str) -> None:
        super().__init__(message)
        self.start, self.end, self.message = start, end, message


_UNEXPECTED_CHAR = re.compile(r"unexpected char .* at (\d+)$")


def _lex(src: str) -> list[_Tok]:
    lexer = ENV.lexer
    toks: list[_Tok] = []
    cursor = 0
    it = lexer.tokeniter(src, None)
    while True:
        try:
            item = next(it)
        except StopIteration:
            break
        except TemplateSyntaxError as e:
            m = _UNEXPECTED_CHAR.search(e.message or "")
            if m:
                pos = int(m.group(1))
                raise _Syntax(pos, pos + 1, e.message or "syntax error") from None
            pos = cursor
            while pos < len(src) and src[pos].isspace():
                pos += 1
            msg = e.message or ""
            opener = "{#" if "comment" in msg else "{%" if "raw" in msg else None
            if opener is not None:
                k = src.rfind(opener, 0, pos + 1)
                if k >= 0:
                    pos = k
            end = pos + 2 if src.startswith(("{#", "{%", "{{"), pos) else pos + 1
            raise _Syntax(pos, min(end, len(src)) if pos < len(src) else pos, e.message or "syntax error") from None
        _lineno, ttype, value = item
        i = src.find(value, cursor) if value else cursor
        if i < 0:
            i = cursor
        end = i + len(value)
        cursor = end
        try:
            for tok in lexer.wrap([(i + 1, ttype, value)]):
                toks.append(_Tok(i, end, tok.type, tok.value, value))
        except TemplateSyntaxError as e:
            raise _Syntax(i, end, e.message or "syntax error") from None
    return toks


_OPENERS = {"if", "for", "macro", "call", "filter", "with", "block", "autoescape", "trans"}


def _syntax_position(toks: list[_Tok], src: str, err: TemplateSyntaxError, at_eof: bool) -> tuple[int, int]:
    by_start = {t.start: t for t in toks}
    if not at_eof:
        off = (err.lineno or 1) - 1
        t = by_start.get(off)
        if t is not None:
            return (t.start, max(t.end, t.start + 1))
        return (off, off + 1)
    # unexpected end of template: an unclosed tag, or an unclosed block statement
    open_tag: _Tok | None = None
    stack: list[tuple[str, int, int]] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if t.type in ("variable_begin", "block_begin"):
            open_tag = t
            if t.type == "block_begin" and i + 1 < len(toks) and toks[i + 1].type == "name":
                name = toks[i + 1].value
                j = i + 1
                while j < len(toks) and toks[j].type != "block_end":
                    j += 1
                tag_end = toks[j].end if j < len(toks) else len(src)
                if name in _OPENERS or (name == "set" and not any(x.type == "assign" for x in toks[i + 1 : j])):
                    stack.append((name, t.start, tag_end))
                elif name.startswith("end"):
                    for k in range(len(stack) - 1, -1, -1):
                        if stack[k][0] == name[3:]:
                            del stack[k:]
                            break
        elif t.type in ("variable_end", "block_end"):
            open_tag = None
        i += 1
    if open_tag is not None:
        return (open_tag.start, open_tag.end)
    if stack:
        return (stack[-1][1], stack[-1][2])
    n = len(src)
    return (max(n - 1, 0), n)


def _parse(src: str, toks: list[_Tok]) -> nodes.Template:
    parser = Parser(ENV, "")
    parser.stream = TokenStream(iter([jinja2.lexer.Token(t.start + 1, t.type, t.value) for t in toks]), None, None)
    return parser.parse()


# --------------------------------------------------------------------------------------
# Static facts about a template (context independent, cached per source)
# --------------------------------------------------------------------------------------


@dataclass
class Facts:
    bound: set[str] = field(default_factory=set)
    names: list[tuple[str, int, int, bool]] = field(default_factory=list)  # name, s, e, called
    attrs: list[tuple[str, str, int, int]] = field(default_factory=list)  # base, attr, s, e
    calls: list[tuple[str, int, int, int, tuple[str, ...], bool]] = field(default_factory=list)
    filters: list[tuple[str, int, int]] = field(default_factory=list)
    tests: list[tuple[str, int, int]] = field(default_factory=list)
    unsafe: list[tuple[str, int, int]] = field(default_factory=list)
    undeclared: frozenset[str] = frozenset()
    has_statements: bool = False


def _tok_after(toks: list[_Tok], starts: list[int], off: int) -> int:
    """Index of the first token starting at or after off."""
    return bisect.bisect_left(starts, off)


def _name_span(toks: list[_Tok], starts: list[int], off: int, name: str) -> tuple[int, int]:
    k = _tok_after(toks, starts, off)
    for t in toks[k : k + 4]:
        if t.type == "name" and t.value == name:
            return (t.start, t.end)
        if t.type == "string" and t.value == name:
            return (t.start, t.end)
    return (off, off + len(name))


def _call_end(toks: list[_Tok], starts: list[int], name_off: int) -> int:
    k = _tok_after(toks, starts, name_off) + 1
    depth = 0
    while k < len(toks):
        t = toks[k]
        if t.type in ("lparen", "lbracket", "lbrace"):
            depth += 1
        elif t.type in ("rparen", "rbracket", "rbrace"):
            depth -= 1
            if depth == 0:
                return t.end
        elif depth == 0 and t.type != "lparen":
            break
        k += 1
    return toks[k - 1].end if 0 < k <= len(toks) else name_off


_STATEMENTS = (
    nodes.For,
    nodes.If,
    nodes.Macro,
    nodes.CallBlock,
    nodes.FilterBlock,
    nodes.Assign,
    nodes.AssignBlock,
    nodes.With,
    nodes.Block,
    nodes.Scope,
    nodes.Include,
    nodes.Import,
    nodes.FromImport,
    nodes.Extends,
    nodes.ExprStmt,
)


def _facts(ast: nodes.Template, toks: list[_Tok]) -> Facts:
    """One walk over the AST (node.lineno is the offset of the node's first token + 1)."""
    f = Facts()
    starts = [t.start for t in toks]
    f.bound.update({"loop", "caller", "varargs", "kwargs", "self", "super"})
    called: set[int] = set()
    loads: list[nodes.Name] = []
    stack: list[nodes.Node] = [ast]
    while stack:
        node = stack.pop()
        stack.extend(reversed(list(node.iter_child_nodes())))
        if isinstance(node, _STATEMENTS):
            f.has_statements = True
        if isinstance(node, nodes.Name):
            if node.ctx in ("store", "param"):
                f.bound.add(node.name)
            elif node.ctx == "load":
                loads.append(node)
        elif isinstance(node, nodes.Macro):
            f.bound.add(node.name)
        elif isinstance(node, nodes.Call):
            if isinstance(node.node, nodes.Name):
                called.add(id(node.node))
                off = node.node.lineno - 1
                f.calls.append(
                    (
                        node.node.name,
                        off,
                        _call_end(toks, starts, off),
                        len(node.args),
                        tuple(kw.key for kw in node.kwargs),
                        node.dyn_args is not None or node.dyn_kwargs is not None,
                    )
                )
        elif isinstance(node, nodes.Getattr):
            s, e = _name_span(toks, starts, node.lineno - 1, node.attr)
            if node.attr.startswith("_"):
                f.unsafe.append((node.attr, s, e))
            if isinstance(node.node, nodes.Name):
                f.attrs.append((node.node.name, node.attr, s, e))
        elif isinstance(node, nodes.Getitem):
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                k = _tok_after(toks, starts, node.arg.lineno - 1)
                t = toks[k] if k < len(toks) else None
                s, e = (t.start, t.end) if t else (node.arg.lineno - 1, node.arg.lineno)
                if node.arg.value.startswith("_"):
                    f.unsafe.append((node.arg.value, s, e))
                if isinstance(node.node, nodes.Name):
                    f.attrs.append((node.node.name, node.arg.value, s, e))
        elif isinstance(node, nodes.Filter) and node.name:
            f.filters.append((node.name, *_name_span(toks, starts, node.lineno - 1, node.name)))
        elif isinstance(node, nodes.Test):
            f.tests.append((node.name, *_name_span(toks, starts, node.lineno - 1, node.name)))
    for n in loads:
        off = n.lineno - 1
        f.names.append((n.name, off, off + len(n.name), id(n) in called))
    # what the reference's `meta.find_undeclared_variables` reports, up to scoping subtleties
    f.undeclared = frozenset(n.name for n in loads if n.name not in f.bound)
    f.filters = sorted(set(f.filters), key=lambda x: x[1])
    return f


# --------------------------------------------------------------------------------------
# Instrumentation: record every top-level output piece, bound loops and `~`
# --------------------------------------------------------------------------------------


def _env_call(attr: str, args: list[nodes.Expr], lineno: int) -> nodes.Call:
    call = nodes.Call(nodes.EnvironmentAttribute(attr), args, [], None, None)
    call.set_lineno(lineno, override=True)
    return call


_BUFFERED = (nodes.Macro, nodes.CallBlock, nodes.FilterBlock, nodes.AssignBlock)


@dataclass
class _Piece:
    exact: bool  # literal text (exact) or expression output (atomic)
    src_start: int
    src_end: int
    label: str | None


def _instrument(ast: nodes.Template, toks: list[_Tok], src: str) -> list[_Piece]:
    var_tags: list[tuple[int, int]] = []
    begin: int | None = None
    for t in toks:
        if t.type == "variable_begin":
            begin = t.start
        elif t.type == "variable_end" and begin is not None:
            var_tags.append((begin, t.end))
            begin = None
    tag_starts = [s for s, _ in var_tags]
    pieces: list[_Piece] = []

    def tag_of(off: int) -> tuple[int, int]:
        k = bisect.bisect_right(tag_starts, off) - 1
        if k >= 0 and var_tags[k][0] <= off < var_tags[k][1]:
            return var_tags[k]
        return (off, off + 1)

    def label_of(expr: nodes.Expr, span: tuple[int, int]) -> str:
        if isinstance(expr, nodes.Call) and isinstance(expr.node, nodes.Name):
            return f"the expansion of `{expr.node.name}(...)`"
        text = src[span[0] : span[1]]
        if len(text) > 60:
            text = text[:57] + "..."
        return f"the output of `{text}`"

    def visit(node: nodes.Node, buffered: bool) -> None:
        if isinstance(node, nodes.Output):
            new: list[nodes.Expr] = []
            for child in node.nodes:
                ln = child.lineno or 1
                if buffered:
                    new.append(_env_call("jetls_count", [child], ln))
                    continue
                k = len(pieces)
                if isinstance(child, nodes.TemplateData):
                    s = ln - 1
                    pieces.append(_Piece(True, s, s + len(child.data), None))
                    new.append(_env_call("jetls_data", [nodes.Const(k), nodes.Const(child.data)], ln))
                else:
                    span = tag_of(ln - 1)
                    pieces.append(_Piece(False, span[0], span[1], label_of(child, span)))
                    new.append(_env_call("jetls_mark", [nodes.Const(k), child], ln))
                    visit(child, buffered)
            for n in new:
                for sub in n.find_all(nodes.Const):
                    if sub.lineno is None:
                        sub.set_lineno(n.lineno)
            node.nodes = new
            return
        if isinstance(node, nodes.For):
            ln = node.iter.lineno or node.lineno or 1
            node.iter = _env_call("jetls_iter", [cast(nodes.Expr, node.iter)], ln)
        inner_buffered = buffered or isinstance(node, _BUFFERED)
        for name in node.fields:
            value = getattr(node, name, None)
            if isinstance(value, nodes.Node):
                if isinstance(value, nodes.Concat):
                    call = _env_call("jetls_concat", list(value.nodes), value.lineno or 1)
                    setattr(node, name, call)
                    for v in value.nodes:
                        visit(v, inner_buffered)
                else:
                    visit(value, inner_buffered if name != "call" else buffered)
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, nodes.Concat):
                        value[i] = _env_call("jetls_concat", list(item.nodes), item.lineno or 1)
                        for v in item.nodes:
                            visit(v, inner_buffered)
                    elif isinstance(item, nodes.Node):
                        visit(item, inner_buffered)

    visit(ast, False)
    return pieces


@dataclass
class Compiled:
    src: str  # normalised source
    toks: list[_Tok]
    facts: Facts | None
    template: Any  # jinja2.Template | None
    pieces: list[_Piece]
    syntax: Problem | None
    refused: Problem | None


_EOF_HINT = (
    " (in SQL text, a literal `{%` or `{#` must be written as `{{ '{%' }}` / `{{ '{#' }}`,"
    " because Jinja reads it as a tag)"
)


# ~6 KB for a compiled Jinja template of a few hundred characters (measured on metric-hub)
@weighed_lru(3_000_000, lambda comp, src: 2 * len(src) + 6_000)
def compile_template(src: str) -> Compiled:
    try:
        return _compile_uncached(src)
    except (RecursionError, MemoryError):
        return Compiled(
            src,
            [],
            None,
            None,
            [],
            None,
            problem("JET408", 0, len(src), "template refused: it is nested too deeply to be checked"),
        )


def _compile_uncached(src: str) -> Compiled:
    if len(src) > MAX_SOURCE:
        return Compiled(
            src,
            [],
            None,
            None,
            [],
            None,
            problem("JET408", 0, len(src), f"template refused: longer than {MAX_SOURCE:,} characters"),
        )
    try:
        toks = _lex(src)
    except _Syntax as e:
        msg = f"Jinja syntax error: {e.message}"
        if "comment" in e.message or "raw" in e.message:
            msg += _EOF_HINT
        return Compiled(src, [], None, None, [], problem("JET401", e.start, e.end, msg), None)
    depth = 0
    for t in toks:
        if t.type in ("lparen", "lbracket", "lbrace"):
            depth += 1
            if depth > MAX_NESTING:
                return Compiled(
                    src,
                    toks,
                    None,
                    None,
                    [],
                    None,
                    problem(
                        "JET408", t.start, t.end, f"template refused: brackets nested more than {MAX_NESTING} deep"
                    ),
                )
        elif t.type in ("rparen", "rbracket", "rbrace"):
            depth = max(depth - 1, 0)
        elif t.type in ("variable_end", "block_end"):
            depth = 0
    try:
        ast = _parse(src, toks)
    except TemplateSyntaxError as e:
        message = e.message or "syntax error"
        at_eof = "nd of template" in message
        s, en = _syntax_position(toks, src, e, at_eof)
        msg = f"Jinja syntax error: {message}"
        if at_eof and src[s : s + 2] in ("{%", "{#") and "innermost block" not in message:
            msg += _EOF_HINT
        return Compiled(src, toks, None, None, [], problem("JET401", s, en, msg), None)
    facts = _facts(ast, toks)
    if any(n not in ENV.filters for n, _, _ in facts.filters) or any(n not in ENV.tests for n, _, _ in facts.tests):
        return Compiled(src, toks, facts, None, [], None, None)  # reported by the static checks
    pieces = _instrument(ast, toks, src)
    try:
        template = ENV.from_string(ast)
    except TemplateSyntaxError as e:  # e.g. assertion errors raised by the code generator
        off = max((e.lineno or 1) - 1, 0)
        return Compiled(src, toks, facts, None, [], problem("JET401", off, off + 1, f"Jinja error: {e.message}"), None)
    return Compiled(src, toks, facts, template, pieces, None, None)


def tag_around(comp: Compiled, off: int) -> tuple[int, int]:
    begin = None
    for t in comp.toks:
        if t.start > off:
            break
        if t.type in ("variable_begin", "block_begin"):
            begin = t
        elif t.type in ("variable_end", "block_end"):
            begin = None if t.end <= off else begin
    if begin is None:
        return (off, off + 1)
    for t in comp.toks:
        if t.start >= begin.start and t.type in ("variable_end", "block_end"):
            return (begin.start, t.end)
    return (begin.start, len(comp.src))


def error_offset(exc: BaseException) -> int | None:
    tb = exc.__traceback__
    found = None
    while tb is not None:
        g = tb.tb_frame.f_globals
        if "__jinja_exception__" in g or "__jinja_template__" in g:
            if "__jinja_exception__" in g:
                found = tb.tb_lineno - 1
        tb = tb.tb_next
    return found


def run(comp: Compiled, variables: dict[str, Any]) -> tuple[str | None, list[Segment], BaseException | None]:
    """Render `comp` with `variables` in the sandbox: the text and its source map, or the
    exception that stopped it (the checks say what it means)."""
    st = state
    if st.active:  # re-entrant use (should not happen); refuse rather than corrupt state
        return None, [], Refused("nested rendering")
    st.active = True
    st.deadline = render_clock() + TIME_BUDGET
    st.ops = 0
    st.produced = 0
    st.records = []
    chunks: list[str] = []
    size = 0
    try:
        for chunk in comp.template.generate(**variables):
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise Refused(f"output longer than {MAX_OUTPUT:,} characters")
            chunks.append(chunk)
            if render_clock() > st.deadline:
                raise Refused(f"rendering took longer than {TIME_BUDGET:g} s")
        records = st.records
    except BaseException as exc:  # noqa: BLE001 — nothing may escape
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return None, [], exc
    finally:
        st.active = False
        st.records = []
    text = "".join(chunks)
    segs: list[Segment] = []
    pos = 0
    ok = "".join(s for _, s in records) == text
    if ok:
        for k, s in records:
            if not s:
                continue
            p = comp.pieces[k]
            if p.exact and len(s) == p.src_end - p.src_start:
                segs.append(Segment(pos, pos + len(s), p.src_start, p.src_end, True))
            else:
                segs.append(Segment(pos, pos + len(s), p.src_start, p.src_end, False, p.label))
            pos += len(s)
    elif text:
        segs.append(Segment(0, len(text), 0, len(comp.src), False, "the rendered template"))
    return text, segs, None
