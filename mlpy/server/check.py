"""``POST /check`` and ``POST /transpile``: a script's diagnostics and its Python, without running it.

Layer 6 (server): imports the standard library, anyio, fastapi, pydantic, `mlpy`,
`mlpy.deadline`, `mlpy.errors` and `mlpy.server.*`.

Both routes take the ``/execute`` size limit on ``code`` (413) and compile in a worker thread,
off the event loop. Cost bound: compiling is linear in the code's size, which is at most
``MLPY_MAX_CODE_BYTES`` (about 0.7 s for 100 KB on a busy 2-core machine), and stops at a
deadline of ``MLPY_DEFAULT_TIMEOUT`` (a ``TimeoutError`` diagnostic); at most ``MLPY_WORKERS``
compilations run at once per process, a request waits at most `WAIT_SECONDS` for a turn and is
otherwise refused with 503 and ``Retry-After``.
A script with errors is still a 200 (as for ``/execute``): the errors are the answer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import APIRouter, Body, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field

from mlpy import Diagnostic as Finding
from mlpy import Severity, diagnostics, transpile
from mlpy.deadline import within
from mlpy.errors import MLCheckErrors, MLTimeoutError
from mlpy.server.deps import SettingsDep
from mlpy.server.json_body import JSONRoute
from mlpy.server.render import RETRY_AFTER, error_response
from mlpy.server.settings import Settings
from mlpy.server.sizes import TooLarge, check_code

__all__ = [
    "WAIT_SECONDS",
    "CheckRequest",
    "CheckResponse",
    "Diagnostic",
    "TranspileResponse",
    "diagnostic",
    "router",
]

router = APIRouter(route_class=JSONRoute)
T = TypeVar("T")

#: seconds a request waits for a free compilation slot before it is refused (503)
WAIT_SECONDS = 5.0
_BUSY = "every compilation slot is busy; try again"

_STATUSES: dict[int | str, dict[str, Any]] = {
    413: error_response(
        "The code is over `MLPY_MAX_CODE_BYTES`.",
        "code is 100006 bytes; the limit is 100000 (MLPY_MAX_CODE_BYTES)",
    ),
    503: error_response("Every compilation slot stayed busy: retry after `Retry-After` seconds.", _BUSY),
}


class Diagnostic(BaseModel):
    """One problem found in a script, at an ML position (1-based; ``end_column`` exclusive)."""

    model_config = ConfigDict(frozen=True)

    severity: Severity = Field(description="`error` (the script cannot run) or `warning` (it can).")
    type: str = Field(description="The ML error type (SyntaxError, SecurityError, ...), or Warning.")
    message: str = Field(description="What is wrong, in words.")
    line: int | None = Field(description="Line of the start, 1-based; null if unknown.")
    column: int | None = Field(description="Column of the start, 1-based, in characters.")
    end_line: int | None = Field(description="Line of the end.")
    end_column: int | None = Field(description="Column just past the end (exclusive).")


class CheckRequest(BaseModel):
    """``POST /check`` and ``POST /transpile``: an ML program, not run."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"code": "x = 1;\nresult = x +;"}, {"code": "result = 2 + 2;"}]}
    )

    code: str = Field(description="ML source code, at most MLPY_MAX_CODE_BYTES in UTF-8.")
    strict: bool = Field(
        default=False,
        strict=True,  # true or false, not 0 or "yes": the schema says boolean
        description="Check in strict security mode (§9). A server started strict always is.",
    )


class CheckResponse(BaseModel):
    """Every diagnostic found before running; ``valid`` when none of them is an error."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "valid": False,
                    "diagnostics": [
                        {
                            "severity": "error",
                            "type": "SyntaxError",
                            "message": "unexpected ';'",
                            "line": 2,
                            "column": 13,
                            "end_line": 2,
                            "end_column": 14,
                        }
                    ],
                }
            ]
        }
    )

    valid: bool = Field(description="True when the script would compile (no error, warnings allowed).")
    diagnostics: list[Diagnostic] = Field(description="In source order.")


class TranspileResponse(BaseModel):
    """The Python a script compiles to, or why it does not compile."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"success": True, "python": "...", "diagnostics": []}]}
    )

    success: bool = Field(description="True when the script compiled.")
    python: str | None = Field(description="The generated Python (readable); null on errors.")
    diagnostics: list[Diagnostic] = Field(description="The errors when it did not compile.")


