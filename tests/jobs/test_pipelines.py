"""Pipelines (issue 14): registered processes run as steps, each result feeding the next, with
a status per step. Jobs run in real worker processes (`Workers`), on SQLite and on Redis,
except the one test that holds each step at a gate the test opens (the runner in a thread of
this process, where a host function can wait on the test)."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

from mlpy.jobs import BrokenPipeline, JobRecord, Jobs, JobsConfig, JobStatus, RegistrationError, Workers
from mlpy.jobs.runner import run_job
from tests.jobs.conftest import status_is, wait_for
from tests.jobs.test_http import check_status_info, open_app, wait_status

pytestmark = pytest.mark.anyio

DONE = (JobStatus.SUCCESSFUL, JobStatus.FAILED, JobStatus.DISMISSED)
CLEAN = 'print("cleaning");\nresult = {data: [x, x + 1, x + 2], n: 3};'
SCORE = 'print("scoring");\nresult = len(data) * threshold;'
LABEL = 'print("labelling");\nresult = "score " + str(input);'


async def register_chain(jobs: Jobs, *, deterministic: bool = False) -> None:
    """clean -> score (threshold fixed at 0.5) -> label, as pipeline ``chain``."""
    await jobs.register("clean", CLEAN, deterministic=deterministic)
    schemas = {"data": {"type": "array"}, "threshold": {"type": "number"}}
    await jobs.register("score", SCORE, inputs=schemas, deterministic=deterministic)
    await jobs.register("label", LABEL, deterministic=deterministic)
    steps = [{"process": "clean"}, {"process": "score", "inputs": {"threshold": 0.5}}, {"process": "label"}]
    await jobs.register_pipeline("chain", steps)


async def stuck_in_step_two(jobs: Jobs) -> JobRecord:
    """Queue pipeline ``stuck`` (quick, endless, after) and wait until step 2 loops."""
    await jobs.register("quick", "result = 1;")
    await jobs.register("endless", 'progress(10, "looping");\nwhile (true) {}')
    await jobs.register("after", 'print("step three ran");\nresult = 3;')
    await jobs.register_pipeline(
        "stuck", [{"process": "quick"}, {"process": "endless"}, {"process": "after"}]
    )
    job = await jobs.submit_process("stuck", timeout=120)
    await anyio.to_thread.run_sync(
        lambda: wait_for(lambda: (j := jobs.store.get_job(job.id)) and j.steps[1]["progress"] == 10)
    )
    return job


def statuses(job: Any) -> list[str]:
    return [step["status"] for step in job.steps]


@pytest.fixture(params=["sqlite", "redis"])
def store_config(
    request: pytest.FixtureRequest, config: JobsConfig, redis_db: Callable[[int], str]
) -> JobsConfig:
    """The test's config on SQLite, then on Redis (database 5)."""
    return config if request.param == "sqlite" else replace(config, url=redis_db(5))


# -- running ----------------------------------------------------------------------------------------


@pytest.mark.slow
async def test_values_flow_through_three_steps_in_a_worker(store_config: JobsConfig) -> None:
    jobs = Jobs(store_config)
    await register_chain(jobs)
    with Workers(store_config, 1):
        job = await jobs.submit_process("chain", {"x": 1})
        assert statuses(job) == ["accepted"] * 3
        seen: list[list[str]] = []
        while not (now := await jobs.status(job.id)).done:
            if not seen or seen[-1] != statuses(now):
                seen.append(statuses(now))
            await anyio.sleep(0.01)
    assert now.status is JobStatus.SUCCESSFUL and now.progress == 100.0
    assert statuses(now) == ["successful"] * 3 and not any(step["cached"] for step in now.steps)
    order = ["accepted", "running", "successful"]
    for earlier, later in zip(seen, seen[1:], strict=False):  # no step ever goes back
        assert all(order.index(a) <= order.index(b) for a, b in zip(earlier, later, strict=True))
    result = await jobs.results(job.id)
    assert result["value"] == "score 1.5"  # 3 values * 0.5; the unused n was not passed to score
    output = await jobs.output(job.id)
    assert output == (
        "== step 1/3: clean ==\ncleaning\n== step 2/3: score ==\nscoring\n== step 3/3: label ==\nlabelling\n"
    )
    assert result["stdout"] == output
    for step in now.steps:
        assert step["started"] is not None and step["finished"] >= step["started"]


