"""§5.2 methods: the allow-list tables and what each method does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mlpy.errors import (
    MLError,
    MLIndexError,
    MLKeyError,
    MLLimitError,
    MLTypeError,
    MLValueError,
)
from mlpy.runtime.methods import (
    ARRAY_METHODS,
    OBJECT_METHODS,
    STRING_METHODS,
    UNCHECKED_METHODS,
    arity_message,
)
from mlpy.runtime.state import CallState
from mlpy.runtime.values import Builtin
from tests.runtime.helpers import ml_function

SPEC_STRING = (
    "length upper lower strip lstrip rstrip split join replace startswith endswith find rfind "
    "index count contains isdigit isalpha isalnum isspace islower isupper title capitalize "
    "center ljust rjust padStart padEnd slice"
)
SPEC_ARRAY = (
    "length append push pop insert remove clear index count contains reverse sort slice copy "
    "join map filter reduce find some every includes"
)
SPEC_OBJECT = "length keys values items get has set delete update copy"

TABLES = {"string": STRING_METHODS, "array": ARRAY_METHODS, "object": OBJECT_METHODS}
SPECS = {"string": SPEC_STRING, "array": SPEC_ARRAY, "object": SPEC_OBJECT}


@pytest.mark.parametrize("owner", ["string", "array", "object"])
def test_s5_2_method_tables_are_exactly_the_allow_list(owner: str) -> None:
    spec = set(SPECS[owner].split()) - {"length"}  # length is member access, not a method
    assert set(TABLES[owner]) == spec


def test_s5_2_unchecked_tables_hold_the_same_names() -> None:
    assert set(UNCHECKED_METHODS[str]) == set(STRING_METHODS)
    assert set(UNCHECKED_METHODS[list]) == set(ARRAY_METHODS)
    assert set(UNCHECKED_METHODS[dict]) == set(OBJECT_METHODS)


def call(receiver: Any, name: str, *args: Any) -> Any:
    table = STRING_METHODS if type(receiver) is str else ARRAY_METHODS
    if type(receiver) is dict:
        table = OBJECT_METHODS
    return table[name](receiver, *args)


DOUBLE = Builtin(lambda x: x * 2, "double")
IS_EVEN = Builtin(lambda x: x % 2 == 0, "is_even")
ADD = Builtin(lambda a, b: a + b, "add")

STRINGS = [
    ("aBc", "upper", (), "ABC"),
    ("aBc", "lower", (), "abc"),
    ("ß", "upper", (), "SS"),
    ("  x  ", "strip", (), "x"),
    ("xxaxx", "strip", ("x",), "a"),
    ("  x  ", "lstrip", (), "x  "),
    ("  x  ", "rstrip", (), "  x"),
    ("--x--", "rstrip", ("-",), "--x"),
    ("a  b\tc\n", "split", (), ["a", "b", "c"]),
    ("a,b,,c", "split", (",",), ["a", "b", "", "c"]),
    ("a,b,c", "split", (",", 1), ["a", "b,c"]),
    ("a b", "split", (None,), ["a", "b"]),
    ("", "split", (), []),
    (", ", "join", (["a", "b"],), "a, b"),
    ("-", "join", ([1, None, True, "s", [2]],), "1-null-true-s-[2]"),
    ("", "join", ([],), ""),
    ("aaa", "replace", ("a", "bb"), "bbbbbb"),
    ("abc", "replace", ("", "-"), "-a-b-c-"),
    ("abc", "replace", ("x", "y"), "abc"),
    ("hello", "startswith", ("he",), True),
    ("hello", "startswith", ("lo",), False),
    ("hello", "endswith", ("lo",), True),
    ("hello", "find", ("l",), 2),
    ("hello", "find", ("z",), -1),
    ("hello", "find", ("l", 3), 3),
    ("hello", "find", ("l", None, 2), -1),
    ("hello", "rfind", ("l",), 3),
    ("hello", "index", ("e",), 1),
    ("banana", "count", ("a",), 3),
    ("banana", "count", ("a", 2), 2),
    ("hello", "contains", ("ell",), True),
    ("hello", "contains", ("",), True),
    ("hello", "contains", ("x",), False),
    ("123", "isdigit", (), True),
    ("12a", "isdigit", (), False),
    ("abc", "isalpha", (), True),
    ("ab1", "isalnum", (), True),
    (" \t", "isspace", (), True),
    ("", "isspace", (), False),
    ("abc", "islower", (), True),
    ("ABC", "isupper", (), True),
    ("hello world", "title", (), "Hello World"),
    ("hELLO", "capitalize", (), "Hello"),
    ("ab", "center", (6,), "  ab  "),
    ("ab", "center", (6, "*"), "**ab**"),
    ("ab", "ljust", (4, "."), "ab.."),
    ("ab", "rjust", (4,), "  ab"),
    ("abc", "rjust", (1,), "abc"),
    ("5", "padStart", (3, "0"), "005"),
    ("5", "padStart", (6, "ab"), "ababa5"),
    ("5", "padEnd", (3,), "5  "),
    ("5", "padEnd", (4, "xy"), "5xyx"),
    ("abc", "padStart", (5, ""), "abc"),
    ("abc", "padEnd", (2, "x"), "abc"),
    ("hello", "slice", (1,), "ello"),
    ("hello", "slice", (1, 3), "el"),
    ("hello", "slice", (-3,), "llo"),
    ("hello", "slice", (1, -1), "ell"),
    ("hello", "slice", (10,), ""),
]


@pytest.mark.parametrize(
    ("receiver", "name", "args", "result"),
    STRINGS,
    ids=[f"{r!r}.{n}{a!r}" for r, n, a, _ in STRINGS],
)
def test_s5_2_string_methods(receiver: str, name: str, args: tuple[Any, ...], result: Any) -> None:
    assert call(receiver, name, *args) == result


ARRAYS = [
    ([1, 2, 3], "index", (2,), 1),
    ([1, [2], {"a": 1}], "index", ([2],), 1),
    ([1, [2], {"a": 1}], "index", ({"a": 1.0},), 2),
    ([1, 2, 1], "count", (1,), 2),
    ([1, 1.0, True, "1"], "count", (1,), 3),
    ([[1], [1], [2]], "count", ([1],), 2),
    ([1, 2], "contains", (2,), True),
    ([1, 2], "contains", (3,), False),
    ([1, 2], "includes", (2.0,), True),
    ([[1, 2]], "includes", ([1, 2],), True),
    ([None], "contains", (False,), False),
    ([1, 2, 3, 4], "slice", (1, 3), [2, 3]),
    ([1, 2, 3, 4], "slice", (-2,), [3, 4]),
    ([1, 2, 3], "copy", (), [1, 2, 3]),
    ([1, "a", None], "join", (), "1,a,null"),
    (["a", "b"], "join", (" + ",), "a + b"),
    ([1, 2, 3], "map", (DOUBLE,), [2, 4, 6]),
    ([1, 2, 3, 4], "filter", (IS_EVEN,), [2, 4]),
    ([1, 2, 3], "reduce", (ADD,), 6),
    ([1, 2, 3], "reduce", (ADD, 10), 16),
    ([], "reduce", (ADD, 10), 10),
    (["a", "b"], "reduce", (ADD, ""), "ab"),
    ([1, 3, 4, 6], "find", (IS_EVEN,), 4),
    ([1, 3], "find", (IS_EVEN,), None),
    ([1, 2], "some", (IS_EVEN,), True),
    ([1, 3], "some", (IS_EVEN,), False),
    ([], "some", (IS_EVEN,), False),
    ([2, 4], "every", (IS_EVEN,), True),
    ([2, 3], "every", (IS_EVEN,), False),
    ([], "every", (IS_EVEN,), True),
]


@pytest.mark.parametrize(
    ("receiver", "name", "args", "result"),
    ARRAYS,
    ids=[f"{r!r}.{n}" for r, n, _, _ in ARRAYS],
)
def test_s5_2_array_methods(
    receiver: list[Any], name: str, args: tuple[Any, ...], result: Any
) -> None:
    before = list(receiver)
    assert call(receiver, name, *args) == result
    assert receiver == before  # these methods do not change the array


MUTATIONS = [
    ([1], "append", (2,), None, [1, 2]),
    ([1], "push", ([2],), None, [1, [2]]),
    ([1, 2, 3], "pop", (), 3, [1, 2]),
    ([1, 2, 3], "pop", (0,), 1, [2, 3]),
    ([1, 2, 3], "pop", (-2,), 2, [1, 3]),
    ([1, 3], "insert", (1, 2), None, [1, 2, 3]),
    ([1, 3], "insert", (100, 4), None, [1, 3, 4]),
    ([1, 2, 1], "remove", (1,), None, [2, 1]),
    ([[1], [2]], "remove", ([2],), None, [[1]]),
    ([1, 2], "clear", (), None, []),
    ([1, 2, 3], "reverse", (), None, [3, 2, 1]),
    ([3, 1, 2], "sort", (), None, [1, 2, 3]),
    ([2.5, True, 0, -1], "sort", (), None, [-1, 0, True, 2.5]),
    (["b", "a", "C"], "sort", (), None, ["C", "a", "b"]),
    ([[2], [1, 5], [1]], "sort", (), None, [[1], [1, 5], [2]]),
    ([], "sort", (), None, []),
]


@pytest.mark.parametrize(
    ("receiver", "name", "args", "result", "after"),
    MUTATIONS,
    ids=[f"{r!r}.{n}{a!r}" for r, n, a, _, _ in MUTATIONS],
)
def test_s5_2_array_methods_that_change_the_array(
    receiver: list[Any], name: str, args: tuple[Any, ...], result: Any, after: list[Any]
) -> None:
    assert call(receiver, name, *args) == result
    assert receiver == after


def test_s5_2_copy_and_slice_are_new_arrays() -> None:
    arr = [1, 2]
    for copy in (call(arr, "copy"), call(arr, "slice", 0)):
        copy.append(3)
    assert arr == [1, 2]


def test_s5_2_callbacks_walk_a_snapshot() -> None:
    arr = [1, 2]
    grow = Builtin(lambda x: arr.append(x), "grow")
    assert call(arr, "map", grow) == [None, None]
    assert arr == [1, 2, 1, 2]


def test_s5_2_callbacks_get_the_element_only() -> None:
    pair = ml_function("def pair(x, i):\n    return x\n", "pair")
    with pytest.raises(MLTypeError) as info:
        call([1], "map", pair)
    assert info.value.message == "pair() takes 2 arguments but 1 was given"
    double = ml_function("def double(x):\n    return x * 2\n", "double")
    assert call([1, 2], "map", double) == [2, 4]


def test_s5_2_callback_must_be_callable() -> None:
    with pytest.raises(MLTypeError, match="number is not callable"):
        call([1], "map", 5)


OBJECTS = [
    ({"a": 1, "b": 2}, "keys", (), ["a", "b"]),
    ({"a": 1, "b": 2}, "values", (), [1, 2]),
    ({"a": 1, "b": [2]}, "items", (), [["a", 1], ["b", [2]]]),
    ({"a": 1}, "get", ("a",), 1),
    ({"a": 1}, "get", ("b",), None),
    ({"a": 1}, "get", ("b", 0), 0),
    ({"a": None}, "get", ("a", 0), None),
    ({"a": 1}, "has", ("a",), True),
    ({"a": 1}, "has", ("b",), False),
    ({"a": 1}, "copy", (), {"a": 1}),
]


@pytest.mark.parametrize(
    ("receiver", "name", "args", "result"),
    OBJECTS,
    ids=[f"{r!r}.{n}{a!r}" for r, n, a, _ in OBJECTS],
)
def test_s5_2_object_methods(
    receiver: dict[str, Any], name: str, args: tuple[Any, ...], result: Any
) -> None:
    assert call(receiver, name, *args) == result


def test_s5_2_object_methods_that_change_the_object() -> None:
    obj: dict[str, Any] = {"a": 1, "b": 2}
    assert call(obj, "set", "c", 3) is None
    assert call(obj, "delete", "a") is None
    assert call(obj, "update", {"b": 20, "d": 4}) is None
    assert obj == {"b": 20, "c": 3, "d": 4}
    assert list(obj) == ["b", "c", "d"]
    copy = call(obj, "copy")
    copy["z"] = 1
    assert "z" not in obj


ERRORS = [
    ("abc", "upper", (1,), MLTypeError, "string method upper() takes 0 arguments but 1 was given"),
    ("abc", "split", ("",), MLValueError, "split() separator cannot be empty"),
    ("abc", "split", (1,), MLTypeError, "split() expects a string separator, got number"),
    ("abc", "split", (",", "x"), MLTypeError, "split() expects an integer maxsplit, got string"),
    ("abc", "join", ("ab",), MLTypeError, "join() expects an array, got string"),
    (
        "abc",
        "replace",
        ("a",),
        MLTypeError,
        "string method replace() takes 2 arguments but 1 was given",
    ),
    ("abc", "replace", ("a", 1), MLTypeError, "replace() expects a string argument, got number"),
    (
        "abc",
        "startswith",
        (["a"],),
        MLTypeError,
        "startswith() expects a string argument, got array",
    ),
    ("abc", "find", ("a", 1.5), MLTypeError, "find() expects an integer start, got number"),
    ("abc", "index", ("z",), MLValueError, 'index(): substring "z" not found'),
    ("abc", "contains", (1,), MLTypeError, "contains() expects a string argument, got number"),
    ("abc", "strip", (1,), MLTypeError, "strip() expects a string of characters, got number"),
    (
        "ab",
        "center",
        (5, "ab"),
        MLTypeError,
        "center() fill must be a string of exactly one character",
    ),
    ("ab", "center", ("5",), MLTypeError, "center() expects an integer width, got string"),
    ("ab", "padStart", (5, 0), MLTypeError, "padStart() expects a string pad, got number"),
    (
        "ab",
        "slice",
        (),
        MLTypeError,
        "string method slice() takes 1 to 2 arguments but 0 were given",
    ),
    ("ab", "slice", ("1",), MLTypeError, "slice() expects an integer start, got string"),
    ([], "pop", (), MLIndexError, "pop from an empty array"),
    ([1], "pop", (5,), MLIndexError, "pop index 5 out of range (length 1)"),
    ([1], "pop", ("0",), MLTypeError, "pop() expects an integer index, got string"),
    ([1], "insert", (0.5, 1), MLTypeError, "insert() expects an integer index, got number"),
    ([1], "remove", (2,), MLValueError, "remove(): value not found in the array"),
    ([1], "index", (2,), MLValueError, "index(): value not found in the array"),
    ([1, "a"], "sort", (), MLTypeError, "cannot compare string and number"),
    ([None, None], "sort", (), MLTypeError, "cannot compare null and null"),
    ([{}, {}], "sort", (), MLTypeError, "cannot compare object and object"),
    (
        [1],
        "sort",
        (DOUBLE, True, 1),
        MLTypeError,
        "array method sort() takes at most 2 arguments but 3 were given",
    ),
    ([1], "sort", (1,), MLTypeError, "sort() expects a key function or a boolean reverse, got number"),
    ([1], "sort", (DOUBLE, 1), MLTypeError, "sort() expects a boolean reverse, got number"),
    ([1], "sort", (True, True), MLTypeError, "sort() expects a key function (or null) first, got boolean"),
    ([], "reduce", (ADD,), MLTypeError, "reduce() of an empty array with no start value"),
    ([1], "join", (1,), MLTypeError, "join() expects a string separator, got number"),
    ([1], "map", (), MLTypeError, "array method map() takes 1 argument but 0 were given"),
    ({}, "get", (True,), MLTypeError, "get() key must be a string or a number, not boolean"),
    ({}, "has", (None,), MLTypeError, "has() key must be a string or a number, not null"),
    ({}, "set", ([1], 2), MLTypeError, "set() key must be a string or a number, not array"),
    ({}, "delete", ({},), MLTypeError, "delete() key must be a string or a number, not object"),
    ({}, "delete", (1,), MLKeyError, 'delete(): key "1" not found'),
    ({}, "delete", ("k",), MLKeyError, 'delete(): key "k" not found'),
    ({}, "update", ([1],), MLTypeError, "update() expects an object, got array"),
    ({}, "keys", (1,), MLTypeError, "object method keys() takes 0 arguments but 1 was given"),
]


@pytest.mark.parametrize(
    ("receiver", "name", "args", "error", "message"),
    ERRORS,
    ids=[f"{r!r}.{n}{a!r}" for r, n, a, _, _ in ERRORS],
)
def test_s5_2_method_errors(
    receiver: Any, name: str, args: tuple[Any, ...], error: type[MLError], message: str
) -> None:
    with pytest.raises(error) as info:
        call(receiver, name, *args)
    assert info.value.message == message


RECEIVERS: dict[str, Any] = {"string": "a b", "array": [2, 1], "object": {"a": 1}}
ODD_ARGS: list[tuple[Any, ...]] = [
    (),
    (None,),
    (1,),
    ("a",),
    ([1],),
    ({"k": 1},),
    (1.5, None),
    ("a", "b", "c"),
    (1, 2, 3, 4, 5),
]


@pytest.mark.parametrize("owner", ["string", "array", "object"])
def test_s5_2_methods_raise_only_ml_errors(owner: str) -> None:
    """It never lets a raw Python exception out, whatever the arguments."""
    leaks = []
    for name, fn in TABLES[owner].items():
        for args in ODD_ARGS:
            receiver = RECEIVERS[owner]
            receiver = receiver.copy() if owner != "string" else receiver
            try:
                fn(receiver, *args)
            except MLError:
                pass
            except Exception as exc:  # noqa: BLE001 - collected and reported below
                leaks.append((name, args, repr(exc)))
    assert leaks == []


def test_s8_join_is_capped(limits: Callable[..., CallState]) -> None:
    limits(max_string=5000)
    assert len(call(["ab"] * 2500, "join", "")) == 5000
    with pytest.raises(MLLimitError) as info:
        call(["ab"] * 2500, "join", ",")
    assert info.value.limit == "max_string"
    with pytest.raises(MLLimitError):
        call("-", "join", ["ab"] * 2000)


def test_s8_replace_is_capped_before_allocating(limits: Callable[..., CallState]) -> None:
    limits(max_string=5000)
    assert len(call("a" * 50, "replace", "a", "b" * 100)) == 5000
    with pytest.raises(MLLimitError) as info:
        call("a" * 51, "replace", "a", "b" * 100)
    assert info.value.limit == "max_string"


@pytest.mark.parametrize("name", ["center", "ljust", "rjust", "padStart", "padEnd"])
def test_s8_padding_width_is_capped(name: str, limits: Callable[..., CallState]) -> None:
    limits(max_string=5000)
    assert len(call("x", name, 5000)) == 5000
    with pytest.raises(MLLimitError) as info:
        call("x", name, 5001)
    assert info.value.limit == "max_string"
    with pytest.raises(MLLimitError):
        call("x", name, 10**30)


def test_s8_case_changes_that_grow_are_capped(limits: Callable[..., CallState]) -> None:
    limits(max_string=5000)
    assert len(call("ß" * 2500, "upper")) == 5000
    with pytest.raises(MLLimitError):
        call("ß" * 2501, "upper")


def test_s8_split_is_capped(limits: Callable[..., CallState]) -> None:
    limits(max_array=5000)
    assert len(call("a," * 4999, "split", ",")) == 5000
    with pytest.raises(MLLimitError) as info:
        call("a," * 5000, "split", ",")
    assert info.value.limit == "max_array"
    with pytest.raises(MLLimitError):
        call("a " * 5001, "split")


def test_s8_growing_arrays_and_objects_is_capped(limits: Callable[..., CallState]) -> None:
    limits(max_array=5000)
    arr = [0] * 4999
    call(arr, "push", 1)
    for name, args in [("push", (1,)), ("append", (1,)), ("insert", (0, 1))]:
        with pytest.raises(MLLimitError) as info:
            call(arr, name, *args)
        assert info.value.limit == "max_array"
    obj = {str(i): i for i in range(5000)}
    call(obj, "set", "0", "same key")
    with pytest.raises(MLLimitError):
        call(obj, "set", "new", 1)
    with pytest.raises(MLLimitError):
        call(obj, "update", {"new": 1})
    call(obj, "update", {"1": 1})


def test_arity_message_wording() -> None:
    assert arity_message("f()", 1, 1, 2) == "f() takes 1 argument but 2 were given"
    assert arity_message("f()", 0, 0, 1) == "f() takes 0 arguments but 1 was given"
    assert arity_message("f()", 1, None, 0) == "f() takes at least 1 argument but 0 were given"
    assert arity_message("f()", 0, 2, 3) == "f() takes at most 2 arguments but 3 were given"
    assert arity_message("f()", 1, 3, 0) == "f() takes 1 to 3 arguments but 0 were given"
