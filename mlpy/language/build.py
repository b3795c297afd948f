"""Tree building: the Lark callbacks that turn reductions into `mlpy.language.nodes`, and the
decoding of literals (LANGUAGE.md §1.4, §1.5).

Layer 1 (language): imports the standard library, lark, `mlpy.source`, `mlpy.errors`,
`mlpy.language.nodes` and `mlpy.language.diagnostics`.

The callbacks run inside the parser (an *internal* transformer, `mlpy.language.parser`). A
literal that is wrong (a malformed ``\\x`` escape, a float that overflows) is reported to the
parse's `diagnostics.Collector` and replaced by a harmless value, so the parser goes on and
finds the errors after it; outside a collecting parse it raises `MLSyntaxError` as before.
An unknown escape such as ``\\d`` is kept as written, backslash included, and reported as a
warning (§1.5).
"""

from __future__ import annotations

import math
import re
from typing import Any

from lark import Token, Transformer

from mlpy.errors import MLSyntaxError
from mlpy.language import nodes as ml
from mlpy.language.diagnostics import current_collector
from mlpy.source import Span

__all__ = ["Build", "between", "decode_number", "decode_string", "tok_span"]

# ---------------------------------------------------------------------------- spans


def tok_span(tok: Token) -> Span:
    return Span(tok.line or 1, tok.column or 1, tok.end_line or 1, tok.end_column or 1)


def _span(item: Any) -> Span:
    if isinstance(item, Token):
        return tok_span(item)
    span = item.span
    assert isinstance(span, Span)
    return span


def between(first: Any, last: Any) -> Span:
    return _span(first).to(_span(last))


# ---------------------------------------------------------------------------- literals

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"', "'": "'", "/": "/"}
_ESCAPE_RE = re.compile(r"\\(u\{[0-9a-fA-F]{1,8}\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.|\n)")


def _position_in(tok: Token, offset: int) -> Span:
    """The span of the character at ``offset`` inside token ``tok`` (which may span lines)."""
    text = str(tok)
    line = (tok.line or 1) + text.count("\n", 0, offset)
    last_nl = text.rfind("\n", 0, offset)
    col = offset - last_nl if last_nl >= 0 else (tok.column or 1) + offset
    return Span(line, col, line, col + 2)


def _escape_code(esc: str) -> int | str | None:
    """The code point of escape ``\\esc`` (the text after the backslash), an error message
    for a malformed ``\\x``/``\\u``, or None for an unknown escape (kept as written)."""
    if esc == "x":
        return "invalid escape '\\x' in string: expected two hex digits"
    if esc == "u":
        return "invalid escape '\\u' in string: expected \\uHHHH or \\u{H...}"
    if esc[0] not in "ux":
        return None
    code = int(esc[2:-1] if esc.startswith("u{") else esc[1:], 16)
    return code if code <= 0x10FFFF else f"invalid code point in escape \\{esc}"


def _unknown_escape(tok: Token, offset: int, esc: str) -> None:
    """Warn that ``\\esc`` at ``offset`` in ``tok`` is kept as written (§1.5)."""
    collector = current_collector()
    if collector is not None and collector.wants_warning():  # the position costs O(n): only if kept
        shown = "\\ and a line break" if esc == "\n" else f"'\\{esc}'"
        collector.warning(
            f"unknown escape {shown} in string is kept as written, backslash included"
            f" (write '\\\\' for a backslash to say so)",
            _position_in(tok, offset),
        )


def _literal_error(error: MLSyntaxError) -> None:
    """Report a bad literal to the parse's collector, or raise it outside one."""
    collector = current_collector()
    if collector is None:
        raise error
    collector.error(error)


