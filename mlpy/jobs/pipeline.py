"""Pipelines: registered processes run one after another, each step's result feeding the next.

Layer 5 (jobs): imports the standard library, `mlpy.runtime` and `mlpy.jobs`.

A pipeline is a process registered with ``steps`` instead of ``code``: each step names
another process (a script or a pipeline) and may fix some of its inputs. Running one:

* step 1 gets the run's inputs, merged with its own fixed ``inputs`` (the fixed ones win);
* each next step gets the previous step's ``result``: an object's keys become its variables,
  any other value arrives as ``input``; again merged with the step's fixed inputs. A step whose
  process declares input schemas gets only the inputs it declares, checked against them;
* the pipeline's result is the last step's.

Steps name processes by id, so a pipeline runs their current versions. At submission the
pipeline is expanded (`expand`) into its script steps (`StepPlan`): nested pipelines are
flattened and every script's code and revision is snapshotted, so replacing a process never
changes a job already submitted. A step naming a process that no longer exists makes the
pipeline unrunnable (`BrokenPipeline`, naming the step) until it is registered again.

Cost: `expand` reads each process it meets once and stops at ``max_steps`` script steps or
``max_depth`` levels of nesting, so a registration (which expands the new pipeline to refuse
cycles, missing steps and oversize) and a submission do at most ``max_steps * max_depth``
visits, whatever the number of registered processes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from mlpy.jobs.models import PROCESS_ID, ProcessRecord
from mlpy.jobs.registry import InvalidInput, RegistrationError, check_inputs
from mlpy.runtime.convert import is_identifier
from mlpy.runtime.result import MLResult

__all__ = [
    "SKIPPED",
    "STEP_STATUSES",
    "BrokenPipeline",
    "StepPlan",
    "check_steps",
    "combined_progress",
    "expand",
    "failed_step_result",
    "first_inputs",
    "heading",
    "initial_steps",
    "input_failure",
    "next_context",
    "start_context",
    "stopped_steps",
]

#: what a step of a pipeline job can be doing (the job's statuses, plus ``skipped``)
STEP_STATUSES = ("accepted", "running", "successful", "failed", "skipped", "dismissed")


class BrokenPipeline(ValueError):
    """A pipeline cannot run as its steps now stand (a step's process was deleted, or
    replaced so that the pipeline became too big, too deep or circular); the message says
    which step."""


@dataclass(frozen=True, slots=True)
class StepPlan:
    """One script step of a submitted pipeline, as it was at submission.

    ``inputs`` are the step's fixed inputs (for the first step of a nested pipeline, the
    outer step's merged under its own); ``schemas`` the script's input schemas; ``timeout``
    its own timeout (None: the job's).
    """

    process: str
    revision: int
    code: str
    inputs: dict[str, Any] = field(default_factory=dict)
    schemas: dict[str, Any] = field(default_factory=dict)
    deterministic: bool = False
    timeout: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The plan as JSON-ready values."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StepPlan:
        """A plan from `to_dict`'s output."""
        return cls(**data)

    def as_process(self) -> ProcessRecord:
        """The script as a `ProcessRecord` (for input checks and its result-cache key)."""
        return ProcessRecord(
            id=self.process,
            code=self.code,
            revision=self.revision,
            inputs=self.schemas,
            deterministic=self.deterministic,
        )


def _problem(kind: str, message: str) -> dict[str, Any]:
    return {"type": kind, "message": message, "line": None, "column": None}


def check_steps(steps: object, max_steps: int) -> list[dict[str, Any]]:
    """``steps`` normalised to ``[{"process": id, "inputs": {...}}]``.

    Raises:
        RegistrationError: not a list of 1 to ``max_steps`` steps, each naming a process id,
            with fixed inputs (if any) an object of ML identifiers; every problem is listed.
    """
    if not isinstance(steps, list) or not steps:
        raise RegistrationError([_problem("InvalidSteps", "steps must be a non-empty list")])
    if len(steps) > max_steps:
        raise RegistrationError(
            [_problem("TooManySteps", f"a pipeline has at most {max_steps} steps (MLPY_MAX_PIPELINE_STEPS); "
                      f"this one has {len(steps)}")]
        )  # fmt: skip
    problems: list[dict[str, Any]] = []
    out: list[dict[str, Any]] = []
    for number, step in enumerate(steps, 1):
        if not isinstance(step, Mapping) or set(step) - {"process", "inputs"}:
            problems.append(
                _problem("InvalidSteps", f'step {number} must be {{"process": id, "inputs"?: {{...}}}}')
            )
            continue
        process, inputs = step.get("process"), step.get("inputs") or {}
        if not isinstance(process, str) or not PROCESS_ID.fullmatch(process):
            problems.append(
                _problem("InvalidSteps", f"step {number}: process must be a process id, got {process!r}")
            )
            continue
        if not isinstance(inputs, Mapping):
            problems.append(_problem("InvalidSteps", f"step {number}: inputs must be an object"))
            continue
        bad = [name for name in inputs if not isinstance(name, str) or not is_identifier(name)]
        if bad:
            problems.append(
                _problem("InvalidSteps", f"step {number}: input name {bad[0]!r} is not an ML identifier")
            )
            continue
        out.append({"process": process, "inputs": dict(inputs)})
    if problems:
        raise RegistrationError(problems)
    return out


def expand(
    root: ProcessRecord,
    lookup: Callable[[str], ProcessRecord | None],
    *,
    max_steps: int,
    max_depth: int,
) -> list[StepPlan]:
    """The script steps ``root`` (a pipeline) runs, nested pipelines flattened, in order.

    ``lookup`` reads a process by id (each id is read once); ``root`` is used as given, so a
    registration can expand a pipeline before storing it.

    Raises:
        RegistrationError: one problem, typed ``MissingProcess`` (a step names no registered
            process), ``Cycle`` (the pipeline contains itself; the message shows the loop),
            ``TooManySteps`` (over ``max_steps`` script steps) or ``TooDeep`` (over
            ``max_depth`` levels).
    """
    known: dict[str, ProcessRecord | None] = {root.id: root}
    path: list[str] = [root.id]
    plans: list[StepPlan] = []

    def get(process_id: str) -> ProcessRecord | None:
        if process_id not in known:
            known[process_id] = lookup(process_id)
        return known[process_id]

    def walk(pipeline: ProcessRecord, outer: dict[str, Any]) -> None:
        for number, step in enumerate(pipeline.steps or [], 1):
            name = step["process"]
            fixed = {**outer, **step.get("inputs", {})} if number == 1 else dict(step.get("inputs", {}))
            if name in path:
                loop = " -> ".join([*path[path.index(name) :], name])
                raise RegistrationError([_problem("Cycle", f"pipeline {root.id!r} contains itself: {loop}")])
            found = get(name)
            if found is None:
                raise RegistrationError(
                    [_problem("MissingProcess", f"step {number} of {pipeline.id!r} names process {name!r}, "
                              "which is not registered")]
                )  # fmt: skip
            if found.is_pipeline:
                if len(path) >= max_depth:
                    raise RegistrationError(
                        [_problem("TooDeep", f"pipeline {root.id!r} nests pipelines more than {max_depth} "
                                  f"levels deep (MLPY_MAX_PIPELINE_DEPTH), at {' -> '.join([*path, name])}")]
                    )  # fmt: skip
                path.append(name)
                walk(found, fixed)
                path.pop()
                continue
            if len(plans) >= max_steps:
                raise RegistrationError(
                    [_problem("TooManySteps", f"pipeline {root.id!r} runs more than {max_steps} script steps "
                              "(MLPY_MAX_PIPELINE_STEPS), nested pipelines included")]
                )  # fmt: skip
            plans.append(
                StepPlan(
                    process=found.id, revision=found.revision, code=found.code, inputs=fixed,
                    schemas=dict(found.inputs), deterministic=found.deterministic, timeout=found.timeout,
                )
            )  # fmt: skip

    walk(root, {})
    return plans


def first_inputs(plans: list[StepPlan]) -> dict[str, Any]:
    """The input schemas of a pipeline whose steps are ``plans``: its first step's, less the
    inputs that step has fixed."""
    first = plans[0]
    return {name: schema for name, schema in first.schemas.items() if name not in first.inputs}


def start_context(plans: list[StepPlan], inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The first step's context: the run's ``inputs`` merged with the step's fixed inputs
    (which win), checked against its schemas with defaults filled in.

    Raises:
        InvalidInput: they do not fit the first step's schemas.
    """
    if not isinstance(inputs, Mapping):
        raise InvalidInput("inputs must be a JSON object")
    first = plans[0]
    return check_inputs(first.as_process(), {**inputs, **first.inputs})


def next_context(plan: StepPlan, value: Any) -> dict[str, Any]:
    """The context of a step after the first: the previous step's result ``value`` (an
    object's keys, or ``{"input": value}``) merged with the step's fixed inputs; only the
    inputs the step declares, checked, when it declares any.

    Raises:
        InvalidInput: they do not fit the step's schemas.
    """
    flow = dict(value) if isinstance(value, dict) else {"input": value}
    merged = {**flow, **plan.inputs}
    if plan.schemas:
        merged = {name: v for name, v in merged.items() if name in plan.schemas}
    return check_inputs(plan.as_process(), merged)


def initial_steps(plans: list[StepPlan]) -> list[dict[str, Any]]:
    """The ``steps`` of a new pipeline job: every one accepted."""
    return [
        {"process": p.process, "status": "accepted", "progress": 0.0, "started": None, "finished": None,
         "message": "accepted", "cached": False}
        for p in plans
    ]  # fmt: skip


#: the message of a step that never ran
SKIPPED = "skipped: an earlier step did not succeed"


def stopped_steps(steps: list[dict[str, Any]], status: str, message: str) -> list[dict[str, Any]]:
    """``steps`` once their job was stopped from outside (dismissed, or failed by the
    supervisor): the running step gets ``status`` and ``message``, steps not started are
    ``skipped``, finished ones stay as they are."""
    now = time.time()
    out = []
    for step in steps:
        step = dict(step)
        if step["status"] == "running":
            step.update(status=status, finished=now, message=message)
        elif step["status"] == "accepted":
            step.update(status="skipped", message=SKIPPED)
        out.append(step)
    return out


def combined_progress(steps: list[dict[str, Any]]) -> float:
    """A pipeline job's progress (0-100): its steps' progress, each step an equal share."""
    return sum(100.0 if s["status"] == "successful" else float(s["progress"]) for s in steps) / len(steps)


def input_failure(error: InvalidInput) -> dict[str, Any]:
    """The result of a step whose context does not fit its input schemas."""
    return MLResult(success=False, error=f"InvalidInput: {error}", error_type="InvalidInput").to_dict()


def heading(number: int, count: int, process: str) -> str:
    """The line above a step's output in a pipeline job's output."""
    return f"== step {number}/{count}: {process} ==\n"


def failed_step_result(result: Mapping[str, Any], number: int, count: int, process: str) -> dict[str, Any]:
    """``result`` (a failed step's) as the pipeline's result: the same error type, line and
    column, the message naming the step."""
    return {**result, "error": f"step {number} of {count} ({process}) failed: {result.get('error')}"}
