"""Run every example of ``docs/language.md`` (see "How to read the examples" there).

A line ``expression  // => value`` must evaluate to ``value`` (ML ``==``); a line
``code  // raises Type`` must stop with that error type; every other line of the block is
set-up, run before each example in order.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import mlpy
from tests.doc_examples import EXAMPLE, Example, blocks, examples

DOC = Path(__file__).resolve().parents[2] / "docs" / "language.md"


def _blocks() -> list[list[str]]:
    return blocks(DOC)


def _examples() -> list[Example]:
    return examples((f"block {n}", lines) for n, lines in enumerate(_blocks(), 1))


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
        assert any(EXAMPLE.match(line) for line in lines), lines
    headings = re.findall(r"^## (\d+)\. ", DOC.read_text("utf-8"), re.M)
    assert headings == [str(n) for n in range(1, 11)]


def test_the_runner_catches_a_wrong_example() -> None:
    wrong = Example("block 0", ("x = 1;",), "x + 1", "3", None)
    with pytest.raises(AssertionError):
        test_example(wrong)
    wrong_error = Example("block 0", (), "1 + 1", None, "TypeError")
    with pytest.raises(AssertionError):
        test_example(wrong_error)
