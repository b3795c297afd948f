"""gunicorn with 2 uvicorn workers and ``mlpy worker``: jobs are shared by both API processes,
and jobs burning CPU do not slow ``/execute`` down (medians compared as a ratio)."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.jobs.test_serve import mlpy_worker, wait_job
from tests.server.helpers import ROOT, Server, free_port, serving
from tests.server.test_uvicorn import CLEAN_ENV

pytestmark = pytest.mark.slow

BURNERS = 4
SAMPLES = 40
#: busy median / idle median may be at most this (a shared 2-core machine: generous on purpose)
MAX_RATIO = 4.0


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return {**CLEAN_ENV, "MLPY_DATA_DIR": str(tmp_path_factory.mktemp("gunicorn") / "data")}


@pytest.fixture(scope="module")
def gunicorn(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "examples" / "gunicorn.conf.py"),
               "--workers", "2", "--bind", f"127.0.0.1:{port}", "mlpy.server.app:app"]  # fmt: skip
    log = tmp_path_factory.mktemp("gunicorn-log") / "server.log"
    with serving(command, port, log, env=env, clear_env=True) as server:
        yield server


def fresh(url: str) -> httpx.Client:
    """A client whose every request opens a new connection (gunicorn spreads them over its workers)."""
    return httpx.Client(base_url=url, timeout=30, limits=httpx.Limits(max_keepalive_connections=0))


def test_both_api_processes_see_the_same_jobs(gunicorn: Server, env: dict[str, str], tmp_path: Path) -> None:
    with mlpy_worker(env, tmp_path / "worker.log"), fresh(gunicorn.url) as client:
        ids = [client.post("/jobs", json={"code": f'print("job {n}");\nresult = {n};'}).json()["jobID"]
               for n in range(6)]  # fmt: skip
        for n, job_id in enumerate(ids):
            done = wait_job(gunicorn.url, job_id, "successful")
            assert (done["progress"], done["jobID"]) == (100, job_id)
            assert client.get(f"/jobs/{job_id}/results").json()["value"] == n
            assert client.get(f"/jobs/{job_id}/output").json()["stdout"] == f"job {n}\n"
        listed = [j["jobID"] for j in client.get("/jobs", params={"limit": 100}).json()["jobs"]]
        assert listed[: len(ids)] == ids[::-1]
        for _ in range(20):  # every read, on whichever process answers, agrees
            assert client.get(f"/jobs/{ids[0]}").json()["status"] == "successful"
        halfway = client.post("/jobs", json={"code": 'progress(50, "halfway");\nwhile (true) {}'}).json()
        deadline = time.monotonic() + 20
        while (body := client.get(f"/jobs/{halfway['jobID']}").json())["progress"] != 50:
            assert time.monotonic() < deadline, body
            time.sleep(0.05)
        for _ in range(20):  # the progress, seen through either process
            body = client.get(f"/jobs/{halfway['jobID']}").json()
            assert (body["status"], body["progress"], body["message"]) == ("running", 50, "halfway")
        assert client.delete(f"/jobs/{halfway['jobID']}").json()["status"] == "dismissed"


def execute_medians(url: str) -> float:
    with fresh(url) as client:
        times = []
        for _ in range(SAMPLES):
            started = time.perf_counter()
            body = client.post("/execute", json={"code": "result = 1;"}).json()
            times.append(time.perf_counter() - started)
            assert body["value"] == 1
        return statistics.median(times)


def test_jobs_burning_cpu_do_not_slow_execute(gunicorn: Server, env: dict[str, str], tmp_path: Path) -> None:
    idle = execute_medians(gunicorn.url)
    with mlpy_worker(env, tmp_path / "worker.log", count=BURNERS), fresh(gunicorn.url) as client:
        burners = [client.post("/jobs", json={"code": "while (true) {}", "timeout": 120}).json()["jobID"]
                   for _ in range(BURNERS)]  # fmt: skip
        for job_id in burners:
            wait_job(gunicorn.url, job_id, "running")
        busy = execute_medians(gunicorn.url)
        for job_id in burners:
            assert client.get(f"/jobs/{job_id}").json()["status"] == "running"  # still burning
            client.delete(f"/jobs/{job_id}")
    print(f"/execute median: idle {idle * 1000:.1f} ms, with {BURNERS} jobs burning CPU {busy * 1000:.1f} ms")
    assert busy < MAX_RATIO * idle
