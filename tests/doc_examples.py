"""Reading the examples of the ML documentation (docs/language.md, docs/stdlib.md): every
```ml block, and in it the lines ``code  // => value`` (must evaluate to value),
``code  // raises Type`` (must stop with that error) and, on the stdlib page,
``code  // => value  // prints "text"``. Every other line of a block is set-up, run before
each example that follows it in the block."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

#: a fenced ML block
BLOCK = re.compile(r"^```ml\n(.*?)^```", re.S | re.M)
#: an example line: code, then the value it gives, what it prints, or the error it raises
EXAMPLE = re.compile(
    r"^(?P<code>.+?)  // (?:=> (?P<expected>.+?)(?:  // prints (?P<out>\".*\"))?|raises (?P<error>\w+))$"
)


@dataclass(frozen=True)
class Example:
    """One example: where it is (a block number or a module), its set-up lines and its claim."""

    where: str
    setup: tuple[str, ...]
    code: str
    expected: str | None
    error: str | None
    out: str | None = None

    def __str__(self) -> str:
        return f"{self.where}: {self.code}"


def blocks(page: Path) -> list[list[str]]:
    """The lines of each ```ml block of ``page``, in order."""
    return [m.group(1).splitlines() for m in BLOCK.finditer(page.read_text("utf-8"))]


def module_blocks(page: Path, modules: Iterable[str]) -> list[tuple[str, list[str]]]:
    """The blocks of a stdlib page for ``modules``, each named by its first line's import."""
    wanted, found = set(modules), []
    for lines in blocks(page):
        module = re.fullmatch(r"import (\w+);", lines[0])
        assert module, f"a block must start with its import: {lines[0]!r}"
        if module.group(1) in wanted:
            found.append((module.group(1), lines))
    return found


def examples(named_blocks: Iterable[tuple[str, list[str]]]) -> list[Example]:
    """Every example of the blocks, each with the set-up lines above it in its block."""
    out = []
    for where, lines in named_blocks:
        setup: list[str] = []
        for line in lines:
            m = EXAMPLE.match(line)
            if m is None:
                setup.append(line)
            else:
                out.append(Example(where, tuple(setup), m["code"], m["expected"], m["error"], m["out"]))
    return out
