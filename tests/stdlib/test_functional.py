"""The ``functional`` module (LANGUAGE.md §6.1) through real ML programs."""

from __future__ import annotations

from typing import Any

import pytest

import mlpy
from mlpy import Limits

PRELUDE = """import functional;
add3 = fn(a, b, c) => a + b + c;
add = fn(a, b) => a + b;
double = fn(x) => x * 2;
inc = fn(x) => x + 1;
isEven = fn(x) => x % 2 == 0;
"""


def value(expr: str, **kw: Any) -> Any:
    r = mlpy.run(f"{PRELUDE}result = {expr};", **kw)
    assert r.success, r.error
    return r.value


def failure(expr: str, **kw: Any) -> mlpy.MLResult:
    r = mlpy.run(f"{PRELUDE}result = {expr};", **kw)
    assert not r.success, r.value
    return r


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("functional.compose(double, inc)(5)", 12),
        ("functional.compose(fn(x) => x * x, double, fn(x) => x + 10)(5)", 900),
        ("functional.compose()(7)", 7),
        ("functional.compose(double, add)(2, 3)", 10),
        ("functional.composeAll([double, inc])(5)", 12),
        ("functional.pipe(double, inc)(5)", 11),
        ("functional.pipeAll([inc, double])(5)", 12),
        ("functional.curry(add3)(1)(2)(3)", 6),
        ("functional.curry(add3)(1, 2)(3)", 6),
        ("functional.curry(add3, 3)(1)()(2, 3)", 6),
        ("functional.curry(max, 2)(3)(9)", 9),
        ("functional.curry2(add)(5)(10)", 15),
        ("functional.partial(add3, 1, 2)(3)", 6),
        ("functional.partial_apply(add, 1)(2)", 3),
        ("functional.memoize(double)(21)", 42),
        ("functional.constant(7)()", 7),
        ("functional.constant(7)(1, 2)", 7),
        ("functional.identity([1])", [1]),
        (
            "functional.cond([[fn(x) => x < 10, fn(x) => 'small'], [fn(x) => true, fn(x) => 'big']])(50)",
            "big",
        ),
        ("functional.cond([[fn(x) => x < 10, fn(x) => 'small']])(50)", None),
        ("functional.ifElse(fn(x) => x > 0, double, fn(x) => -x)(-3)", 3),
        ("functional.juxt([inc, double])(5)", [6, 10]),
        ("functional.map(double, [1, 2, 3])", [2, 4, 6]),
        ("functional.map(fn(c) => c.upper(), 'ab')", ["A", "B"]),
        ("functional.map(double, range(3))", [0, 2, 4]),
        ("functional.filter(isEven, [1, 2, 3, 4])", [2, 4]),
        ("functional.reduce(add, [1, 2, 3], 10)", 16),
        ("functional.reduce(add, [1, 2, 3])", 6),
        ("functional.reduce(fn(a, x) => a, [], null)", None),
        ("functional.find(fn(x) => x > 7, [1, 8, 9])", 8),
        ("functional.find(fn(x) => x > 70, [1])", None),
        ("functional.some(isEven, [1, 3, 6])", True),
        ("functional.every(isEven, [2, 3])", False),
        ("functional.forEach(double, [1, 2])", None),
        ("functional.for_each(double, [])", None),
        (
            "functional.groupBy(fn(o) => o.t, [{t: 'a', n: 1}, {t: 'b', n: 2}, {t: 'a', n: 3}])",
            {"a": [{"t": "a", "n": 1}, {"t": "a", "n": 3}], "b": [{"t": "b", "n": 2}]},
        ),
        ("functional.group_by(fn(x) => x % 2, [1, 2, 3])", {"1": [1, 3], "0": [2]}),
        ("functional.groupBy(fn(x) => x > 1, [1, 2])", {"false": [1], "true": [2]}),
        ("functional.partition(isEven, [1, 2, 3, 4])", [[2, 4], [1, 3]]),
        ("functional.take(2, [1, 2, 3])", [1, 2]),
        ("functional.drop(2, [1, 2, 3])", [3]),
        ("functional.takeWhile(fn(x) => x < 3, [1, 2, 3, 1])", [1, 2]),
        ("functional.chunk(2, [1, 2, 3])", [[1, 2], [3]]),
        ("functional.flatten([[1], [2, 3], 4])", [1, 2, 3, 4]),
        ("functional.unique([1, 2, 1, 'a', 'a'])", [1, 2, "a"]),
        ("functional.zip([1, 2], ['a', 'b'], [true, false, null])", [[1, "a", True], [2, "b", False]]),
        ("functional.zip()", []),
        ("functional.zipWith(add, [1, 2], [10, 20, 30])", [11, 22]),
        ("functional.times(4, fn(i) => i * i)", [0, 1, 4, 9]),
        ("functional.times(-1, double)", []),
        ("functional.range(4)", [0, 1, 2, 3]),
        ("functional.range(2, 5)", [2, 3, 4]),
        ("functional.range(0, 10, 3)", [0, 3, 6, 9]),
        ("functional.range(3, 0, -1)", [3, 2, 1]),
        ("functional.repeat('x', 3)", ["x", "x", "x"]),
        ("functional.repeat(0, 0)", []),
        ("functional.reverse([1, 2, 3])", [3, 2, 1]),
        ("typeof(functional.compose(inc))", "function"),
    ],
)
def test_results(expr: str, expected: Any) -> None:
    assert value(expr) == expected


