"""Run every example of ``docs/language.md`` (see "How to read the examples" there).

A line ``expression  // => value`` must evaluate to ``value`` (ML ``==``); a line
``code  // raises Type`` must stop with that error type; every other line of the block is
set-up, run before each example in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

import mlpy

DOC = Path(__file__).resolve().parents[2] / "docs" / "language.md"
_BLOCK = re.compile(r"^```ml\n(.*?)^```", re.S | re.M)
_EXAMPLE = re.compile(r"^(?P<code>.+?)  // (?:=> (?P<expected>.+)|raises (?P<error>\w+))$")


@dataclass(frozen=True)
class Example:
    block: int
    setup: tuple[str, ...]
    code: str
    expected: str | None
    error: str | None

    def __str__(self) -> str:
        return f"block {self.block}: {self.code}"


def _blocks() -> list[list[str]]:
    return [m.group(1).splitlines() for m in _BLOCK.finditer(DOC.read_text("utf-8"))]


def _examples() -> list[Example]:
    out = []
    for number, lines in enumerate(_blocks(), 1):
        setup: list[str] = []
        for line in lines:
            m = _EXAMPLE.match(line)
            if m is None:
                setup.append(line)
            else:
                out.append(Example(number, tuple(setup), m["code"], m["expected"], m["error"]))
    return out


@pytest.mark.parametrize("example", _examples(), ids=str)
def test_example(example: Example) -> None:
    setup = "\n".join(example.setup)
    if example.error:
        code = example.code if example.code.endswith((";", "}")) else f"result = ({example.code});"
        result = mlpy.run(f"{setup}\n{code}")
        assert result.error_type == example.error, (result.value, result.error)
        return
    result = mlpy.run(
        f"{setup}\ndoc_value = ({example.code});\n"
        f"result = [doc_value == ({example.expected}), str(doc_value)];"
    )
    assert result.success, result.error
    assert result.value[0] is True, f"{example.code} gave {result.value[1]}, expected {example.expected}"


def test_every_block_has_examples_and_every_section_is_there() -> None:
    blocks = _blocks()
    assert len(blocks) >= 30
    for lines in blocks:
        assert any(_EXAMPLE.match(line) for line in lines), lines
    headings = re.findall(r"^## (\d+)\. ", DOC.read_text("utf-8"), re.M)
    assert headings == [str(n) for n in range(1, 11)]


def test_the_runner_catches_a_wrong_example() -> None:
    wrong = Example(0, ("x = 1;",), "x + 1", "3", None)
    with pytest.raises(AssertionError):
        test_example(wrong)
    wrong_error = Example(0, (), "1 + 1", None, "TypeError")
    with pytest.raises(AssertionError):
        test_example(wrong_error)