async def test_each_step_is_seen_accepted_running_and_successful_in_order(config: JobsConfig) -> None:
    """Each step waits at a gate the test opens, so every state is seen, whatever the timing."""
    jobs = Jobs(config)
    for name in ("one", "two", "three"):
        await jobs.register(name, f'progress(50, "{name} at the gate");\ngate("{name}");\nresult = 1;')
    await jobs.register_pipeline("gated", [{"process": "one"}, {"process": "two"}, {"process": "three"}])
    job = await jobs.submit_process("gated")
    gates = {name: threading.Event() for name in ("one", "two", "three")}
    reached: list[str] = []

    def gate(name: str) -> None:
        reached.append(name)
        assert gates[name].wait(30)

    worker = threading.Thread(
        target=run_job, args=(jobs.store, job.id, config), kwargs={"functions": {"gate": gate}}
    )
    worker.start()
    try:
        expected = [
            ["running", "accepted", "accepted"],
            ["successful", "running", "accepted"],
            ["successful", "successful", "running"],
        ]
        for index, name in enumerate(("one", "two", "three")):
            wait_for(lambda name=name: name in reached)
            record = wait_for(
                lambda index=index: (
                    (j := jobs.store.get_job(job.id)) and j.steps[index]["progress"] == 50 and j
                )
            )
            assert statuses(record) == expected[index]
            assert record.steps[index]["message"] == f"{name} at the gate"
            assert record.progress == pytest.approx((100 * index + 50) / 3)
            gates[name].set()
    finally:
        for event in gates.values():
            event.set()
        worker.join(30)
    done = await jobs.status(job.id)
    assert (done.status, statuses(done), done.progress) == (JobStatus.SUCCESSFUL, ["successful"] * 3, 100.0)


@pytest.mark.slow
async def test_a_failing_middle_step_fails_the_job_naming_the_step_and_skips_the_rest(
    store_config: JobsConfig,
) -> None:
    jobs = Jobs(store_config)
    await jobs.register("first", "result = {values: [1, 2]};")
    await jobs.register("broken", 'print("about to fail");\ntotal = values + 1;\nresult = total;')
    await jobs.register("last", 'print("never");\nresult = input;')
    await jobs.register_pipeline("fails", [{"process": "first"}, {"process": "broken"}, {"process": "last"}])
    with Workers(store_config, 1):
        job = await jobs.submit_process("fails")
        failed = await status_is(jobs, job.id, *DONE)
    assert failed.status is JobStatus.FAILED
    assert statuses(failed) == ["successful", "failed", "skipped"]
    assert failed.message.startswith("step 2 of 3 (broken) failed: TypeError at line 2, column")
    assert failed.steps[1]["message"].startswith("TypeError at line 2")
    assert failed.steps[2]["started"] is None
    result = await jobs.results(job.id)
    assert (result["success"], result["error_type"], result["error_line"]) == (False, "TypeError", 2)
    assert result["error"] == failed.message
    output = await jobs.output(job.id)
    assert "about to fail" in output and "never" not in output and "step 3/3" not in output


@pytest.mark.slow
async def test_dismissing_during_step_two_stops_it_and_step_three_never_runs(
    store_config: JobsConfig,
) -> None:
    jobs = Jobs(store_config)
    with Workers(store_config, 1) as workers:
        job = await stuck_in_step_two(jobs)
        assert (await jobs.cancel(job.id)).status is JobStatus.DISMISSED
        stopped = await anyio.to_thread.run_sync(
            lambda: wait_for(
                lambda: (j := jobs.store.get_job(job.id)) and j.steps[1]["status"] == "dismissed" and j
            )
        )
        marker = await jobs.submit("result = 2;")  # the worker is free again
        await status_is(jobs, marker.id, JobStatus.SUCCESSFUL)
        assert workers.replaced == 0
    assert stopped.status is JobStatus.DISMISSED
    assert statuses(stopped) == ["successful", "dismissed", "skipped"]
    assert "step three ran" not in await jobs.output(job.id)


