"""`AsyncMLExecutor`: run ML scripts from async code (asyncio or trio) with timeouts that stop them.

Layer 4 (executor): imports the standard library, anyio, `mlpy.call`, `mlpy.compiler`,
`mlpy.errors`, `mlpy.executor.pool` and `mlpy.runtime`; never `mlpy.server` or fastapi.

Design (STYLE.md §3.8, adapted to anyio so that asyncio and trio hosts both work):

* **Threads: a fixed pool of our own** (`mlpy.executor.pool.WorkerPool`, which says why),
  and the bridge back to the event loop (`mlpy.executor.pool.waker`). Everything else on the
  async side (`anyio.Event`, `anyio.move_on_after`, cancellation) is plain anyio.
* **Deadline.** A call's deadline starts when `execute` is called, so time spent queued counts
  (``MLResult.queue_time``), and so does compiling (unless the program is cached); building
  the parser (once per process) does not: `execute` waits for it before the deadline starts.
  Compiling runs under the deadline (`mlpy.deadline`), so a huge program stops compiling at
  it and frees its worker. The script's own thread checks the deadline at every budget check
  (`CallState.tick`). At the deadline the awaiting side applies the watchdog policy of
  `mlpy.runtime.threads.Watchdog`, the one `mlpy.run` uses: ``expire`` (the call stops at its
  next check, at the ML line it is on), then ``grace`` seconds, then ``overdue`` (the timeout
  is returned although the thread is still inside one builtin or host function; it stops at
  its next check). A call still queued at its deadline never runs.
* **Admission.** At most ``max_workers + max_queue`` calls are admitted (running, stuck or
  waiting for a thread); beyond that `execute` returns at once with `ErrorKind.OVERLOADED`.
* **Host boundary.** `mlpy.call.make_call` checks code, context, grants and host functions in
  the caller's thread, exactly as `mlpy.run` does, so a host mistake is the caller's
  ``TypeError``/``ValueError`` before anything is queued; the context is deep-copied at that
  moment (§7.1). The caller's `contextvars` are copied into the worker, so host functions the
  script calls see them.
* **Capabilities** of the executor and of a call are merged: a call may add grants (the union
  of both lists for each kind), never remove the executor's. **Host functions** of a call are
  added to the executor's; a call's function replaces the executor's one of the same name.
"""

from __future__ import annotations

import enum
import math
import threading
import time
import weakref
from collections.abc import Mapping
from contextvars import Context, copy_context
from types import TracebackType
from typing import Any

import anyio
import anyio.to_thread

from mlpy.call import Call, check_functions, make_call, validate_timeout, warm_up
from mlpy.compiler.compiled import Program
from mlpy.errors import ErrorKind, MLCancelledError, MLLimitError, MLOverloadedError
from mlpy.executor.pool import WorkerPool, waker
from mlpy.runtime import capabilities as caps
from mlpy.runtime.limits import Limits
from mlpy.runtime.result import MLResult
from mlpy.runtime.run import HostFunctions
from mlpy.runtime.threads import GRACE, WORKER_STACK_SIZE, Watchdog, start_thread, timeout_error

__all__ = ["DEFAULT_GRACE", "DEFAULT_MAX_QUEUE", "WORKER_STACK_SIZE", "AsyncMLExecutor"]

#: calls that may wait for a worker thread, beyond those running, when none is given
DEFAULT_MAX_QUEUE = 256
#: seconds the awaiting side waits past the deadline for the worker to stop by itself
DEFAULT_GRACE = GRACE


