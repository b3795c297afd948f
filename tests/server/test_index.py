"""``GET /``: an HTML page for a browser, JSON for everything else."""

from __future__ import annotations

import re

import httpx
import pytest

import mlpy
from mlpy.server import Settings, create_app
from mlpy.server.index import LINKS, prefers_html
from mlpy.server.settings import PlaygroundMode

pytestmark = pytest.mark.anyio

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


async def test_a_browser_gets_an_html_page_linking_the_docs_and_health(client: httpx.AsyncClient) -> None:
    reply = await client.get("/", headers={"Accept": BROWSER})
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/html")
    assert reply.headers["vary"] == "Accept"
    assert "default-src 'none'" in reply.headers["content-security-policy"]
    hrefs = re.findall(r'href="([^"]+)"', reply.text)
    assert {"/docs", "/redoc", "/health"} <= set(hrefs) and hrefs == [link.path for link in LINKS]
    assert f"mlpy {mlpy.__version__}" in reply.text
    assert "<code>/execute</code>" in reply.text and "Run an ML program" in reply.text
    assert "<script" not in reply.text  # nothing to run, nothing loaded from elsewhere


async def test_the_links_follow_a_proxy_prefix() -> None:
    transport = httpx.ASGITransport(app=create_app(Settings()), root_path="/api")
    async with httpx.AsyncClient(transport=transport, base_url="http://mlpy.test") as client:
        page = (await client.get("/api/", headers={"Accept": "text/html"})).text
    assert re.findall(r'href="([^"]+)"', page) == ["/api" + link.path for link in LINKS]


async def test_every_linked_page_is_served(client: httpx.AsyncClient) -> None:
    for link in LINKS:
        assert (await client.get(link.path)).status_code == 200, link.path


@pytest.mark.parametrize("mode", list(PlaygroundMode))
async def test_the_playground_is_linked_exactly_where_it_is_served(mode: PlaygroundMode) -> None:
    """The in-process client has no loopback address: ``auto`` serves it no playground."""
    transport = httpx.ASGITransport(app=create_app(Settings(playground=mode)))
    async with httpx.AsyncClient(transport=transport, base_url="http://mlpy.test") as client:
        page = (await client.get("/", headers={"Accept": "text/html"})).text
        served = (await client.get("/playground")).status_code == 200
    assert served == (mode is PlaygroundMode.ON)
    assert ('href="/playground"' in page) == served


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "application/json, text/html;q=0.5"])
async def test_everything_else_gets_json(client: httpx.AsyncClient, accept: str | None) -> None:
    headers = {} if accept is None else {"Accept": accept}
    reply = await client.get("/", headers=headers)
    assert reply.headers["content-type"] == "application/json"
    assert reply.json()["name"] == "mlpy" and reply.headers["vary"] == "Accept"


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        ("", False),
        ("*/*", False),
        ("text/html", True),
        ("TEXT/HTML; charset=utf-8", True),
        ("text/*", True),
        ("text/*, application/*;q=0.2", True),
        (BROWSER, True),
        ("application/json, text/html", False),  # a tie is JSON
        ("text/html;q=0.4, */*;q=0.5", False),  # json takes */*'s 0.5
        ("text/html;q=0, */*", False),
        ("text/html;q=bad", False),
        ("text/html;q=2", False),
        ("image/png", False),
    ],
)
def test_prefers_html(accept: str, html: bool) -> None:
    assert prefers_html(accept) is html


async def test_the_schema_documents_both_kinds_of_answer(client: httpx.AsyncClient) -> None:
    content = (await client.get("/openapi.json")).json()["paths"]["/"]["get"]["responses"]["200"]["content"]
    assert set(content) == {"application/json", "text/html"}
