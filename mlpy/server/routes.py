"""The routes: ``POST /execute``, ``GET /calculate``, ``GET /health`` and ``GET /``.

Layer 6 (server): imports the standard library, anyio, fastapi, `mlpy`, `mlpy.executor`,
`mlpy.runtime.result` and `mlpy.server.*`.

Handlers are ``async def`` and thin: validate, ``await executor.execute(...)``, map the result
(STYLE.md §3.9). A script that fails is a 200 with ``success: false``; HTTP errors are for the
request itself (400, 413, 422) or the service (503 with ``Retry-After``). Results are rendered
here, not by FastAPI, so that a value JSON cannot carry (NaN, Infinity, an integer too long
to print, a lone surrogate) becomes a ``success: false`` result instead of a 500 or a silent
``null``.
"""

from __future__ import annotations

import json
import math
import re
import sys
import time
from collections.abc import Sequence
from typing import Annotated, Any

import anyio
import anyio.to_thread
from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request, Response
from fastapi.exceptions import RequestValidationError

from mlpy import __version__
from mlpy.errors import ErrorKind
from mlpy.executor import AsyncMLExecutor
from mlpy.runtime.result import MLResult
from mlpy.server.schemas import (
    CALCULATE_EXAMPLES,
    EXECUTE_EXAMPLES,
    CalculateResponse,
    ErrorDetail,
    ExecuteRequest,
    ExecuteResponse,
    ExecutorInfo,
    HealthResponse,
    ProbeResult,
    RootResponse,
    RouteInfo,
    UnhealthyResponse,
)
from mlpy.server.settings import Settings

__all__ = [
    "CALCULATIONS",
    "PROBE_SCRIPT",
    "PROBE_TIMEOUT",
    "RETRY_AFTER",
    "ExecutorDep",
    "SettingsDep",
    "get_executor",
    "get_settings",
    "router",
]

router = APIRouter()

#: seconds a client should wait before retrying a 503
RETRY_AFTER = "1"
#: the health check's script, its expected value, its timeout and when it counts as slow
PROBE_SCRIPT = "result = 6 * 7;"
PROBE_VALUE = 42
PROBE_TIMEOUT = 2.0
PROBE_SLOW = 1.0
#: the largest exponent ``power`` accepts (its loop runs abs(b) times)
MAX_EXPONENT = 10_000

#: the ML script of each ``/calculate`` operation; ``a`` and ``b`` come in as context values
CALCULATIONS: dict[str, str] = {
    "add": "result = a + b;",
    "subtract": "result = a - b;",
    "multiply": "result = a * b;",
    "divide": """\
if (b == 0) {
    throw {type: "ZeroDivisionError", message: "Division by zero: b must not be 0"};
}
result = a / b;
""",
    "power": f"""\
// a to the power b, multiplying in a loop as ML users write it
if (b != int(b)) {{
    throw {{type: "ValueError", message: "power needs a whole-number exponent b, got " + str(b)}};
}}
if (abs(b) > {MAX_EXPONENT}) {{
    throw {{type: "ValueError", message: "power needs an exponent b from -{MAX_EXPONENT} to {MAX_EXPONENT}"}};
}}
result = 1;
i = 0;
while (i < abs(b)) {{
    result = result * a;
    i = i + 1;
}}
if (b < 0) {{
    if (result == 0) {{
        throw {{type: "ZeroDivisionError", message: "Division by zero: 0 to a negative power"}};
    }}
    result = 1 / result;
}}
""",
}

_WHERE = re.compile(r"^[A-Za-z]+(?: at line \d+, column \d+)?: ")

_ERRORS: dict[int | str, dict[str, Any]] = {
    503: {"model": ErrorDetail, "description": "Overloaded: retry after `Retry-After` seconds."},
}


# -- dependencies ------------------------------------------------------------------------------


