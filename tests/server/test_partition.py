"""The compiled-program cache is partitioned by the authenticated caller (issue 12 item 8):
the caller authentication names with ``set_caller`` reaches the executor as ``partition``."""

from __future__ import annotations

import uuid

import httpx
import pytest
from starlette.types import ASGIApp, Receive, Scope, Send

from mlpy.compiler import program
from mlpy.server import Settings, create_app
from mlpy.server.deps import set_caller
from tests.server.conftest import running

pytestmark = pytest.mark.anyio


class FakeAuth:
    """Stands in for the API-key middleware: the caller is the X-Caller header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for name, value in scope["headers"]:
                if name == b"x-caller":
                    set_caller(scope, value.decode())
        await self.app(scope, receive, send)


async def _run(client: httpx.AsyncClient, code: str, caller: str | None) -> None:
    headers = {} if caller is None else {"X-Caller": caller}
    body = (await client.post("/execute", json={"code": code}, headers=headers)).json()
    assert body["success"] is True, body


def _partitions_holding(code: str) -> set[str | None]:
    """The cache partitions that hold a compiled ``code`` (read from the compiler's cache)."""
    with program._lock:
        return {key[3] for key in program._cache if key[0] == program._digest(code)}


async def test_each_caller_gets_its_own_cache_entries() -> None:
    app = create_app(Settings(workers=1))
    app.add_middleware(FakeAuth)
    code = f'secret = "{uuid.uuid4()}";\nresult = len(secret);'  # never compiled before
    async with running(app) as client:
        await _run(client, code, "alice")
        assert _partitions_holding(code) == {"alice"}
        await _run(client, code, "alice")
        await _run(client, code, "bob")
        assert _partitions_holding(code) == {"alice", "bob"}
        await _run(client, code, None)  # anonymous callers share one partition
        assert _partitions_holding(code) == {"alice", "bob", None}


async def test_without_authentication_every_call_is_anonymous(client: httpx.AsyncClient) -> None:
    code = f'result = "{uuid.uuid4()}";'
    await _run(client, code, "mallory")  # a header alone names no one: only authentication does
    assert _partitions_holding(code) == {None}
