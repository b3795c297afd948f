"""§3.3-§3.5 and §8: the operator guards `add mul mod eq ne lt le gt ge`."""

from __future__ import annotations

import math
import operator
import time
from collections.abc import Callable
from typing import Any

import pytest

from mlpy.errors import MLLimitError, MLTypeError, MLValueError, MLZeroDivisionError
from mlpy.runtime import operators as ops
from mlpy.runtime.state import CallState
from mlpy.runtime.values import BoundMethod, Builtin
from tests.runtime.helpers import dag, deep_list

NAN = math.nan

# -- + ---------------------------------------------------------------------------------------

ADDS = [
    (1, 2, 3),
    (1.5, 2, 3.5),
    (2, 0.5, 2.5),
    (1.5, 2.25, 3.75),
    (True, 1, 2),
    (True, True, 2),
    (10**30, 1, 10**30 + 1),
    ("a", "b", "ab"),
    ("n=", 1, "n=1"),
    ("ok: ", True, "ok: true"),
    (1, "x", "1x"),
    ("x", None, "xnull"),
    ("x", 1.0, "x1.0"),
    ("l=", [1, "a"], 'l=[1, "a"]'),
    ({"a": 1}, "!", '{"a": 1}!'),
    ("", "", ""),
    ([1], [2, 3], [1, 2, 3]),
    ([], [], []),
]


@pytest.mark.parametrize(("a", "b", "result"), ADDS, ids=[f"{a!r}+{b!r}" for a, b, _ in ADDS])
def test_s3_4_add(a: Any, b: Any, result: Any) -> None:
    got = ops.add(a, b)
    assert got == result
    assert type(got) is type(result)


def test_s3_4_add_string_and_number() -> None:
    assert ops.add("total: ", 2.5) == "total: 2.5"
    assert ops.add(3, " items") == "3 items"


def test_s3_4_add_arrays_makes_a_new_array() -> None:
    a, b = [1], [2]
    c = ops.add(a, b)
    c.append(3)
    assert (a, b, c) == ([1], [2], [1, 2, 3])
    assert ops.add(a, []) is not a


ADD_ERRORS = [
    (1, [], "cannot add number and array"),
    ([], 1, "cannot add array and number"),
    (None, 1, "cannot add null and number"),
    ([], {}, "cannot add array and object"),
    ({}, {}, "cannot add object and object"),
    (True, None, "cannot add boolean and null"),
    (range(2), range(2), "cannot add range and range"),
    (Builtin(len, "len"), 1, "cannot add function and number"),
]


@pytest.mark.parametrize(("a", "b", "message"), ADD_ERRORS, ids=[m for _, _, m in ADD_ERRORS])
def test_s3_4_add_other_mixes_are_type_errors(a: Any, b: Any, message: str) -> None:
    with pytest.raises(MLTypeError) as info:
        ops.add(a, b)
    assert info.value.message == message


def test_s3_4_add_float_and_huge_int_is_a_value_error() -> None:
    with pytest.raises(MLValueError, match="too large"):
        ops.add(1.5, 10**400)


def test_s8_add_string_length_is_capped(limits: Callable[..., CallState]) -> None:
    limits(max_string=5000)
    assert len(ops.add("a" * 3000, "b" * 2000)) == 5000
    with pytest.raises(MLLimitError, match="max_string=5000") as info:
        ops.add("a" * 3000, "b" * 2001)
    assert info.value.limit == "max_string"
    with pytest.raises(MLLimitError):
        ops.add("a" * 5000, 1)
    with pytest.raises(MLLimitError):
        ops.add(["x" * 2000] * 2, "y" * 2000)


def test_s8_add_array_length_is_capped(limits: Callable[..., CallState]) -> None:
    limits(max_array=5000)
    assert len(ops.add([0] * 2500, [0] * 2500)) == 5000
    with pytest.raises(MLLimitError) as info:
        ops.add([0] * 2500, [0] * 2501)
    assert info.value.limit == "max_array"


# -- * ---------------------------------------------------------------------------------------

