"""``GET /health``: healthy, degraded, and 503 unhealthy when the probe cannot run in time."""

from __future__ import annotations

import anyio
import httpx
import pytest

from mlpy.executor import AsyncMLExecutor
from mlpy.server import Settings, create_app, health
from tests.server.conftest import OpenClient, running

pytestmark = pytest.mark.anyio


async def test_healthy(client: httpx.AsyncClient) -> None:
    reply = await client.get("/health")
    assert reply.status_code == 200
    body = reply.json()
    assert body["status"] == "healthy"
    assert body["executor"] == {"max_workers": 4, "strict_security": False, "busy": 0, "queued": 0}
    assert body["test_execution"]["success"] is True
    assert body["test_execution"]["execution_time_ms"] >= 0


async def test_reports_the_settings(open_client: OpenClient) -> None:
    async with open_client(workers=2, strict=True) as client:
        body = (await client.get("/health")).json()
    assert body["executor"]["max_workers"] == 2 and body["executor"]["strict_security"] is True


async def test_degraded_when_the_probe_gives_a_wrong_answer(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(health, "PROBE_VALUE", 43)
    body = (await client.get("/health")).json()
    assert body["status"] == "degraded" and body["test_execution"]["success"] is False


async def test_degraded_when_the_probe_is_slow(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(health, "PROBE_SLOW", 0.0)
    body = (await client.get("/health")).json()
    assert body["status"] == "degraded" and body["test_execution"]["success"] is True


async def _run_away(client: httpx.AsyncClient, seconds: float) -> None:
    await client.post("/execute", json={"code": "while (true) {}", "timeout": seconds})


async def _until_busy(executor: AsyncMLExecutor) -> None:
    for _ in range(250):
        if executor.stats()["busy"]:
            return
        await anyio.sleep(0.02)
    raise AssertionError("the runaway script never started")


@pytest.mark.parametrize("max_queue", [0, 5], ids=["overloaded", "queued-past-its-timeout"])
async def test_unhealthy_503_when_the_probe_cannot_run_in_time(
    monkeypatch: pytest.MonkeyPatch, max_queue: int
) -> None:
    monkeypatch.setattr(health, "PROBE_TIMEOUT", 0.3)
    app = create_app(Settings(workers=1, max_queue=max_queue))
    async with running(app) as client, anyio.create_task_group() as tg:
        tg.start_soon(_run_away, client, 1.0)
        await _until_busy(app.state.executor)
        reply = await client.get("/health")
    assert reply.status_code == 503
    body = reply.json()
    assert body["status"] == "unhealthy"
    assert ("Overloaded" if max_queue == 0 else "TimeoutError") in body["error"]
    assert body["executor"]["max_workers"] == 1 and body["executor"]["busy"] == 1


async def test_unhealthy_503_when_the_executor_is_not_running() -> None:
    app = create_app(Settings())  # no lifespan: nothing started the executor
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://mlpy.test") as client:
        health = await client.get("/health")
        execute = await client.post("/execute", json={"code": "result = 1;"})
    assert health.status_code == 503
    assert health.json() == {"status": "unhealthy", "error": "the executor is not running", "executor": None}
    assert execute.status_code == 503 and execute.headers["Retry-After"] == "1"
