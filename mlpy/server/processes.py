"""The process routes: register, list, describe, delete and execute named scripts and
pipelines (processes run in turn, `mlpy.jobs.pipeline`).

Layer 6 (server): imports the standard library, fastapi, `mlpy.jobs` and `mlpy.server`.

``POST /processes/{processID}/execution`` runs synchronously on the API's executor (like
``/execute``, with the same body) unless the request says ``Prefer: respond-async``; then it
queues a job for the worker processes and answers 201 with the job's status at once.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Request, Response

from mlpy.errors import ErrorKind
from mlpy.jobs import BrokenPipeline, InvalidInput, NotFound, ProcessRecord, QueueFull, RegistrationError
from mlpy.server.deps import ExecutorDep, SettingsDep
from mlpy.server.jobs import status_info
from mlpy.server.json_body import JSONRoute
from mlpy.server.ogc import RETRY, JobsDep, exception, json_response, link, owner_of, request_id_of, too_large
from mlpy.server.ogc_schemas import (
    Exception_,
    ExecuteBody,
    InputDescription,
    OutputDescription,
    ProcessDescription,
    ProcessList,
    ProcessRegistration,
    ProcessSummary,
    RegistrationErrors,
    RegistrationProblem,
    StatusInfo,
    ValidationErrors,
)
from mlpy.server.schemas import ExecuteResponse
from mlpy.server.sizes import TooLarge, check_code, check_context

__all__ = ["JOB_CONTROL", "describe", "router"]

#: reading and running processes (the app requires the execute scope of it)
router = APIRouter(tags=["OGC API - Processes"], route_class=JSONRoute)
#: registering and deleting processes (the app requires the admin scope of it)
admin_router = APIRouter(tags=["OGC API - Processes"], route_class=JSONRoute)

#: how a process may be run (OGC ``jobControlOptions``)
JOB_CONTROL = ["sync-execute", "async-execute", "dismiss"]
_REL = "http://www.opengis.net/def/rel/ogc/1.0/"
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Exception_, "description": "No such process."}}


def _links(request: Request, process_id: str) -> list[Any]:
    return [
        link(request, f"/processes/{process_id}", "self", "the process description"),
        link(request, f"/processes/{process_id}/execution", _REL + "execute", "run it"),
        link(request, f"/jobs?processID={process_id}", _REL + "job-list", "its jobs"),
    ]


def _summary_fields(request: Request, p: ProcessRecord) -> dict[str, Any]:
    return {
        "id": p.id,
        "title": p.title or p.id,
        "description": p.description,
        "version": p.version,
        "jobControlOptions": JOB_CONTROL,
        "links": _links(request, p.id),
        "deterministic": p.deterministic,
        "revision": p.revision,
        "steps": p.steps,
    }


def describe(request: Request, p: ProcessRecord) -> ProcessDescription:
    """The OGC description of ``p``: its inputs (by schema) and its one output, ``result``."""
    inputs = {
        name: InputDescription.model_validate(
            {
                "title": name,
                "schema": schema,
                "minOccurs": 0 if isinstance(schema, dict) and "default" in schema else 1,
            }
        )
        for name, schema in p.inputs.items()
    }
    outputs = {"result": OutputDescription.model_validate({"title": "the script's result", "schema": {}})}
    return ProcessDescription(**_summary_fields(request, p), inputs=inputs, outputs=outputs)


def _no_process(process_id: str) -> Response:
    return exception(404, "no-such-process", "No such process", f"no process {process_id!r} is registered")


@router.get("/processes", response_model=ProcessList, summary="The registered processes")
async def list_processes(request: Request, jobs: JobsDep) -> ProcessList:
    """Every registered process, by id."""
    found = await jobs.processes()
    return ProcessList(
        processes=[ProcessSummary(**_summary_fields(request, p)) for p in found],
        links=[link(request, "/processes", "self")],
    )


@router.get(
    "/processes/{processID}",
    response_model=ProcessDescription,
    summary="Describe a process",
    responses=_NOT_FOUND,
)
async def get_process(processID: str, request: Request, jobs: JobsDep) -> Response:  # noqa: N803 - OGC name
    """The process's description: inputs, outputs, version and links."""
    try:
        found = await jobs.process(processID)
    except NotFound:
        return _no_process(processID)
    return Response(describe(request, found).model_dump_json(by_alias=True), media_type="application/json")


