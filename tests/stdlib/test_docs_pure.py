"""Run every example of ``docs/stdlib.md`` (part 1) (see "How to read the examples" there)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

import mlpy
from mlpy.runtime.limits import Limits
from mlpy.runtime.state import CallState
from mlpy.runtime.stdlib import datetime as dt_module
from mlpy.runtime.stdlib import load
from mlpy.runtime.stdlib import regex as regex_module

DOC = Path(__file__).resolve().parents[2] / "docs" / "stdlib.md"
MODULES = ("math", "json", "regex", "datetime", "random", "string", "crypto")

_BLOCK = re.compile(r"^```ml\n(.*?)^```", re.S | re.M)
_EXAMPLE = re.compile(r"^(?P<expr>.+?)  // (?:=> (?P<expected>.+)|raises (?P<error>\w+))$")


@dataclass(frozen=True)
class Example:
    module: str
    setup: tuple[str, ...]
    expr: str
    expected: str | None
    error: str | None

    def __str__(self) -> str:
        return f"{self.module}: {self.expr}"


def blocks() -> list[tuple[str, list[str]]]:
    found = []
    for match in _BLOCK.finditer(DOC.read_text(encoding="utf-8")):
        lines = match.group(1).splitlines()
        module = re.fullmatch(r"import (\w+);", lines[0])
        assert module, f"a block must start with its import: {lines[0]!r}"
        if module.group(1) in MODULES:  # the page documents both parts; this file runs its own
            found.append((module.group(1), lines))
    return found


def examples() -> list[Example]:
    out = []
    for module, lines in blocks():
        setup: list[str] = []
        for line in lines:
            m = _EXAMPLE.match(line)
            if m is None:
                setup.append(line)
            else:
                out.append(Example(module, tuple(setup), m["expr"], m["expected"], m["error"]))
    return out


@pytest.mark.parametrize("example", examples(), ids=str)
def test_example(example: Example) -> None:
    setup = "\n".join(example.setup)
    if example.error:
        r = mlpy.run(f"{setup}\nresult = {example.expr};")
        assert r.error_type == example.error, (r.value, r.error)
        return
    r = mlpy.run(
        f"{setup}\ndoc_value = {example.expr};\nresult = [doc_value == ({example.expected}), str(doc_value)];"
    )
    assert r.success, r.error
    assert r.value[0] is True, f"{example.expr} gave {r.value[1]}, expected {example.expected}"


def test_every_function_and_method_has_an_example() -> None:
    state = CallState(Limits())
    documented = {module: "\n".join(lines) for module, lines in blocks()}
    assert sorted(documented) == sorted(MODULES)
    for module in MODULES:
        members = set(load(module, state).members)
        used = set(re.findall(rf"\b{module}\.(\w+)", documented[module]))
        if module in ("datetime", "random"):  # snake_case aliases are documented by the rule
            members = {m for m in members if "_" not in m}
        assert members <= used, f"{module}: no example for {sorted(members - used)}"
    methods = {
        "regex": set(regex_module.Match.ml_methods) | set(regex_module.Pattern.ml_methods),
        "datetime": {
            name
            for table in (dt_module.DateTime, dt_module.Date, dt_module.Time, dt_module.TimeDelta)
            for name in table.ml_methods
            if "_" not in name
        },
    }
    for module, names in methods.items():
        used = set(re.findall(r"\.(\w+)\(", documented[module]))
        assert names <= used, f"{module}: no example for the methods {sorted(names - used)}"


def test_the_examples_were_found() -> None:
    assert len(examples()) > 200