async def get_executor(request: Request) -> AsyncMLExecutor:
    """The app's executor, started by its lifespan (async: a plain def would cost a thread hop).

    Raises:
        HTTPException: 503 when the lifespan has not started it (or has shut it down).
    """
    executor: AsyncMLExecutor | None = getattr(request.app.state, "executor", None)
    if executor is None:
        raise HTTPException(503, "the executor is not running", headers={"Retry-After": RETRY_AFTER})
    return executor


async def get_settings(request: Request) -> Settings:
    """The app's settings (the defaults if the app was not made by `create_app`)."""
    settings: Settings | None = getattr(request.app.state, "settings", None)
    return settings if settings is not None else Settings()


ExecutorDep = Annotated[AsyncMLExecutor, Depends(get_executor)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


# -- routes --------------------------------------------------------------------------------------


@router.post(
    "/execute",
    response_model=ExecuteResponse,
    summary="Run an ML program",
    responses={
        413: {"model": ErrorDetail, "description": "The code or the context is too large."},
        503: {
            "model": ExecuteResponse,
            "description": "Overloaded (`error_type` Overloaded) or shutting down (Cancelled): "
            "retry after `Retry-After` seconds.",
        },
    },
)
async def execute(
    body: Annotated[ExecuteRequest, Body(openapi_examples=EXECUTE_EXAMPLES)],
    executor: ExecutorDep,
    settings: SettingsDep,
) -> Response:
    """Run ``code`` with ``context`` values as top-level variables; return its ``result``.

    A script that fails (syntax, runtime error, timeout, limit) is still a **200** with
    ``success: false``, ``error_type`` and the ML ``error_line`` / ``error_column``. A bad body
    or context key is a 422, code or context over the size limits a 413, an overloaded
    executor a 503 with ``Retry-After``.
    """
    _check_sizes(body, settings)
    timeout = _timeout(body, settings)
    try:
        result = await executor.execute(body.code, timeout=timeout, context=body.context)
    except (TypeError, ValueError) as e:  # the context: a bad key or value (§7.1)
        raise _unprocessable(("body", "context"), str(e)) from None
    except RuntimeError:
        raise _unavailable("the executor is shutting down") from None
    content = await _render_result(result)
    if result.kind in (ErrorKind.OVERLOADED, ErrorKind.CANCELLED):  # full, or shutting down: try again
        return _json(content, 503, {"Retry-After": RETRY_AFTER})
    return _json(content)


@router.get(
    "/calculate",
    response_model=CalculateResponse,
    summary="Calculate with a small ML script",
    responses={400: {"model": ErrorDetail, "description": "Unknown operation, or bad operands."}, **_ERRORS},
)
async def calculate(
    operation: Annotated[
        str,
        Query(
            description="add, subtract, multiply, divide or power.",
            openapi_examples=CALCULATE_EXAMPLES["operation"],
            json_schema_extra={"enum": list(CALCULATIONS)},
        ),
    ],
    a: Annotated[
        int | float,
        Query(
            description="The first operand.", allow_inf_nan=False, openapi_examples=CALCULATE_EXAMPLES["a"]
        ),
    ],
    b: Annotated[
        int | float,
        Query(
            description="The second operand.", allow_inf_nan=False, openapi_examples=CALCULATE_EXAMPLES["b"]
        ),
    ],
    executor: ExecutorDep,
    settings: SettingsDep,
) -> Response:
    """Compute ``a <operation> b`` by running a small ML script on the executor.

    ``power`` multiplies in a loop, so ``b`` must be a whole number from -10000 to 10000.
    An unknown operation, division by zero or a result JSON cannot carry is a 400.
    """
    script = CALCULATIONS.get(operation)
    if script is None:
        supported = ", ".join(CALCULATIONS)
        raise HTTPException(400, f"unknown operation {operation!r}; supported operations: {supported}")
    try:
        result = await executor.execute(script, timeout=settings.default_timeout, context={"a": a, "b": b})
    except RuntimeError:
        raise _unavailable("the executor is shutting down") from None
    if not result.success:
        raise _calculation_failed(result)
    payload = {
        "operation": operation,
        "a": a,
        "b": b,
        "result": result.value,
        "execution_time_ms": result.execution_time * 1000,
    }
    try:
        return _json(_encode(payload))
    except _NotJSON as e:
        raise HTTPException(400, f"the result cannot be returned: {e}") from None


@router.get(
    "/health",
    response_model=HealthResponse,
    summary="Check that the executor runs scripts",
    responses={503: {"model": UnhealthyResponse, "description": "The probe script did not run in time."}},
)
async def health(request: Request) -> Response:
    """Run a tiny probe script on the executor and report its load.

    ``healthy`` if the probe returned the right value within a second; ``degraded`` if it ran
    but failed or was slow; **503** ``unhealthy`` if it could not run in time (every worker busy
    and the queue not moving, or the executor not running).
    """
    executor: AsyncMLExecutor | None = getattr(request.app.state, "executor", None)
    if executor is None:
        return _json(_unhealthy("the executor is not running", None), 503)
    started = time.perf_counter()
    result: MLResult | None = None
    reason = f"the probe script did not finish within {PROBE_TIMEOUT + 1.0} seconds"
    with anyio.move_on_after(PROBE_TIMEOUT + 1.0):
        try:
            result = await executor.execute(PROBE_SCRIPT, timeout=PROBE_TIMEOUT)
        except RuntimeError as e:
            reason = str(e)
    info = _executor_info(executor)
    if result is None or result.kind in (ErrorKind.TIMEOUT, ErrorKind.OVERLOADED, ErrorKind.CANCELLED):
        return _json(_unhealthy(result.error if result and result.error else reason, info), 503)
    ok = result.success and result.value == PROBE_VALUE
    slow = time.perf_counter() - started > PROBE_SLOW
    body = HealthResponse(
        status="healthy" if ok and not slow else "degraded",
        executor=info,
        test_execution=ProbeResult(success=ok, execution_time_ms=result.execution_time * 1000),
    )
    return _json(body.model_dump_json().encode())


@router.get("/", response_model=RootResponse, summary="What this service is")
async def root(request: Request) -> RootResponse:
    """The API's name, version and routes."""
    paths: dict[str, dict[str, Any]] = request.app.openapi().get("paths", {})
    routes = [
        RouteInfo(method=method.upper(), path=path, summary=operation.get("summary", ""))
        for path, operations in paths.items()
        for method, operation in operations.items()
    ]
    return RootResponse(name="mlpy", version=__version__, routes=routes, docs="/docs", redoc="/redoc")


# -- helpers -------------------------------------------------------------------------------------


def _check_sizes(body: ExecuteRequest, settings: Settings) -> None:
    """Refuse code or context over their limits (413) before anything runs."""
    size = len(body.code.encode("utf-8", "surrogatepass"))
    if size > settings.max_code_bytes:
        raise HTTPException(
            413,
            f"code is {size} bytes; the limit is {settings.max_code_bytes} "
            f"({Settings.env_name('max_code_bytes')})",
        )
    if body.context is None:
        return
    try:
        text = json.dumps(body.context, ensure_ascii=False, separators=(",", ":"))
    except RecursionError:
        raise _unprocessable(("body", "context"), "context is nested too deeply") from None
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > settings.max_context_bytes:
        raise HTTPException(
            413,
            f"context is {size} bytes as JSON; the limit is {settings.max_context_bytes} "
            f"({Settings.env_name('max_context_bytes')})",
        )


def _timeout(body: ExecuteRequest, settings: Settings) -> float:
    """The request's timeout, or the default one; over ``max_timeout`` is a 422."""
    if "timeout" not in body.model_fields_set or body.timeout is None:
        return settings.default_timeout
    if body.timeout > settings.max_timeout:
        raise _unprocessable(
            ("body", "timeout"),
            f"Input should be less than or equal to {settings.max_timeout}",
            kind="less_than_equal",
            given=body.timeout,
            ctx={"le": settings.max_timeout},
        )
    return body.timeout


def _unprocessable(
    loc: Sequence[str | int],
    message: str,
    *,
    kind: str = "value_error",
    given: Any = None,
    ctx: dict[str, Any] | None = None,
) -> RequestValidationError:
    """A 422 with the same body FastAPI gives for a field that fails validation."""
    error: dict[str, Any] = {"type": kind, "loc": tuple(loc), "msg": message, "input": given}
    if ctx is not None:
        error["ctx"] = ctx
    return RequestValidationError([error])


def _unavailable(message: str) -> HTTPException:
    return HTTPException(503, message, headers={"Retry-After": RETRY_AFTER})


def _calculation_failed(result: MLResult) -> HTTPException:
    """The HTTP error for a ``/calculate`` script that failed."""
    error = result.error or "the calculation failed"
    if result.kind in (ErrorKind.OVERLOADED, ErrorKind.TIMEOUT, ErrorKind.CANCELLED):
        return _unavailable(f"the server is busy ({error}); try again")
    return HTTPException(400, _WHERE.sub("", error, count=1))


def _executor_info(executor: AsyncMLExecutor) -> ExecutorInfo:
    stats = executor.stats()
    return ExecutorInfo(
        max_workers=executor.max_workers,
        strict_security=executor.strict_security,
        busy=stats["busy"],
        queued=stats["queued"],
    )


def _unhealthy(reason: str, info: ExecutorInfo | None) -> bytes:
    return UnhealthyResponse(error=reason, executor=info).model_dump_json().encode()


def _json(content: bytes, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(content, status_code=status, headers=headers, media_type="application/json")


# -- rendering results -------------------------------------------------------------------------


class _NotJSON(ValueError):
    """A value JSON cannot carry; the message says what is in it."""


def _encode(payload: dict[str, Any]) -> bytes:
    """``payload`` as compact UTF-8 JSON.

    Raises:
        _NotJSON: something in it JSON cannot carry (text fields are assumed clean).
    """
    try:
        return json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()
    except (ValueError, TypeError, RecursionError):  # UnicodeEncodeError is a ValueError
        raise _NotJSON(_problem(payload)) from None


def _clean(text: str | None) -> str | None:
    """``text`` with lone surrogates (not valid Unicode, not encodable) replaced by U+FFFD."""
    if text is None:
        return None
    try:
        text.encode()
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def _result_payload(result: MLResult) -> dict[str, Any]:
    return {
        "success": result.success,
        "value": result.value,
        "error": _clean(result.error),
        "execution_time": result.execution_time,
        "transpile_time": result.transpile_time,
        "error_type": result.error_type,
        "error_line": result.error_line,
        "error_column": result.error_column,
        "stdout": _clean(result.stdout) or "",
    }


def _render_payload(payload: dict[str, Any]) -> bytes:
    """The response body of a result; a value JSON cannot carry makes it a failure instead."""
    try:
        return _encode(payload)
    except _NotJSON as e:
        message = f"result cannot be returned as JSON: {e}"
        payload.update(
            success=False,
            value=None,
            error=f"ValueError: {message}",
            error_type="ValueError",
            error_line=None,
            error_column=None,
        )
        return _encode(payload)


async def _render_result(result: MLResult) -> bytes:
    """Render ``result``; a structured value is rendered in a thread, off the event loop."""
    payload = _result_payload(result)
    if isinstance(result.value, list | dict):
        return await anyio.to_thread.run_sync(_render_payload, payload)
    return _render_payload(payload)


def _problem(value: Any) -> str:
    """What in ``value`` JSON cannot carry (the first thing found)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float):
            if not math.isfinite(item):
                name = "NaN" if math.isnan(item) else "Infinity" if item > 0 else "-Infinity"
                return f"it contains {name}, which JSON cannot represent"
        elif isinstance(item, int):
            try:
                str(item)
            except ValueError:
                return f"it contains an integer with more than {sys.get_int_max_str_digits()} digits"
        elif isinstance(item, str):
            try:
                item.encode()
            except UnicodeEncodeError:
                return "it contains text with a lone surrogate, which is not valid Unicode"
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif item is not None:
            return f"it contains a {type(item).__name__}"
    return "it is nested too deeply"
