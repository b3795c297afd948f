"""``GET /``: what this service is, its version and its routes.

Layer 6 (server): imports the standard library, fastapi, `mlpy` and `mlpy.server.schemas`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from mlpy import __version__
from mlpy.server.schemas import RootResponse, RouteInfo

__all__ = ["router"]

router = APIRouter()


@router.get("/", response_model=RootResponse, summary="What this service is")
async def root(request: Request) -> RootResponse:
    """The API's name, version and routes."""
    paths: dict[str, dict[str, Any]] = request.app.openapi().get("paths", {})
    routes = [
        RouteInfo(method=method.upper(), path=path, summary=operation.get("summary", ""))
        for path, operations in paths.items()
        for method, operation in operations.items()
    ]
    return RootResponse(name="mlpy", version=__version__, routes=routes, docs="/docs", redoc="/redoc")
