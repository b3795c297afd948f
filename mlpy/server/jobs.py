"""The job routes: submit an ad-hoc script, list jobs, status, results, output, dismiss.

Layer 6 (server): imports the standard library, fastapi, `mlpy.jobs` and `mlpy.server`.

Jobs run in worker processes (``mlpy worker``, or those ``mlpy serve`` starts); these routes
only queue and read. Every job route answers for the request's owner only (see
`mlpy.server.ogc.owner_of`): another owner's job is a 404, like one that does not exist.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request, Response

from mlpy.jobs import JobRecord, JobStatus, NotFound, QueueFull, ResultNotReady
from mlpy.server.deps import SettingsDep
from mlpy.server.json_body import JSONRoute
from mlpy.server.ogc import (
    RETRY,
    JobsDep,
    exception,
    json_response,
    link,
    owner_of,
    request_id_of,
    rfc3339,
    too_large,
)
from mlpy.server.ogc_schemas import (
    AdHocJob,
    Exception_,
    JobList,
    JobOutput,
    JobResults,
    StatusInfo,
    StepStatus,
)
from mlpy.server.sizes import TooLarge, check_code, check_context

__all__ = ["router", "status_info"]

router = APIRouter(tags=["OGC API - Processes"], route_class=JSONRoute)

_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Exception_, "description": "No such job."}}
#: the most jobs one page of ``GET /jobs`` lists
MAX_LIMIT = 1000


def status_info(request: Request, job: JobRecord) -> StatusInfo:
    """The OGC statusInfo of ``job``, with links to itself, its results and its output."""
    links = [
        link(request, f"/jobs/{job.id}", "self", "this job's status"),
        link(request, f"/jobs/{job.id}/results", "http://www.opengis.net/def/rel/ogc/1.0/results", "results"),
        link(request, f"/jobs/{job.id}/output", "output", "what it printed so far"),
    ]
    return StatusInfo(
        jobID=job.id,
        processID=job.process_id,
        status=job.status.value,
        message=job.message,
        created=rfc3339(job.created) or "",
        started=rfc3339(job.started),
        finished=rfc3339(job.finished),
        updated=rfc3339(job.updated) or "",
        progress=max(0, min(100, round(job.progress))),
        links=links,
        cached=job.cached,
        steps=None if job.steps is None else [_step(step) for step in job.steps],
    )


def _step(step: dict[str, Any]) -> StepStatus:
    return StepStatus(
        process=step["process"],
        status=step["status"],
        progress=max(0, min(100, round(step["progress"]))),
        started=rfc3339(step["started"]),
        finished=rfc3339(step["finished"]),
        message=step["message"],
        cached=step.get("cached", False),
    )


def _no_job(job_id: str) -> Response:
    return exception(404, "no-such-job", "No such job", f"no job {job_id!r}")


@router.post(
    "/jobs",
    response_model=StatusInfo,
    status_code=201,
    summary="Run an ad-hoc script as a job",
    responses={
        400: {"model": Exception_, "description": "A bad context or timeout."},
        413: {"model": Exception_, "description": "The code or the context is too large."},
        503: {"model": Exception_, "description": "Too many queued jobs: retry after `Retry-After` seconds."},
    },
)
async def submit(
    body: Annotated[AdHocJob, Body()], request: Request, jobs: JobsDep, settings: SettingsDep
) -> Response:
    """Queue ``code`` with ``context`` as its variables; 201 with the job's status at once."""
    try:
        check_code(body.code, settings)
        check_context(body.context, settings)
    except TooLarge as e:
        return too_large(e)
    except RecursionError:
        return exception(400, "InvalidParameterValue", "Invalid job", "context is nested too deeply")
    try:
        job = await jobs.submit(
            body.code, body.context, timeout=body.timeout, owner=owner_of(request).name,
            request_id=request_id_of(request),
        )  # fmt: skip
    except (ValueError, TypeError) as e:
        return exception(400, "InvalidParameterValue", "Invalid job", str(e))
    except QueueFull as e:
        return exception(503, "server-busy", "Too many queued jobs", str(e), RETRY)
    return json_response(status_info(request, job).model_dump(), 201, {"Location": f"/jobs/{job.id}"})


