"""`CallState`: everything that belongs to one running call, and how runtime code finds it.

Layer 3 (runtime): imports the standard library, `mlpy.errors` and `mlpy.runtime.limits`.

Generated code never sees a `CallState`; it talks to the step counter in its globals and to the
guard functions. Guards and builtins are shared, stateless module functions: when they need the
call (to write output, to check a size against the limits, to draw a random number) they ask
`current()`, which reads a `ContextVar` set by the runner. Guards consult it only on slow paths
(a size above a small threshold), so the common case costs nothing.

That threshold is exact for every call (issue 11 §6): hot guards compare a size with their
module's ``FAST_SIZE`` global, which is `DEFAULT_FAST_SIZE` while no running call has a limit
below it, and is lowered (in every module that declared it with `shared_threshold`) for as long
as such a call lives. A call with ``Limits(max_string=100)`` therefore sees every string above
100 characters checked, and calls with the default limits pay nothing: a global name compared
with an integer costs the same whether it is ever changed or not. While a small-limit call runs,
other calls only check more often (never less), so the sharing cannot weaken anyone's limits.
"""

from __future__ import annotations

import itertools
import sys
import threading
import time
import weakref
from collections.abc import Iterable
from contextvars import ContextVar
from types import FrameType
from typing import Any, NoReturn

from mlpy.errors import MLLimitError, MLTimeoutError
from mlpy.runtime.limits import Limits
from mlpy.runtime.values import Builtin

__all__ = [
    "CallState",
    "current",
    "CURRENT",
    "DEFAULT_FAST_SIZE",
    "DEFAULT_SMALL_INT_BITS",
    "shared_threshold",
]

#: how many steps the generated code may take between two visits to the slow path
CHUNK = 1024
#: seconds a chunk of steps may take before chunks shrink (so the deadline is seen in time)
_SLOW_CHUNK = 0.01
#: the smallest chunk near the depth limit: a recursion may overshoot max_depth by this much
#: before the check sees it
_DEPTH_SLACK = 8

#: results up to this many characters, elements or bits skip the limit check in hot guards
#: (while every running call's limits are at least this large)
DEFAULT_FAST_SIZE = 4096
#: integers of at most this many bits (at most 20 digits) are shown without a digit check
#: (while every running call allows at least 20 digits)
DEFAULT_SMALL_INT_BITS = 64


