"""Request and response bodies of the HTTP API, with the examples shown at ``/docs``.

Layer 6 (server): imports the standard library and pydantic.

The field names are a contract with existing clients (issue 4): fields may be added, never
renamed. Errors other than script failures use FastAPI's ``{"detail": ...}`` body (`ErrorDetail`).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "CALCULATE_EXAMPLES",
    "CONTEXT_KEY",
    "EXECUTE_EXAMPLES",
    "CalculateResponse",
    "ErrorDetail",
    "ExecuteRequest",
    "ExecuteResponse",
    "ExecutorInfo",
    "HealthResponse",
    "ProbeResult",
    "RootResponse",
    "RouteInfo",
    "UnhealthyResponse",
]

#: what a context key must be (LANGUAGE.md §7.1; the executor checks it, this documents it)
CONTEXT_KEY = r"^(?!__)[A-Za-z_][A-Za-z0-9_]*$"

_SUM_LOOP = "sum = 0;\ni = 1;\nwhile (i <= n) {\n    sum = sum + i;\n    i = i + 1;\n}\nresult = sum;"

#: named request examples for ``POST /execute`` (the dropdown at ``/docs``)
EXECUTE_EXAMPLES: dict[str, dict[str, Any]] = {
    "context": {
        "summary": "Context values",
        "value": {"code": "result = x + y;", "timeout": 5.0, "context": {"x": 10, "y": 20}},
    },
    "simple": {"summary": "No context", "value": {"code": "result = 2 + 2;"}},
    "loop": {
        "summary": "A loop with print",
        "value": {"code": _SUM_LOOP + '\nprint("sum of 1..", n, "is", sum);', "context": {"n": 100}},
    },
    "runtime_error": {
        "summary": "A runtime error (200, success false)",
        "value": {"code": "x = 1;\nresult = x + [2];"},
    },
    "timeout": {
        "summary": "A runaway loop stopped by its timeout",
        "value": {"code": "while (true) {}", "timeout": 1.0},
    },
}

#: named query examples for ``GET /calculate``, by parameter
CALCULATE_EXAMPLES: dict[str, dict[str, dict[str, Any]]] = {
    "operation": {
        "add": {"summary": "a + b", "value": "add"},
        "power": {"summary": "a to the power b (a loop)", "value": "power"},
        "divide": {"summary": "a / b", "value": "divide"},
    },
    "a": {"ten": {"summary": "an integer", "value": 10}, "half": {"summary": "a float", "value": 2.5}},
    "b": {"five": {"summary": "an integer", "value": 5}, "zero": {"summary": "zero", "value": 0}},
}


class ExecuteRequest(BaseModel):
    """``POST /execute``: an ML program, its timeout and its context values."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"code": "result = x + y;", "timeout": 5.0, "context": {"x": 10, "y": 20}},
                {"code": "result = 2 + 2;"},
            ]
        }
    )

    code: str = Field(description="ML source code; the value of its top-level `result` is returned.")
    timeout: float | None = Field(
        default=5.0,
        gt=0,
        allow_inf_nan=False,
        strict=True,  # a number, as documented: not true (1.0) nor "5"
        description=(
            "Seconds the script may take, queue time included: more than 0 and at most the "
            "server's MLPY_MAX_TIMEOUT (30 by default). Omitted or null: MLPY_DEFAULT_TIMEOUT (5)."
        ),
    )
    context: dict[str, Any] | None = Field(
        default=None,
        description=(
            "Values that become top-level variables; keys must be ML identifiers (not starting "
            "with `__`). Values are JSON: NaN, Infinity and integers over 4300 digits are a 422."
        ),
        json_schema_extra={"propertyNames": {"pattern": CONTEXT_KEY}},
    )


