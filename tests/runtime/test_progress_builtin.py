"""The ``progress`` builtin (§5.1) reports to the sink of `mlpy.runtime.progress`."""

from __future__ import annotations

import time

import mlpy
from mlpy.runtime import builtins
from mlpy.runtime.progress import reporting


def test_reports_reach_the_sink_validated_and_cut() -> None:
    seen: list[tuple[float, str | None]] = []
    source = 'progress(0); progress(50, "half"); progress(99.5, "x" * 1000); result = 1;'
    with reporting(lambda p, m: seen.append((p, m))):
        result = mlpy.run(source)
    assert result.success, result.error
    assert seen == [(0.0, None), (50.0, "half"), (99.5, "x" * builtins.PROGRESS_MESSAGE_CHARS)]
    assert all(type(p) is float for p, _ in seen)


def test_a_refused_report_never_reaches_the_sink() -> None:
    seen: list[tuple[float, str | None]] = []
    with reporting(lambda p, m: seen.append((p, m))):
        result = mlpy.run("progress(150);")
    assert (result.error_type, result.error_line) == ("ValueError", 1)
    assert seen == []


def _run_time(source: str) -> float:
    result = mlpy.run(source, timeout=60)
    assert result.success, result.error
    return result.execution_time


def test_calling_it_a_million_times_is_cheap() -> None:
    """Cost: a call is a few hundred nanoseconds more than an empty loop step."""
    loop = "for (i in range(1000000)) { %s }"
    _run_time(loop % "x = i;")  # warm up
    empty = min(_run_time(loop % "x = i;") for _ in range(2))
    start = time.perf_counter()
    reporting_time = min(_run_time(loop % "progress(50);") for _ in range(2))
    assert time.perf_counter() - start < 30
    # generous: the loop with the call is at most ~15 times the empty one under load
    assert reporting_time < 15 * empty + 0.5, (reporting_time, empty)
