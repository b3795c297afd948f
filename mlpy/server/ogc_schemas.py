"""Bodies of the OGC API - Processes routes (processes, jobs, conformance, landing page).

Layer 6 (server): imports the standard library, pydantic and `mlpy.server.schemas`.

Names follow OGC API - Processes - Part 1: Core 1.0 (``jobID``, ``processID``,
``jobControlOptions``, ``conformsTo``...); mlpy adds fields (``cached``, ``owner``,
``stdout``), never renames. Errors use the standard's exception body (`Exception_`): ``type``
(a URI), ``title``, ``status``, ``detail``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mlpy.server.schemas import RootResponse

__all__ = [
    "AdHocJob",
    "Conformance",
    "Exception_",
    "ExecuteBody",
    "JobList",
    "JobOutput",
    "JobResults",
    "LandingPage",
    "Link",
    "PipelineStep",
    "ProcessDescription",
    "ProcessList",
    "ProcessRegistration",
    "ProcessSummary",
    "RegistrationErrors",
    "StatusInfo",
    "StepStatus",
    "ValidationErrors",
]


class Link(BaseModel):
    """A link: ``href`` and its relation ``rel`` (OGC ``link.yaml``)."""

    href: str
    rel: str
    type: str | None = None
    title: str | None = None


class Exception_(BaseModel):
    """An error (OGC ``exception.yaml``, RFC 7807): ``type`` says which, ``detail`` what."""

    type: str
    title: str
    status: int
    detail: str


class RegistrationProblem(BaseModel):
    """One reason a process cannot be registered, with its ML position where it has one."""

    type: str
    message: str
    line: int | None = None
    column: int | None = None


class RegistrationErrors(Exception_):
    """A registration refused (422): every problem found."""

    errors: list[RegistrationProblem]


class ValidationErrors(BaseModel):
    """A body that does not fit its schema (FastAPI's 422): one entry per problem."""

    detail: list[dict[str, Any]]


class Conformance(BaseModel):
    """The conformance classes this server implements."""

    conformsTo: list[str]


class LandingPage(RootResponse):
    """The front page: what the service is, its routes, and the OGC landing-page links."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "mlpy",
                    "version": "0.1.0",
                    "routes": [{"method": "POST", "path": "/execute", "summary": "Run an ML program"}],
                    "docs": "/docs",
                    "redoc": "/redoc",
                    "title": "mlpy",
                    "description": "Run untrusted ML scripts safely.",
                    "links": [{"href": "http://127.0.0.1:8000/conformance", "rel": "conformance"}],
                }
            ]
        }
    )

    title: str
    description: str
    links: list[Link]


class PipelineStep(BaseModel):
    """One step of a pipeline: a registered process, and inputs it always gets."""

    model_config = ConfigDict(extra="forbid", strict=True)

    process: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="The id of a registered process.")
    inputs: dict[str, Any] | None = Field(
        default=None, description="Fixed inputs, merged over what the previous step passes on."
    )


class ProcessRegistration(BaseModel):
    """``PUT /processes/{processID}``: a named script (``code``) or a pipeline (``steps``)."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "code": 'progress(50, "halfway");\nresult = x * 2;',
                    "title": "Double",
                    "inputs": {"x": {"type": "number"}},
                    "deterministic": True,
                },
                {"steps": [{"process": "clean"}, {"process": "score", "inputs": {"threshold": 0.5}}]},
            ]
        },
    )

    code: str | None = Field(
        default=None, description="The ML program; its top-level `result` is the output. Not with `steps`."
    )
    steps: list[PipelineStep] | None = Field(
        default=None,
        min_length=1,
        description="A pipeline: processes run in turn, each step's result feeding the next "
        "(at most MLPY_MAX_PIPELINE_STEPS script steps). Not with `code`.",
    )
    title: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=10_000)
    version: str | None = Field(
        default=None, max_length=64, description="Your version label; by default the revision number."
    )
    inputs: dict[str, Any] | None = Field(
        default=None, description="Input name → JSON Schema; the inputs become the script's variables."
    )
    deterministic: bool = Field(
        default=False, description="Same inputs, same result: runs are answered from the result cache."
    )
    timeout: float | None = Field(
        default=None,
        gt=0,
        allow_inf_nan=False,
        description="Seconds a job of it may run when it asks for nothing (a pipeline's: all its steps; "
        "a script's: also each time it runs as a pipeline step).",
    )

    @model_validator(mode="after")
    def _one_kind(self) -> ProcessRegistration:
        if (self.code is None) == (self.steps is None):
            raise ValueError("give exactly one of code (a script) or steps (a pipeline)")
        if self.steps is not None and (self.inputs is not None or self.deterministic):
            raise ValueError(
                "a pipeline takes no inputs or deterministic: its first step's inputs are its inputs, "
                "and each deterministic step uses the result cache on its own"
            )
        return self


