"""Outcomes are types (issue 11 §2): every failure has an `ErrorKind`, and the executor's own
outcomes (Overloaded, Cancelled) are errors of the public error tree, not strings."""

from __future__ import annotations

from collections.abc import Callable

import anyio
import pytest

import mlpy
from mlpy import ErrorKind, MLCancelledError, MLError, MLLimitError, MLOverloadedError, MLResult
from mlpy.executor import AsyncMLExecutor

Make = Callable[..., AsyncMLExecutor]


@pytest.mark.parametrize(
    ("code", "kind", "error_type"),
    [
        ("result = 1 +;", ErrorKind.SYNTAX, "SyntaxError"),
        ("result = __x;", ErrorKind.SECURITY, "SecurityError"),
        ("result = 1 + [];", ErrorKind.TYPE, "TypeError"),
        ("result = int('x');", ErrorKind.VALUE, "ValueError"),
        ("result = [][1];", ErrorKind.INDEX, "IndexError"),
        ("result = {}['k'];", ErrorKind.KEY, "KeyError"),
        ("result = nope;", ErrorKind.NAME, "NameError"),
        ("result = 1 / 0;", ErrorKind.ZERO_DIVISION, "ZeroDivisionError"),
        ('throw "x";', ErrorKind.ERROR, "Error"),
        ('throw {type: "NotFound", message: "m"};', ErrorKind.ERROR, "NotFound"),
        ('throw {type: "ValueError", message: "m"};', ErrorKind.VALUE, "ValueError"),
        ("function f() { return f(); } f();", ErrorKind.LIMIT, "LimitError"),
        ("while (true) {}", ErrorKind.TIMEOUT, "TimeoutError"),
    ],
)
def test_every_failure_has_a_kind(code: str, kind: ErrorKind, error_type: str) -> None:
    result = mlpy.run(code, timeout=0.2)
    assert (result.success, result.kind, result.error_type) == (False, kind, error_type)
    assert type(result.error_type) is str  # plain text for JSON, never the enum itself


def test_success_has_no_kind() -> None:
    assert mlpy.run("result = 1;").kind is None


def test_error_kind_values_are_the_error_type_strings() -> None:
    assert ErrorKind.of("TimeoutError") is ErrorKind.TIMEOUT
    assert ErrorKind.of("SomethingThrown") is ErrorKind.ERROR
    assert {k.value for k in ErrorKind} >= {"Overloaded", "Cancelled", "TimeoutError", "SyntaxError"}
    assert MLOverloadedError("m").kind is ErrorKind.OVERLOADED
    assert MLCancelledError("m").kind is ErrorKind.CANCELLED
    assert issubclass(MLCancelledError, MLLimitError)  # a script cannot catch it
    assert issubclass(MLOverloadedError, MLError)


@pytest.mark.anyio
async def test_overloaded_is_a_typed_result(make_executor: Make) -> None:
    executor = make_executor(max_workers=1, max_queue=0)
    results: list[MLResult] = []

    async def call() -> None:
        results.append(await executor.execute("while (true) {}", timeout=0.5))

    async with anyio.create_task_group() as tg:
        tg.start_soon(call)
        with anyio.fail_after(5):
            while executor.stats()["busy"] == 0:
                await anyio.sleep(0.01)
        refused = await executor.execute("result = 1;")
    assert refused.kind is ErrorKind.OVERLOADED
    assert refused.error is not None and refused.error.startswith("Overloaded: the executor is overloaded")
    assert refused.errors[0]["error_type"] == "Overloaded"
    assert results[0].kind is ErrorKind.TIMEOUT
    assert executor.stats()["rejected"] == 1


@pytest.mark.anyio
async def test_a_call_stopped_by_shutdown_is_cancelled(make_executor: Make) -> None:
    executor = make_executor(max_workers=1)
    results: list[MLResult] = []

    async def call(code: str) -> None:
        results.append(await executor.execute(code, timeout=10))

    async with anyio.create_task_group() as tg:
        tg.start_soon(call, "while (true) {}")
        with anyio.fail_after(5):
            while executor.stats()["busy"] == 0:
                await anyio.sleep(0.01)
        tg.start_soon(call, "result = 1;")  # queued behind it
        with anyio.fail_after(5):
            while executor.stats()["queued"] == 0:
                await anyio.sleep(0.01)
        executor.shutdown(wait=False, cancel=True)
    assert [r.kind for r in results] == [ErrorKind.CANCELLED, ErrorKind.CANCELLED]
    assert (executor.stats()["cancelled"], executor.stats()["failed"]) == (2, 0)
