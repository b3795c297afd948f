"""Values of the job system: `JobStatus`, `JobRecord`, `ProcessRecord` and `JobsConfig`.

Layer 5 (jobs): imports the standard library only.

Records are frozen dataclasses: the store returns new ones, nobody mutates one in place. Times
are POSIX seconds (``time.time()``) so that every process and every machine agrees on them.
"""

from __future__ import annotations

import enum
import os
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

__all__ = [
    "FINISHED",
    "PROCESS_ID",
    "ConfigError",
    "JobQuery",
    "JobRecord",
    "JobStatus",
    "JobsConfig",
    "ProcessRecord",
]

#: a process id: letters, digits, ``_`` and ``-``, 1 to 64 of them
PROCESS_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


class JobStatus(enum.StrEnum):
    """Where a job is in its life (OGC API - Processes ``statusCode``)."""

    ACCEPTED = "accepted"
    RUNNING = "running"
    SUCCESSFUL = "successful"
    FAILED = "failed"
    DISMISSED = "dismissed"


#: the statuses a job never leaves
FINISHED = frozenset({JobStatus.SUCCESSFUL, JobStatus.FAILED, JobStatus.DISMISSED})


@dataclass(frozen=True, slots=True)
class ProcessRecord:
    """A registered script (``code``) or pipeline (``steps``): description, input schemas, version.

    ``revision`` counts registrations of this id (1, 2, ...); ``version`` is the version the
    client gave, or the revision as text. A pipeline has ``code`` "" and ``steps``, a list of
    ``{"process": id, "inputs": {...}}`` naming other processes by id (their current version
    runs); its ``inputs`` are its first script step's, as they were when it was registered.
    ``timeout`` is the seconds a run may take when the run asks for nothing (a pipeline's: the
    whole pipeline; a script's: also each time it runs as a pipeline step).
    """

    id: str
    code: str
    revision: int = 1
    version: str = "1"
    title: str | None = None
    description: str | None = None
    inputs: dict[str, Any] = field(default_factory=dict)
    deterministic: bool = False
    created: float = 0.0
    updated: float = 0.0
    steps: list[dict[str, Any]] | None = None
    timeout: float | None = None

    @property
    def is_pipeline(self) -> bool:
        """It is a pipeline (runs other processes in turn), not a script."""
        return self.steps is not None

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-ready values."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ProcessRecord:
        """A record from `to_dict`'s output (unknown keys are ignored)."""
        return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})


@dataclass(frozen=True, slots=True)
class JobRecord:
    """One job: what to run, and where it is in its life.

    ``code`` and ``inputs`` are a snapshot taken at submission, so replacing a process never
    changes a job already submitted. ``result`` is the run's `MLResult` as a dict once the job
    has finished (None while it has not, and for a dismissed job). ``worker`` names the worker
    process running it (``host:pid``) and ``heartbeat`` is when that worker last said it was
    alive; a running job whose heartbeat stops is failed by the reaper. ``request_id`` is the
    id of the HTTP request that submitted it (its ``X-Request-ID``), to find both in the logs.

    A pipeline job has ``code`` "" and ``plan``, its script steps as they were at submission
    (`mlpy.jobs.pipeline.StepPlan` dicts), and ``steps``, where each one is: ``process``,
    ``status`` (accepted, running, successful, failed, skipped, dismissed), ``progress``,
    ``started``, ``finished``, ``message`` and ``cached``. Script jobs have None for both.
    """

    id: str
    code: str
    status: JobStatus = JobStatus.ACCEPTED
    process_id: str | None = None
    process_revision: int | None = None
    inputs: dict[str, Any] = field(default_factory=dict)
    timeout: float = 60.0
    owner: str | None = None
    message: str = ""
    progress: float = 0.0
    created: float = 0.0
    started: float | None = None
    finished: float | None = None
    updated: float = 0.0
    worker: str | None = None
    heartbeat: float | None = None
    cache_key: str | None = None
    cached: bool = False
    result: dict[str, Any] | None = None
    request_id: str | None = None
    plan: list[dict[str, Any]] | None = None
    steps: list[dict[str, Any]] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-ready values."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> JobRecord:
        """A record from `to_dict`'s output (unknown keys are ignored)."""
        values = {f.name: data[f.name] for f in fields(cls) if f.name in data}
        values["status"] = JobStatus(values.get("status", JobStatus.ACCEPTED))
        return cls(**values)

    @property
    def done(self) -> bool:
        """The job has finished (successful, failed or dismissed)."""
        return self.status in FINISHED


@dataclass(frozen=True, slots=True)
class JobQuery:
    """Which jobs a listing wants, newest first: every filter given (None: any) must match;
    ``limit`` jobs from the ``offset``-th on."""

    status: JobStatus | None = None
    process_id: str | None = None
    owner: str | None = None
    limit: int = 10
    offset: int = 0

    def matches(self, job: JobRecord) -> bool:
        """``job`` passes every filter."""
        return (
            (self.status is None or job.status == self.status)
            and (self.process_id is None or job.process_id == self.process_id)
            and (self.owner is None or job.owner == self.owner)
        )


