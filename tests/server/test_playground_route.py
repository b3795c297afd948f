"""``GET /playground``: when it is served, what it serves, and the headers that keep it local."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from mlpy.server import Settings, SettingsError, create_app
from mlpy.server.playground import CSP
from mlpy.server.settings import PlaygroundMode

pytestmark = pytest.mark.anyio

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "mlpy" / "server" / "static" / "playground"


async def _get(app: FastAPI, path: str, host: str) -> httpx.Response:
    """GET ``path`` as a request that arrived on the server address ``host`` (ASGITransport puts
    the URL's host in ``scope["server"]``). These routes do not need the executor's lifespan."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=f"http://{host}") as client:
        return await client.get(path)


@pytest.mark.parametrize(
    ("mode", "host", "served"),
    [
        (PlaygroundMode.AUTO, "127.0.0.1", True),
        (PlaygroundMode.AUTO, "[::1]", True),
        (PlaygroundMode.AUTO, "10.1.2.3", False),
        (PlaygroundMode.AUTO, "mlpy.example", False),
        (PlaygroundMode.ON, "10.1.2.3", True),
        (PlaygroundMode.OFF, "127.0.0.1", False),
    ],
)
async def test_served_on_loopback_by_default_else_by_setting(
    mode: PlaygroundMode, host: str, served: bool
) -> None:
    reply = await _get(create_app(Settings(playground=mode)), "/playground", host)
    if served:
        assert reply.status_code == 200
        assert reply.headers["content-type"] == "text/html; charset=utf-8"
        assert "<title>ML playground" in reply.text
    else:
        assert reply.status_code == 404
        assert reply.json() == {
            "detail": "the playground is off on this server (set MLPY_PLAYGROUND=on to serve it)"
        }


def test_the_setting_is_read_from_the_environment() -> None:
    assert Settings.from_env({"MLPY_PLAYGROUND": "on"}).playground is PlaygroundMode.ON
    assert Settings.from_env({}).playground is PlaygroundMode.AUTO
    with pytest.raises(SettingsError, match="MLPY_PLAYGROUND='sometimes'"):
        Settings.from_env({"MLPY_PLAYGROUND": "sometimes"})


async def test_the_page_may_reach_only_its_own_origin() -> None:
    app = create_app(Settings(playground=PlaygroundMode.ON))
    reply = await _get(app, "/playground", "127.0.0.1")
    assert reply.headers["content-security-policy"] == CSP
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert "connect-src 'self'" in CSP and "default-src 'none'" in CSP
    page = (STATIC / "index.html").read_text("utf-8")
    every_file = page + "".join(p.read_text("utf-8") for p in STATIC.glob("*.js")) + page
    assert "http://" not in every_file.replace("http://www.w3.org", "") and "https://" not in every_file
    assert "<script>" not in page and "style=" not in page  # nothing inline: the CSP forbids it
    assert 'src="static/playground/' in page  # relative: right behind a path prefix too


@pytest.mark.parametrize("name", sorted(p.name for p in STATIC.iterdir()))
async def test_each_file_of_the_page_is_served_with_its_type(name: str) -> None:
    reply = await _get(create_app(Settings()), f"/static/playground/{name}", "127.0.0.1")
    assert reply.status_code == 200
    assert reply.content == (STATIC / name).read_bytes()
    kind = {"html": "text/html", "js": "text/javascript", "css": "text/css"}[name.rsplit(".", 1)[1]]
    assert reply.headers["content-type"].startswith(kind)


async def test_examples_are_the_repository_examples_with_their_context() -> None:
    reply = await _get(
        create_app(Settings(playground=PlaygroundMode.ON)), "/playground/examples", "127.0.0.1"
    )
    examples = {e["name"]: e for e in reply.json()}
    assert set(examples) == {p.stem for p in (ROOT / "examples").glob("*.ml")}
    assert examples["orders"]["code"] == (ROOT / "examples" / "orders.ml").read_text("utf-8")
    assert examples["orders"]["context"] == json.loads((ROOT / "examples" / "orders.json").read_text("utf-8"))
    assert examples["fib"]["context"] is None


async def test_openapi_documents_the_playground_routes() -> None:
    app = create_app(Settings(playground=PlaygroundMode.ON))
    schema = (await _get(app, "/openapi.json", "127.0.0.1")).json()
    for path in ("/playground", "/playground/examples"):
        responses = schema["paths"][path]["get"]["responses"]
        assert {"200", "404"} <= set(responses), path
        for response in responses.values():
            assert response.get("content"), (path, response)
