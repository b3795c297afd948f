"""`Call`: the one host boundary. Everything a host passes is checked here, once, the same way.

Layer 4 (host API): imports the standard library, `mlpy.deadline`, `mlpy.errors`,
`mlpy.compiler`, `mlpy.language.parser` (to build the parser before a deadline starts) and
`mlpy.runtime`.

`mlpy.run`, `AsyncMLExecutor.execute` (and the jobs built on it) turn their arguments into a
`Call` with `make_call`, in the caller's thread, before anything runs or is queued. A host's
mistake is the host's exception, raised there and worded the same everywhere:

* ``code`` that is not ``str``, ``bytes`` or a compiled `Program`: ``TypeError``. (Bytes that
  are not UTF-8 are the *script's* error: a failed result with a ``SyntaxError``.)
* a `Program` compiled without strict mode for a strict call: ``ValueError``.
* ``timeout`` not a positive finite number: ``ValueError``.
* a context that is not a mapping of ML identifiers to JSON-like values, a host function that
  is not callable or not named by an ML identifier, an unknown grant: ``TypeError`` /
  ``ValueError`` (§7.1).

The context is deep-copied at that moment, so a host may change its own objects afterwards.
The call's deadline starts when the `Call` is made (after the parser is built: building it is
mlpy's start-up cost, not the script's). `Call.execute` then compiles under that deadline
(`mlpy.deadline.within`, so a huge program stops compiling at it) and runs.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mlpy import deadline
from mlpy.compiler.compiled import Program
from mlpy.compiler.program import compile_ml
from mlpy.errors import MLCheckErrors, MLSyntaxError, MLTimeoutError
from mlpy.language.parser import parser
from mlpy.runtime import capabilities as caps
from mlpy.runtime.convert import is_identifier
from mlpy.runtime.limits import Limits
from mlpy.runtime.result import MLResult
from mlpy.runtime.run import HostFunctions, prepare_context, run_prepared
from mlpy.runtime.state import CURRENT, CallState
from mlpy.source import Span

__all__ = [
    "Call",
    "check_functions",
    "compile_code",
    "decode",
    "make_call",
    "merge_grants",
    "source_of",
    "validate_timeout",
    "warm_up",
]

#: what ``code`` may be, for the one message every entry point gives
_CODE_TYPES = "a str, bytes or Program"


@dataclass(frozen=True, slots=True)
class Call:
    """One validated call: what to run, with what, under which limits and deadline.

    ``code`` is source (``str``, or ``bytes`` decoded when compiled) or a compiled `Program`;
    ``inputs`` is the context, checked and deep-copied; ``functions`` and ``grants`` are the
    merged, checked host functions and capabilities; ``deadline`` is a `time.monotonic` time;
    ``partition`` keeps this caller's compiled programs apart from other callers' (§ cache).
    """

    code: str | bytes | Program
    inputs: dict[str, Any]
    functions: dict[str, Callable[..., Any]]
    grants: dict[str, list[str]]
    limits: Limits
    timeout: float
    deadline: float
    strict: bool
    partition: str | None

    def new_state(self) -> CallState:
        """A fresh `CallState` for running this call: its limits, deadline and grants."""
        state = CallState(self.limits, timeout=self.timeout, deadline=self.deadline)
        state.capabilities = self.grants
        return state

    def execute(self, state: CallState, *, queue_time: float = 0.0) -> MLResult:
        """Compile (under the deadline) and run this call in the current thread.

        Script errors, limits and timeouts are results. ``queue_time`` is reported as is.
        """
        if state.stop is not None:
            return MLResult.failure(state.stop, queue_time=queue_time)
        if time.monotonic() >= self.deadline:  # the whole timeout went by before it started
            return MLResult.failure(MLTimeoutError.after(self.timeout), queue_time=queue_time)
        started = time.perf_counter()
        try:
            program = self.program()
        except (MLCheckErrors, MLTimeoutError) as e:
            spent = time.perf_counter() - started
            return MLResult.failure(e, transpile_time=spent, queue_time=queue_time)
        spent = time.perf_counter() - started if not isinstance(self.code, Program) else 0.0
        return run_prepared(
            program,
            self.inputs,
            limits=self.limits,
            state=state,
            functions=self.functions,
            grants=self.grants,
            transpile_time=spent,
            queue_time=queue_time,
        )

    def program(self) -> Program:
        """This call's `Program`: the one given, or compiled (or fetched) under the deadline.

        Raises:
            MLCheckErrors: the source has errors.
            MLTimeoutError: compiling reached the call's deadline.
        """
        if isinstance(self.code, Program):
            return self.code
        with deadline.within(self.deadline, self.timeout):
            return compile_code(self.code, strict=self.strict, partition=self.partition)


def make_call(
    code: object,
    context: Mapping[str, Any] | None = None,
    *,
    timeout: float | None = None,
    limits: Limits | None = None,
    strict: bool = False,
    functions: HostFunctions | None = None,
    capabilities: caps.Grants | None = None,
    base_functions: Mapping[str, Callable[..., Any]] | None = None,
    base_grants: Mapping[str, list[str]] | None = None,
    partition: str | None = None,
    started: float | None = None,
) -> Call:
    """Check everything a host passed for one call and build its `Call` (see the module doc).

    ``timeout`` defaults to ``limits.timeout``; ``functions`` are added to ``base_functions``
    (a call's function replaces a base one of the same name) and ``capabilities`` to
    ``base_grants`` (the union per kind). The deadline is ``started`` (default: now, after the
    parser is built) plus the timeout.

    Raises:
        TypeError, ValueError: as listed in the module doc.
    """
    limits = limits or Limits()
    source = source_of(code, strict=strict)
    seconds = validate_timeout(timeout, limits.timeout)
    if partition is not None and not isinstance(partition, str):
        raise TypeError(f"partition must be a str or None, not {type(partition).__name__}")
    merged = {**(base_functions or {}), **check_functions(functions)}
    grants = merge_grants(dict(base_grants or {}), caps.normalize(capabilities))
    if not isinstance(source, Program):
        warm_up()  # before the deadline starts
    begin = time.monotonic() if started is None else started
    token = CURRENT.set(CallState(limits, timeout=seconds, deadline=begin + seconds))
    try:  # converting the context checks sizes against this call's limits
        inputs = prepare_context(context)
    finally:
        CURRENT.reset(token)
    return Call(
        code=source,
        inputs=inputs,
        functions=merged,
        grants=grants,
        limits=limits,
        timeout=seconds,
        deadline=begin + seconds,
        strict=bool(strict),
        partition=partition,
    )


def warm_up() -> None:
    """Build the ML parser now, if no call has (it takes 0.4-0.8 s, once per process)."""
    parser()


def source_of(code: object, *, strict: bool = False) -> str | bytes | Program:
    """``code`` if it is something mlpy can compile or run (``bytearray`` becomes ``bytes``).

    Raises:
        TypeError: not text, bytes or a `Program`.
        ValueError: a `Program` compiled without strict mode, for a strict call.
    """
    if isinstance(code, Program):
        if strict and not code.strict:
            raise ValueError("strict_security needs a Program compiled with strict=True")
        return code
    if isinstance(code, str | bytes):
        return code
    if isinstance(code, bytearray):
        return bytes(code)
    raise TypeError(f"ML code must be {_CODE_TYPES}, not {type(code).__name__}")


def validate_timeout(timeout: Any, default: float) -> float:
    """``timeout`` as a positive finite float (``None`` gives ``default``).

    Raises:
        ValueError: ``timeout`` is not a number, or not positive and finite.
    """
    if timeout is None:
        return default
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise ValueError(f"timeout must be a number of seconds, not {type(timeout).__name__}")
    try:
        seconds = float(timeout)
    except OverflowError:  # an int too large for a float
        seconds = math.inf
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    return seconds


def decode(code: str | bytes) -> str:
    """ML source as text: a ``str``, or ``bytes`` in UTF-8.

    Raises:
        MLSyntaxError: bytes that are not UTF-8 (with the position of the first bad byte).
    """
    if isinstance(code, str):
        return code
    try:
        return code.decode("utf-8")
    except UnicodeDecodeError as e:
        good = code[: e.start].decode("utf-8")
        line = good.count("\n") + 1
        col = len(good) - (good.rfind("\n") + 1) + 1
        raise MLSyntaxError(
            f"source is not valid UTF-8 (byte 0x{code[e.start]:02x})", Span.point(line, col)
        ) from None


def compile_code(code: object, *, strict: bool = False, partition: str | None = None) -> Program:
    """Compile ML source (``str`` or UTF-8 ``bytes``) to a cached `Program`; a `Program` as is.

    Raises:
        MLCheckErrors: syntax, check or strict-mode errors, all of them.
        TypeError, ValueError: as `source_of`.
    """
    source = source_of(code, strict=strict)
    if isinstance(source, Program):
        return source
    try:
        text = decode(source)
    except MLSyntaxError as e:
        raise MLCheckErrors([e]) from None
    return compile_ml(text, strict=strict, partition=partition)


def check_functions(functions: HostFunctions | None) -> dict[str, Callable[..., Any]]:
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
        if not isinstance(name, str) or not is_identifier(name):
            raise ValueError(f"host function name {name!r} is not an ML identifier")
        if not callable(fn):
            raise TypeError(f"host function {name!r} is not callable")
        out[name] = fn
    return out


def merge_grants(base: dict[str, list[str]], extra: dict[str, list[str]]) -> dict[str, list[str]]:
    """The union of two normalized grants, per kind, keeping order and dropping repeats."""
    merged = {kind: list(values) for kind, values in base.items()}
    for kind, values in extra.items():
        have = merged.setdefault(kind, [])
        have.extend(v for v in values if v not in have)
    return merged
