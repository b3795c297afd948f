"""The OpenAPI document as this app's settings make it: the limits a request must keep.

Layer 6 (server): imports the standard library, fastapi and `mlpy.server.settings`.

The models state what holds for every server; a server's own limits (``MLPY_MAX_TIMEOUT``,
``MLPY_DEFAULT_TIMEOUT``) are settings, so `state_limits` writes them into the document once,
when FastAPI first makes it (it is cached), and clients and schema-driven tests see the real
bounds rather than a 422 for a value the document allowed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from mlpy.server.settings import Settings

__all__ = ["install", "state_limits"]


def install(application: FastAPI, settings: Settings) -> None:
    """Make ``application.openapi()`` return its document with ``settings``' limits in it."""
    generate: Callable[[], dict[str, Any]] = application.openapi

    def openapi() -> dict[str, Any]:
        if application.openapi_schema is None:
            state_limits(generate(), settings)  # generate() caches it on the app
        assert application.openapi_schema is not None
        return application.openapi_schema

    application.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented hook


def state_limits(document: dict[str, Any], settings: Settings) -> None:
    """Write ``settings``' timeout bounds into ``document``'s ``ExecuteRequest`` (in place)."""
    timeout = document["components"]["schemas"]["ExecuteRequest"]["properties"]["timeout"]
    timeout["default"] = settings.default_timeout
    for branch in timeout.get("anyOf", [timeout]):
        if branch.get("type") == "number":
            branch["maximum"] = settings.max_timeout
