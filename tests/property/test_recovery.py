"""Property tests of error recovery: whatever damage is done to a valid program, `parse_all`
answers (a tree or errors with positions inside the text), and it finds errors exactly when
the plain, non-recovering parse fails."""

from __future__ import annotations

from pathlib import Path

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings
from lark.exceptions import LarkError

from mlpy.errors import MLSyntaxError
from mlpy.language.diagnostics import collecting
from mlpy.language.parser import parse_all, parser

FUZZ = settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))

#: valid programs to damage: the runnable chunks of the language corpus
_CORPUS = Path(__file__).resolve().parents[1] / "lang" / "testdata"
SEEDS = [
    chunk
    for path in sorted(_CORPUS.glob("s[1-5]_*.ml"))
    for chunk in path.read_text("utf-8").split("\n---\n")
    if "// ###" not in chunk and chunk.strip() and not parse_all(chunk).errors
]
#: pieces of ML that damage a program when inserted at random
PIECES = [*"{}()[];,:=+@", "=>", "fn", "if", "else", "while", "**", '"', "/*"]


def _plain_parse_fails(text: str) -> bool:
    """The verdict of Lark's own parse, without recovery (literal errors included)."""
    with collecting() as found:
        try:
            parser().parse(text)
        except (LarkError, MLSyntaxError):
            return True
    return bool(found.errors)


@st.composite
def damaged(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        if draw(st.booleans()):
            text = text[:at] + draw(st.sampled_from(PIECES)) + text[at:]
        else:
            text = text[:at] + text[at + draw(st.integers(1, 6)) :]
    return text


def test_there_are_seeds() -> None:
    assert len(SEEDS) > 100


@FUZZ
@given(damaged())
def test_recovery_always_answers_with_positions_in_the_text(text: str) -> None:
    result = parse_all(text)
    lines = text.count("\n") + 1
    assert (result.program is None) == bool(result.errors)
    for error in result.errors:
        assert isinstance(error, MLSyntaxError)
        assert error.line is not None and 1 <= error.line <= lines + 1, (error, text)
    if text.strip():
        assert bool(result.errors) == _plain_parse_fails(text), text
