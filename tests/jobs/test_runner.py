"""The runner in this process: progress is coalesced, results and failures are recorded."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from mlpy.jobs.models import JobRecord, JobsConfig, JobStatus
from mlpy.jobs.runner import Outcome, result_json, run_job
from mlpy.jobs.store import SqliteStore
from mlpy.runtime.result import MLResult


class CountingStore(SqliteStore):
    """A SqliteStore that counts the job updates it is asked for."""

    updates = 0

    def update_job(self, job_id: str, expect: frozenset[JobStatus], **changes: Any) -> JobRecord | None:
        self.updates += 1
        return super().update_job(job_id, expect, **changes)


def submit(store: SqliteStore, code: str, **fields: Any) -> str:
    store.add_job(JobRecord(id="j", code=code, created=time.time(), **fields))
    return "j"


def test_a_million_progress_reports_cost_a_few_writes(tmp_path: Path) -> None:
    store = CountingStore(tmp_path / "jobs.db")
    code = 'for (i in range(1000000)) { progress(i / 10000, "working"); }\nresult = "done";'
    started = time.monotonic()
    assert run_job(store, submit(store, code), JobsConfig()) is Outcome.NEXT
    seconds = time.monotonic() - started
    job = store.get_job("j")
    assert job is not None and job.status is JobStatus.SUCCESSFUL and job.progress == 100.0
    # at most one write per tick (0.25 s) while it ran, plus starting and finishing
    assert store.updates <= seconds / 0.25 + 3


def test_progress_is_visible_while_the_job_runs(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "jobs.db")
    seen: list[tuple[float, str]] = []

    def look() -> None:
        job = store.get_job("j")
        assert job is not None
        seen.append((job.progress, job.message))

    code = (
        'progress(40, "reading");\nfor (i in range(20)) { sleep(0.05); look(); }\nprogress(90);\nresult = 1;'
    )
    run_job(store, submit(store, code), JobsConfig(), functions={"look": look, "sleep": time.sleep})
    assert (40.0, "reading") in seen  # written by the watcher while the script still ran
    job = store.get_job("j")
    assert job is not None and (job.progress, job.status) == (100.0, JobStatus.SUCCESSFUL)


def test_a_compile_error_fails_the_job_with_its_position(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "jobs.db")
    run_job(store, submit(store, "x = 1;\ny = ;"), JobsConfig())
    job = store.get_job("j")
    assert job is not None and job.status is JobStatus.FAILED and job.result is not None
    assert (job.result["error_type"], job.result["error_line"]) == ("SyntaxError", 2)


def test_a_job_that_is_not_accepted_is_not_run(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "jobs.db")
    submit(store, 'print("no");', status=JobStatus.DISMISSED)
    assert run_job(store, "j", JobsConfig()) is Outcome.NEXT
    assert store.get_output("j") == "" and store.get_job("j").status is JobStatus.DISMISSED  # type: ignore[union-attr]
    assert run_job(store, "missing", JobsConfig()) is Outcome.NEXT


def test_a_value_json_cannot_carry_becomes_a_failure() -> None:
    data = result_json(MLResult(success=True, value=float("nan")))
    assert data["success"] is False and "cannot be represented as JSON" in data["error"]


def test_a_job_dismissed_while_it_compiles_stops_without_giving_up_the_worker(tmp_path: Path) -> None:
    """A cancel does not reach the compiler; the grace starts when compiling ends, so a long
    compile is not taken for a stuck thread (which would make the worker process exit)."""
    store = SqliteStore(tmp_path / "jobs.db")
    big = "".join(f"x{i} = {i} + 1;\n" for i in range(3000)) + "while (true) {}"
    submit(store, big, timeout=60.0)

    def dismiss_soon() -> None:
        time.sleep(0.2)
        store.update_job(
            "j", frozenset({JobStatus.RUNNING}), status=JobStatus.DISMISSED, finished=time.time()
        )

    threading.Thread(target=dismiss_soon).start()
    assert run_job(store, "j", JobsConfig()) is Outcome.NEXT
    job = store.get_job("j")
    assert job is not None and job.status is JobStatus.DISMISSED
