"""The ``http`` host-access module (LANGUAGE.md §6.2): HTTP requests to granted hosts only, via httpx.

Layer 3 (runtime): imports the standard library, httpx, `mlpy.errors` and `mlpy.runtime`.

Importing ``http`` needs the grant ``http``, a list of hosts: ``"api.example.com"`` (that host
on the scheme's default port, 80 or 443), ``"127.0.0.1:8123"`` (that host and port),
``"*.example.com"`` (any subdomain, default ports; ``"*.example.com:8443"`` with a port), an
IPv6 literal as ``"[::1]:8080"``. Host names compare case-insensitively after IDNA encoding;
any other spelling (a trailing dot, a numeric IP for a granted name) is a different host.

Every request, and every redirect hop, is checked before it is sent:

* only ``http`` and ``https`` URLs, only to a granted host and port (`MLSecurityError` naming
  the host otherwise); redirects are followed by hand (at most `MAX_REDIRECTS`), each new URL
  checked again, so a granted host cannot redirect a script elsewhere;
* the ``Host`` header cannot be set (it would reach other virtual hosts of a granted address),
  nor ``Content-Length``/``Transfer-Encoding``; header names must be tokens and values ASCII
  without line breaks;
* environment proxies, ``.netrc`` and every other ambient setting are ignored
  (``trust_env=False``); cookies live only for one request and its redirects;
* the whole request, redirects included, must finish within ``min(DEFAULT_TIMEOUT, timeout
  option, the call's remaining time)``: every socket operation, connect to last byte, is
  bounded by that deadline (`mlpy.runtime.stdlib._net`), so a server dripping its headers a
  byte at a time cannot hold the call; when the call's own deadline is what ran out, the call
  stops with a ``TimeoutError``, otherwise the request fails with a catchable ``Error``
  (DNS resolution happens in the OS and is not covered by the timeout);
* the response body is streamed and refused (`MLLimitError`) as soon as it passes
  ``max_string`` bytes; ``Accept-Encoding: identity`` is sent unless the script sets it.

A response is a plain ML object ``{status, statusText, ok, headers, body, url}``: ``headers``
maps lower-cased names to values (repeated headers joined with ``", "``), ``body`` is the text
decoded with the response's charset (UTF-8 when absent or unknown, undecodable bytes
replaced), ``url`` the final URL after redirects. The reference library returned an object
whose fields were methods (``response.status()``, ``response.json()``); here they are plain
values (``response.status``, ``json.parse(response.body)``) so a response can be returned to
the host as data. A status of 4xx/5xx is a response, not an error; a network failure is a
catchable ``Error``.

Functions: ``get(url, headers?, timeout?)``, ``head``/``delete`` (same arguments),
``post``/``put``/``patch(url, options?)`` with options ``{body, headers, timeout}``,
``request({method, url, headers, body, timeout})``, and the pure helpers ``encodeURI``,
``decodeURI``, ``encodeQuery`` and ``parseQuery``. A ``body`` that is not a string is sent as
JSON (with ``Content-Type: application/json`` unless set).
"""

from __future__ import annotations

import codecs
import functools
import json
import re
import ssl
import time
import urllib.parse
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

import httpx

from mlpy.errors import MLRuntimeError, MLSecurityError, MLTimeoutError, MLTypeError, MLValueError
from mlpy.runtime.convert import to_host
from mlpy.runtime.format import quote_brief, to_str
from mlpy.runtime.operators import charge_alloc, check_array
from mlpy.runtime.state import CallState, current
from mlpy.runtime.stdlib._net import deadline_transport
from mlpy.runtime.stdlib.collections import builtin_table
from mlpy.runtime.values import Module, typeof

__all__ = ["DEFAULT_TIMEOUT", "MAX_REDIRECTS", "create"]

#: seconds a request may take at most, whatever the script asks
DEFAULT_TIMEOUT = 10.0
#: redirect hops followed (each one checked against the grants)
MAX_REDIRECTS = 5

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_REFUSED_HEADERS = frozenset({"content-length", "transfer-encoding", "connection", "upgrade"})
_MAX_HEADER = 8192
_GRANTS_KEY = "http.grants"


class _Grant(NamedTuple):
    host: str
    port: int | None
    wildcard: bool


def _host_key(host: str) -> str:
    """``host`` as httpx will connect to it: IDNA-encoded, lower-cased."""
    try:
        return httpx.URL("http://" + host + "/").raw_host.decode("ascii").lower()
    except (httpx.InvalidURL, UnicodeError):
        return ""