class InputDescription(BaseModel):
    """One input of a process (OGC ``inputDescription.yaml``)."""

    title: str
    schema_: dict[str, Any] | bool = Field(alias="schema")
    minOccurs: int = 1
    maxOccurs: int = 1


class OutputDescription(BaseModel):
    """One output of a process (OGC ``outputDescription.yaml``)."""

    title: str
    schema_: dict[str, Any] = Field(alias="schema")


class ProcessSummary(BaseModel):
    """A process in the list (OGC ``processSummary.yaml``)."""

    id: str
    title: str
    description: str | None = None
    version: str
    jobControlOptions: list[str]
    outputTransmission: list[str] = ["value"]
    links: list[Link]
    deterministic: bool = False
    revision: int = 1
    steps: list[PipelineStep] | None = Field(
        default=None, description="A pipeline's steps; null for a script."
    )


class ProcessDescription(ProcessSummary):
    """A process with its inputs and outputs (OGC ``process.yaml``)."""

    inputs: dict[str, InputDescription]
    outputs: dict[str, OutputDescription]


class ProcessList(BaseModel):
    """``GET /processes``."""

    processes: list[ProcessSummary]
    links: list[Link]


class ExecuteBody(BaseModel):
    """``POST /processes/{processID}/execution`` (OGC ``execute.yaml``; ``timeout`` is mlpy's)."""

    model_config = ConfigDict(
        extra="allow", strict=True, json_schema_extra={"examples": [{"inputs": {"x": 21}}]}
    )

    inputs: dict[str, Any] | None = None
    outputs: dict[str, Any] | None = None
    response: Literal["document", "raw"] | None = None
    subscriber: dict[str, Any] | None = None
    timeout: float | None = Field(default=None, gt=0, allow_inf_nan=False, description="Seconds (mlpy).")


class AdHocJob(BaseModel):
    """``POST /jobs``: an ad-hoc script run as a job."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={"examples": [{"code": "result = x + 1;", "context": {"x": 1}}]},
    )

    code: str
    context: dict[str, Any] | None = None
    timeout: float | None = Field(default=None, gt=0, allow_inf_nan=False, description="Seconds.")


class StepStatus(BaseModel):
    """One step of a pipeline job: where it is, and whether its result came from the cache."""

    process: str
    status: Literal["accepted", "running", "successful", "failed", "skipped", "dismissed"]
    progress: int = Field(ge=0, le=100)
    started: str | None
    finished: str | None
    message: str
    cached: bool = False


class StatusInfo(BaseModel):
    """A job's status (OGC ``statusInfo.yaml``); times are RFC 3339 (UTC)."""

    jobID: str
    processID: str | None
    type: Literal["process"] = "process"
    status: Literal["accepted", "running", "successful", "failed", "dismissed"]
    message: str
    created: str
    started: str | None
    finished: str | None
    updated: str
    progress: int = Field(ge=0, le=100)
    links: list[Link]
    cached: bool = False
    steps: list[StepStatus] | None = Field(
        default=None, description="A pipeline job's steps, in order; null for a script's job."
    )


class JobList(BaseModel):
    """``GET /jobs``: newest first, with a ``next`` link when there are more."""

    jobs: list[StatusInfo]
    links: list[Link]


class JobResults(BaseModel):
    """A finished job's result: the same fields as ``/execute``, ``errors`` and ``cached``."""

    success: bool
    value: Any = None
    error: str | None = None
    error_type: str | None = None
    error_line: int | None = None
    error_column: int | None = None
    stdout: str = ""
    execution_time: float = 0.0
    transpile_time: float = 0.0
    errors: list[dict[str, Any]] = []
    cached: bool = False


class JobOutput(BaseModel):
    """``GET /jobs/{jobID}/output``: what the script printed so far."""

    jobID: str
    status: Literal["accepted", "running", "successful", "failed", "dismissed"]
    stdout: str
