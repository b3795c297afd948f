"""``GET /calculate``: each operation as an ML script, and the 400 / 422 / 503 error paths."""

from __future__ import annotations

import httpx
import pytest

from mlpy.server.calculate import CALCULATIONS

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("operation", "a", "b", "result"),
    [
        ("add", "10", "5", 15),
        ("subtract", "10", "15", -5),
        ("multiply", "7", "6", 42),
        ("divide", "10", "4", 2.5),
        ("divide", "9", "3", 3.0),
        ("power", "2", "8", 256),
        ("power", "2", "0", 1),
        ("power", "2", "-2", 0.25),
        ("power", "1.5", "2", 2.25),
        ("add", "0.1", "0.2", 0.30000000000000004),
        ("multiply", "123456789012345678901234567890", "10", 1234567890123456789012345678900),
    ],
)
async def test_operation(client: httpx.AsyncClient, operation: str, a: str, b: str, result: float) -> None:
    reply = await client.get("/calculate", params={"operation": operation, "a": a, "b": b})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert list(body) == ["operation", "a", "b", "result", "execution_time_ms"]
    assert body["operation"] == operation
    assert body["result"] == result and type(body["result"]) is type(result)
    assert body["execution_time_ms"] >= 0


async def test_integers_stay_integers(client: httpx.AsyncClient) -> None:
    body = (await client.get("/calculate?operation=add&a=10&b=5")).json()
    assert body == {**body, "a": 10, "b": 5, "result": 15}
    assert all(type(body[k]) is int for k in ("a", "b", "result"))


def test_power_is_a_while_loop() -> None:
    assert "while (i < abs(b))" in CALCULATIONS["power"]


async def test_unknown_operation_is_a_400_listing_the_supported_ones(client: httpx.AsyncClient) -> None:
    reply = await client.get("/calculate", params={"operation": "modulo", "a": 7, "b": 2})
    assert reply.status_code == 400
    detail = reply.json()["detail"]
    assert "modulo" in detail
    assert all(op in detail for op in ("add", "subtract", "multiply", "divide", "power"))


@pytest.mark.parametrize(
    ("operation", "a", "b", "message"),
    [
        ("divide", 1, 0, "Division by zero: b must not be 0"),
        ("divide", 1, 0.0, "Division by zero: b must not be 0"),
        ("power", 0, -1, "Division by zero: 0 to a negative power"),
        ("power", 2, 2.5, "power needs a whole-number exponent b, got 2.5"),
        ("power", 2, 10_001, "power needs an exponent b from -10000 to 10000"),
        ("multiply", 1e308, 10, "the result cannot be returned: it contains Infinity"),
        ("power", 10, 5000, "the result cannot be returned: it contains an integer with more than"),
    ],
    ids=[
        "divide-by-zero",
        "divide-by-float-zero",
        "zero-negative-power",
        "fraction-exponent",
        "huge-exponent",
        "overflow",
        "too-many-digits",
    ],
)
async def test_bad_operands_are_a_400_with_a_clear_message(
    client: httpx.AsyncClient, operation: str, a: float, b: float, message: str
) -> None:
    reply = await client.get("/calculate", params={"operation": operation, "a": a, "b": b})
    assert reply.status_code == 400
    assert reply.json()["detail"].startswith(message)


@pytest.mark.parametrize(
    "params",
    [
        {"operation": "add", "a": 1},
        {"a": 1, "b": 2},
        {"operation": "add", "a": "one", "b": 2},
        {"operation": "add", "a": "nan", "b": 2},
        {"operation": "add", "a": 1, "b": "inf"},
    ],
    ids=["no-b", "no-operation", "not-a-number", "nan", "infinity"],
)
async def test_missing_or_non_numeric_operands_are_a_422(
    client: httpx.AsyncClient, params: dict[str, str | int]
) -> None:
    reply = await client.get("/calculate", params=params)
    assert reply.status_code == 422