def _parse_grant(text: str) -> _Grant | None:
    g = text.strip()
    if "://" in g:
        try:
            url = httpx.URL(g)
        except httpx.InvalidURL:
            return None
        return _Grant(url.raw_host.decode("ascii").lower(), url.port, False) if url.raw_host else None
    wildcard = g.startswith("*.")
    if wildcard:
        g = g[2:]
    port: int | None = None
    if g.startswith("["):
        end = g.find("]")
        if end < 0:
            return None
        host, rest = g[1:end], g[end + 1 :]
        if rest:
            if not rest.startswith(":") or not rest[1:].isdigit():
                return None
            port = int(rest[1:])
        return _Grant(host.lower(), port, wildcard)
    if g.count(":") == 1:
        g, _, digits = g.partition(":")
        if not digits.isdigit():
            return None
        port = int(digits)
    elif g.count(":") > 1:  # a bare IPv6 address
        return _Grant(g.lower(), None, wildcard)
    host = _host_key(g)
    return _Grant(host, port, wildcard) if host else None


def _grants(state: CallState) -> list[_Grant]:
    grants = state.extra.get(_GRANTS_KEY)
    if grants is None:
        parsed = (_parse_grant(g) for g in state.capabilities.get("http", ()) if isinstance(g, str))
        grants = state.extra[_GRANTS_KEY] = [g for g in parsed if g is not None]
    assert isinstance(grants, list)
    return grants


def _allowed(grants: list[_Grant], host: str, port: int) -> bool:
    for g in grants:
        if not (host.endswith("." + g.host) if g.wildcard else host == g.host):
            continue
        if g.port is None:
            if port in (80, 443):
                return True
        elif g.port == port:
            return True
    return False


def _check_url(fn: str, url: httpx.URL, grants: list[_Grant]) -> httpx.URL:
    """``url`` if it may be requested, else a `MLSecurityError` naming its host."""
    scheme = url.scheme.lower()
    if scheme not in ("http", "https"):
        raise MLSecurityError(f"{fn}: only http and https URLs are allowed, not {quote_brief(scheme + ':')}")
    if not url.raw_host:
        raise MLValueError(f"{fn}(): the URL has no host")
    host = url.raw_host.decode("ascii").lower()
    port = url.port or (443 if scheme == "https" else 80)
    if not _allowed(grants, host, port):
        shown = f"[{host}]" if ":" in host else host
        raise MLSecurityError(f"{fn}: host {shown}:{port} is not granted (capability http)")
    return url


def _parse_url(fn: str, url: Any) -> httpx.URL:
    if type(url) is not str:
        raise MLTypeError(f"{fn}() expects a URL string, got {typeof(url)}")
    try:
        return httpx.URL(url)
    except (httpx.InvalidURL, UnicodeError):
        raise MLValueError(f"{fn}(): invalid URL {quote_brief(url)}") from None


def _headers(fn: str, headers: Any) -> dict[str, str]:
    if headers is None:
        return {}
    if type(headers) is not dict:
        raise MLTypeError(f"{fn}() expects an object of headers, got {typeof(headers)}")
    out: dict[str, str] = {}
    for name, value in headers.items():
        text = value if type(value) is str else to_str(value)
        if not _TOKEN.fullmatch(name):
            raise MLValueError(f"{fn}(): invalid header name {quote_brief(name)}")
        if not text.isascii() or any(c in text for c in "\r\n\x00") or len(text) > _MAX_HEADER:
            raise MLValueError(f"{fn}(): invalid value for header {quote_brief(name)}")
        lower = name.lower()
        if lower == "host":
            raise MLSecurityError(f"{fn}: the Host header cannot be set")
        if lower in _REFUSED_HEADERS:
            raise MLValueError(f"{fn}(): the {name} header is set by the client and cannot be given")
        out[name] = text
    return out


def _body(fn: str, body: Any, headers: dict[str, str]) -> bytes | None:
    if body is None:
        return None
    if type(body) is str:
        state = current()
        if len(body) > state.limits.max_result:
            raise state.limit_error("max_result", f"{fn}: request body")
        return body.encode("utf-8")
    try:
        text = json.dumps(to_host(body), ensure_ascii=False, allow_nan=False)
    except ValueError:
        raise MLValueError(f"{fn}(): the body cannot be sent as JSON") from None
    if not any(k.lower() == "content-type" for k in headers):
        headers["Content-Type"] = "application/json"
    return text.encode("utf-8")


