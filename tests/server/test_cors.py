"""CORS: off unless ``MLPY_CORS_ORIGINS`` names the origins whose pages may call the API."""

from __future__ import annotations

import re

import httpx
import pytest

from mlpy.server import Settings, SettingsError
from tests.server.conftest import OpenClient

pytestmark = pytest.mark.anyio

ALLOWED = "https://app.example"
PREFLIGHT = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}


async def _preflight(client: httpx.AsyncClient, origin: str) -> httpx.Response:
    return await client.options("/execute", headers={"Origin": origin, **PREFLIGHT})


async def test_no_cors_headers_by_default(client: httpx.AsyncClient) -> None:
    reply = await client.post("/execute", json={"code": "result = 1;"}, headers={"Origin": ALLOWED})
    assert reply.status_code == 200 and "access-control-allow-origin" not in reply.headers
    assert "access-control-allow-origin" not in (await _preflight(client, ALLOWED)).headers


async def test_a_listed_origin_may_call_and_read_retry_after(open_client: OpenClient) -> None:
    async with open_client(cors_origins=(ALLOWED, "http://localhost:3000")) as client:
        preflight = await _preflight(client, ALLOWED)
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == ALLOWED
        assert "POST" in preflight.headers["access-control-allow-methods"]
        reply = await client.post("/execute", json={"code": "result = 1;"}, headers={"Origin": ALLOWED})
        assert reply.json()["value"] == 1
        assert reply.headers["access-control-allow-origin"] == ALLOWED
        assert "retry-after" in reply.headers["access-control-expose-headers"].lower()
        assert "access-control-allow-credentials" not in reply.headers


async def test_an_unlisted_origin_gets_no_permission(open_client: OpenClient) -> None:
    async with open_client(cors_origins=(ALLOWED,)) as client:
        preflight = await _preflight(client, "https://evil.example")
        assert preflight.status_code == 400 and "access-control-allow-origin" not in preflight.headers
        reply = await client.get("/health", headers={"Origin": "https://evil.example"})
        assert reply.status_code == 200 and "access-control-allow-origin" not in reply.headers


async def test_errors_carry_cors_headers_too(open_client: OpenClient) -> None:
    """CORS is the outermost middleware: a browser can read a 413 or a 422 and show it."""
    async with open_client(cors_origins=("*",), max_code_bytes=10, max_context_bytes=10) as client:
        too_big = await client.post("/execute", content=b"x" * 200_000, headers={"Origin": ALLOWED})
        assert too_big.status_code == 413 and too_big.headers["access-control-allow-origin"] == "*"
        invalid = await client.post("/execute", json={"code": 1}, headers={"Origin": ALLOWED})
        assert invalid.status_code == 422 and invalid.headers["access-control-allow-origin"] == "*"


def test_origins_are_read_from_a_comma_list() -> None:
    env = {"MLPY_CORS_ORIGINS": " https://a.example, http://localhost:8080 ,,"}
    assert Settings.from_env(env).cors_origins == ("https://a.example", "http://localhost:8080")
    assert Settings.from_env({"MLPY_CORS_ORIGINS": "*"}).cors_origins == ("*",)
    assert Settings.from_env({}).cors_origins == ()
    assert Settings.from_env({"MLPY_CORS_ORIGINS": ""}).cors_origins == ()


@pytest.mark.parametrize("bad", ["https://a.example/", "a.example", "https://a.example/app", "http://h:port"])
def test_a_bad_origin_is_refused_naming_the_variable(bad: str) -> None:
    with pytest.raises(SettingsError, match=rf"MLPY_CORS_ORIGINS=.*{re.escape(repr(bad))} is not an origin"):
        Settings.from_env({"MLPY_CORS_ORIGINS": f"https://ok.example,{bad}"})
