"""The synchronous public API: `run`, `transpile`, `check`.

Layer 4 (host API): imports the standard library, `mlpy.call`, `mlpy.errors`, `mlpy.compiler`
and `mlpy.runtime`.

Every entry point takes ``code`` as ``str``, UTF-8 ``bytes`` or a compiled `Program`, and
answers anything else with the same ``TypeError`` (`mlpy.call.source_of`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlpy.call import compile_code, decode, make_call, source_of, validate_timeout
from mlpy.compiler.compiled import Program
from mlpy.compiler.program import check_source
from mlpy.errors import MLError, MLSyntaxError
from mlpy.language.check import diagnose
from mlpy.language.diagnostics import Diagnostic
from mlpy.runtime.capabilities import Grants
from mlpy.runtime.limits import Limits
from mlpy.runtime.result import MLResult
from mlpy.runtime.run import HostFunctions
from mlpy.runtime.threads import WATCHDOG

__all__ = ["check", "compile_code", "diagnostics", "run", "transpile", "validate_timeout"]


def run(
    code: str | bytes | Program,
    context: Mapping[str, Any] | None = None,
    *,
    timeout: float | None = None,
    strict_security: bool = False,
    limits: Limits | None = None,
    functions: HostFunctions | None = None,
    capabilities: Grants | None = None,
    partition: str | None = None,
) -> MLResult:
    """Run ML ``code`` (source or a compiled `Program`) and return its `MLResult`; blocks until it ends.

    Script errors, limits and timeouts are results. The program runs in a fresh thread with a
    large stack (deep recursion never depends on the caller's stack size) and is stopped at
    its deadline even inside a long builtin; compiling counts toward the deadline (building
    the parser, once per process, does not).

    ``context`` values become top-level variables; ``timeout`` (seconds) defaults to
    ``limits.timeout``; ``functions`` registers host functions by name; ``capabilities``
    grants host access (§7.3); ``partition`` names the caller, whose compiled programs are
    cached apart from other callers' (docs/security.md).

    Raises:
        TypeError, ValueError: the host passed bad code, context, timeout, function or grant
            (`mlpy.call`).
    """
    call = make_call(
        code,
        context,
        timeout=timeout,
        limits=limits,
        strict=strict_security,
        functions=functions,
        capabilities=capabilities,
        partition=partition,
    )
    state = call.new_state()
    outcome = WATCHDOG.run(lambda: call.execute(state), state)
    if isinstance(outcome, MLResult):
        return outcome
    return MLResult.failure(outcome, execution_time=call.timeout)


def transpile(code: str | bytes | Program, *, strict_security: bool = False) -> str:
    """The Python that ML ``code`` compiles to (readable, via ``ast.unparse``).

    Raises:
        MLCheckErrors: the code has errors (all of them are in ``.errors``).
        TypeError, ValueError: as `run` for ``code``.
    """
    return compile_code(code, strict=strict_security).python_source


def check(code: str | bytes | Program, *, strict_security: bool = False) -> list[MLError]:
    """Every error found in ML ``code`` before running it; empty for a valid program.

    Raises:
        TypeError, ValueError: as `run` for ``code``.
    """
    source = source_of(code, strict=strict_security)
    if isinstance(source, Program):
        return []  # checked when it was compiled
    try:
        text = decode(source)
    except MLSyntaxError as e:
        return [e]
    return check_source(text, strict=strict_security)


def diagnostics(code: str | bytes | Program, *, strict_security: bool = False) -> list[Diagnostic]:
    """Every error *and warning* found in ML ``code`` before running it, in source order.

    `check` returns the errors only (as `MLError`s, its type unchanged); this is the channel
    for warnings too (an unknown escape such as ``"\\d"``, kept as written, LANGUAGE.md §1.5).
    Each `Diagnostic` has a `Severity` (``ERROR`` or ``WARNING``), a ``kind`` (the ML error
    type, or ``"Warning"``), a message and a position. A program with only warnings runs.

    Raises:
        TypeError, ValueError: as `run` for ``code``.
    """
    source = source_of(code, strict=strict_security)
    if isinstance(source, Program):
        return []  # checked when it was compiled
    try:
        text = decode(source)
    except MLSyntaxError as e:
        return [Diagnostic.of_error(e)]
    return diagnose(text, strict=strict_security)
