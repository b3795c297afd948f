"""Numbers JSON cannot carry, or a float cannot hold, in a request: a 422 naming where, never a 500.

Python's JSON reader accepts ``NaN``, ``Infinity`` and ``-Infinity`` and reads ``1e400`` as
infinity; an integer over ``sys.get_int_max_str_digits()`` digits fails its whole body.
"""

from __future__ import annotations

import sys
from typing import Any

import httpx
import pytest

from mlpy.server.app import ROUTERS
from mlpy.server.json_body import JSONRoute, LongInt, non_json_numbers

pytestmark = pytest.mark.anyio

#: an integer literal with more digits than Python converts
TOO_LONG = "1" + "0" * sys.get_int_max_str_digits()
NON_FINITE = ["NaN", "Infinity", "-Infinity", "1e400", "-1e400"]


async def _post(client: httpx.AsyncClient, body: str) -> httpx.Response:
    return await client.post("/execute", content=body, headers={"content-type": "application/json"})


def _only_error(reply: httpx.Response) -> dict[str, Any]:
    assert reply.status_code == 422, reply.text
    errors = reply.json()["detail"]
    assert len(errors) == 1, errors
    error: dict[str, Any] = errors[0]
    return error


@pytest.mark.parametrize("number", NON_FINITE)
async def test_a_non_finite_timeout_is_a_422_naming_it(client: httpx.AsyncClient, number: str) -> None:
    error = _only_error(await _post(client, f'{{"code": "result = 1;", "timeout": {number}}}'))
    assert error["loc"] == ["body", "timeout"] and error["type"] == "finite_number"
    assert error["input"] in ("NaN", "Infinity", "-Infinity")  # echoed as text: JSON has no such number


@pytest.mark.parametrize("number", [str(10**400), TOO_LONG, "-" + TOO_LONG])
async def test_an_integer_timeout_beyond_a_float_is_a_422_naming_it(
    client: httpx.AsyncClient, number: str
) -> None:
    error = _only_error(await _post(client, f'{{"code": "result = 1;", "timeout": {number}}}'))
    assert error["loc"] == ["body", "timeout"]


@pytest.mark.parametrize("number", NON_FINITE)
async def test_a_non_finite_number_in_the_context_is_a_422_naming_its_path(
    client: httpx.AsyncClient, number: str
) -> None:
    body = f'{{"code": "result = 1;", "context": {{"ok": 1.5, "x": [1, {{"y": {number}}}]}}}}'
    error = _only_error(await _post(client, body))
    assert error["loc"] == ["body", "context", "x", 1, "y"]
    assert error["type"] == "finite_number" and "finite" in error["msg"]


async def test_an_integer_too_long_to_read_in_the_context_is_a_422_naming_its_path(
    client: httpx.AsyncClient,
) -> None:
    error = _only_error(await _post(client, f'{{"code": "result = 1;", "context": {{"big": [{TOO_LONG}]}}}}'))
    assert error["loc"] == ["body", "context", "big", 0]
    assert error["type"] == "int_parsing_size" and str(sys.get_int_max_str_digits()) in error["msg"]


async def test_every_bad_number_in_the_context_is_named(client: httpx.AsyncClient) -> None:
    reply = await _post(client, '{"code": "result = 1;", "context": {"a": NaN, "b": {"c": Infinity}}}')
    assert reply.status_code == 422
    locs = [error["loc"] for error in reply.json()["detail"]]
    assert locs == [["body", "context", "a"], ["body", "context", "b", "c"]]


async def test_a_big_integer_that_fits_is_an_ml_integer_not_an_error(client: httpx.AsyncClient) -> None:
    """ML integers have arbitrary precision (LANGUAGE.md §1.4): 10**400 in a context is fine,
    and dividing it, which needs a float, is the script's error at its ML line and column."""
    body = (await _post(client, f'{{"code": "result = x + 1;", "context": {{"x": {10**400}}}}}')).json()
    assert body["success"] is True and body["value"] == 10**400 + 1
    code = "y = 1;\\nresult = x / 1;"
    body = (await _post(client, f'{{"code": "{code}", "context": {{"x": {10**400}}}}}')).json()
    assert body["success"] is False and (body["error_line"], body["error_column"]) == (2, 10)


