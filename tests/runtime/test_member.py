"""§3.8-§3.10, §2.4-§2.6: members, method calls, indexing, slicing, iteration, destructuring."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import pytest

from mlpy.errors import MLIndexError, MLKeyError, MLLimitError, MLTypeError, MLValueError
from mlpy.runtime import member
from mlpy.runtime.state import CallState
from mlpy.runtime.values import BoundMethod, Builtin, Module, Opaque
from tests.runtime.helpers import ml_function


def _norm(p: Point) -> int:
    return abs(p.x)


class Point(Opaque):
    """An opaque value with one method and a Python attribute ML must not see."""

    __slots__ = ("x", "secret")
    type_name: ClassVar[str] = "point"
    ml_methods: ClassVar[dict[str, Callable[..., Any]]] = {"norm": _norm}

    def __init__(self, x: int) -> None:
        self.x = x
        self.secret = "hidden"


DOUBLE = ml_function("def double(x):\n    return x * 2\n", "double")
MATH = Module("math", {"pi": 3.14, "twice": Builtin(lambda x: 2 * x, "twice")})

# -- §3.9 member access ----------------------------------------------------------------------

MEMBERS = [
    ({"a": 1}, "a", 1),
    ({"_id": 7}, "_id", 7),
    ({"length": 5}, "length", 5),
    ({"keys": "mine"}, "keys", "mine"),
    ({"a": 1, "b": 2}, "length", 2),
    ({}, "missing", None),
    ({}, "__class__", None),
    ({}, "__dict__", None),
    ("abc", "length", 3),
    ("héllo", "length", 5),
    ([1, 2], "length", 2),
    (MATH, "pi", 3.14),
]


@pytest.mark.parametrize(
    ("obj", "name", "value"), MEMBERS, ids=[f"{o!r}.{n}" for o, n, _ in MEMBERS]
)
def test_s3_9_member_values(obj: Any, name: str, value: Any) -> None:
    assert member.get_member(obj, name) == value


def test_s3_9_methods_as_values() -> None:
    upper = member.get_member("abc", "upper")
    assert type(upper) is BoundMethod
    assert upper() == "ABC"
    assert member.get_member({"a": 1}, "keys")() == ["a"]
    arr: list[Any] = [3, 1, 2]
    sort = member.get_member(arr, "sort")
    assert sort() is None and arr == [1, 2, 3]
    norm = member.get_member(Point(-4), "norm")
    assert type(norm) is BoundMethod and norm() == 4


MEMBER_ERRORS = [
    (5, "x", "number has no member 'x'"),
    ("abc", "__class__", "string has no member '__class__'"),
    ("abc", "encode", "string has no member 'encode'"),
    ([], "__len__", "array has no member '__len__'"),
    ([], "extend", "array has no member 'extend'"),
    (None, "a", "null has no member 'a'"),
    (True, "real", "boolean has no member 'real'"),
    (1.5, "is_integer", "number has no member 'is_integer'"),
    (range(3), "start", "range has no member 'start'"),
    (Builtin(len, "len"), "__globals__", "function has no member '__globals__'"),
    (DOUBLE, "__code__", "function has no member '__code__'"),
    (Point(1), "x", "point has no member 'x'"),
    (Point(1), "secret", "point has no member 'secret'"),
    (Point(1), "__class__", "point has no member '__class__'"),
    (MATH, "missing", "module math has no member 'missing'"),
    (MATH, "members", "module math has no member 'members'"),
    (MATH, "__dict__", "module math has no member '__dict__'"),
]


@pytest.mark.parametrize(
    ("obj", "name", "message"), MEMBER_ERRORS, ids=[m for _, _, m in MEMBER_ERRORS]
)
def test_s3_9_missing_members_are_type_errors(obj: Any, name: str, message: str) -> None:
    with pytest.raises(MLTypeError) as info:
        member.get_member(obj, name)
    assert info.value.message == message
    assert member.has_member(obj, name) is False


HAS = [
    ({"a": 1}, "a", True),
    ({"a": 1}, "length", True),
    ({"a": 1}, "keys", True),
    ({"a": 1}, "b", False),
    ({}, "__class__", False),
    ("abc", "upper", True),
    ("abc", "length", True),
    ("abc", "push", False),
    ([], "push", True),
    ([], "upper", False),
    (5, "real", False),
    (None, "x", False),
    (Point(1), "norm", True),
    (Point(1), "x", False),
    (MATH, "twice", True),
    (MATH, "name", False),
]


@pytest.mark.parametrize(("obj", "name", "has"), HAS, ids=[f"{o!r}.{n}" for o, n, _ in HAS])
def test_s3_9_has_member(obj: Any, name: str, has: bool) -> None:
    assert member.has_member(obj, name) is has


def test_s2_5_set_member() -> None:
    obj: dict[str, Any] = {"a": 1}
    member.set_member(obj, "b", 2)
    member.set_member(obj, "a", 3)
    assert obj == {"a": 3, "b": 2}


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        ([], "cannot set member 'x' of array"),
        ("s", "cannot set member 'x' of string"),
        (None, "cannot set member 'x' of null"),
        (Point(1), "cannot set member 'x' of point"),
        (MATH, "cannot set member 'x' of module"),
    ],
    ids=["array", "string", "null", "opaque", "module"],
)
def test_s2_5_set_member_of_non_object(obj: Any, message: str) -> None:
    with pytest.raises(MLTypeError) as info:
        member.set_member(obj, "x", 1)
    assert info.value.message == message


def test_s8_set_member_is_capped(limits: Callable[..., CallState]) -> None:
    limits(max_array=5000)
    obj = {str(i): i for i in range(5000)}
    member.set_member(obj, "0", "replaced")
    with pytest.raises(MLLimitError) as info:
        member.set_member(obj, "new", 1)
    assert info.value.limit == "max_array"


# -- §3.10 method calls ----------------------------------------------------------------------


def test_s3_10_array_method_call() -> None:
    arr: list[Any] = [1]
    assert member.call_method(arr, "push", 2) is None
    assert member.call_method(arr, "pop") == 2
    assert member.call_method("a-b", "split", "-") == ["a", "b"]
    assert member.call_method(Point(-2), "norm") == 2
    assert member.call_method(MATH, "twice", 4) == 8


def test_s3_10_object_function_key_wins() -> None:
    obj = {"double": DOUBLE, "get": DOUBLE}
    assert member.call_method(obj, "double", 4) == 8
    assert member.call_method(obj, "get", 5) == 10


def test_s3_10_object_method_when_no_function_key() -> None:
    obj = {"a": 1, "items": [1, 2]}
    assert member.call_method(obj, "get", "a") == 1
    assert member.call_method(obj, "items") == [["a", 1], ["items", [1, 2]]]


def test_s3_10_object_key_that_is_not_a_function() -> None:
    with pytest.raises(MLTypeError) as info:
        member.call_method({"f": 5}, "f")
    assert info.value.message == "number is not callable"


def test_s3_10_callback_arity_errors_name_the_function() -> None:
    with pytest.raises(MLTypeError) as info:
        member.call_method({"double": DOUBLE}, "double")
    assert info.value.message == "double() takes 1 argument but 0 were given"


CALL_ERRORS = [
    ({}, "nope", (), "object has no method 'nope'"),
    (5, "x", (), "number has no method 'x'"),
    (None, "x", (), "null has no method 'x'"),
    ("abc", "__class__", (), "string has no method '__class__'"),
    ("abc", "format", (), "string has no method 'format'"),
    ([], "__getitem__", (0,), "array has no method '__getitem__'"),
    (Point(1), "secret", (), "point has no method 'secret'"),
    (MATH, "nope", (), "module math has no member 'nope'"),
    ("abc", "upper", (1,), "string method upper() takes 0 arguments but 1 was given"),
    ([], "push", (), "array method push() takes 1 argument but 0 were given"),
    ([], "push", (1, 2), "array method push() takes 1 argument but 2 were given"),
    ({}, "get", (), "object method get() takes 1 to 2 arguments but 0 were given"),
    ("a", "split", (1, 2, 3), "string method split() takes at most 2 arguments but 3 were given"),
    ("abc", "length", (), "length is not a method: write .length without ()"),
    ({}, "length", (), "length is not a method: write .length without ()"),
    (Point(1), "norm", (1,), "point method norm() takes 0 arguments but 1 was given"),
]


@pytest.mark.parametrize(
    ("obj", "name", "args", "message"), CALL_ERRORS, ids=[m for *_, m in CALL_ERRORS]
)
def test_s3_10_bad_method_calls(obj: Any, name: str, args: tuple[Any, ...], message: str) -> None:
    with pytest.raises(MLTypeError) as info:
        member.call_method(obj, name, *args)
    assert info.value.message == message


def test_s3_10_a_type_error_inside_a_method_is_not_an_arity_error() -> None:
    def broken(receiver: Any) -> Any:
        return receiver + 1  # raises Python's TypeError from inside

    class Broken(Opaque):
        __slots__ = ()
        ml_methods: ClassVar[dict[str, Callable[..., Any]]] = {"go": broken}

    with pytest.raises(TypeError) as info:
        member.call_method(Broken(), "go")
    assert not isinstance(info.value, MLTypeError)


# -- §3.8 indexing ---------------------------------------------------------------------------

ITEMS = [
    ([10, 20, 30], 0, 10),
    ([10, 20, 30], -1, 30),
    ([10, 20, 30], True, 20),
    ("héllo", 1, "é"),
    ("abc", -3, "a"),
    (range(10, 20), 5, 15),
    (range(10**30), 10**29, 10**29),
    ({"a": 1}, "a", 1),
    ({"": 0}, "", 0),
]


@pytest.mark.parametrize(("obj", "key", "value"), ITEMS, ids=[f"{o!r}[{k!r}]" for o, k, _ in ITEMS])
def test_s3_8_get_item(obj: Any, key: Any, value: Any) -> None:
    assert member.get_item(obj, key) == value


ITEM_ERRORS = [
    ([1, 2], 2, MLIndexError, "array index 2 out of range (length 2)"),
    ([1, 2], -3, MLIndexError, "array index -3 out of range (length 2)"),
    ([], 0, MLIndexError, "array index 0 out of range (length 0)"),
    ([1], 10**100, MLIndexError, "array index (a very large integer) out of range (length 1)"),
    ("ab", 5, MLIndexError, "string index 5 out of range (length 2)"),
    (range(3), 3, MLIndexError, "range index 3 out of range (length 3)"),
    ({"a": 1}, "b", MLKeyError, 'key "b" not found'),
    ({"a": 1}, "x" * 100, MLKeyError, 'key "' + "x" * 60 + '"... not found'),
    ({"a": 1}, 1, MLKeyError, 'key "1" not found'),
    ({"a": 1}, True, MLTypeError, "object key must be a string or a number, not boolean"),
    ({"a": 1}, [1], MLTypeError, "object key must be a string or a number, not array"),
    ([1], 1.0, MLTypeError, "array index must be an integer, not number"),
    ([1], "0", MLTypeError, "array index must be an integer, not string"),
    ("a", None, MLTypeError, "string index must be an integer, not null"),
    (5, 0, MLTypeError, "cannot index number"),
    (None, 0, MLTypeError, "cannot index null"),
    (Builtin(len, "len"), 0, MLTypeError, "cannot index function"),
    (Point(1), "x", MLTypeError, "cannot index point"),
]


@pytest.mark.parametrize(
    ("obj", "key", "error", "message"), ITEM_ERRORS, ids=[m for *_, m in ITEM_ERRORS]
)
def test_s3_8_get_item_errors(obj: Any, key: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error) as info:
        member.get_item(obj, key)
    assert info.value.message == message  # type: ignore[attr-defined]


def test_s2_5_set_item() -> None:
    arr: list[Any] = [1, 2, 3]
    member.set_item(arr, 0, "a")
    member.set_item(arr, -1, "c")
    member.set_item(arr, True, "b")
    obj: dict[str, Any] = {}
    member.set_item(obj, "k", 1)
    assert arr == ["a", "b", "c"] and obj == {"k": 1}


SET_ITEM_ERRORS = [
    ([1], 1, MLIndexError, "array index 1 out of range (length 1)"),
    ([1], -2, MLIndexError, "array index -2 out of range (length 1)"),
    ([1], 0.0, MLTypeError, "array index must be an integer, not number"),
    ({}, None, MLTypeError, "object key must be a string or a number, not null"),
    ("abc", 0, MLTypeError, "cannot assign to an index of a string: strings are immutable"),
    (5, 0, MLTypeError, "cannot assign to an index of number"),
    (range(3), 0, MLTypeError, "cannot assign to an index of range"),
]


@pytest.mark.parametrize(
    ("obj", "key", "error", "message"), SET_ITEM_ERRORS, ids=[m for *_, m in SET_ITEM_ERRORS]
)
def test_s2_5_set_item_errors(obj: Any, key: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error) as info:
        member.set_item(obj, key, "v")
    assert info.value.message == message  # type: ignore[attr-defined]


def test_s8_set_item_new_key_is_capped(limits: Callable[..., CallState]) -> None:
    limits(max_array=5000)
    obj = {str(i): i for i in range(5000)}
    with pytest.raises(MLLimitError):
        member.set_item(obj, "new", 1)


# -- §3.8 slicing ----------------------------------------------------------------------------

SLICES = [
    ([1, 2, 3, 4], 1, 3, None, [2, 3]),
    ([1, 2, 3, 4], None, None, -1, [4, 3, 2, 1]),
    ([1, 2, 3, 4], -2, None, None, [3, 4]),
    ([1, 2, 3, 4], 0, 100, None, [1, 2, 3, 4]),
    ([1, 2, 3, 4], 10**100, None, None, []),
    ([1, 2, 3, 4], None, None, 2, [1, 3]),
    ("héllo", 1, 3, None, "él"),
    ("abc", None, None, -1, "cba"),
    (range(10), 2, 8, 3, [2, 5]),
    (range(5), None, None, -1, [4, 3, 2, 1, 0]),
]


@pytest.mark.parametrize(
    ("obj", "start", "stop", "step", "result"),
    SLICES,
    ids=[f"{o!r}[{a}:{b}:{c}]" for o, a, b, c, _ in SLICES],
)
def test_s3_8_slices(obj: Any, start: Any, stop: Any, step: Any, result: Any) -> None:
    assert member.get_slice(obj, start, stop, step) == result


def test_s3_8_slice_copies() -> None:
    arr = [1, 2]
    copy = member.get_slice(arr, None, None, None)
    copy.append(3)
    assert arr == [1, 2]


SLICE_ERRORS = [
    ([1], None, None, 0, MLValueError, "slice step cannot be zero"),
    ("a", None, None, 0, MLValueError, "slice step cannot be zero"),
    ([1], 0.5, None, None, MLTypeError, "slice bounds must be integers or null, not number"),
    ([1], None, "1", None, MLTypeError, "slice bounds must be integers or null, not string"),
    (5, 0, 1, None, MLTypeError, "cannot slice number"),
    ({"a": 1}, 0, 1, None, MLTypeError, "cannot slice object"),
]


@pytest.mark.parametrize(
    ("obj", "start", "stop", "step", "error", "message"),
    SLICE_ERRORS,
    ids=[f"{o!r}:{m}" for o, *_, m in SLICE_ERRORS],
)
def test_s3_8_slice_errors(
    obj: Any, start: Any, stop: Any, step: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as info:
        member.get_slice(obj, start, stop, step)
    assert info.value.message == message  # type: ignore[attr-defined]


def test_s8_range_slice_is_capped(limits: Callable[..., CallState]) -> None:
    limits(max_array=10)
    assert member.get_slice(range(100), 0, 10, None) == list(range(10))
    with pytest.raises(MLLimitError) as info:
        member.get_slice(range(10**30), None, None, None)
    assert info.value.limit == "max_array"


# -- §2.4 iteration --------------------------------------------------------------------------


def test_s2_4_iterate_arrays_live() -> None:
    arr = [1, 2]
    assert member.iterate(arr) is arr


def test_s2_4_iterate_objects_over_a_snapshot_of_keys() -> None:
    obj = {"a": 1, "b": 2}
    seen = []
    for key in member.iterate(obj):
        seen.append(key)
        obj["new" + key] = 0  # would break a live dict iteration
    assert seen == ["a", "b"]


def test_s2_4_iterate_strings_and_ranges() -> None:
    assert list(member.iterate("hé")) == ["h", "é"]
    r = range(3)
    assert member.iterate(r) is r


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (5, "cannot iterate over number"),
        (None, "cannot iterate over null"),
        (True, "cannot iterate over boolean"),
        (Builtin(len, "len"), "cannot iterate over function"),
        (Point(1), "cannot iterate over point"),
    ],
    ids=["number", "null", "boolean", "function", "opaque"],
)
def test_s2_4_iterate_errors(value: Any, message: str) -> None:
    with pytest.raises(MLTypeError) as info:
        member.iterate(value)
    assert info.value.message == message


# -- §2.6 destructuring ----------------------------------------------------------------------


def test_s2_6_unpack() -> None:
    a, b = member.unpack([1, 2], 2)
    c, d = member.unpack("xy", 2)
    (only,) = member.unpack([[9]], 1)
    assert (a, b, c, d, only) == (1, 2, "x", "y", [9])


@pytest.mark.parametrize(
    ("value", "n", "message"),
    [
        ([1, 2, 3], 2, "expected an array of 2 values, got 3"),
        ([], 1, "expected an array of 1 value, got 0"),
        ("abc", 2, "expected an array of 2 values, got a string of 3 characters"),
        (5, 2, "expected an array of 2 values, got number"),
        ({"a": 1, "b": 2}, 2, "expected an array of 2 values, got object"),
        (None, 2, "expected an array of 2 values, got null"),
    ],
    ids=["too-many", "too-few", "string", "number", "object", "null"],
)
def test_s2_6_unpack_errors(value: Any, n: int, message: str) -> None:
    with pytest.raises(MLValueError) as info:
        member.unpack(value, n)
    assert info.value.message == message


def test_s2_6_unpack_keys() -> None:
    assert member.unpack_keys({"a": 1, "b": 2, "c": 3}, ("b", "a")) == (2, 1)
    with pytest.raises(MLKeyError) as info:
        member.unpack_keys({"a": 1}, ("a", "zz"))
    assert info.value.message == 'key "zz" not found'
    with pytest.raises(MLTypeError) as type_info:
        member.unpack_keys([1], ("a",))
    assert type_info.value.message == "cannot destructure array: expected an object"


def test_range_length_beyond_python_len() -> None:
    assert member.range_length(range(10**30)) == 10**30
    assert member.range_length(range(10**30, 0, -3)) == (10**30 + 2) // 3
    assert member.range_length(range(10, 0, -3)) == len(range(10, 0, -3))
    assert member.range_length(range(5, 0)) == 0