async def test_a_queued_pipeline_that_is_dismissed_says_every_step_was_skipped(config: JobsConfig) -> None:
    jobs = Jobs(config)
    await register_chain(jobs)
    job = await jobs.submit_process("chain", {"x": 1})
    dismissed = await jobs.cancel(job.id)
    assert dismissed.status is JobStatus.DISMISSED and statuses(dismissed) == ["skipped"] * 3
    assert statuses(await jobs.status(job.id)) == ["skipped"] * 3


@pytest.mark.slow
async def test_a_pipeline_whose_worker_is_killed_fails_at_the_running_step(config: JobsConfig) -> None:
    jobs = Jobs(config)
    with Workers(config, 1) as workers:
        job = await stuck_in_step_two(jobs)
        os.kill(workers.pids()[0], signal.SIGKILL)
        failed = await status_is(jobs, job.id, *DONE)
    assert failed.status is JobStatus.FAILED and "killed by signal SIGKILL" in failed.message
    assert statuses(failed) == ["successful", "failed", "skipped"]
    assert "SIGKILL" in failed.steps[1]["message"]


@pytest.mark.slow
async def test_changing_the_last_step_reruns_only_the_last_step(store_config: JobsConfig) -> None:
    jobs = Jobs(store_config)
    await register_chain(jobs, deterministic=True)
    with Workers(store_config, 1):
        first = await jobs.submit_process("chain", {"x": 1})
        await status_is(jobs, first.id, JobStatus.SUCCESSFUL)
        await jobs.register(
            "label", 'print("relabelling");\nresult = "new " + str(input);', deterministic=True
        )
        again = await jobs.submit_process("chain", {"x": 1})
        done = await status_is(jobs, again.id, *DONE)
    assert done.status is JobStatus.SUCCESSFUL
    assert [step["cached"] for step in done.steps] == [True, True, False]
    assert [step["message"] for step in done.steps][:2] == ["finished (cached result)"] * 2
    assert (await jobs.results(again.id))["value"] == "new 1.5"
    assert "relabelling" in await jobs.output(again.id)
    other = await jobs.submit_process("chain", {"x": 2})  # other inputs: nothing cached
    assert other.status is JobStatus.ACCEPTED


# -- registration -------------------------------------------------------------------------------------


async def test_missing_steps_and_cycles_are_refused_at_registration(config: JobsConfig) -> None:
    jobs = Jobs(config)
    await jobs.register("a", "result = 1;")
    with pytest.raises(RegistrationError) as missing:
        await jobs.register_pipeline("p", [{"process": "a"}, {"process": "nowhere"}])
    assert missing.value.errors[0]["type"] == "MissingProcess" and "'nowhere'" in str(missing.value)
    await jobs.register_pipeline("p", [{"process": "a"}])
    await jobs.register_pipeline("q", [{"process": "p"}, {"process": "a"}])
    with pytest.raises(RegistrationError) as cycle:
        await jobs.register_pipeline("p", [{"process": "q"}])
    assert cycle.value.errors[0]["type"] == "Cycle" and "p -> q -> p" in str(cycle.value)
    with pytest.raises(RegistrationError) as itself:
        await jobs.register_pipeline("r", [{"process": "r"}])
    assert "r -> r" in str(itself.value)
    assert (await jobs.process("p")).steps == [{"process": "a", "inputs": {}}]  # left as it was


async def test_steps_and_nesting_are_capped(config: JobsConfig) -> None:
    jobs = Jobs(replace(config, max_pipeline_steps=4, max_pipeline_depth=2))
    await jobs.register("a", "result = 1;")
    with pytest.raises(RegistrationError, match="MLPY_MAX_PIPELINE_STEPS"):
        await jobs.register_pipeline("five", [{"process": "a"}] * 5)
    await jobs.register_pipeline("three", [{"process": "a"}] * 3)
    with pytest.raises(RegistrationError, match="nested pipelines included"):
        await jobs.register_pipeline("six", [{"process": "three"}, {"process": "three"}])
    await jobs.register_pipeline("outer", [{"process": "three"}])
    with pytest.raises(RegistrationError, match="MLPY_MAX_PIPELINE_DEPTH") as deep:
        await jobs.register_pipeline("outermost", [{"process": "outer"}])
    assert deep.value.errors[0]["type"] == "TooDeep"


