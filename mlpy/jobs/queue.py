"""`JobQueue`: the queue of job ids waiting for a worker, on Huey's storage.

Layer 5 (jobs): imports the standard library, huey and `mlpy.jobs.models`.

Huey gives the same queue over SQLite (`SqliteHuey`, a file under ``MLPY_DATA_DIR``: nothing
to install or start) and Redis (`RedisHuey`, shared by many machines). mlpy uses Huey's storage
layer (enqueue, an atomic dequeue, size) and not its pickled tasks or its consumer: an entry is
a job id in UTF-8, so whoever can write to the queue can at most name a job, never send code to
a worker; and mlpy's own workers (`mlpy.jobs.workers`) add what Huey's consumer lacks, a memory
cap per process, heartbeats and dismissing a running job.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from huey import RedisHuey, SqliteHuey

from mlpy.jobs.models import JobsConfig

__all__ = ["QUEUE_NAME", "JobQueue"]

#: the Huey queue's name (its Redis keys are ``huey.redis.mlpy-jobs``...)
QUEUE_NAME = "mlpy-jobs"
#: seconds between two looks at an empty SQLite queue (Redis blocks instead)
_POLL = 0.1


class JobQueue:
    """Job ids waiting for a worker, first in first out."""

    def __init__(self, config: JobsConfig) -> None:
        huey: Any
        if config.url is not None:
            huey = RedisHuey(QUEUE_NAME, url=config.url, blocking=True, read_timeout=1)
        else:
            Path(config.data_dir).mkdir(parents=True, exist_ok=True)
            huey = SqliteHuey(QUEUE_NAME, filename=str(Path(config.data_dir) / "queue.db"))
        self._storage = huey.storage
        self._blocking = config.url is not None

    def put(self, job_id: str) -> None:
        """Append a job id."""
        self._storage.enqueue(job_id.encode("utf-8"))

    def take(self, timeout: float) -> str | None:
        """The next job id, waiting up to about ``timeout`` seconds; None if there was none.

        Each id goes to exactly one caller, in any process or on any machine.
        """
        deadline = time.monotonic() + timeout
        while True:
            data = self._storage.dequeue()
            if data is not None:
                return bytes(data).decode("utf-8")
            if self._blocking or time.monotonic() >= deadline:
                return None
            time.sleep(_POLL)

    def size(self) -> int:
        """How many ids are waiting."""
        return int(self._storage.queue_size())

    def clear(self) -> None:
        """Drop every waiting id."""
        self._storage.flush_queue()
