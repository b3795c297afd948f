"""`Jobs`: the async Python API of the job system, over the shared store and queue.

Layer 5 (jobs): imports the standard library, anyio, `mlpy.api`, `mlpy.executor`,
`mlpy.runtime` and `mlpy.jobs`.

This is what the HTTP routes call, and what a host that embeds mlpy without HTTP calls::

    jobs = Jobs(JobsConfig(data_dir=Path("mlpy-data")))
    await jobs.register("double", "result = x * 2;", inputs={"x": {"type": "number"}})
    job = await jobs.submit_process("double", {"x": 21})
    ...                                     # workers (`mlpy worker`) run it
    (await jobs.status(job.id)).status      # JobStatus.SUCCESSFUL
    (await jobs.results(job.id))["value"]   # 42

`Jobs` only enqueues and reads: jobs run in worker processes (`mlpy.jobs.workers`). Store and
queue calls block (SQLite, Redis), so each runs in a thread (`anyio.to_thread`). An ``owner``
given to a read or a write limits it to that owner's jobs; another owner's job is "not
found", so ids do not leak.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any, TypeVar

import anyio.to_thread

from mlpy.api import validate_timeout
from mlpy.executor import AsyncMLExecutor
from mlpy.jobs.models import JobQuery, JobRecord, JobsConfig, JobStatus, ProcessRecord
from mlpy.jobs.pipeline import (
    BrokenPipeline,
    StepPlan,
    check_steps,
    expand,
    failed_step_result,
    first_inputs,
    heading,
    initial_steps,
    input_failure,
    next_context,
    start_context,
    stopped_steps,
)
from mlpy.jobs.queue import JobQueue
from mlpy.jobs.registry import (
    InvalidInput,
    RegistrationError,
    cache_key,
    check_inputs,
    check_process_id,
    prepare_process,
)
from mlpy.jobs.runner import result_json
from mlpy.jobs.store import Store, open_store
from mlpy.runtime.run import prepare_context

__all__ = ["Jobs", "JobsError", "NotFound", "QueueFull", "ResultNotReady", "SyncRun"]

_T = TypeVar("_T")
_LIVE = frozenset({JobStatus.ACCEPTED, JobStatus.RUNNING})
_DISMISSED = frozenset({JobStatus.DISMISSED})


class JobsError(Exception):
    """Base of the job system's errors for callers."""


class NotFound(JobsError):
    """No such job or process (or it belongs to another owner)."""


class ResultNotReady(JobsError):
    """The job has not finished yet."""


class QueueFull(JobsError):
    """`JobsConfig.max_queued` jobs are already waiting; try again later."""


class SyncRun:
    """The outcome of `Jobs.execute_sync`: the result dict and whether it came from the cache."""

    __slots__ = ("result", "cached")

    def __init__(self, result: dict[str, Any], cached: bool) -> None:
        self.result = result
        self.cached = cached