class _Thresholds:
    """The live values of the shared thresholds: the defaults, lowered while a call needs it.

    Each call whose limits are below a default registers on creation; a `weakref.finalize`
    unregisters it when its `CallState` is freed. Every change rewrites the global of each
    module that declared the threshold, under a lock (readers never lock: reading a global is
    atomic, and a stale read only ever happens for a call that is not the one that lowered it).
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.live: dict[int, tuple[int, int]] = {}
        self.holders: list[tuple[dict[str, Any], str]] = []
        self.keys = itertools.count()

    def values(self) -> dict[str, int]:
        fast = min([DEFAULT_FAST_SIZE, *(f for f, _ in self.live.values())])
        bits = min([DEFAULT_SMALL_INT_BITS, *(b for _, b in self.live.values())])
        return {"FAST_SIZE": fast, "SMALL_INT_BITS": bits}

    def declare(self, namespace: dict[str, Any], name: str) -> int:
        with self.lock:
            self.holders.append((namespace, name))
            return self.values()[name]

    def register(self, state: CallState) -> None:
        limits = state.limits
        fast = int(min(DEFAULT_FAST_SIZE, limits.max_string, limits.max_array, limits.max_int_bits))
        bits = DEFAULT_SMALL_INT_BITS if limits.max_int_digits >= 20 else 0
        if fast == DEFAULT_FAST_SIZE and bits == DEFAULT_SMALL_INT_BITS:
            return
        key = next(self.keys)
        with self.lock:
            self.live[key] = (fast, bits)
            self._apply()
        weakref.finalize(state, self.release, key)

    def release(self, key: int) -> None:
        with self.lock:
            self.live.pop(key, None)
            self._apply()

    def _apply(self) -> None:
        values = self.values()
        for namespace, name in self.holders:
            namespace[name] = values[name]


_THRESHOLDS = _Thresholds()


def shared_threshold(namespace: dict[str, Any], name: str = "FAST_SIZE") -> int:
    """Declare that the module whose ``globals()`` is ``namespace`` reads the threshold ``name``
    (``"FAST_SIZE"`` or ``"SMALL_INT_BITS"``) from its global of that name; returns its value.

    Usage (at module level)::

        FAST_SIZE = shared_threshold(globals())

    The global is then kept at the smallest value any running call needs (see the module
    docstring), so ``if size > FAST_SIZE: check_string(size)`` is exact for every call.
    """
    return _THRESHOLDS.declare(namespace, name)


class CallState:
    """Mutable, per-call: budget, captured output, module state, capabilities."""

    __slots__ = (
        "limits",
        "deadline",
        "timeout",
        "steps_left",
        "stop",
        "output",
        "output_size",
        "globals",
        "modules",
        "capabilities",
        "host_functions",
        "rng",
        "extra",
        "strict",
        "chunk",
        "last_tick",
        "allocated",
        "__weakref__",
    )

    def __init__(
        self,
        limits: Limits,
        *,
        timeout: float | None = None,
        capabilities: dict[str, list[str]] | None = None,
        host_functions: dict[str, Any] | None = None,
        deadline: float | None = None,
    ) -> None:
        self.limits = limits
        self.timeout = limits.timeout if timeout is None else timeout
        self.deadline = time.monotonic() + self.timeout if deadline is None else deadline
        #: steps not yet handed to the generated code's inline counter
        self.steps_left = limits.max_steps
        #: the first reason the call was stopped (sticky): an MLLimitError to raise again
        self.stop: MLLimitError | None = None
        #: steps handed out per visit to the slow path (shrinks when steps are slow)
        self.chunk = CHUNK
        self.last_tick = time.monotonic()
        self.output: list[str] = []
        self.output_size = 0
        #: estimated bytes of bulk allocations so far (`charge_alloc`, against max_alloc)
        self.allocated = 0
        self.globals: dict[str, Any] = {}
        self.modules: dict[str, Any] = {}
        self.capabilities = capabilities or {}
        self.host_functions = host_functions or {}
        self.rng: Any = None
        self.extra: dict[str, Any] = {}
        #: strict security mode (§9): host access is refused even where granted
        self.strict = False
        _THRESHOLDS.register(self)

    # -- budget -------------------------------------------------------------------------

    def tick(self) -> int:
        """Slow path of the step check: deadline, steps, recursion depth, stop; next chunk.

        Called by generated code when its inline counter goes negative (at most every `CHUNK`
        steps). Returns the size of the next chunk, less the step being taken. Raises the
        sticky stop reason once the call is stopped.

        The depth is counted here, from the ML frames on the stack, instead of at every call:
        near the limit the chunk shrinks to the distance left, so a recursion is stopped
        within a few frames of ``max_depth``. The chunk also shrinks when steps are slow (each
        does much work below the size caps), so the deadline is seen within about 10 ms.
        """
        if self.stop is not None:
            raise self.stop
        now = time.monotonic()
        if now > self.deadline:
            self.halt(
                MLTimeoutError(f"Execution timeout after {float(self.timeout)} seconds", limit="timeout")
            )
        if self.steps_left <= 0:
            self.halt(
                MLLimitError(
                    f"step limit exceeded: more than {self.limits.max_steps} steps (max_steps)",
                    limit="max_steps",
                )
            )
        depth = _ml_depth(sys._getframe(1))
        max_depth = self.limits.max_depth
        if depth > max_depth:
            self.halt(
                MLLimitError(
                    f"recursion too deep: more than {max_depth} nested calls (max_depth)", limit="max_depth"
                )
            )
        if now - self.last_tick > _SLOW_CHUNK:
            self.chunk = max(1, self.chunk // 8)
        elif self.chunk < CHUNK:
            self.chunk = min(CHUNK, self.chunk * 2)
        chunk = min(self.chunk, self.steps_left, max(_DEPTH_SLACK, max_depth - depth + 1))
        self.steps_left -= chunk
        if self.stop is not None:  # cancelled from another thread while we were here: the
            raise self.stop  # caller is about to overwrite the poke with our return value
        self.last_tick = time.monotonic()  # the next chunk's time is the script's, not ours
        return chunk - 1

    def steps_used(self) -> int:
        """Steps taken so far (exact once the call has finished)."""
        inline = self.globals.get("__ml_n", 0)
        return (
            self.limits.max_steps - self.steps_left - max(inline, 0)
            if inline > -(1 << 61)
            else (self.limits.max_steps - self.steps_left)
        )

    def halt(self, error: MLLimitError) -> None:
        """Stop the call for good: the first reason wins, and every later check raises it."""
        if self.stop is None:
            self.stop = error
        self.poke()
        raise self.stop

    def cancel(self, error: MLLimitError) -> None:
        """Ask the call to stop from another thread (first reason wins); it stops at its next check."""
        if self.stop is None:
            self.stop = error
        self.poke()

    def poke(self) -> None:
        """Force the next inline step check onto the slow path; once stopped, disarm the call.

        A Python ``finally`` that returns (ML ``finally { return 1; }``) swallows the stop and
        lets straight-line code run on until its next step check. Disarming replaces every
        runtime name and host-provided function in the call's globals (and the builtins) with
        one that raises the stop, so that code can no longer reach anything outside itself.
        """
        g = self.globals
        g["__ml_n"] = -(1 << 62)
        stop = self.stop
        if stop is None:
            return

        def stopped(*_args: object) -> NoReturn:
            raise stop

        for key, value in list(g.items()):
            if key != "__ml_n" and (key.startswith("__ml_") or type(value) is Builtin) and callable(value):
                g[key] = stopped
        g["__builtins__"] = {}

    # -- sizes and output -----------------------------------------------------------------

    def limit_error(self, limit: str, what: str) -> MLLimitError:
        """The `MLLimitError` for field ``limit`` of `Limits` (``what`` says what was too big),
        recorded as the call's stop: a limit is never catchable (§8), not even by a Python
        ``finally`` that returns, so every size cap that raises this stops the call for good.
        """
        error = MLLimitError(f"{what} exceeds the limit {limit}={getattr(self.limits, limit)}", limit=limit)
        self.cancel(error)
        return error

    def write(self, text: str) -> None:
        """Append to the captured output, within ``max_output``."""
        size = self.output_size + len(text)
        if size > self.limits.max_output:
            room = self.limits.max_output - self.output_size
            if room > 0:
                self.output.append(text[:room])
                self.output_size += room
            raise self.limit_error("max_output", "output")
        self.output.append(text)
        self.output_size = size

    def write_line(self, parts: Iterable[str], *, sep: str = " ", prefix: str = "") -> None:
        """Write ``prefix + sep.join(parts) + "\n"``, building it only as far as it fits.

        Security: each part may be up to ``max_string`` long, and one line may name the same
        large value many times; ``parts`` is consumed lazily and stops as soon as the line is
        past the output left, so the line is measured as it is built (never built whole first).
        """
        room = self.limits.max_output - self.output_size
        built = [prefix]
        size = len(prefix)
        for i, part in enumerate(parts):
            if i:
                built.append(sep)
                size += len(sep)
            built.append(part)
            size += len(part)
            if size > room:
                break  # the write below fills the output up to the cap and raises
        built.append("\n")
        self.write("".join(built))

    def stdout(self) -> str:
        """Everything the script printed."""
        return "".join(self.output)


def _ml_depth(frame: FrameType | None) -> int:
    """How many ML function calls are on the stack from ``frame`` outwards."""
    depth = 0
    while frame is not None:
        code = frame.f_code
        if code.co_filename.startswith("<ml") and code.co_name != "<module>":
            depth += 1
        frame = frame.f_back
    return depth


CURRENT: ContextVar[CallState] = ContextVar("mlpy_call_state")


def current() -> CallState:
    """The state of the call running in this thread (or context)."""
    return CURRENT.get()