class _Phase(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    DROPPED = "dropped"  # given up while still queued: the worker skips it


class _Job:
    """One call on its way through the executor (fields guarded by the executor's lock)."""

    __slots__ = (
        "call",
        "state",
        "context",
        "done",
        "wake",
        "submitted",
        "started",
        "thread",
        "phase",
        "result",
        "error",
        "abandoned",
    )

    def __init__(self, call: Call, submitted: float) -> None:
        self.call = call
        self.state = call.new_state()
        self.context: Context = copy_context()
        self.done = anyio.Event()
        self.wake = waker(self.done)
        self.submitted = submitted
        self.started = submitted
        self.thread: int | None = None
        self.phase = _Phase.QUEUED
        self.result: MLResult | None = None
        self.error: BaseException | None = None
        self.abandoned = False


class AsyncMLExecutor:
    """Runs ML scripts in a bounded pool of worker threads; ``await execute(...)`` gives an `MLResult`.

    Usage::

        async with AsyncMLExecutor(max_workers=4) as executor:
            result = await executor.execute("result = x + y;", timeout=5.0, context={"x": 1, "y": 2})

    ``limits`` apply to every call (``default_timeout`` defaults to ``limits.timeout``);
    ``max_queue`` is how many calls may wait for a thread; ``capabilities`` and ``functions``
    are granted to every call (a call may add more); ``grace`` is how long past a deadline the
    awaiting side waits for the worker to stop by itself before it returns anyway.

    Raises:
        ValueError: a bad ``max_workers``, ``max_queue``, ``grace``, ``default_timeout``,
            capability or host-function name.
        TypeError: a host function that is not callable.
    """

    def __init__(
        self,
        max_workers: int = 4,
        strict_security: bool = False,
        *,
        limits: Limits | None = None,
        default_timeout: float | None = None,
        max_queue: int = DEFAULT_MAX_QUEUE,
        capabilities: caps.Grants | None = None,
        functions: HostFunctions | None = None,
        grace: float = DEFAULT_GRACE,
    ) -> None:
        if not _is_count(max_workers) or max_workers < 1:
            raise ValueError(f"max_workers must be a positive integer, got {max_workers!r}")
        if not _is_count(max_queue) or max_queue < 0:
            raise ValueError(f"max_queue must be a non-negative integer, got {max_queue!r}")
        if not isinstance(grace, int | float) or not (math.isfinite(grace) and grace >= 0):
            raise ValueError(f"grace must be a non-negative number of seconds, got {grace!r}")
        self.max_workers = max_workers
        self.max_queue = max_queue
        self.strict_security = bool(strict_security)
        self.limits = limits or Limits()
        self.default_timeout = validate_timeout(default_timeout, self.limits.timeout)
        self.grace = float(grace)
        self._watchdog = Watchdog(self.grace)
        self._grants = caps.normalize(capabilities)
        self._functions = check_functions(functions)
        # the parser takes 0.4-0.8 s to build: start it now, off the caller's thread; the first
        # calls wait for it before their deadlines start
        self._warm = threading.Event()
        start_thread(self._warm_up, name="mlpy-warm-parser")
        self._pool: WorkerPool[_Job] = WorkerPool(max_workers, self._work)
        weakref.finalize(self, self._pool.close)
        self._lock = threading.Lock()
        self._live: set[_Job] = set()
        self._queued = 0
        self._busy = 0
        self._stuck = 0
        self._closed = False
        self._counts = dict.fromkeys(("succeeded", "failed", "timed_out", "rejected", "cancelled"), 0)

    # -- public API -----------------------------------------------------------------------

    async def execute(
        self,
        code: str | bytes | Program,
        timeout: float | None = None,
        context: Mapping[str, Any] | None = None,
        *,
        capabilities: caps.Grants | None = None,
        functions: HostFunctions | None = None,
        partition: str | None = None,
    ) -> MLResult:
        """Run ML ``code`` (source or a compiled `Program`) in a worker thread; its `MLResult`.

        Script errors are results. ``timeout`` (seconds, counted from this call, queue time
        included) defaults to ``default_timeout``. ``context`` values become top-level
        variables (deep-copied now). ``capabilities`` add to the executor's grants and
        ``functions`` to its host functions. ``partition`` names the caller, whose compiled
        programs are cached apart from other callers' (docs/security.md). A full queue gives
        `ErrorKind.OVERLOADED` at once.

        Raises:
            TypeError, ValueError: the host passed bad code, timeout, context, function or
                grant, exactly as `mlpy.run` (`mlpy.call`).
            RuntimeError: the executor has been shut down.
        """
        if not self._warm.is_set():
            await anyio.to_thread.run_sync(self._warm.wait)
        submitted = time.monotonic()
        call = make_call(
            code,
            context,
            timeout=self.default_timeout if timeout is None else timeout,
            limits=self.limits,
            strict=self.strict_security,
            functions=functions,
            capabilities=capabilities,
            base_functions=self._functions,
            base_grants=self._grants,
            partition=partition,
            started=submitted,
        )
        job = _Job(call, submitted)
        if not self._admit(job):
            return self._overloaded()
        try:
            result = await self._wait(job)
        except BaseException:
            self._abandon(job, MLCancelledError("the caller stopped waiting for the call"))
            raise
        self._count(result)
        return result

    def stats(self) -> dict[str, int]:
        """Counters for health checks.

        ``workers`` threads in the pool; ``busy`` calls running in a thread now, of which
        ``stuck`` were already given up by their caller (timed out inside a builtin or host
        function, or cancelled) and will stop at their next budget check; ``queued`` calls
        waiting for a thread; ``max_queue``; ``closed`` (0 or 1). Totals since creation:
        ``succeeded``, ``failed`` (script, limit or compile errors), ``timed_out``, ``rejected``
        (Overloaded), ``cancelled``, and ``completed`` (succeeded + failed + timed_out).
        """
        with self._lock:
            counts = dict(self._counts)
            return {
                "workers": self.max_workers,
                "busy": self._busy,
                "stuck": self._stuck,
                "queued": self._queued,
                "max_queue": self.max_queue,
                "closed": int(self._closed),
                **counts,
                "completed": counts["succeeded"] + counts["failed"] + counts["timed_out"],
            }

    def shutdown(self, wait: bool = True, *, cancel: bool = False) -> None:
        """Stop accepting calls; ``cancel`` also stops the calls running or queued now.

        Without ``cancel``, calls already admitted still run. With ``wait``, block this thread
        until every worker thread has exited (calls end by their deadline, but a host function
        that blocks keeps its thread); from async code use `aclose`, which does not block the
        event loop.
        """
        with self._lock:
            self._closed = True
            live = list(self._live) if cancel else []
        for job in live:
            self._stop(job, MLCancelledError("the executor was shut down"))
        self._pool.close()
        if wait:
            self._pool.join()

    async def aclose(self) -> None:
        """Shut down from async code: cancel running and queued calls, await the threads' exit."""
        self.shutdown(wait=False, cancel=True)
        await anyio.to_thread.run_sync(self._pool.join, abandon_on_cancel=True)

    async def __aenter__(self) -> AsyncMLExecutor:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # -- the caller's side ------------------------------------------------------------------

    def _warm_up(self) -> None:
        try:
            warm_up()
        finally:
            self._warm.set()  # a failed build fails again, visibly, in the first compile

    def _admit(self, job: _Job) -> bool:
        """Queue ``job`` if there is room; False (and counted as rejected) if not.

        Raises:
            RuntimeError: the executor has been shut down.
        """
        with self._lock:
            if self._closed:
                raise RuntimeError("this AsyncMLExecutor has been shut down")
            if self._queued + self._busy >= self.max_workers + self.max_queue:
                self._counts["rejected"] += 1
                return False
            self._queued += 1
            self._live.add(job)
        try:
            self._pool.submit(job)
        except RuntimeError:  # shut down between the check and the submit
            with self._lock:
                self._queued -= 1
                self._live.discard(job)
            raise RuntimeError("this AsyncMLExecutor has been shut down") from None
        return True

    async def _wait(self, job: _Job) -> MLResult:
        """The job's result; at its deadline stop it, and give up on it ``grace`` seconds later."""
        with anyio.move_on_after(job.call.deadline - time.monotonic()):
            await job.done.wait()
        if not job.done.is_set():
            dropped = self._expire(job)
            if dropped is not None:
                return dropped
            with anyio.move_on_after(self._watchdog.grace):
                await job.done.wait()
            if not job.done.is_set():
                given_up = self._give_up(job)
                if given_up is not None:
                    return given_up
                await job.done.wait()  # finished just now: its wake-up is on its way
        return self._collect(job)

    def _expire(self, job: _Job) -> MLResult | None:
        """At the deadline: drop a job still queued (its result), or stop a running one (None)."""
        with self._lock:
            if job.phase is _Phase.QUEUED:
                job.phase = _Phase.DROPPED
                self._queued -= 1
                self._live.discard(job)
                waited = time.monotonic() - job.submitted
                return MLResult.failure(timeout_error(job.state), queue_time=waited)
            if job.phase is _Phase.RUNNING:
                self._watchdog.expire(job.state)
        return None

    def _give_up(self, job: _Job) -> MLResult | None:
        """Past deadline + grace: return a timeout for a job still running; None if it is done."""
        with self._lock:
            if job.phase is _Phase.DONE:
                return None
            job.abandoned = True
            self._stuck += 1
            thread = job.thread
        return MLResult.failure(
            self._watchdog.overdue(job.state, thread),
            stdout=job.state.stdout(),
            execution_time=time.monotonic() - job.started,
            queue_time=job.started - job.submitted,
        )

    def _collect(self, job: _Job) -> MLResult:
        """The result of a finished job (re-raising a host error from the worker)."""
        if job.error is not None:
            raise job.error
        assert job.result is not None
        return job.result

    def _abandon(self, job: _Job, reason: MLLimitError) -> None:
        """The caller stopped waiting (cancelled): stop the job and give its place back."""
        with self._lock:
            if job.phase is _Phase.QUEUED:
                job.phase = _Phase.DROPPED
                self._queued -= 1
                self._live.discard(job)
            elif job.phase is _Phase.RUNNING and not job.abandoned:
                job.abandoned = True
                self._stuck += 1
                job.state.cancel(reason)
            else:
                return  # finished already (or given up at its deadline): nothing to stop
            self._counts["cancelled"] += 1

    def _stop(self, job: _Job, reason: MLLimitError) -> None:
        """Stop a job for `shutdown`: a queued one finishes now, a running one at its next check."""
        with self._lock:
            if job.phase is _Phase.RUNNING:
                job.state.cancel(reason)
                return
            if job.phase is not _Phase.QUEUED:
                return
            job.phase = _Phase.DONE
            job.started = time.monotonic()
            job.result = MLResult.failure(reason, queue_time=job.started - job.submitted)
            self._queued -= 1
            self._live.discard(job)
        job.wake()

    def _overloaded(self) -> MLResult:
        return MLResult.failure(
            MLOverloadedError(
                f"the executor is overloaded: {self.max_workers} workers busy and "
                f"{self.max_queue} calls waiting (max_queue); try again later"
            )
        )

    def _count(self, result: MLResult) -> None:
        kind = (
            "succeeded"
            if result.success
            else "timed_out"
            if result.kind is ErrorKind.TIMEOUT
            else "cancelled"
            if result.kind is ErrorKind.CANCELLED
            else "failed"
        )
        with self._lock:
            self._counts[kind] += 1

    # -- the worker's side ------------------------------------------------------------------

    def _work(self, job: _Job) -> None:
        """Run ``job`` in this worker thread, unless it was dropped while queued."""
        with self._lock:
            if job.phase is not _Phase.QUEUED:
                return
            job.phase = _Phase.RUNNING
            job.thread = threading.get_ident()
            job.started = time.monotonic()
            self._queued -= 1
            self._busy += 1
        result: MLResult | None = None
        error: BaseException | None = None
        try:
            result = job.context.run(job.call.execute, job.state, queue_time=job.started - job.submitted)
        except BaseException as exc:  # a host error (bad function or grant) for the caller
            error = exc
        finally:
            with self._lock:
                self._busy -= 1
                if job.abandoned:
                    self._stuck -= 1
                job.phase = _Phase.DONE
                job.result, job.error = result, error
                self._live.discard(job)
            job.wake()


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
