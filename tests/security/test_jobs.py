"""Attacks through the job system: a job is a script like any other (same compiler, same
budget), and what it leaves in the store (output, progress, result, error) is bounded and
never carries Python internals. The runner runs here, in this process, on a SQLite store; the
worker processes and their memory cap are tested in tests/jobs/test_workers.py."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from mlpy.jobs.models import JobRecord, JobsConfig, JobStatus
from mlpy.jobs.runner import run_job
from mlpy.jobs.store import SqliteStore
from mlpy.runtime.builtins import PROGRESS_MESSAGE_CHARS
from mlpy.runtime.limits import Limits
from mlpy.server import Settings, create_app
from tests.server.conftest import running

#: what only Python's internals would show
INTERNALS = ("Traceback", 'File "', "mlpy/", "<class", "<function", " object at 0x")


def run(tmp_path: Path, code: str, **config: Any) -> tuple[JobRecord, str]:
    """Run ``code`` as job "j" to its end; its record and its stored output."""
    store = SqliteStore(tmp_path / "jobs.db")
    try:
        store.add_job(JobRecord(id="j", code=code, created=time.time(), timeout=10.0))
        run_job(store, "j", JobsConfig(data_dir=tmp_path, **config))
        job = store.get_job("j")
        assert job is not None and job.done, job
        return job, store.get_output("j")
    finally:
        store.close()


ESCAPES = [
    "result = __import__;",
    "result = [].__class__;",
    "x = {}; result = x.__class__.__bases__;",
    "result = eval;",
    "f = fn(x) => x; result = f.__globals__;",
    'result = "".format;',
]


def test_getattr_of_a_reserved_name_in_a_job_reaches_nothing(tmp_path: Path) -> None:
    job, _ = run(tmp_path, 'result = [getattr([], "__class__"), getattr({}, "__dict__", 7)];')
    assert job.status is JobStatus.SUCCESSFUL and job.result is not None
    assert job.result["value"] == [None, 7]


@pytest.mark.parametrize("code", ESCAPES)
def test_a_job_cannot_reach_python_internals(tmp_path: Path, code: str) -> None:
    job, _ = run(tmp_path, code)
    assert job.status is JobStatus.FAILED
    assert job.result is not None and job.result["success"] is False
    assert job.result["error_type"] in {"SecurityError", "NameError", "SyntaxError", "TypeError", "KeyError"}
    assert isinstance(job.result["error_line"], int) and isinstance(job.result["error_column"], int)
    for leak in INTERNALS:
        assert leak not in job.result["error"], job.result["error"]


def test_a_jobs_output_is_capped_by_max_output(tmp_path: Path) -> None:
    code = 'line = "x" * 1000;\nwhile (true) { print(line); }'
    job, output = run(tmp_path, code)
    assert job.status is JobStatus.FAILED and job.result is not None
    assert job.result["error_type"] == "LimitError" and "max_output" in job.result["error"]
    assert len(output) <= Limits().max_output


def test_a_progress_message_is_cut_to_its_cap(tmp_path: Path) -> None:
    job, _ = run(tmp_path, 'progress(10, "m" * 1000000);\nresult = 1;')
    assert job.status is JobStatus.SUCCESSFUL
    assert job.message == "m" * PROGRESS_MESSAGE_CHARS or job.message.startswith("finished")
    stored = run(tmp_path / "again", 'progress(10, "m" * 1000000);\nwhile (true) {}', default_timeout=1.0)
    assert stored[0].status is JobStatus.FAILED


def test_a_result_larger_than_max_result_fails_the_job_not_the_store(tmp_path: Path) -> None:
    code = 's = "x" * 1000000; a = []; for (i in range(40)) { a.push(s); } result = a;'
    job, _ = run(tmp_path, code)
    assert job.status is JobStatus.FAILED and job.result is not None
    assert job.result["error_type"] == "LimitError" and "max_result" in job.result["error"]
    assert job.result["value"] is None


def test_a_job_past_its_timeout_stops_and_says_so(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "jobs.db")
    try:
        store.add_job(JobRecord(id="j", code="while (true) {}", created=time.time(), timeout=0.5))
        started = time.monotonic()
        run_job(store, "j", JobsConfig(data_dir=tmp_path))
        took = time.monotonic() - started
        job = store.get_job("j")
    finally:
        store.close()
    assert job is not None and job.status is JobStatus.FAILED and job.result is not None
    assert job.result["error_type"] == "TimeoutError"
    assert took < 10  # the timeout stopped it: far less than "forever", not a timing claim


@pytest.mark.anyio
async def test_job_routes_bound_what_a_request_can_ask(tmp_path: Path) -> None:
    """Paging, ids and bodies: every oversized or malformed ask is a 4xx, never a 500."""
    app = create_app(Settings(workers=1, max_context_bytes=10_000), JobsConfig(data_dir=tmp_path / "d"))
    async with running(app) as client:
        assert (await client.put("/processes/p", json={"code": "result = x;"})).status_code == 201
        asks: list[tuple[str, str, dict[str, Any]]] = [
            ("GET", "/jobs?limit=1001", {}),
            ("GET", "/jobs?offset=99999999999999999999999", {}),
            ("GET", "/jobs?limit=-1", {}),
            ("GET", "/jobs/" + "x" * 5000, {}),
            ("GET", "/processes/" + "p" * 65, {}),
            ("PUT", "/processes/" + "p" * 65, {"json": {"code": "result = 1;"}}),
            ("PUT", "/processes/bad%20id", {"json": {"code": "result = 1;"}}),
            ("POST", "/jobs", {"json": {"code": "result = 1;", "context": {"x": "y" * 20_000}}}),
            ("POST", "/processes/p/execution", {"json": {"inputs": {"x": "y" * 20_000}}}),
            ("POST", "/processes/p/execution", {"json": {"inputs": {"x": "y" * 20_000}},
                                                "headers": {"Prefer": "respond-async"}}),
            ("POST", "/jobs", {"json": {"code": "result = 1;", "timeout": 10**400}}),
            ("POST", "/jobs", {"content": b'{"code": "result = 1;", "timeout": NaN}'}),
        ]
        for method, path, kwargs in asks:
            reply: httpx.Response = await client.request(method, path, **kwargs)
            assert 400 <= reply.status_code < 500, (method, path, reply.status_code, reply.text)
            assert "Traceback" not in reply.text
        for method, path, kwargs in asks[7:10]:  # over MLPY_MAX_CONTEXT_BYTES: said so, with the limit
            reply = await client.request(method, path, **kwargs)
            assert reply.status_code == 413 and "MLPY_MAX_CONTEXT_BYTES" in reply.json()["detail"], reply.text
        assert (await client.get("/jobs")).json()["jobs"] == []  # nothing oversized was queued
