"""A real gunicorn with two workers (examples/gunicorn.conf.py): the workers share one
Redis-backed rate limit (database 7, flushed), and one scrape of /metrics counts both workers'
traffic exactly (multiprocess mode)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import anyio
import httpx
import pytest
import redis

from tests.server.helpers import ROOT, Server, free_port, serving
from tests.server.ops.conftest import Keys
from tests.server.ops.test_metrics import samples, value
from tests.server.test_uvicorn import CLEAN_ENV

pytestmark = pytest.mark.anyio

REDIS_DB = 7
LIMIT = 30
BATCH = 5


@pytest.fixture(scope="module")
def metrics_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("metrics")


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory: pytest.TempPathFactory, keys: Keys, metrics_dir: Path) -> Iterator[Server]:
    store = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    store.flushdb()
    (metrics_dir / "counter_999999.db").write_bytes(b"stale")  # emptied by the config at start
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "--config", str(ROOT / "examples" / "gunicorn.conf.py"),
        "--workers", "2", "--bind", f"127.0.0.1:{port}", "mlpy.server.app:app",
    ]  # fmt: skip
    env = {
        **CLEAN_ENV,
        "MLPY_WORKERS": "2",
        "MLPY_API_KEYS": keys.config,
        "MLPY_RATE_LIMIT": f"{LIMIT}/minute",
        "MLPY_RATE_LIMIT_STORAGE": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    log = tmp_path_factory.mktemp("gunicorn-ops") / "server.log"
    try:
        with serving(command, port, log, env=env, clear_env=True) as server:
            yield server
    finally:
        store.flushdb()
        store.close()


def _request_lines(server: Server) -> list[dict[str, object]]:
    text = server.log.read_text("utf-8", "replace")
    return [json.loads(line) for line in text.splitlines() if line.startswith('{"time"')]


async def _post_batch(server: Server, key: str, count: int) -> list[httpx.Response]:
    """``count`` requests at once, each on a connection of its own (so both workers accept)."""
    replies: list[httpx.Response] = []

    async def one() -> None:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            replies.append(
                await client.post("/execute", json={"code": "result = 1;"}, headers={"X-API-Key": key})
            )

    async with anyio.create_task_group() as tg:
        for _ in range(count):
            tg.start_soon(one)
    return replies


async def _both_workers_serve(server: Server, deadline: float = 30.0) -> None:
    """Probe the open /health on fresh connections until the log shows both workers answering
    (the second one may still be booting when the first answers the readiness probe)."""
    with anyio.fail_after(deadline):
        while True:
            async with anyio.create_task_group() as tg:
                for _ in range(8):
                    tg.start_soon(_probe_health, server)
            pids = {line["pid"] for line in _request_lines(server) if line["route"] == "/health"}
            if len(pids) == 2:
                return
            await anyio.sleep(0.2)


async def _probe_health(server: Server) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        await client.get("/health")


async def test_two_workers_share_the_limit_and_one_scrape_counts_both(gunicorn: Server, keys: Keys) -> None:
    await _both_workers_serve(gunicorn)
    ok: list[httpx.Response] = []
    for _ in range(LIMIT // BATCH):
        ok += await _post_batch(gunicorn, keys.execute, BATCH)
    assert [r.status_code for r in ok] == [200] * LIMIT, [r.text for r in ok if r.status_code != 200]
    served = [line for line in _request_lines(gunicorn) if line["route"] == "/execute"]
    pids = {line["pid"] for line in served}
    assert len(pids) == 2, f"one worker took every request: {pids}"  # so each saw fewer than LIMIT
    over = await _post_batch(gunicorn, keys.execute, 2 * BATCH)
    assert [r.status_code for r in over] == [429] * (2 * BATCH)
    assert all(r.headers["ratelimit-remaining"] == "0" and int(r.headers["retry-after"]) >= 1 for r in over)
    refused_by = {line["pid"] for line in _request_lines(gunicorn) if line["status"] == 429}
    assert refused_by, "the refusals were logged"

    for _ in range(3):  # whichever worker answers the scrape, it counts both workers' traffic
        async with httpx.AsyncClient(base_url=gunicorn.url) as client:
            scrape = samples((await client.get("/metrics")).text)
        requests = "mlpy_http_requests_total"
        assert value(scrape, requests, route="/execute", method="POST", status="200") == LIMIT
        assert value(scrape, requests, route="/execute", method="POST", status="429") == 2 * BATCH
        probes = value(scrape, requests, route="/health", method="GET", status="200")  # readiness checks
        assert value(scrape, "mlpy_script_runs_total", outcome="success") == LIMIT + probes
        assert value(scrape, "mlpy_http_request_duration_seconds_count", route="/execute", method="POST") == (
            LIMIT + 2 * BATCH
        )
    lines = [line for line in _request_lines(gunicorn) if line["route"] == "/execute"]
    assert len(lines) == LIMIT + 2 * BATCH  # one log line per request, across both workers
    assert {line["key"] for line in lines} == {"execute"}
    assert keys.execute not in gunicorn.log.read_text("utf-8", "replace")  # the name, never the key


def test_the_stale_metrics_file_was_removed(gunicorn: Server, metrics_dir: Path) -> None:
    assert not (metrics_dir / "counter_999999.db").exists()
    assert list(metrics_dir.glob("*.db"))


def test_the_config_makes_and_removes_its_own_metrics_directory(tmp_path: Path) -> None:
    """Without PROMETHEUS_MULTIPROC_DIR the config makes a directory (in TMPDIR), the workers
    write there, and gunicorn removes it at exit."""
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "--config", str(ROOT / "examples" / "gunicorn.conf.py"),
        "--workers", "1", "--bind", f"127.0.0.1:{port}", "mlpy.server.app:app",
    ]  # fmt: skip
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {k: v for k, v in CLEAN_ENV.items() if k != "PROMETHEUS_MULTIPROC_DIR"} | {"TMPDIR": str(temp)}
    with serving(command, port, tmp_path / "server.log", env=env, clear_env=True) as server:
        assert "mlpy_http_requests_total" in httpx.get(server.url + "/metrics").text
        (made,) = temp.glob("mlpy-metrics-*")
        assert list(made.glob("*.db"))
    assert not made.exists()
