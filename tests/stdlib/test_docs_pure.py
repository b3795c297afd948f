"""Run every example of ``docs/stdlib.md`` (part 1) (see "How to read the examples" there)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import mlpy
from mlpy.runtime.limits import Limits
from mlpy.runtime.state import CallState
from mlpy.runtime.stdlib import datetime as dt_module
from mlpy.runtime.stdlib import load
from mlpy.runtime.stdlib import regex as regex_module
from tests.doc_examples import Example, module_blocks
from tests.doc_examples import examples as examples_of

DOC = Path(__file__).resolve().parents[2] / "docs" / "stdlib.md"
MODULES = ("math", "json", "regex", "datetime", "random", "string", "crypto")


def blocks() -> list[tuple[str, list[str]]]:
    return module_blocks(DOC, MODULES)


def examples() -> list[Example]:
    return examples_of(blocks())


@pytest.mark.parametrize("example", examples(), ids=str)
def test_example(example: Example) -> None:
    setup = "\n".join(example.setup)
    if example.error:
        r = mlpy.run(f"{setup}\nresult = {example.code};")
        assert r.error_type == example.error, (r.value, r.error)
        return
    r = mlpy.run(
        f"{setup}\ndoc_value = {example.code};\nresult = [doc_value == ({example.expected}), str(doc_value)];"
    )
    assert r.success, r.error
    assert r.value[0] is True, f"{example.code} gave {r.value[1]}, expected {example.expected}"


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