def diagnostic(finding: Finding) -> Diagnostic:
    """``finding`` (`mlpy.Diagnostic`) as the HTTP body's `Diagnostic`: its span's four numbers,
    or nulls when it has none."""
    span = finding.span
    return Diagnostic(
        severity=finding.severity,
        type=finding.kind,
        message=finding.message,
        line=span.line if span else None,
        column=span.column if span else None,
        end_line=span.end_line if span else None,
        end_column=span.end_column if span else None,
    )


@router.post(
    "/check",
    response_model=CheckResponse,
    summary="Find every error in an ML program without running it",
    responses=_STATUSES,
)
async def check_route(
    body: Annotated[CheckRequest, Body()], request: Request, settings: SettingsDep
) -> CheckResponse:
    """Parse and check ``code`` (syntax, names, security) and return every error and warning.

    A script with errors is a **200** with ``valid: false``; warnings (an unknown escape such as
    ``"\\d"``, kept as written) leave it valid. Code over the size limit is a 413,
    a bad body a 422, a server with every compilation slot busy a 503 with ``Retry-After``.
    """
    _check_size(body.code, settings)
    strict = settings.strict or body.strict

    def work() -> list[Finding]:
        try:
            return diagnostics(body.code, strict_security=strict)
        except MLTimeoutError as e:
            return [Finding.of_error(e)]

    found = await _compile_off_loop(request, settings, work)
    valid = all(f.severity is not Severity.ERROR for f in found)
    return CheckResponse(valid=valid, diagnostics=[diagnostic(f) for f in found])


@router.post(
    "/transpile",
    response_model=TranspileResponse,
    summary="Show the Python an ML program compiles to",
    responses=_STATUSES,
)
async def transpile_route(
    body: Annotated[CheckRequest, Body()], request: Request, settings: SettingsDep
) -> TranspileResponse:
    """Compile ``code`` and return the generated Python (what the sandbox runs, for the curious).

    A script with errors is a **200** with ``success: false`` and its diagnostics. Statuses as
    for ``/check``.
    """
    _check_size(body.code, settings)
    strict = settings.strict or body.strict

    def work() -> TranspileResponse:
        try:
            python = transpile(body.code, strict_security=strict)
        except (MLCheckErrors, MLTimeoutError) as e:
            errors = e.errors if isinstance(e, MLCheckErrors) else [e]
            found = [diagnostic(Finding.of_error(x)) for x in errors]
            return TranspileResponse(success=False, python=None, diagnostics=found)
        return TranspileResponse(success=True, python=python, diagnostics=[])

    return await _compile_off_loop(request, settings, work)


def _check_size(code: str, settings: Settings) -> None:
    """Refuse code over ``max_code_bytes`` (413), as ``/execute`` does."""
    try:
        check_code(code, settings)
    except TooLarge as e:
        raise HTTPException(413, str(e)) from None


def _limiter(request: Request, settings: Settings) -> anyio.CapacityLimiter:
    """The app's compilation slots (``settings.workers`` of them), made on first use."""
    limiter: anyio.CapacityLimiter | None = getattr(request.app.state, "compile_limiter", None)
    if limiter is None:
        limiter = anyio.CapacityLimiter(settings.workers)
        request.app.state.compile_limiter = limiter
    return limiter


async def _compile_off_loop(request: Request, settings: Settings, work: Callable[[], T]) -> T:
    """Run ``work()`` in a thread once a compilation slot is free (503 if none frees in time),
    under a deadline of ``MLPY_DEFAULT_TIMEOUT`` seconds that the front end checks as it goes
    (past it, compiling raises `MLTimeoutError`)."""
    limiter = _limiter(request, settings)
    with anyio.move_on_after(WAIT_SECONDS) as waited:
        await limiter.acquire()
    if waited.cancelled_caught:
        raise HTTPException(503, _BUSY, headers={"Retry-After": RETRY_AFTER})
    seconds = settings.default_timeout

    def bounded() -> T:
        with within(time.monotonic() + seconds, seconds):
            return work()

    try:
        return await anyio.to_thread.run_sync(bounded)
    finally:
        limiter.release()
