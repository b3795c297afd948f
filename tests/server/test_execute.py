"""``POST /execute``: results, script failures (200), and the 413 / 422 / 503 error paths."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import anyio
import httpx
import pytest
from asgi_lifespan import LifespanManager

from mlpy.executor import AsyncMLExecutor
from mlpy.server import Settings, create_app
from mlpy.server.schemas import ExecuteResponse
from tests.server.conftest import OpenClient, running

pytestmark = pytest.mark.anyio

RESULT_KEYS = [
    "success",
    "value",
    "error",
    "execution_time",
    "transpile_time",
    "error_type",
    "error_line",
    "error_column",
    "stdout",
]


async def test_returns_the_value_of_result_with_context(client: httpx.AsyncClient) -> None:
    reply = await client.post("/execute", json={"code": "result = x + y;", "context": {"x": 10, "y": 20}})
    assert reply.status_code == 200
    body = reply.json()
    assert list(body) == RESULT_KEYS
    assert body["success"] is True and body["value"] == 30 and body["error"] is None
    assert body["execution_time"] >= 0 and body["transpile_time"] >= 0


async def test_returns_structured_values_and_printed_output(client: httpx.AsyncClient) -> None:
    code = 'print("n =", n);\nresult = {items: [n, n * 2], ok: true, none: null, text: "é"};'
    body = (await client.post("/execute", json={"code": code, "context": {"n": 3}})).json()
    assert body["success"] is True
    assert body["value"] == {"items": [3, 6], "ok": True, "none": None, "text": "é"}
    assert body["stdout"] == "n = 3\n"


@pytest.mark.parametrize(
    ("code", "error_type", "line", "column"),
    [
        ("result = 1 +;", "SyntaxError", 1, 13),
        ("x = 1;\nresult = x + [2];", "TypeError", 2, 10),
        ("result = missing;", "NameError", 1, 10),
        ("result = 1 / 0;", "ZeroDivisionError", 1, 10),
        ('throw {type: "Rejected", message: "no"};', "Rejected", 1, 1),
    ],
    ids=["syntax", "type", "name", "zero-division", "throw"],
)
async def test_a_script_that_fails_is_a_200_with_its_error(
    client: httpx.AsyncClient, code: str, error_type: str, line: int, column: int
) -> None:
    reply = await client.post("/execute", json={"code": code})
    assert reply.status_code == 200
    body = reply.json()
    assert list(body) == RESULT_KEYS
    assert body["success"] is False and body["value"] is None
    assert (body["error_type"], body["error_line"], body["error_column"]) == (error_type, line, column)
    assert body["error"].startswith(f"{error_type} at line {line}, column {column}: ")


async def test_a_runaway_script_stops_at_its_timeout(client: httpx.AsyncClient) -> None:
    reply = await client.post("/execute", json={"code": "while (true) {}", "timeout": 0.5})
    body = reply.json()
    assert reply.status_code == 200 and body["success"] is False
    assert body["error_type"] == "TimeoutError"
    assert "Execution timeout after 0.5 seconds" in body["error"]


@pytest.mark.parametrize("request_timeout", ["omitted", None], ids=["omitted", "null"])
async def test_no_timeout_means_the_default_timeout(
    open_client: OpenClient, request_timeout: str | None
) -> None:
    payload: dict[str, object] = {"code": "while (true) {}"}
    if request_timeout != "omitted":
        payload["timeout"] = request_timeout
    async with open_client(default_timeout=0.3) as client:
        body = (await client.post("/execute", json=payload)).json()
    assert "Execution timeout after 0.3 seconds" in body["error"]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ('result = float("nan");', "NaN"),
        ('result = [1, float("inf")];', "Infinity"),
        ('result = {x: -float("inf")};', "-Infinity"),
        ("result = 1; i = 0; while (i < 5000) { result = result * 10; i = i + 1; }", "4300 digits"),
    ],
    ids=["nan", "infinity", "minus-infinity", "huge-integer"],
)
async def test_a_value_json_cannot_carry_is_a_failure_not_a_500(
    client: httpx.AsyncClient, code: str, message: str
) -> None:
    reply = await client.post("/execute", json={"code": code})
    assert reply.status_code == 200
    body = reply.json()
    assert body["success"] is False and body["value"] is None
    assert body["error_type"] == "ValueError"
    assert body["error"].startswith("ValueError: result cannot be returned as JSON")
    assert message in body["error"]


async def test_a_lone_surrogate_fails_in_the_value_and_is_replaced_in_stdout(
    client: httpx.AsyncClient,
) -> None:
    raw = b'{"code": "print(s); result = s;", "context": {"s": "a\\ud800b"}}'
    reply = await client.post("/execute", content=raw, headers={"Content-Type": "application/json"})
    assert reply.status_code == 200
    body = reply.json()
    assert body["success"] is False and "lone surrogate" in body["error"]
    assert body["stdout"] == "a\ufffdb\n"


async def test_a_function_as_the_result_is_a_type_error(client: httpx.AsyncClient) -> None:
    body = (await client.post("/execute", json={"code": "result = fn(x) => x;"})).json()
    assert body["success"] is False and body["error_type"] == "TypeError"


async def test_strict_mode_refuses_dynamic_reach(open_client: OpenClient) -> None:
    async with open_client(strict=True) as client:
        body = (await client.post("/execute", json={"code": 'result = getattr({}, "keys");'})).json()
    assert body["success"] is False and body["error_type"] == "SecurityError"


# -- 422 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "loc"),
    [
        ({}, ["body", "code"]),
        ({"code": 42}, ["body", "code"]),
        ({"code": "result = 1;", "timeout": 0}, ["body", "timeout"]),
        ({"code": "result = 1;", "timeout": -1}, ["body", "timeout"]),
        ({"code": "result = 1;", "timeout": "soon"}, ["body", "timeout"]),
        ({"code": "result = 1;", "timeout": 31}, ["body", "timeout"]),
        ({"code": "result = 1;", "context": [1, 2]}, ["body", "context"]),
        ({"code": "result = 1;", "context": {"not valid": 1}}, ["body", "context"]),
        ({"code": "result = 1;", "context": {"__class__": 1}}, ["body", "context"]),
    ],
    ids=[
        "no-code",
        "code-not-text",
        "zero-timeout",
        "negative-timeout",
        "timeout-not-number",
        "timeout-over-max",
        "context-not-object",
        "context-key-not-identifier",
        "context-key-reserved",
    ],
)
async def test_an_invalid_body_is_a_422_naming_the_field(
    client: httpx.AsyncClient, payload: dict[str, object], loc: list[str]
) -> None:
    reply = await client.post("/execute", json=payload)
    assert reply.status_code == 422
    assert [e["loc"][:2] for e in reply.json()["detail"]] == [loc]


async def test_the_timeout_limit_comes_from_the_settings(open_client: OpenClient) -> None:
    async with open_client(default_timeout=1.0, max_timeout=2.0) as client:
        over = await client.post("/execute", json={"code": "result = 1;", "timeout": 2.5})
        at = await client.post("/execute", json={"code": "result = 1;", "timeout": 2.0})
    assert over.status_code == 422
    assert over.json()["detail"][0]["msg"] == "Input should be less than or equal to 2.0"
    assert at.status_code == 200 and at.json()["success"] is True


async def test_context_error_names_the_key(client: httpx.AsyncClient) -> None:
    reply = await client.post("/execute", json={"code": "result = 1;", "context": {"1st": 1}})
    assert "'1st'" in reply.json()["detail"][0]["msg"]


@pytest.mark.parametrize(
    ("content", "headers"),
    [
        (b'{"code": ', {"Content-Type": "application/json"}),
        (b"code=result", {"Content-Type": "application/x-www-form-urlencoded"}),
        (b'{"code": "result = 1;"}', {}),
        (
            b'{"code": "result = 1;", "context": {"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}",
            {"Content-Type": "application/json"},
        ),
    ],
    ids=["broken-json", "form", "no-content-type", "nested-too-deeply"],
)
async def test_a_body_that_is_not_a_json_object_is_a_422(
    client: httpx.AsyncClient, content: bytes, headers: dict[str, str]
) -> None:
    reply = await client.post("/execute", content=content, headers=headers)
    assert reply.status_code == 422, reply.text


# -- 413 ---------------------------------------------------------------------------------------


async def test_code_over_the_limit_is_a_413_counted_in_utf8_bytes(open_client: OpenClient) -> None:
    async with open_client(max_code_bytes=20) as client:
        fits = await client.post("/execute", json={"code": "result = 1;" + " " * 9})
        over = await client.post("/execute", json={"code": 'result = "éééééé";'})  # 18 chars, 24 bytes
    assert fits.status_code == 200
    assert over.status_code == 413
    assert over.json()["detail"] == "code is 24 bytes; the limit is 20 (MLPY_MAX_CODE_BYTES)"


async def test_context_over_the_limit_is_a_413(open_client: OpenClient) -> None:
    async with open_client(max_context_bytes=20) as client:
        fits = await client.post("/execute", json={"code": "result = s;", "context": {"s": "x" * 12}})
        over = await client.post("/execute", json={"code": "result = s;", "context": {"s": "x" * 13}})
    assert fits.status_code == 200 and fits.json()["value"] == "x" * 12
    assert over.status_code == 413
    assert "MLPY_MAX_CONTEXT_BYTES" in over.json()["detail"]


async def test_a_body_over_the_limit_is_refused_before_parsing(open_client: OpenClient) -> None:
    async with open_client(max_code_bytes=100, max_context_bytes=100) as client:
        limit = Settings(max_code_bytes=100, max_context_bytes=100).max_body_bytes
        reply = await client.post(
            "/execute", content=b"x" * (limit + 1), headers={"Content-Type": "application/json"}
        )
    assert reply.status_code == 413
    assert reply.json()["detail"].startswith(f"the request body is over {limit} bytes")


async def test_a_chunked_body_over_the_limit_is_a_413(open_client: OpenClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"code": "'
        for _ in range(100):
            yield b"x" * 1024

    async with open_client(max_code_bytes=100, max_context_bytes=100) as client:
        reply = await client.post("/execute", content=chunks(), headers={"Content-Type": "application/json"})
    assert reply.status_code == 413


# -- 503 ---------------------------------------------------------------------------------------


async def _wait_busy(executor: AsyncMLExecutor) -> None:
    for _ in range(250):
        if executor.stats()["busy"]:
            return
        await anyio.sleep(0.02)
    raise AssertionError("the runaway script never started")


async def test_an_overloaded_executor_is_a_503_with_retry_after() -> None:
    app = create_app(Settings(workers=1, max_queue=0))
    runaway: list[httpx.Response] = []
    async with running(app) as client, anyio.create_task_group() as tg:

        async def run_away() -> None:
            runaway.append(await client.post("/execute", json={"code": "while (true) {}", "timeout": 1}))

        tg.start_soon(run_away)
        await _wait_busy(app.state.executor)
        reply = await client.post("/execute", json={"code": "result = 1;"})
        calc = await client.get("/calculate", params={"operation": "add", "a": 1, "b": 2})
    assert reply.status_code == 503
    assert reply.headers["Retry-After"] == "1"
    body = reply.json()
    assert list(body) == RESULT_KEYS
    assert body["success"] is False and body["error_type"] == "Overloaded"
    assert calc.status_code == 503 and calc.headers["Retry-After"] == "1"
    assert runaway[0].json()["error_type"] == "TimeoutError"


async def test_a_script_cancelled_by_shutdown_is_a_503() -> None:
    app = create_app(Settings(workers=1))
    replies: list[httpx.Response] = []
    manager = LifespanManager(app)
    await manager.__aenter__()
    transport = httpx.ASGITransport(app=manager.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://mlpy.test") as client:

        async def run_away() -> None:
            replies.append(await client.post("/execute", json={"code": "while (true) {}", "timeout": 20}))

        with anyio.fail_after(10):
            async with anyio.create_task_group() as tg:
                tg.start_soon(run_away)
                await _wait_busy(app.state.executor)
                await manager.__aexit__(None, None, None)  # the server stops while the script runs
    assert replies[0].status_code == 503
    assert replies[0].headers["Retry-After"] == "1"
    assert replies[0].json()["error_type"] == "Cancelled"
    assert app.state.executor is None


def test_result_keys_match_the_response_model() -> None:
    assert list(ExecuteResponse.model_fields) == RESULT_KEYS
    assert json.loads(ExecuteResponse(success=True, execution_time=0, transpile_time=0).model_dump_json())
