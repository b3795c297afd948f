"""`BodyLimit`: refuse a request body over the settings' limit (413) before it is parsed;
`body_unparsable`: a JSON body nested too deeply to parse is a 422, like any bad JSON.

Layer 6 (server): imports the standard library, fastapi, starlette and `mlpy.server.*`.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mlpy.server.render import error_response, validation_failed
from mlpy.server.settings import Settings

__all__ = ["TOO_LARGE", "BodyLimit", "body_unparsable"]

#: the OpenAPI entry of the 413 `BodyLimit` gives on any route (a route may describe its own)
TOO_LARGE: dict[int | str, dict[str, Any]] = {
    413: error_response(
        "The request body is over the server's limit (refused before it is read).",
        "the request body is over 6619536 bytes (the limits are MLPY_MAX_CODE_BYTES=100000 "
        "for the code and MLPY_MAX_CONTEXT_BYTES=1000000 for the context)",
    )
}


class BodyLimit:
    """Refuse a request body over ``settings.max_body_bytes`` with a 413 ``{"detail": ...}``.

    A ``Content-Length`` over the limit is refused before anything is read; a body without
    one (chunked) is counted as it arrives and refused as soon as it passes the limit, so the
    JSON parser never sees more than the limit. (FastAPI's own ``max_body_size`` answers the
    first case in plain text.) Cost: one integer addition per received chunk.
    """

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.limit = settings.max_body_bytes
        self.detail = (
            f"the request body is over {self.limit} bytes (the limits are "
            f"{Settings.env_name('max_code_bytes')}={settings.max_code_bytes} for the code and "
            f"{Settings.env_name('max_context_bytes')}={settings.max_context_bytes} for the context)"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = Headers(scope=scope).get("content-length", "")
        if length.isdigit() and int(length) > self.limit:
            response = JSONResponse({"detail": self.detail}, 413, headers={"Connection": "close"})
            await response(scope, receive, send)
            return
        seen = 0

        async def receive_limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise HTTPException(413, self.detail)
            return message

        await self.app(scope, receive_limited, send)


async def body_unparsable(request: Request, exc: Exception) -> Response:
    """The app's 400 handler: JSON too deeply nested to parse becomes FastAPI's 422 body."""
    assert isinstance(exc, HTTPException)
    if isinstance(exc.__cause__, RecursionError):  # JSON nested too deeply to parse
        error = {"type": "json_invalid", "loc": ("body",), "msg": "JSON is nested too deeply"}
        invalid = RequestValidationError([{**error, "input": {}}])
        return await validation_failed(request, invalid)
    return await http_exception_handler(request, exc)
