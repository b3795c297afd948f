"""Run a compiled `Program` in the current thread: per-call globals, budget, output, result.

Layer 3 (runtime): imports the standard library, `mlpy.errors`, `mlpy.compiler` and
`mlpy.runtime`.

Each call gets a fresh globals dict: the guard table, the ML builtins as ``__builtins__``
(never Python's), the budget counters, the host's context values (deep-copied and checked) and
registered host functions. Code objects are shared between calls; globals never are.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping
from typing import Any

from mlpy.compiler import abi
from mlpy.compiler.compiled import Program
from mlpy.errors import MLError, MLLimitError, MLRuntimeError, MLSecurityError, MLTypeError
from mlpy.runtime import capabilities as caps
from mlpy.runtime.builtins import BUILTINS
from mlpy.runtime.convert import from_host, is_identifier, to_host
from mlpy.runtime.guards import GUARDS
from mlpy.runtime.limits import Limits
from mlpy.runtime.result import MLResult
from mlpy.runtime.state import CURRENT, CallState
from mlpy.runtime.traceback import translate
from mlpy.runtime.values import Builtin

__all__ = ["HostFunctions", "host_function", "prepare_context", "run_prepared", "run_program"]

HostFunctions = Mapping[str, Callable[..., Any]]

_BUILTINS_TABLE: dict[str, Any] = dict(BUILTINS)

#: Python frames a deep ML recursion may need: each ML call is one frame, plus guards between
_RECURSION_FLOOR = 20_000


def _ensure_recursion_headroom(limits: Limits) -> None:
    needed = max(_RECURSION_FLOOR, limits.max_depth * 4 + 1_000)
    if sys.getrecursionlimit() < needed:
        sys.setrecursionlimit(needed)


def prepare_context(context: Mapping[str, Any] | None) -> dict[str, Any]:
    """Check and deep-copy the host's context values (§7.1).

    Raises:
        TypeError: ``context`` is not a mapping, or a value is not JSON-like.
        ValueError: a key is not an ML identifier.
    """
    if context is None:
        return {}
    if not isinstance(context, Mapping):
        raise TypeError(f"context must be a dict, not {type(context).__name__}")
    out: dict[str, Any] = {}
    for key, value in context.items():
        if not isinstance(key, str) or not is_identifier(key):
            raise ValueError(f"context key {key!r} is not an ML identifier")
        out[abi.py_name(key)] = from_host(value, key)
    return out


def host_function(name: str, fn: Callable[..., Any]) -> Builtin:
    """Wrap a host function registered by name: ML values in, a converted value out (§7.1).

    Raises:
        TypeError: ``fn`` is not callable.
    """
    if not callable(fn):
        raise TypeError(f"host function {name!r} is not callable")

    def call(*args: Any) -> Any:
        try:
            value = fn(*(to_host(a) for a in args))
        except MLError:
            raise  # the host chose an ML error for the script to see
        except Exception as e:  # noqa: BLE001 - the host's own message may hold host details
            raise MLRuntimeError(f"host function {name}() failed ({type(e).__name__})") from None
        try:
            return from_host(value, f"{name}()")
        except (TypeError, ValueError) as e:
            raise MLTypeError(f"host function {name}() returned a value ML cannot use: {e}") from None

    return Builtin(call, name)


def run_program(
    program: Program,
    context: Mapping[str, Any] | None = None,
    *,
    limits: Limits | None = None,
    state: CallState | None = None,
    functions: HostFunctions | None = None,
    grants: caps.Grants | None = None,
) -> MLResult:
    """Run ``program`` to completion in this thread and return its `MLResult`.

    Script errors (including limits and timeouts) are results, never exceptions.

    Raises:
        TypeError, ValueError: the host's context, functions or grants are invalid (§7.1).
    """
    return run_prepared(
        program, prepare_context(context), limits=limits, state=state, functions=functions, grants=grants
    )


def run_prepared(
    program: Program,
    inputs: dict[str, Any],
    *,
    limits: Limits | None = None,
    state: CallState | None = None,
    functions: HostFunctions | None = None,
    grants: caps.Grants | None = None,
    transpile_time: float | None = None,
    queue_time: float = 0.0,
    namespace: dict[str, Any] | None = None,
) -> MLResult:
    """`run_program` for ``inputs`` that `prepare_context` already checked and copied.

    The executor prepares the context in the caller's thread (so a bad context is the
    caller's exception at once) and runs the program in a worker thread. ``transpile_time``
    is what this call spent compiling (default: the program's own compile time; a call that
    found it in the cache passes ~0); ``queue_time`` how long it waited for a thread.

    ``namespace`` (the REPL's) is used as the globals instead of a fresh dict, so top-level
    variables and functions of one call are there for the next; its runtime names (guards,
    builtins, budget) are set afresh for this call, re-arming a namespace a stop disarmed.

    Raises:
        TypeError, ValueError: the host's functions or grants are invalid (§7.1).
    """
    limits = limits or Limits()
    times = {
        "transpile_time": program.transpile_time if transpile_time is None else transpile_time,
        "queue_time": queue_time,
    }
    granted = caps.normalize(grants)
    if state is None:
        state = CallState(limits, capabilities=granted)
    elif granted and not state.capabilities:
        state.capabilities = granted  # host-access modules look for the grants on the state
    missing = caps.missing(program, granted)
    if missing:
        messages = "; ".join(message for message, _ in missing)
        error = MLSecurityError(f"capability not granted: {messages}", missing[0][1])
        return MLResult.failure(error, **times)
    state.strict = program.strict
    g = _globals(state, inputs, functions or {}, {} if namespace is None else namespace)
    _ensure_recursion_headroom(limits)
    token = CURRENT.set(state)
    start = time.perf_counter()
    try:
        exec(program.code, g)
        if state.stop is not None:  # a limit hit was swallowed by `finally { return; }`
            raise state.stop
        value = to_host(g.get("result"))
    except Exception as exc:  # noqa: BLE001 - every script failure becomes a result
        return _failure(exc, state, start, times)
    finally:
        CURRENT.reset(token)
    return MLResult(
        success=True,
        value=value,
        stdout=state.stdout(),
        execution_time=time.perf_counter() - start,
        transpile_time=times["transpile_time"],
        queue_time=times["queue_time"],
        steps=state.steps_used(),
    )


def _failure(exc: Exception, state: CallState, start: float, times: dict[str, float]) -> MLResult:
    error: MLError = translate(exc, with_stack=True)
    if state.stop is not None and not isinstance(error, MLLimitError):
        error = state.stop  # the stop reason wins over whatever it caused on the way out
    return MLResult.failure(
        error,
        stdout=state.stdout(),
        execution_time=time.perf_counter() - start,
        steps=state.steps_used(),
        **times,
    )


def _globals(
    state: CallState, inputs: dict[str, Any], functions: HostFunctions, g: dict[str, Any]
) -> dict[str, Any]:
    g.update(GUARDS)
    g["__builtins__"] = _BUILTINS_TABLE
    g[abi.STEPS] = 0
    g[abi.TICK] = state.tick
    for name, fn in functions.items():
        if not isinstance(name, str) or not is_identifier(name):
            raise ValueError(f"host function name {name!r} is not an ML identifier")
        g[abi.py_name(name)] = host_function(name, fn)
    g.update(inputs)
    state.globals = g
    return g
