"""§5.3 formatting: `to_str`, `repr_value` and their limits."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, ClassVar

import pytest

from mlpy.errors import MLLimitError
from mlpy.runtime.format import float_to_str, int_to_str, quote, quote_brief, repr_value, to_str
from mlpy.runtime.state import CallState
from mlpy.runtime.values import BoundMethod, Builtin, Opaque
from tests.runtime.helpers import dag, deep_list, ml_function


class Point(Opaque):
    """A stand-in for a module's opaque value."""

    __slots__ = ("x",)
    type_name: ClassVar[str] = "point"

    def __init__(self, x: int) -> None:
        self.x = x

    def ml_str(self) -> str:
        return f"Point({self.x})"


SCALARS = [
    (None, "null"),
    (True, "true"),
    (False, "false"),
    (0, "0"),
    (-42, "-42"),
    (2**100, "1267650600228229401496703205376"),
    (3.0, "3.0"),
    (0.1, "0.1"),
    (-2.5, "-2.5"),
    (1e16, "1e+16"),
    (1.5e-7, "1.5e-07"),
    (math.inf, "Infinity"),
    (-math.inf, "-Infinity"),
    (math.nan, "NaN"),
    ("abc", "abc"),
    ("", ""),
    ('say "hi"', 'say "hi"'),
    ("héllo 日本", "héllo 日本"),
    (range(5), "range(0, 5)"),
    (range(2, 10, 3), "range(2, 10, 3)"),
    (range(5, 0, -1), "range(5, 0, -1)"),
]


@pytest.mark.parametrize(("value", "text"), SCALARS, ids=[repr(v) for v, _ in SCALARS])
def test_s5_3_scalars(value: Any, text: str) -> None:
    assert to_str(value) == text


CONTAINERS = [
    ([1, "a", True, None], '[1, "a", true, null]'),
    ({"a": 1, "b": [2]}, '{"a": 1, "b": [2]}'),
    ([], "[]"),
    ({}, "{}"),
    ([[]], "[[]]"),
    ([{}], "[{}]"),
    ([1.0, 0.1, math.inf, math.nan], "[1.0, 0.1, Infinity, NaN]"),
    (['say "hi"\n', "back\\slash", "tab\t"], r'["say \"hi\"\n", "back\\slash", "tab\t"]'),
    (["é", "日本", "😀"], '["é", "日本", "😀"]'),
    ({'k"ey': "v", "é": 1}, '{"k\\"ey": "v", "é": 1}'),
    ({"first name": "Ada", "if": 1}, '{"first name": "Ada", "if": 1}'),
    ([range(3)], "[range(0, 3)]"),
    ([[1, [2, [3]]], {"x": {"y": {}}}], '[[1, [2, [3]]], {"x": {"y": {}}}]'),
    ([Point(3)], "[Point(3)]"),
]


@pytest.mark.parametrize(("value", "text"), CONTAINERS, ids=[t for _, t in CONTAINERS])
def test_s5_3_containers(value: Any, text: str) -> None:
    assert to_str(value) == text


def test_s5_3_functions() -> None:
    double = ml_function("def double(x):\n    return x * 2\n", "double")
    keyword = ml_function("def __ml_k_class(x):\n    return x\n", "__ml_k_class")
    arrow = ml_function("def __ml_arrow1(x):\n    return x\n", "__ml_arrow1")
    builtin = Builtin(len, "len")
    method = BoundMethod(str.upper, "abc", "upper")
    assert to_str(double) == "<function double>"
    assert to_str(keyword) == "<function class>"
    assert to_str(arrow) == "<anonymous function>"
    assert to_str(builtin) == "<function len>"
    assert to_str([method]) == "[<function upper>]"


def test_s5_3_opaque_uses_ml_str() -> None:
    assert to_str(Point(7)) == "Point(7)"
    assert repr_value(Point(7)) == "Point(7)"


def test_s5_3_a_python_value_of_no_ml_type_is_not_shown_by_python_repr() -> None:
    assert to_str(object()) == "<unknown>"
    assert to_str([{1, 2}]) == "[<unknown>]"


