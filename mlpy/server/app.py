"""`create_app`: the FastAPI application, with a lifespan that owns one `AsyncMLExecutor`.

Layer 6 (server): imports the standard library, fastapi, starlette, `mlpy`, `mlpy.executor`
and `mlpy.server.*`.

``app`` is what ``uvicorn mlpy.server.app:app`` and ``gunicorn -k uvicorn_worker.UvicornWorker
mlpy.server.app:app`` load. It is made on first access (PEP 562 module ``__getattr__``), from
the ``MLPY_*`` environment variables as they are then, so importing `mlpy.server` never reads
the environment and a bad variable stops the server at start with a message naming it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mlpy import __version__
from mlpy.executor import AsyncMLExecutor
from mlpy.server.check import router as check_router
from mlpy.server.playground import router as playground_router
from mlpy.server.routes import PROBE_SCRIPT, router
from mlpy.server.settings import Settings

__all__ = ["BodyLimit", "app", "create_app"]

_DESCRIPTION = """\
Run untrusted **ML** scripts over HTTP. A script's top-level `result` is its value; context
values become its top-level variables.

* `POST /execute` runs a script. A script that fails is still a 200 with `success: false`.
* `GET /calculate` runs a small ML script for one arithmetic operation.
* `GET /health` runs a probe script and reports the executor's load.
* `POST /check` lists a script's errors and `POST /transpile` shows its Python, without running it.
* `GET /playground` is a page to write, check and run scripts (on loopback by default).

Errors: 400 bad calculation, 413 code or context too large, 422 invalid request,
503 overloaded (with `Retry-After`).
"""

app: FastAPI  # made by `__getattr__` on first access


def create_app(settings: Settings | None = None) -> FastAPI:
    """The mlpy HTTP API. ``settings`` default to `Settings.from_env`.

    The lifespan starts one `AsyncMLExecutor` (on ``app.state.executor``) and closes it,
    cancelling calls still running, when the server stops.

    Raises:
        SettingsError: ``settings`` is None and an ``MLPY_*`` variable is invalid.
    """
    config = settings if settings is not None else Settings.from_env()

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[None]:
        executor = AsyncMLExecutor(
            max_workers=config.workers,
            strict_security=config.strict,
            default_timeout=config.default_timeout,
            max_queue=config.max_queue,
        )
        async with executor:
            # Compile one script now: the parser is built on first use (about half a second),
            # and that wait belongs to the start, not to the first request.
            await executor.execute(PROBE_SCRIPT)
            application.state.executor = executor
            try:
                yield
            finally:
                application.state.executor = None

    application = FastAPI(
        title="mlpy",
        summary="Run untrusted ML scripts safely.",
        description=_DESCRIPTION,
        version=__version__,
        lifespan=lifespan,
    )
    application.state.settings = config
    application.state.executor = None
    application.include_router(router)
    application.include_router(check_router)
    application.include_router(playground_router)

    async def body_unparsable(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if isinstance(exc.__cause__, RecursionError):  # JSON nested too deeply to parse
            error = {"type": "json_invalid", "loc": ("body",), "msg": "JSON is nested too deeply"}
            invalid = RequestValidationError([{**error, "input": {}}])
            return await request_validation_exception_handler(request, invalid)
        return await http_exception_handler(request, exc)

    application.add_exception_handler(400, body_unparsable)
    too_large = (
        f"the request body is over {config.max_body_bytes} bytes (the limits are "
        f"{Settings.env_name('max_code_bytes')}={config.max_code_bytes} for the code and "
        f"{Settings.env_name('max_context_bytes')}={config.max_context_bytes} for the context)"
    )
    application.add_middleware(BodyLimit, limit=config.max_body_bytes, detail=too_large)
    return application


class BodyLimit:
    """Refuse a request body over ``limit`` bytes with a 413 ``{"detail": ...}``.

    A ``Content-Length`` over the limit is refused before anything is read; a body without
    one (chunked) is counted as it arrives and refused as soon as it passes the limit, so the
    JSON parser never sees more than ``limit`` bytes. (FastAPI's own ``max_body_size`` answers
    the first case in plain text.)
    """

    def __init__(self, app: ASGIApp, limit: int, detail: str) -> None:
        self.app = app
        self.limit = limit
        self.detail = detail

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


def __getattr__(name: str) -> Any:
    if name == "app":
        global app
        app = create_app()
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
