"""The executor package: `AsyncMLExecutor` (`core`) on a thread pool of its own (`pool`).

Layer 4 (executor): imports the standard library, anyio, `mlpy.call`, `mlpy.compiler`,
`mlpy.errors` and `mlpy.runtime`; never `mlpy.server` or fastapi.
"""

from __future__ import annotations

from mlpy.executor.core import DEFAULT_GRACE, DEFAULT_MAX_QUEUE, WORKER_STACK_SIZE, AsyncMLExecutor
from mlpy.executor.pool import WorkerPool

__all__ = ["DEFAULT_GRACE", "DEFAULT_MAX_QUEUE", "WORKER_STACK_SIZE", "AsyncMLExecutor", "WorkerPool"]
