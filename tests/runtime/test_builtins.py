"""§5.1 builtins: the exact table, each function, its errors and its limits."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any, ClassVar

import pytest

from mlpy.errors import MLError, MLLimitError, MLTypeError, MLValueError
from mlpy.runtime.builtins import BUILTINS
from mlpy.runtime.member import MLIterator
from mlpy.runtime.state import CallState
from mlpy.runtime.values import BoundMethod, Builtin, Opaque
from tests.runtime.helpers import ml_function

SPEC_BUILTINS = (
    "print str int float bool typeof isinstance len range enumerate zip reversed sorted keys "
    "values abs min max round sum all any chr ord hex bin oct repr format callable iter next "
    "getattr hasattr call progress"
)


def b(name: str, *args: Any) -> Any:
    """Call builtin ``name`` as ML does."""
    return BUILTINS[name](*args)


class Point(Opaque):
    __slots__ = ("x",)
    type_name: ClassVar[str] = "point"
    ml_methods: ClassVar[dict[str, Callable[..., Any]]] = {"norm": lambda p: abs(p.x)}

    def __init__(self, x: int) -> None:
        self.x = x


DOUBLE = ml_function("def double(x):\n    return x * 2\n", "double")
UPPER = BoundMethod(str.upper, "abc", "upper")


def test_s5_1_builtins_are_exactly_the_spec_list() -> None:
    assert set(BUILTINS) == set(SPEC_BUILTINS.split())
    assert len(BUILTINS) == len(SPEC_BUILTINS.split())


@pytest.mark.parametrize(
    "name",
    [
        "input",
        "eval",
        "exec",
        "open",
        "compile",
        "globals",
        "locals",
        "vars",
        "dir",
        "type",
        "__import__",
        "getattribute",
        "setattr",
        "delattr",
        "object",
        "list",
        "dict",
        "help",
    ],
)
def test_s5_1_python_builtins_do_not_exist(name: str) -> None:
    assert name not in BUILTINS


def test_s5_1_every_builtin_is_a_named_builtin() -> None:
    for name, fn in BUILTINS.items():
        assert type(fn) is Builtin and fn.name == name


RESULTS = [
    ("str", (), ""),
    ("str", (None,), "null"),
    ("str", (True,), "true"),
    ("str", ([1, "a"],), '[1, "a"]'),
    ("str", (2.0,), "2.0"),
    ("int", ("3.9",), 3),
    ("int", ("-3.9",), -3),
    ("int", (-3.9,), -3),
    ("int", (3.9,), 3),
    ("int", ("  42  ",), 42),
    ("int", ("+7",), 7),
    ("int", ("1_000",), 1000),
    ("int", ("1e3",), 1000),
    ("int", ("12345678901234567890.9",), 12345678901234567890),
    ("int", (True,), 1),
    ("int", (10**30,), 10**30),
    ("int", ("ff", 16), 255),
    ("int", ("0x1F", 0), 31),
    ("int", ("101", 2), 5),
    ("float", ("1.5",), 1.5),
    ("float", (" 2 ",), 2.0),
    ("float", (3,), 3.0),
    ("float", (True,), 1.0),
    ("float", (), 0.0),
    ("bool", (0,), False),
    ("bool", ([],), False),
    ("bool", ({},), False),
    ("bool", ("",), False),
    ("bool", (None,), False),
    ("bool", ("0",), True),
    ("bool", ([0],), True),
    ("bool", (), False),
    ("typeof", (None,), "null"),
    ("typeof", (True,), "boolean"),
    ("typeof", (1,), "number"),
    ("typeof", (1.5,), "number"),
    ("typeof", ("",), "string"),
    ("typeof", ([],), "array"),
    ("typeof", ({},), "object"),
    ("typeof", (DOUBLE,), "function"),
    ("typeof", (UPPER,), "function"),
    ("typeof", (Point(1),), "point"),
    ("isinstance", (1, "number"), True),
    ("isinstance", (True, "number"), False),
    ("isinstance", ([], "array"), True),
    ("isinstance", (Point(1), "point"), True),
    ("len", ("héllo",), 5),
    ("len", ("😀",), 1),
    ("len", ([1, 2],), 2),
    ("len", ({"a": 1},), 1),
    ("len", (range(10**30),), 10**30),
    ("enumerate", (["a", "b"],), [[0, "a"], [1, "b"]]),
    ("enumerate", ("ab", 1), [[1, "a"], [2, "b"]]),
    ("enumerate", ({"k": 0},), [[0, "k"]]),
    ("enumerate", (range(2),), [[0, 0], [1, 1]]),
    ("zip", ([1, 2], [3, 4, 5]), [[1, 3], [2, 4]]),
    ("zip", ([1, 2], "ab", range(10)), [[1, "a", 0], [2, "b", 1]]),
    ("zip", (range(10**30), [7]), [[0, 7]]),
    ("zip", (), []),
    ("reversed", ([1, 2, 3],), [3, 2, 1]),
    ("reversed", ("abc",), ["c", "b", "a"]),
    ("reversed", (range(3),), [2, 1, 0]),
    ("reversed", ({"a": 1, "b": 2},), ["b", "a"]),
    ("sorted", ([3, 1, 2],), [1, 2, 3]),
    ("sorted", ([3, 1, 2], True), [3, 2, 1]),
    ("sorted", ("cba",), ["a", "b", "c"]),
    ("sorted", ({"b": 1, "a": 2},), ["a", "b"]),
    ("sorted", ([[2], [1, 1]],), [[1, 1], [2]]),
    ("keys", ({"a": 1, "b": 2},), ["a", "b"]),
    ("values", ({"a": 1, "b": 2},), [1, 2]),
    ("abs", (-3,), 3),
    ("abs", (-2.5,), 2.5),
    ("abs", (True,), 1),
    ("min", (3, 1, 2), 1),
    ("min", ([3, 1, 2],), 1),
    ("min", ([],), None),
    ("min", ("b", "a"), "a"),
    ("min", ([1, 0.5, True],), 0.5),
    ("min", (range(5, 0, -1),), 1),
    ("min", (range(0),), None),
    ("max", (3, 1, 2), 3),
    ("max", ([[1], [2]],), [2]),
    ("max", ([],), None),
    ("max", (range(10**30),), 10**30 - 1),
    ("max", (range(10, 0, -3),), 10),
    ("round", (2.5,), 2),
    ("round", (3.5,), 4),
    ("round", (-2.5,), -2),
    ("round", (2.675, 2), 2.67),
    ("round", (1234, -2), 1200.0),
    ("round", (5, -(10**9)), 0.0),
    ("round", (7,), 7),
    ("round", (True,), 1),
    ("round", (1.5, None), 2),
    ("sum", ([1, 2, 3],), 6),
    ("sum", ([1, 2.5, True],), 4.5),
    ("sum", ([], 5), 5),
    ("sum", (range(101),), 5050),
    ("sum", (range(10, 0, -3), 1), 23),
    ("sum", (range(10**12),), (10**12 - 1) * 10**12 // 2),
    ("all", ([],), True),
    ("all", ([1, "x", [0]],), True),
    ("all", ([1, 0],), False),
    ("all", (range(1, 10**15),), True),
    ("all", (range(0, 5),), False),
    ("any", ([0, "", None, [], {}],), False),
    ("any", ([0, "x"],), True),
    ("any", (range(0),), False),
    ("any", (range(1),), False),
    ("any", (range(-1, 0),), True),
    ("any", (range(10**30),), True),
    ("any", ("ab",), True),
    ("chr", (65,), "A"),
    ("chr", (0x1F600,), "😀"),
    ("ord", ("A",), 65),
    ("ord", ("é",), 233),
    ("hex", (255,), "0xff"),
    ("hex", (-1,), "-0x1"),
    ("bin", (5,), "0b101"),
    ("oct", (8,), "0o10"),
    ("repr", ("a",), '"a"'),
    ("repr", ([1, "b"],), '[1, "b"]'),
    ("callable", (DOUBLE,), True),
    ("callable", (UPPER,), True),
    ("callable", (BUILTINS["len"],), True),
    ("callable", (5,), False),
    ("callable", (lambda: 1,), False),
    ("callable", ({"a": 1},), False),
    ("call", (BUILTINS["abs"], -2), 2),
    ("call", (DOUBLE, 21), 42),
    ("call", (UPPER,), "ABC"),
]


@pytest.mark.parametrize(
    ("name", "args", "result"), RESULTS, ids=[f"{n}{a!r}" for n, a, _ in RESULTS]
)
def test_s5_1_results(name: str, args: tuple[Any, ...], result: Any) -> None:
    got = b(name, *args)
    assert got == result
    assert type(got) is type(result)


def test_s5_1_range_is_lazy_and_checks_its_arguments() -> None:
    r = b("range", 10**30)
    assert type(r) is range and r[5] == 5
    assert list(b("range", 1, 10, 3)) == [1, 4, 7]
    assert list(b("range", 5, 0, -2)) == [5, 3, 1]
    assert list(b("range", True)) == [0]


def test_s5_1_new_arrays_do_not_alias_their_input() -> None:
    arr = [3, 1, 2]
    for name in ("sorted", "reversed"):
        out = b(name, arr)
        out.append(9)
    assert arr == [3, 1, 2]


def test_s5_1_print_writes_values_joined_by_spaces(state: CallState) -> None:
    assert b("print", "a", 1, True, None, [1, "x"], 2.0) is None
    b("print")
    assert state.stdout() == 'a 1 true null [1, "x"] 2.0\n\n'


def test_s8_print_is_capped_by_max_output(limits: Callable[..., CallState]) -> None:
    call = limits(max_output=10)
    b("print", "12345")
    with pytest.raises(MLLimitError) as info:
        b("print", "67890")
    assert info.value.limit == "max_output"
    assert call.stdout() == "12345\n6789"


FORMATS = [
    (3.14159, ".2f", "3.14"),
    (42, "05d", "00042"),
    (42, "", "42"),
    (1234567, ",", "1,234,567"),
    (1234567.891, ",.1f", "1,234,567.9"),
    ("ab", ">5", "   ab"),
    ("ab", "*^6", "**ab**"),
    ("ab", "{<4", "ab{{"),
    ("abcdef", ".2", "ab"),
    (0.5, ".1%", "50.0%"),
    (255, "x", "ff"),
    (255, "#X", "0XFF"),
    (255, "b", "11111111"),
    (-3, "+d", "-3"),
    (3, "+d", "+3"),
    (1e10, "e", "1.000000e+10"),
    (True, "", "true"),
    (True, ">6", "  true"),
    (True, "d", "1"),
    (None, "", "null"),
    (None, ">5", " null"),
    ([1, 2], ">8", "  [1, 2]"),
    (1.5, "", "1.5"),
    (math.inf, "", "Infinity"),
    (65, "c", "A"),
]


@pytest.mark.parametrize(
    ("value", "spec", "text"), FORMATS, ids=[f"{v!r}:{s}" for v, s, _ in FORMATS]
)
def test_s5_1_format(value: Any, spec: str, text: str) -> None:
    assert b("format", value, spec) == text


def test_s5_1_format_without_spec_is_str() -> None:
    assert b("format", [1, "a"]) == '[1, "a"]'


@pytest.mark.parametrize(
    "spec",
    ["{0.__class__}", "{}", "%s", "0.__init__", "10s10", "<<<5", "d\n", ".f", "5.5.5", "!r"],
)
def test_s5_1_format_specs_are_validated_never_str_format(spec: str) -> None:
    with pytest.raises(MLValueError, match="invalid format spec"):
        b("format", 1, spec)


FORMAT_ERRORS = [
    ("abc", "d", MLValueError, 'format(): spec "d" does not apply to a string'),
    ("abc", "+", MLValueError, 'format(): spec "+" does not apply to a string'),
    (1.5, "x", MLValueError, 'format(): spec "x" does not apply to a number'),
    ([1], "d", MLValueError, 'format(): spec "d" does not apply to a array'),
    (10**400, "f", MLValueError, 'format(): spec "f" does not apply to a number'),
    (1, 5, MLTypeError, "format() expects a spec string, got number"),
]


@pytest.mark.parametrize(
    ("value", "spec", "error", "message"), FORMAT_ERRORS, ids=[m for *_, m in FORMAT_ERRORS]
)
def test_s5_1_format_errors(value: Any, spec: Any, error: type[MLError], message: str) -> None:
    with pytest.raises(error) as info:
        b("format", value, spec)
    assert info.value.message == message


def test_s8_format_width_and_precision_are_capped(limits: Callable[..., CallState]) -> None:
    limits(max_string=100)
    assert len(b("format", 1, "100")) == 100
    for spec in ("101", ".101f", "99999999999999999999999", ">2000000000"):
        with pytest.raises(MLLimitError) as info:
            b("format", 1.0, spec)
        assert info.value.limit == "max_string"


def test_s8_format_of_a_huge_int_is_a_limit_error() -> None:
    with pytest.raises(MLLimitError) as info:
        b("format", 10**5000, "d")
    assert info.value.limit == "max_int_digits"
    assert b("format", 2**5000, "x") == "1" + "0" * 1250


def test_s5_1_iter_and_next() -> None:
    it = b("iter", [1, 2])
    assert type(it) is MLIterator and b("typeof", it) == "iterator"
    assert b("iter", it) is it
    assert b("str", it) == "<iterator>"
    assert b("next", it) == 1 and b("next", it) == 2
    assert b("next", it, "done") == "done"
    with pytest.raises(MLValueError, match="exhausted"):
        b("next", it)
    keys = b("iter", {"a": 1, "b": 2})
    assert [b("next", keys), b("next", keys)] == ["a", "b"]
    assert b("next", b("iter", range(10**30))) == 0


GETATTRS = [
    ({"a": 1}, "a", (), 1),
    ({"a": 1}, "b", (), None),
    ({"a": 1}, "b", (7,), 7),
    ({"a": 1}, "length", (), 1),
    ({}, "__class__", ("no",), "no"),
    ("abc", "__class__", ("no",), "no"),
    ("abc", "length", (), 3),
    (5, "real", ("no",), "no"),
    ([], "__len__", (), None),
    (DOUBLE, "__globals__", ("no",), "no"),
    (BUILTINS["len"], "fn", ("no",), "no"),
    (Point(3), "x", ("no",), "no"),
    (Point(3), "__dict__", ("no",), "no"),
    (None, "x", (0,), 0),
]


@pytest.mark.parametrize(
    ("value", "name", "default", "result"),
    GETATTRS,
    ids=[f"{v!r}.{n}" for v, n, _, _ in GETATTRS],
)
def test_s5_1_getattr_follows_member_access_exactly(
    value: Any, name: str, default: tuple[Any, ...], result: Any
) -> None:
    assert b("getattr", value, name, *default) == result


def test_s5_1_getattr_returns_methods() -> None:
    assert b("getattr", "abc", "upper")() == "ABC"
    assert b("getattr", Point(-2), "norm")() == 2


HASATTRS = [
    ("abc", "upper", True),
    ("abc", "__class__", False),
    ({}, "keys", True),
    ({}, "missing", False),
    ({"x": None}, "x", True),
    (BUILTINS["len"], "__call__", False),
    (DOUBLE, "__code__", False),
    (Point(1), "norm", True),
    (Point(1), "x", False),
    (5, "bit_length", False),
]


@pytest.mark.parametrize(
    ("value", "name", "has"), HASATTRS, ids=[f"{v!r}.{n}" for v, n, _ in HASATTRS]
)
def test_s5_1_hasattr(value: Any, name: str, has: bool) -> None:
    assert b("hasattr", value, name) is has


ERRORS = [
    ("len", (), MLTypeError, "len() takes 1 argument but 0 were given"),
    ("len", ([], []), MLTypeError, "len() takes 1 argument but 2 were given"),
    ("len", (5,), MLTypeError, "len() expects a string, array, object or range, got number"),
    ("str", (1, 2), MLTypeError, "str() takes at most 1 argument but 2 were given"),
    ("int", ("x",), MLValueError, 'int() cannot convert "x" to an integer'),
    ("int", ("",), MLValueError, 'int() cannot convert "" to an integer'),
    ("int", ("1e400x",), MLValueError, 'int() cannot convert "1e400x" to an integer'),
    ("int", ("inf",), MLValueError, 'int() cannot convert "inf" to an integer'),
    ("int", (math.inf,), MLValueError, "int() cannot convert Infinity to an integer"),
    ("int", (math.nan,), MLValueError, "int() cannot convert NaN to an integer"),
    ("int", (None,), MLTypeError, "int() cannot convert null to an integer"),
    ("int", ([1],), MLTypeError, "int() cannot convert array to an integer"),
    ("int", ("z", 16), MLValueError, 'int() cannot convert "z" to an integer in base 16'),
    ("int", ("1", 99), MLValueError, "int() base must be 0 or an integer from 2 to 36"),
    ("int", (1, 10), MLTypeError, "int() with a base expects a string, got number"),
    ("float", ("x",), MLValueError, 'float() cannot convert "x" to a number'),
    ("float", (None,), MLTypeError, "float() cannot convert null to a number"),
    ("float", (10**400,), MLValueError, "float() cannot convert an integer this large"),
    ("isinstance", (1, 5), MLTypeError, "isinstance() expects a type name string, got number"),
    ("range", (), MLTypeError, "range() takes 1 to 3 arguments but 0 were given"),
    ("range", (1, 2, 3, 4), MLTypeError, "range() takes 1 to 3 arguments but 4 were given"),
    ("range", (1.5,), MLTypeError, "range() expects an integer, got number"),
    ("range", (1, 5, 0), MLValueError, "range() step cannot be zero"),
    (
        "enumerate",
        (5,),
        MLTypeError,
        "enumerate() expects an array, string, object or range, got number",
    ),
    ("enumerate", ([], "1"), MLTypeError, "enumerate() expects an integer, got string"),
    ("zip", ([1], 2), MLTypeError, "zip() expects an array, string, object or range, got number"),
    ("sorted", ([1, "a"],), MLTypeError, "cannot compare string and number"),
    (
        "sorted",
        (None,),
        MLTypeError,
        "sorted() expects an array, string, object or range, got null",
    ),
    ("keys", ([1],), MLTypeError, "keys() expects an object, got array"),
    ("values", ("s",), MLTypeError, "values() expects an object, got string"),
    ("abs", ("x",), MLTypeError, "abs() expects a number, got string"),
    ("min", (), MLTypeError, "min() takes at least 1 argument but 0 were given"),
    ("progress", (101,), MLValueError, "progress() percent must be from 0 to 100, got 101"),
    ("progress", (-0.5,), MLValueError, "progress() percent must be from 0 to 100, got -0.5"),
    ("progress", (math.nan,), MLValueError, "progress() percent must be from 0 to 100, got NaN"),
    (
        "progress",
        (10**100,),
        MLValueError,
        "progress() percent must be from 0 to 100, got a very large integer",
    ),
    ("progress", (True,), MLTypeError, "progress() expects a number percent, got boolean"),
    ("progress", ("50",), MLTypeError, "progress() expects a number percent, got string"),
    ("progress", (50, 1), MLTypeError, "progress() expects a string message or null, got number"),
    ("progress", (), MLTypeError, "progress() takes 1 to 2 arguments but 0 were given"),
    ("max", (1, "a"), MLTypeError, "cannot compare string and number"),
    ("round", ("1",), MLTypeError, "round() expects a number, got string"),
    ("round", (1.5, 1.5), MLTypeError, "round() expects an integer, got number"),
    ("round", (math.inf,), MLValueError, "round() cannot round Infinity to an integer"),
    ("round", (10**400, 2), MLValueError, "round(): the result is too large for a float"),
    ("sum", (["a"],), MLTypeError, "sum() can only add numbers, got string"),
    ("sum", ("ab",), MLTypeError, "sum() expects an array or range, got string"),
    ("sum", ([1], "x"), MLTypeError, "sum() expects a number, got string"),
    ("all", (5,), MLTypeError, "all() expects an array, string, object or range, got number"),
    ("chr", (-1,), MLValueError, "chr() argument must be between 0 and 1114111"),
    ("chr", (0x110000,), MLValueError, "chr() argument must be between 0 and 1114111"),
    ("chr", ("A",), MLTypeError, "chr() expects an integer, got string"),
    ("ord", ("ab",), MLTypeError, "ord() expects a string of one character, got string"),
    ("ord", (65,), MLTypeError, "ord() expects a string of one character, got number"),
    ("hex", (1.5,), MLTypeError, "hex() expects an integer, got number"),
    ("next", ([1],), MLTypeError, "next() expects an iterator from iter(), got array"),
    ("iter", (5,), MLTypeError, "cannot iterate over number"),
    ("getattr", ({}, 5), MLTypeError, "getattr() expects a member name string, got number"),
    ("hasattr", ({}, None), MLTypeError, "hasattr() expects a member name string, got null"),
    ("getattr", ({},), MLTypeError, "getattr() takes 2 to 3 arguments but 1 was given"),
    ("call", (), MLTypeError, "call() takes at least 1 argument but 0 were given"),
    ("call", (5,), MLTypeError, "number is not callable"),
    ("call", (DOUBLE,), MLTypeError, "double() takes 1 argument but 0 were given"),
    ("typeof", (), MLTypeError, "typeof() takes 1 argument but 0 were given"),
]


@pytest.mark.parametrize(
    ("name", "args", "error", "message"), ERRORS, ids=[f"{n}{a!r}" for n, a, _, _ in ERRORS]
)
def test_s5_1_errors(name: str, args: tuple[Any, ...], error: type[MLError], message: str) -> None:
    with pytest.raises(error) as info:
        b(name, *args)
    assert info.value.message == message


ODD_ARGS: list[tuple[Any, ...]] = [
    (),
    (None,),
    (1,),
    (-1.5,),
    ("a",),
    ([1, "a"],),
    ({"k": 1},),
    (range(3),),
    (None, None),
    ("a", "b"),
    ([], 1, 2),
    (1, 2, 3, 4, 5),
]


@pytest.mark.parametrize("name", sorted(BUILTINS))
def test_s10_builtins_raise_only_ml_errors(name: str, state: CallState) -> None:
    """It never lets a raw Python exception (like "takes 1 positional argument") out."""
    leaks = []
    for args in ODD_ARGS:
        try:
            b(name, *args)
        except MLError:
            pass
        except Exception as exc:  # noqa: BLE001 - collected and reported below
            leaks.append((args, repr(exc)))
    assert leaks == []


def test_s8_int_text_digits_are_capped(limits: Callable[..., CallState]) -> None:
    for text in ("9" * 5000, "1e5000", "1" * 4301 + ".5"):
        with pytest.raises(MLLimitError) as info:
            b("int", text)
        assert info.value.limit == "max_int_digits"
    limits(max_int_digits=6000)
    assert b("int", "9" * 5000) == 10**5000 - 1
    assert b("int", "1e5000") == 10**5000


def test_s8_materialising_a_range_is_capped(limits: Callable[..., CallState]) -> None:
    limits(max_array=100)
    assert len(b("sorted", range(100))) == 100
    for name in ("sorted", "reversed", "enumerate"):
        with pytest.raises(MLLimitError) as info:
            b(name, range(101))
        assert info.value.limit == "max_array"
    started = time.perf_counter()
    with pytest.raises(MLLimitError):
        b("sorted", range(10**30))
    assert time.perf_counter() - started < 0.5


def test_s8_zip_result_is_capped(limits: Callable[..., CallState]) -> None:
    limits(max_array=5000)
    assert len(b("zip", range(5000), range(10**30))) == 5000
    with pytest.raises(MLLimitError):
        b("zip", range(5001), range(10**30))


def test_s8_hex_of_a_huge_int_is_capped(limits: Callable[..., CallState]) -> None:
    limits(max_string=5000)
    assert len(b("bin", 2**4000)) == 4003
    with pytest.raises(MLLimitError):
        b("bin", 2**6000)