class ExecuteResponse(BaseModel):
    """The result of a script: ``success`` false with an error for a script that failed."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "success": True,
                    "value": 30,
                    "error": None,
                    "execution_time": 0.00004,
                    "transpile_time": 0.0021,
                    "error_type": None,
                    "error_line": None,
                    "error_column": None,
                    "stdout": "",
                },
                {
                    "success": False,
                    "value": None,
                    "error": "TypeError at line 2, column 10: cannot add number and array",
                    "execution_time": 0.00005,
                    "transpile_time": 0.0019,
                    "error_type": "TypeError",
                    "error_line": 2,
                    "error_column": 10,
                    "stdout": "",
                },
            ]
        }
    )

    success: bool = Field(description="True if the script ran to the end.")
    value: Any = Field(default=None, description="The script's top-level `result` (null on failure).")
    error: str | None = Field(
        default=None, description="One line: type, ML line and column, message (null on success)."
    )
    execution_time: float = Field(description="Seconds spent running the script.")
    transpile_time: float = Field(description="Seconds spent compiling it (near 0 when cached).")
    error_type: str | None = Field(
        default=None,
        description="SyntaxError, SecurityError, TypeError, ..., TimeoutError, LimitError, Overloaded.",
    )
    error_line: int | None = Field(default=None, description="1-based ML line of the error.")
    error_column: int | None = Field(default=None, description="1-based ML column of the error.")
    stdout: str = Field(default="", description="What the script printed.")


class CalculateResponse(BaseModel):
    """``GET /calculate``: the operands, the result and how long the ML script ran."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"operation": "add", "a": 10, "b": 5, "result": 15, "execution_time_ms": 0.02},
                {"operation": "power", "a": 2, "b": 8, "result": 256, "execution_time_ms": 0.03},
            ]
        }
    )

    operation: str = Field(description="add, subtract, multiply, divide or power.")
    a: int | float = Field(description="The first operand, as given.")
    b: int | float = Field(description="The second operand, as given.")
    result: int | float = Field(description="The result computed by the ML script.")
    execution_time_ms: float = Field(description="Milliseconds the script ran.")


class ExecutorInfo(BaseModel):
    """The executor's size and load at the time of the health check."""

    max_workers: int = Field(description="Worker threads (MLPY_WORKERS).")
    strict_security: bool = Field(description="Strict security mode (MLPY_STRICT).")
    busy: int = Field(description="Scripts running now.")
    queued: int = Field(description="Scripts waiting for a thread now.")


class ProbeResult(BaseModel):
    """The health check's own small script."""

    success: bool = Field(description="True if the probe script ran and returned the right value.")
    execution_time_ms: float = Field(description="Milliseconds it ran.")


class HealthResponse(BaseModel):
    """``GET /health`` when the executor ran the probe script (200)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "status": "healthy",
                    "executor": {"max_workers": 4, "strict_security": False, "busy": 0, "queued": 0},
                    "test_execution": {"success": True, "execution_time_ms": 0.01},
                }
            ]
        }
    )

    status: Literal["healthy", "degraded"] = Field(
        description="healthy; degraded if the probe ran but failed or took over a second."
    )
    executor: ExecutorInfo
    test_execution: ProbeResult


class UnhealthyResponse(BaseModel):
    """``GET /health`` when the executor could not run the probe script in time (503)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "status": "unhealthy",
                    "error": "TimeoutError: Execution timeout after 2.0 seconds",
                    "executor": {"max_workers": 4, "strict_security": False, "busy": 4, "queued": 9},
                }
            ]
        }
    )

    status: Literal["unhealthy"] = "unhealthy"
    error: str = Field(description="Why the probe did not run.")
    executor: ExecutorInfo | None = Field(default=None, description="Null if the executor is not running.")


class RouteInfo(BaseModel):
    """One route of the API."""

    method: str
    path: str
    summary: str


class RootResponse(BaseModel):
    """``GET /``: what this service is and which routes it has."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "mlpy",
                    "version": "0.1.0",
                    "routes": [{"method": "POST", "path": "/execute", "summary": "Run an ML program"}],
                    "docs": "/docs",
                    "redoc": "/redoc",
                }
            ]
        }
    )

    name: str
    version: str
    routes: list[RouteInfo]
    docs: str = Field(description="Interactive documentation (Swagger UI).")
    redoc: str = Field(description="Reference documentation (ReDoc).")


class ErrorDetail(BaseModel):
    """Any error that is not a script failure: 400, 413, 503 (422 adds FastAPI's error list)."""

    detail: str = Field(description="What went wrong, in one line.")
