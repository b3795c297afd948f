"""`run_job`: run one job inside a worker process, reporting to the store while it runs.

Layer 5 (jobs): imports the standard library, `mlpy.call`, `mlpy.errors`, `mlpy.runtime` and
`mlpy.jobs`.

The script runs in its own big-stack thread (`mlpy.runtime.threads.start_thread`) under a
`CallState` whose deadline is the job's timeout. The worker's main thread watches it, every
`TICK` seconds:

* writes the latest progress (the `progress` builtin's sink only keeps the last value, so a
  loop calling it a million times costs a million assignments and four writes a second), the
  heartbeat and, when it grew, the output so far (read from the call's output buffer);
* learns from that same write whether the job is still ``running``: if it was dismissed (or
  failed by the reaper) the call is cancelled, which stops it at its next budget check, the
  mechanism that makes timeouts real;
* past the deadline, cancels the call too.

A pipeline job (one with a ``plan``) runs its script steps in turn the same way, each as its
own call under its own timeout within the job's, writing the job's ``steps`` as they go; a
deterministic step is answered from the result cache when it can.

A call that does not stop within `GRACE` seconds of being cancelled is inside one long builtin:
the job is finished anyway and `run_job` answers `Outcome.EXIT`, so the worker process exits
and is replaced, taking the stuck thread with it. A call that ran out of memory (the worker's
``RLIMIT_AS``) also ends the process, whose heap may be in pieces.
"""

from __future__ import annotations

import enum
import json
import os
import socket
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from mlpy.call import Call, make_call
from mlpy.errors import MLError, MLLimitError
from mlpy.jobs.models import FINISHED, JobRecord, JobsConfig, JobStatus
from mlpy.jobs.pipeline import (
    SKIPPED,
    StepPlan,
    combined_progress,
    failed_step_result,
    heading,
    initial_steps,
    input_failure,
    next_context,
    stopped_steps,
)
from mlpy.jobs.registry import InvalidInput, cache_key
from mlpy.jobs.store import Store
from mlpy.runtime.progress import reporting
from mlpy.runtime.result import MLResult
from mlpy.runtime.threads import start_thread, timeout_error

__all__ = ["GRACE", "TICK", "Outcome", "result_json", "run_job", "worker_name"]

#: seconds between two reports of a running job (progress, output, heartbeat, dismiss check)
TICK = 0.25
#: seconds a cancelled call may take to stop before its worker process gives up on it
GRACE = 0.5

_RUNNING = frozenset({JobStatus.RUNNING})
_OUT_OF_MEMORY = "out of memory"


class Outcome(enum.Enum):
    """What the worker should do after `run_job`."""

    #: the job ran (or was not there to run): take the next one
    NEXT = "next"
    #: a thread is stuck or memory is exhausted: exit so that a fresh process replaces this one
    EXIT = "exit"


class Dismissed(MLLimitError):
    """The job was dismissed (or failed from outside) while it ran."""

    type_name = "Dismissed"


def worker_name() -> str:
    """This process's name in job records: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def result_json(result: MLResult) -> dict[str, Any]:
    """``result`` as a dict that JSON can carry (a value it cannot becomes a failure)."""
    data = result.to_dict()
    try:
        json.dumps(data, allow_nan=False)
    except (ValueError, TypeError) as e:
        failed = MLResult(
            success=False,
            error=f"ValueError: the result cannot be represented as JSON ({e})",
            error_type="ValueError",
            stdout=result.stdout,
            execution_time=result.execution_time,
            transpile_time=result.transpile_time,
            steps=result.steps,
        )
        data = failed.to_dict()
        data["errors"] = [{"error_type": "ValueError", "message": failed.error, "line": None, "column": None}]
    return data


class _Call:
    """The script's thread and what the watcher reads from it."""

    def __init__(self, call: Call) -> None:
        self.state = call.new_state()
        self.progress: tuple[float, str | None] | None = None
        self.box: list[MLResult] = []
        self.crash: list[BaseException] = []
        #: compiling does not see a cancel (it stops at the deadline): no grace runs out then
        self.compiling = True

        def sink(percent: float, message: str | None) -> None:
            self.progress = (percent, message)

        def work() -> None:
            try:
                with reporting(sink):
                    try:
                        call.program()  # compiled (and cached) here, under the deadline
                    except MLError:
                        pass  # call.execute reports it
                    finally:
                        self.compiling = False
                    result = call.execute(self.state)
                    self.state.globals = {}  # free the script's values now (after a MemoryError too)
                    self.box.append(result)
            except BaseException as e:  # noqa: BLE001 - reported as the job's failure
                self.crash.append(e)

        self.thread = start_thread(work, name="mlpy-job")

    def output(self) -> str:
        return "".join(list(self.state.output))