async def test_bad_numbers_echoed_in_any_422_are_text(client: httpx.AsyncClient) -> None:
    """A 422 for another field still echoes the whole body; its NaN must not make it a 500."""
    reply = await _post(client, '{"context": {"x": NaN, "y": -Infinity, "s": "\\ud800"}}')
    error = _only_error(reply)
    assert error["loc"] == ["body", "code"] and error["type"] == "missing"
    assert error["input"]["context"] == {"x": "NaN", "y": "-Infinity", "s": "\ufffd"}


async def test_a_body_that_is_not_utf8_is_a_422(client: httpx.AsyncClient) -> None:
    headers = {"content-type": "application/json"}
    reply = await client.post("/execute", content=b'{"code": "\xff"}', headers=headers)
    error = _only_error(reply)
    assert error["type"] == "json_invalid" and "UTF-8" in error["ctx"]["error"]


@pytest.mark.parametrize(
    ("a", "problem"),
    [
        ("nan", "finite"),
        ("inf", "finite"),
        ("-Infinity", "finite"),
        ("1e400", "finite"),
        (str(2**1024), "range of a float"),
        (str(-(2**1024)), "range of a float"),
        ("9" * 5000, "finite"),
    ],
)
@pytest.mark.parametrize("name", ["a", "b"])
async def test_a_calculate_operand_out_of_range_is_a_422_naming_it(
    client: httpx.AsyncClient, a: str, problem: str, name: str
) -> None:
    params = {"operation": "divide", "a": "1", "b": "1", name: a}
    error = _only_error(await client.get("/calculate", params=params))
    assert error["loc"] == ["query", name] and problem in error["msg"]


async def test_the_largest_float_and_the_largest_integer_below_it_are_operands(
    client: httpx.AsyncClient,
) -> None:
    biggest = int(sys.float_info.max)
    reply = await client.get("/calculate", params={"operation": "divide", "a": str(biggest), "b": "2"})
    assert reply.status_code == 200 and reply.json()["result"] == sys.float_info.max / 2
    params = {"operation": "add", "a": "1.7976931348623157e308", "b": "0"}
    reply = await client.get("/calculate", params=params)
    assert reply.status_code == 200 and reply.json()["result"] == sys.float_info.max


def test_non_json_numbers_reports_paths_and_stops_at_a_bound() -> None:
    value = {"a": [float("nan")] * 50, "b": LongInt(5000), "c": [1, 2.5, "x", None, True]}
    errors = non_json_numbers(value, ("body", "context"))
    assert len(errors) == 10 and errors[0]["loc"] == ("body", "context", "a", 0)
    assert non_json_numbers(value["c"], ("c",)) == []
    assert [e["loc"] for e in non_json_numbers({"b": LongInt(5000)}, ())] == [("b",)]


def test_every_route_reads_json_bodies_with_the_checked_reader() -> None:
    """A router added without ``route_class=JSONRoute`` would let a long integer be a 400."""
    routes = [route for router in ROUTERS for route in router.routes]
    assert routes and all(isinstance(route, JSONRoute) for route in routes)


@pytest.mark.parametrize("timeout", ["true", '"5"', "[1]"])
async def test_a_timeout_must_be_a_json_number(client: httpx.AsyncClient, timeout: str) -> None:
    """Not true (which lax validation read as 1.0) nor a numeric string: what the schema says."""
    error = _only_error(await _post(client, f'{{"code": "result = 1;", "timeout": {timeout}}}'))
    assert error["loc"] == ["body", "timeout"] and error["type"] == "float_type"