def decode_string(tok: Token) -> str:
    """The value of a string literal, escapes processed (§1.5).

    An unknown escape is kept as written and reported as a warning; a malformed ``\\x`` or
    ``\\u`` escape is a syntax error pointing at its backslash (reported to the collector,
    which then gets the raw text as the value, or raised outside one).

    Raises:
        MLSyntaxError: a malformed escape, outside a collecting parse.
    """
    raw = str(tok)[1:-1]
    if "\\" not in raw:
        return raw
    out: list[str] = []
    pos = 0
    for m in _ESCAPE_RE.finditer(raw):
        out.append(raw[pos : m.start()])
        pos = m.end()
        esc = m.group(1)
        if esc in _ESCAPES:
            out.append(_ESCAPES[esc])
            continue
        code = _escape_code(esc)
        if code is None:
            out.append(m.group(0))
            _unknown_escape(tok, m.start() + 1, esc)
        elif isinstance(code, str):  # the position is worked out only for an error (it costs O(n))
            _literal_error(MLSyntaxError(code, _position_in(tok, m.start() + 1)))
            return raw
        else:
            out.append(chr(code))
    out.append(raw[pos:])
    value = "".join(out)
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        # UTF-16 surrogate pairs written as two \u escapes become one code point
        try:
            value = value.encode("utf-16", "surrogatepass").decode("utf-16")
        except UnicodeDecodeError:
            _literal_error(MLSyntaxError("unpaired UTF-16 surrogate in a \\u escape", _span(tok)))
            return raw
    return value


def decode_number(tok: Token) -> int | float:
    """The value of a number literal (§1.4).

    Raises:
        MLSyntaxError: a float that overflows, or an integer too long to convert (outside a
            collecting parse; inside one, it is reported and the value is 0).
    """
    text = str(tok).replace("_", "")
    try:
        if text[:2].lower() in ("0x", "0o", "0b"):
            return int(text, 0)
        if any(c in text for c in ".eE"):
            value = float(text)
            if not math.isinf(value):
                return value
            _literal_error(MLSyntaxError(f"float literal {tok} overflows", _span(tok)))
            return 0.0
        return int(text)
    except ValueError:
        _literal_error(MLSyntaxError(f"number literal too long: {str(tok)[:20]}...", _span(tok)))
        return 0


# ---------------------------------------------------------------------------- tree building


def _names(children: list[Any]) -> tuple[ml.Name, ...]:
    return tuple(
        ml.Name(id=str(c), span=tok_span(c)) for c in children if isinstance(c, Token) and c.type == "NAME"
    )


