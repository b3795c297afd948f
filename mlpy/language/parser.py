"""Parse ML source text into `mlpy.language.nodes`.

Layer 1 (language): imports the standard library, lark, `mlpy.source`, `mlpy.errors` and
`mlpy.language.nodes`. This is the only module that touches Lark: no Lark exception leaves it.

The grammar is LALR(1) with the contextual lexer, built once per process. The tree is built
by an *internal* transformer (callbacks run as the parser reduces), which is faster than
building a parse tree first and, being iterative, never recurses however deeply the source
nests. Spans come from the kept tokens (keywords and brackets are named terminals).
"""

from __future__ import annotations

import functools
import math
import re
import threading
from importlib import resources
from typing import Any

from lark import Lark, Token, Transformer
from lark.exceptions import (
    LarkError,
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
    VisitError,
)

from mlpy.errors import MLSyntaxError
from mlpy.language import nodes as ml
from mlpy.source import Span

__all__ = ["MAX_SOURCE_CHARS", "RESERVED_WORDS", "parse", "parser"]

#: the largest source accepted, in characters
MAX_SOURCE_CHARS = 1_000_000


def parse(text: str) -> ml.Program:
    """Parse a whole ML program.

    Raises:
        MLSyntaxError: the text is not a valid program; the error has the ML line and column.
        TypeError: ``text`` is not a ``str``.
    """
    if not isinstance(text, str):
        raise TypeError(f"ML code must be a str, not {type(text).__name__}")
    if text.startswith("\ufeff"):  # a byte-order mark some editors write: not part of the program
        text = text[1:]
    if "\r" in text:  # every line ending is "\n", as Python reads source files
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    _check_text(text)
    try:
        program = parser().parse(text)
    except UnexpectedInput as e:
        raise _syntax_error(e, text) from None
    except VisitError as e:  # a callback raised: our own MLSyntaxError, unwrapped
        if isinstance(e.orig_exc, MLSyntaxError):
            raise e.orig_exc from None
        raise
    except MLSyntaxError:
        raise
    except LarkError as e:  # pragma: no cover - defensive: nothing of Lark's escapes
        raise MLSyntaxError(f"invalid program: {e}") from None
    assert isinstance(program, ml.Program)
    return program


_parser_lock = threading.Lock()


def parser() -> Lark:
    """The process-wide Lark parser, built once on first use (about 0.4 s).

    The lock makes threads that need it at the same moment wait for one build instead of
    each building their own (four workers starting together would take four times as long).
    """
    with _parser_lock:
        return _build_parser()


@functools.cache
def _build_parser() -> Lark:
    grammar = resources.files("mlpy.language").joinpath("grammar.lark").read_text("utf-8")
    return Lark(
        grammar,
        parser="lalr",
        lexer="contextual",
        start="program",
        transformer=_Build(),
        maybe_placeholders=False,
        lexer_callbacks={"NAME": _reserved_word},
    )


#: the reserved words of §1.3, each with its terminal
RESERVED_WORDS = {
    word: word.upper()
    for word in (
        "function fn if elif else while for in return break continue try except finally throw"
        " import as nonlocal true false null undefined capability"
    ).split()
}


def _reserved_word(tok: Token) -> Token:
    """Give a NAME that spells a reserved word the word's own terminal type.

    The contextual lexer only tries the terminals the parser can accept next, so where a
    reserved word cannot stand (``function while()``, ``f(if)``) it would lex it as a NAME and
    let it through as an identifier. Retyped, it is a syntax error there; where a reserved word
    is allowed (object keys, member names) the lexer already gives its own terminal.
    """
    kind = RESERVED_WORDS.get(str(tok))
    return tok if kind is None else Token.new_borrow_pos(kind, str(tok), tok)


def grammar_text() -> str:
    """The grammar's source (for tests and tools)."""
    return resources.files("mlpy.language").joinpath("grammar.lark").read_text("utf-8")


def _check_text(text: str) -> None:
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        col = text.index("\x00") - (text.rfind("\n", 0, text.index("\x00")) + 1) + 1
        raise MLSyntaxError("NUL character in source", Span.point(line, col))
    if len(text) > MAX_SOURCE_CHARS:
        raise MLSyntaxError(
            f"source too large: {len(text)} characters (the limit is {MAX_SOURCE_CHARS})",
            Span.point(1, 1),
        )
    if not text.strip():
        raise MLSyntaxError("empty program", Span.point(1, 1))