def run_job(
    store: Store,
    job_id: str,
    config: JobsConfig,
    *,
    functions: dict[str, Callable[..., Any]] | None = None,
    name: str | None = None,
) -> Outcome:
    """Run job ``job_id`` if it is still accepted; record its progress, output and result.

    ``functions`` are host functions for the script (tests use them; workers pass none).
    """
    now = time.time()
    job = store.update_job(
        job_id,
        frozenset({JobStatus.ACCEPTED}),
        status=JobStatus.RUNNING,
        started=now,
        heartbeat=now,
        worker=name or worker_name(),
        message="running",
    )
    if job is None:
        return Outcome.NEXT  # dismissed while queued, expired, or taken by another worker
    if job.plan is not None:
        return _run_pipeline(store, job, config, functions)
    result, leave = _run_script(store, job, job.code, job.inputs, job.timeout, config, functions)
    _finish(store, job, result_json(result))
    return Outcome.EXIT if leave else Outcome.NEXT


#: maps the script's latest ``progress(percent, message)`` to the job's changes
Report = Callable[[float, "str | None"], dict[str, Any]]


def _report(percent: float, message: str | None) -> dict[str, Any]:
    return {"progress": percent, "message": message or ""}


def _run_script(
    store: Store,
    job: JobRecord,
    code: str,
    context: dict[str, Any],
    timeout: float,
    config: JobsConfig,
    functions: dict[str, Callable[..., Any]] | None,
    *,
    report: Report = _report,
    before: str = "",
) -> tuple[MLResult, bool]:
    """Run ``code`` for ``job``, reporting as it goes (its output is written after
    ``before``); the result and whether the worker must exit (stuck, or out of memory)."""
    try:
        prepared = make_call(code, context, timeout=timeout, strict=config.strict, functions=functions)
    except (TypeError, ValueError) as e:  # checked at submission; a store edited by hand
        return MLResult(success=False, error=f"ValueError: {e}", error_type="ValueError"), False
    call = _Call(prepared)
    stuck = _watch(store, job, call, report, before)
    output = call.output()
    store.set_output(job.id, before + output)
    result = _result(call, stuck, output)
    out_of_memory = bool(result.errors) and result.errors[0].get("message") == _OUT_OF_MEMORY
    if out_of_memory:
        limit = f"MLPY_JOB_MEMORY_MB={config.memory_mb}"
        message = f"the job ran out of memory (the worker's limit is {limit})"
        errors = ({**result.errors[0], "message": message},)
        where = f" at line {result.error_line}, column {result.error_column}" if result.error_line else ""
        result = replace(result, error=f"LimitError{where}: {message}", errors=errors)
    return result, stuck or out_of_memory


def _run_pipeline(
    store: Store, job: JobRecord, config: JobsConfig, functions: dict[str, Callable[..., Any]] | None
) -> Outcome:
    """Run a pipeline job's steps in turn (each one from the result cache when it can)."""
    plans = [StepPlan.from_dict(p) for p in job.plan or []]
    steps = [dict(s) for s in job.steps or initial_steps(plans)]
    count = len(plans)
    deadline = time.monotonic() + job.timeout
    outputs: list[str] = []
    spent = {"execution_time": 0.0, "transpile_time": 0.0}
    data: dict[str, Any] = {}
    for index, plan in enumerate(plans):
        number = index + 1
        step = steps[index]
        step.update(status="running", started=time.time(), message="running")
        running = f"step {number} of {count} ({plan.process})"
        changes = {"steps": _copy(steps), "progress": combined_progress(steps), "message": running}
        changes["heartbeat"] = time.time()
        if store.update_job(job.id, _RUNNING, **changes) is None:
            _stopped(store, job, steps)
            return Outcome.NEXT
        head = heading(number, count, plan.process)

        def report(
            percent: float, message: str | None, step: dict[str, Any] = step, running: str = running
        ) -> dict[str, Any]:
            step.update(progress=percent, message=message or "")
            return {
                "steps": _copy(steps),
                "progress": combined_progress(steps),
                "message": message or running,
            }

        data, leave = _run_step(
            store, job, plan, index, data, deadline, config, functions, report, "".join(outputs) + head
        )
        outputs.append(head + str(data.get("stdout", "")))
        store.set_output(job.id, "".join(outputs))
        for key in spent:
            spent[key] += float(data.get(key) or 0.0)
        step["finished"] = time.time()
        if not data["success"]:
            if data.get("error_type") == Dismissed.type_name:
                _stopped(store, job, steps)
                return Outcome.EXIT if leave else Outcome.NEXT
            step.update(status="failed", message=str(data.get("error")))
            _skip(steps, number)
            failed = (
                failed_step_result(data, number, count, plan.process) | {"stdout": "".join(outputs)} | spent
            )
            _finish(store, job, failed, steps=steps)
            return Outcome.EXIT if leave else Outcome.NEXT
        step.update(
            status="successful",
            progress=100.0,
            message="finished (cached result)" if data.get("cached") else "finished",
        )
        step["cached"] = bool(data.get("cached"))
    done = {key: value for key, value in data.items() if key != "cached"}
    _finish(store, job, done | {"stdout": "".join(outputs)} | spent, steps=steps)
    return Outcome.NEXT