REPRS = [
    ("abc", '"abc"'),
    ('a "q"', '"a \\"q\\""'),
    ("é\n", '"é\\n"'),
    (1, "1"),
    (None, "null"),
    (["a"], '["a"]'),
]


@pytest.mark.parametrize(("value", "text"), REPRS, ids=[t for _, t in REPRS])
def test_s5_1_repr_quotes_top_level_strings(value: Any, text: str) -> None:
    assert repr_value(value) == text


def test_s5_3_self_reference_prints_like_python() -> None:
    a: list[Any] = [1]
    a.append(a)
    d: dict[str, Any] = {"n": 1}
    d["self"] = d
    assert to_str(a) == "[1, [...]]"
    assert to_str(d) == '{"n": 1, "self": {...}}'


def test_s5_3_mutual_references_print_each_once() -> None:
    a: list[Any] = []
    b: list[Any] = [a]
    a.append(b)
    assert to_str(a) == "[[[...]]]"
    assert to_str([a, b]) == "[[[[...]]], [[[...]]]]"


def test_s5_3_shared_values_print_in_full() -> None:
    shared = [1, {"k": "v"}]
    assert to_str([shared, shared]) == '[[1, {"k": "v"}], [1, {"k": "v"}]]'
    assert to_str(dag(3)) == "[[[[], []], [[], []]], [[[], []], [[], []]]]"


def test_s8_dag_doubled_40_times_stops_at_max_string(limits: Callable[..., CallState]) -> None:
    limits(max_string=100_000)
    with pytest.raises(MLLimitError) as info:
        to_str(dag(40))
    assert info.value.limit == "max_string"


def test_s8_format_length_is_capped_exactly(limits: Callable[..., CallState]) -> None:
    limits(max_string=100)
    assert len(to_str(["a" * 46, "b" * 46])) == 100
    with pytest.raises(MLLimitError, match="max_string=100") as info:
        to_str(["a" * 47, "b" * 46])
    assert info.value.limit == "max_string"


def test_s8_format_depth_is_capped(limits: Callable[..., CallState]) -> None:
    limits(max_nesting=5)
    assert to_str(deep_list(5)) == "[[[[[]]]]]"
    with pytest.raises(MLLimitError) as info:
        to_str(deep_list(6))
    assert info.value.limit == "max_nesting"


def test_s8_very_deep_values_never_hit_python_recursion(limits: Callable[..., CallState]) -> None:
    limits(max_nesting=100_000)
    assert to_str(deep_list(5000)) == "[" * 5000 + "]" * 5000


def test_s8_format_visits_are_capped(limits: Callable[..., CallState]) -> None:
    limits(max_visit=10)
    assert to_str(list(range(9))) == "[0, 1, 2, 3, 4, 5, 6, 7, 8]"
    with pytest.raises(MLLimitError) as info:
        to_str(list(range(20)))
    assert info.value.limit == "max_visit"


def test_s8_int_digits_are_capped(limits: Callable[..., CallState]) -> None:
    limits(max_int_digits=50)
    assert to_str(10**49) == "1" + "0" * 49
    assert to_str(-(10**50 - 1)) == "-" + "9" * 50
    with pytest.raises(MLLimitError) as info:
        to_str(10**50)
    assert info.value.limit == "max_int_digits"
    with pytest.raises(MLLimitError):
        to_str([-(10**60)])


def test_s8_int_over_default_digits_is_a_limit_error_not_value_error() -> None:
    with pytest.raises(MLLimitError) as info:
        to_str(10**4300)
    assert info.value.limit == "max_int_digits"


def test_s8_int_beyond_pythons_own_digit_limit_when_allowed(
    limits: Callable[..., CallState],
) -> None:
    limits(max_int_digits=20_000)
    assert to_str(10**9000) == "1" + "0" * 9000
    assert int_to_str(-(7 * 10**12000 + 3)) == "-7" + "0" * 11999 + "3"


def test_s5_3_helpers() -> None:
    assert float_to_str(2.0) == "2.0"
    assert float_to_str(-math.inf) == "-Infinity"
    assert quote('a"b') == '"a\\"b"'
    assert quote_brief("x" * 100) == '"' + "x" * 60 + '"...'
    assert quote_brief("short") == '"short"'