# ---------------------------------------------------------------------------- spans


def _tok_span(tok: Token) -> Span:
    return Span(tok.line or 1, tok.column or 1, tok.end_line or 1, tok.end_column or 1)


def _span(item: Any) -> Span:
    if isinstance(item, Token):
        return _tok_span(item)
    span = item.span
    assert isinstance(span, Span)
    return span


def _between(first: Any, last: Any) -> Span:
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


def _escape_code(esc: str) -> int | str:
    """The code point of a ``\\x``/``\\u`` escape (the text after the backslash), or an error message."""
    if esc == "x":
        return "invalid escape '\\x' in string: expected two hex digits"
    if esc == "u":
        return "invalid escape '\\u' in string: expected \\uHHHH or \\u{H...}"
    if esc[0] not in "ux":
        shown = "a line break" if esc == "\n" else f"'\\{esc}'"
        return f"unknown escape {shown} in string"
    code = int(esc[2:-1] if esc.startswith("u{") else esc[1:], 16)
    return code if code <= 0x10FFFF else f"invalid code point in escape \\{esc}"


def decode_string(tok: Token) -> str:
    """The value of a string literal, escapes processed (§1.5).

    Raises:
        MLSyntaxError: an unknown or invalid escape, pointing at its backslash.
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
        if isinstance(code, str):  # the position is worked out only for an error (it costs O(n))
            raise MLSyntaxError(code, _position_in(tok, m.start() + 1))
        out.append(chr(code))
    out.append(raw[pos:])
    value = "".join(out)
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        # UTF-16 surrogate pairs written as two \u escapes become one code point
        try:
            value = value.encode("utf-16", "surrogatepass").decode("utf-16")
        except UnicodeDecodeError:
            raise MLSyntaxError("unpaired UTF-16 surrogate in a \\u escape", _span(tok)) from None
    return value


def decode_number(tok: Token) -> int | float:
    """The value of a number literal (§1.4).

    Raises:
        MLSyntaxError: a float that overflows, or an integer too long to convert.
    """
    text = str(tok).replace("_", "")
    try:
        if text[:2].lower() in ("0x", "0o", "0b"):
            return int(text, 0)
        if any(c in text for c in ".eE"):
            value = float(text)
            if math.isinf(value):
                raise MLSyntaxError(f"float literal {tok} overflows", _span(tok))
            return value
        return int(text)
    except ValueError:
        raise MLSyntaxError(f"number literal too long: {str(tok)[:20]}...", _span(tok)) from None


# ---------------------------------------------------------------------------- tree building


def _names(children: list[Any]) -> tuple[ml.Name, ...]:
    return tuple(
        ml.Name(id=str(c), span=_tok_span(c)) for c in children if isinstance(c, Token) and c.type == "NAME"
    )


class _Build(Transformer[Token, Any]):
    """Callbacks run by the LALR parser at each reduction; each returns a node."""

    # -- program, imports, capabilities

    def program(self, c: list[Any]) -> ml.Program:
        span = _between(c[0], c[-1]) if c else Span.point(1, 1)
        return ml.Program(body=tuple(c), span=span)

    def dotted_name(self, c: list[Token]) -> list[Token]:
        return c

    def import_stmt(self, c: list[Any]) -> ml.Import:
        parts: list[Token] = c[1]
        alias = str(c[3]) if len(c) > 2 else None
        return ml.Import(
            module=tuple(map(str, parts)), alias=alias, span=_between(c[0], c[-1] if alias else parts[-1])
        )

    def capability(self, c: list[Any]) -> ml.Capability:
        items = tuple(x for x in c if isinstance(x, ml.CapItem))
        return ml.Capability(name=str(c[1]), items=items, span=_between(c[0], c[-1]))

    def cap_item(self, c: list[Token]) -> ml.CapItem:
        names = [t for t in c if t.type == "NAME"]
        strings = [decode_string(t) for t in c if t.type == "STRING"]
        value = strings[0] if strings else None
        span = _between(c[0], c[-1])
        kind = str(names[0])
        if kind == "resource" and len(names) == 1 and value is not None:
            return ml.CapItem(kind="resource", permission=None, value=value, span=span)
        if kind == "allow" and len(names) == 2:
            return ml.CapItem(kind="allow", permission=str(names[1]), value=value, span=span)
        raise MLSyntaxError(
            'expected `resource "pattern";` or `allow permission;` in a capability declaration', span
        )

    # -- simple statements

    def expr_stmt(self, c: list[Any]) -> ml.ExprStmt:
        return ml.ExprStmt(expr=c[0], span=_span(c[0]))

    def assign(self, c: list[Any]) -> ml.Stmt:
        target, value = c
        span = _between(target, value)
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
            target=target, op=ml.BinaryOp(str(op)[0]), value=value, span=_between(target, value)
        )

    def obj_destructure(self, c: list[Any]) -> ml.ObjectDestructure:
        return ml.ObjectDestructure(names=_names(c[:-1]), value=c[-1], span=_between(c[0], c[-1]))

    def throw_stmt(self, c: list[Any]) -> ml.Throw:
        return ml.Throw(value=c[1], span=_between(c[0], c[1]))

    def return_stmt(self, c: list[Any]) -> ml.Return:
        return ml.Return(value=c[1] if len(c) > 1 else None, span=_between(c[0], c[-1]))

    def break_stmt(self, c: list[Token]) -> ml.Break:
        return ml.Break(span=_tok_span(c[0]))

    def continue_stmt(self, c: list[Token]) -> ml.Continue:
        return ml.Continue(span=_tok_span(c[0]))

    def nonlocal_stmt(self, c: list[Token]) -> ml.Nonlocal:
        return ml.Nonlocal(names=_names(c[1:]), span=_between(c[0], c[-1]))

    # -- compound statements

    def block(self, c: list[Any]) -> ml.Block:
        return ml.Block(body=tuple(c[1:-1]), span=_between(c[0], c[-1]))

    def param(self, c: list[Token]) -> ml.Param:
        ann = str(c[1]) if len(c) > 1 else None
        return ml.Param(name=str(c[0]), annotation=ann, span=_between(c[0], c[-1]))

    def params(self, c: list[ml.Param]) -> tuple[ml.Param, ...]:
        return tuple(c)

    def function_def(self, c: list[Any]) -> ml.FunctionDef:
        return ml.FunctionDef(name=str(c[1]), params=c[3], body=c[5], span=_between(c[0], c[5]))

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
            span=_between(c[0], c[-1] if not isinstance(c[-1], tuple) else c[-1][1]),
        )

    def elif_clause(self, c: list[Any]) -> tuple[ml.Expr, ml.Block]:
        return (c[-3], c[-1])

    def else_clause(self, c: list[Any]) -> ml.Block:
        block: ml.Block = c[1]
        return block

    def while_stmt(self, c: list[Any]) -> ml.While:
        return ml.While(test=c[2], body=c[4], span=_between(c[0], c[4]))

    def for_stmt(self, c: list[Any]) -> ml.For:
        var = ml.Name(id=str(c[2]), span=_tok_span(c[2]))
        return ml.For(var=var, iterable=c[4], body=c[6], span=_between(c[0], c[6]))

    def except_clause(self, c: list[Any]) -> ml.ExceptClause:
        name = ml.Name(id=str(c[2]), span=_tok_span(c[2])) if len(c) > 2 else None
        return ml.ExceptClause(name=name, body=c[-1], span=_between(c[0], c[-1]))

    def finally_clause(self, c: list[Any]) -> tuple[str, ml.Block]:
        return ("finally", c[1])

    def try_stmt(self, c: list[Any]) -> ml.Try:
        handlers = tuple(x for x in c if isinstance(x, ml.ExceptClause))
        fin = next((x[1] for x in c if isinstance(x, tuple)), None)
        return ml.Try(
            body=c[1],
            handlers=handlers,
            finalbody=fin,
            span=_between(c[0], fin or (handlers[-1] if handlers else c[1])),
        )

    # -- expressions

    def arrow(self, c: list[Any]) -> ml.Arrow:
        return ml.Arrow(params=c[2], body=c[4], span=_between(c[0], c[4]))

    def conditional(self, c: list[Any]) -> ml.Conditional:
        return ml.Conditional(test=c[0], then=c[1], otherwise=c[2], span=_between(c[0], c[2]))

    def logical(self, c: list[Any]) -> ml.Logical:
        return ml.Logical(op=str(c[1]), left=c[0], right=c[2], span=_between(c[0], c[2]))

    def binary(self, c: list[Any]) -> ml.Binary:
        return ml.Binary(op=ml.BinaryOp(str(c[1])), left=c[0], right=c[2], span=_between(c[0], c[2]))

    def unary(self, c: list[Any]) -> ml.Unary:
        return ml.Unary(op=str(c[0]), operand=c[1], span=_between(c[0], c[1]))

    def args(self, c: list[Any]) -> tuple[ml.Expr, ...]:
        return tuple(c)

    def call(self, c: list[Any]) -> ml.Call:
        return ml.Call(func=c[0], args=c[2], span=_between(c[0], c[3]))

    def index(self, c: list[Any]) -> ml.Index:
        return ml.Index(obj=c[0], index=c[2], span=_between(c[0], c[3]))

    def slice_part(self, c: list[Any]) -> Any:
        return c[0] if c else None

    def slice(self, c: list[Any]) -> ml.Slice:
        parts = c[2:-1]
        parts += [None] * (3 - len(parts))
        return ml.Slice(obj=c[0], start=parts[0], stop=parts[1], step=parts[2], span=_between(c[0], c[-1]))

    def member(self, c: list[Any]) -> ml.Member:
        return ml.Member(obj=c[0], name=str(c[1]), span=_between(c[0], c[1]))

    def keyword(self, c: list[Token]) -> Token:
        return c[0]

    def number(self, c: list[Token]) -> ml.Number:
        return ml.Number(value=decode_number(c[0]), span=_tok_span(c[0]))

    def string(self, c: list[Token]) -> ml.String:
        return ml.String(value=decode_string(c[0]), span=_tok_span(c[0]))

    def true(self, c: list[Token]) -> ml.Bool:
        return ml.Bool(value=True, span=_tok_span(c[0]))

    def false(self, c: list[Token]) -> ml.Bool:
        return ml.Bool(value=False, span=_tok_span(c[0]))

    def null(self, c: list[Token]) -> ml.Null:
        return ml.Null(span=_tok_span(c[0]))

    def name(self, c: list[Token]) -> ml.Name:
        return ml.Name(id=str(c[0]), span=_tok_span(c[0]))

    def array(self, c: list[Any]) -> ml.Array:
        return ml.Array(items=tuple(c[1:-1]), span=_between(c[0], c[-1]))

    def pair(self, c: list[Any]) -> tuple[str, ml.Expr, Span | None]:
        key = c[0]
        if key.type == "STRING":
            return (decode_string(key), c[1], None)
        return (str(key), c[1], _tok_span(key))

    def object(self, c: list[Any]) -> ml.Object:
        pairs = c[1:-1]
        return ml.Object(
            pairs=tuple((k, v) for k, v, _ in pairs),
            name_keys=tuple((k, where) for k, _, where in pairs if where is not None),
            span=_between(c[0], c[-1]),
        )

    def paren(self, c: list[Any]) -> ml.Expr:
        inner: ml.Expr = c[1]
        return inner


# ---------------------------------------------------------------------------- errors

#: how expected terminals are named in messages
_TERMINAL_TEXT = {
    "_SEMI": "';'",
    "_COMMA": "','",
    "_DOT": "'.'",
    "_COLON": "':'",
    "_QUESTION": "'?'",
    "_ASSIGN": "'='",
    "_ARROW": "'=>'",
    "LPAR": "'('",
    "RPAR": "')'",
    "LBRACK": "'['",
    "RBRACK": "']'",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "NAME": "a name",
    "NUMBER": "a number",
    "STRING": "a string",
    "AUGOP": "a compound assignment",
    "EQOP": "'==' or '!='",
    "RELOP": "a comparison",
    "ADDOP": "'+' or '-'",
    "MULOP": "'*', '/', '//' or '%'",
    "POWOP": "'**'",
    "UNOP": "'!'",
    "OROR": "'||'",
    "ANDAND": "'&&'",
    "$END": "end of input",
}


def _describe(terminal: str) -> str:
    if terminal in _TERMINAL_TEXT:
        return _TERMINAL_TEXT[terminal]
    return f"'{terminal.lower()}'" if terminal.isupper() else terminal


def _token_text(tok: Token) -> str:
    if tok.type == "$END":
        return "end of input"
    text = str(tok)
    return f"'{text[:30]}{'...' if len(text) > 30 else ''}'"


#: terminals named first in "expected ..." lists: what usually closes the construct
_FIRST = ("_SEMI", "RPAR", "RBRACK", "RBRACE", "_COMMA", "_COLON")


def _expected_list(expected: set[str]) -> str:
    first = [_describe(t) for t in _FIRST if t in expected]
    rest = sorted({_describe(t) for t in expected if not t.startswith("__") and t not in _FIRST})
    names = first + [n for n in rest if n not in first]
    if len(names) > 6:
        return ", ".join(names[:6]) + ", ..."
    return ", ".join(names)


def _syntax_error(e: UnexpectedInput, text: str) -> MLSyntaxError:
    if isinstance(e, UnexpectedCharacters):
        return _unexpected_char(e, text)
    if isinstance(e, UnexpectedToken):
        return _unexpected_token(e, text)
    if isinstance(e, UnexpectedEOF):
        return MLSyntaxError("unexpected end of input", _end_of(text))
    return MLSyntaxError(str(e), Span.point(e.line or 1, e.column or 1))  # pragma: no cover


def _end_before(text: str, pos: int) -> Span:
    """The position just after the last token that starts before ``pos``.

    The text is lexed again as the parser saw it (the contextual lexer decides what ``//``
    means, §1.2), so comments are skipped and string contents that look like comments are not.
    """
    last: Token | None = None
    try:
        for tok in parser().parse_interactive(text).iter_parse():
            if tok.start_pos is None or tok.start_pos >= pos:
                break
            last = tok
    except (LarkError, MLSyntaxError):  # pragma: no cover - the error is reported below pos
        pass
    if last is None or last.end_line is None or last.end_column is None:
        return _end_of(text[:pos])
    return Span.point(last.end_line, last.end_column)


def _end_of(text: str) -> Span:
    stripped = text.rstrip()
    line = stripped.count("\n") + 1
    col = len(stripped) - (stripped.rfind("\n") + 1) + 1
    return Span.point(line, col)


def _unexpected_char(e: UnexpectedCharacters, text: str) -> MLSyntaxError:
    span = Span.point(e.line, e.column)
    pos = e.pos_in_stream or 0
    ch = text[pos] if pos < len(text) else ""
    if ch in "\"'":
        return MLSyntaxError("unterminated string", span)
    if text.startswith("/*", pos):
        return MLSyntaxError("unterminated comment: '/*' has no closing '*/'", span)
    if ch == "\\":
        return MLSyntaxError("unexpected '\\' outside a string", span)
    allowed = getattr(e, "allowed", None) or set()
    hint = f"; expected {_expected_list(allowed)}" if allowed else ""
    return MLSyntaxError(f"unexpected character {ch!r}{hint}", span)


def _acceptable(e: UnexpectedToken) -> set[str]:
    """The terminals the parser could really take where it failed.

    ``e.expected`` is the lookahead set of the LALR state, which after a shift can hold the
    follow sets of unrelated contexts (``x = {a: 1`` would "expect" ``;``); asking the
    interactive parser which terminals it accepts gives the exact set.
    """
    interactive = getattr(e, "interactive_parser", None)
    if interactive is not None:
        try:
            return set(interactive.accepts())
        except (LarkError, MLSyntaxError):  # pragma: no cover - a callback refused a probe
            pass
    return set(e.expected) if e.expected else set()


def _unexpected_token(e: UnexpectedToken, text: str) -> MLSyntaxError:
    tok = e.token
    expected = _acceptable(e)
    pos = tok.start_pos if tok.type != "$END" and tok.start_pos is not None else len(text)
    for start in (pos, pos - 1):  # `/*` may have been read as the operator `/` then `*`
        if start >= 0 and text.startswith("/*", start) and "*/" not in text[start + 2 :]:
            line = text.count("\n", 0, start) + 1
            col = start - text.rfind("\n", 0, start)
            return MLSyntaxError("unterminated comment: '/*' has no closing '*/'", Span.point(line, col))
    if "_SEMI" in expected:
        # §2.1: a missing ';' is reported just after the last token of its statement
        return MLSyntaxError("expected ';'", _end_before(text, pos))
    if tok.type == "$END":
        return MLSyntaxError(f"unexpected end of input; expected {_expected_list(expected)}", _end_of(text))
    return MLSyntaxError(
        f"unexpected {_token_text(tok)}; expected {_expected_list(expected)}", _tok_span(tok)
    )

