"""JSON request bodies: Python's reader with its gaps closed, and the numbers JSON cannot carry.

Layer 6 (server): imports the standard library, fastapi and starlette.

Python's JSON reader accepts ``NaN``, ``Infinity`` and ``-Infinity``, reads ``1e400`` as
infinity, and fails on the whole body, naming nothing, at an integer with more digits than
``sys.get_int_max_str_digits()`` (4300). Every route is a `JSONRoute`, whose request reads
such an integer as a `LongInt` marker instead, so that validation can name the field it is
in, and reads bytes that are not UTF-8 as a JSON decode error (a 422, not a 400).
`non_json_numbers` finds those markers and the non-finite floats in a value that pydantic
takes as ``Any`` (an ``/execute`` context), with the path to each.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

__all__ = ["MAX_REPORTED", "JSONRequest", "JSONRoute", "LongInt", "non_finite_name", "non_json_numbers"]

#: the most problems `non_json_numbers` reports for one value
MAX_REPORTED = 10


@dataclass(frozen=True)
class LongInt:
    """An integer in a request body with more digits than Python converts (the marker for it)."""

    digits: int

    def __str__(self) -> str:
        return f"an integer of {self.digits} digits"


def non_finite_name(value: float) -> str:
    """How Python's JSON reader spells a non-finite float: NaN, Infinity or -Infinity."""
    return "NaN" if math.isnan(value) else "Infinity" if value > 0 else "-Infinity"


def _parse_int(text: str) -> int | LongInt:
    limit = sys.get_int_max_str_digits()
    digits = len(text) - text.startswith("-")
    if limit and digits > limit:
        return LongInt(digits)
    return int(text)


class JSONRequest(Request):
    """A request whose `json` reads over-long integers as `LongInt` (cost: linear in the body)."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                self._json = json.loads(body, parse_int=_parse_int)
            except UnicodeDecodeError as e:
                raise json.JSONDecodeError(f"the body is not UTF-8 text: {e.reason}", "", e.start) from None
        return self._json


class JSONRoute(APIRoute):
    """The route class of every router in mlpy.server: its handlers get a `JSONRequest`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            return await handler(JSONRequest(request.scope, request.receive))

        return handle


def non_json_numbers(value: Any, loc: Sequence[str | int]) -> list[dict[str, Any]]:
    """Validation errors (FastAPI's shape) for each NaN, infinity or `LongInt` in ``value``,
    at most `MAX_REPORTED`, each with its path under ``loc``. Cost: linear in ``value``'s size,
    no recursion (the body was parsed, so its depth is below the recursion limit anyway)."""
    errors: list[dict[str, Any]] = []
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, tuple(loc))]
    while stack and len(errors) < MAX_REPORTED:
        item, path = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            name = non_finite_name(item)
            message = "Input should be a finite number (JSON has no NaN or Infinity; 1e400 is Infinity)"
            errors.append({"type": "finite_number", "loc": path, "msg": message, "input": name})
        elif isinstance(item, LongInt):
            message = (
                f"Input should be an integer of at most {sys.get_int_max_str_digits()} digits, not {item}"
            )
            errors.append({"type": "int_parsing_size", "loc": path, "msg": message, "input": str(item)})
        elif isinstance(item, dict):
            stack.extend((v, (*path, k)) for k, v in reversed(item.items()))
        elif isinstance(item, list):
            stack.extend((v, (*path, i)) for i, v in reversed(list(enumerate(item))))
    return errors
