"""The ``string`` module (LANGUAGE.md §6.1): key-only templates (format-string attacks), repeat, pad."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

import mlpy
from mlpy import Limits
from mlpy.runtime.state import CallState
from mlpy.runtime.stdlib import load
from mlpy.runtime.stdlib import string as string_module


def value(expr: str, context: dict[str, Any] | None = None, **kw: Any) -> Any:
    r = mlpy.run(f"import string;\nresult = {expr};", context, **kw)
    assert r.success, r.error
    return r.value


def failure(code: str, context: dict[str, Any] | None = None, **kw: Any) -> mlpy.MLResult:
    r = mlpy.run("import string;\n" + code, context, **kw)
    assert not r.success, r.value
    return r


def test_every_spec_name_is_a_member() -> None:
    members = set(load("string", CallState(Limits())).members)
    assert {"format", "repeat", "pad"} <= members


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('string.format("Hello, {name}!", {name: "Ada"})', "Hello, Ada!"),
        ('string.format("{a} and {a}", {a: 1})', "1 and 1"),
        (
            'string.format("{n} {b} {x} {l} {o}", {n: null, b: true, x: 2.5, l: [1, "s"], o: {k: "v"}})',
            'null true 2.5 [1, "s"] {"k": "v"}',
        ),
        ('string.format("{{literal}} {{{v}}}", {v: 7})', "{literal} {7}"),
        ('string.format("}}{{", {})', "}{"),
        ('string.format("no fields", {})', "no fields"),
        ('string.format("", [])', ""),
        ('string.format("{first name}", {"first name": "Ada"})', "Ada"),
        ('string.format("{ x }", {" x ": 1})', "1"),
        ('string.format("{}", {"": "empty key"})', "empty key"),
        ('string.format("{a.b}", {"a.b": "dotted key"})', "dotted key"),
        ('string.format("{} + {} = {}", [2, 3, 5])', "2 + 3 = 5"),
        ('string.format("{1} {0} {1}", ["a", "b"])', "b a b"),
        ('string.format("User: {}, Age: {}", ["Alice", 30])', "User: Alice, Age: 30"),
        ('string.format("{é}", {"é": 1})', "1"),
        ('string.repeat("ha", 3)', "hahaha"),
        ('string.repeat("ha", 0)', ""),
        ('string.repeat("ha", -2)', ""),
        ('string.repeat("", 1000000)', ""),
        ('string.pad("ab", 6)', "  ab  "),
        ('string.pad("ab", 5, "*")', "*ab**"),
        ('string.pad("abc", 2)', "abc"),
        ('string.pad("x", 7, "-=")', "-=-x-=-"),
        ('string.padLeft("5", 3, "0")', "005"),
        ('string.padLeft("hello", 10)', "     hello"),
        ('string.padRight("5", 3, "0")', "500"),
        ('string.padRight("ab", 6, "xy")', "abxyxy"),
    ],
)
def test_results(expr: str, expected: Any) -> None:
    assert value(expr) == expected


# -- format-string attacks: fields are keys, nothing else ----------------------------------


@pytest.mark.parametrize(
    ("template", "values"),
    [
        ("{a.__class__}", {"a": 1}),
        ("{a.__class__.__mro__}", {"a": "x"}),
        ("{0.__class__}", ["x"]),
        ("{0[0]}", [["secret"]]),
        ("{a[0]}", {"a": ["secret"]}),
        ("{a!r}", {"a": "x"}),
        ("{a:>1000000000}", {"a": "x"}),
        ("{0:{1}}", ["x", ">99"]),
        ("{__globals__}", {}),
        ("{__import__}", {}),
        ("{self}", {}),
    ],
)
def test_format_string_attacks_are_errors(template: str, values: Any) -> None:
    r = failure("result = string.format(t, v);", {"t": template, "v": values})
    assert r.error_type in ("KeyError", "ValueError"), r.error  # a missing key, or "{" not closed
    assert (r.error_line, r.error_column) == (2, 10)


def test_a_key_that_looks_like_an_attack_is_just_a_key() -> None:
    assert value("string.format(t, v)", {"t": "{a.__class__}", "v": {"a.__class__": "ok"}}) == "ok"
    assert value("string.format(t, v)", {"t": "{0[0]}", "v": {"0[0]": "fine"}}) == "fine"


def test_format_never_uses_python_formatting() -> None:
    source = Path(string_module.__file__).read_text(encoding="utf-8")
    assert ".format(" not in source.replace("string.format(", "") and "format_map" not in source


@pytest.mark.parametrize(
    ("code", "error_type", "fragment"),
    [
        ('x = string.format("{missing}", {a: 1});', "KeyError", 'string.format: key "missing" not found'),
        ('x = string.format("{", {});', "ValueError", "'{' at position 0 is not closed"),
        ('x = string.format("a {b", {b: 1});', "ValueError", "not closed"),
        ('x = string.format("{a{b}}", {});', "ValueError", "not closed"),
        ('x = string.format("}", {});', "ValueError", "single '}'"),
        ('x = string.format("{2}", [1]);', "IndexError", "index 2 out of range"),
        ('x = string.format("{} {}", [1]);', "IndexError", "out of range"),
        ('x = string.format("{x}", [1]);', "KeyError", "is not an index"),
        ('x = string.format("{-1}", [1]);', "KeyError", "is not an index"),
        (
            'x = string.format("{}", "abc");',
            "TypeError",
            "the values must be an object or an array, got string",
        ),
        ("x = string.format(5, {});", "TypeError", "template string"),
        ('x = string.format("a");', "TypeError", "string.format() takes 2 arguments but 1 was given"),
        ('x = string.repeat("a", 1.5);', "TypeError", "integer"),
        ('x = string.pad("a", 5, "");', "ValueError", "fill string cannot be empty"),
        ("x = string.padLeft(5, 5);", "TypeError", "expects a string, got number"),
    ],
)
def test_errors(code: str, error_type: str, fragment: str) -> None:
    r = failure(code)
    assert r.error_type == error_type, r.error
    assert fragment in (r.error or "")
    assert (r.error_line, r.error_column) == (2, 5)


def test_missing_key_is_catchable() -> None:
    code = 'import string;\ntry { s = string.format("{x}", {}); } except (e) { result = e.type; }'
    assert mlpy.run(code).value == "KeyError"


# -- limits --------------------------------------------------------------------------------


def test_sizes_are_checked_before_building() -> None:
    start = time.perf_counter()
    r = failure('x = string.repeat("ab", 1000000000000);')
    assert r.error_type == "LimitError" and "max_string" in (r.error or "")
    r = failure('x = string.pad("a", 1000000000000);')
    assert r.error_type == "LimitError"
    r = failure('x = string.padLeft("a", 1000000000000, "xy");')
    assert r.error_type == "LimitError"
    assert time.perf_counter() - start < 1.0


def test_format_output_is_capped() -> None:
    r = failure(
        "x = string.format(t, {a: s});", {"t": "{a}" * 200, "s": "x" * 100}, limits=Limits(max_string=10_000)
    )
    assert r.error_type == "LimitError" and "max_string" in (r.error or "")


def test_format_is_linear_in_the_template() -> None:
    start = time.perf_counter()
    assert value("len(string.format(t, {}))", {"t": "{{" * 200_000}) == 200_000
    failure("x = string.format(t, {});", {"t": "}}" * 200_000 + "{"})
    assert time.perf_counter() - start < 2.0
