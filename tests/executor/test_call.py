"""One host boundary (issue 11 §1): `mlpy.run` and `AsyncMLExecutor.execute` build the same
`mlpy.call.Call`, so the same bad input gets the same error, both take a compiled `Program`,
both compile under the call's deadline, and neither spends the deadline building the parser."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from typing import Any

import anyio
import pytest

import mlpy
from mlpy import ErrorKind, Program, deadline
from mlpy.compiler.program import compile_ml
from mlpy.executor import AsyncMLExecutor

Make = Callable[..., AsyncMLExecutor]

#: (keyword arguments of one call, the exception, the message): each a host mistake
BAD_CALLS: list[tuple[dict[str, Any], type[Exception], str]] = [
    ({"code": 123}, TypeError, "ML code must be a str, bytes or Program, not int"),
    ({"code": ["x"]}, TypeError, "ML code must be a str, bytes or Program, not list"),
    ({"context": [1]}, TypeError, "context must be a dict, not list"),
    ({"context": {"1x": 1}}, ValueError, "context key '1x' is not an ML identifier"),
    ({"context": {"x": {1, 2}}}, TypeError, "context['x']: set is not a JSON-like value"),
    ({"timeout": -1}, ValueError, "timeout must be a positive number of seconds, got -1"),
    ({"timeout": float("nan")}, ValueError, "timeout must be a positive number of seconds, got nan"),
    ({"timeout": "5"}, ValueError, "timeout must be a number of seconds, not str"),
    ({"functions": {"bad name": len}}, ValueError, "host function name 'bad name' is not an ML identifier"),
    ({"functions": {"f": 3}}, TypeError, "host function 'f' is not callable"),
    ({"functions": [len]}, TypeError, "functions must be a dict of name to callable, not list"),
    ({"capabilities": {"disk": ["/"]}}, ValueError, "unknown capability 'disk'"),
    ({"capabilities": {"env": "HOME"}}, ValueError, "capability 'env' must be a list of strings"),
    ({"partition": 7}, TypeError, "partition must be a str or None, not int"),
]


def _error_of(fn: Callable[[], object]) -> tuple[type[BaseException], str]:
    try:
        fn()
    except (TypeError, ValueError) as e:
        return type(e), str(e)
    raise AssertionError("no error")


@pytest.mark.parametrize(("call", "kind", "message"), BAD_CALLS, ids=[str(c) for c, _, _ in BAD_CALLS])
@pytest.mark.anyio
async def test_the_same_bad_input_is_the_same_error_everywhere(
    make_executor: Make, call: dict[str, Any], kind: type[Exception], message: str
) -> None:
    options = {"code": "result = 1;", **call}
    code = options.pop("code")
    from_run = _error_of(lambda: mlpy.run(code, **options))
    executor = make_executor(max_workers=1)
    try:
        await executor.execute(code, **options)
    except (TypeError, ValueError) as e:
        from_execute: tuple[type[BaseException], str] = (type(e), str(e))
    else:
        raise AssertionError("execute accepted it")
    assert from_run == from_execute
    assert from_run[0] is kind and message in from_run[1]
    assert executor.stats()["queued"] == executor.stats()["busy"] == 0  # nothing was queued


@pytest.mark.parametrize("code", [123, None, 1.5, memoryview(b"x = 1;")])
@pytest.mark.anyio
async def test_code_that_is_not_text_is_one_type_error_for_all_four(make_executor: Make, code: Any) -> None:
    """`run`, `check`, `transpile` and `execute` answer it alike (LANGUAGE.md §7.1: the host's
    mistake is the host's exception)."""
    message = f"ML code must be a str, bytes or Program, not {type(code).__name__}"
    executor = make_executor(max_workers=1)
    for entry in (mlpy.run, mlpy.check, mlpy.transpile):
        with pytest.raises(TypeError) as caught:
            entry(code)
        assert str(caught.value) == message
    with pytest.raises(TypeError) as caught:
        await executor.execute(code)
    assert str(caught.value) == message


def test_bytes_that_are_not_utf8_are_the_scripts_error_everywhere() -> None:
    """Bad UTF-8 is a fault of the script, not of the host: a SyntaxError result with its place."""
    code = b"x = 1;\ny = '\xff';"
    result = mlpy.run(code)
    assert (result.kind, result.error_line, result.error_column) == (ErrorKind.SYNTAX, 2, 6)
    assert [e.error_type for e in mlpy.check(code)] == ["SyntaxError"]
    with pytest.raises(mlpy.MLCheckErrors):
        mlpy.transpile(code)


@pytest.mark.anyio
async def test_run_and_execute_take_a_compiled_program(make_executor: Make) -> None:
    program = compile_ml("result = x * 2;")
    assert isinstance(program, Program)
    assert mlpy.run(program, {"x": 4}).value == 8
    assert (await make_executor(max_workers=1).execute(program, context={"x": 5})).value == 10
    assert mlpy.check(program) == []
    assert mlpy.transpile(program) == program.python_source


@pytest.mark.anyio
async def test_a_strict_call_refuses_a_program_compiled_without_strict_mode(make_executor: Make) -> None:
    program = compile_ml("result = 1;")
    message = "strict_security needs a Program compiled with strict=True"
    with pytest.raises(ValueError, match=message):
        mlpy.run(program, strict_security=True)
    with pytest.raises(ValueError, match=message):
        await make_executor(max_workers=1, strict_security=True).execute(program)
    strict = compile_ml("result = 1;", strict=True)
    assert mlpy.run(strict, strict_security=True).value == 1


#: a program that takes a visible time to compile (about 30 ms and more)
_BIG = "\n".join(f"v{i} = [{i}, {{a: {i}, b: 'x{i}'}}, fn(q) => q + {i}];" for i in range(600))


def test_a_cached_program_reports_its_own_compile_time_not_the_first() -> None:
    source = _BIG + f"\nresult = {time.time_ns()};"  # never compiled before
    first = mlpy.run(source)
    again = mlpy.run(source)
    assert first.success and again.success
    assert first.transpile_time > 0.01
    assert again.transpile_time < first.transpile_time / 5
    assert mlpy.run(compile_ml(source)).transpile_time == 0.0  # a Program given: nothing compiled


def test_the_cache_is_partitioned_by_caller() -> None:
    source = f"result = {time.time_ns()};"
    mine = compile_ml(source, partition="alice")
    assert compile_ml(source, partition="alice") is mine
    theirs = compile_ml(source, partition="bob")
    assert theirs is not mine and compile_ml(source) not in (mine, theirs)


def test_a_partitioned_run_compiles_again_for_another_caller() -> None:
    """The timing signal of issue 12 item 8: a script another caller ran is not faster for me."""
    source = _BIG + f"\nresult = {time.time_ns()};"
    first = mlpy.run(source, partition="alice")
    cached = mlpy.run(source, partition="alice")
    other = mlpy.run(source, partition="bob")
    assert cached.transpile_time < first.transpile_time / 5
    assert other.transpile_time > cached.transpile_time * 5


@pytest.mark.anyio
async def test_execute_passes_the_partition_to_the_cache(make_executor: Make) -> None:
    source = _BIG + f"\nresult = {time.time_ns()};"
    executor = make_executor(max_workers=1)
    first = await executor.execute(source, partition="alice")
    cached = await executor.execute(source, partition="alice")
    other = await executor.execute(source, partition="bob")
    assert first.success and cached.success and other.success
    assert cached.transpile_time < first.transpile_time / 5 < other.transpile_time


def _slow_compile(seconds: float) -> Callable[..., Program]:
    """A stand-in for `compile_ml` that compiles for ``seconds`` and looks at the deadline,
    as the front end's loops do (`mlpy.deadline.check`)."""

    def compile_slowly(source: str, **options: Any) -> Program:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            deadline.check()
            time.sleep(0.005)
        return compile_ml(source, **options)

    return compile_slowly


def test_run_compiles_under_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("mlpy.call.compile_ml", _slow_compile(30))
    started = time.monotonic()
    result = mlpy.run("result = 1;", timeout=0.3)
    assert result.kind is ErrorKind.TIMEOUT
    assert result.error == "TimeoutError: Execution timeout after 0.3 seconds (while compiling)"
    assert time.monotonic() - started < 5


@pytest.mark.anyio
async def test_a_compile_past_the_deadline_frees_its_worker(
    make_executor: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("mlpy.call.compile_ml", _slow_compile(30))
    executor = make_executor(max_workers=1, grace=0.1)
    slow = await executor.execute("result = 1;", timeout=0.3)
    assert slow.kind is ErrorKind.TIMEOUT
    monkeypatch.setattr("mlpy.call.compile_ml", compile_ml)
    with anyio.fail_after(5):  # the one worker is free again: it stopped compiling
        while executor.stats()["busy"]:
            await anyio.sleep(0.01)
    after = await executor.execute("result = 2;", timeout=5)
    assert after.value == 2


_FRESH = textwrap.dedent(
    """
    import sys, anyio, mlpy
    print(mlpy.run("result = 1 + 1;", timeout=float(sys.argv[1])).value)

    async def main() -> None:
        async with mlpy.AsyncMLExecutor(max_workers=1) as ex:
            print((await ex.execute("result = 2 + 2;", timeout=float(sys.argv[1]))).value)

    anyio.run(main)
    """
)


def test_building_the_parser_is_not_spent_from_the_first_calls_timeout() -> None:
    """In a fresh process the parser is built before the deadline starts: a 50 ms timeout is
    enough for the first call of `run` and of the executor, however long the build takes."""
    done = subprocess.run([sys.executable, "-c", _FRESH, "0.05"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2", "4"]


def test_results_are_immutable() -> None:
    result = mlpy.run("result = 1;")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.value = 2  # type: ignore[misc]
