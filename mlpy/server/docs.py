"""``GET /docs`` (Swagger UI) and ``GET /redoc`` (ReDoc), served with no internet access.

Layer 6 (server): imports the standard library, fastapi, starlette and `mlpy.server.*`.

FastAPI's own pages load their scripts, styles, favicon and fonts from public CDNs; these load
them from `STATIC_PATH`, where `static_files` serves the files vendored in ``static/`` by
``scripts/fetch-docs-assets.sh`` (exact npm versions, integrity checked, licences kept; the
versions are in ``static/VERSIONS``). The app is made with ``docs_url=None, redoc_url=None``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

from mlpy.server.json_body import JSONRoute

__all__ = ["STATIC_DIR", "STATIC_PATH", "router", "static_files"]

#: where the vendored Swagger UI and ReDoc files are, and the URL path they are served at
STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_PATH = "/static"

router = APIRouter(route_class=JSONRoute, include_in_schema=False)


def static_files() -> StaticFiles:
    """The app mounted at `STATIC_PATH`: files under `STATIC_DIR` only (Starlette refuses
    paths that leave it), with their type from the file name."""
    return StaticFiles(directory=STATIC_DIR)


def _urls(request: Request) -> tuple[str, str]:
    """The OpenAPI document's URL and the static files' prefix, behind any proxy prefix."""
    root = str(request.scope.get("root_path", "")).rstrip("/")
    return root + (request.app.openapi_url or "/openapi.json"), root + STATIC_PATH


@router.get("/docs")
async def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI: try every route from the browser."""
    openapi, static = _urls(request)
    return get_swagger_ui_html(
        openapi_url=openapi,
        title=f"{request.app.title} - Swagger UI",
        swagger_js_url=f"{static}/swagger-ui/swagger-ui-bundle.js",
        swagger_css_url=f"{static}/swagger-ui/swagger-ui.css",
        swagger_favicon_url=f"{static}/swagger-ui/favicon-32x32.png",
        # no badge from the public validator: the page makes no request off this server
        swagger_ui_parameters={"validatorUrl": None},
    )


@router.get("/redoc")
async def redoc(request: Request) -> HTMLResponse:
    """ReDoc: the API reference, read-only."""
    openapi, static = _urls(request)
    return get_redoc_html(
        openapi_url=openapi,
        title=f"{request.app.title} - ReDoc",
        redoc_js_url=f"{static}/redoc/redoc.standalone.js",
        redoc_favicon_url=f"{static}/swagger-ui/favicon-32x32.png",
        with_google_fonts=False,
    )
