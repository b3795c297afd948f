"""Executor costs: warm and cold call overhead, throughput at concurrency 1/8/64, and
event-loop latency while the worker pool is saturated.

Run: .venv/bin/python benchmarks/bench_executor.py
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median, percentile, table  # noqa: E402

from mlpy import AsyncMLExecutor  # noqa: E402
from mlpy.compiler.program import clear_cache  # noqa: E402

TRIVIAL = "result = 2 + 2;"
CALLS = 2_000


async def warm_call_overhead() -> tuple[float, float, float]:
    """Per-call seconds: warm execute of a cached program, the bare pool round trip, cold execute."""
    async with AsyncMLExecutor(max_workers=4) as ex:
        await ex.execute(TRIVIAL)
        start = time.perf_counter()
        for _ in range(CALLS):
            await ex.execute(TRIVIAL)
        warm = (time.perf_counter() - start) / CALLS
        cold_samples = []
        for i in range(200):
            clear_cache()
            t0 = time.perf_counter()
            await ex.execute(f"result = {i} + 2;")
            cold_samples.append(time.perf_counter() - t0)
    loop = asyncio.get_running_loop()
    code = compile("result = 2 + 2", "<bare>", "exec")
    with ThreadPoolExecutor(max_workers=4) as pool:
        await loop.run_in_executor(pool, exec, code, {})
        start = time.perf_counter()
        for _ in range(CALLS):
            await loop.run_in_executor(pool, exec, code, {})
        bare = (time.perf_counter() - start) / CALLS
    return warm, bare, median(cold_samples)


async def throughput(concurrency: int, total: int = 2_000) -> float:
    """Completed calls per second with ``concurrency`` calls in flight."""
    async with AsyncMLExecutor(max_workers=4, max_queue=10_000) as ex:
        await ex.execute(TRIVIAL)
        sem = asyncio.Semaphore(concurrency)

        async def one() -> None:
            async with sem:
                r = await ex.execute(TRIVIAL)
                assert r.success, r.error

        start = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(total)))
        return total / (time.perf_counter() - start)


async def _timer_lateness(samples: int, keep_going: Callable[[], bool]) -> list[float]:
    """Lateness of a 1 ms `asyncio.sleep`, up to ``samples`` times while ``keep_going()``."""
    lateness = []
    while keep_going() and len(lateness) < samples:
        t0 = time.perf_counter()
        await asyncio.sleep(0.001)
        lateness.append(time.perf_counter() - t0 - 0.001)
    return lateness


async def loop_latency_idle() -> tuple[float, float]:
    """p50/p99 lateness of a 1 ms timer on the event loop of an idle executor (the baseline)."""
    async with AsyncMLExecutor(max_workers=4):
        lateness = await _timer_lateness(1_000, lambda: True)
    return percentile(lateness, 50), percentile(lateness, 99)


async def loop_latency_while_busy() -> tuple[float, float]:
    """p50/p99 lateness of a 1 ms timer on the event loop while 4 workers run CPU-bound scripts."""
    busy = "i = 0; while (i < 3000000) { i = i + 1; } result = i;"
    async with AsyncMLExecutor(max_workers=4) as ex:
        tasks = [asyncio.create_task(ex.execute(busy, timeout=30)) for _ in range(8)]
        lateness = await _timer_lateness(2_000, lambda: not all(t.done() for t in tasks))
        await asyncio.gather(*tasks)
    return percentile(lateness, 50), percentile(lateness, 99)


async def main() -> tuple[str, dict[str, float]]:
    warm, bare, cold = await warm_call_overhead()
    rows = [
        ["warm execute (cached trivial program)", f"{warm * 1e6:.0f} µs", f"{warm / bare:.2f}x bare"],
        ["bare run_in_executor(pool, exec, code, {})", f"{bare * 1e6:.0f} µs", "1.00x"],
        ["cold execute (parse + compile + run)", f"{cold * 1e6:.0f} µs", f"{cold / bare:.1f}x"],
    ]
    figures = {"call_warm_ratio": warm / bare}
    for c in (1, 8, 64):
        rate = await throughput(c)
        figures[f"throughput_c{c}"] = rate
        rows.append([f"throughput, concurrency {c}", f"{rate:,.0f} calls/s", ""])
    idle50, idle99 = await loop_latency_idle()
    p50, p99 = await loop_latency_while_busy()
    rows.append(["event-loop lateness, idle", f"p50 {idle50 * 1e3:.2f} ms", f"p99 {idle99 * 1e3:.2f} ms"])
    rows.append(["event-loop lateness, 4 busy workers", f"p50 {p50 * 1e3:.2f} ms", f"p99 {p99 * 1e3:.2f} ms"])
    figures["lateness_p99_busy_vs_idle"] = p99 / idle99
    return table(["measure", "value", "ratio"], rows), figures


def run() -> tuple[str, dict[str, float]]:
    return asyncio.run(main())


if __name__ == "__main__":
    print(run()[0])