MULS = [
    (3, 4, 12),
    (2.5, 2, 5.0),
    (2, 2.5, 5.0),
    (True, 3, 3),
    (False, 3.5, 0.0),
    (3, "ab", "ababab"),
    ("ab", 3, "ababab"),
    (0, "ab", ""),
    ("ab", -5, ""),
    ([1, 2], 2, [1, 2, 1, 2]),
    (2, [0], [0, 0]),
    ([1], 0, []),
    ([1], -1, []),
    (True, "ab", "ab"),
    ("ab", False, ""),
    ("", 10**30, ""),
    ([], 10**30, []),
]


@pytest.mark.parametrize(("a", "b", "result"), MULS, ids=[f"{a!r}*{b!r}" for a, b, _ in MULS])
def test_s3_4_mul(a: Any, b: Any, result: Any) -> None:
    got = ops.mul(a, b)
    assert got == result
    assert type(got) is type(result)


def test_s3_4_mul_array_makes_a_new_array() -> None:
    a = [1]
    assert ops.mul(a, 1) is not a
    assert ops.mul(a, 0) is not a


MUL_ERRORS = [
    ("ab", 2.0, "cannot multiply string and number: the count must be an integer"),
    (1.5, [1], "cannot multiply array and number: the count must be an integer"),
    ("a", "b", "cannot multiply string and string: the count must be an integer"),
    ([1], [2], "cannot multiply array and array: the count must be an integer"),
    (None, 2, "cannot multiply null and number"),
    ({}, 2, "cannot multiply object and number"),
    (2, None, "cannot multiply number and null"),
]


@pytest.mark.parametrize(("a", "b", "message"), MUL_ERRORS, ids=[m for _, _, m in MUL_ERRORS])
def test_s3_4_mul_other_mixes_are_type_errors(a: Any, b: Any, message: str) -> None:
    with pytest.raises(MLTypeError) as info:
        ops.mul(a, b)
    assert info.value.message == message


def test_s8_mul_repetition_is_capped_before_allocating(limits: Callable[..., CallState]) -> None:
    limits(max_string=5000, max_array=5000)
    assert len(ops.mul("ab", 2500)) == 5000
    with pytest.raises(MLLimitError) as info:
        ops.mul("ab", 2501)
    assert info.value.limit == "max_string"
    with pytest.raises(MLLimitError) as info:
        ops.mul(5001, [None])
    assert info.value.limit == "max_array"
    with pytest.raises(MLLimitError):
        ops.mul("a", 10**30)  # would never fit in memory


def test_s8_mul_int_bits_are_capped_before_multiplying(limits: Callable[..., CallState]) -> None:
    limits(max_int_bits=5000)
    assert ops.mul(2**2000, 2**2000) == 2**4000
    with pytest.raises(MLLimitError) as info:
        ops.mul(2**3000, 2**3000)
    assert info.value.limit == "max_int_bits"
    with pytest.raises(MLLimitError):
        ops.mul(True, 2**6000)


# -- % ---------------------------------------------------------------------------------------

MODS = [
    (-7, 3, 2),
    (7, -3, -2),
    (7, 3, 1),
    (7.5, 2, 1.5),
    (-7.5, 2, 0.5),
    (True, 2, 1),
    (10, True, 0),
    (10**40 + 5, 10, 5),
]


@pytest.mark.parametrize(("a", "b", "result"), MODS, ids=[f"{a!r}%{b!r}" for a, b, _ in MODS])
def test_s3_3_mod_takes_the_sign_of_the_divisor(a: Any, b: Any, result: Any) -> None:
    assert ops.mod(a, b) == result


@pytest.mark.parametrize(("a", "b"), [(1, 0), (1.0, 0.0), (1, False), (1.5, 0), (0, -0.0)])
def test_s3_3_modulo_by_zero(a: Any, b: Any) -> None:
    with pytest.raises(MLZeroDivisionError) as info:
        ops.mod(a, b)
    assert info.value.message == "modulo by zero"


MOD_ERRORS = [
    ("%s", 1, "cannot take the modulo of string and number"),
    ("%d", [1], "cannot take the modulo of string and array"),
    ("%(x)s", {"x": 1}, "cannot take the modulo of string and object"),
    ([1], 2, "cannot take the modulo of array and number"),
    (None, 1, "cannot take the modulo of null and number"),
]


