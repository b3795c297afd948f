"""``GET /calculate``: one arithmetic operation, computed by a small ML script.

Layer 6 (server): imports the standard library, fastapi, pydantic, `mlpy.runtime.result` and
`mlpy.server.*`.

An unknown operation, a failed calculation (division by zero, a bad exponent) or a result
JSON cannot carry is a 400 ``{"detail": ...}``; an operand that is not a finite number within a
float's range (NaN, ``1e400``, ``2**1024``) a 422 naming it; a busy executor a 503.
"""

from __future__ import annotations

import math
import re
import sys
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from mlpy.errors import ErrorKind
from mlpy.runtime.result import MLResult
from mlpy.server.deps import ExecutorDep, SettingsDep
from mlpy.server.json_body import JSONRoute
from mlpy.server.render import OVERLOADED, NotJSON, encode, error_response, json_response, unavailable
from mlpy.server.schemas import CALCULATE_EXAMPLES, CalculateResponse

__all__ = ["CALCULATIONS", "MAX_EXPONENT", "MAX_OPERAND", "Operand", "router"]

router = APIRouter(route_class=JSONRoute)

#: the largest exponent ``power`` accepts (its loop runs abs(b) times)
MAX_EXPONENT = 10_000

#: the ML script of each ``/calculate`` operation; ``a`` and ``b`` come in as context values
CALCULATIONS: dict[str, str] = {
    "add": "result = a + b;",
    "subtract": "result = a - b;",
    "multiply": "result = a * b;",
    "divide": """\
if (b == 0) {
    throw {type: "ZeroDivisionError", message: "Division by zero: b must not be 0"};
}
result = a / b;
""",
    "power": f"""\
// a to the power b, multiplying in a loop as ML users write it
if (b != int(b)) {{
    throw {{type: "ValueError", message: "power needs a whole-number exponent b, got " + str(b)}};
}}
if (abs(b) > {MAX_EXPONENT}) {{
    throw {{type: "ValueError", message: "power needs an exponent b from -{MAX_EXPONENT} to {MAX_EXPONENT}"}};
}}
result = 1;
i = 0;
while (i < abs(b)) {{
    result = result * a;
    i = i + 1;
}}
if (b < 0) {{
    if (result == 0) {{
        throw {{type: "ZeroDivisionError", message: "Division by zero: 0 to a negative power"}};
    }}
    result = 1 / result;
}}
""",
}

#: the largest magnitude of an operand: a float's; a larger integer could not take part in `/`
MAX_OPERAND = sys.float_info.max
_OPERAND = "A finite number (no NaN, Infinity, 1e400) of magnitude at most 1.8e308; otherwise 422."


def _in_range(value: int | float) -> int | float:
    """``value`` if it is finite and within `MAX_OPERAND` (an exact comparison for integers).

    Raises:
        PydanticCustomError: it is not; pydantic makes it a 422 naming the parameter.
    """
    if isinstance(value, float) and not math.isfinite(value):
        raise PydanticCustomError("finite_number", "Input should be a finite number")
    if abs(value) > MAX_OPERAND:
        raise PydanticCustomError(
            "float_range",
            "Input should be at most {limit} in magnitude (the range of a float)",
            {"limit": f"{MAX_OPERAND:.17g}"},
        )
    return value


#: a ``/calculate`` operand: an integer or a float, finite and within a float's range
Operand = Annotated[int | float, AfterValidator(_in_range)]

#: the "Type at line L, column C: " prefix of an ML error, dropped from a 400's detail
_WHERE = re.compile(r"^[A-Za-z]+(?: at line \d+, column \d+)?: ")


@router.get(
    "/calculate",
    response_model=CalculateResponse,
    summary="Calculate with a small ML script",
    responses={
        400: error_response(
            "Unknown operation, bad operands (division by zero, an exponent out of range), "
            "or a result JSON cannot carry.",
            "unknown operation 'modulo'; supported operations: add, subtract, multiply, divide, power",
        ),
        **OVERLOADED,
    },
)
async def calculate(
    operation: Annotated[
        str,
        Query(
            description="add, subtract, multiply, divide or power.",
            openapi_examples=CALCULATE_EXAMPLES["operation"],
            json_schema_extra={"enum": list(CALCULATIONS)},
        ),
    ],
    a: Annotated[
        Operand,
        Query(description=f"The first operand. {_OPERAND}", openapi_examples=CALCULATE_EXAMPLES["a"]),
    ],
    b: Annotated[
        Operand,
        Query(description=f"The second operand. {_OPERAND}", openapi_examples=CALCULATE_EXAMPLES["b"]),
    ],
    executor: ExecutorDep,
    settings: SettingsDep,
) -> Response:
    """Compute ``a <operation> b`` by running a small ML script on the executor.

    ``power`` multiplies in a loop, so ``b`` must be a whole number from -10000 to 10000.
    An unknown operation, division by zero or a result JSON cannot carry is a 400.
    """
    script = CALCULATIONS.get(operation)
    if script is None:
        supported = ", ".join(CALCULATIONS)
        raise HTTPException(400, f"unknown operation {operation!r}; supported operations: {supported}")
    try:
        result = await executor.execute(script, timeout=settings.default_timeout, context={"a": a, "b": b})
    except RuntimeError:
        raise unavailable("the executor is shutting down") from None
    if not result.success:
        raise _calculation_failed(result)
    payload = {
        "operation": operation,
        "a": a,
        "b": b,
        "result": result.value,
        "execution_time_ms": result.execution_time * 1000,
    }
    try:
        return json_response(encode(payload))
    except NotJSON as e:
        raise HTTPException(400, f"the result cannot be returned: {e}") from None


def _calculation_failed(result: MLResult) -> HTTPException:
    """The HTTP error for a ``/calculate`` script that failed."""
    error = result.error or "the calculation failed"
    if result.kind in (ErrorKind.OVERLOADED, ErrorKind.TIMEOUT, ErrorKind.CANCELLED):
        return unavailable(f"the server is busy ({error}); try again")
    return HTTPException(400, _WHERE.sub("", error, count=1))
