"""§7.1-§7.2: context values in (`from_host`), the result out (`to_host`), identifiers."""

from __future__ import annotations

import contextvars
import enum
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, ClassVar

import pytest

from mlpy.errors import MLLimitError, MLTypeError
from mlpy.runtime.convert import from_host, is_identifier, to_host
from mlpy.runtime.member import MLIterator
from mlpy.runtime.state import CallState
from mlpy.runtime.values import BoundMethod, Builtin, Opaque
from tests.runtime.helpers import dag, deep_list, ml_function


class Color(enum.IntEnum):
    RED = 1


class Name(str):
    pass


class Stamp(Opaque):
    """An opaque value with a plain form for the host."""

    __slots__ = ()
    type_name: ClassVar[str] = "stamp"

    def ml_to_python(self) -> Any:
        return "2024-01-01"


class Handle(Opaque):
    """An opaque value with no plain form (the default)."""

    __slots__ = ()
    type_name: ClassVar[str] = "handle"


# -- §7.1 in ---------------------------------------------------------------------------------

INBOUND = [
    (None, None),
    (True, True),
    (3, 3),
    (2.5, 2.5),
    (math.inf, math.inf),
    ("héllo", "héllo"),
    ([1, "a", None], [1, "a", None]),
    ((1, (2, 3)), [1, [2, 3]]),
    ({"a": {"b": [1, {"c": ()}]}}, {"a": {"b": [1, {"c": []}]}}),
    (OrderedDict(z=1, a=2), {"z": 1, "a": 2}),
]


@pytest.mark.parametrize(("value", "ml"), INBOUND, ids=[repr(v) for v, _ in INBOUND])
def test_s7_1_context_values(value: Any, ml: Any) -> None:
    got = from_host(value, "x")
    assert got == ml
    assert type(got) is type(ml)


def test_s7_1_subclasses_become_plain_types() -> None:
    got = from_host({"c": Color.RED, "n": Name("ada")}, "x")
    assert type(got["c"]) is int and got["c"] == 1
    assert type(got["n"]) is str and got["n"] == "ada"
    assert list(got) == ["c", "n"]


def test_s7_1_context_is_deep_copied() -> None:
    host = {"items": [1, [2]], "meta": {"k": "v"}}
    ml = from_host(host, "ctx")
    ml["items"][1].append(3)
    ml["meta"]["k"] = "changed"
    assert host == {"items": [1, [2]], "meta": {"k": "v"}}


def test_s7_1_shared_host_values_stay_shared_and_linear() -> None:
    shared = [1]
    ml = from_host([shared, shared], "x")
    assert ml[0] is ml[1] and ml[0] is not shared
    started = time.perf_counter()
    assert len(from_host(dag(40), "x")) == 2
    assert time.perf_counter() - started < 0.5


INBOUND_ERRORS = [
    ({1, 2}, TypeError, "context['x']: set is not a JSON-like value"),
    ([1, 2, {"y": {3}}], TypeError, "context['x'][2]['y']: set is not a JSON-like value"),
    ({"a": [b"raw"]}, TypeError, "context['x']['a'][0]: bytes is not a JSON-like value"),
    ({1: "a"}, TypeError, "context['x']: key 1 is not a string"),
    ({"a": {(1,): 2}}, TypeError, "context['x']['a']: key (1,) is not a string"),
    (object(), TypeError, "context['x']: object is not a JSON-like value"),
    (len, TypeError, "context['x']: builtin_function_or_method is not a JSON-like value"),
    ([lambda: 1], TypeError, "context['x'][0]: function is not a JSON-like value"),
    (Builtin(len, "len"), TypeError, "context['x']: Builtin is not a JSON-like value"),
    (range(3), TypeError, "context['x']: range is not a JSON-like value"),
]


