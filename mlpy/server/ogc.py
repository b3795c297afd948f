"""OGC API - Processes plumbing: landing page, conformance, and what the process and job
routes share (the `Jobs` dependency, the owner of a request, links, exception bodies).

Layer 6 (server): imports the standard library, fastapi, `mlpy.jobs` and `mlpy.server`.

The job system is opened on first use (`get_jobs`), so an app that never serves a job route
never creates the data directory; the lifespan closes it. A request's owner comes from the
auth layer when API keys are on (``request.state.principal`` with ``.name`` and ``.scopes``):
a principal without the ``admin`` scope owns the jobs it submits and sees only those.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from mlpy.jobs import Jobs, JobsConfig
from mlpy.server.json_body import JSONRoute
from mlpy.server.keys import ANONYMOUS
from mlpy.server.ogc_schemas import Conformance, Exception_, LandingPage, Link
from mlpy.server.schemas import RootResponse
from mlpy.server.sizes import TooLarge

__all__ = [
    "CONFORMANCE",
    "EXCEPTIONS",
    "JobsDep",
    "RETRY",
    "Owner",
    "exception",
    "get_jobs",
    "jobs_of",
    "json_response",
    "landing_page",
    "method_not_allowed",
    "link",
    "owner_of",
    "request_id_of",
    "too_large",
    "router",
    "rfc3339",
]

router = APIRouter(tags=["OGC API - Processes"], route_class=JSONRoute)

_SPEC = "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/"
#: the conformance classes of OGC API - Processes - Part 1: Core that mlpy implements
CONFORMANCE = [_SPEC + c for c in ("core", "ogc-process-description", "json", "oas30", "job-list", "dismiss")]
#: exception type URIs of the standard, by short name
EXCEPTIONS = {
    name: f"http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/{name}"
    for name in ("no-such-process", "no-such-job", "result-not-ready")
}
#: the headers of a 503: try again in a second
RETRY = {"Retry-After": "1"}
_REL = "http://www.opengis.net/def/rel/ogc/1.0/"
_JSON = "application/json"


def link(request: Request, path: str, rel: str, title: str | None = None, type_: str = _JSON) -> Link:
    """A link to ``path`` on this server (absolute, as the request reached it)."""
    base = str(request.base_url).rstrip("/")
    return Link(href=base + path, rel=rel, type=type_, title=title)


def rfc3339(seconds: float | None) -> str | None:
    """POSIX seconds as an RFC 3339 UTC time (``2026-01-02T03:04:05.678Z``)."""
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def json_response(content: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """``content`` as compact JSON (values were made JSON-safe when they were stored)."""
    body = json.dumps(content, separators=(",", ":")).encode()
    return Response(body, status_code=status, headers=headers, media_type=_JSON)


def exception(
    status: int, kind: str, title: str, detail: str, headers: dict[str, str] | None = None
) -> Response:
    """An OGC exception body: ``kind`` is a short name from `EXCEPTIONS` or a full URI."""
    body = Exception_(type=EXCEPTIONS.get(kind, kind), title=title, status=status, detail=detail)
    return Response(body.model_dump_json(), status_code=status, headers=headers, media_type=_JSON)


async def method_not_allowed(request: Request, exc: Exception) -> Response:
    """The app's 405: ``Allow`` lists every documented method of the path, not only those of
    the first route that matched it (Starlette's default; ``/jobs/{jobID}`` has two routes).
    Cost: one regular-expression match per documented path."""
    path = request.url.path.removeprefix(str(request.scope.get("root_path", "")).rstrip("/"))
    allowed: set[str] = set()
    for template, operations in request.app.openapi().get("paths", {}).items():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, path):
            allowed |= {method.upper() for method in operations}
    headers = {"Allow": ", ".join(sorted(allowed))}
    return Response(json.dumps({"detail": "Method Not Allowed"}), 405, headers=headers, media_type=_JSON)


async def get_jobs(request: Request) -> Jobs:
    """The app's job system, opened on first use (its settings: ``app.state.jobs_config``)."""
    return jobs_of(request.app)


def jobs_of(app: Any) -> Jobs:
    """``app``'s job system, opened on first use (its settings: ``app.state.jobs_config``)."""
    jobs: Jobs | None = getattr(app.state, "jobs", None)
    if jobs is None:
        config: JobsConfig | None = getattr(app.state, "jobs_config", None)
        jobs = Jobs(config if config is not None else JobsConfig.from_env())
        app.state.jobs = jobs
    return jobs


JobsDep = Annotated[Jobs, Depends(get_jobs)]


class Owner:
    """Who is asking: ``name`` owns new jobs; ``scope`` limits reads (None: every job)."""

    __slots__ = ("name", "scope")

    def __init__(self, name: str | None, scope: str | None) -> None:
        self.name = name
        self.scope = scope


def owner_of(request: Request) -> Owner:
    """The request's owner from ``request.state.principal`` (absent when API keys are off)."""
    principal = getattr(request.state, "principal", None)
    if principal is None or principal is ANONYMOUS:  # keys are off: jobs belong to no one
        return Owner(None, None)
    name = str(principal.name)
    admin = "admin" in getattr(principal, "scopes", ())
    return Owner(name, None if admin else name)


def too_large(error: TooLarge) -> Response:
    """The 413 exception body for code or a context over its limit."""
    return exception(413, f"{error.what}-too-large", f"{error.what.capitalize()} too large", str(error))


def request_id_of(request: Request) -> str | None:
    """The request's id (`mlpy.server.logs` sets it; None when the log middleware is absent)."""
    value = getattr(request.state, "request_id", None)
    return value if isinstance(value, str) else None


@router.get("/conformance", response_model=Conformance, summary="The OGC conformance classes")
async def conformance() -> Conformance:
    """The conformance classes of OGC API - Processes - Part 1: Core that this server implements."""
    return Conformance(conformsTo=CONFORMANCE)


def landing_links(request: Request) -> list[Link]:
    """The OGC landing-page links: service description and docs, conformance, processes, jobs."""
    return [
        link(request, "/", "self", "this document"),
        link(request, "/openapi.json", "service-desc", "the API definition",
             "application/vnd.oai.openapi+json;version=3.0"),
        link(request, "/docs", "service-doc", "the API documentation", "text/html"),
        link(request, "/conformance", _REL + "conformance", "conformance classes"),
        link(request, "/conformance", "conformance", "conformance classes"),
        link(request, "/processes", _REL + "processes", "the processes"),
        link(request, "/jobs", _REL + "job-list", "the jobs"),
    ]  # fmt: skip


def landing_page(request: Request, root: RootResponse) -> LandingPage:
    """The front page: ``root`` (name, version, routes) plus title, description and links."""
    return LandingPage(
        **root.model_dump(),
        title="mlpy",
        description="Run untrusted ML scripts safely: at once (/execute) or as jobs (OGC API - Processes).",
        links=landing_links(request),
    )
