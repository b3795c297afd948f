"""Threads that run ML: a big stack, and the watchdog that stops a call at its deadline.

Layer 3 (runtime): imports the standard library, `mlpy.errors`, `mlpy.source` and
`mlpy.runtime`.

Deep ML recursion through builtins (``map``, ``call``) re-enters the interpreter in C, so a
thread with a small stack (128 KiB on musl, 512 KiB on macOS) could crash the process long
before the depth check fires. Every thread that runs ML is therefore started here, with
`WORKER_STACK_SIZE` of stack (address space; only the pages used are committed).

One `Watchdog` serves `mlpy.run` (`Watchdog.run`, blocking) and the executor (which awaits
the same steps on its event loop): at the deadline `Watchdog.expire` cancels the call (it
stops at its next budget check, at the ML line it is on); if it is still inside one long
builtin ``grace`` seconds later, the caller gives up on it with `Watchdog.overdue`'s error
(positioned where the thread is) and the thread stops by itself at its next check.
"""

from __future__ import annotations

import contextvars
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import TypeVar

from mlpy.errors import MLTimeoutError
from mlpy.runtime.state import CallState
from mlpy.source import Span

__all__ = [
    "GRACE",
    "WATCHDOG",
    "WORKER_STACK_SIZE",
    "Watchdog",
    "ml_position_of",
    "start_thread",
    "timeout_error",
]

#: bytes of stack for every thread that runs ML
WORKER_STACK_SIZE = 64 * 1024 * 1024
#: seconds a caller waits past the deadline for a call inside a long builtin to stop by itself
GRACE = 0.25

_stack_size_lock = threading.Lock()

_T = TypeVar("_T")


def start_thread(target: Callable[[], object], *, name: str) -> threading.Thread:
    """Start a daemon thread running ``target`` with a `WORKER_STACK_SIZE` stack."""
    thread = threading.Thread(target=target, name=name, daemon=True)
    with _stack_size_lock:  # the stack size applies to threads started while it is set
        previous = threading.stack_size(WORKER_STACK_SIZE)
        try:
            thread.start()
        finally:
            threading.stack_size(previous)
    return thread


def timeout_error(state: CallState) -> MLTimeoutError:
    """The error of a call past its deadline (the same text as the in-thread check)."""
    return MLTimeoutError.after(state.timeout)


def ml_position_of(thread_id: int | None) -> Span | None:
    """The ML position thread ``thread_id`` is at now (its innermost ML frame), if any."""
    frame: FrameType | None = sys._current_frames().get(thread_id) if thread_id is not None else None
    while frame is not None:
        code = frame.f_code
        if code.co_filename.startswith("<ml"):
            positions = list(code.co_positions())
            index = frame.f_lasti // 2
            if 0 <= index < len(positions):
                line, _, col, _ = positions[index]
                if line is not None and col is not None:
                    return Span.point(line, col + 1)
            return Span.point(frame.f_lineno, 1)
        frame = frame.f_back
    return None


@dataclass(frozen=True, slots=True)
class Watchdog:
    """Stops a call at its deadline: the policy `mlpy.run` and the executor share.

    ``grace`` is how long past the deadline a caller waits for a call inside one long builtin
    or host function to stop by itself before it returns the timeout anyway.
    """

    grace: float = GRACE

    def expire(self, state: CallState) -> None:
        """The deadline passed: stop the call at its next budget check."""
        state.cancel(timeout_error(state))

    def overdue(self, state: CallState, thread_id: int | None) -> MLTimeoutError:
        """The error for a call still running ``grace`` past its deadline: the timeout, at the
        ML position thread ``thread_id`` is on."""
        error = timeout_error(state)
        error.with_span(ml_position_of(thread_id))
        return error

    def run(self, work: Callable[[], _T], state: CallState) -> _T | MLTimeoutError:
        """Run ``work`` in a new big-stack thread and wait for it, blocking, until the deadline.

        At the deadline the call is expired; if it is still running ``grace`` seconds later,
        the caller gets the `overdue` error and the thread is left to stop by itself. The
        caller's contextvars are visible inside ``work``.

        Raises:
            Exception: whatever ``work`` raised (runners raise only for the host's mistakes).
        """
        box: list[_T] = []
        failure: list[BaseException] = []
        ctx = contextvars.copy_context()

        def target() -> None:
            try:
                box.append(ctx.run(work))
            except BaseException as e:  # noqa: BLE001 - handed to the caller below
                failure.append(e)

        thread = start_thread(target, name="mlpy-run")
        thread.join(max(0.0, state.deadline - time.monotonic()))
        if thread.is_alive():
            self.expire(state)
            thread.join(self.grace)
        if failure:
            raise failure[0]  # the host's own mistake (a bad function name or grant)
        if box:
            return box[0]
        return self.overdue(state, thread.ident)


#: the watchdog of `mlpy.run`, and of every executor that keeps the default grace
WATCHDOG = Watchdog()
