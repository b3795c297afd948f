"""``GET /``: what this service is. An HTML page for a browser, JSON for everything else.

Layer 6 (server): imports the standard library, fastapi, `mlpy` and `mlpy.server.*`.

The page links the documentation and the other pages (`LINKS`: add a line for a new one) and
lists the routes from the OpenAPI document. JSON is the answer unless the ``Accept`` header
prefers ``text/html`` to ``application/json`` (a browser's does; ``*/*`` and none do not).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from mlpy import __version__
from mlpy.server import playground
from mlpy.server.json_body import JSONRoute
from mlpy.server.ogc import landing_page
from mlpy.server.ogc_schemas import LandingPage
from mlpy.server.render import json_response
from mlpy.server.schemas import RootResponse, RouteInfo

__all__ = ["LINKS", "PLAYGROUND", "Link", "links_for", "prefers_html", "router"]

router = APIRouter(route_class=JSONRoute)


@dataclass(frozen=True)
class Link:
    """A page the HTML index links to."""

    path: str
    title: str
    description: str


#: the pages the HTML index links to, in order (and `PLAYGROUND` where it is served)
LINKS: tuple[Link, ...] = (
    Link("/docs", "Interactive documentation", "Swagger UI: try every route from the browser."),
    Link("/redoc", "API reference", "ReDoc: every route, its parameters and its answers."),
    Link("/health", "Health", "Runs a probe script and reports the executor's load (JSON)."),
    Link("/openapi.json", "OpenAPI document", "The HTTP contract, for tools."),
    Link("/processes", "Processes", "Named scripts to run now or as jobs (OGC API - Processes, JSON)."),
    Link("/jobs", "Jobs", "Runs in worker processes: status, progress, results (JSON)."),
)

#: linked only for a request the playground would answer (see `mlpy.server.playground.enabled`)
PLAYGROUND = Link("/playground", "Playground", "Write, check and run ML in the browser.")


def links_for(request: Request) -> tuple[Link, ...]:
    """The links of the index page for ``request``: `LINKS`, and the playground if served."""
    settings = getattr(request.app.state, "settings", None)
    served = settings is not None and playground.enabled(request, settings)
    return (PLAYGROUND, *LINKS) if served else LINKS


#: the HTML page may load nothing, run nothing, and be framed by nobody
_HTML_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    "Vary": "Accept",
}


@router.get(
    "/",
    response_model=LandingPage,
    summary="What this service is",
    responses={
        200: {
            "description": "JSON by default; an HTML page when `Accept` prefers `text/html`.",
            "content": {"text/html": {"schema": {"type": "string"}}},
        }
    },
)
async def root(request: Request) -> Response:
    """The API's name, version and routes, links to its documentation, and the OGC API -
    Processes landing-page links (``title``, ``description``, ``links``)."""
    paths: dict[str, dict[str, Any]] = request.app.openapi().get("paths", {})
    routes = [
        RouteInfo(method=method.upper(), path=path, summary=operation.get("summary", ""))
        for path, operations in paths.items()
        for method, operation in operations.items()
    ]
    if prefers_html(request.headers.get("accept", "")):
        root = str(request.scope.get("root_path", "")).rstrip("/")  # behind a proxy prefix
        return HTMLResponse(_page(routes, root, links_for(request)), headers=_HTML_HEADERS)
    front = RootResponse(name="mlpy", version=__version__, routes=routes, docs="/docs", redoc="/redoc")
    body = landing_page(request, front)
    return json_response(body.model_dump_json().encode(), headers={"Vary": "Accept"})


def prefers_html(accept: str) -> bool:
    """True if ``accept`` gives ``text/html`` a higher quality than ``application/json``.

    Each type takes the quality of the most specific range that matches it (RFC 9110
    §12.5.1); a tie (``*/*``, or no header) is JSON. Cost: linear in the header's length.
    """
    return _quality(accept, "text", "html") > _quality(accept, "application", "json")


def _quality(accept: str, kind: str, subtype: str) -> float:
    best_specificity, quality = -1, 0.0 if accept.strip() else 1.0
    for item in accept.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        range_kind, _, range_subtype = media.lower().partition("/")
        if range_kind == kind and range_subtype == subtype:
            specificity = 2
        elif range_kind == kind and range_subtype == "*":
            specificity = 1
        elif range_kind == "*" and range_subtype == "*":
            specificity = 0
        else:
            continue
        if specificity > best_specificity:
            best_specificity, quality = specificity, _q(params)
    return quality


def _q(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value)
            except ValueError:
                return 0.0
            return q if 0.0 <= q <= 1.0 else 0.0
    return 1.0


def _page(routes: list[RouteInfo], root: str, links_shown: tuple[Link, ...]) -> str:
    """The HTML index: links (under ``root``), then a table of the routes; every text escaped."""
    e = html.escape
    links = "\n".join(
        f'    <li><a href="{e(root + link.path)}">{e(link.title)}</a> ({e(link.path)}): '
        f"{e(link.description)}</li>"
        for link in links_shown
    )
    rows = "\n".join(
        f"    <tr><td>{e(r.method)}</td><td><code>{e(r.path)}</code></td><td>{e(r.summary)}</td></tr>"
        for r in routes
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>mlpy {e(__version__)}</title>
  <style>
    body {{ font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem;
           line-height: 1.5; color: #1d1d1f; }}
    table {{ border-collapse: collapse; }}
    td, th {{ padding: 0.2rem 0.8rem 0.2rem 0; text-align: left; vertical-align: top; }}
    code {{ font-size: 0.95em; }}
  </style>
</head>
<body>
  <h1>mlpy {e(__version__)}</h1>
  <p>Runs untrusted ML scripts safely: <code>POST /execute</code> with a JSON body
     <code>{{"code": "result = 6 * 7;"}}</code> answers with the script's result.</p>
  <h2>Pages</h2>
  <ul>
{links}
  </ul>
  <h2>Routes</h2>
  <table>
    <tr><th>Method</th><th>Path</th><th>What it does</th></tr>
{rows}
  </table>
</body>
</html>
"""