def _seconds(fn: str, timeout: Any, state: CallState) -> float:
    seconds = DEFAULT_TIMEOUT
    if timeout is not None:
        if type(timeout) not in (int, float) or not timeout > 0:
            raise MLValueError(f"{fn}(): timeout must be a positive number of seconds")
        seconds = min(seconds, float(timeout))
    remaining = state.deadline - time.monotonic()
    if remaining <= 0:
        _call_timeout(state)
    return min(seconds, remaining)


def _call_timeout(state: CallState) -> None:
    state.halt(MLTimeoutError(f"Execution timeout after {float(state.timeout)} seconds", limit="timeout"))


def _timed_out(fn: str, state: CallState, seconds: float) -> MLRuntimeError:
    if time.monotonic() >= state.deadline - 0.01:
        _call_timeout(state)
    return MLRuntimeError(f"{fn}: the request timed out after {seconds:g} seconds")


def _stopped(state: CallState) -> None:
    """Raise the call's stop reason if it was stopped (cancelled by the executor)."""
    if state.stop is not None:
        raise state.stop


def _charset(response: httpx.Response) -> str:
    name = response.charset_encoding or "utf-8"
    try:
        info = codecs.lookup(name)
    except LookupError:
        return "utf-8"
    return info.name if getattr(info, "_is_text_encoding", True) else "utf-8"


def _read_body(fn: str, response: httpx.Response, deadline: float, seconds: float, state: CallState) -> str:
    cap = state.limits.max_string
    chunks: list[bytes] = []
    total = 0
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > cap:
            raise state.limit_error("max_string", f"{fn}: response body")
        charge_alloc(2 * len(chunk), f"{fn}: response body")  # the bytes, then the text
        chunks.append(chunk)
        if state.stop is not None:  # cancelled by the executor while streaming
            raise state.stop
        if time.monotonic() > deadline:
            raise _timed_out(fn, state, seconds)
    return b"".join(chunks).decode(_charset(response), errors="replace")


def _response(response: httpx.Response, body: str) -> dict[str, Any]:
    headers: dict[str, str] = {}
    for name, value in response.headers.multi_items():
        headers[name] = headers[name] + ", " + value if name in headers else value
    return {
        "status": response.status_code,
        "statusText": response.reason_phrase,
        "ok": 200 <= response.status_code < 300,
        "headers": headers,
        "body": body,
        "url": str(response.url),
    }


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """The TLS settings of every request (httpx's defaults), built once per process: building
    them loads the CA bundle, which costs more than a local request."""
    return httpx.create_ssl_context()


def _send(fn: str, method: str, url: Any, headers: Any = None, body: Any = None, timeout: Any = None) -> Any:
    state = current()
    grants = _grants(state)
    target = _check_url(fn, _parse_url(fn, url), grants)
    request_headers = _headers(fn, headers)
    if not any(k.lower() == "accept-encoding" for k in request_headers):
        request_headers["Accept-Encoding"] = "identity"
    content = _body(fn, body, request_headers)
    seconds = _seconds(fn, timeout, state)
    deadline = time.monotonic() + seconds
    try:
        transport = deadline_transport(_ssl_context(), deadline, lambda: _stopped(state))
        with httpx.Client(
            transport=transport, trust_env=False, follow_redirects=False, timeout=seconds
        ) as client:
            request = client.build_request(method, target, headers=request_headers, content=content)
            for _hop in range(MAX_REDIRECTS + 1):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise _timed_out(fn, state, seconds)
                request.extensions["timeout"] = httpx.Timeout(remaining).as_dict()
                response = client.send(request, stream=True)
                try:
                    following = response.next_request
                    if following is None:
                        return _response(response, _read_body(fn, response, deadline, seconds, state))
                    request = following
                    _check_url(fn, request.url, grants)
                finally:
                    response.close()
            raise MLRuntimeError(f"{fn}: too many redirects (more than {MAX_REDIRECTS})")
    except httpx.TimeoutException:
        raise _timed_out(fn, state, seconds) from None
    except (httpx.InvalidURL, httpx.UnsupportedProtocol, httpx.LocalProtocolError) as exc:
        raise MLValueError(f"{fn}(): invalid request: {exc}") from None
    except httpx.HTTPError as exc:
        raise MLRuntimeError(f"{fn}: network error: {exc}") from None