def test_memoize_calls_once_per_distinct_arguments() -> None:
    code = (
        PRELUDE
        + """calls = [];
slow = fn(x) => { calls.push(x); return typeof(x) + str(x); };
m = functional.memoize(slow);
out = [m(1), m(1), m(1.0), m(true), m([1, {a: 2}]), m([1, {a: 2}]), m("1")];
result = [out, len(calls)];
"""
    )
    r = mlpy.run(code)
    assert r.success, r.error
    out, calls = r.value
    assert out == [
        "number1",
        "number1",
        "number1.0",
        "booleantrue",
        'array[1, {"a": 2}]',
        'array[1, {"a": 2}]',
        "string1",
    ]
    assert calls == 5


def test_memoize_with_function_arguments_does_not_cache() -> None:
    code = (
        PRELUDE
        + "n = [];\nm = functional.memoize(fn(f) => { n.push(1); return f(1); });\n"
        + "m(inc);\nm(inc);\nresult = len(n);"
    )
    assert mlpy.run(code).value == 2


def test_memoize_cache_is_bounded_and_evicts_oldest() -> None:
    from mlpy.runtime.stdlib.functional import MEMO_SIZE

    code = (
        PRELUDE
        + f"""n = [0];
m = functional.memoize(fn(x) => {{ n[0] += 1; return x; }});
for (i in range({MEMO_SIZE + 1})) {{ m(i); }}
m({MEMO_SIZE});
m(0);
result = n[0];
"""
    )
    assert mlpy.run(code).value == MEMO_SIZE + 2


def test_memoize_cache_is_per_call() -> None:
    code = (
        PRELUDE
        + "n = [0];\nm = functional.memoize(fn(x) => { n[0] += 1; return x; });\nm(1);\nm(1);\nresult = n[0];"
    )
    assert mlpy.run(code).value == 1
    assert mlpy.run(code).value == 1


def test_recursive_memoized_function() -> None:
    code = (
        PRELUDE
        + """function fib(n) { return n < 2 ? n : mfib(n - 1) + mfib(n - 2); }
mfib = functional.memoize(fib);
result = mfib(80);
"""
    )
    assert mlpy.run(code).value == 23416728348467685


def test_builders_return_builtin_functions() -> None:
    from mlpy.runtime.builtins import BUILTINS
    from mlpy.runtime.stdlib.functional import _FUNCTIONS
    from mlpy.runtime.values import Builtin

    ml_abs = BUILTINS["abs"]
    built = [
        _FUNCTIONS[name](ml_abs) for name in ("compose", "pipe", "partial", "memoize", "curry2", "constant")
    ]
    built.append(_FUNCTIONS["curry"](ml_abs, 1))
    assert all(type(b) is Builtin for b in built)


def test_returning_a_built_function_to_the_host_is_an_error() -> None:
    r = mlpy.run(PRELUDE + "result = functional.compose(inc);")
    assert r.error_type == "TypeError"
    assert "function" in (r.error or "")


@pytest.mark.parametrize(
    ("expr", "error_type", "words"),
    [
        ("functional.curry(max)", "TypeError", "needs the arity of a builtin"),
        ("functional.curry(add, -1)", "ValueError", "arity must be between"),
        ("functional.compose(inc, 5)", "TypeError", "expects a function as each argument, got number"),
        ("functional.pipeAll([inc, 'x'])", "TypeError", "each of the functions"),
        ("functional.chunk(0, [1])", "ValueError", "size must be at least 1"),
        ("functional.range(0, 5, 0)", "ValueError", "step must not be 0"),
        ("functional.reduce(add, [])", "TypeError", "empty list with no initial value"),
        ("functional.map([1], double)", "TypeError", "expects a function as function, got array"),
        ("functional.map(double, {a: 1})", "TypeError", "expects an array as iterable, got object"),
        ("functional.groupBy(fn(x) => [x], [1])", "TypeError", "group key must be a string or number"),
        ("functional.curry2(add)(1, 2)", "TypeError", "takes 1 argument but 2 were given"),
        ("functional.cond([[inc]])", "TypeError", "[predicate, action] pairs"),
        ("functional.ifElse(inc, inc, 3)", "TypeError", "false function"),
        ("functional.compose()(1, 2)", "TypeError", "takes 1 argument but 2 were given"),
        ("functional.times(2)", "TypeError", "functional.times() takes 2 arguments but 1 was given"),
    ],
)
def test_errors(expr: str, error_type: str, words: str) -> None:
    r = failure(expr)
    assert r.error_type == error_type
    assert words in (r.error or "")
    assert (r.error_line, r.error_column) == (7, 10)


@pytest.mark.parametrize(
    "expr",
    [
        "functional.repeat(0, 1000001)",
        "functional.times(1000001, inc)",
        "functional.range(1000001)",
        "functional.range(0, 10000000000000000000000, 1)",
        "functional.flatten([[0] * 600000, [0] * 600000])",
        "functional.map(inc, 'x' * 1000001)",
    ],
)
def test_sizes_are_capped_before_allocating(expr: str) -> None:
    r = failure(expr, limits=Limits(max_array=1_000_000))
    assert r.error_type == "LimitError"
    assert "max_array" in (r.error or "")


def test_inputs_are_not_changed() -> None:
    code = PRELUDE + (
        "a = [3, 1, 2];\nfunctional.reverse(a);\nfunctional.map(double, a);\nfunctional.take(1, a);\n"
        "functional.unique(a);\nfunctional.partition(isEven, a);\nresult = a;"
    )
    assert mlpy.run(code).value == [3, 1, 2]


def test_callbacks_count_steps_and_time() -> None:
    code = PRELUDE + "result = functional.times(100000000, fn(i) => i);"
    r = mlpy.run(code, limits=Limits(max_steps=10_000, max_array=1_000_000_000))
    assert r.error_type == "LimitError"
    assert "max_steps" in (r.error or "")
