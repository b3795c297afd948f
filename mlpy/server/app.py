"""`create_app`: the FastAPI application, with a lifespan that owns one `AsyncMLExecutor`.

Layer 6 (server): imports the standard library, fastapi, starlette, `mlpy`, `mlpy.executor`
and `mlpy.server.*`.

This module only assembles the app (STYLE.md §1.6): each resource has its own module with a
``router`` (listed in `ROUTERS`), dependencies are in `mlpy.server.deps`, response rendering
in `mlpy.server.render`. Adding a resource is one line in `ROUTERS`; adding a middleware is
one line in `_add_middleware`.

``app`` is what ``uvicorn mlpy.server.app:app`` and ``gunicorn -k uvicorn_worker.UvicornWorker
mlpy.server.app:app`` load. It is made on first access (PEP 562 module ``__getattr__``), from
the ``MLPY_*`` environment variables as they are then, so importing `mlpy.server` never reads
the environment and a bad variable stops the server at start with a message naming it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.middleware.cors import CORSMiddleware

from mlpy import __version__
from mlpy.executor import AsyncMLExecutor
from mlpy.server import calculate, check, contract, docs, execute, health, index, playground
from mlpy.server.body_limit import TOO_LARGE, BodyLimit, body_unparsable
from mlpy.server.render import validation_failed
from mlpy.server.settings import Settings

__all__ = ["ROUTERS", "app", "create_app"]

#: every resource's router, in the order its routes appear in /openapi.json and at ``GET /``
ROUTERS: tuple[APIRouter, ...] = (
    execute.router,
    calculate.router,
    health.router,
    index.router,
    check.router,
    playground.router,
    docs.router,
)

_DESCRIPTION = """\
Run untrusted **ML** scripts over HTTP. A script's top-level `result` is its value; context
values become its top-level variables.

* `POST /execute` runs a script. A script that fails is still a 200 with `success: false`.
* `GET /calculate` runs a small ML script for one arithmetic operation.
* `GET /health` runs a probe script and reports the executor's load.
* `POST /check` lists a script's errors and `POST /transpile` shows its Python, without running it.
* `GET /playground` is a page to write, check and run scripts (on loopback by default).

Errors: 400 bad calculation, 413 code or context too large, 422 invalid request (naming the
field; NaN, Infinity and numbers out of range included), 503 overloaded (with `Retry-After`).
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
    application = FastAPI(
        title="mlpy",
        summary="Run untrusted ML scripts safely.",
        description=_DESCRIPTION,
        version=__version__,
        lifespan=_lifespan(config),
        docs_url=None,  # docs.router serves /docs and /redoc from the package, not from CDNs
        redoc_url=None,
    )
    application.state.settings = config
    contract.install(application, config)
    application.state.executor = None
    for router in ROUTERS:
        application.include_router(router, responses=TOO_LARGE)  # BodyLimit answers any route
    application.mount(docs.STATIC_PATH, docs.static_files(), name="static")
    application.add_exception_handler(400, body_unparsable)
    application.add_exception_handler(RequestValidationError, validation_failed)
    _add_middleware(application, config)
    return application


def _add_middleware(application: FastAPI, config: Settings) -> None:
    """The app's middleware, one line each; each one added wraps those added before it
    (so CORS, last, answers preflights and marks every answer, a 413 included)."""
    application.add_middleware(BodyLimit, settings=config)
    # new middleware (API keys, metrics) goes here, one line each: CORS must stay outermost
    if config.cors_origins:
        application.add_middleware(
            CORSMiddleware,
            allow_origins=list(config.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["*"],
            expose_headers=["Retry-After"],
            max_age=600,
        )


def _lifespan(config: Settings) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The app's lifespan: one executor made from ``config``, on ``app.state.executor``."""

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
            await executor.execute(health.PROBE_SCRIPT)
            application.state.executor = executor
            try:
                yield
            finally:
                application.state.executor = None

    return lifespan


def __getattr__(name: str) -> Any:
    if name == "app":
        global app
        app = create_app()
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
