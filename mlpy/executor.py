"""`AsyncMLExecutor`: run ML scripts from async code (asyncio or trio) with timeouts that stop them.

Layer 4 (executor): imports the standard library, anyio, `mlpy.api`, `mlpy.compiler`,
`mlpy.errors` and `mlpy.runtime`; never `mlpy.server` or fastapi.

Design (STYLE.md §3.8, adapted to anyio so that asyncio and trio hosts both work):

* **Threads: a fixed pool of our own, not ``anyio.to_thread.run_sync``.** The only way for an
  awaiting task to give up on ``anyio.to_thread.run_sync`` while the thread is inside a long
  builtin is ``abandon_on_cancel=True``, and then anyio hands the `CapacityLimiter` token back
  at once although the thread is still running. The next call would start one more thread: the
  pool-exhaustion failure of other sandboxes, turned into unbounded threads. Our ``max_workers``
  threads keep a thread that is still finishing a builtin in its slot (``stats()["stuck"]``),
  so no more than ``max_workers`` threads ever run ML. They are plain daemon threads fed by a
  queue (a `ThreadPoolExecutor` would do, but cannot set the stack size of its threads): they
  are started with a `WORKER_STACK_SIZE` stack, because deep ML recursion (``max_depth``) goes
  through C frames and the platform's default thread stack (512 KiB on macOS, 128 KiB on musl)
  would crash the process long before Python's recursion limit.
* **The bridge back to the event loop** is the one backend-specific line: a worker that
  finishes a call schedules ``event.set`` with the loop's non-blocking, thread-safe hook
  (``loop.call_soon_threadsafe`` on asyncio, ``TrioToken.run_sync_soon`` on trio, both found
  through `anyio.lowlevel.current_token`). A worker never waits for the loop, so a closed loop
  or a host blocking in `shutdown` cannot deadlock it. Everything else on the async side
  (`anyio.Event`, `anyio.move_on_after`, cancellation) is plain anyio.
* **Deadline.** A call's deadline starts when `execute` is called, so time spent queued counts
  (``MLResult.queue_time``), and so does compiling (unless the program is cached). The
  script's own thread checks the deadline at every budget check (`CallState.tick`) and stops
  with ``TimeoutError`` at the ML line it was running. At the deadline the awaiting side also
  cancels the call's `CallState` (which forces the next check at once) and then waits
  ``grace`` seconds more; if the worker is still inside one builtin or host function,
  `execute` returns the timeout anyway (with the ML line the thread is on) and the thread
  stops at its next check. A call still queued at its deadline never runs.
* **Admission.** At most ``max_workers + max_queue`` calls are admitted (running, stuck or
  waiting for a thread); beyond that `execute` returns at once with ``error_type="Overloaded"``.
* **Host boundary.** Context, grants and host functions are checked in the caller's thread, so
  a host mistake is the caller's ``TypeError``/``ValueError`` before anything is queued; the
  context is deep-copied at that moment (§7.1). The caller's `contextvars` are copied into the
  worker, so host functions the script calls see them.
* **Capabilities** of the executor and of a call are merged: a call may add grants (the union
  of both lists for each kind), never remove the executor's. **Host functions** of a call are
  added to the executor's; a call's function replaces the executor's one of the same name.
"""

from __future__ import annotations

import asyncio
import enum
import math
import queue
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from contextvars import Context, copy_context
from types import TracebackType
from typing import Any

import anyio
import anyio.lowlevel
import anyio.to_thread

from mlpy.api import compile_code, validate_timeout
from mlpy.compiler.program import Program
from mlpy.errors import MLCheckErrors, MLLimitError
from mlpy.language.parser import parser
from mlpy.runtime import capabilities as caps
from mlpy.runtime.convert import is_identifier
from mlpy.runtime.limits import Limits
from mlpy.runtime.result import MLResult
from mlpy.runtime.run import HostFunctions, prepare_context, run_prepared
from mlpy.runtime.state import CURRENT, CallState
from mlpy.runtime.threads import WORKER_STACK_SIZE, ml_position_of, start_thread, timeout_error

__all__ = ["DEFAULT_GRACE", "DEFAULT_MAX_QUEUE", "WORKER_STACK_SIZE", "AsyncMLExecutor"]

#: calls that may wait for a worker thread, beyond those running, when none is given
DEFAULT_MAX_QUEUE = 256
#: seconds the awaiting side waits past the deadline for the worker to stop by itself
DEFAULT_GRACE = 0.25


class _Cancelled(MLLimitError):
    """The call was stopped because its caller went away or the executor shut down."""

    type_name = "Cancelled"


