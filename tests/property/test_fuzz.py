"""Property tests: whatever the text, mlpy answers with a result or an ML error, nothing else.

Inputs are arbitrary text, programs generated from the grammar itself (``from_lark``, which
produces mostly invalid programs: keywords run into names, HypothesisWorks/hypothesis#1804), and
grammar programs whose names, numbers and strings are drawn from small realistic sets (via
``explicit=``) so that many of them get past the parser and run. Each run has a small budget.
"""

from __future__ import annotations

from typing import Any

import hypothesis.strategies as st
from hypothesis import HealthCheck, find, given, settings
from hypothesis.extra.lark import from_lark
from lark import Lark

import mlpy
from mlpy.errors import MLError
from mlpy.language.parser import RESERVED_WORDS, grammar_text, parse

#: every error type a script author can see (§10); a thrown object may name its own type
ML_ERRORS = {
    "SyntaxError",
    "SecurityError",
    "NameError",
    "TypeError",
    "ValueError",
    "IndexError",
    "KeyError",
    "ZeroDivisionError",
    "Error",
    "TimeoutError",
    "LimitError",
}
LIMITS = mlpy.Limits(timeout=0.5, max_steps=20_000, max_depth=40, max_string=100_000, max_array=100_000)
FUZZ = settings(max_examples=100, deadline=None, database=None, suppress_health_check=list(HealthCheck))

GRAMMAR = Lark(grammar_text(), parser="lalr", lexer="contextual", start="program")

# The first run raises the process's recursion limit for deep ML recursion; do it now, so that
# Hypothesis does not see the limit change during a test (it warns, and warnings are errors).
mlpy.run("result = 1;")


def _spaced(words: list[str]) -> st.SearchStrategy[str]:
    return st.sampled_from(words).map(lambda w: f" {w} ")


#: keywords, names and literals with spaces around them, so that tokens do not run together
REALISTIC: dict[str, st.SearchStrategy[str]] = {
    **{kind: st.just(f" {word} ") for word, kind in RESERVED_WORDS.items()},
    "NAME": _spaced(["a", "b", "x", "f", "o", "result", "len", "print", "range", "class", "__x", "str"]),
    "NUMBER": _spaced(["0", "1", "2", "3.5", ".5", "1e3", "0x1F", "1_000", "100000000000000000000"]),
    "STRING": _spaced(['"a"', "'b'", '""', '"\\n"', '"\\q"', '"__class__"', '"é"']),
}
REALISTIC_PROGRAMS = from_lark(GRAMMAR, start="program", explicit=REALISTIC)


def run_checked(text: Any) -> mlpy.MLResult:
    """Run ``text``; the result must be a success or an ML error with a message."""
    result = mlpy.run(text, limits=LIMITS)
    assert isinstance(result, mlpy.MLResult)
    if not result.success:
        assert result.error_type in ML_ERRORS or "throw" in str(text), result.error
        assert result.error and "internal error" not in result.error, result.error
        assert "Traceback" not in result.error
        if result.error_line is not None:
            assert result.error_line >= 1 and (result.error_column or 0) >= 1
    return result


@FUZZ
@given(st.text(max_size=300))
def test_arbitrary_text(text: str) -> None:
    run_checked(text)


@FUZZ
@given(st.binary(max_size=200))
def test_arbitrary_bytes(data: bytes) -> None:
    run_checked(data)


@FUZZ
@given(from_lark(GRAMMAR, start="program"))
def test_grammar_programs(text: str) -> None:
    run_checked(text)


@FUZZ
@given(REALISTIC_PROGRAMS)
def test_realistic_grammar_programs(text: str) -> None:
    run_checked(text)


@settings(FUZZ, max_examples=60)
@given(st.one_of(st.text(max_size=200), REALISTIC_PROGRAMS))
def test_parse_gives_a_program_or_an_ml_error(text: str) -> None:
    """No Lark exception, RecursionError or anything else leaves the parser."""
    try:
        parse(text)
    except MLError:
        pass


def test_realistic_programs_reach_the_runtime() -> None:
    """The realistic strategy is useful: it finds programs that get past the check pass."""
    found = find(
        REALISTIC_PROGRAMS,
        lambda text: mlpy.run(text, limits=LIMITS).error_type not in ("SyntaxError", "SecurityError"),
        settings=settings(FUZZ, max_examples=300),
    )
    assert mlpy.check(found) == []
