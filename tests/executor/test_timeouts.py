"""Timeouts that really stop the script, queue time, admission, cancellation and shutdown.

No assertion here depends on tight wall-clock times: where time matters, the bound is several
times what the code needs, so the tests hold on two busy shared cores.
"""

from __future__ import annotations

import math
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType

import anyio
import pytest

from mlpy import AsyncMLExecutor, Limits, MLResult

pytestmark = pytest.mark.anyio

Make = Callable[..., AsyncMLExecutor]


async def _until(predicate: Callable[[], bool], seconds: float = 5.0) -> None:
    """Wait (polling) until ``predicate()`` holds; fail the test after ``seconds``."""
    with anyio.fail_after(seconds):
        while not predicate():
            await anyio.sleep(0.01)


def _threads_running_ml() -> list[str]:
    """Names of threads whose stack holds a frame of generated ML code right now."""
    names = {t.ident: t.name for t in threading.enumerate()}
    running = []
    for ident, frame in sys._current_frames().items():
        f: FrameType | None = frame
        while f is not None:
            if f.f_code.co_filename.startswith("<ml"):
                running.append(names.get(ident, str(ident)))
                break
            f = f.f_back
    return running


@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_200_runaway_scripts_all_stop_and_free_the_workers(make_executor: Make) -> None:
    """200 ``while (true) {}`` on 4 workers: all time out, then nothing keeps burning CPU."""
    ex = make_executor(max_workers=4, max_queue=256)
    results: list[MLResult] = []

    async def one() -> None:
        results.append(await ex.execute("while (true) {}", timeout=0.2))

    async with anyio.create_task_group() as tg:
        for _ in range(200):
            tg.start_soon(one)

    assert len(results) == 200
    assert {r.error_type for r in results} == {"TimeoutError"}
    assert all("Execution timeout after 0.2 seconds" in (r.error or "") for r in results)
    ran = [r for r in results if r.error_line is not None]
    assert ran and all(r.error_line == 1 for r in ran)  # those that ran name the loop's line

    await _until(lambda: ex.stats()["busy"] == 0)
    assert _threads_running_ml() == []
    before = time.process_time()
    await anyio.sleep(1.0)
    assert time.process_time() - before < 0.5  # idle: no runaway thread burns CPU

    after = await ex.execute("result = 1;")
    assert after.success and after.value == 1
    stats = ex.stats()
    assert stats["timed_out"] == 200 and stats["succeeded"] == 1
    assert stats["busy"] == stats["stuck"] == stats["queued"] == 0


async def test_in_thread_deadline_reports_the_ml_line(make_executor: Make) -> None:
    ex = make_executor(max_workers=1)
    code = "function spin() {\n    total = 0;\n    while (true) { total += 1; }\n}\nspin();"
    result = await ex.execute(code, timeout=0.2)
    assert result.error_type == "TimeoutError"
    assert result.error_line == 3
    assert result.error == "TimeoutError at line 3, column 5: Execution timeout after 0.2 seconds"
    assert result.steps > 0
    assert ex.stats()["busy"] == 0  # the worker is free as soon as the result is back


async def test_slow_iterations_are_stopped_at_the_deadline_not_after_a_chunk(make_executor: Make) -> None:
    """The deadline check would come only every 1024 steps; the cancel forces it at once.

    The stop is reported where the script was when it noticed: at the loop's step check
    (line 2) or, since a stop disarms the call's guards and host functions, at the next
    guarded operation inside the loop (line 4, ``i += 1``).
    """
    naps: list[int] = []

    def nap() -> None:
        naps.append(1)
        time.sleep(0.02)

    ex = make_executor(max_workers=1, functions={"nap": nap})
    result = await ex.execute("i = 0;\nwhile (true) {\n    nap();\n    i += 1;\n}", timeout=0.3)
    assert result.error_type == "TimeoutError" and result.error_line in (2, 3, 4)
    await _until(lambda: ex.stats()["busy"] == 0)
    assert len(naps) < 200  # stopped long before the next regular check (1024 naps, 20 s)


async def test_awaiting_side_returns_when_the_script_is_stuck_in_a_host_function(make_executor: Make) -> None:
    """A blocking host function: execute returns at deadline + grace, the thread stops later."""
    release = threading.Event()
    after_block: list[int] = []
    ex = make_executor(
        max_workers=1,
        grace=0.1,
        functions={"block": lambda: release.wait(10), "mark": lambda: after_block.append(1)},
    )
    started = time.monotonic()
    result = await ex.execute("x = 1;\nblock();\nwhile (true) { mark(); }", timeout=0.2)
    elapsed = time.monotonic() - started
    assert result.error_type == "TimeoutError"
    assert result.error == "TimeoutError at line 2, column 1: Execution timeout after 0.2 seconds"
    assert elapsed < 5.0  # without the backstop it would wait for the host function (10 s)
    stats = ex.stats()
    assert (stats["busy"], stats["stuck"]) == (1, 1)  # the thread keeps its slot meanwhile

    release.set()
    await _until(lambda: ex.stats()["busy"] == 0)
    assert after_block == []  # the loop's first budget check stopped it
    assert ex.stats()["stuck"] == 0
    assert (await ex.execute("result = 7;")).value == 7


