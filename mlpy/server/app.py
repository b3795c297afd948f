"""`create_app`: the FastAPI application, with a lifespan that owns one `AsyncMLExecutor`.

Layer 6 (server): imports the standard library, anyio, fastapi, starlette, `mlpy` and
`mlpy.server.*`.

This module only assembles the app (STYLE.md §1.6): each resource has its own module with a
``router`` (listed in `ROUTERS` with the `Scope` a caller's key needs for it), dependencies are
in `mlpy.server.deps`, response rendering in `mlpy.server.render`. Adding a resource is one
line in `ROUTERS`; adding a middleware is one line in `_add_middleware`. The operations parts
(docs/operations.md) are `mlpy.server.keys` and `.auth`, `.ratelimit`, `.metrics` and `.logs`.

``app`` is what ``uvicorn mlpy.server.app:app`` and ``gunicorn -k uvicorn_worker.UvicornWorker
mlpy.server.app:app`` load. It is made on first access (PEP 562 module ``__getattr__``), from
the ``MLPY_*`` environment variables as they are then, so importing `mlpy.server` never reads
the environment and a bad variable stops the server at start with a message naming it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

import anyio
from fastapi import APIRouter, Depends, FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.params import Depends as DependsParam
from starlette.middleware.cors import CORSMiddleware

from mlpy import __version__
from mlpy.jobs import JobsConfig
from mlpy.server import (
    auth,
    calculate,
    check,
    contract,
    docs,
    execute,
    health,
    index,
    metrics,
    ogc,
    playground,
    processes,
    ratelimit,
)
from mlpy.server import jobs as jobs_routes
from mlpy.server.auth import require
from mlpy.server.body_limit import TOO_LARGE, BodyLimit, body_unparsable
from mlpy.server.keys import Scope, load_keys
from mlpy.server.logs import REQUEST_ID_HEADER, RequestLog, configure_logging
from mlpy.server.metrics import Metrics, ObservedExecutor
from mlpy.server.ratelimit import RATE_LIMIT_HEADERS, RateLimiter, parse_rate_limit
from mlpy.server.render import validation_failed
from mlpy.server.settings import Settings

__all__ = ["ROUTERS", "Mount", "app", "create_app"]


@dataclass(frozen=True)
class Mount:
    """A router and what its callers need.

    ``scope``: the key scope every route of it needs (None: open to anyone). ``open_when``: a
    boolean setting that, when true, opens it anyway (``health_open``). ``runs``: its routes run
    scripts, so each request holds one of the caller's concurrent-run slots. Guarded routers
    are also rate limited; open ones are not (load balancers probe /health).
    """

    router: APIRouter
    scope: Scope | None
    open_when: str | None = None
    runs: bool = False


#: every resource's router and its scope, in the order its routes appear in /openapi.json and
#: at ``GET /``. Reading and running processes needs EXECUTE (a run holds a run slot);
#: registering and deleting them ADMIN; jobs JOBS.
ROUTERS: tuple[Mount, ...] = (
    Mount(execute.router, Scope.EXECUTE, runs=True),
    Mount(calculate.router, Scope.EXECUTE, runs=True),
    Mount(health.router, Scope.ADMIN, open_when="health_open"),
    Mount(metrics.router, Scope.ADMIN, open_when="metrics_open"),
    Mount(index.router, None),
    Mount(check.router, Scope.EXECUTE),
    Mount(playground.router, None),
    Mount(docs.router, None),
    Mount(ogc.router, None),
    Mount(processes.router, Scope.EXECUTE, runs=True),
    Mount(processes.admin_router, Scope.ADMIN),
    Mount(jobs_routes.router, Scope.JOBS),
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


def create_app(settings: Settings | None = None, jobs: JobsConfig | None = None) -> FastAPI:
    """The mlpy HTTP API. ``settings`` default to `Settings.from_env`, ``jobs`` (the job
    system's settings) to `JobsConfig.from_env`, strict when the server is.

    The lifespan starts one `AsyncMLExecutor` (on ``app.state.executor``) and closes it,
    cancelling calls still running, when the server stops. The job system is opened on the
    first job or process request (`mlpy.server.ogc.get_jobs`) and closed with the app; jobs
    run in worker processes (``mlpy worker``, or those ``mlpy serve`` starts), never here.

    Raises:
        SettingsError: ``settings`` is None and an ``MLPY_*`` variable is invalid.
        ConfigError: ``jobs`` is None and a job setting (``MLPY_DATA_DIR``...) is invalid.
    """
    config = settings if settings is not None else Settings.from_env()
    jobs_config = jobs if jobs is not None else JobsConfig.from_env()
    if config.strict and not jobs_config.strict:
        jobs_config = replace(jobs_config, strict=True)
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
    application.state.keys = load_keys(config.api_keys, config.api_keys_file)
    application.state.metrics = Metrics()
    limiter = RateLimiter(
        parse_rate_limit(config.rate_limit),
        config.rate_limit_storage,
        config.max_concurrent_runs,
        lease=config.max_timeout,
    )
    application.state.limiter = limiter
    application.state.jobs_config = jobs_config
    application.state.jobs = None
    application.state.metrics.watch_jobs(
        lambda: ogc.jobs_of(application).counts(), lambda: ogc.jobs_of(application).queue_depth()
    )
    for mount in ROUTERS:
        _include(application, mount, config, limiter)
    application.mount(docs.STATIC_PATH, docs.static_files(), name="static")
    application.add_exception_handler(400, body_unparsable)
    application.add_exception_handler(405, ogc.method_not_allowed)
    application.add_exception_handler(RequestValidationError, validation_failed)
    auth.install(application)
    ratelimit.install(application)
    configure_logging(config.log_level, config.log_format)
    _add_middleware(application, config)
    return application


def _include(application: FastAPI, mount: Mount, config: Settings, limiter: RateLimiter) -> None:
    """Include ``mount``'s router, guarded by its scope, the rate limit and the run cap.

    The OpenAPI document says what this configuration does: the security schemes and the
    401/403 answers only when keys are configured, the 429 only when a limit is set.
    """
    if mount.scope is None or (mount.open_when is not None and getattr(config, mount.open_when)):
        application.include_router(mount.router, responses=TOO_LARGE)  # BodyLimit answers any route
        return
    keyed = bool(application.state.keys)
    dependencies: list[DependsParam] = [Depends(require(mount.scope) if keyed else auth.anonymous)]
    dependencies.append(Depends(limiter.check))
    if mount.runs:
        dependencies.append(Depends(limiter.run_slot))
    responses = {
        **TOO_LARGE,
        **(auth.AUTH_RESPONSES if keyed else {}),
        **(ratelimit.RATE_LIMIT_RESPONSES if limiter.active else {}),
    }
    application.include_router(mount.router, dependencies=dependencies, responses=responses)


def _add_middleware(application: FastAPI, config: Settings) -> None:
    """The app's middleware, one line each; each one added wraps those added before it
    (so CORS, last, answers preflights and marks every answer, a 413 included)."""
    application.add_middleware(BodyLimit, settings=config)
    # new middleware (API keys, metrics) goes here, one line each: CORS must stay outermost
    application.add_middleware(RequestLog, on_done=[application.state.metrics.observe_request])
    if config.cors_origins:
        application.add_middleware(
            CORSMiddleware,
            allow_origins=list(config.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["*"],
            expose_headers=["Retry-After", REQUEST_ID_HEADER, *RATE_LIMIT_HEADERS],
            max_age=600,
        )


def _lifespan(config: Settings) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The app's lifespan: one executor made from ``config``, on ``app.state.executor``."""

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[None]:
        observed: Metrics = application.state.metrics
        executor = ObservedExecutor(
            max_workers=config.workers,
            strict_security=config.strict,
            default_timeout=config.default_timeout,
            max_queue=config.max_queue,
            metrics=observed,
        )
        observed.watch_executor(executor)
        async with executor, anyio.create_task_group() as background:
            # Compile one script now: the parser is built on first use (about half a second),
            # and that wait belongs to the start, not to the first request.
            await executor.execute(health.PROBE_SCRIPT)
            application.state.executor = executor
            background.start_soon(observed.sample_forever)
            try:
                yield
            finally:
                background.cancel_scope.cancel()
                application.state.executor = None
                await application.state.limiter.aclose()
                opened = application.state.jobs
                application.state.jobs = None
                if opened is not None:
                    opened.close()

    return lifespan


def __getattr__(name: str) -> Any:
    if name == "app":
        global app
        app = create_app()
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