async def test_a_nested_pipeline_runs_its_steps_in_place(config: JobsConfig) -> None:
    jobs = Jobs(config)
    await jobs.register(
        "add", "result = input + step;", inputs={"input": {"type": "number"}, "step": {"type": "number"}}
    )
    await jobs.register("start", "result = x;")
    await jobs.register_pipeline(
        "twice", [{"process": "add", "inputs": {"step": 10}}, {"process": "add", "inputs": {"step": 1}}]
    )
    await jobs.register_pipeline(
        "outer", [{"process": "start"}, {"process": "twice"}, {"process": "add", "inputs": {"step": 100}}]
    )
    job = await jobs.submit_process("outer", {"x": 5})
    assert [step["process"] for step in job.steps] == ["start", "add", "add", "add"]
    jobs.queue.clear()
    run_job(jobs.store, job.id, config)
    assert (await jobs.results(job.id))["value"] == 116


async def test_a_deleted_step_makes_the_pipeline_refuse_to_run_naming_it(config: JobsConfig) -> None:
    jobs = Jobs(config)
    await register_chain(jobs)
    await jobs.unregister("score")
    with pytest.raises(
        BrokenPipeline, match=r"pipeline 'chain' cannot run: step 2 of 'chain' names process 'score'"
    ):
        await jobs.submit_process("chain", {"x": 1})
    await jobs.register("score", SCORE)  # registered again: it runs again
    job = await jobs.submit_process("chain", {"x": 1})
    jobs.queue.clear()
    run_job(jobs.store, job.id, config)
    assert (await jobs.results(job.id))["value"] == "score 1.5"


async def test_a_step_keeps_to_its_own_timeout_and_the_pipeline_to_its_own(config: JobsConfig) -> None:
    jobs = Jobs(config)
    await jobs.register("quick", "result = 1;")
    await jobs.register("slow", "while (true) {}", timeout=0.5)  # its own timeout, in any pipeline
    await jobs.register("endless", "while (true) {}")
    await jobs.register_pipeline("own", [{"process": "quick"}, {"process": "slow"}], timeout=60)
    await jobs.register_pipeline("whole", [{"process": "quick"}, {"process": "endless"}], timeout=0.5)
    with pytest.raises(RegistrationError, match="MLPY_JOB_MAX_TIMEOUT"):
        await jobs.register_pipeline("long", [{"process": "quick"}], timeout=config.max_timeout + 1)
    for name in ("own", "whole"):
        job = await jobs.submit_process(name)
        assert job.timeout == (60 if name == "own" else 0.5)  # the pipeline's, as the job's
        jobs.queue.clear()
        run_job(jobs.store, job.id, config)
        failed = await jobs.status(job.id)
        assert failed.status is JobStatus.FAILED and statuses(failed) == ["successful", "failed"]
        assert failed.message.startswith(
            f"step 2 of 2 ({'slow' if name == 'own' else 'endless'}) failed: TimeoutError"
        )
        assert (await jobs.results(job.id))["error_type"] == "TimeoutError"


async def test_a_step_whose_inputs_do_not_fit_fails_naming_the_input(config: JobsConfig) -> None:
    jobs = Jobs(config)
    await jobs.register("text", 'result = {data: "not a list"};')
    await jobs.register("score", SCORE, inputs={"data": {"type": "array"}, "threshold": {"type": "number"}})
    await jobs.register_pipeline(
        "bad", [{"process": "text"}, {"process": "score", "inputs": {"threshold": 1}}]
    )
    job = await jobs.submit_process("bad")
    jobs.queue.clear()
    run_job(jobs.store, job.id, config)
    failed = await jobs.status(job.id)
    assert failed.status is JobStatus.FAILED and statuses(failed) == ["successful", "failed"]
    assert failed.message.startswith("step 2 of 2 (score) failed: InvalidInput: input 'data' is invalid")


# -- HTTP -------------------------------------------------------------------------------------------------


@pytest.fixture
async def client(config: JobsConfig) -> AsyncIterator[httpx.AsyncClient]:
    async for c in open_app(config):
        yield c


