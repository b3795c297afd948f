"""``POST /check`` and ``POST /transpile``: diagnostics and generated Python, never running code."""

from __future__ import annotations

from typing import Any

import anyio
import httpx
import pytest

from mlpy.server import Settings, create_app
from mlpy.server import check as check_module
from tests.server.conftest import OpenClient, running

pytestmark = pytest.mark.anyio

DIAGNOSTIC_KEYS = ["severity", "type", "message", "line", "column", "end_line", "end_column"]


async def test_a_valid_script_has_no_diagnostics(client: httpx.AsyncClient) -> None:
    reply = await client.post("/check", json={"code": "x = 1;\nresult = x + 2;"})
    assert reply.status_code == 200
    assert reply.json() == {"valid": True, "diagnostics": []}


async def test_a_syntax_error_has_its_span(client: httpx.AsyncClient) -> None:
    reply = await client.post("/check", json={"code": "x = 1;\nresult = x +;"})
    assert reply.status_code == 200
    body = reply.json()
    assert body["valid"] is False
    [d] = body["diagnostics"]
    assert list(d) == DIAGNOSTIC_KEYS
    assert (d["severity"], d["type"]) == ("error", "SyntaxError")
    assert (d["line"], d["column"], d["end_line"], d["end_column"]) == (2, 13, 2, 14)
    assert d["message"].startswith("unexpected ';'")


async def test_a_warning_leaves_the_script_valid(client: httpx.AsyncClient) -> None:
    body = (await client.post("/check", json={"code": 'x = 1;\npattern = "\\d+";'})).json()
    assert body["valid"] is True
    [d] = body["diagnostics"]
    assert (d["severity"], d["type"], d["line"], d["column"], d["end_column"]) == (
        "warning",
        "Warning",
        2,
        12,
        14,
    )
    assert d["message"].startswith("unknown escape '\\d'")


async def test_every_check_error_is_listed_in_source_order(client: httpx.AsyncClient) -> None:
    code = "a = o.__class__;\nb = 1;\nc = p.__dict__;\nbreak;"
    body = (await client.post("/check", json={"code": code})).json()
    found = [(d["type"], d["line"], d["column"]) for d in body["diagnostics"]]
    assert len(found) >= 3 and found == sorted(found, key=lambda f: (f[1], f[2]))
    assert [f[1] for f in found if f[0] == "SecurityError"] == [1, 3]
    assert 4 in [f[1] for f in found]  # break outside a loop


async def test_strict_is_asked_for_or_forced_by_the_server(open_client: OpenClient) -> None:
    code = 'o = {a: 1};\nresult = getattr(o, "a");'
    async with open_client() as client:
        relaxed = (await client.post("/check", json={"code": code})).json()
        strict = (await client.post("/check", json={"code": code, "strict": True})).json()
    async with open_client(strict=True) as client:
        forced = (await client.post("/check", json={"code": code})).json()
    assert relaxed["valid"] is True
    assert strict["valid"] is False and strict["diagnostics"][0]["type"] == "SecurityError"
    assert forced == strict


async def test_check_never_runs_the_script(client: httpx.AsyncClient) -> None:
    reply = await client.post("/check", json={"code": "while (true) {}\nprint(1);"})
    assert reply.json() == {"valid": True, "diagnostics": []}


async def test_transpile_returns_the_python(client: httpx.AsyncClient) -> None:
    body = (await client.post("/transpile", json={"code": "result = 6 * 7;"})).json()
    assert body["success"] is True and body["diagnostics"] == []
    assert "result" in body["python"] and "42" not in body["python"]
    compile(body["python"], "<transpiled>", "exec")  # valid Python text


async def test_transpile_of_a_bad_script_lists_its_errors(client: httpx.AsyncClient) -> None:
    body = (await client.post("/transpile", json={"code": "result = ;"})).json()
    assert body["success"] is False and body["python"] is None
    assert body["diagnostics"][0]["type"] == "SyntaxError" and body["diagnostics"][0]["line"] == 1


@pytest.mark.parametrize("path", ["/check", "/transpile"])
async def test_code_over_the_limit_is_413(open_client: OpenClient, path: str) -> None:
    async with open_client(max_code_bytes=100) as client:
        ok = await client.post(path, json={"code": "x = 1;" * 16})  # 96 bytes
        reply = await client.post(path, json={"code": "x = 1;" * 17})
    assert ok.status_code == 200
    assert reply.status_code == 413
    assert reply.json() == {"detail": "code is 102 bytes; the limit is 100 (MLPY_MAX_CODE_BYTES)"}


@pytest.mark.parametrize(
    "body", [{}, {"code": 5}, {"code": "x;", "strict": "very"}, {"code": "", "extra": []}]
)
async def test_bad_bodies_are_422(client: httpx.AsyncClient, body: dict[str, Any]) -> None:
    reply = await client.post("/check", json=body)
    if "extra" in body:  # unknown members are ignored, as /execute ignores them
        assert reply.status_code == 200
        return
    assert reply.status_code == 422
    assert reply.json()["detail"][0]["loc"][0] == "body"


async def test_busy_compilation_slots_give_503(
    open_client: OpenClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(check_module, "WAIT_SECONDS", 0.2)
    app = create_app(Settings(workers=1))
    async with running(app) as client:
        assert (await client.post("/check", json={"code": "x = 1;"})).status_code == 200
        limiter: anyio.CapacityLimiter = app.state.compile_limiter
        assert limiter.total_tokens == 1
        holder = object()
        await limiter.acquire_on_behalf_of(holder)
        try:
            reply = await client.post("/transpile", json={"code": "x = 1;"})
        finally:
            limiter.release_on_behalf_of(holder)
        again = await client.post("/transpile", json={"code": "x = 1;"})
    assert reply.status_code == 503 and reply.headers["retry-after"] == "1"
    assert reply.json() == {"detail": "every compilation slot is busy; try again"}
    assert again.status_code == 200


@pytest.mark.parametrize("path", ["/check", "/transpile"])
async def test_compiling_stops_at_the_default_timeout(open_client: OpenClient, path: str) -> None:
    code = "x = [" + "1, " * 30_000 + "];"  # 90 KB: far more than a millisecond to compile
    async with open_client(default_timeout=0.001) as client:
        reply = await client.post(path, json={"code": code})
    assert reply.status_code == 200
    [d] = reply.json()["diagnostics"]
    assert (d["severity"], d["type"]) == ("error", "TimeoutError")
    assert "0.001" in d["message"]


async def test_openapi_documents_every_status(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    for path in ("/check", "/transpile"):
        responses = schema["paths"][path]["post"]["responses"]
        assert set(responses) == {"200", "413", "422", "503"}, path
        for status, response in responses.items():
            assert response["content"]["application/json"]["schema"], (path, status)
