"""The synchronous public API: `run`, `transpile`, `check`.

Layer 4 (host API): imports the standard library, `mlpy.errors`, `mlpy.language`,
`mlpy.compiler` and `mlpy.runtime`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from mlpy.compiler.program import Program, check_source, compile_ml
from mlpy.compiler.program import transpile as _transpile
from mlpy.errors import MLCheckErrors, MLError, MLSyntaxError
from mlpy.language.check import diagnose
from mlpy.language.diagnostics import Diagnostic
from mlpy.runtime.capabilities import Grants
from mlpy.runtime.limits import Limits
from mlpy.runtime.result import MLResult
from mlpy.runtime.run import HostFunctions, prepare_context, run_prepared
from mlpy.runtime.state import CallState
from mlpy.runtime.threads import run_watched
from mlpy.source import Span

__all__ = ["check", "compile_code", "diagnostics", "run", "transpile", "validate_timeout"]

#: seconds `run` waits past the deadline for a call inside a long builtin to stop by itself
_GRACE = 0.25


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


def _decode(code: object) -> str:
    """ML source as text: a ``str``, or ``bytes`` in UTF-8.

    Raises:
        MLSyntaxError: bytes that are not UTF-8 (with the position of the first bad byte).
        TypeError: anything else.
    """
    if isinstance(code, str):
        return code
    if isinstance(code, bytes | bytearray):
        try:
            return bytes(code).decode("utf-8")
        except UnicodeDecodeError as e:
            good = bytes(code)[: e.start].decode("utf-8")
            line = good.count("\n") + 1
            col = len(good) - (good.rfind("\n") + 1) + 1
            raise MLSyntaxError(
                f"source is not valid UTF-8 (byte 0x{code[e.start]:02x})", Span.point(line, col)
            ) from None
    raise TypeError(f"ML code must be a str, not {type(code).__name__}")


def compile_code(code: object, *, strict: bool = False) -> Program:
    """Compile ML source (``str`` or UTF-8 ``bytes``) to a cached `Program`.

    Raises:
        MLCheckErrors: syntax, check or strict-mode errors, all of them.
        TypeError: ``code`` is neither text nor bytes.
    """
    try:
        text = _decode(code)
    except MLSyntaxError as e:
        raise MLCheckErrors([e]) from None
    return compile_ml(text, strict=strict)


def run(
    code: object,
    context: Mapping[str, Any] | None = None,
    *,
    timeout: float | None = None,
    strict_security: bool = False,
    limits: Limits | None = None,
    functions: HostFunctions | None = None,
    capabilities: Grants | None = None,
) -> MLResult:
    """Run ML ``code`` and return its `MLResult` (errors are results); blocks until it ends.

    The program runs in a fresh thread with a large stack (deep recursion never depends on
    the caller's stack size) and is stopped at its deadline even inside a long builtin.

    ``context`` values become top-level variables; ``timeout`` (seconds) defaults to
    ``limits.timeout``; ``functions`` registers host functions by name; ``capabilities``
    grants host access (§7.3).

    Raises:
        TypeError, ValueError: the host passed a bad context, timeout, function or grant.
    """
    limits = limits or Limits()
    seconds = validate_timeout(timeout, limits.timeout)
    if not isinstance(code, str | bytes | bytearray):
        return MLResult(
            success=False,
            error=f"TypeError: ML code must be a str, not {type(code).__name__}",
            error_type="TypeError",
        )
    inputs = prepare_context(context)  # a bad context is the caller's exception, here
    state = CallState(limits, timeout=seconds)  # the deadline covers compiling too

    def work() -> MLResult:
        try:
            program = compile_code(code, strict=strict_security)
        except MLCheckErrors as e:
            return MLResult.failure(e)
        return run_prepared(
            program, inputs, limits=limits, state=state, functions=functions, grants=capabilities
        )

    outcome = run_watched(work, state, grace=_GRACE)
    if isinstance(outcome, MLResult):
        return outcome
    return MLResult.failure(outcome, execution_time=seconds)


def transpile(code: object, *, strict_security: bool = False) -> str:
    """The Python that ML ``code`` compiles to (readable, via ``ast.unparse``).

    Raises:
        MLCheckErrors: the code has errors (all of them are in ``.errors``).
        TypeError: ``code`` is neither text nor bytes.
    """
    return (
        compile_code(code, strict=strict_security).python_source
        if not isinstance(code, str)
        else _transpile(code, strict=strict_security)
    )


def check(code: object, *, strict_security: bool = False) -> list[MLError]:
    """Every error found in ML ``code`` before running it; empty for a valid program."""
    try:
        text = _decode(code)
    except MLSyntaxError as e:
        return [e]
    except TypeError as e:
        return [MLSyntaxError(str(e))]
    return check_source(text, strict=strict_security)


def diagnostics(code: object, *, strict_security: bool = False) -> list[Diagnostic]:
    """Every error *and warning* found in ML ``code`` before running it, in source order.

    `check` returns the errors only (as `MLError`s, its type unchanged); this is the channel
    for warnings too (an unknown escape such as ``"\\d"``, kept as written, LANGUAGE.md §1.5).
    Each `Diagnostic` has a `Severity` (``ERROR`` or ``WARNING``), a ``kind`` (the ML error
    type, or ``"Warning"``), a message and a position. A program with only warnings runs.
    """
    try:
        text = _decode(code)
    except MLSyntaxError as e:
        return [Diagnostic.of_error(e)]
    except TypeError as e:
        return [Diagnostic.of_error(MLSyntaxError(str(e)))]
    return diagnose(text, strict=strict_security)