@pytest.mark.parametrize(
    "timeout",
    [0, -1, 0.0, -0.5, math.nan, math.inf, "5", True, [1], 10**400],
    ids=["0", "-1", "0.0", "-0.5", "nan", "inf", "str", "bool", "list", "huge-int"],
)
async def test_bad_timeouts_are_value_errors(executor: AsyncMLExecutor, timeout: object) -> None:
    with pytest.raises(ValueError, match="timeout"):
        await executor.execute("result = 1;", timeout=timeout)  # type: ignore[arg-type]
    assert executor.stats()["completed"] == 0


async def test_timeout_none_uses_the_default(make_executor: Make) -> None:
    ex = make_executor(max_workers=1, default_timeout=0.15)
    result = await ex.execute("while (true) {}")
    assert result.error == "TimeoutError at line 1, column 1: Execution timeout after 0.15 seconds"
    from_limits = make_executor(max_workers=1, limits=Limits(timeout=0.1))
    assert from_limits.default_timeout == 0.1
    result = await from_limits.execute("while (true) {}", timeout=None)
    assert "after 0.1 seconds" in (result.error or "")
    result = await from_limits.execute("n = 0;\nwhile (n < 10) { n += 1; }\nresult = n;", timeout=3)
    assert result.value == 10


async def test_queue_time_counts_toward_the_timeout(make_executor: Make) -> None:
    """Behind a 0.4 s call on one worker, a 0.6 s call gets only what is left of its timeout."""
    ex = make_executor(max_workers=1, functions={"sleep": time.sleep})
    results: dict[str, MLResult] = {}

    async def run(name: str, code: str, timeout: float) -> None:
        results[name] = await ex.execute(code, timeout=timeout)

    async with anyio.create_task_group() as tg:
        tg.start_soon(run, "first", "sleep(0.4);\nresult = 1;", 5.0)
        await _until(lambda: ex.stats()["busy"] == 1)
        tg.start_soon(run, "second", "while (true) {}", 0.6)
        tg.start_soon(run, "third", "result = 3;", 0.1)  # its whole timeout goes by in the queue
    first, second, third = results["first"], results["second"], results["third"]
    assert first.value == 1 and first.queue_time < 0.4
    assert second.error_type == "TimeoutError" and second.error_line == 1
    assert second.queue_time >= 0.2
    assert second.queue_time + second.execution_time < 0.6 + 0.5
    assert second.execution_time < 0.5  # it ran for what was left, not for 0.6 s
    assert third.error == "TimeoutError: Execution timeout after 0.1 seconds"
    assert third.queue_time >= 0.09 and third.steps == 0


async def test_overloaded_when_the_queue_is_full(make_executor: Make) -> None:
    release = threading.Event()
    ex = make_executor(max_workers=1, max_queue=2, functions={"block": lambda: release.wait(10)})
    results: list[MLResult] = []

    async def run(code: str) -> None:
        results.append(await ex.execute(code, timeout=20))

    async with anyio.create_task_group() as tg:
        tg.start_soon(run, "block();\nresult = 0;")
        await _until(lambda: ex.stats()["busy"] == 1)
        tg.start_soon(run, "result = 1;")
        tg.start_soon(run, "result = 2;")
        await _until(lambda: ex.stats()["queued"] == 2)
        refused = await ex.execute("result = 3;")
        assert not release.is_set()  # it returned at once, while the others still wait
        assert refused.error_type == "Overloaded" and not refused.success
        assert "max_queue" in (refused.error or "")
        release.set()
    assert sorted(r.value for r in results) == [0, 1, 2]
    stats = ex.stats()
    assert stats["rejected"] == 1 and stats["succeeded"] == 3


async def test_max_queue_zero_still_runs_on_idle_workers(make_executor: Make) -> None:
    ex = make_executor(max_workers=2, max_queue=0)
    assert (await ex.execute("result = 1;")).value == 1


async def test_caller_cancellation_stops_the_script(make_executor: Make) -> None:
    ex = make_executor(max_workers=1)
    with anyio.move_on_after(0.3):
        await ex.execute("while (true) {}", timeout=30)
    await _until(lambda: ex.stats()["busy"] == 0)
    stats = ex.stats()
    assert stats["cancelled"] == 1 and stats["stuck"] == 0
    assert (await ex.execute("result = 'free';")).value == "free"


async def test_cancelled_while_queued_never_runs(make_executor: Make) -> None:
    release = threading.Event()
    ran: list[int] = []
    ex = make_executor(
        max_workers=1, functions={"block": lambda: release.wait(10), "ran": lambda: ran.append(1)}
    )
    async with anyio.create_task_group() as tg:
        tg.start_soon(ex.execute, "block();")
        await _until(lambda: ex.stats()["busy"] == 1)
        with anyio.move_on_after(0.1):
            await ex.execute("ran();", timeout=30)
        assert ex.stats()["queued"] == 0
        release.set()
    await _until(lambda: ex.stats()["busy"] == 0)
    assert ran == []


async def test_aclose_cancels_running_and_queued_calls() -> None:
    ex = AsyncMLExecutor(max_workers=1)
    results: list[MLResult] = []

    async def run() -> None:
        results.append(await ex.execute("while (true) {}", timeout=30))

    async with anyio.create_task_group() as tg:
        tg.start_soon(run)
        tg.start_soon(run)
        await _until(lambda: ex.stats()["busy"] == 1 and ex.stats()["queued"] == 1)
        with anyio.fail_after(10):
            await ex.aclose()
    assert [r.error_type for r in results] == ["Cancelled", "Cancelled"]
    assert all("shut down" in (r.error or "") for r in results)
    assert ex.stats()["busy"] == 0 and _threads_running_ml() == []
