"""Parse ML source text into `mlpy.language.nodes`, recovering after errors to report them all.

Layer 1 (language): imports the standard library, lark, `mlpy.source`, `mlpy.errors`,
`mlpy.deadline` and `mlpy.language.*`. This package is the only user of Lark: no Lark
exception leaves it.

The grammar is LALR(1) with the contextual lexer, built once per process. The tree is built
by an *internal* transformer (`mlpy.language.build`: callbacks run as the parser reduces),
which is faster than building a parse tree first and, being iterative, never recurses however
deeply the source nests. Spans come from the kept tokens (keywords and brackets are named
terminals).

`parse_all` drives Lark's interactive parser token by token (what ``Lark.parse`` does
inside), which lets it:

* check the call's deadline (`mlpy.deadline`) every `DEADLINE_EVERY` tokens, so a 1 MB program
  stops near the deadline instead of being parsed to the end;
* recover from a syntax error in panic mode, as C compilers do: the partial statement is
  popped off the parser's stack back to a state where a statement may start, then tokens are
  skipped up to the next ``;`` at the same brace depth, a ``}`` that closes the enclosing
  block, or a keyword that starts a statement; the parse goes on from there. Errors the skip
  would cause are not reported, so every error listed is one a user must fix, in source order
  (at most `MAX_ERRORS`). An unterminated string or comment ends the parse (all that follows
  is inside it).

Cost: linear in the tokens (each is lexed and fed once; recovery pops each stack entry at most
once); each error costs one ``accepts()`` probe of the parser (proportional to the grammar's
terminals, not the program).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

from lark import Lark, Token
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedToken, VisitError

from mlpy.deadline import check as check_deadline
from mlpy.errors import MLSyntaxError
from mlpy.language import nodes as ml
from mlpy.language import syntax_errors
from mlpy.language.build import Build
from mlpy.language.diagnostics import Diagnostic, collecting
from mlpy.language.grammar_cache import cached_parser
from mlpy.source import Span

__all__ = [
    "DEADLINE_EVERY",
    "MAX_ERRORS",
    "MAX_SOURCE_CHARS",
    "RESERVED_WORDS",
    "ParseResult",
    "grammar_text",
    "parse",
    "parse_all",
    "parser",
]

#: the largest source accepted, in characters
MAX_SOURCE_CHARS = 1_000_000
#: syntax errors listed for one program before the parse gives up
MAX_ERRORS = 50
#: tokens between two deadline checks
DEADLINE_EVERY = 256

#: terminals that can only start a statement: where panic mode may resume
_STATEMENT_STARTS = frozenset(
    {"IF", "WHILE", "FOR", "FUNCTION", "TRY", "RETURN", "BREAK", "CONTINUE", "THROW", "NONLOCAL", "IMPORT"}
    | {"CAPABILITY"}
)


#: a parser state where a statement may start takes both (a state that takes `while` alone
#: is an object key or member name: `{while: 1}`, `o.while`)
_STATEMENT_STATE = frozenset({"WHILE", "LPAR"})


@dataclass(frozen=True, slots=True)
class ParseResult:
    """What parsing found: the tree (None if there were errors), every syntax error in source
    order, and the warnings (§1.5 unknown escapes)."""

    program: ml.Program | None
    errors: tuple[MLSyntaxError, ...]
    warnings: tuple[Diagnostic, ...]


def parse(text: str) -> ml.Program:
    """Parse a whole ML program.

    Raises:
        MLSyntaxError: the text is not a valid program: the first error (`parse_all` gives all).
        MLTimeoutError: the deadline of `mlpy.deadline.within` passed while parsing.
        TypeError: ``text`` is not a ``str``.
    """
    result = parse_all(text)
    if result.errors:
        raise result.errors[0]
    assert result.program is not None
    return result.program


def parse_all(text: str) -> ParseResult:
    """Parse a whole ML program, listing every syntax error (see the module docstring).

    Raises:
        MLTimeoutError: the deadline of `mlpy.deadline.within` passed while parsing.
        TypeError: ``text`` is not a ``str``.
    """
    if not isinstance(text, str):
        raise TypeError(f"ML code must be a str, not {type(text).__name__}")
    if text.startswith("\ufeff"):  # a byte-order mark some editors write: not part of the program
        text = text[1:]
    if "\r" in text:  # every line ending is "\n", as Python reads source files
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        _check_text(text)
    except MLSyntaxError as e:
        return ParseResult(None, (e,), ())
    with collecting() as found:
        driver = _Driver(text)
        try:
            program = driver.run()
        except VisitError as e:  # pragma: no cover - a callback bug, not the user's error
            raise e.orig_exc from None
    errors = sorted([*driver.errors, *found.errors], key=lambda e: (e.line or 0, e.column or 0))
    if errors:
        return ParseResult(None, tuple(errors[:MAX_ERRORS]), tuple(found.warnings))
    assert isinstance(program, ml.Program)
    return ParseResult(program, (), tuple(found.warnings))


class _Driver:
    """Feeds the tokens of one text to Lark's interactive parser, recovering after errors."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.ip = parser().parse_interactive(text)
        self.errors: list[MLSyntaxError] = []
        #: panic mode: dropping tokens until a place where a statement may start
        self.skipping = False
        #: braces opened (and not closed) in the part being skipped
        self.depth = 0
        #: the last token the parser took
        self.last: Token | None = None
        #: an error after which nothing more can be parsed (or too many errors)
        self.stopped = False
        #: the line of the last error, while errors are not reported (an error's own
        #: consequences on its line, until a `;` or `}` ends the statement or a later line starts)
        self.quiet_line = 0

    def _tokens(self) -> Iterator[Token]:
        return iter(self.ip.lexer_thread.lex(self.ip.parser_state))  # type: ignore[no-untyped-call]

    def run(self) -> Any:
        """The program's tree, or None if there were errors."""
        tokens = self._tokens()
        count = 0
        while not self.stopped:
            count += 1
            if count % DEADLINE_EVERY == 0:
                check_deadline()
            try:
                tok = next(tokens)
            except StopIteration:
                break
            except UnexpectedToken as e:  # the contextual lexer met a token this state refuses
                tokens = self._tokens()  # the generator ended with the exception
                tok = e.token
            except UnexpectedCharacters as e:
                tokens = self._tokens()
                self._bad_character(e)
                continue
            self._take(tok)
        return None if self.stopped else self._end()

    def _take(self, tok: Token) -> None:
        if self.skipping and not self._resumes_at(tok):
            return
        try:
            self.ip.feed_token(tok)
        except UnexpectedToken:
            self._error(tok)
            return
        self.last = tok
        if self.quiet_line and (tok.type in ("_SEMI", "RBRACE") or (tok.line or 0) > self.quiet_line):
            self.quiet_line = 0

    def _error(self, tok: Token) -> None:
        if self.skipping:  # an error right where panic mode resumed: keep skipping, silently
            return
        expected = self._acceptable()
        values = self.ip.parser_state.value_stack
        self._record(syntax_errors.unexpected_token(tok, expected, self.last, values, self.text))
        if "_SEMI" in expected and self._insert_semicolon(tok):
            return
        self._panic()
        if self._resumes_at(tok):
            try:
                self.ip.feed_token(tok)
                self.last = tok
            except UnexpectedToken:
                self.skipping = True

    def _insert_semicolon(self, tok: Token) -> bool:
        """Repair a missing ``;`` (the most common error): feed one, then ``tok``; True if
        the parser took both (the error is reported already)."""
        if self.last is None:
            return False
        try:
            self.ip.feed_token(Token.new_borrow_pos("_SEMI", ";", self.last))
        except UnexpectedToken:  # pragma: no cover - `;` was among the accepted terminals
            return False
        try:
            self.ip.feed_token(tok)
        except UnexpectedToken:
            return False
        self.last = tok
        return True

    def _bad_character(self, e: UnexpectedCharacters) -> None:
        if syntax_errors.unterminated(e, self.text):
            if not self.skipping:
                self._record(syntax_errors.unexpected_char(e, self.text))
            self.stopped = True
            return
        if not self.skipping:
            self._record(syntax_errors.unexpected_char(e, self.text))
            self._panic()
        lexer_state = self.ip.lexer_thread.state
        assert lexer_state is not None
        pos = lexer_state.line_ctr.char_pos
        lexer_state.line_ctr.feed(self.text[pos : pos + 1])  # step over the character

    def _record(self, error: MLSyntaxError) -> None:
        if self.quiet_line:
            return
        self.errors.append(error)
        self.quiet_line = error.line or 1
        if len(self.errors) >= MAX_ERRORS:
            self.stopped = True

    def _acceptable(self) -> set[str]:
        """The terminals the parser could really take here.

        The state's table holds the lookaheads of reductions, which after a shift can be the
        follow sets of unrelated contexts (``x = {a: 1`` would "expect" ``;``); asking the
        interactive parser which terminals it accepts gives the exact set.
        """
        try:
            return set(self.ip.accepts())  # type: ignore[no-untyped-call]
        except (LarkError, MLSyntaxError):  # pragma: no cover - a callback refused a probe
            return {t for t in self._choices() if t.isupper()}

    def _choices(self) -> dict[str, Any]:
        """The parse table's actions in the current state (terminals and rule names)."""
        actions: dict[str, Any] = self.ip.choices()  # type: ignore[no-untyped-call]
        return actions

    def _panic(self) -> None:
        """Pop the partial statement off the parser's stacks and start skipping tokens."""
        state = self.ip.parser_state
        table = state.parse_conf.states
        self.depth = 0
        while len(state.state_stack) > 1 and not _STATEMENT_STATE <= table[state.state_stack[-1]].keys():
            state.state_stack.pop()
            value = state.value_stack.pop()
            if _opens_block(value, state.value_stack):
                self.depth += 1  # a block still open: up to its `}` is part of what is skipped
        self.skipping = True

    def _resumes_at(self, tok: Token) -> bool:
        """In panic mode: whether ``tok`` ends it and should be fed (else it is dropped)."""
        kind = tok.type
        if kind == "LBRACE":
            self.depth += 1
            return False
        if kind == "RBRACE":
            if self.depth:
                self.depth -= 1
                self.skipping = self.depth > 0  # a whole block skipped: a statement may follow
                return False
            self.skipping = False
            return kind in self._choices()  # closes the enclosing block (none at top level)
        if self.depth:
            return False
        if kind == "_SEMI":
            self.skipping = False
            return False
        if kind in _STATEMENT_STARTS and kind in self._choices():
            self.skipping = False
            return True
        return False

    def _end(self) -> Any:
        eof = Token("$END", "", len(self.text), *_end_position(self.text))
        try:
            return self.ip.feed_eof(self.last)  # type: ignore[no-untyped-call]
        except UnexpectedToken:
            if not self.skipping:  # (in panic mode, the statement cut short is already reported)
                self._record(
                    syntax_errors.unexpected_token(
                        eof, self._acceptable(), self.last, self.ip.parser_state.value_stack, self.text
                    )
                )
            return None