class Build(Transformer[Token, Any]):
    """Callbacks run by the LALR parser at each reduction; each returns a node."""

    # -- program, imports, capabilities

    def program(self, c: list[Any]) -> ml.Program:
        span = between(c[0], c[-1]) if c else Span.point(1, 1)
        return ml.Program(body=tuple(c), span=span)

    def dotted_name(self, c: list[Token]) -> list[Token]:
        return c

    def import_stmt(self, c: list[Any]) -> ml.Import:
        parts: list[Token] = c[1]
        alias = str(c[3]) if len(c) > 2 else None
        return ml.Import(
            module=tuple(map(str, parts)), alias=alias, span=between(c[0], c[-1] if alias else parts[-1])
        )

    def capability(self, c: list[Any]) -> ml.Capability:
        items = tuple(x for x in c if isinstance(x, ml.CapItem))
        return ml.Capability(name=str(c[1]), items=items, span=between(c[0], c[-1]))

    def cap_item(self, c: list[Token]) -> ml.CapItem:
        names = [t for t in c if t.type == "NAME"]
        strings = [decode_string(t) for t in c if t.type == "STRING"]
        value = strings[0] if strings else None
        span = between(c[0], c[-1])
        kind = str(names[0])
        if kind == "resource" and len(names) == 1 and value is not None:
            return ml.CapItem(kind="resource", permission=None, value=value, span=span)
        if kind == "allow" and len(names) == 2:
            return ml.CapItem(kind="allow", permission=str(names[1]), value=value, span=span)
        _literal_error(
            MLSyntaxError(
                'expected `resource "pattern";` or `allow permission;` in a capability declaration', span
            )
        )
        return ml.CapItem(kind="resource", permission=None, value="", span=span)

    # -- simple statements

    def expr_stmt(self, c: list[Any]) -> ml.ExprStmt:
        return ml.ExprStmt(expr=c[0], span=_span(c[0]))

    def assign(self, c: list[Any]) -> ml.Stmt:
        target, value = c
        span = between(target, value)
        if (
            isinstance(target, ml.Array)
            and target.items
            and all(isinstance(i, ml.Name) for i in target.items)
        ):
            return ml.ArrayDestructure(names=tuple(target.items), value=value, span=span)  # type: ignore[arg-type]
        return ml.Assign(target=target, value=value, span=span)

    def aug_assign(self, c: list[Any]) -> ml.AugAssign:
        target, op, value = c
        return ml.AugAssign(
            target=target, op=ml.BinaryOp(str(op)[0]), value=value, span=between(target, value)
        )

    def obj_destructure(self, c: list[Any]) -> ml.ObjectDestructure:
        return ml.ObjectDestructure(names=_names(c[:-1]), value=c[-1], span=between(c[0], c[-1]))

    def throw_stmt(self, c: list[Any]) -> ml.Throw:
        return ml.Throw(value=c[1], span=between(c[0], c[1]))

    def return_stmt(self, c: list[Any]) -> ml.Return:
        return ml.Return(value=c[1] if len(c) > 1 else None, span=between(c[0], c[-1]))

    def break_stmt(self, c: list[Token]) -> ml.Break:
        return ml.Break(span=tok_span(c[0]))

    def continue_stmt(self, c: list[Token]) -> ml.Continue:
        return ml.Continue(span=tok_span(c[0]))

    def nonlocal_stmt(self, c: list[Token]) -> ml.Nonlocal:
        return ml.Nonlocal(names=_names(c[1:]), span=between(c[0], c[-1]))

    # -- compound statements

    def block(self, c: list[Any]) -> ml.Block:
        return ml.Block(body=tuple(c[1:-1]), span=between(c[0], c[-1]))

    def param(self, c: list[Token]) -> ml.Param:
        ann = str(c[1]) if len(c) > 1 else None
        return ml.Param(name=str(c[0]), annotation=ann, span=between(c[0], c[-1]))

    def params(self, c: list[ml.Param]) -> tuple[ml.Param, ...]:
        return tuple(c)

    def function_def(self, c: list[Any]) -> ml.FunctionDef:
        return ml.FunctionDef(name=str(c[1]), params=c[3], body=c[5], span=between(c[0], c[5]))

    def if_stmt(self, c: list[Any]) -> ml.If:
        branches: list[tuple[ml.Expr, ml.Block]] = [(c[2], c[4])]
        orelse: ml.Block | None = None
        for clause in c[5:]:
            if isinstance(clause, ml.Block):
                orelse = clause
            else:
                branches.append(clause)
        return ml.If(
            branches=tuple(branches),
            orelse=orelse,
            span=between(c[0], c[-1] if not isinstance(c[-1], tuple) else c[-1][1]),
        )

    def elif_clause(self, c: list[Any]) -> tuple[ml.Expr, ml.Block]:
        return (c[-3], c[-1])

    def else_clause(self, c: list[Any]) -> ml.Block:
        block: ml.Block = c[1]
        return block

    def while_stmt(self, c: list[Any]) -> ml.While:
        return ml.While(test=c[2], body=c[4], span=between(c[0], c[4]))

    def for_stmt(self, c: list[Any]) -> ml.For:
        var = ml.Name(id=str(c[2]), span=tok_span(c[2]))
        return ml.For(var=var, iterable=c[4], body=c[6], span=between(c[0], c[6]))

    def except_clause(self, c: list[Any]) -> ml.ExceptClause:
        name = ml.Name(id=str(c[2]), span=tok_span(c[2])) if len(c) > 2 else None
        return ml.ExceptClause(name=name, body=c[-1], span=between(c[0], c[-1]))

    def finally_clause(self, c: list[Any]) -> tuple[str, ml.Block]:
        return ("finally", c[1])

    def try_stmt(self, c: list[Any]) -> ml.Try:
        handlers = tuple(x for x in c if isinstance(x, ml.ExceptClause))
        fin = next((x[1] for x in c if isinstance(x, tuple)), None)
        return ml.Try(
            body=c[1],
            handlers=handlers,
            finalbody=fin,
            span=between(c[0], fin or (handlers[-1] if handlers else c[1])),
        )

    # -- expressions

    def arrow(self, c: list[Any]) -> ml.Arrow:
        return ml.Arrow(params=c[2], body=c[4], span=between(c[0], c[4]))

    def conditional(self, c: list[Any]) -> ml.Conditional:
        return ml.Conditional(test=c[0], then=c[1], otherwise=c[2], span=between(c[0], c[2]))

    def logical(self, c: list[Any]) -> ml.Logical:
        return ml.Logical(op=str(c[1]), left=c[0], right=c[2], span=between(c[0], c[2]))

    def binary(self, c: list[Any]) -> ml.Binary:
        return ml.Binary(op=ml.BinaryOp(str(c[1])), left=c[0], right=c[2], span=between(c[0], c[2]))

    def unary(self, c: list[Any]) -> ml.Unary:
        return ml.Unary(op=str(c[0]), operand=c[1], span=between(c[0], c[1]))

    def args(self, c: list[Any]) -> tuple[ml.Expr, ...]:
        return tuple(c)

    def call(self, c: list[Any]) -> ml.Call:
        return ml.Call(func=c[0], args=c[2], span=between(c[0], c[3]))

    def index(self, c: list[Any]) -> ml.Index:
        return ml.Index(obj=c[0], index=c[2], span=between(c[0], c[3]))

    def slice_part(self, c: list[Any]) -> Any:
        return c[0] if c else None

    def slice(self, c: list[Any]) -> ml.Slice:
        parts = c[2:-1]
        parts += [None] * (3 - len(parts))
        return ml.Slice(obj=c[0], start=parts[0], stop=parts[1], step=parts[2], span=between(c[0], c[-1]))

    def member(self, c: list[Any]) -> ml.Member:
        return ml.Member(obj=c[0], name=str(c[1]), span=between(c[0], c[1]))

    def keyword(self, c: list[Token]) -> Token:
        return c[0]

    def number(self, c: list[Token]) -> ml.Number:
        return ml.Number(value=decode_number(c[0]), span=tok_span(c[0]))

    def string(self, c: list[Token]) -> ml.String:
        return ml.String(value=decode_string(c[0]), span=tok_span(c[0]))

    def true(self, c: list[Token]) -> ml.Bool:
        return ml.Bool(value=True, span=tok_span(c[0]))

    def false(self, c: list[Token]) -> ml.Bool:
        return ml.Bool(value=False, span=tok_span(c[0]))

    def null(self, c: list[Token]) -> ml.Null:
        return ml.Null(span=tok_span(c[0]))

    def name(self, c: list[Token]) -> ml.Name:
        return ml.Name(id=str(c[0]), span=tok_span(c[0]))

    def array(self, c: list[Any]) -> ml.Array:
        return ml.Array(items=tuple(c[1:-1]), span=between(c[0], c[-1]))

    def pair(self, c: list[Any]) -> tuple[str, ml.Expr, Span | None]:
        key = c[0]
        if key.type == "STRING":
            return (decode_string(key), c[1], None)
        return (str(key), c[1], tok_span(key))

    def object(self, c: list[Any]) -> ml.Object:
        pairs = c[1:-1]
        return ml.Object(
            pairs=tuple((k, v) for k, v, _ in pairs),
            name_keys=tuple((k, where) for k, _, where in pairs if where is not None),
            span=between(c[0], c[-1]),
        )

    def paren(self, c: list[Any]) -> ml.Expr:
        inner: ml.Expr = c[1]
        return inner
