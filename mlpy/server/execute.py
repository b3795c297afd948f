"""``POST /execute``: run an ML program with context values and return its result.

Layer 6 (server): imports the standard library, fastapi and `mlpy.server.*`.

The handler is ``async def`` and thin (STYLE.md §3.9): check sizes and timeout, ``await
executor.execute(...)``, render the result. A script that fails is a 200 with ``success:
false``; HTTP errors are for the request itself (413, 422) or the service (503).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, HTTPException, Response
from fastapi.exceptions import RequestValidationError

from mlpy.errors import ErrorKind
from mlpy.server.deps import ExecutorDep, PartitionDep, SettingsDep
from mlpy.server.json_body import JSONRoute, non_json_numbers
from mlpy.server.render import (
    RETRY_AFTER,
    error_response,
    json_response,
    render_result,
    unavailable,
    unprocessable,
)
from mlpy.server.schemas import EXECUTE_EXAMPLES, ErrorDetail, ExecuteRequest, ExecuteResponse
from mlpy.server.settings import Settings
from mlpy.server.sizes import TooLarge, check_code, check_context

__all__ = ["router"]

router = APIRouter(route_class=JSONRoute)


@router.post(
    "/execute",
    response_model=ExecuteResponse,
    summary="Run an ML program",
    responses={
        413: error_response(
            "The code, the context or the whole body is over its size limit.",
            "code is 120000 bytes; the limit is 100000 (MLPY_MAX_CODE_BYTES)",
        ),
        503: {
            "model": ExecuteResponse | ErrorDetail,
            "description": "Overloaded (a result with `error_type` Overloaded), shutting down "
            "(Cancelled), or the executor not running (`detail`): retry after `Retry-After` seconds.",
        },
    },
)
async def execute(
    body: Annotated[ExecuteRequest, Body(openapi_examples=EXECUTE_EXAMPLES)],
    executor: ExecutorDep,
    settings: SettingsDep,
    partition: PartitionDep,
) -> Response:
    """Run ``code`` with ``context`` values as top-level variables; return its ``result``.

    A script that fails (syntax, runtime error, timeout, limit) is still a **200** with
    ``success: false``, ``error_type`` and the ML ``error_line`` / ``error_column``. A bad body
    or context key is a 422, code or context over the size limits a 413, an overloaded
    executor a 503 with ``Retry-After``.
    """
    if body.context is not None and (errors := non_json_numbers(body.context, ("body", "context"))):
        raise RequestValidationError(errors)
    _check_sizes(body, settings)
    timeout = _timeout(body, settings)
    try:
        result = await executor.execute(body.code, timeout=timeout, context=body.context, partition=partition)
    except (TypeError, ValueError) as e:  # the context: a bad key or value (§7.1)
        raise unprocessable(("body", "context"), str(e)) from None
    except RuntimeError:
        raise unavailable("the executor is shutting down") from None
    content = await render_result(result)
    if result.kind in (ErrorKind.OVERLOADED, ErrorKind.CANCELLED):  # full, or shutting down: try again
        return json_response(content, 503, {"Retry-After": RETRY_AFTER})
    return json_response(content)


def _check_sizes(body: ExecuteRequest, settings: Settings) -> None:
    """Refuse code or context over their limits (413) before anything runs."""
    try:
        check_code(body.code, settings)
        check_context(body.context, settings)
    except TooLarge as e:
        raise HTTPException(413, str(e)) from None
    except RecursionError:
        raise unprocessable(("body", "context"), "context is nested too deeply") from None


def _timeout(body: ExecuteRequest, settings: Settings) -> float:
    """The request's timeout, or the default one; over ``max_timeout`` is a 422."""
    if "timeout" not in body.model_fields_set or body.timeout is None:
        return settings.default_timeout
    if body.timeout > settings.max_timeout:
        raise unprocessable(
            ("body", "timeout"),
            f"Input should be less than or equal to {settings.max_timeout}",
            kind="less_than_equal",
            given=body.timeout,
            ctx={"le": settings.max_timeout},
        )
    return body.timeout
