"""Fixtures for the executor tests: the anyio backends, and an executor closed after each test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from mlpy.executor import AsyncMLExecutor


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Every ``@pytest.mark.anyio`` test runs on asyncio and on trio unless it narrows this."""
    return str(request.param)


@pytest.fixture
async def make_executor() -> AsyncIterator[Callable[..., AsyncMLExecutor]]:
    """``make_executor(max_workers=2, ...)``: an executor that is closed when the test ends."""
    made: list[AsyncMLExecutor] = []

    def make(**options: Any) -> AsyncMLExecutor:
        executor = AsyncMLExecutor(**options)
        made.append(executor)
        return executor

    yield make
    for executor in made:
        await executor.aclose()


@pytest.fixture
async def executor(make_executor: Callable[..., AsyncMLExecutor]) -> AsyncMLExecutor:
    """A default executor with two workers."""
    return make_executor(max_workers=2)
