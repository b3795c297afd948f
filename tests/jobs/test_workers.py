"""Real worker processes: dismiss, memory cap, kill -9, timeouts, output while running, restart."""

from __future__ import annotations

import os
import signal
import time
from dataclasses import replace

import pytest

from mlpy.jobs import Jobs, JobsConfig, JobStatus, Workers
from tests.jobs.conftest import status_is

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

DONE = (JobStatus.SUCCESSFUL, JobStatus.FAILED, JobStatus.DISMISSED)
#: allocates a fresh 1 MB string per iteration, forever
EAT_MEMORY = """\
s = "x";
while (len(s) < 1000000) { s = s + s; }
kept = [];
i = 0;
while (true) { kept.push(s + str(i)); i = i + 1; }
"""


async def test_a_dismissed_endless_job_stops_within_a_second_and_the_worker_takes_the_next(
    config: JobsConfig, workers: Workers
) -> None:
    jobs = Jobs(config)
    endless = await jobs.submit('print("started"); while (true) {}', timeout=120)
    after = await jobs.submit("result = 6 * 7;")
    await status_is(jobs, endless.id, JobStatus.RUNNING)
    assert (await jobs.status(after.id)).status is JobStatus.ACCEPTED  # one worker, busy
    started = time.monotonic()
    dismissed = await jobs.cancel(endless.id)
    assert dismissed.status is JobStatus.DISMISSED
    done = await status_is(jobs, after.id, JobStatus.SUCCESSFUL, timeout=10)
    assert time.monotonic() - started < 1.5  # stopped within 1 s, plus the next job's own run
    assert (await jobs.results(after.id))["value"] == 42
    assert done.worker == (await jobs.status(endless.id)).worker  # the same worker, freed
    assert (await jobs.status(endless.id)).status is JobStatus.DISMISSED  # never overwritten
    assert workers.replaced == 0


async def test_a_queued_job_that_is_dismissed_never_starts(config: JobsConfig) -> None:
    jobs = Jobs(config)
    job = await jobs.submit('print("ran"); result = 1;')
    assert (await jobs.cancel(job.id)).status is JobStatus.DISMISSED
    with Workers(config, 1):
        marker = await jobs.submit("result = 2;")
        await status_is(jobs, marker.id, JobStatus.SUCCESSFUL)
    record = await jobs.status(job.id)
    assert (record.status, record.started, await jobs.output(job.id)) == (JobStatus.DISMISSED, None, "")


async def test_a_job_over_the_memory_cap_fails_clearly_and_the_next_job_runs(config: JobsConfig) -> None:
    small = replace(config, memory_mb=400)
    jobs = Jobs(small)
    with Workers(small, 1) as workers:
        greedy = await jobs.submit(EAT_MEMORY, timeout=60)
        after = await jobs.submit("result = 1 + 1;")
        failed = await status_is(jobs, greedy.id, *DONE, timeout=60)
        assert failed.status is JobStatus.FAILED
        assert "ran out of memory" in failed.message and "MLPY_JOB_MEMORY_MB=400" in failed.message
        result = await jobs.results(greedy.id)
        assert result["error_type"] == "LimitError" and result["error_line"] == 5
        await status_is(jobs, after.id, JobStatus.SUCCESSFUL, timeout=30)
        assert (await jobs.results(after.id))["value"] == 2
        assert workers.replaced == 1  # a worker whose memory ran out is replaced by a fresh one


async def test_kill_9_of_the_worker_mid_job_fails_the_job_within_seconds(
    config: JobsConfig, workers: Workers
) -> None:
    jobs = Jobs(config)
    victim = await jobs.submit("while (true) {}", timeout=120)
    running = await status_is(jobs, victim.id, JobStatus.RUNNING)
    (pid,) = workers.pids()
    assert running.worker is not None and running.worker.endswith(f":{pid}")
    os.kill(pid, signal.SIGKILL)
    killed = time.monotonic()
    failed = await status_is(jobs, victim.id, JobStatus.FAILED, timeout=10)
    assert time.monotonic() - killed < 5
    assert "SIGKILL" in failed.message
    assert (await jobs.results(victim.id))["error_type"] == "WorkerLost"
    later = await jobs.submit("result = 3;")
    await status_is(jobs, later.id, JobStatus.SUCCESSFUL, timeout=20)
    assert workers.replaced == 1 and workers.pids() != [pid]


async def test_a_job_past_its_timeout_fails_with_a_timeout_error(
    config: JobsConfig, workers: Workers
) -> None:
    jobs = Jobs(config)
    job = await jobs.submit("i = 0;\nwhile (true) { i = i + 1; }", timeout=0.5)
    failed = await status_is(jobs, job.id, JobStatus.FAILED)
    result = await jobs.results(job.id)
    assert (result["error_type"], result["error_line"]) == ("TimeoutError", 2)
    assert failed.message.startswith("TimeoutError at line 2")


async def test_output_is_readable_while_the_job_runs(config: JobsConfig, workers: Workers) -> None:
    jobs = Jobs(config)
    job = await jobs.submit('print("step one");\nwhile (true) {}', timeout=60)
    await status_is(jobs, job.id, JobStatus.RUNNING)
    deadline = time.monotonic() + 5
    while await jobs.output(job.id) != "step one\n":
        assert time.monotonic() < deadline, "the output never showed up while the job ran"
        time.sleep(0.05)
    assert (await jobs.status(job.id)).status is JobStatus.RUNNING
    await jobs.cancel(job.id)


async def test_after_a_restart_of_everything_scripts_finished_jobs_and_queued_jobs_are_there(
    config: JobsConfig,
) -> None:
    first = Jobs(config)
    await first.register("square", "result = n * n;", inputs={"n": {"type": "integer"}})
    with Workers(config, 1):
        finished = await first.submit_process("square", {"n": 12})
        await status_is(first, finished.id, JobStatus.SUCCESSFUL)
    queued = await first.submit_process("square", {"n": 5})  # no worker runs now
    first.close()

    again = Jobs(config)  # a new API process, as after a restart
    assert [p.id for p in await again.processes()] == ["square"]
    assert (await again.results(finished.id))["value"] == 144
    assert (await again.status(queued.id)).status is JobStatus.ACCEPTED
    with Workers(config, 1):
        await status_is(again, queued.id, JobStatus.SUCCESSFUL)
    assert (await again.results(queued.id))["value"] == 25
