"""Syntax error messages: what the parser expected, said in ML's terms, with hints where users
trip (LANGUAGE.md §2.1, §3.7, §10).

Layer 1 (language): imports the standard library, lark, `mlpy.source`, `mlpy.errors` and
`mlpy.language.build`.

The functions here only *describe* a failure the parser driver (`mlpy.language.parser`) has
met; they never drive the parser. Every one is O(1) in the size of the program except
`end_of`, which looks at the text once, at the end of input.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lark import Token
from lark.exceptions import UnexpectedCharacters

from mlpy.errors import MLSyntaxError
from mlpy.language.build import tok_span
from mlpy.source import Span

__all__ = ["end_of", "expected_list", "unexpected_char", "unexpected_token", "unterminated"]

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

#: terminals named first in "expected ..." lists: what usually closes the construct
_FIRST = ("_SEMI", "RPAR", "RBRACK", "RBRACE", "_COMMA", "_COLON")

#: said when `=> {` was read as a block but holds an object literal (§3.7)
ARROW_OBJECT_HINT = (
    "an arrow function's '=> {' starts a block: to return an object literal,"
    " wrap it in parentheses: fn(x) => ({id: x})"
)


def _describe(terminal: str) -> str:
    if terminal in _TERMINAL_TEXT:
        return _TERMINAL_TEXT[terminal]
    return f"'{terminal.lower()}'" if terminal.isupper() else terminal


def _token_text(tok: Token) -> str:
    if tok.type == "$END":
        return "end of input"
    text = str(tok)
    return f"'{text[:30]}{'...' if len(text) > 30 else ''}'"


def expected_list(expected: set[str]) -> str:
    """The expected terminals as a short, readable list (closers first, at most six)."""
    first = [_describe(t) for t in _FIRST if t in expected]
    rest = sorted({_describe(t) for t in expected if not t.startswith("__") and t not in _FIRST})
    names = first + [n for n in rest if n not in first]
    if len(names) > 6:
        return ", ".join(names[:6]) + ", ..."
    return ", ".join(names)


def end_of(text: str) -> Span:
    """The position just after the last non-blank character of ``text``."""
    stripped = text.rstrip()
    line = stripped.count("\n") + 1
    col = len(stripped) - (stripped.rfind("\n") + 1) + 1
    return Span.point(line, col)


def unterminated(e: UnexpectedCharacters, text: str) -> bool:
    """True if the lexer stopped at a string or comment that never ends (nothing after it
    can be parsed sensibly, so the driver stops there)."""
    pos = e.pos_in_stream or 0
    return pos < len(text) and (text[pos] in "\"'" or text.startswith("/*", pos))


def unexpected_char(e: UnexpectedCharacters, text: str) -> MLSyntaxError:
    """The error for a character no token can start with."""
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
    hint = f"; expected {expected_list(allowed)}" if allowed else ""
    return MLSyntaxError(f"unexpected character {ch!r}{hint}", span)


def _unclosed_brace(values: Sequence[Any]) -> Token | None:
    """The innermost ``{`` still open on the parser's value stack (closed ones are reduced)."""
    for value in reversed(values):
        if isinstance(value, Token) and value.type == "LBRACE":
            return value
    return None


def _arrow_object(values: Sequence[Any], text: str) -> bool:
    """True if the parser is just inside ``=> {`` with one operand read: ``fn(x) => {id``."""
    if len(values) < 2:
        return False
    brace = values[-2]
    if not (isinstance(brace, Token) and brace.type == "LBRACE" and brace.start_pos is not None):
        return False
    return text[max(0, brace.start_pos - 200) : brace.start_pos].rstrip().endswith("=>")


def unexpected_token(
    tok: Token, expected: set[str], last: Token | None, values: Sequence[Any], text: str
) -> MLSyntaxError:
    """The error for token ``tok`` where the parser accepts only ``expected``.

    ``last`` is the last token the parser took (a missing ``;`` is reported just after it,
    §2.1) and ``values`` the parser's value stack (for the hints: an unclosed ``{`` names
    where it was opened; ``=> {id: 1}`` says to wrap the object in parentheses).
    """
    pos = tok.start_pos if tok.type != "$END" and tok.start_pos is not None else len(text)
    for start in (pos, pos - 1):  # `/*` may have been read as the operator `/` then `*`
        if start >= 0 and text.startswith("/*", start) and "*/" not in text[start + 2 :]:
            line = text.count("\n", 0, start) + 1
            col = start - text.rfind("\n", 0, start)
            return MLSyntaxError("unterminated comment: '/*' has no closing '*/'", Span.point(line, col))
    if tok.type in ("_COLON", "_COMMA") and _arrow_object(values, text):
        return MLSyntaxError(f"unexpected {_token_text(tok)}: {ARROW_OBJECT_HINT}", tok_span(tok))
    if "_SEMI" in expected:
        # §2.1: a missing ';' is reported just after the last token of its statement
        where = (
            Span.point(last.end_line, last.end_column)
            if last is not None and last.end_line is not None and last.end_column is not None
            else end_of(text[:pos])
        )
        return MLSyntaxError("expected ';'", where)
    if tok.type == "$END":
        message = f"unexpected end of input; expected {expected_list(expected)}"
        brace = _unclosed_brace(values) if "RBRACE" in expected else None
        if brace is not None:
            message += f" (the '{{' at line {brace.line}, column {brace.column} is never closed)"
        return MLSyntaxError(message, end_of(text))
    return MLSyntaxError(f"unexpected {_token_text(tok)}; expected {expected_list(expected)}", tok_span(tok))
