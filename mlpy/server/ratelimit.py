"""Rate limits: requests per caller per window, and concurrent runs per caller.

Layer 6 (server): imports the standard library, limits, redis, fastapi and `mlpy.server.*`.

**Who is a caller.** The API key's name when keys are configured (`Principal.name`), else the
client's address (behind a proxy, run the server with ``--forwarded-allow-ips`` so that is the
real client's).

**Requests** (``MLPY_RATE_LIMIT``, e.g. ``600/minute``; several separated by ``;``, such as
``10/second;600/minute``, all apply) are counted with the `limits` library's moving window:
the N+1st request in any window of that length is refused. The counts live in memory (one
process) or, with ``MLPY_RATE_LIMIT_STORAGE=redis://host:6379/0``, in Redis, shared by every
worker and machine that uses it. Every limited response carries the IETF draft headers
``RateLimit-Limit``, ``RateLimit-Remaining``, ``RateLimit-Reset`` (seconds) and
``RateLimit-Policy``; a refusal is **429** with ``Retry-After`` (seconds).

**Concurrent runs** (``MLPY_MAX_CONCURRENT_RUNS``, 0 for no cap) bounds the scripts one caller
has running at once; one more is a 429 with ``Retry-After: 1``. With Redis storage the cap is
shared too: each run holds a lease in a sorted set for at most its timeout plus a margin, so a
worker that dies mid-run gives its slots back when the leases expire.

If the storage cannot be reached, requests are refused with 503 (fail closed: the limits are
part of the protection of a service that runs other people's code); a storage that hangs is
given `STORAGE_TIMEOUT` seconds per operation. Cost per request: two storage round trips per
limit (count, then read the window for the headers), plus two for a run's slot with Redis.
"""

from __future__ import annotations

import math
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import limits
import limits.aio.storage
import limits.aio.strategies
import limits.storage
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from redis.asyncio import Redis
from redis.exceptions import RedisError

from mlpy.server.keys import ANONYMOUS, Principal
from mlpy.server.logs import current_record
from mlpy.server.schemas import ErrorDetail

__all__ = [
    "RATE_LIMIT_HEADERS",
    "RATE_LIMIT_RESPONSES",
    "RateLimiter",
    "parse_rate_limit",
    "parse_storage",
]

#: the headers every rate-limited answer carries (browsers may read them: CORS exposes them)
RATE_LIMIT_HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy")
#: seconds a storage operation may take (a Redis that hangs is then a 503, not a stuck request)
STORAGE_TIMEOUT = 1.0
#: key prefix of everything mlpy stores in the limit storage
PREFIX = "mlpy"
#: seconds a run's lease outlives its timeout (a dead worker's slot comes back after this)
LEASE_MARGIN = 5.0


#: the OpenAPI entries of the answers the limiter may give
RATE_LIMIT_RESPONSES: dict[int | str, dict[str, Any]] = {
    429: {
        "model": ErrorDetail,
        "description": "Too many requests, or too many runs at once: retry after `Retry-After` seconds "
        "(`RateLimit-*` headers: the caller's window).",
        "content": {
            "application/json": {
                "example": {"detail": "rate limit exceeded: 600 requests per minute for this caller"}
            }
        },
    },
}


def parse_rate_limit(text: str) -> list[limits.RateLimitItem]:
    """``600/minute`` or ``10/second;600/minute`` (empty or ``none``: no limit).

    Raises:
        ValueError: not in the `limits` notation.
    """
    if text.strip().lower() in ("", "none"):
        return []
    try:
        return list(limits.parse_many(text))
    except ValueError:
        raise ValueError(
            f"{text!r} is not a rate limit such as '600/minute' or '10/second;600/minute'"
        ) from None


def parse_storage(uri: str) -> str:
    """The async `limits` storage URI of ``memory://`` or ``redis://...`` / ``rediss://...``.

    Raises:
        ValueError: another scheme (the message does not repeat the URI: it may hold a password).
    """
    scheme = uri.split("://", 1)[0].lower() if "://" in uri else ""
    if scheme not in ("memory", "redis", "rediss"):
        raise ValueError("must be memory:// or a redis:// or rediss:// URL")
    return "async+" + uri


