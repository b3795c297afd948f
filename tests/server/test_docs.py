"""``/docs`` and ``/redoc`` work with no internet: every file they load is served from the package."""

from __future__ import annotations

import fnmatch
import re
import tomllib
from urllib.parse import urljoin

import httpx
import pytest

from mlpy.server import Settings, create_app
from mlpy.server.docs import STATIC_DIR

pytestmark = pytest.mark.anyio

JS_TYPES = ("text/javascript", "application/javascript")


def _references(page: str) -> list[str]:
    """Every URL a page loads or links: src and href attributes, and Swagger UI's spec url."""
    return re.findall(r'(?:src|href|spec-url)="([^"]*)"', page) + re.findall(r"url: '([^']*)'", page)


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
async def test_the_pages_reference_only_this_server(client: httpx.AsyncClient, path: str) -> None:
    page = (await client.get(path)).text
    references = _references(page)
    assert len(references) >= 3, references  # script, favicon, the OpenAPI document (and css)
    assert all(ref.startswith("/") and not ref.startswith("//") for ref in references), references
    assert "http://" not in page and "https://" not in page
    assert "/openapi.json" in references


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
async def test_every_file_a_page_loads_is_served_with_its_type(client: httpx.AsyncClient, path: str) -> None:
    page = (await client.get(path)).text
    for ref in _references(page):
        reply = await client.get(urljoin("http://mlpy.test", ref))
        assert reply.status_code == 200, ref
        kind = reply.headers["content-type"].split(";")[0]
        if ref.endswith(".js"):
            assert kind in JS_TYPES and len(reply.content) > 100_000, ref
        elif ref.endswith(".css"):
            assert kind == "text/css", ref
        elif ref.endswith(".png"):
            assert kind == "image/png" and reply.content.startswith(b"\x89PNG"), ref
        else:
            assert kind == "application/json", ref


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
async def test_the_pages_follow_a_proxy_prefix(path: str) -> None:
    """Behind a proxy that serves the app under /api (ASGI root_path), the page's URLs are under /api."""
    transport = httpx.ASGITransport(app=create_app(Settings()), root_path="/api")
    async with httpx.AsyncClient(transport=transport, base_url="http://mlpy.test") as client:
        references = _references((await client.get("/api" + path)).text)
        assert references and all(ref.startswith("/api/") for ref in references), references
        for ref in references:
            if ref.endswith((".js", ".css")):
                assert (await client.get(ref)).status_code == 200, ref


def test_licences_and_versions_are_kept_beside_the_files() -> None:
    for name in ("swagger-ui/LICENSE", "swagger-ui/NOTICE", "redoc/LICENSE", "VERSIONS"):
        assert (STATIC_DIR / name).read_text().strip(), name
    versions = (STATIC_DIR / "VERSIONS").read_text()
    assert re.search(r"^swagger-ui-dist \d+\.\d+\.\d+ sha512-", versions, re.M)
    assert re.search(r"^redoc \d+\.\d+\.\d+ sha512-", versions, re.M)


async def test_static_files_stay_in_their_folder(client: httpx.AsyncClient) -> None:
    for path in ("/static/../app.py", "/static/%2e%2e/app.py", "/static/nope.js"):
        assert (await client.get(path)).status_code == 404, path


def test_the_static_files_are_package_data() -> None:
    """A wheel must carry them, or /docs breaks when mlpy is installed rather than checked out."""
    pyproject = tomllib.loads((STATIC_DIR.parents[2] / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["mlpy"]
    package = STATIC_DIR.parents[1]
    files = [path.relative_to(package).as_posix() for path in STATIC_DIR.rglob("*") if path.is_file()]
    assert len(files) >= 8
    for name in files:
        assert any(fnmatch.fnmatch(name, p) and name.count("/") == p.count("/") for p in patterns), name
