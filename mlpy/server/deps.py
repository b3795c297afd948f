"""Dependencies of the routes: the app's executor and settings, with ``Annotated`` aliases.

Layer 6 (server): imports the standard library, fastapi, `mlpy.executor` and `mlpy.server.*`.

    async def handler(executor: ExecutorDep, settings: SettingsDep) -> Response: ...

Tests may swap either through ``app.dependency_overrides[get_executor]``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from mlpy.executor import AsyncMLExecutor
from mlpy.server.render import unavailable
from mlpy.server.settings import Settings

__all__ = ["ExecutorDep", "SettingsDep", "get_executor", "get_settings"]


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


ExecutorDep = Annotated[AsyncMLExecutor, Depends(get_executor)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
