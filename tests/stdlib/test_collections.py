"""The ``collections`` module (LANGUAGE.md §6.1) through real ML programs."""

from __future__ import annotations

from typing import Any

import pytest

import mlpy
from mlpy import Limits


def value(expr: str, **kw: Any) -> Any:
    r = mlpy.run(f"import collections;\nresult = {expr};", **kw)
    assert r.success, r.error
    return r.value


def failure(code: str, **kw: Any) -> mlpy.MLResult:
    r = mlpy.run(code, **kw)
    assert not r.success, r.value
    return r


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("collections.length([1, 2, 3])", 3),
        ("collections.append([1, 2], 3)", [1, 2, 3]),
        ("collections.prepend([2, 3], 1)", [1, 2, 3]),
        ("collections.concat([1], [2, 3])", [1, 2, 3]),
        ("collections.get([10, 20], 1)", 20),
        ("collections.get([10, 20], -1)", 20),
        ("collections.get([10, 20], 5)", None),
        ("collections.first([7, 8])", 7),
        ("collections.first([])", None),
        ("collections.last([7, 8])", 8),
        ("collections.last([])", None),
        ("collections.slice([1, 2, 3, 4], 1, 3)", [2, 3]),
        ("collections.slice([1, 2, 3, 4], 2)", [3, 4]),
        ("collections.slice([1, 2, 3, 4], -2)", [3, 4]),
        ("collections.reverse([1, 2, 3])", [3, 2, 1]),
        ("collections.contains([1, [2], {a: 3}], {a: 3})", True),
        ("collections.contains([1, 2], 1.0)", True),
        ("collections.contains([1, 2], 5)", False),
        ("collections.indexOf(['a', 'b'], 'b')", 1),
        ("collections.indexOf([[1], [2]], [2])", 1),
        ("collections.indexOf([1], 9)", -1),
        ("collections.filter([1, 2, 3, 4], fn(x) => x % 2 == 0)", [2, 4]),
        ("collections.map([1, 2, 3], fn(x) => x * 2)", [2, 4, 6]),
        ("collections.find([1, 8, 9], fn(x) => x > 7)", 8),
        ("collections.find([1], fn(x) => x > 7)", None),
        ("collections.reduce([1, 2, 3, 4], fn(a, x) => a + x, 0)", 10),
        ("collections.reduce([1, 2, 3], fn(a, x) => a * x)", 6),
        ("collections.reduce([], fn(a, x) => a + x, null)", None),
        ("collections.removeAt([1, 2, 3], 1)", [1, 3]),
        ("collections.isEmpty([])", True),
        ("collections.isEmpty([0])", False),
        ("collections.take([1, 2, 3], 2)", [1, 2]),
        ("collections.drop([1, 2, 3], 2)", [3]),
        ("collections.unique([1, 2, 2, 3, 1])", [1, 2, 3]),
        (
            "collections.unique([1, 1.0, true, [1], [1.0], {a: 1, b: 2}, {b: 2, a: 1}])",
            [1, [1], {"a": 1, "b": 2}],
        ),
        ("collections.unique([fn(x) => x][0:0] + ['a', 'a'])", ["a"]),
        ("collections.flatten([[1, 2], 3, [[4]]])", [1, 2, 3, [4]]),
        ("collections.zip([1, 2, 3], ['a', 'b'])", [[1, "a"], [2, "b"]]),
        ("collections.chunk([1, 2, 3, 4, 5], 2)", [[1, 2], [3, 4], [5]]),
        ("collections.chunk([], 3)", []),
        ("collections.every([2, 4], fn(x) => x % 2 == 0)", True),
        ("collections.every([], fn(x) => false)", True),
        ("collections.some([1, 4], fn(x) => x > 3)", True),
        ("collections.some([], fn(x) => true)", False),
        ("collections.sort([3, 1, 2.5])", [1, 2.5, 3]),
        ("collections.sort(['b', 'a'])", ["a", "b"]),
        ("collections.sort([[2], [1, 5]])", [[1, 5], [2]]),
        ("collections.sortBy(['hello', 'hi', 'world'], fn(s) => s.length)", ["hi", "hello", "world"]),
        ("collections.sortBy([{n: 2}, {n: 1}], fn(o) => [o.n])", [{"n": 1}, {"n": 2}]),
        ("collections.index_of([1, 2], 2)", 1),
        ("collections.remove_at([1, 2], 0)", [2]),
        ("collections.is_empty([1])", False),
    ],
)
def test_results(expr: str, expected: Any) -> None:
    assert value(expr) == expected


