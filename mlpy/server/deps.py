"""Dependencies of the routes: the app's executor and settings, with ``Annotated`` aliases.

Layer 6 (server): imports the standard library, fastapi, `mlpy.executor` and `mlpy.server.*`.

    async def handler(executor: ExecutorDep, settings: SettingsDep) -> Response: ...

Tests may swap either through ``app.dependency_overrides[get_executor]``.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Annotated, Any

from fastapi import Depends, Request

from mlpy.executor import AsyncMLExecutor
from mlpy.server.render import unavailable
from mlpy.server.settings import Settings

__all__ = [
    "CALLER_KEY",
    "ExecutorDep",
    "PartitionDep",
    "SettingsDep",
    "get_executor",
    "get_partition",
    "get_settings",
    "set_caller",
]

#: the ASGI scope key where authentication puts the caller's id (a str). The scope, not
#: ``scope["state"]``: that dict may be the lifespan's own, shared by every request.
CALLER_KEY = "mlpy.caller"


def set_caller(scope: MutableMapping[str, Any], caller: str) -> None:
    """Record that this request comes from ``caller`` (what authentication calls)."""
    scope[CALLER_KEY] = caller


async def get_executor(request: Request) -> AsyncMLExecutor:
    """The app's executor, started by its lifespan (async: a plain def would cost a thread hop).

    Raises:
        HTTPException: 503 when the lifespan has not started it (or has shut it down).
    """
    executor: AsyncMLExecutor | None = getattr(request.app.state, "executor", None)
    if executor is None:
        raise unavailable("the executor is not running")
    return executor


async def get_settings(request: Request) -> Settings:
    """The app's settings (the defaults if the app was not made by `create_app`)."""
    settings: Settings | None = getattr(request.app.state, "settings", None)
    return settings if settings is not None else Settings()


async def get_partition(request: Request) -> str | None:
    """The compiled-program cache partition of this request: its authenticated caller.

    Whatever authenticates a request (API keys) calls `set_caller` with the caller's id; then
    one caller can never time a cache hit on another caller's script (issue 12 item 8,
    docs/security.md). Unauthenticated callers share ``None``.
    """
    caller = request.scope.get(CALLER_KEY)
    return caller if isinstance(caller, str) else None


ExecutorDep = Annotated[AsyncMLExecutor, Depends(get_executor)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
PartitionDep = Annotated[str | None, Depends(get_partition)]
