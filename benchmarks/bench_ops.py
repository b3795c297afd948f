"""The cost of the operations layer (docs/operations.md) per request, in-process: an open app
(request log and metrics only) against one with an API key, a rate limit and a run cap, with
the limits in memory and, if Redis answers on 127.0.0.1:6379, in Redis (database 10, flushed).

Run: .venv/bin/python benchmarks/bench_ops.py
"""

from __future__ import annotations

import asyncio
import io
import logging
import sys
import time
from pathlib import Path

import httpx
from asgi_lifespan import LifespanManager

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median  # noqa: E402

from mlpy.server import Settings, create_app  # noqa: E402
from mlpy.server.keys import digest  # noqa: E402

KEY = "mlpy_bench-key-0123456789abcdef0123456789abcdef"
REDIS = "redis://127.0.0.1:6379/10"
REQUESTS = 300
ROUNDS = 3
BODY = {"code": "result = 1;"}


async def per_request_ms(settings: Settings, headers: dict[str, str]) -> float:
    """Median over rounds of the mean milliseconds of one sequential ``POST /execute``."""
    app = create_app(settings)
    logging.getLogger("mlpy.requests").handlers[0].setStream(io.StringIO())  # not the terminal
    rounds = []
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for _ in range(50):
                await client.post("/execute", json=BODY, headers=headers)
            for _ in range(ROUNDS):
                started = time.perf_counter()
                for _ in range(REQUESTS):
                    reply = await client.post("/execute", json=BODY, headers=headers)
                    assert reply.status_code == 200, reply.text
                rounds.append((time.perf_counter() - started) / REQUESTS * 1000)
    return median(rounds)


def _redis_up() -> bool:
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=6379, db=10, socket_connect_timeout=1)
        client.flushdb()
        client.close()
        return True
    except Exception:
        return False


async def main() -> None:
    guarded = {
        "api_keys": f"bench:execute:{digest(KEY).hex()}",
        "rate_limit": "1000000/minute",
        "max_concurrent_runs": 8,
    }
    header = {"X-API-Key": KEY}
    rows = [("open (request log + metrics)", await per_request_ms(Settings(workers=2), {}))]
    memory_settings = Settings(workers=2, **guarded)
    rows.append(("key + limit + run cap, memory", await per_request_ms(memory_settings, header)))
    if _redis_up():
        redis_settings = Settings(workers=2, rate_limit_storage=REDIS, **guarded)
        rows.append(("key + limit + run cap, Redis", await per_request_ms(redis_settings, header)))
        _redis_up()  # flush again
    base = rows[0][1]
    for name, ms in rows:
        print(f"{name:<32} {ms:7.3f} ms/request  ({ms - base:+.3f})")


if __name__ == "__main__":
    asyncio.run(main())