@admin_router.put(
    "/processes/{processID}",
    response_model=ProcessDescription,
    status_code=200,
    summary="Register or replace a process",
    responses={
        201: {"model": ProcessDescription, "description": "Registered (a new process)."},
        413: {"model": Exception_, "description": "The code is too large."},
        422: {
            "model": RegistrationErrors | ValidationErrors,
            "description": "Compile errors, bad schemas, not deterministic, a pipeline step naming no "
            "registered process, a pipeline that would contain itself or is too big (`errors`); or a "
            "body that does not fit its schema (`detail`).",
        },
    },
)
async def put_process(
    processID: str,  # noqa: N803 - the standard's name
    body: Annotated[ProcessRegistration, Body()],
    request: Request,
    jobs: JobsDep,
    settings: SettingsDep,
) -> Response:
    """Register a script (``code``) or a pipeline (``steps``) under ``processID`` (201), or
    replace it with a new version (200).

    The code is compiled now (strict if the server is strict): every error is listed with its
    type, message, line and column (422). A pipeline's steps must name registered processes
    and may not make it contain itself (422 naming the missing process, or the loop).
    """
    common: dict[str, Any] = {"title": body.title, "description": body.description,
                              "version": body.version, "timeout": body.timeout}  # fmt: skip
    try:
        if body.steps is not None:
            steps = [step.model_dump(exclude_none=True) for step in body.steps]
            record, created = await jobs.register_pipeline(processID, steps, **common)
        else:
            code = body.code or ""
            check_code(code, settings)
            record, created = await jobs.register(
                processID, code, inputs=body.inputs, deterministic=body.deterministic, **common
            )
    except TooLarge as e:
        return too_large(e)
    except RegistrationError as e:
        refused = RegistrationErrors(
            type="invalid-process", title="The process cannot be registered", status=422, detail=str(e),
            errors=[RegistrationProblem.model_validate(problem) for problem in e.errors],
        )  # fmt: skip
        return Response(refused.model_dump_json(), status_code=422, media_type="application/json")
    headers = {"Location": f"/processes/{record.id}"} if created else None
    content = describe(request, record).model_dump_json(by_alias=True)
    return Response(
        content, status_code=201 if created else 200, headers=headers, media_type="application/json"
    )


@admin_router.delete(
    "/processes/{processID}",
    status_code=204,
    response_class=Response,
    summary="Delete a process",
    responses=_NOT_FOUND,
)
async def delete_process(processID: str, jobs: JobsDep) -> Response:  # noqa: N803 - OGC name
    """Remove the process (its jobs stay, and keep their results)."""
    try:
        await jobs.unregister(processID)
    except NotFound:
        return _no_process(processID)
    return Response(status_code=204)


@router.post(
    "/processes/{processID}/execution",
    response_model=ExecuteResponse,
    summary="Run a process (sync, or async as a job)",
    responses={
        201: {"model": StatusInfo, "description": "`Prefer: respond-async`: the job was queued."},
        400: {"model": Exception_, "description": "An input does not fit its schema, or a bad timeout."},
        404: {"model": Exception_, "description": "No such process."},
        413: {"model": Exception_, "description": "The inputs are too large (`MLPY_MAX_CONTEXT_BYTES`)."},
        409: {
            "model": Exception_,
            "description": "A pipeline that cannot run as its steps now stand: a step's process was deleted "
            "(the detail names the step).",
        },
        503: {"model": Exception_, "description": "Too many queued jobs, or the executor is overloaded."},
    },
)
async def execute_process(
    processID: str,  # noqa: N803 - the standard's name
    body: Annotated[ExecuteBody, Body()],
    request: Request,
    jobs: JobsDep,
    executor: ExecutorDep,
    settings: SettingsDep,
    prefer: Annotated[str | None, Header(description="`respond-async` to run it as a job.")] = None,
) -> Response:
    """Run the process with ``inputs`` as its variables (validated against its schemas).

    Without ``Prefer: respond-async`` it runs now and answers like ``/execute`` (plus
    ``cached``); with it, 201 with ``Location: /jobs/{jobID}`` and the job's status.
    """
    inputs = body.inputs or {}
    try:
        check_context(inputs, settings)
    except TooLarge as e:
        return too_large(e)
    except RecursionError:
        return exception(400, "InvalidParameterValue", "Invalid input", "the inputs are nested too deeply")
    try:
        if prefer is not None and "respond-async" in prefer.lower():
            job = await jobs.submit_process(
                processID, inputs, timeout=body.timeout, owner=owner_of(request).name,
                request_id=request_id_of(request),
            )  # fmt: skip
            headers = {"Location": f"/jobs/{job.id}", "Preference-Applied": "respond-async"}
            return json_response(status_info(request, job).model_dump(), 201, headers)
        if body.timeout is not None and body.timeout > settings.max_timeout:
            raise ValueError(f"timeout must be at most {settings.max_timeout:g} seconds (MLPY_MAX_TIMEOUT)")
        run = await jobs.execute_sync(
            executor, processID, inputs, timeout=body.timeout or settings.default_timeout
        )
    except NotFound:
        return _no_process(processID)
    except BrokenPipeline as e:
        return exception(409, "broken-pipeline", "The pipeline cannot run", str(e))
    except (InvalidInput, ValueError, TypeError) as e:
        return exception(400, "InvalidParameterValue", "Invalid input", str(e))
    except QueueFull as e:
        return exception(503, "server-busy", "Too many queued jobs", str(e), RETRY)
    except RuntimeError:
        return exception(503, "server-busy", "Shutting down", "the executor is shutting down", RETRY)
    keys = ("success", "value", "error", "execution_time", "transpile_time", "error_type", "error_line",
            "error_column", "stdout")  # fmt: skip
    content = {key: run.result.get(key) for key in keys} | {"cached": run.cached}
    kind = ErrorKind.of(str(run.result.get("error_type"))) if not run.result.get("success") else None
    status = 503 if kind in (ErrorKind.OVERLOADED, ErrorKind.CANCELLED) else 200
    return json_response(content, status, RETRY if status == 503 else None)
