"""`WorkerPool`: a fixed set of big-stack daemon threads fed by a queue, and `waker`.

Layer 4 (executor): imports the standard library, anyio and `mlpy.runtime.threads`.

This is the thread pool under `AsyncMLExecutor`, kept apart so that other front ends (jobs)
can build on it. Why our own pool and not ``anyio.to_thread`` or a `ThreadPoolExecutor`:

* A caller that gives up on ``anyio.to_thread.run_sync`` while the thread is inside a long
  builtin (``abandon_on_cancel=True``) gets its `CapacityLimiter` token back at once although
  the thread still runs, so the next call starts one more thread: unbounded threads. A thread
  of this pool that is still finishing a builtin keeps its slot, so no more than ``count``
  threads ever run ML.
* A `ThreadPoolExecutor` cannot set the stack size of its threads; deep ML recursion goes
  through C frames and needs `WORKER_STACK_SIZE` (the platform default is 512 KiB on macOS,
  128 KiB on musl).

`waker` is the one backend-specific line of the bridge back to the event loop: a worker that
finishes schedules ``event.set`` with the loop's non-blocking, thread-safe hook
(``loop.call_soon_threadsafe`` on asyncio, ``TrioToken.run_sync_soon`` on trio). A worker
never waits for the loop, so a closed loop or a host blocking in shutdown cannot deadlock it.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import weakref
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import anyio
import anyio.lowlevel

from mlpy.runtime.threads import start_thread

__all__ = ["WorkerPool", "waker"]

_J = TypeVar("_J")


def waker(event: anyio.Event) -> Callable[[], None]:
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


class WorkerPool(Generic[_J]):
    """``count`` daemon threads running ``work(job)`` for each job put in their queue.

    The threads start with the first job (a pool built before a fork works in the child).
    They hold ``work`` (a bound method of the owner) only weakly, so an owner dropped without
    `close` is still collected, and then its threads exit. Memory: one queue entry per job
    submitted and not yet taken; the owner bounds how many it submits.
    """

    def __init__(self, count: int, work: Callable[[_J], None], *, name: str = "mlpy-worker") -> None:
        self._queue: queue.SimpleQueue[_J | None] = queue.SimpleQueue()
        self._work = weakref.WeakMethod(work)
        self._lock = threading.Lock()
        self._closed = False
        self._count = count
        self._name = name
        self._threads: list[threading.Thread] = []
        self._started = False

    def submit(self, job: _J) -> None:
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
        self._threads = [start_thread(self._loop, name=f"{self._name}-{i}") for i in range(self._count)]
        self._started = True

    def _loop(self) -> None:
        while (job := self._queue.get()) is not None:
            work = self._work()
            if work is None:
                return
            work(job)
            del work, job  # hold nothing of the owner while waiting for the next job