class ConfigError(ValueError):
    """An ``MLPY_*`` setting of the job system is invalid (the message names it)."""


@dataclass(frozen=True, slots=True)
class JobsConfig:
    """Settings of the job system; `from_env` reads them from ``MLPY_*`` variables.

    ``url`` None keeps everything under ``data_dir`` (SQLite); ``redis://host:port/db`` puts
    the queue and the records in Redis, shared by every machine that uses the same URL.
    """

    #: MLPY_DATA_DIR: where the SQLite files live
    data_dir: Path = Path("mlpy-data")
    #: MLPY_JOBS_URL: None (SQLite under data_dir) or a redis:// URL
    url: str | None = None
    #: MLPY_JOB_DEFAULT_TIMEOUT: seconds a job may run when it asks for nothing
    default_timeout: float = 60.0
    #: MLPY_JOB_MAX_TIMEOUT: the largest timeout a job may ask for
    max_timeout: float = 3600.0
    #: MLPY_MAX_QUEUED_JOBS: accepted jobs waiting for a worker; beyond that, submit refuses
    max_queued: int = 1000
    #: MLPY_JOB_TTL: seconds a finished job is kept
    ttl: float = 7 * 24 * 3600.0
    #: MLPY_JOB_MEMORY_MB: RLIMIT_AS of each worker process, in MiB (0: no limit)
    memory_mb: int = 2048
    #: MLPY_JOB_HEARTBEAT_TIMEOUT: seconds without a heartbeat before a running job is failed
    heartbeat_timeout: float = 5.0
    #: MLPY_JOB_NICE: niceness added to worker processes, so API requests win the CPU (0-19)
    nice: int = 10
    #: MLPY_STRICT: strict security mode (LANGUAGE.md §9) for every job and registration
    strict: bool = False
    #: MLPY_MAX_PIPELINE_STEPS: script steps a pipeline may run, nested pipelines expanded
    max_pipeline_steps: int = 32
    #: MLPY_MAX_PIPELINE_DEPTH: pipelines inside pipelines, at most this many levels
    max_pipeline_depth: int = 8

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> JobsConfig:
        """The settings from ``MLPY_*`` variables (default `os.environ`).

        Raises:
            ConfigError: a variable is not a valid value (named in the message).
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        problems: list[str] = []
        for name, key, parse in _ENV:
            raw = env.get(name, "").strip()
            if not raw:
                continue
            try:
                values[key] = parse(raw)
            except ValueError as e:
                problems.append(f"{name}={raw!r}: {e}")
        if problems:
            raise ConfigError("invalid settings: " + "; ".join(problems))
        config = cls(**values)
        config.check()
        return config

    def check(self) -> None:
        """Raise `ConfigError` if the values do not fit together."""
        if self.default_timeout > self.max_timeout:
            raise ConfigError(
                f"MLPY_JOB_DEFAULT_TIMEOUT ({self.default_timeout}) must not be larger than "
                f"MLPY_JOB_MAX_TIMEOUT ({self.max_timeout})"
            )
        if self.max_pipeline_steps < 1 or self.max_pipeline_depth < 1:
            raise ConfigError("MLPY_MAX_PIPELINE_STEPS and MLPY_MAX_PIPELINE_DEPTH must be at least 1")
        if self.url is not None and not self.url.startswith(("redis://", "rediss://", "unix://")):
            raise ConfigError(f"MLPY_JOBS_URL must be a redis:// URL, got {self.url!r}")


def _positive(raw: str) -> float:
    value = float(raw)
    if not value > 0 or value == float("inf"):
        raise ValueError("must be a positive number")
    return value


def _count(raw: str) -> int:
    value = int(raw)
    if value < 0:
        raise ValueError("must be 0 or more")
    return value


def _niceness(raw: str) -> int:
    value = int(raw)
    if not 0 <= value <= 19:
        raise ValueError("must be from 0 to 19")
    return value


def _flag(raw: str) -> bool:
    lowered = raw.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError("must be true or false")


_ENV: tuple[tuple[str, str, Any], ...] = (
    ("MLPY_DATA_DIR", "data_dir", Path),
    ("MLPY_JOBS_URL", "url", str),
    ("MLPY_JOB_DEFAULT_TIMEOUT", "default_timeout", _positive),
    ("MLPY_JOB_MAX_TIMEOUT", "max_timeout", _positive),
    ("MLPY_MAX_QUEUED_JOBS", "max_queued", _count),
    ("MLPY_JOB_TTL", "ttl", _positive),
    ("MLPY_JOB_MEMORY_MB", "memory_mb", _count),
    ("MLPY_JOB_HEARTBEAT_TIMEOUT", "heartbeat_timeout", _positive),
    ("MLPY_JOB_NICE", "nice", _niceness),
    ("MLPY_STRICT", "strict", _flag),
    ("MLPY_MAX_PIPELINE_STEPS", "max_pipeline_steps", _count),
    ("MLPY_MAX_PIPELINE_DEPTH", "max_pipeline_depth", _count),
)
