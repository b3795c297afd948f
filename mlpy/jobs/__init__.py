"""mlpy.jobs: named scripts (processes) and long-running jobs, run in worker processes.

Layer 5 (jobs): may import mlpy (layers 0-4), huey, redis and jsonschema; never mlpy.server.

`Jobs` is the async API (submit, status, results, output, cancel, list, and the process
registry); `Workers` starts local worker processes; `JobsConfig` holds the settings
(``MLPY_DATA_DIR``, ``MLPY_JOBS_URL``, ...). docs/jobs.md describes the whole system.
"""

from mlpy.jobs.api import Jobs, JobsError, NotFound, QueueFull, ResultNotReady, SyncRun
from mlpy.jobs.models import ConfigError, JobRecord, JobsConfig, JobStatus, ProcessRecord
from mlpy.jobs.pipeline import BrokenPipeline
from mlpy.jobs.registry import InvalidInput, RegistrationError
from mlpy.jobs.workers import Workers

__all__ = [
    "BrokenPipeline",
    "ConfigError",
    "InvalidInput",
    "JobRecord",
    "JobStatus",
    "Jobs",
    "JobsConfig",
    "JobsError",
    "NotFound",
    "ProcessRecord",
    "QueueFull",
    "RegistrationError",
    "ResultNotReady",
    "SyncRun",
    "Workers",
]