class Jobs:
    """Submit, watch, cancel and list jobs; register processes. Safe to share between tasks."""

    def __init__(self, config: JobsConfig | None = None) -> None:
        self.config = config if config is not None else JobsConfig.from_env()
        self.store: Store = open_store(self.config)
        self.queue = JobQueue(self.config)

    async def _call(self, fn: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
        return await anyio.to_thread.run_sync(lambda: fn(*args, **kwargs))

    # -- processes ------------------------------------------------------------------------

    async def register(
        self,
        process_id: str,
        code: str,
        *,
        title: str | None = None,
        description: str | None = None,
        version: str | None = None,
        inputs: Mapping[str, Any] | None = None,
        deterministic: bool = False,
        timeout: float | None = None,
    ) -> tuple[ProcessRecord, bool]:
        """Register or replace a process; the stored record and whether it is new.

        ``timeout`` is the seconds a run may take when it asks for nothing (and each time the
        script runs as a pipeline step); None: `JobsConfig.default_timeout`.

        Raises:
            RegistrationError: every compile error, bad schema or reason it cannot be
                deterministic; a timeout over `JobsConfig.max_timeout`.
        """
        self._check_timeout(timeout)
        record = await self._call(
            prepare_process,
            process_id,
            code,
            strict=self.config.strict,
            title=title,
            description=description,
            inputs=inputs,
            deterministic=deterministic,
        )
        record = replace(record, timeout=timeout)
        return await self._call(self.store.put_process, record, version=version)

    async def register_pipeline(
        self,
        process_id: str,
        steps: Sequence[Mapping[str, Any]],
        *,
        title: str | None = None,
        description: str | None = None,
        version: str | None = None,
        timeout: float | None = None,
    ) -> tuple[ProcessRecord, bool]:
        """Register or replace a pipeline: ``steps`` is ``[{"process": id, "inputs"?: {...}}]``,
        run in turn, each step's result feeding the next (`mlpy.jobs.pipeline`). ``timeout``
        bounds the whole pipeline. The stored record and whether it is new.

        Raises:
            RegistrationError: a bad id or step, a step naming no registered process
                (``MissingProcess``), a pipeline that would contain itself (``Cycle``, the
                loop shown), over `JobsConfig.max_pipeline_steps` script steps or
                `JobsConfig.max_pipeline_depth` levels.
        """
        self._check_timeout(timeout)
        check_process_id(process_id)
        checked = check_steps(list(steps), self.config.max_pipeline_steps)
        record = ProcessRecord(
            id=process_id, code="", title=title, description=description, steps=checked, timeout=timeout
        )
        plans = await self._call(self._expand, record)
        record = replace(record, inputs=first_inputs(plans))
        return await self._call(self.store.put_process, record, version=version)

    def _check_timeout(self, timeout: float | None) -> None:
        if timeout is not None and not 0 < timeout <= self.config.max_timeout:
            raise RegistrationError(
                [{"type": "InvalidTimeout", "line": None, "column": None,
                  "message": f"timeout must be more than 0 and at most {self.config.max_timeout:g} seconds "
                  "(MLPY_JOB_MAX_TIMEOUT)"}]
            )  # fmt: skip

    def _expand(self, pipeline: ProcessRecord) -> list[StepPlan]:
        return expand(
            pipeline,
            self.store.get_process,
            max_steps=self.config.max_pipeline_steps,
            max_depth=self.config.max_pipeline_depth,
        )

    async def plan(self, pipeline: ProcessRecord) -> list[StepPlan]:
        """The script steps ``pipeline`` would run now, nested pipelines expanded.

        Raises:
            BrokenPipeline: a step's process was deleted, or a step now makes the pipeline
                circular, too big or too deep (the message names the pipeline and the step).
        """
        try:
            return await self._call(self._expand, pipeline)
        except RegistrationError as e:
            raise BrokenPipeline(f"pipeline {pipeline.id!r} cannot run: {e}") from None

    async def process(self, process_id: str) -> ProcessRecord:
        """The process ``process_id``.

        Raises:
            NotFound: there is none.
        """
        found = await self._call(self.store.get_process, process_id)
        if found is None:
            raise NotFound(f"no process {process_id!r}")
        return found

    async def processes(self) -> list[ProcessRecord]:
        """Every registered process, by id."""
        return await self._call(self.store.list_processes)

    async def unregister(self, process_id: str) -> None:
        """Remove a process (its jobs stay).

        Raises:
            NotFound: there is none.
        """
        if not await self._call(self.store.delete_process, process_id):
            raise NotFound(f"no process {process_id!r}")

    # -- jobs -----------------------------------------------------------------------------

    async def submit(
        self,
        code: str,
        context: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
        owner: str | None = None,
        request_id: str | None = None,
    ) -> JobRecord:
        """Queue an ad-hoc script as a job; the new record (status ``accepted``).

        ``owner`` owns the job (None: anyone may read it); ``request_id`` names the request
        that submitted it, for the logs.

        Raises:
            ValueError, TypeError: a bad timeout or context.
            QueueFull: too many jobs are waiting.
        """
        prepare_context(context)  # a bad context is refused now, not in the worker
        return await self._enqueue(code, dict(context or {}), timeout, owner, request_id, process=None)

    async def submit_process(
        self,
        process_id: str,
        inputs: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
        owner: str | None = None,
        request_id: str | None = None,
    ) -> JobRecord:
        """Queue a run of a registered process (a deterministic one may be answered from the
        result cache at once: the record is then ``successful`` with ``cached`` set). A
        pipeline's job carries its script steps as they are now (``plan``) and their
        ``steps`` statuses.

        Raises:
            NotFound: no such process.
            InvalidInput: the inputs do not fit the process's (or first step's) schemas.
            BrokenPipeline: a pipeline whose step's process was deleted.
            QueueFull: too many jobs are waiting.
        """
        process = await self.process(process_id)
        if process.is_pipeline:
            plans = await self.plan(process)
            first = start_context(plans, inputs or {})
            prepare_context(first)
            pipeline = {"plan": [p.to_dict() for p in plans], "steps": initial_steps(plans)}
            return await self._enqueue("", first, timeout, owner, request_id, process=process, **pipeline)
        checked = check_inputs(process, inputs or {})
        prepare_context(checked)
        return await self._enqueue(process.code, checked, timeout, owner, request_id, process=process)

    async def _enqueue(
        self,
        code: str,
        inputs: dict[str, Any],
        timeout: float | None,
        owner: str | None,
        request_id: str | None,
        process: ProcessRecord | None,
        **pipeline: Any,
    ) -> JobRecord:
        default = process.timeout if process is not None and process.timeout else self.config.default_timeout
        seconds = validate_timeout(timeout, default)
        if seconds > self.config.max_timeout:
            raise ValueError(
                f"timeout must be at most {self.config.max_timeout:g} seconds (MLPY_JOB_MAX_TIMEOUT)"
            )
        key = cache_key(process, inputs) if process is not None and process.deterministic else None
        now = time.time()
        job = JobRecord(
            id=str(uuid.uuid4()),
            code=code,
            process_id=process.id if process else None,
            process_revision=process.revision if process else None,
            inputs=inputs,
            timeout=seconds,
            owner=owner,
            message="accepted",
            created=now,
            updated=now,
            cache_key=key,
            request_id=request_id,
            **pipeline,
        )
        cached = await self._call(self.store.cache_get, key) if key else None
        if cached is not None:
            done = JobRecord.from_dict(
                {**job.to_dict(), "status": JobStatus.SUCCESSFUL, "cached": True, "result": cached,
                 "progress": 100.0, "message": "finished (cached result)", "started": now, "finished": now}
            )  # fmt: skip
            await self._call(self.store.add_job, done)
            await self._call(self.store.set_output, done.id, str(cached.get("stdout", "")))
            return done
        if await self._call(self.store.count_jobs, JobStatus.ACCEPTED) >= self.config.max_queued:
            raise QueueFull(f"{self.config.max_queued} jobs are already waiting (MLPY_MAX_QUEUED_JOBS)")
        await self._call(self.store.add_job, job)
        await self._call(self.queue.put, job.id)
        return job

    async def status(self, job_id: str, *, owner: str | None = None) -> JobRecord:
        """The job's record now.

        Raises:
            NotFound: no such job (or not ``owner``'s).
        """
        job = await self._call(self.store.get_job, job_id)
        if job is None or (owner is not None and job.owner != owner):
            raise NotFound(f"no job {job_id!r}")
        return job

    async def results(self, job_id: str, *, owner: str | None = None) -> dict[str, Any]:
        """The finished job's result (an `MLResult` dict, plus ``cached``).

        Raises:
            NotFound: no such job.
            ResultNotReady: it has not finished, or was dismissed (it has no result).
        """
        job = await self.status(job_id, owner=owner)
        if job.result is None:
            raise ResultNotReady(f"job {job_id} is {job.status.value}: it has no result")
        return {**job.result, "cached": job.cached}

    async def output(self, job_id: str, *, owner: str | None = None) -> str:
        """What the job has printed so far (also while it runs).

        Raises:
            NotFound: no such job.
        """
        await self.status(job_id, owner=owner)
        return await self._call(self.store.get_output, job_id)

    async def cancel(self, job_id: str, *, owner: str | None = None) -> JobRecord:
        """Dismiss a job: a queued one never starts, a running one stops within a second.
        A finished job is left as it is. The record after the dismissal.

        Raises:
            NotFound: no such job.
        """
        job = await self.status(job_id, owner=owner)
        now = time.time()
        changed = await self._call(
            self.store.update_job,
            job_id,
            _LIVE,
            status=JobStatus.DISMISSED,
            finished=now,
            message="dismissed",
        )
        if changed is not None and changed.steps:  # a pipeline's: its steps say so at once
            steps = stopped_steps(changed.steps, "dismissed", "dismissed")
            stepped = await self._call(self.store.update_job, job_id, _DISMISSED, steps=steps)
            changed = stepped or changed
        return changed if changed is not None else job

    async def list(
        self,
        *,
        status: JobStatus | None = None,
        process_id: str | None = None,
        owner: str | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> list[JobRecord]:
        """Jobs matching the filters, newest first."""
        query = JobQuery(status=status, process_id=process_id, owner=owner, limit=limit, offset=offset)
        return await self._call(self.store.list_jobs, query)

    async def counts(self) -> dict[str, int]:
        """How many jobs the store holds in each status (for the ``mlpy_jobs`` metric)."""

        def count_all() -> dict[str, int]:
            return {status.value: self.store.count_jobs(status) for status in JobStatus}

        return await self._call(count_all)

    async def queue_depth(self) -> int:
        """How many jobs wait for a worker (status ``accepted``)."""
        return await self._call(self.store.count_jobs, JobStatus.ACCEPTED)

    async def execute_sync(
        self,
        executor: AsyncMLExecutor,
        process_id: str,
        inputs: Mapping[str, Any] | None,
        *,
        timeout: float | None = None,
    ) -> SyncRun:
        """Run a process now on ``executor`` (the API's, as ``/execute`` does), through the
        result cache for a deterministic process. A pipeline runs its steps in turn, all of
        them within ``timeout``, each deterministic one through the cache; its result is the
        last step's (or the failing step's, the error naming the step), with every step's
        output under its heading, and ``cached`` only if every step was.

        Raises:
            NotFound: no such process.
            InvalidInput: the inputs do not fit the process's (or first step's) schemas.
            BrokenPipeline: a pipeline whose step's process was deleted.
        """
        process = await self.process(process_id)
        if process.is_pipeline:
            return await self._pipeline_sync(executor, process, inputs, timeout)
        return await self._script_sync(executor, process, check_inputs(process, inputs or {}), timeout)

    async def _script_sync(
        self,
        executor: AsyncMLExecutor,
        process: ProcessRecord,
        checked: dict[str, Any],
        timeout: float | None,
    ) -> SyncRun:
        key = cache_key(process, checked) if process.deterministic else None
        if key is not None:
            cached = await self._call(self.store.cache_get, key)
            if cached is not None:
                return SyncRun(cached, True)
        result = result_json(await executor.execute(process.code, timeout=timeout, context=checked))
        if key is not None and result["success"]:
            await self._call(self.store.cache_put, key, result)
        return SyncRun(result, False)

    async def _pipeline_sync(
        self,
        executor: AsyncMLExecutor,
        pipeline: ProcessRecord,
        inputs: Mapping[str, Any] | None,
        timeout: float | None,
    ) -> SyncRun:
        """Run a pipeline's steps in turn on ``executor``, all within ``timeout``."""
        plans = await self.plan(pipeline)
        context = start_context(plans, inputs or {})
        total = validate_timeout(timeout, pipeline.timeout or self.config.default_timeout)
        deadline = time.monotonic() + total
        outputs: list[str] = []
        result: dict[str, Any] = {}
        cached = True
        for index, plan in enumerate(plans):
            try:
                if index:
                    context = next_context(plan, result.get("value"))
            except InvalidInput as e:
                result = input_failure(e)
            else:
                seconds = max(0.001, min(plan.timeout or total, deadline - time.monotonic()))
                step = await self._script_sync(executor, plan.as_process(), context, seconds)
                result, cached = step.result, cached and step.cached
            outputs.append(heading(index + 1, len(plans), plan.process) + str(result.get("stdout", "")))
            if not result.get("success"):
                failed = failed_step_result(result, index + 1, len(plans), plan.process)
                return SyncRun(failed | {"stdout": "".join(outputs)}, False)
        return SyncRun(result | {"stdout": "".join(outputs)}, cached)

    def close(self) -> None:
        """Release the store's connections."""
        self.store.close()
