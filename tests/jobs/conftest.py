"""Fixtures for the job system: a config under tmp_path, the async API, real worker processes,
and Redis databases 1-6 (this room's), flushed before and after each test that uses them."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import anyio
import pytest
import redis

from mlpy.jobs import JobRecord, Jobs, JobsConfig, JobStatus, Workers

REDIS = "redis://127.0.0.1:6379"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def config(tmp_path: Path) -> JobsConfig:
    """SQLite under tmp_path; a short heartbeat timeout so that lost jobs fail quickly."""
    return JobsConfig(data_dir=tmp_path / "data", heartbeat_timeout=3.0, memory_mb=1024)


@pytest.fixture
def workers(config: JobsConfig) -> Iterator[Workers]:
    """One real worker process on ``config``."""
    with Workers(config, 1) as running:
        yield running


def redis_url(db: int) -> str:
    """The URL of this room's Redis database ``db``, flushed."""
    assert db in range(1, 7), "the jobs room owns Redis databases 1-6 only"
    redis.Redis.from_url(f"{REDIS}/{db}").flushdb()
    return f"{REDIS}/{db}"


@pytest.fixture
def redis_db() -> Iterator[Callable[[int], str]]:
    """``redis_db(n)``: the URL of database n (1-6), flushed now and after the test."""
    used: list[int] = []

    def open_(db: int) -> str:
        used.append(db)
        return redis_url(db)

    yield open_
    for db in used:
        redis.Redis.from_url(f"{REDIS}/{db}").flushdb()


def wait_for(check: Callable[[], object], timeout: float = 20.0, every: float = 0.05) -> object:
    """Call ``check`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s: {check}")
        time.sleep(every)


async def status_is(jobs: Jobs, job_id: str, *wanted: JobStatus, timeout: float = 20.0) -> JobRecord:
    """Wait until the job is in one of ``wanted``; its record (fails after ``timeout`` s)."""
    deadline = time.monotonic() + timeout
    while True:
        job = await jobs.status(job_id)
        if job.status in wanted:
            return job
        if time.monotonic() > deadline:
            raise AssertionError(
                f"job {job_id} is {job.status} after {timeout} s, not {wanted}: {job.message}"
            )
        await anyio.sleep(0.05)