#: what a `{` that opens a block follows (`=>` is not kept: an arrow's block follows its `)`)
_BEFORE_BLOCK = frozenset({"RPAR", "ELSE", "TRY", "EXCEPT", "FINALLY"})


def _opens_block(value: Any, below: list[Any]) -> bool:
    """True if ``value``, popped off the value stack, is the `{` of a block (not of an object:
    a `;` inside an unclosed object literal ends panic mode, one inside a block does not)."""
    if not (isinstance(value, Token) and value.type == "LBRACE") or not below:
        return False
    before = below[-1]
    return isinstance(before, Token) and before.type in _BEFORE_BLOCK


def _end_position(text: str) -> tuple[int, int]:
    span = syntax_errors.end_of(text)
    return span.line, span.column


_parser_lock = threading.Lock()


def parser() -> Lark:
    """The process-wide Lark parser, made once on first use: loaded from the user's cache
    (`mlpy.language.grammar_cache`, about 0.07 s) or built from the grammar (0.4-0.8 s).

    The lock makes threads that need it at the same moment wait for one build instead of
    each building their own (four workers starting together would take four times as long).
    """
    with _parser_lock:
        return _build_parser()


#: the options the parser is built with, besides the live ones (part of the cache key)
_OPTIONS: dict[str, Any] = {
    "parser": "lalr",
    "lexer": "contextual",
    "start": "program",
    "maybe_placeholders": False,
}


@functools.cache
def _build_parser() -> Lark:
    grammar = grammar_text()
    live: dict[str, Any] = {"transformer": Build(), "lexer_callbacks": {"NAME": _reserved_word}}
    return cached_parser(
        grammar, lambda: Lark(grammar, **_OPTIONS, **live), live, repr(sorted(_OPTIONS.items()))
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
