"""Rate limits: the N+1st request in the window is 429 with the headers; per key or per
address; shared through Redis (databases 8 and 9, flushed); concurrent runs per key."""

from __future__ import annotations

from collections.abc import Iterator

import anyio
import httpx
import pytest
import redis

from mlpy.server import Settings
from mlpy.server.keys import digest
from mlpy.server.settings import SettingsError
from tests.server.ops.conftest import Keys, open_app

pytestmark = pytest.mark.anyio

REDIS_DB = 8
SLOTS_DB = 9
EXECUTE = {"code": "result = 1;"}


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A flushed Redis database of ours (the limits tests own database 8)."""
    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    client.flushdb()
    yield f"redis://127.0.0.1:6379/{REDIS_DB}"
    client.flushdb()
    client.close()


def _check_429(reply: httpx.Response, limit: int) -> None:
    assert reply.status_code == 429, reply.text
    assert "rate limit exceeded" in reply.json()["detail"]
    retry = int(reply.headers["retry-after"])
    assert 1 <= retry <= 60
    assert reply.headers["ratelimit-limit"] == str(limit)
    assert reply.headers["ratelimit-remaining"] == "0"
    assert 0 <= int(reply.headers["ratelimit-reset"]) <= 60
    assert reply.headers["ratelimit-policy"] == f"{limit};w=60"


async def test_the_n_plus_first_request_is_429_with_the_headers(keys: Keys) -> None:
    async with open_app(api_keys=keys.config, rate_limit="3/minute") as client:
        headers = {"X-API-Key": keys.execute}
        for i in range(3):
            reply = await client.post("/execute", json=EXECUTE, headers=headers)
            assert reply.status_code == 200, reply.text
            assert reply.headers["ratelimit-limit"] == "3"
            assert reply.headers["ratelimit-remaining"] == str(2 - i)
        reply = await client.post("/execute", json=EXECUTE, headers=headers)
        _check_429(reply, 3)
        # /calculate counts against the same caller; another key has its own window
        _check_429(await client.get("/calculate?operation=add&a=1&b=2", headers=headers), 3)
        admin = {"X-API-Key": keys.admin}
        assert (await client.get("/health", headers=admin)).status_code == 200  # open routes: no limit
        assert "ratelimit-limit" not in (await client.get("/health")).headers


async def test_each_key_has_its_own_window(keys: Keys) -> None:
    config = keys.config + f"\nsecond:execute:{digest('k2').hex()}"
    async with open_app(api_keys=config, rate_limit="2/minute") as client:
        for key in (keys.execute, "k2"):
            for _ in range(2):
                assert (
                    await client.post("/execute", json=EXECUTE, headers={"X-API-Key": key})
                ).status_code == 200
        for key in (keys.execute, "k2"):
            _check_429(await client.post("/execute", json=EXECUTE, headers={"X-API-Key": key}), 2)


async def test_refusals_do_not_count_and_wrong_keys_are_refused_first(keys: Keys) -> None:
    async with open_app(api_keys=keys.config, rate_limit="2/minute") as client:
        for _ in range(5):  # 401s before the limit is consulted
            assert (
                await client.post("/execute", json=EXECUTE, headers={"X-API-Key": "nope"})
            ).status_code == 401
        for _ in range(2):
            assert (
                await client.post("/execute", json=EXECUTE, headers={"X-API-Key": keys.execute})
            ).status_code == 200


async def test_without_keys_the_client_address_is_limited() -> None:
    async with open_app(rate_limit="2/minute") as client:
        for _ in range(2):
            assert (await client.post("/execute", json=EXECUTE)).status_code == 200
        _check_429(await client.post("/execute", json=EXECUTE), 2)


async def test_several_limits_all_apply() -> None:
    async with open_app(rate_limit="2/second;3/minute") as client:
        statuses = []
        for _ in range(2):
            statuses.append((await client.post("/execute", json=EXECUTE)).status_code)
        statuses.append((await client.post("/execute", json=EXECUTE)).status_code)  # over 2/second
        await anyio.sleep(1.1)
        statuses.append((await client.post("/execute", json=EXECUTE)).status_code)  # 3rd in the minute
        reply = await client.post("/execute", json=EXECUTE)  # over 3/minute
        statuses.append(reply.status_code)
        assert statuses == [200, 200, 429, 200, 429]
        assert reply.headers["ratelimit-limit"] == "3"
        assert reply.headers["ratelimit-policy"] == "2;w=1, 3;w=60"


async def test_two_apps_share_a_redis_limit(keys: Keys, redis_url: str) -> None:
    """Two apps (as two workers would) count the same caller in one Redis window."""
    settings = {"api_keys": keys.config, "rate_limit": "4/minute", "rate_limit_storage": redis_url}
    headers = {"X-API-Key": keys.execute}
    async with open_app(**settings) as one, open_app(**settings) as two:
        statuses = []
        for client in (one, two, one, two, one, two):
            statuses.append((await client.post("/execute", json=EXECUTE, headers=headers)).status_code)
        assert statuses == [200, 200, 200, 200, 429, 429]
    stored = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    assert any(b"key:execute" in k for k in stored.keys("*")), stored.keys("*")  # the name, never the key
    assert not any(keys.execute.encode() in k for k in stored.keys("*"))
    stored.close()


async def test_an_unreachable_redis_is_503_not_a_pass(keys: Keys) -> None:
    settings = {"rate_limit": "4/minute", "rate_limit_storage": "redis://127.0.0.1:1/0"}
    async with open_app(**settings) as client:
        reply = await client.post("/execute", json=EXECUTE)
        assert reply.status_code == 503
        assert reply.json() == {"detail": "the rate limit storage is unreachable; try again later"}
        assert reply.headers["retry-after"] == "1"


SLOW = {"code": "while (true) {}", "timeout": 1.5}


@pytest.mark.parametrize("storage", ["memory", "redis"])
async def test_concurrent_runs_per_key_are_capped(keys: Keys, storage: str) -> None:
    url = "memory://"
    if storage == "redis":
        client_ = redis.Redis(host="127.0.0.1", port=6379, db=SLOTS_DB)
        client_.flushdb()
        url = f"redis://127.0.0.1:6379/{SLOTS_DB}"
    headers = {"X-API-Key": keys.execute}
    async with open_app(
        api_keys=keys.config, max_concurrent_runs=1, rate_limit_storage=url, workers=3
    ) as client:
        replies: dict[str, httpx.Response] = {}

        async def slow() -> None:
            replies["slow"] = await client.post("/execute", json=SLOW, headers=headers)

        async with anyio.create_task_group() as tg:
            tg.start_soon(slow)
            await anyio.sleep(0.5)  # the slow one holds the key's only slot
            replies["second"] = await client.post("/execute", json=EXECUTE, headers=headers)
            replies["other key"] = await client.get(
                "/calculate?operation=add&a=1&b=2", headers={"X-API-Key": keys.admin}
            )
        assert replies["slow"].json()["error_type"] == "TimeoutError"
        assert replies["second"].status_code == 429
        assert (
            replies["second"].json()["detail"]
            == "this caller already has 1 runs in progress (the most at once)"
        )
        assert replies["second"].headers["retry-after"] == "1"
        assert replies["other key"].status_code == 403  # admin lacks execute: refused before a slot
        after = await client.post("/execute", json=EXECUTE, headers=headers)  # the slot is free again
        assert after.status_code == 200, after.text
    if storage == "redis":
        assert client_.zcard("mlpy:runs:key:execute") == 0  # released, not left to expire
        client_.flushdb()
        client_.close()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MLPY_RATE_LIMIT": "lots"}, "MLPY_RATE_LIMIT='lots': 'lots' is not a rate limit"),
        ({"MLPY_RATE_LIMIT_STORAGE": "mongodb://u:secret@h"}, "MLPY_RATE_LIMIT_STORAGE: must be memory://"),
        ({"MLPY_MAX_CONCURRENT_RUNS": "-1"}, "MLPY_MAX_CONCURRENT_RUNS='-1'"),
    ],
)
def test_bad_limit_settings_are_named(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message) as caught:
        Settings.from_env(env)
    assert "secret" not in str(caught.value)


async def test_a_hanging_redis_is_503_within_the_storage_timeout() -> None:
    """A server that accepts connections and never answers: each operation gives up after
    STORAGE_TIMEOUT seconds, so the request is a 503 in bounded time, not stuck."""
    import socket
    import time

    from mlpy.server.ratelimit import STORAGE_TIMEOUT

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)  # the kernel completes handshakes; nothing ever reads or replies
        url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        async with open_app(rate_limit="4/minute", rate_limit_storage=url) as client:
            started = time.monotonic()
            reply = await client.post("/execute", json=EXECUTE)
            elapsed = time.monotonic() - started
    assert reply.status_code == 503, reply.text
    assert elapsed < 10 * STORAGE_TIMEOUT, elapsed
