"""500 mixed calls at once: every result is right and no call sees another's state (§7.4)."""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from typing import Any

import anyio
import pytest

from mlpy import AsyncMLExecutor, MLResult

pytestmark = pytest.mark.anyio

Make = Callable[..., AsyncMLExecutor]

CALLER: contextvars.ContextVar[int] = contextvars.ContextVar("CALLER", default=-1)

#: the same host list handed to many calls: none of them may change it
SHARED = [0, 1, 2]

PROGRAMS: list[tuple[str, Callable[[int], Any]]] = [
    # (code using the context {"i": i, "shared": SHARED}, expected value for i)
    ("result = i * 3 + 1;", lambda i: i * 3 + 1),
    (
        "total = 0;\nfor (k in range(i)) { total += k; }\nresult = total;",
        lambda i: i * (i - 1) // 2,
    ),
    (
        "function f(x) { return x + 1000; }\nresult = f(i);",
        lambda i: i + 1000,
    ),
    (
        "function f(x) { return x - 1000; }\nresult = f(i);",  # same name, other body
        lambda i: i - 1000,
    ),
    (
        "shared.append(i);\nshared[0] = i;\nresult = shared;",
        lambda i: [i, 1, 2, i],
    ),
    (
        "if (i % 2 == 0) { leaked = i; }\ntry { seen = leaked; } except (e) { seen = e.type; }\n"
        "result = [i, seen];",
        lambda i: [i, i if i % 2 == 0 else "NameError"],  # never another call's `leaked`
    ),
    ("result = whoami();", lambda i: i),
    (
        'print("call", i);\nresult = len(str(i));',
        lambda i: len(str(i)),
    ),
    (
        "s = '';\nfor (c in str(i)) { s = c + s; }\nresult = s;",
        lambda i: str(i)[::-1],
    ),
    (
        "m = {};\nfor (k in range(i % 7)) { m[str(k)] = k * k; }\nresult = m;",
        lambda i: {str(k): k * k for k in range(i % 7)},
    ),
]


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_500_mixed_calls_return_correct_isolated_results(make_executor: Make) -> None:
    ex = make_executor(max_workers=4, max_queue=1000, functions={"whoami": CALLER.get})
    results: dict[int, MLResult] = {}

    async def call(i: int) -> None:
        CALLER.set(i)
        if i % 50 == 7:
            results[i] = await ex.execute("x = 1;\nwhile (true) { x += 1; }", timeout=0.3)
        elif i % 50 == 13:
            results[i] = await ex.execute(f"x = {i};\ny = x / 0;", timeout=30)
        else:
            code = PROGRAMS[i % len(PROGRAMS)][0]
            results[i] = await ex.execute(code, timeout=30, context={"i": i, "shared": SHARED})

    async with anyio.create_task_group() as tg:
        for i in range(500):
            tg.start_soon(call, i)

    assert len(results) == 500
    for i, result in results.items():
        if i % 50 == 7:
            assert result.error_type == "TimeoutError", i
        elif i % 50 == 13:
            assert (result.error_type, result.error_line) == ("ZeroDivisionError", 2), i
        else:
            index = i % len(PROGRAMS)
            assert result.success, (i, result.error)
            assert result.value == PROGRAMS[index][1](i), i
            assert result.stdout == (f"call {i}\n" if index == 7 else ""), i
    assert SHARED == [0, 1, 2]
    stats = ex.stats()
    assert stats["completed"] == 500 and stats["timed_out"] == 10 and stats["failed"] == 10
    assert stats["busy"] == 0 or stats["busy"] == stats["stuck"]
    assert threading.active_count() < 20  # the pool never grows past max_workers


async def test_concurrent_calls_of_one_program_share_nothing(make_executor: Make) -> None:
    """The cached program's code is shared; globals, output and mutations are not."""
    ex = make_executor(max_workers=4, max_queue=200)
    code = (
        "acc = [];\nfor (k in range(200)) { acc.append(seed); }\n"
        "print(seed);\nresult = [len(acc), acc[0], acc[199]];"
    )
    results: dict[int, MLResult] = {}

    async def call(seed: int) -> None:
        results[seed] = await ex.execute(code, context={"seed": seed})

    async with anyio.create_task_group() as tg:
        for seed in range(100):
            tg.start_soon(call, seed)
    for seed, result in results.items():
        assert result.value == [200, seed, seed] and result.stdout == f"{seed}\n"
