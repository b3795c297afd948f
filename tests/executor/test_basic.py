"""AsyncMLExecutor basics on asyncio and trio: results, errors as results, the API surface."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

import mlpy
from mlpy import AsyncMLExecutor, Limits, MLResult
from mlpy.compiler.program import compile_ml

pytestmark = pytest.mark.anyio

Make = Callable[..., AsyncMLExecutor]


async def test_runs_a_script_with_context(executor: AsyncMLExecutor) -> None:
    """The contract example: context values become variables, ``result`` comes back."""
    result = await executor.execute("result = x + y;", timeout=5.0, context={"x": 10, "y": 20})
    assert (result.success, result.value, result.error, result.error_type) == (True, 30, None, None)
    assert result.execution_time >= 0 and result.transpile_time >= 0 and result.queue_time >= 0
    assert isinstance(result, MLResult)


async def test_runtime_error_is_a_result_with_the_ml_line(executor: AsyncMLExecutor) -> None:
    result = await executor.execute("x = 1;\nresult = x + [2];")
    assert not result.success
    assert result.error_type == "TypeError"
    assert (result.error_line, result.error_column) == (2, 10)
    assert result.error == "TypeError at line 2, column 10: cannot add number and array"


async def test_compile_error_is_a_result(executor: AsyncMLExecutor) -> None:
    result = await executor.execute("x = 1 +;")
    assert not result.success and result.error_type == "SyntaxError"
    assert result.error_line == 1 and result.errors[0]["line"] == 1


async def test_stdout_and_structured_values(executor: AsyncMLExecutor) -> None:
    code = 'print("hi", [1, {a: true}]);\nresult = {n: null, xs: [1.5, "s"]};'
    result = await executor.execute(code)
    assert result.stdout == 'hi [1, {"a": true}]\n'
    assert result.value == {"n": None, "xs": [1.5, "s"]}


async def test_accepts_bytes_and_compiled_programs(executor: AsyncMLExecutor) -> None:
    assert (await executor.execute(b"result = 2 * 21;")).value == 42
    program = compile_ml("result = k + 1;")
    assert (await executor.execute(program, context={"k": 1})).value == 2


async def test_code_of_another_type_is_the_callers_type_error(executor: AsyncMLExecutor) -> None:
    with pytest.raises(TypeError, match="str, bytes or Program"):
        await executor.execute(42)  # type: ignore[arg-type]


async def test_same_result_type_as_mlpy_run(executor: AsyncMLExecutor) -> None:
    code = "function f(n) { return n < 2 ? n : f(n - 1) + f(n - 2); }\nresult = f(15);"
    via_executor = await executor.execute(code)
    via_run = mlpy.run(code)
    assert type(via_executor) is type(via_run)
    assert via_executor.value == via_run.value == 610
    assert via_executor.steps == via_run.steps


async def test_integration_import_path() -> None:
    from mlpy.integration import AsyncMLExecutor as Legacy
    from mlpy.integration import AsyncMLResult

    assert Legacy is AsyncMLExecutor and AsyncMLResult is MLResult
    async with Legacy(max_workers=1) as ex:
        result: AsyncMLResult = await ex.execute("result = 'ok';")
    assert result.value == "ok"


async def test_async_with_shuts_down_and_later_calls_raise() -> None:
    async with AsyncMLExecutor(max_workers=1) as ex:
        assert (await ex.execute("result = 1;")).value == 1
    assert ex.stats()["closed"] == 1
    with pytest.raises(RuntimeError, match="shut down"):
        await ex.execute("result = 1;")


async def test_sync_shutdown_waits_for_threads() -> None:
    ex = AsyncMLExecutor(max_workers=2)
    assert (await ex.execute("result = 1;")).value == 1
    ex.shutdown(wait=True)
    with pytest.raises(RuntimeError):
        await ex.execute("result = 1;")


async def test_stats_count_outcomes(make_executor: Make) -> None:
    ex = make_executor(max_workers=1)
    await ex.execute("result = 1;")
    await ex.execute("result = 1 / 0;")
    await ex.execute("result = ;")
    await ex.execute("while (true) {}", timeout=0.05)
    stats = ex.stats()
    assert stats["workers"] == 1 and stats["busy"] == 0 and stats["queued"] == 0
    assert (stats["succeeded"], stats["failed"], stats["timed_out"]) == (1, 2, 1)
    assert stats["completed"] == 4 and stats["rejected"] == 0 and stats["cancelled"] == 0


@pytest.mark.parametrize(
    "options",
    [
        {"max_workers": 0},
        {"max_workers": 1.5},
        {"max_queue": -1},
        {"grace": -1},
        {"grace": math.nan},
        {"default_timeout": 0},
        {"capabilities": {"root": ["/"]}},
        {"functions": {"__import__": print}},
    ],
    ids=["workers0", "workers-float", "queue-neg", "grace-neg", "grace-nan", "default0", "cap", "fn-name"],
)
def test_bad_executor_options_are_value_errors(options: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        AsyncMLExecutor(**options)  # type: ignore[arg-type]


def test_non_callable_host_function_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="'f' is not callable"):
        AsyncMLExecutor(functions={"f": 3})  # type: ignore[dict-item]


async def test_executor_limits_apply_to_every_call(make_executor: Make) -> None:
    ex = make_executor(max_workers=1, limits=Limits(max_steps=5_000))
    result = await ex.execute("i = 0;\nwhile (true) { i += 1; }")
    assert result.error_type == "LimitError" and "max_steps" in (result.error or "")
    assert ex.default_timeout == 5.0