@router.get("/jobs", response_model=JobList, summary="List jobs, newest first")
async def list_jobs(
    request: Request,
    jobs: JobsDep,
    status: Annotated[JobStatus | None, Query(description="Only jobs in this status.")] = None,
    processID: Annotated[str | None, Query(description="Only runs of this process.")] = None,  # noqa: N803
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Jobs per page.")] = 10,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="Jobs to skip.")] = 0,
) -> JobList:
    """The jobs matching the filters (yours only when API keys are on); ``next`` links on."""
    found = await jobs.list(
        status=status, process_id=processID, owner=owner_of(request).scope, limit=limit + 1, offset=offset
    )
    links = [link(request, "/jobs", "self")]
    if len(found) > limit:
        query = request.query_params.multi_items()
        params = [(k, v) for k, v in query if k not in ("offset", "limit")]
        params += [("limit", str(limit)), ("offset", str(offset + limit))]
        links.append(link(request, "/jobs?" + "&".join(f"{k}={v}" for k, v in params), "next"))
    return JobList(jobs=[status_info(request, j) for j in found[:limit]], links=links)


@router.get("/jobs/{jobID}", response_model=StatusInfo, summary="A job's status", responses=_NOT_FOUND)
async def get_status(jobID: str, request: Request, jobs: JobsDep) -> Response:  # noqa: N803 - OGC name
    """Status, progress (0-100), message and times of the job."""
    try:
        job = await jobs.status(jobID, owner=owner_of(request).scope)
    except NotFound:
        return _no_job(jobID)
    return json_response(status_info(request, job).model_dump())


@router.get(
    "/jobs/{jobID}/results",
    response_model=JobResults,
    summary="A finished job's result",
    responses={
        404: {"model": Exception_, "description": "No such job, or it has not finished (result-not-ready)."}
    },
)
async def get_results(jobID: str, request: Request, jobs: JobsDep) -> Response:  # noqa: N803 - OGC name
    """The result: ``value`` and ``stdout`` when successful; the ML error's type, message, line
    and column (``success: false``) when it failed; 404 ``result-not-ready`` until then."""
    try:
        result = await jobs.results(jobID, owner=owner_of(request).scope)
    except NotFound:
        return _no_job(jobID)
    except ResultNotReady as e:
        return exception(404, "result-not-ready", "Result not ready", str(e))
    return json_response(result)


@router.get(
    "/jobs/{jobID}/output",
    response_model=JobOutput,
    summary="What a job printed so far",
    responses=_NOT_FOUND,
)
async def get_output(jobID: str, request: Request, jobs: JobsDep) -> Response:  # noqa: N803 - OGC name
    """The script's printed output so far, also while it runs."""
    owner = owner_of(request).scope
    try:
        job = await jobs.status(jobID, owner=owner)
        text = await jobs.output(jobID, owner=owner)
    except NotFound:
        return _no_job(jobID)
    return json_response(JobOutput(jobID=jobID, status=job.status.value, stdout=text).model_dump())


@router.delete("/jobs/{jobID}", response_model=StatusInfo, summary="Dismiss a job", responses=_NOT_FOUND)
async def dismiss(jobID: str, request: Request, jobs: JobsDep) -> Response:  # noqa: N803 - OGC name
    """Dismiss the job: a queued one never starts, a running one stops within a second. A
    finished job is left as it is (its status says how it ended)."""
    try:
        job = await jobs.cancel(jobID, owner=owner_of(request).scope)
    except NotFound:
        return _no_job(jobID)
    return json_response(status_info(request, job).model_dump())
