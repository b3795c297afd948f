"""Prometheus metrics: requests, latency, script runs, the executor's load, jobs; ``GET /metrics``.

Layer 6 (server): imports the standard library, prometheus-client, fastapi, `mlpy`,
`mlpy.errors`, `mlpy.executor`, `mlpy.runtime.result` and `mlpy.server.*`.

=========================================  =====================  =================================
metric                                     labels                 what
=========================================  =====================  =================================
``mlpy_http_requests_total``               route, method, status  requests answered
``mlpy_http_request_duration_seconds``     route, method          time to answer (histogram)
``mlpy_script_runs_total``                 outcome                runs made for requests (below)
``mlpy_script_execution_seconds``          outcome                a run's execution time (histogram)
``mlpy_executor_busy_workers``             (none)                 calls running in executor threads (*)
``mlpy_executor_queued_calls``             (none)                 calls waiting for a thread (*)
``mlpy_jobs``                              status                 jobs by status (`Metrics.watch_jobs`)
``mlpy_jobs_queue_depth``                  (none)                 jobs waiting to start
=========================================  =====================  =================================

(*) sampled every `SAMPLE_INTERVAL` seconds, at the end of each run and at each scrape.

``route`` is the route template (``<unmatched>`` for a 404), so labels stay few whatever
callers send. ``outcome`` is ``success``, an error type mlpy itself raises (``SyntaxError``,
``TimeoutError``, ``LimitError``...), ``Overloaded`` or ``Cancelled``; a type a script makes
up with ``throw`` counts as ``Thrown``, for the same reason.

**Several processes.** With ``PROMETHEUS_MULTIPROC_DIR`` set (examples/gunicorn.conf.py sets
it up, and removes a dead worker's live gauges), every process writes its values to files
there and a scrape of any worker sums every worker's: counters and histograms of all
processes that ever ran, gauges of the live ones. Without it each app has a registry of its
own (several apps in one process, as in tests, do not mix).

Cost: a request updates two series; a run two; a scrape reads every series (in multiprocess
mode, one small file per process and metric type).
"""

from __future__ import annotations

import hashlib
import inspect
import os
from collections.abc import Awaitable, Callable, Iterator, Mapping
from typing import Any

import anyio
from fastapi import APIRouter, Request, Response
from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from mlpy.compiler.program import Program
from mlpy.errors import ErrorKind
from mlpy.executor import AsyncMLExecutor
from mlpy.runtime.result import MLResult
from mlpy.server.json_body import JSONRoute
from mlpy.server.logs import RequestRecord, current_record

__all__ = [
    "MULTIPROC_ENV",
    "SAMPLE_INTERVAL",
    "JobCounts",
    "Metrics",
    "ObservedExecutor",
    "code_sha256",
    "outcome_of",
    "router",
]

#: the environment variable that switches prometheus-client to multiprocess mode
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
#: seconds between samples of the executor gauges (besides one at each run's end and scrape)
SAMPLE_INTERVAL = 1.0
#: a callable giving jobs by status (plain or async); read at each scrape
JobCounts = Callable[[], Mapping[str, int] | Awaitable[Mapping[str, int]]]
_JobDepth = Callable[[], int | Awaitable[int]]

_REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
_RUN_BUCKETS = (0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
#: outcomes of calls that never ran
_NOT_RUN = frozenset({ErrorKind.OVERLOADED.value, ErrorKind.CANCELLED.value})
_KINDS = frozenset(kind.value for kind in ErrorKind)


def outcome_of(result: MLResult) -> str:
    """The ``outcome`` label of a run: ``success``, an `ErrorKind` value, or ``Thrown``."""
    if result.success:
        return "success"
    kind = result.error_type or ErrorKind.ERROR.value
    return kind if kind in _KINDS else "Thrown"


def code_sha256(code: str | bytes | Program) -> str | None:
    """The hex SHA-256 of the code's UTF-8 bytes (None for a compiled `Program`)."""
    if isinstance(code, str):
        return hashlib.sha256(code.encode("utf-8", "surrogatepass")).hexdigest()
    if isinstance(code, bytes):
        return hashlib.sha256(code).hexdigest()
    return None


class Metrics:
    """One app's metrics (or, in multiprocess mode, this process's share of every worker's)."""

    def __init__(self, multiprocess_dir: str | None = None) -> None:
        self.multiprocess_dir = (
            multiprocess_dir if multiprocess_dir is not None else os.environ.get(MULTIPROC_ENV)
        )
        #: None in multiprocess mode: values go to files, and each scrape reads them all
        self.registry: CollectorRegistry | None = None if self.multiprocess_dir else CollectorRegistry()
        self._jobs: _JobsCollector | None = None
        self._executor: AsyncMLExecutor | None = None
        reg = self.registry
        self.requests = Counter(
            "mlpy_http_requests", "HTTP requests answered.", ["route", "method", "status"], registry=reg
        )
        self.latency = Histogram(
            "mlpy_http_request_duration_seconds",
            "Seconds to answer an HTTP request.",
            ["route", "method"],
            buckets=_REQUEST_BUCKETS,
            registry=reg,
        )
        self.runs = Counter(
            "mlpy_script_runs", "Script runs made for requests, by outcome.", ["outcome"], registry=reg
        )
        self.run_seconds = Histogram(
            "mlpy_script_execution_seconds",
            "Seconds a script ran (execution time, without queueing and compiling).",
            ["outcome"],
            buckets=_RUN_BUCKETS,
            registry=reg,
        )
        self.busy = Gauge(
            "mlpy_executor_busy_workers",
            "Calls running in executor threads.",
            registry=reg,
            multiprocess_mode="livesum",
        )
        self.queued = Gauge(
            "mlpy_executor_queued_calls",
            "Calls waiting for an executor thread.",
            registry=reg,
            multiprocess_mode="livesum",
        )

    # -- feeding ------------------------------------------------------------------------------

    def observe_request(self, record: RequestRecord) -> None:
        """Count one answered request (a `RequestLog` observer)."""
        self.requests.labels(record.route, record.method, str(record.status)).inc()
        self.latency.labels(record.route, record.method).observe(record.duration_ms / 1000)

    def observe_run(self, result: MLResult) -> str:
        """Count one script run; its outcome label."""
        outcome = outcome_of(result)
        self.runs.labels(outcome).inc()
        if outcome not in _NOT_RUN:
            self.run_seconds.labels(outcome).observe(result.execution_time)
        return outcome

    def watch_executor(self, executor: AsyncMLExecutor | None) -> None:
        """Report ``executor``'s busy and queued calls (updated at each run and scrape)."""
        self._executor = executor
        self.sample_executor()

    def sample_executor(self) -> None:
        """Set the executor gauges from the watched executor's `stats` now."""
        stats = self._executor.stats() if self._executor is not None else {"busy": 0, "queued": 0}
        self.busy.set(stats["busy"])
        self.queued.set(stats["queued"])

    async def sample_forever(self, interval: float = SAMPLE_INTERVAL) -> None:
        """Sample the executor gauges every ``interval`` seconds until cancelled (the lifespan
        runs it): in multiprocess mode a scrape reads other workers' gauges as last sampled."""
        while True:
            self.sample_executor()
            await anyio.sleep(interval)

    def watch_jobs(self, counts: JobCounts, queue_depth: _JobDepth | None = None) -> None:
        """Report jobs: ``counts()`` gives jobs by status, ``queue_depth()`` those waiting.

        Both are called (and awaited, if they return awaitables) at each scrape, so they should
        read a shared store: the numbers are then the same from any worker and not summed.
        For the lead's wiring: ``metrics.watch_jobs(store.counts_by_status, store.queue_depth)``.
        """
        self._jobs = _JobsCollector(counts, queue_depth)

    # -- scraping -----------------------------------------------------------------------------

    async def render(self) -> bytes:
        """The exposition text of every metric (every worker's, in multiprocess mode)."""
        self.sample_executor()
        registry = self.registry
        if registry is None:
            registry = CollectorRegistry()
            MultiProcessCollector(registry, path=self.multiprocess_dir)  # type: ignore[no-untyped-call]
        text = generate_latest(registry)
        if self._jobs is not None:
            jobs = CollectorRegistry()
            jobs.register(await self._jobs.snapshot())
            text += generate_latest(jobs)
        return text


class _JobsCollector:
    def __init__(self, counts: JobCounts, depth: _JobDepth | None) -> None:
        self.counts = counts
        self.depth = depth

    async def snapshot(self) -> Collector:
        counts = await _value(self.counts())
        depth = await _value(self.depth()) if self.depth is not None else None
        return _Snapshot(dict(counts), depth)


async def _value(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


class _Snapshot(Collector):
    def __init__(self, counts: dict[str, int], depth: int | None) -> None:
        self.counts = counts
        self.depth = depth

    def collect(self) -> Iterator[GaugeMetricFamily]:
        jobs = GaugeMetricFamily("mlpy_jobs", "Jobs by status.", labels=["status"])
        for status, count in sorted(self.counts.items()):
            jobs.add_metric([status], count)
        yield jobs
        if self.depth is not None:
            yield GaugeMetricFamily("mlpy_jobs_queue_depth", "Jobs waiting to start.", value=self.depth)


class ObservedExecutor(AsyncMLExecutor):
    """An `AsyncMLExecutor` whose runs for requests are counted and noted on the request's record.

    A run made outside a request (the app's warm-up at start) is not counted.
    """

    def __init__(self, *args: Any, metrics: Metrics, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.metrics = metrics

    async def execute(self, code: str | bytes | Program, *args: Any, **kwargs: Any) -> MLResult:
        """`AsyncMLExecutor.execute`, counted (same arguments, same result, same errors)."""
        record = current_record()
        if record is None:
            return await super().execute(code, *args, **kwargs)
        record.code_sha256 = code_sha256(code)
        try:
            result = await super().execute(code, *args, **kwargs)
        finally:
            self.metrics.sample_executor()
        record.outcome = self.metrics.observe_run(result)
        record.error_type = result.error_type
        return result


router = APIRouter(route_class=JSONRoute)


_EXAMPLE = """\
# HELP mlpy_script_runs_total Script runs made for requests, by outcome.
# TYPE mlpy_script_runs_total counter
mlpy_script_runs_total{outcome="success"} 1042.0
mlpy_script_runs_total{outcome="TimeoutError"} 3.0
"""


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={
        200: {
            "content": {"text/plain": {"schema": {"type": "string"}, "example": _EXAMPLE}},
            "description": "The Prometheus text exposition format (version 0.0.4).",
        }
    },
)
async def metrics(request: Request) -> Response:
    """Every metric in the Prometheus text format (every worker's under gunicorn)."""
    source: Metrics = request.app.state.metrics
    return Response(await source.render(), media_type=CONTENT_TYPE_PLAIN_0_0_4)