@pytest.mark.parametrize(
    ("value", "error", "message"), INBOUND_ERRORS, ids=[m for *_, m in INBOUND_ERRORS]
)
def test_s7_1_bad_context_names_the_key_and_path(
    value: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as info:
        from_host(value, "x")
    assert str(info.value) == message


def test_s7_1_cyclic_context_is_refused() -> None:
    cyclic: list[Any] = []
    cyclic.append(cyclic)
    with pytest.raises(ValueError, match=r"context\['c'\]\[0\].*\.\.\..*nested deeper"):
        from_host(cyclic, "c")


def test_s7_1_context_depth_is_capped(limits: Callable[..., CallState]) -> None:
    limits(max_nesting=5)
    assert from_host(deep_list(5), "x") == deep_list(5)
    with pytest.raises(ValueError, match="nested deeper than max_nesting=5"):
        from_host(deep_list(6), "x")


def test_s7_1_context_size_is_capped(limits: Callable[..., CallState]) -> None:
    limits(max_visit=10)
    assert from_host([[1]] * 3, "x") == [[1]] * 3
    with pytest.raises(ValueError, match="more than max_visit=10 values"):
        from_host([[i] for i in range(20)], "x")


def test_s7_1_from_host_works_outside_a_call() -> None:
    assert contextvars.Context().run(from_host, {"a": (1,)}, "x") == {"a": [1]}


# -- §7.2 out --------------------------------------------------------------------------------

OUTBOUND = [
    (None, None),
    (False, False),
    (10**50, 10**50),
    (0.5, 0.5),
    ("s", "s"),
    ([1, [2, {"a": None}]], [1, [2, {"a": None}]]),
    (range(3), [0, 1, 2]),
    ({"r": range(1, 3)}, {"r": [1, 2]}),
    ([Stamp()], ["2024-01-01"]),
]


@pytest.mark.parametrize(("value", "host"), OUTBOUND, ids=[repr(v) for v, _ in OUTBOUND])
def test_s7_2_result_values(value: Any, host: Any) -> None:
    got = to_host(value)
    assert got == host
    assert type(got) is type(host)


def test_s7_2_result_is_deep_copied() -> None:
    ml = {"a": [1, {"b": 2}]}
    host = to_host(ml)
    host["a"][1]["b"] = 3
    assert ml == {"a": [1, {"b": 2}]}
    assert host["a"] is not ml["a"]


DOUBLE = ml_function("def double(x):\n    return x * 2\n", "double")

OUTBOUND_ERRORS = [
    (DOUBLE, "result contains a function; functions cannot be returned"),
    ([Builtin(len, "len")], "result contains a function; functions cannot be returned"),
    (
        {"f": BoundMethod(str.upper, "a", "upper")},
        "result contains a function; functions cannot be returned",
    ),
    ([lambda: 1], "result contains a function; functions cannot be returned"),
    ({"h": Handle()}, "a handle value cannot be returned to the host"),
    ([MLIterator(iter([]))], "an iterator cannot be returned to the host"),
    ([{1, 2}], "result contains a value of type unknown, which cannot be returned"),
]


@pytest.mark.parametrize(("value", "message"), OUTBOUND_ERRORS, ids=[m for _, m in OUTBOUND_ERRORS])
def test_s7_2_functions_and_opaque_values_cannot_be_returned(value: Any, message: str) -> None:
    with pytest.raises(MLTypeError) as info:
        to_host(value)
    assert info.value.message == message


def test_s7_2_cyclic_result_is_a_limit_error() -> None:
    cyclic: dict[str, Any] = {}
    cyclic["self"] = cyclic
    with pytest.raises(MLLimitError) as info:
        to_host(cyclic)
    assert info.value.limit == "max_nesting"


def test_s7_2_result_depth_is_capped(limits: Callable[..., CallState]) -> None:
    limits(max_nesting=5)
    assert to_host(deep_list(5)) == deep_list(5)
    with pytest.raises(MLLimitError) as info:
        to_host(deep_list(6))
    assert info.value.limit == "max_nesting"


def test_s7_2_huge_dag_result_is_refused_at_once() -> None:
    started = time.perf_counter()
    with pytest.raises(MLLimitError) as info:
        to_host(dag(40))
    assert info.value.limit == "max_visit"
    assert time.perf_counter() - started < 0.5


def test_s7_2_small_dag_result_is_returned_whole() -> None:
    shared = [1]
    host = to_host([shared, shared])
    assert host == [[1], [1]]


def test_s7_2_result_visits_count_every_path(limits: Callable[..., CallState]) -> None:
    limits(max_visit=10)
    assert to_host(dag(2)) == [[[], []], [[], []]]  # 7 paths
    with pytest.raises(MLLimitError):
        to_host(dag(3))  # 15 paths


def test_s7_2_range_result_is_capped(limits: Callable[..., CallState]) -> None:
    limits(max_array=10)
    assert to_host(range(10)) == list(range(10))
    with pytest.raises(MLLimitError) as info:
        to_host(range(10**30))
    assert info.value.limit == "max_array"


def test_s7_2_to_host_works_outside_a_call() -> None:
    assert contextvars.Context().run(to_host, [range(2)]) == [[0, 1]]


# -- identifiers -----------------------------------------------------------------------------

IDENTIFIERS = [
    ("x", True),
    ("_x", True),
    ("_", True),
    ("x1", True),
    ("camelCase_2", True),
    ("class", True),
    ("None", True),
    ("_private", True),
    ("1x", False),
    ("", False),
    ("__x", False),
    ("__", False),
    ("a-b", False),
    ("a b", False),
    ("é", False),
    ("x\n", False),
    ("١", False),
    (5, False),
    (None, False),
]


@pytest.mark.parametrize(("name", "ok"), IDENTIFIERS, ids=[repr(n) for n, _ in IDENTIFIERS])
def test_s1_3_is_identifier(name: Any, ok: bool) -> None:
    assert is_identifier(name) is ok