class _Phase(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    DROPPED = "dropped"  # given up while still queued: the worker skips it


class _Job:
    """One call on its way through the executor (fields guarded by the executor's lock)."""

    __slots__ = (
        "source",
        "inputs",
        "functions",
        "grants",
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

    def __init__(
        self,
        source: str | bytes | Program,
        inputs: dict[str, Any],
        functions: dict[str, Callable[..., Any]],
        grants: dict[str, list[str]],
        state: CallState,
        submitted: float,
    ) -> None:
        self.source = source
        self.inputs = inputs
        self.functions = functions
        self.grants = grants
        self.state = state
        self.context: Context = copy_context()
        self.done = anyio.Event()
        self.wake = _waker(self.done)
        self.submitted = submitted
        self.started = submitted
        self.thread: int | None = None
        self.phase = _Phase.QUEUED
        self.result: MLResult | None = None
        self.error: BaseException | None = None
        self.abandoned = False


def _waker(event: anyio.Event) -> Callable[[], None]:
    """A function any thread may call to set ``event`` in the current event loop, never blocking."""
    native: Any = anyio.lowlevel.current_token().native_token
    schedule: Callable[[Callable[[], None]], object] = (
        native.call_soon_threadsafe if isinstance(native, asyncio.AbstractEventLoop) else native.run_sync_soon
    )

    def wake() -> None:
        try:
            schedule(event.set)
        except RuntimeError:  # the loop has finished (trio.RunFinishedError is one too): nobody waits
            pass

    return wake


class _Workers:
    """``count`` daemon threads running ``work(job)`` for each job put in their queue.

    The threads start with the first job (an executor built before a fork works in the child).
    They hold ``work`` (a bound method of the executor) only weakly, so an executor dropped
    without `AsyncMLExecutor.shutdown` is still collected, and then its threads exit.
    """

    def __init__(self, count: int, work: Callable[[_Job], None]) -> None:
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._work = weakref.WeakMethod(work)
        self._lock = threading.Lock()
        self._closed = False
        self._count = count
        self._threads: list[threading.Thread] = []
        self._started = False

    def submit(self, job: _Job) -> None:
        """Queue ``job`` for the next free thread.

        Raises:
            RuntimeError: the pool is closed.
        """
        with self._lock:
            if self._closed:
                raise RuntimeError("the worker pool is closed")
            if not self._started:
                self._start()
            self._queue.put(job)

    def close(self) -> None:
        """Let each thread exit once the jobs already queued are done."""
        with self._lock:
            if not self._closed:
                self._closed = True
                for _ in range(self._count):
                    self._queue.put(None)

    def join(self) -> None:
        """Wait until every thread has exited (after `close`)."""
        with self._lock:
            started = self._started
        for thread in self._threads if started else ():
            thread.join()

    def _start(self) -> None:
        self._threads = [start_thread(self._loop, name=f"mlpy-worker-{i}") for i in range(self._count)]
        self._started = True

    def _loop(self) -> None:
        while (job := self._queue.get()) is not None:
            work = self._work()
            if work is None:
                return
            work(job)
            del work, job  # hold nothing of the executor while waiting for the next job


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
        # the parser takes about 0.4 s to build: start it now, off the caller's thread, so the
        # first calls do not spend their timeout on it
        start_thread(parser, name="mlpy-warm-parser")
        self.max_workers = max_workers
        self.max_queue = max_queue
        self.strict_security = bool(strict_security)
        self.limits = limits or Limits()
        self.default_timeout = validate_timeout(default_timeout, self.limits.timeout)
        self.grace = float(grace)
        self._grants = caps.normalize(capabilities)
        self._functions = _check_functions(functions)
        self._pool = _Workers(max_workers, self._work)
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
    ) -> MLResult:
        """Run ML ``code`` in a worker thread and return its `MLResult` (script errors are results).

        ``timeout`` (seconds, counted from this call, queue time included) defaults to
        ``default_timeout``. ``context`` values become top-level variables (deep-copied now).
        ``capabilities`` add to the executor's grants and ``functions`` to its host functions.
        A full queue gives ``error_type="Overloaded"`` at once.

        Raises:
            ValueError: ``timeout`` is not a positive finite number; a context key or host
                function name is not an ML identifier; an unknown capability; a `Program`
                compiled without strict mode given to a ``strict_security`` executor.
            TypeError: ``code`` is not text, bytes or a `Program`; a context value is not
                JSON-like; a host function is not callable.
            RuntimeError: the executor has been shut down.
        """
        submitted = time.monotonic()
        seconds = validate_timeout(timeout, self.default_timeout)
        job = self._prepare(code, seconds, submitted, context, capabilities, functions)
        if not self._admit(job):
            return self._overloaded()
        try:
            result = await self._wait(job)
        except BaseException:
            self._abandon(job, _Cancelled("the caller stopped waiting for the call"))
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
            self._stop(job, _Cancelled("the executor was shut down"))
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

    def _prepare(
        self,
        code: object,
        seconds: float,
        submitted: float,
        context: Mapping[str, Any] | None,
        capabilities: caps.Grants | None,
        functions: HostFunctions | None,
    ) -> _Job:
        """Check everything the host passed and build the job (in the caller's thread)."""
        source = _check_code(code, self.strict_security)
        state = CallState(self.limits, timeout=seconds, deadline=submitted + seconds)
        token = CURRENT.set(state)  # context conversion uses this call's limits
        try:
            inputs = prepare_context(context)
        finally:
            CURRENT.reset(token)
        grants = _merge_grants(self._grants, caps.normalize(capabilities))
        state.capabilities = grants
        merged = {**self._functions, **_check_functions(functions)}
        return _Job(source, inputs, merged, grants, state, submitted)

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
        with anyio.move_on_after(job.state.deadline - time.monotonic()):
            await job.done.wait()
        if not job.done.is_set():
            dropped = self._expire(job)
            if dropped is not None:
                return dropped
            with anyio.move_on_after(self.grace):
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
                job.state.cancel(timeout_error(job.state))
        return None

    def _give_up(self, job: _Job) -> MLResult | None:
        """Past deadline + grace: return a timeout for a job still running; None if it is done."""
        with self._lock:
            if job.phase is _Phase.DONE:
                return None
            job.abandoned = True
            self._stuck += 1
            thread = job.thread
        error = timeout_error(job.state).with_span(ml_position_of(thread))
        return MLResult.failure(
            error,
            stdout=job.state.stdout(),
            execution_time=time.monotonic() - job.started,
            queue_time=job.started - job.submitted,
        )

    def _collect(self, job: _Job) -> MLResult:
        """The result of a finished job (re-raising a host error from the worker)."""
        if job.error is not None:
            raise job.error
        assert job.result is not None
        job.result.queue_time = job.started - job.submitted
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
            job.result = MLResult.failure(reason)
            self._queued -= 1
            self._live.discard(job)
        job.wake()

    def _overloaded(self) -> MLResult:
        message = (
            f"the executor is overloaded: {self.max_workers} workers busy and "
            f"{self.max_queue} calls waiting (max_queue); try again later"
        )
        return MLResult(
            success=False,
            error=f"Overloaded: {message}",
            error_type="Overloaded",
            errors=[{"error_type": "Overloaded", "message": message, "line": None, "column": None}],
        )

    def _count(self, result: MLResult) -> None:
        kind = (
            "succeeded"
            if result.success
            else "timed_out"
            if result.error_type == "TimeoutError"
            else "cancelled"
            if result.error_type == "Cancelled"
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
            result = job.context.run(self._run, job)
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

    def _run(self, job: _Job) -> MLResult:
        """Compile (or fetch from the cache) and run the job's program, in the worker thread."""
        state = job.state
        if state.stop is not None:
            return MLResult.failure(state.stop)
        if time.monotonic() >= state.deadline:  # the whole timeout went by in the queue
            return MLResult.failure(timeout_error(state))
        if isinstance(job.source, Program):
            program = job.source
        else:
            try:
                program = compile_code(job.source, strict=self.strict_security)
            except MLCheckErrors as e:
                return MLResult.failure(e)
        return run_prepared(
            program, job.inputs, limits=self.limits, state=state, functions=job.functions, grants=job.grants
        )


# -- helpers ---------------------------------------------------------------------------------


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_code(code: object, strict: bool) -> str | bytes | Program:
    """``code`` if it is something `execute` can run.

    Raises:
        TypeError: not text, bytes or a `Program`.
        ValueError: a `Program` compiled without strict mode given to a strict executor.
    """
    if isinstance(code, Program):
        if strict and not code.strict:
            raise ValueError("a strict_security executor needs a Program compiled with strict=True")
        return code
    if isinstance(code, str | bytes):
        return code
    if isinstance(code, bytearray):
        return bytes(code)
    raise TypeError(f"ML code must be a str, bytes or Program, not {type(code).__name__}")


def _check_functions(functions: HostFunctions | None) -> dict[str, Callable[..., Any]]:
    """Host functions by name, checked (§7.1).

    Raises:
        ValueError: a name that is not an ML identifier.
        TypeError: ``functions`` is not a mapping, or a value is not callable.
    """
    if functions is None:
        return {}
    if not isinstance(functions, Mapping):
        raise TypeError(f"functions must be a dict of name to callable, not {type(functions).__name__}")
    out: dict[str, Callable[..., Any]] = {}
    for name, fn in functions.items():
        if not is_identifier(name):
            raise ValueError(f"host function name {name!r} is not an ML identifier")
        if not callable(fn):
            raise TypeError(f"host function {name!r} is not callable")
        out[name] = fn
    return out


def _merge_grants(base: dict[str, list[str]], extra: dict[str, list[str]]) -> dict[str, list[str]]:
    """The union of two normalized grants, per kind, keeping order and dropping repeats."""
    merged = {kind: list(values) for kind, values in base.items()}
    for kind, values in extra.items():
        have = merged.setdefault(kind, [])
        have.extend(v for v in values if v not in have)
    return merged


