"""Turning results and errors into responses: JSON bodies, shared error bodies and their docs.

Layer 6 (server): imports the standard library, anyio, fastapi, `mlpy.runtime.result` and
`mlpy.server.json_body` / `mlpy.server.schemas`.

Results are rendered here, not by FastAPI, so that a value JSON cannot carry (NaN, Infinity,
an integer too long to print, a lone surrogate) becomes a ``success: false`` result instead
of a 500 or a silent ``null``. The error helpers give every route the same bodies: FastAPI's
``{"detail": ...}`` for 400, 413 and 503, and its validation list for 422.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Sequence
from typing import Any, overload

import anyio
import anyio.to_thread
from fastapi import HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError

from mlpy.runtime.result import MLResult
from mlpy.server.json_body import non_finite_name
from mlpy.server.schemas import ErrorDetail

__all__ = [
    "OVERLOADED",
    "RETRY_AFTER",
    "NotJSON",
    "encode",
    "error_response",
    "json_response",
    "render_result",
    "unavailable",
    "unprocessable",
    "validation_failed",
]

#: seconds a client should wait before retrying a 503
RETRY_AFTER = "1"

#: how deep `validation_failed` copies an echoed input; deeper parts become "..."
_ECHO_DEPTH = 32


def error_response(description: str, example: str) -> dict[str, Any]:
    """The OpenAPI entry of a ``{"detail": ...}`` error, with an example of its own."""
    return {
        "model": ErrorDetail,
        "description": description,
        "content": {"application/json": {"example": {"detail": example}}},
    }


#: the OpenAPI entry of a route's 503 with a ``{"detail": ...}`` body
OVERLOADED: dict[int | str, dict[str, Any]] = {
    503: error_response(
        "Overloaded or not running: retry after `Retry-After` seconds.",
        "the server is busy (Overloaded: 100 calls are waiting for a thread); try again",
    ),
}


def json_response(content: bytes, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """``content`` (already JSON) as a response."""
    return Response(content, status_code=status, headers=headers, media_type="application/json")


def unprocessable(
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


async def validation_failed(request: Request, exc: Exception) -> Response:
    """The app's 422 handler: FastAPI's body, with every echoed ``input`` and ``ctx`` made
    JSON (FastAPI's own handler fails with a 500 on an input of NaN or Infinity)."""
    assert isinstance(exc, RequestValidationError)
    errors = [
        {key: _echo(value, _ECHO_DEPTH) if key in ("input", "ctx") else value for key, value in error.items()}
        for error in exc.errors()
    ]
    return json_response(encode({"detail": errors}), 422)


def _echo(value: Any, depth: int) -> Any:
    """``value`` as JSON can carry it: non-finite floats and over-long integers as text,
    anything else that is not JSON as its ``str``; cut at ``depth`` levels."""
    if isinstance(value, str):
        return _clean(value)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, float) and not math.isfinite(value):
        return non_finite_name(value)
    if isinstance(value, float):
        return value
    if isinstance(value, int):
        limit = sys.get_int_max_str_digits()  # fewer than 3 * limit bits: fewer than limit digits
        return value if not limit or value.bit_length() < 3 * limit else "an integer too long to print"
    if depth <= 0:
        return "..."
    if isinstance(value, dict):
        return {_clean(str(k)): _echo(v, depth - 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_echo(v, depth - 1) for v in value]
    return str(value)


def unavailable(message: str) -> HTTPException:
    """A 503 ``{"detail": message}`` with ``Retry-After``."""
    return HTTPException(503, message, headers={"Retry-After": RETRY_AFTER})


# -- rendering results -------------------------------------------------------------------------


class NotJSON(ValueError):
    """A value JSON cannot carry; the message says what is in it."""


def encode(payload: dict[str, Any]) -> bytes:
    """``payload`` as compact UTF-8 JSON.

    Raises:
        NotJSON: something in it JSON cannot carry (text fields are assumed clean).
    """
    try:
        return json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()
    except (ValueError, TypeError, RecursionError):  # UnicodeEncodeError is a ValueError
        raise NotJSON(_problem(payload)) from None


async def render_result(result: MLResult) -> bytes:
    """The response body of ``result``; a structured value is rendered in a thread, off the
    event loop. A value JSON cannot carry makes it a failure (``ValueError``) instead."""
    payload = _result_payload(result)
    if isinstance(result.value, list | dict):
        return await anyio.to_thread.run_sync(_render_payload, payload)
    return _render_payload(payload)


@overload
def _clean(text: str) -> str: ...
@overload
def _clean(text: None) -> None: ...
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
        return encode(payload)
    except NotJSON as e:
        message = f"result cannot be returned as JSON: {e}"
        payload.update(
            success=False,
            value=None,
            error=f"ValueError: {message}",
            error_type="ValueError",
            error_line=None,
            error_column=None,
        )
        return encode(payload)


def _problem(value: Any) -> str:
    """What in ``value`` JSON cannot carry (the first thing found)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float):
            if not math.isfinite(item):
                return f"it contains {non_finite_name(item)}, which JSON cannot represent"
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