def test_inputs_are_never_changed() -> None:
    code = """import collections;
a = [3, 1, 2];
b = [[1], 2];
collections.append(a, 4); collections.prepend(a, 0); collections.sort(a); collections.reverse(a);
collections.removeAt(a, 0); collections.flatten(b); collections.sortBy(a, fn(x) => -x);
collections.concat(a, b); collections.unique(a); collections.chunk(a, 2);
result = [a, b];
"""
    r = mlpy.run(code)
    assert r.value == [[3, 1, 2], [[1], 2]]


def test_results_are_new_arrays() -> None:
    code = """import collections;
a = [1, 2];
c = collections.slice(a, 0);
c.push(3);
d = collections.take(a, 5);
d.push(4);
result = [a, c, d];
"""
    assert mlpy.run(code).value == [[1, 2], [1, 2, 3], [1, 2, 4]]


def test_callbacks_may_be_builtins_and_methods() -> None:
    assert value("collections.map([1, 2], str)") == ["1", "2"]
    assert value("collections.filter(['a', 'b', 'c'], ['b', 'c'].contains)") == ["b", "c"]
    assert value("collections.map([-1, 2], abs)") == [1, 2]


def test_module_is_a_value() -> None:
    assert value("typeof(collections)") == "module"
    assert value("typeof(collections.map)") == "function"
    assert value("str(collections)") == "<module collections>"


@pytest.mark.parametrize(
    ("code", "error_type", "column", "words"),
    [
        ("collections.removeAt([1], 5)", "IndexError", 10, "index 5 out of range"),
        ("collections.removeAt([1], -1)", "IndexError", 10, "out of range"),
        ("collections.chunk([1], 0)", "ValueError", 10, "size must be at least 1"),
        ("collections.chunk([1])", "TypeError", 10, "collections.chunk() takes 2 arguments but 1 was given"),
        ("collections.map('abc', fn(x) => x)", "TypeError", 10, "collections.map() expects an array"),
        ("collections.map([1], 5)", "TypeError", 10, "expects a function as transform, got number"),
        ("collections.map([1], fn(a, b) => a)", "TypeError", 10, "takes 2 arguments but 1 was given"),
        ("collections.reduce([], fn(a, x) => a)", "TypeError", 10, "empty list with no initial value"),
        ("collections.sort([1, 'a'])", "TypeError", 10, ""),
        ("collections.get([1], 1.5)", "TypeError", 10, "expects an integer as index"),
        ("collections.nope([1])", "TypeError", 10, "module collections has no member 'nope'"),
    ],
)
def test_errors_name_the_function_and_position(code: str, error_type: str, column: int, words: str) -> None:
    r = failure(f"import collections;\nresult = {code};")
    assert r.error_type == error_type
    assert (r.error_line, r.error_column) == (2, column)
    assert words in (r.error or "")


def test_error_in_a_callback_points_at_the_callback() -> None:
    code = "import collections;\nf = fn(x) => x + [1];\nresult = collections.map([1], f);"
    r = failure(code)
    assert r.error_type == "TypeError"
    assert r.error_line == 2


def test_errors_are_catchable() -> None:
    code = """import collections;
try { collections.removeAt([], 0); } except (e) { result = e.type; }
"""
    assert mlpy.run(code).value == "IndexError"


@pytest.mark.parametrize(
    "expr",
    [
        "collections.flatten([big, big])",
        "collections.concat(big, big)",
        "collections.append(big + big[0:4000], 1)",
    ],
)
def test_sizes_are_capped_before_allocating(expr: str) -> None:
    limits = Limits(max_array=10_000)
    code = f"import collections;\nbig = [0] * 6000;\nresult = {expr};"
    r = mlpy.run(code, limits=limits)
    assert r.error_type == "LimitError"
    assert "max_array" in (r.error or "")


def test_unique_of_many_distinct_arrays_is_fast() -> None:
    code = (
        "import collections;\nxs = [];\nfor (i in range(20000)) { xs.push([i, i]); }\n"
        "result = len(collections.unique(xs + xs));"
    )
    assert mlpy.run(code, timeout=5).value == 20000
