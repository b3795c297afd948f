"""Fixtures for the ops tests: three API keys (one per scope) and an app with them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from mlpy.server import Settings, create_app
from mlpy.server.keys import digest, new_key
from mlpy.server.settings import PlaygroundMode
from tests.server.conftest import running


@dataclass(frozen=True)
class Keys:
    """One key per scope, and the MLPY_API_KEYS text that configures them."""

    execute: str
    jobs: str
    admin: str

    @property
    def config(self) -> str:
        return "\n".join(
            f"{name}:{name}:{digest(key).hex()}"
            for name, key in (("execute", self.execute), ("jobs", self.jobs), ("admin", self.admin))
        )

    def all(self) -> list[str]:
        return [self.execute, self.jobs, self.admin]


@pytest.fixture(scope="session")
def keys() -> Keys:
    return Keys(new_key(), new_key(), new_key())


def open_app(**settings: Any) -> AbstractAsyncContextManager[httpx.AsyncClient]:
    """A running app with these settings (workers 2 unless given), and a client for it."""
    return running(create_app(Settings(**{"workers": 2, **settings})))


@pytest.fixture
async def keyed(keys: Keys) -> AsyncIterator[httpx.AsyncClient]:
    """An app that needs keys (and serves its playground to the in-process client, which has no
    loopback address: the page is open, the key is entered in it)."""
    async with open_app(api_keys=keys.config, playground=PlaygroundMode.ON) as client:
        yield client


def log_lines(text: str) -> list[dict[str, Any]]:
    """The JSON request lines in captured standard output."""
    return [json.loads(line) for line in text.splitlines() if line.startswith('{"time"')]
