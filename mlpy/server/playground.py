"""``GET /playground``: a page to write, check and run ML in the browser, served by the service.

Layer 6 (server): imports the standard library, fastapi, pydantic and `mlpy.server.*`.

The page is plain HTML, CSS and JavaScript shipped as package data (``static/playground/``,
its scripts and styles served by the ``/static`` mount with the docs' files): no build step and
nothing fetched from elsewhere; a Content-Security-Policy of ``'self'`` makes the browser refuse
any other host. It calls the service's own routes (``/execute``, ``/check``, ``/transpile`` and
the jobs routes) by URLs relative to the page, so it works behind a path prefix. It is on by
default for a request that arrived on a loopback address and off otherwise, unless
``MLPY_PLAYGROUND`` says ``on`` or ``off`` (`PlaygroundMode`). The examples it offers are the
repository's ``examples/*.ml``, read once.

Cost bound: every answer is fixed content read once into memory, so a request is O(its size).
"""

from __future__ import annotations

import ipaddress
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel, Field

from mlpy.server.deps import SettingsDep
from mlpy.server.json_body import JSONRoute
from mlpy.server.schemas import ErrorDetail
from mlpy.server.settings import PlaygroundMode, Settings

__all__ = ["CSP", "EXAMPLES_DIR", "Example", "enabled", "examples", "router"]

router = APIRouter(route_class=JSONRoute)

#: the source checkout this module is in, if it is in one (a wheel install is not)
_CHECKOUT = Path(__file__).resolve().parents[2]
#: where the examples are read from: the checkout's examples/
EXAMPLES_DIR = _CHECKOUT / "examples"
#: the page may load and call only its own origin
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
    "Referrer-Policy": "no-referrer",
}
_OFF: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorDetail, "description": "The playground is off on this server."}
}


class Example(BaseModel):
    """One example script, and the context it expects (from ``NAME.json`` next to it)."""

    name: str = Field(description="The file name without .ml.")
    code: str = Field(description="The ML source.")
    context: dict[str, Any] | None = Field(description="Its context values, if it has any.")


@cache
def _page() -> bytes:
    """The page's HTML, read once from package data."""
    return (resources.files("mlpy.server") / "static" / "playground" / "index.html").read_bytes()


@cache
def examples() -> tuple[Example, ...]:
    """The examples in `EXAMPLES_DIR`, by name; none outside a source checkout (in a wheel
    install, site-packages/examples would be some other package's folder)."""
    if not (_CHECKOUT / "pyproject.toml").is_file() or not EXAMPLES_DIR.is_dir():
        return ()
    found = []
    for path in sorted(EXAMPLES_DIR.glob("*.ml")):
        context_file = path.with_suffix(".json")
        context = json.loads(context_file.read_text("utf-8")) if context_file.is_file() else None
        found.append(Example(name=path.stem, code=path.read_text("utf-8"), context=context))
    return tuple(found)


def enabled(request: Request, settings: Settings) -> bool:
    """Whether to serve the playground for ``request``: `PlaygroundMode`, ``auto`` meaning on
    when the request arrived on a loopback address of this server."""
    if settings.playground is not PlaygroundMode.AUTO:
        return settings.playground is PlaygroundMode.ON
    server = request.scope.get("server")
    if not server:
        return False
    try:
        return ipaddress.ip_address(str(server[0])).is_loopback
    except ValueError:  # a Unix socket path or a host name: not known to be loopback
        return False


def _require(request: Request, settings: Settings) -> None:
    if not enabled(request, settings):
        raise HTTPException(
            404,
            f"the playground is off on this server (set {Settings.env_name('playground')}=on to serve it)",
        )


@router.get(
    "/playground",
    summary="The playground: write, check and run ML in the browser",
    response_class=Response,
    responses={200: {"content": {"text/html": {"schema": {"type": "string"}}}}, **_OFF},
)
async def page(request: Request, settings: SettingsDep) -> Response:
    """The playground's HTML page (its scripts and styles are under ``/static/playground/``)."""
    _require(request, settings)
    return Response(_page(), media_type="text/html; charset=utf-8", headers=_HEADERS)


@router.get(
    "/playground/examples",
    response_model=list[Example],
    summary="The example scripts the playground offers",
    responses=_OFF,
)
async def example_list(request: Request, settings: SettingsDep) -> list[Example]:
    """The repository's ``examples/*.ml``, each with its context from ``NAME.json`` if present."""
    _require(request, settings)
    return list(examples())
