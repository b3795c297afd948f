"""Two calls share nothing (LANGUAGE.md §7.4): sequentially, from many threads, and in the executor.

Each leakage test runs a *writer* call that changes everything it can reach (globals, builtins
it shadows, module state, output, its context copy, a limit hit...) and then a *reader* call
that looks for the change; the reader must see a fresh world.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

import mlpy
from mlpy import Limits

# -- sequential leakage ----------------------------------------------------------------------------

LEAKS: list[tuple[str, str, str, Callable[[mlpy.MLResult], bool]]] = [
    ("global", "secret = 42;", "result = secret;", lambda r: r.error_type == "NameError"),
    ("function", "function f() { return 1; }", "result = f();", lambda r: r.error_type == "NameError"),
    (
        "shadowed-builtins",
        "print = fn(x) => 0; len = 5; str = null; range = {};",
        'print("hi"); result = [len([1]), str(2), len(range(3))];',
        lambda r: r.value == [1, "2", 3] and r.stdout == "hi\n",
    ),
    ("output", 'print("secret output");', "result = 1;", lambda r: r.stdout == ""),
    (
        "module-member",
        "import math; try { math.pi = 3; } except (e) {}",
        "import math; result = math.pi > 3.1;",
        lambda r: r.value is True,
    ),
    (
        "log-level",
        'import log; log.set_level("CRITICAL");',
        'import log; log.info("visible");',
        lambda r: "visible" in r.stdout,
    ),
    (
        "limit-hit",
        "while (true) {}",
        "n = 0; for (i in range(1000)) { n += i; } result = n;",
        lambda r: r.value == 499500,
    ),
    (
        "thrown",
        'throw {type: "Poison", message: "m"};',
        "result = 1;",
        lambda r: r.success and r.value == 1,
    ),
    (
        "memoized",
        "import functional; f = functional.memoize(fn(x) => x * 2); f(1);",
        "import functional; g = functional.memoize(fn(x) => x * 3); result = g(1);",
        lambda r: r.value == 3,
    ),
]


@pytest.mark.parametrize(
    ("writer", "reader", "fresh"), [leak[1:] for leak in LEAKS], ids=[leak[0] for leak in LEAKS]
)
def test_nothing_leaks_to_the_next_call(
    writer: str, reader: str, fresh: Callable[[mlpy.MLResult], bool]
) -> None:
    limits = Limits(max_steps=100_000)
    mlpy.run(writer, limits=limits)
    result = mlpy.run(reader, limits=limits)
    assert fresh(result), result


def test_random_seed_belongs_to_the_call() -> None:
    seeded = "import random; random.setSeed(7); result = [random.random(), random.random()];"
    expected = mlpy.run(seeded).value
    assert mlpy.run(seeded).value == expected  # a seed makes one call reproducible...
    mlpy.run("import random; random.setSeed(7);")
    unseeded = mlpy.run("import random; result = [random.random(), random.random()];").value
    assert unseeded != expected  # ...and never reaches the next call


def test_context_copies_are_per_call() -> None:
    context = {"data": {"n": 1, "items": [1]}}
    first = mlpy.run("data.n = 2; data.items.push(2); result = data;", context)
    second = mlpy.run("result = data;", context)
    assert first.value == {"n": 2, "items": [1, 2]}
    assert second.value == {"n": 1, "items": [1]}


def test_cached_program_runs_fresh_each_time() -> None:
    code = "function f() { a = []; a.push(x); return a; } acc = [f(), f()]; result = acc;"
    assert mlpy.run(code, {"x": 1}).value == [[1], [1]]
    assert mlpy.run(code, {"x": 2}).value == [[2], [2]]


def test_host_functions_and_grants_are_per_call() -> None:
    assert mlpy.run("result = hf();", functions={"hf": lambda: 1}).value == 1
    assert mlpy.run("result = hf();").error_type == "NameError"
    assert mlpy.run("import env; result = 1;", capabilities={"env": ["HOME"]}).success
    assert mlpy.run("import env; result = 1;").error_type == "SecurityError"


def test_strict_mode_is_not_bypassed_by_the_program_cache() -> None:
    code = 'x = getattr({}, "a"); result = 1;'
    assert mlpy.run(code).success  # compiled and cached without strict mode
    assert mlpy.run(code, strict_security=True).error_type == "SecurityError"


def test_a_stopped_call_does_not_stop_the_next() -> None:
    limits = Limits(max_steps=10_000)
    assert (
        mlpy.run(
            "function f() { try { while (true) {} } finally { return 1; } } result = f();", limits=limits
        ).error_type
        == "LimitError"
    )
    after = mlpy.run("for (i in range(100)) {} result = 2;", limits=limits)
    assert after.success and after.value == 2


# -- many calls at once ----------------------------------------------------------------------------


def _program(i: int) -> tuple[str, dict[str, Any], Any, str]:
    """A call that computes something of its own from its context ``n`` and prints it; every
    seventh one runs away and must time out alone."""
    if i % 7 == 3:
        return "while (true) { spin = n; }", {"n": i}, None, ""
    code = (
        "mine = n; acc = []; for (k in range(50)) { acc.push(mine); } "
        "import random; random.setSeed(n); r = random.randomInt(0, 1000000); "
        'try { other = spin; seen = "leaked"; } except (e) { seen = e.type; } '
        'print("call", n); result = {n: mine, sum: sum(acc), r: r, seen: seen};'
    )
    # `spin` is a global of the runaway calls running at the same time: never visible here
    return code, {"n": i}, {"n": i, "sum": 50 * i, "seen": "NameError"}, f"call {i}\n"


def _expected_random(i: int) -> int:
    value = mlpy.run(
        "import random; random.setSeed(n); result = random.randomInt(0, 1000000);", {"n": i}
    ).value
    assert isinstance(value, int)
    return value


def _check(i: int, result: mlpy.MLResult, seeds: dict[int, int]) -> None:
    _, _, expected, stdout = _program(i)
    if expected is None:
        assert result.error_type == "TimeoutError", (i, result.error)
        return
    assert result.success, (i, result.error)
    assert result.stdout == stdout
    value = dict(result.value)
    assert value.pop("r") == seeds[i]
    assert value == expected


def test_concurrent_threads_are_isolated() -> None:
    count = 150
    seeds = {i: _expected_random(i) for i in range(count)}
    order = list(range(count))
    random.Random(5).shuffle(order)

    def one(i: int) -> tuple[int, mlpy.MLResult]:
        code, context, _, _ = _program(i)
        return i, mlpy.run(code, context, timeout=0.3 if i % 7 == 3 else 20.0)

    with ThreadPoolExecutor(max_workers=24) as pool:
        results = list(pool.map(one, order))
    for i, result in results:
        _check(i, result, seeds)


def test_concurrent_executor_calls_are_isolated() -> None:
    executor_module = pytest.importorskip("mlpy.executor")
    count = 120
    seeds = {i: _expected_random(i) for i in range(count)}

    async def main() -> list[mlpy.MLResult]:
        async with executor_module.AsyncMLExecutor(max_workers=4, max_queue=count) as ex:
            calls = []
            for i in range(count):
                code, context, _, _ = _program(i)
                calls.append(ex.execute(code, timeout=0.3 if i % 7 == 3 else 20.0, context=context))
            results = await asyncio.gather(*calls)
            after = await ex.execute("result = typeof(mine);", timeout=1.0)
            assert after.error_type == "NameError"  # nothing of the calls stayed behind
            return list(results)

    for i, result in enumerate(asyncio.run(main())):
        _check(i, result, seeds)


def test_concurrent_seeded_random_is_per_call() -> None:
    code = (
        "import random; random.setSeed(n); out = [];"
        " for (i in range(20)) { out.push(random.randomInt(0, 9)); } result = out;"
    )
    expected = {n: mlpy.run(code, {"n": n}).value for n in range(20)}

    def one(n: int) -> tuple[int, Any]:
        return n, mlpy.run(code, {"n": n}).value

    with ThreadPoolExecutor(max_workers=20) as pool:
        for n, value in pool.map(one, [n for n in range(20) for _ in range(5)]):
            assert value == expected[n]