async def put_chain(client: httpx.AsyncClient) -> None:
    assert (await client.put("/processes/clean", json={"code": CLEAN})).status_code == 201
    schemas = {"data": {"type": "array"}, "threshold": {"type": "number"}}
    assert (await client.put("/processes/score", json={"code": SCORE, "inputs": schemas})).status_code == 201
    assert (await client.put("/processes/label", json={"code": LABEL})).status_code == 201
    steps = [{"process": "clean"}, {"process": "score", "inputs": {"threshold": 0.5}}, {"process": "label"}]
    created = await client.put("/processes/chain", json={"steps": steps, "title": "Chain"})
    assert created.status_code == 201, created.text
    desc = created.json()
    assert desc["steps"] == [{"process": "clean", "inputs": {}},
                             {"process": "score", "inputs": {"threshold": 0.5}},
                             {"process": "label", "inputs": {}}]  # fmt: skip
    assert desc["title"] == "Chain" and desc["deterministic"] is False


@pytest.mark.slow
async def test_a_pipeline_over_http_sync_and_async(client: httpx.AsyncClient, config: JobsConfig) -> None:
    await put_chain(client)
    now = await client.post("/processes/chain/execution", json={"inputs": {"x": 1}})
    assert now.status_code == 200
    assert (now.json()["value"], now.json()["cached"]) == ("score 1.5", False)
    assert now.json()["stdout"].startswith("== step 1/3: clean ==\ncleaning\n")
    script = await client.post(
        "/processes/clean/execution", json={"inputs": {"x": 1}}, headers={"Prefer": "respond-async"}
    )
    assert script.json()["steps"] is None  # a script's job has no steps
    with Workers(config, 1):
        started = await client.post(
            "/processes/chain/execution", json={"inputs": {"x": 1}}, headers={"Prefer": "respond-async"}
        )
        assert started.status_code == 201
        body = started.json()
        check_status_info(body)
        assert [s["status"] for s in body["steps"]] == ["accepted"] * 3
        done = await wait_status(client, body["jobID"], "successful", "failed")
    check_status_info(done, body["jobID"])
    assert [(s["process"], s["status"], s["progress"]) for s in done["steps"]] == [
        ("clean", "successful", 100), ("score", "successful", 100), ("label", "successful", 100)
    ]  # fmt: skip
    results = (await client.get(f"/jobs/{body['jobID']}/results")).json()
    assert results["value"] == "score 1.5"
    output = (await client.get(f"/jobs/{body['jobID']}/output")).json()
    assert "== step 2/3: score ==\nscoring\n" in output["stdout"]


async def test_http_refusals_name_the_problem(client: httpx.AsyncClient) -> None:
    await put_chain(client)
    missing = await client.put("/processes/p", json={"steps": [{"process": "clean"}, {"process": "gone"}]})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["type"] == "MissingProcess" and "'gone'" in missing.json()["detail"]
    await client.put("/processes/outer", json={"steps": [{"process": "chain"}]})
    cycle = await client.put("/processes/chain", json={"steps": [{"process": "outer"}]})
    assert cycle.status_code == 422 and "chain -> outer -> chain" in cycle.json()["detail"]
    both = await client.put("/processes/p", json={"code": "result = 1;", "steps": [{"process": "clean"}]})
    assert both.status_code == 422 and "exactly one of code" in both.text
    neither = await client.put("/processes/p", json={"title": "nothing"})
    assert neither.status_code == 422 and "exactly one of code" in neither.text
    assert (await client.put("/processes/p", json={"steps": []})).status_code == 422
    assert (await client.delete("/processes/score")).status_code == 204
    for headers in ({}, {"Prefer": "respond-async"}):
        broken = await client.post("/processes/chain/execution", json={"inputs": {"x": 1}}, headers=headers)
        assert broken.status_code == 409
        assert "step 2 of 'chain' names process 'score', which is not registered" in broken.json()["detail"]
    bad_input = await client.put(
        "/processes/score", json={"code": SCORE, "inputs": {"data": {"type": "array"}}}
    )
    assert bad_input.status_code == 201
    wrong = await client.post("/processes/chain/execution", json={"inputs": {"y": 1}})
    assert wrong.status_code == 200 and wrong.json()["success"] is False  # clean reads x: the ML error
    assert wrong.json()["error"].startswith("step 1 of 3 (clean) failed: NameError")


def test_the_docs_name_the_pipeline_settings() -> None:
    text = (Path(__file__).parents[2] / "docs" / "jobs.md").read_text("utf-8")
    for name in ("MLPY_MAX_PIPELINE_STEPS", "MLPY_MAX_PIPELINE_DEPTH"):
        assert name in text