def _options(fn: str, options: Any) -> dict[str, Any]:
    if options is None:
        return {}
    if type(options) is not dict:
        raise MLTypeError(f"{fn}() expects an options object, got {typeof(options)}")
    return options


# -- the module functions ---------------------------------------------------------------------


def _simple(method: str) -> Callable[..., Any]:
    fn = f"http.{method.lower()}"

    def call(url: Any, headers: Any = None, timeout: Any = None) -> Any:
        return _send(fn, method, url, headers, None, timeout)

    return call


def _with_body(method: str) -> Callable[..., Any]:
    fn = f"http.{method.lower()}"

    def call(url: Any, options: Any = None) -> Any:
        o = _options(fn, options)
        return _send(fn, method, url, o.get("headers"), o.get("body"), o.get("timeout"))

    return call


def _request(options: Any) -> Any:
    fn = "http.request"
    o = _options(fn, options)
    if "url" not in o:
        raise MLValueError("http.request(): options.url is required")
    method = o.get("method", "GET")
    if type(method) is not str or method.upper() not in _METHODS:
        raise MLValueError(f"http.request(): unsupported method (use one of {', '.join(sorted(_METHODS))})")
    return _send(fn, method.upper(), o["url"], o.get("headers"), o.get("body"), o.get("timeout"))


def _need_text(fn: str, value: Any) -> str:
    if type(value) is not str:
        raise MLTypeError(f"{fn}() expects a string, got {typeof(value)}")
    return value


#: bytes ``quote`` keeps as they are (the rest become ``%XX``, three characters each)
_UNRESERVED = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~"


def _quoted_size(data: bytes, safe: bytes) -> int:
    """Characters of ``data`` percent-encoded, keeping ``safe`` bytes and the unreserved ones
    (one C pass: the bytes left after deleting the kept ones are the escaped ones)."""
    escaped = len(data.translate(None, _UNRESERVED + safe))
    return len(data) + 2 * escaped


def _check_quoted(fn: str, sizes: Iterable[int]) -> None:
    """Refuse (before building it) an encoded text longer than ``max_string``: percent-encoding
    makes up to nine characters of one (a 3-byte UTF-8 character)."""
    state = current()
    total = 0
    for size in sizes:
        total += size
        if total > state.limits.max_string:
            raise state.limit_error("max_string", f"{fn}: encoded text of at least {total} characters")


def _encode_uri(text: Any) -> str:
    s = _need_text("http.encodeURI", text)
    data = s.encode("utf-8", "surrogatepass")
    _check_quoted("http.encodeURI", [_quoted_size(data, b"/")])
    return urllib.parse.quote(s)


def _decode_uri(text: Any) -> str:
    return urllib.parse.unquote(_need_text("http.decodeURI", text))


def _encode_query(params: Any) -> str:
    if type(params) is not dict:
        raise MLTypeError(f"http.encodeQuery() expects an object, got {typeof(params)}")
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        values = value if type(value) is list else [value]
        pairs.extend((key, v if type(v) is str else to_str(v)) for v in values)
    check_array(len(pairs))
    _check_quoted(
        "http.encodeQuery",
        (
            _quoted_size(k.encode("utf-8", "surrogatepass"), b" ")
            + _quoted_size(v.encode("utf-8", "surrogatepass"), b" ")
            + 2
            for k, v in pairs
        ),
    )
    return urllib.parse.urlencode(pairs)


def _parse_query(query: Any) -> dict[str, Any]:
    text = _need_text("http.parseQuery", query)
    parsed = urllib.parse.parse_qs(text[1:] if text.startswith("?") else text)
    check_array(len(parsed))
    return {k: v[0] if len(v) == 1 else v for k, v in parsed.items()}


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "get": _simple("GET"),
    "head": _simple("HEAD"),
    "delete": _simple("DELETE"),
    "post": _with_body("POST"),
    "put": _with_body("PUT"),
    "patch": _with_body("PATCH"),
    "request": _request,
    "encodeURI": _encode_uri,
    "decodeURI": _decode_uri,
    "encodeQuery": _encode_query,
    "parseQuery": _parse_query,
}

_MEMBERS = builtin_table("http", _FUNCTIONS)


def create(state: CallState) -> Module:
    """The ``http`` module for a call granted ``http`` (a list of hosts).

    Raises:
        MLSecurityError: ``http`` is not granted.
    """
    if "http" not in state.capabilities:
        raise MLSecurityError("import http needs the capability http")
    return Module("http", dict(_MEMBERS))