@pytest.mark.parametrize(("a", "b", "message"), MOD_ERRORS, ids=[m for _, _, m in MOD_ERRORS])
def test_s3_3_mod_never_formats_strings(a: Any, b: Any, message: str) -> None:
    with pytest.raises(MLTypeError) as info:
        ops.mod(a, b)
    assert info.value.message == message


# -- == != -----------------------------------------------------------------------------------

EQUALS: list[tuple[Any, Any, bool]] = [
    (1, 1.0, True),
    (1, "1", False),
    (None, False, False),
    (None, 0, False),
    (None, None, True),
    (True, 1, True),
    (False, 0, True),
    (True, 2, False),
    ("a", "a", True),
    ("a", "b", False),
    ("", [], False),
    ([1, {"a": 2}], [1, {"a": 2}], True),
    ({"a": 1, "b": 2}, {"b": 2, "a": 1}, True),
    ([1, 2], [2, 1], False),
    ([1], [1, 2], False),
    ({"a": 1}, {"a": 1, "b": 2}, False),
    ({"a": 1}, {"b": 1}, False),
    ({"a": 1}, {"a": 2}, False),
    ([1], {"0": 1}, False),
    ([], {}, False),
    ([[1]], [[1.0]], True),
    ([True, None], [1, None], True),
    ([None], [False], False),
    ([[1, [2]]], [[1, [3]]], False),
    ([{"a": []}], [{"a": {}}], False),
    (range(3), range(3), True),
    (range(0), range(5, 5), True),
    (range(3), [0, 1, 2], False),
    (NAN, NAN, False),
    (10**100, 10**100, True),
    (10**100, 1e100, False),
]


@pytest.mark.parametrize(("a", "b", "equal"), EQUALS, ids=[f"{a!r}=={b!r}" for a, b, _ in EQUALS])
def test_s3_5_equality(a: Any, b: Any, equal: bool) -> None:
    assert ops.eq(a, b) is equal
    assert ops.eq(b, a) is equal
    assert ops.ne(a, b) is (not equal)
    assert ops.ne(b, a) is (not equal)


def test_s3_5_functions_are_equal_only_to_themselves() -> None:
    f = Builtin(len, "len")
    g = Builtin(len, "len")
    assert ops.eq(f, f) and not ops.eq(f, g) and ops.ne(f, g)
    receiver = "abc"
    assert ops.eq(
        BoundMethod(str.upper, receiver, "upper"), BoundMethod(str.upper, receiver, "upper")
    )
    assert not ops.eq(
        BoundMethod(str.upper, receiver, "upper"), BoundMethod(str.upper, "x", "upper")
    )


def test_s3_5_equal_dags_compare_in_linear_time() -> None:
    started = time.perf_counter()
    assert ops.eq(dag(40), dag(40))
    assert not ops.ne(dag(40), dag(40))
    other = dag(39)
    assert not ops.eq(dag(40), [other, [other, [1]]])
    assert time.perf_counter() - started < 1.0


def test_s3_5_cyclic_values_stop_with_a_limit_error() -> None:
    a: list[Any] = [1]
    a.append(a)
    b: list[Any] = [1]
    b.append(b)
    assert ops.eq(a, a)
    with pytest.raises(MLLimitError) as info:
        ops.eq(a, b)
    assert info.value.limit == "max_nesting"


def test_s8_equality_depth_is_capped(limits: Callable[..., CallState]) -> None:
    limits(max_nesting=50)
    assert ops.eq(deep_list(50), deep_list(50))
    with pytest.raises(MLLimitError) as info:
        ops.eq(deep_list(51), deep_list(51))
    assert info.value.limit == "max_nesting"


def test_s8_equality_visits_are_capped(limits: Callable[..., CallState]) -> None:
    limits(max_visit=100)
    assert ops.eq([[0]] * 40, [[0]] * 40)  # identical inner arrays are not walked
    with pytest.raises(MLLimitError) as info:
        ops.eq([[i] for i in range(200)], [[i] for i in range(200)])
    assert info.value.limit == "max_visit"


# -- < <= > >= -------------------------------------------------------------------------------

