"""Request logs: one structured line per request, and the ``X-Request-ID`` header.

Layer 6 (server): imports the standard library and starlette.

`RequestLog` is pure ASGI middleware. For each HTTP request it takes the caller's
``X-Request-ID`` (if it is 1-128 of ``A-Z a-z 0-9 . _ : -``) or makes one, puts it on
``request.state.request_id`` (jobs record it) and on the response, and when the response is
done writes one line to the ``mlpy.requests`` logger::

    {"time": "2026-12-06T07:01:02.345Z", "level": "info", "request_id": "5f0c...",
     "method": "POST", "pid": 4242, "route": "/execute", "status": 200, "duration_ms": 12.1,
     "key": "ci-bot", "outcome": "success", "error_type": null, "code_sha256": "9e1f..."}

``pid`` is the worker process that served it; ``route`` the route's template
(``/jobs/{job_id}``), never the raw path; ``key`` the API key's name (never the key);
``outcome`` and ``error_type`` the script's, when the request ran one; ``code_sha256`` the
digest of its code (never the code). The line is JSON, or ``key=value`` text
(``MLPY_LOG_FORMAT=text``); 5xx answers are logged at ``error``, the rest at ``info``, and
``MLPY_LOG_LEVEL`` filters them. The other parts of the app reach the request's
`RequestRecord` through `current_record` (a context variable), so the executor can note the
script's outcome without being handed the request. Cost per request: one dict and one line.
"""

from __future__ import annotations

import enum
import json
import logging
import os
import re
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "LOGGER_NAME",
    "REQUEST_ID_HEADER",
    "LogFormat",
    "LogLevel",
    "RequestLog",
    "RequestRecord",
    "configure_logging",
    "current_record",
]

#: the logger the request lines go to
LOGGER_NAME = "mlpy.requests"
REQUEST_ID_HEADER = "X-Request-ID"
#: a request id we echo; anything else is replaced (no log injection, bounded size)
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
#: the route of a request that matched none (a 404): never the raw path, which is unbounded
UNMATCHED = "<unmatched>"


class LogFormat(enum.StrEnum):
    """How request lines are written."""

    JSON = "json"
    TEXT = "text"


class LogLevel(enum.StrEnum):
    """The least severe request line written (``error`` keeps only the 5xx lines)."""

    DEBUG = "debug"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(slots=True)
class RequestRecord:
    """What is known about one request, filled in as it is served (mutable, one per request)."""

    request_id: str
    method: str
    pid: int = 0
    route: str = UNMATCHED
    status: int = 0
    duration_ms: float = 0.0
    key: str | None = None
    outcome: str | None = None
    error_type: str | None = None
    code_sha256: str | None = None
    #: response headers other parts add (the rate limiter's ``RateLimit-*``)
    headers: list[tuple[str, str]] = field(default_factory=list)

    def fields(self) -> dict[str, Any]:
        """The logged fields, in order (without ``headers``)."""
        data = asdict(self)
        del data["headers"]
        return data


_CURRENT: ContextVar[RequestRecord | None] = ContextVar("mlpy_request_record", default=None)


def current_record() -> RequestRecord | None:
    """The record of the request being served in this context, if any."""
    return _CURRENT.get()


class RequestLog:
    """ASGI middleware: request id, one log line per request, and ``on_done`` observers.

    ``on_done`` callables get each finished `RequestRecord` (metrics count from it); they must
    not raise.
    """

    def __init__(self, app: ASGIApp, on_done: Iterable[Callable[[RequestRecord], None]] = ()) -> None:
        self.app = app
        self.on_done = tuple(on_done)
        self.logger = logging.getLogger(LOGGER_NAME)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get(REQUEST_ID_HEADER, "")
        record = RequestRecord(
            request_id=given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex,
            method=scope["method"],
            pid=os.getpid(),
        )
        # A state of its own: servers give each request a copy of the lifespan state, but not
        # every ASGI host does (asgi-lifespan shares one), and the principal must not leak.
        scope["state"] = {**scope.get("state", {}), "request_id": record.request_id}
        started = time.perf_counter()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                record.status = message["status"]
                headers = MutableHeaders(scope=message)
                headers[REQUEST_ID_HEADER] = record.request_id
                for name, value in record.headers:
                    headers[name] = value
            await send(message)

        token = _CURRENT.set(record)
        try:
            await self.app(scope, receive, send_with_headers)
        except BaseException:
            record.status = record.status or 500
            raise
        finally:
            _CURRENT.reset(token)
            record.duration_ms = round((time.perf_counter() - started) * 1000, 3)
            self._finish(scope, record)

    def _finish(self, scope: Scope, record: RequestRecord) -> None:
        route = scope.get("route")
        path = getattr(route, "path", None)
        if isinstance(path, str):
            record.route = path
        principal = scope.get("state", {}).get("principal")
        if principal is not None:
            record.key = str(principal.name)
        for observe in self.on_done:
            observe(record)
        level = logging.ERROR if record.status >= 500 else logging.INFO
        self.logger.log(level, "request", extra={"mlpy_request": record.fields()})


class _Formatter(logging.Formatter):
    def __init__(self, form: LogFormat) -> None:
        super().__init__()
        self.form = form

    def format(self, record: logging.LogRecord) -> str:
        fields: dict[str, Any] = getattr(record, "mlpy_request", None) or {"message": record.getMessage()}
        stamp = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        line = {"time": stamp.replace("+00:00", "Z"), "level": record.levelname.lower(), **fields}
        if self.form is LogFormat.JSON:
            return json.dumps(line, ensure_ascii=False, separators=(", ", ": "))
        return " ".join(f"{k}={'-' if v is None else v}" for k, v in line.items())


class _Handler(logging.StreamHandler):  # type: ignore[type-arg]
    """Our handler, so that configuring twice replaces it instead of adding a second."""


def configure_logging(level: LogLevel, form: LogFormat, stream: Any = None) -> logging.Logger:
    """Send ``mlpy.requests`` lines to ``stream`` (standard output) at ``level`` in ``form``.

    Idempotent: a second call replaces the handler the first added. The logger does not
    propagate, so the lines are written once whatever the server configures for the root.
    """
    logger = logging.getLogger(LOGGER_NAME)
    for old in [h for h in logger.handlers if isinstance(h, _Handler)]:
        logger.removeHandler(old)
    handler = _Handler(sys.stdout if stream is None else stream)
    handler.setFormatter(_Formatter(form))
    logger.addHandler(handler)
    logger.setLevel(level.value.upper())
    logger.propagate = False
    return logger