class _Refused(Exception):
    def __init__(self, status: int, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.retry_after = retry_after


class _Slots(Protocol):
    cap: int

    async def acquire(self, caller: str, lease: float) -> str | None: ...
    async def release(self, caller: str, token: str) -> None: ...


class _LocalSlots:
    """Concurrent runs counted in this process."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.running: Counter[str] = Counter()

    async def acquire(self, caller: str, lease: float) -> str | None:
        if self.running[caller] >= self.cap:
            return None
        self.running[caller] += 1
        return caller

    async def release(self, caller: str, token: str) -> None:
        self.running[caller] -= 1
        if self.running[caller] <= 0:
            del self.running[caller]


_ACQUIRE = """
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
redis.call('PEXPIREAT', KEYS[1], math.ceil(tonumber(ARGV[3]) * 1000))
return 1
"""


class _RedisSlots:
    """Concurrent runs as leases in one Redis sorted set per caller (score: lease expiry)."""

    def __init__(self, cap: int, url: str) -> None:
        self.cap = cap
        self.redis: Redis = Redis.from_url(
            url, socket_timeout=STORAGE_TIMEOUT, socket_connect_timeout=STORAGE_TIMEOUT
        )
        self.script = self.redis.register_script(_ACQUIRE)

    async def acquire(self, caller: str, lease: float) -> str | None:
        token = uuid.uuid4().hex
        now = time.time()
        ok = await self.script(keys=[self._key(caller)], args=[now, self.cap, now + lease, token])
        return token if ok == 1 else None

    async def release(self, caller: str, token: str) -> None:
        await self.redis.zrem(self._key(caller), token)

    def _key(self, caller: str) -> str:
        return f"{PREFIX}:runs:{caller}"


@dataclass(frozen=True)
class _Window:
    item: limits.RateLimitItem
    allowed: bool
    remaining: int
    reset: int


class RateLimiter:
    """The app's limits; `check` and `run_slot` are the dependencies the routers use."""

    def __init__(
        self, rates: Sequence[limits.RateLimitItem], storage: str, max_concurrent: int, lease: float
    ) -> None:
        self.rates = list(rates)
        self.storage_uri = storage
        self.lease = lease + LEASE_MARGIN
        self.storage = _storage(storage)
        self.window = limits.aio.strategies.MovingWindowRateLimiter(self.storage)
        self.slots: _Slots | None = None
        if max_concurrent > 0:
            redis = not storage.startswith("memory")
            self.slots = _RedisSlots(max_concurrent, storage) if redis else _LocalSlots(max_concurrent)

    @property
    def active(self) -> bool:
        """Whether any limit is set (else `check` and `run_slot` never refuse)."""
        return bool(self.rates) or self.slots is not None

    # -- the dependencies ---------------------------------------------------------------------

    async def check(self, request: Request) -> None:
        """Count this request against the caller's windows; over any: 429 with ``Retry-After``."""
        if not self.rates:
            return
        caller = _caller(request)
        try:
            windows = await self._hit_all(caller)
        except (RedisError, limits.errors.StorageError, OSError):
            raise _Refused(503, "the rate limit storage is unreachable; try again later", 1) from None
        tightest = min(windows, key=lambda w: (w.allowed, w.remaining))
        record = current_record()
        if record is not None:
            record.headers.extend(_headers(tightest, self.rates))
        refused = [w for w in windows if not w.allowed]
        if refused:
            worst = max(refused, key=lambda w: w.reset)
            raise _Refused(
                429,
                f"rate limit exceeded: {worst.item.amount} requests per {_per(worst.item)} for this caller",
                max(worst.reset, 1),
            )

    async def run_slot(self, request: Request) -> AsyncIterator[None]:
        """Hold one of the caller's concurrent-run slots while the route runs; none free: 429."""
        if self.slots is None:
            yield
            return
        caller = _caller(request)
        try:
            token = await self.slots.acquire(caller, self.lease)
        except (RedisError, OSError):
            raise _Refused(503, "the rate limit storage is unreachable; try again later", 1) from None
        if token is None:
            message = f"this caller already has {self.slots.cap} runs in progress (the most at once)"
            raise _Refused(429, message, 1)
        try:
            yield
        finally:
            try:
                await self.slots.release(caller, token)
            except (RedisError, OSError):  # the lease expires by itself
                pass

    async def _hit_all(self, caller: str) -> list[_Window]:
        """Count the request in each window in turn until one refuses it; the windows after
        that are only read (a request refused by ``10/second`` does not use up ``600/minute``)."""
        windows: list[_Window] = []
        refused = False
        for item in self.rates:
            allowed = True if refused else await self.window.hit(item, PREFIX, caller)
            refused = refused or not allowed
            stats = await self.window.get_window_stats(item, PREFIX, caller)
            reset = max(0, math.ceil(stats.reset_time - time.time()))
            windows.append(_Window(item, allowed, max(stats.remaining, 0), reset))
        return windows

    async def aclose(self) -> None:
        """Close the storage connections (the app's lifespan calls it at shutdown)."""
        if isinstance(self.slots, _RedisSlots):
            await self.slots.redis.aclose()

    async def reset(self) -> None:
        """Forget every count (tests; an operator after changing limits)."""
        await self.storage.reset()


def _storage(uri: str) -> limits.aio.storage.Storage:
    """The async `limits` storage of ``uri`` (redis through redis-py's asyncio client)."""
    if uri.startswith("memory"):
        return limits.aio.storage.MemoryStorage()
    store = limits.storage.storage_from_string(
        parse_storage(uri),
        implementation="redispy",
        wrap_exceptions=True,
        socket_timeout=STORAGE_TIMEOUT,
        socket_connect_timeout=STORAGE_TIMEOUT,
    )
    assert isinstance(store, limits.aio.storage.Storage)
    return store


def _caller(request: Request) -> str:
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is not None and principal is not ANONYMOUS:
        return f"key:{principal.name}"
    host = request.client.host if request.client is not None else "unknown"
    return f"addr:{host}"


def _per(item: limits.RateLimitItem) -> str:
    unit = item.GRANULARITY.name
    return unit if item.multiples == 1 else f"{item.multiples} {unit}s"


def _headers(window: _Window, rates: Sequence[limits.RateLimitItem]) -> list[tuple[str, str]]:
    policy = ", ".join(f"{r.amount};w={r.get_expiry()}" for r in rates)
    values = (str(window.item.amount), str(window.remaining), str(window.reset), policy)
    return list(zip(RATE_LIMIT_HEADERS, values, strict=True))


def install(app: FastAPI) -> None:
    """Answer the limiter's refusals: 429 or 503, with ``Retry-After`` and an `ErrorDetail` body."""

    async def refused(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, _Refused)
        headers = {"Retry-After": str(exc.retry_after)}
        return JSONResponse({"detail": exc.detail}, exc.status, headers=headers)

    app.add_exception_handler(_Refused, refused)
