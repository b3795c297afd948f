"""Real servers: ``mlpy serve`` with its job workers, ``mlpy worker`` alone, and two API
servers plus a worker sharing one Redis database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

from mlpy.jobs import Jobs, JobsConfig, JobStatus
from tests.jobs.conftest import status_is
from tests.server.helpers import ROOT, free_port, serving
from tests.server.test_uvicorn import CLEAN_ENV

pytestmark = pytest.mark.slow


def wait_job(url: str, job_id: str, *wanted: str, timeout: float = 30.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        body: dict[str, Any] = httpx.get(f"{url}/jobs/{job_id}", timeout=10).json()
        if body["status"] in wanted:
            return body
        assert time.monotonic() < deadline, f"job {job_id} still {body['status']}"
        time.sleep(0.05)


@contextmanager
def mlpy_worker(env: Mapping[str, str], log: Path, count: int = 1) -> Iterator[subprocess.Popen[bytes]]:
    """``mlpy worker --workers count`` in its own process group, stopped with SIGTERM."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "mlpy", "worker", "--workers", str(count)],
            cwd=ROOT, env={**CLEAN_ENV, **env}, stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def test_mlpy_serve_runs_the_api_and_its_job_workers(tmp_path: Path) -> None:
    port = free_port()
    env = {**CLEAN_ENV, "MLPY_DATA_DIR": str(tmp_path / "data")}
    command = [sys.executable, "-m", "mlpy", "serve", "--port", str(port), "--job-workers", "2"]
    with serving(command, port, tmp_path / "serve.log", env=env, clear_env=True) as server:
        put = httpx.put(f"{server.url}/processes/square", json={"code": "result = n * n;"}, timeout=10)
        assert put.status_code == 201
        started = httpx.post(
            f"{server.url}/processes/square/execution", json={"inputs": {"n": 7}},
            headers={"Prefer": "respond-async"}, timeout=10,
        ).json()  # fmt: skip
        wait_job(server.url, started["jobID"], "successful")
        assert httpx.get(f"{server.url}/jobs/{started['jobID']}/results", timeout=10).json()["value"] == 49
    assert server.process.returncode is not None


def test_mlpy_serve_with_no_job_workers_only_queues(tmp_path: Path) -> None:
    port = free_port()
    env = {**CLEAN_ENV, "MLPY_DATA_DIR": str(tmp_path / "data")}
    command = [sys.executable, "-m", "mlpy", "serve", "--port", str(port), "--job-workers", "0"]
    with serving(command, port, tmp_path / "serve.log", env=env, clear_env=True) as server:
        job = httpx.post(f"{server.url}/jobs", json={"code": "result = 1;"}, timeout=10).json()
        time.sleep(1.5)
        assert httpx.get(f"{server.url}/jobs/{job['jobID']}", timeout=10).json()["status"] == "accepted"


@pytest.mark.anyio
async def test_mlpy_worker_runs_jobs_queued_by_another_process_and_stops_on_sigterm(tmp_path: Path) -> None:
    data = tmp_path / "data"
    jobs = Jobs(JobsConfig(data_dir=data))
    with mlpy_worker({"MLPY_DATA_DIR": str(data)}, tmp_path / "worker.log", count=2) as worker:
        first = await jobs.submit('print("from a worker");\nresult = 40 + 2;')
        await status_is(jobs, first.id, JobStatus.SUCCESSFUL, timeout=30)
        assert (await jobs.results(first.id))["value"] == 42
        assert await jobs.output(first.id) == "from a worker\n"
        os.killpg(worker.pid, signal.SIGTERM)
        assert await anyio.to_thread.run_sync(lambda: worker.wait(10)) == 0


def test_mlpy_worker_refuses_bad_settings(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mlpy", "worker"], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**CLEAN_ENV, "MLPY_JOB_TTL": "forever"}, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and "MLPY_JOB_TTL='forever'" in done.stderr


def test_two_api_servers_and_a_worker_share_jobs_through_redis(
    tmp_path: Path, redis_db: Callable[[int], str]
) -> None:
    url = redis_db(2)
    env = {**CLEAN_ENV, "MLPY_JOBS_URL": url, "MLPY_DATA_DIR": str(tmp_path / "unused")}
    ports = [free_port(), free_port()]
    commands = [
        [sys.executable, "-m", "mlpy", "serve", "--port", str(p), "--job-workers", "0"] for p in ports
    ]
    with (
        serving(commands[0], ports[0], tmp_path / "a.log", env=env, clear_env=True) as a,
        serving(commands[1], ports[1], tmp_path / "b.log", env=env, clear_env=True) as b,
        mlpy_worker(env, tmp_path / "worker.log"),
    ):
        code = 'print("ran");\nresult = x * 3;'
        registered = httpx.put(f"{a.url}/processes/triple", json={"code": code}, timeout=10)
        assert registered.status_code == 201
        assert httpx.get(f"{b.url}/processes/triple", timeout=10).json()["id"] == "triple"
        job = httpx.post(
            f"{a.url}/processes/triple/execution", json={"inputs": {"x": 5}},
            headers={"Prefer": "respond-async"}, timeout=10,
        ).json()  # fmt: skip
        done = wait_job(b.url, job["jobID"], "successful", "failed")
        assert done["status"] == "successful"
        assert httpx.get(f"{b.url}/jobs/{job['jobID']}/results", timeout=10).json()["value"] == 15
        assert httpx.get(f"{b.url}/jobs/{job['jobID']}/output", timeout=10).json()["stdout"] == "ran\n"
        listed = httpx.get(f"{b.url}/jobs", timeout=10).json()["jobs"]
        assert [j["jobID"] for j in listed] == [job["jobID"]]
    assert not (tmp_path / "unused").exists()  # everything lived in Redis
