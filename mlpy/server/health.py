"""``GET /health``: run a probe script on the executor and report its load.

Layer 6 (server): imports the standard library, anyio, fastapi, `mlpy.executor`,
`mlpy.runtime.result` and `mlpy.server.*`.

The handler reads the executor from ``app.state`` itself (not through `get_executor`): an
executor that is not running is an ``unhealthy`` body, not the generic 503.
"""

from __future__ import annotations

import time

import anyio
from fastapi import APIRouter, Request, Response

from mlpy.errors import ErrorKind
from mlpy.executor import AsyncMLExecutor
from mlpy.runtime.result import MLResult
from mlpy.server.json_body import JSONRoute
from mlpy.server.render import json_response
from mlpy.server.schemas import ExecutorInfo, HealthResponse, ProbeResult, UnhealthyResponse

__all__ = ["PROBE_SCRIPT", "PROBE_SLOW", "PROBE_TIMEOUT", "PROBE_VALUE", "router"]

router = APIRouter(route_class=JSONRoute)

#: the health check's script, its expected value, its timeout and when it counts as slow
PROBE_SCRIPT = "result = 6 * 7;"
PROBE_VALUE = 42
PROBE_TIMEOUT = 2.0
PROBE_SLOW = 1.0


@router.get(
    "/health",
    response_model=HealthResponse,
    summary="Check that the executor runs scripts",
    responses={503: {"model": UnhealthyResponse, "description": "The probe script did not run in time."}},
)
async def health(request: Request) -> Response:
    """Run a tiny probe script on the executor and report its load.

    ``healthy`` if the probe returned the right value within a second; ``degraded`` if it ran
    but failed or was slow; **503** ``unhealthy`` if it could not run in time (every worker busy
    and the queue not moving, or the executor not running).
    """
    executor: AsyncMLExecutor | None = getattr(request.app.state, "executor", None)
    if executor is None:
        return json_response(_unhealthy("the executor is not running", None), 503)
    started = time.perf_counter()
    result: MLResult | None = None
    reason = f"the probe script did not finish within {PROBE_TIMEOUT + 1.0} seconds"
    with anyio.move_on_after(PROBE_TIMEOUT + 1.0):
        try:
            result = await executor.execute(PROBE_SCRIPT, timeout=PROBE_TIMEOUT)
        except RuntimeError as e:
            reason = str(e)
    info = _executor_info(executor)
    if result is None or result.kind in (ErrorKind.TIMEOUT, ErrorKind.OVERLOADED, ErrorKind.CANCELLED):
        return json_response(_unhealthy(result.error if result and result.error else reason, info), 503)
    ok = result.success and result.value == PROBE_VALUE
    slow = time.perf_counter() - started > PROBE_SLOW
    body = HealthResponse(
        status="healthy" if ok and not slow else "degraded",
        executor=info,
        test_execution=ProbeResult(success=ok, execution_time_ms=result.execution_time * 1000),
    )
    return json_response(body.model_dump_json().encode())


def _executor_info(executor: AsyncMLExecutor) -> ExecutorInfo:
    stats = executor.stats()
    return ExecutorInfo(
        max_workers=executor.max_workers,
        strict_security=executor.strict_security,
        busy=stats["busy"],
        queued=stats["queued"],
    )


def _unhealthy(reason: str, info: ExecutorInfo | None) -> bytes:
    return UnhealthyResponse(error=reason, executor=info).model_dump_json().encode()
