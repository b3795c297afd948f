"""A real gunicorn with 2 uvicorn workers: healthy requests keep succeeding on time while
runaway scripts in other requests run into their timeouts.

Assertions on time are loose on purpose (a shared machine with 2 cores): every healthy request
succeeds within its own timeout plus generous slack, and every runaway stops at its timeout.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import anyio
import httpx
import pytest

from tests.server.helpers import ROOT, Server, free_port, serving
from tests.server.test_uvicorn import CLEAN_ENV

pytestmark = pytest.mark.anyio

HEALTHY = 200
HEALTHY_TIMEOUT = 5.0
HEALTHY_AT_ONCE = 8
RUNAWAY_LANES = 3
RUNAWAY_MAX = 30
RUNAWAY_TIMEOUT = 1.0
SLACK = 5.0
#: seconds over which the healthy requests start
SPREAD = 2.5

HEALTHY_CODE = "total = 0;\nfor (i in range(n)) { total = total + i; }\nresult = {n: n, total: total};"


@dataclass
class Call:
    reply: httpx.Response
    seconds: float


@pytest.fixture(scope="module")
def gunicorn_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(ROOT / "examples" / "gunicorn.conf.py"),
        "--workers",
        "2",
        "--bind",
        f"127.0.0.1:{port}",
        "mlpy.server.app:app",
    ]
    log = tmp_path_factory.mktemp("gunicorn") / "server.log"
    with serving(command, port, log, env={**CLEAN_ENV, "MLPY_WORKERS": "4"}, clear_env=True) as server:
        yield server


async def test_healthy_requests_succeed_on_time_while_runaways_time_out(gunicorn_server: Server) -> None:
    healthy: dict[int, Call] = {}
    runaways: list[Call] = []
    finished = anyio.Event()
    limits = httpx.Limits(max_connections=HEALTHY_AT_ONCE + RUNAWAY_LANES)

    async with httpx.AsyncClient(base_url=gunicorn_server.url, timeout=60, limits=limits) as client:

        async def post(payload: dict[str, object]) -> Call:
            started = time.monotonic()
            reply = await client.post("/execute", json=payload)
            return Call(reply, time.monotonic() - started)

        async def run_away() -> None:  # one lane: runaway after runaway until the healthy ones are done
            while not finished.is_set() and len(runaways) < RUNAWAY_MAX:
                runaways.append(await post({"code": "while (true) {}", "timeout": RUNAWAY_TIMEOUT}))

        slots = anyio.Semaphore(HEALTHY_AT_ONCE)

        async def behave(i: int) -> None:
            await anyio.sleep(i * SPREAD / HEALTHY)  # spread over several rounds of runaways
            async with slots:
                payload = {"code": HEALTHY_CODE, "context": {"n": 100 + i}, "timeout": HEALTHY_TIMEOUT}
                healthy[i] = await post(payload)

        with anyio.fail_after(120):
            async with anyio.create_task_group() as lanes:
                for _ in range(RUNAWAY_LANES):
                    lanes.start_soon(run_away)
                await anyio.sleep(0.2)  # the first runaways are running before the healthy ones start
                async with anyio.create_task_group() as tg:
                    for i in range(HEALTHY):
                        tg.start_soon(behave, i)
                finished.set()

    assert len(healthy) == HEALTHY
    for i, call in healthy.items():
        assert call.reply.status_code == 200, (i, call.reply.text, gunicorn_server.log_tail())
        body = call.reply.json()
        assert body["success"] is True, (i, body)
        assert body["value"] == {"n": 100 + i, "total": sum(range(100 + i))}
        assert call.seconds < HEALTHY_TIMEOUT + SLACK, (i, call.seconds)
    assert len(runaways) >= 2 * RUNAWAY_LANES  # the healthy ones overlapped several rounds
    for call in runaways:
        assert call.reply.status_code == 200, call.reply.text
        body = call.reply.json()
        assert body["error_type"] == "TimeoutError", body
        assert f"Execution timeout after {RUNAWAY_TIMEOUT} seconds" in body["error"]
        assert call.seconds < RUNAWAY_TIMEOUT + SLACK, call.seconds


def test_both_workers_answer(gunicorn_server: Server) -> None:
    """Two worker processes served the requests (gunicorn's log names each booted worker)."""
    booted = [line for line in gunicorn_server.log_tail(500).splitlines() if "Booting worker" in line]
    assert len(booted) >= 2, gunicorn_server.log_tail()