def _run_step(
    store: Store,
    job: JobRecord,
    plan: StepPlan,
    index: int,
    previous: dict[str, Any],
    deadline: float,
    config: JobsConfig,
    functions: dict[str, Callable[..., Any]] | None,
    report: Report,
    before: str,
) -> tuple[dict[str, Any], bool]:
    """One step: its result dict (``cached`` set when it came from the cache) and whether the
    worker must exit."""
    try:
        context = job.inputs if index == 0 else next_context(plan, previous.get("value"))
    except InvalidInput as e:
        return input_failure(e), False
    key = cache_key(plan.as_process(), context) if plan.deterministic else None
    cached = store.cache_get(key) if key else None
    if cached is not None:
        return cached | {"cached": True}, False
    remaining = deadline - time.monotonic()
    timeout = max(0.001, min(plan.timeout or remaining, remaining))
    result, leave = _run_script(
        store, job, plan.code, context, timeout, config, functions, report=report, before=before
    )
    data = result_json(result)
    if key and data["success"]:
        store.cache_put(key, data)
    return data, leave


def _copy(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [dict(s) for s in steps]


def _skip(steps: list[dict[str, Any]], after: int) -> None:
    for later in steps[after:]:
        later.update(status="skipped", message=SKIPPED)


def _stopped(store: Store, job: JobRecord, steps: list[dict[str, Any]]) -> None:
    """The job was dismissed (or failed from outside) while a step ran: record that step as
    dismissed (or failed) and the later ones as skipped, leaving the job's status as it is."""
    now = store.get_job(job.id)
    if now is not None and now.done:
        dismissed = now.status is JobStatus.DISMISSED
        status, message = ("dismissed", "dismissed") if dismissed else ("failed", now.message)
        store.update_job(job.id, FINISHED, steps=stopped_steps(steps, status, message))


def _watch(store: Store, job: JobRecord, call: _Call, report: Report = _report, before: str = "") -> bool:
    """Report on ``call`` until it ends; True if it had to be given up while stuck."""
    written_progress: tuple[float, str | None] | None = None
    written_output = 0
    cancelled_at: float | None = None
    while True:
        call.thread.join(TICK)
        if not call.thread.is_alive():
            return False
        now = time.monotonic()
        changes: dict[str, Any] = {"heartbeat": time.time()}
        latest = call.progress
        if latest is not None and latest != written_progress:
            changes.update(report(*latest))
            written_progress = latest
        if call.state.output_size != written_output:
            written_output = call.state.output_size
            store.set_output(job.id, before + call.output())
        if cancelled_at is None:
            if store.update_job(job.id, _RUNNING, **changes) is None:
                call.state.cancel(Dismissed("the job was dismissed", limit="dismiss"))
                cancelled_at = now
            elif now > call.state.deadline:
                call.state.cancel(timeout_error(call.state))
                cancelled_at = now
        elif call.compiling:
            cancelled_at = now
        elif now - cancelled_at > GRACE:
            return True


def _result(call: _Call, stuck: bool, output: str) -> MLResult:
    if call.box:
        return call.box[0]
    if call.crash:
        if isinstance(call.crash[0], MemoryError):
            return MLResult.failure(MLLimitError(_OUT_OF_MEMORY, limit="memory"), stdout=output)
        error = MLLimitError(f"the job's run failed inside the worker ({type(call.crash[0]).__name__})")
        return MLResult.failure(error, stdout=output)
    stop = call.state.stop or timeout_error(call.state)
    return MLResult.failure(stop, stdout=output, execution_time=call.state.timeout if stuck else 0.0)


def _finish(store: Store, job: JobRecord, data: dict[str, Any], **more: Any) -> None:
    status = JobStatus.SUCCESSFUL if data["success"] else JobStatus.FAILED
    message = "finished" if data["success"] else str(data["error"])
    changes: dict[str, Any] = {"progress": 100.0} if data["success"] else {}
    done = store.update_job(
        job.id, _RUNNING, status=status, finished=time.time(), message=message, result=data, **changes, **more
    )
    if done is not None and status is JobStatus.SUCCESSFUL and job.cache_key:
        store.cache_put(job.cache_key, data)
