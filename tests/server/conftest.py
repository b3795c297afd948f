"""Fixtures for the HTTP service tests: the app in-process, under its lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from mlpy.server import Settings, create_app

#: a client factory: ``async with open_client(workers=1) as client: ...``
OpenClient = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client for ``app`` with its lifespan running (started before, shut down after)."""
    async with LifespanManager(app, startup_timeout=30, shutdown_timeout=30) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://mlpy.test") as client:
            yield client


@pytest.fixture
def open_client() -> OpenClient:
    """``open_client(**settings)``: a running app with those settings, and a client for it."""

    def open_(**settings: Any) -> AbstractAsyncContextManager[httpx.AsyncClient]:
        return running(create_app(Settings(**settings)))

    return open_


@pytest.fixture
async def client(open_client: OpenClient) -> AsyncIterator[httpx.AsyncClient]:
    """A client for an app with the default settings."""
    async with open_client() as c:
        yield c