ORDERS = [
    (1, 2, True),
    (2, 1, False),
    (1, 1, False),
    (1, 1.5, True),
    (False, 1, True),
    (True, 1, False),
    (True, 2.5, True),
    ("a", "b", True),
    ("b", "a", False),
    ("", "a", True),
    ("B", "a", True),
    ([1, 2], [1, 3], True),
    ([1], [1, 0], True),
    ([], [1], True),
    ([2], [1, 5], False),
    ([1, [2, 3]], [1, [2, 4]], True),
    ([1, "a"], [2, 0], True),
    (["a", 1], ["b", "x"], True),
    ([1.0], [1], False),
    (10**1000, 10**1001, True),
]


@pytest.mark.parametrize(("a", "b", "less"), ORDERS, ids=[f"{a!r}<{b!r}" for a, b, _ in ORDERS])
def test_s3_5_ordering(a: Any, b: Any, less: bool) -> None:
    equal = ops.eq(a, b)
    assert ops.lt(a, b) is less
    assert ops.le(a, b) is (less or equal)
    assert ops.gt(b, a) is less
    assert ops.ge(b, a) is (less or equal)


def test_s3_1_comparisons_do_not_chain() -> None:
    assert ops.lt(ops.lt(1, 2), 3)  # (1 < 2) < 3 is true < 3


def test_s3_5_nan_is_unordered() -> None:
    for compare in (ops.lt, ops.le, ops.gt, ops.ge):
        assert compare(NAN, 1) is False
        assert compare(1, NAN) is False


ORDER_ERRORS = [
    ("a", 1, "cannot compare string and number"),
    (1, "a", "cannot compare number and string"),
    (None, 1, "cannot compare null and number"),
    (None, None, "cannot compare null and null"),
    ([1], 1, "cannot compare array and number"),
    ({}, {}, "cannot compare object and object"),
    (True, "a", "cannot compare boolean and string"),
    ([1, "a"], [1, 2], "cannot compare string and number"),
    ([[1]], [["x"]], "cannot compare number and string"),
    (range(1), range(2), "cannot compare range and range"),
]


@pytest.mark.parametrize(("a", "b", "message"), ORDER_ERRORS, ids=[m for _, _, m in ORDER_ERRORS])
@pytest.mark.parametrize("compare", [ops.lt, ops.le, ops.gt, ops.ge], ids=["lt", "le", "gt", "ge"])
def test_s3_5_ordering_other_mixes_are_type_errors(
    compare: Callable[[Any, Any], bool], a: Any, b: Any, message: str
) -> None:
    with pytest.raises(MLTypeError) as info:
        compare(a, b)
    assert info.value.message == message


def test_s8_ordering_of_deep_arrays_is_capped(limits: Callable[..., CallState]) -> None:
    limits(max_nesting=30)
    assert ops.le(deep_list(30), deep_list(30))
    with pytest.raises(MLLimitError) as info:
        ops.lt(deep_list(40), deep_list(40))
    assert info.value.limit == "max_nesting"


def test_s8_ordering_of_dags_is_fast() -> None:
    started = time.perf_counter()
    assert ops.le(dag(40), dag(40)) and not ops.lt(dag(40), dag(40))
    assert time.perf_counter() - started < 1.0


# -- helpers ---------------------------------------------------------------------------------


def test_s3_5_booleans_are_numbers() -> None:
    assert ops.is_number(True) and ops.is_number(1.5) and ops.is_number(3)
    assert not ops.is_number("1") and not ops.is_number(None)


@pytest.mark.parametrize(
    ("check", "limit"),
    [
        (ops.check_string, "max_string"),
        (ops.check_array, "max_array"),
        (ops.check_int_bits, "max_int_bits"),
    ],
    ids=["string", "array", "int_bits"],
)
def test_s8_size_checks_are_exact(
    limits: Callable[..., CallState], check: Callable[[int], None], limit: str
) -> None:
    limits(**{limit: 10})
    check(10)
    with pytest.raises(MLLimitError) as info:
        check(11)
    assert info.value.limit == limit
    assert f"{limit}=10" in info.value.message


def test_guards_match_native_python_on_plain_numbers() -> None:
    samples = [-3, 0, 2, 7, -2.5, 0.5, 3.0]
    pairs = [(a, b) for a in samples for b in samples]
    for guard, native in [(ops.add, operator.add), (ops.mul, operator.mul)]:
        assert all(guard(a, b) == native(a, b) for a, b in pairs)
    assert all(ops.mod(a, b) == a % b for a, b in pairs if b)
