"""The ``http`` host-access module: granted hosts only, every redirect checked, time and size caps.

Every request goes to a local ``ThreadingHTTPServer`` on 127.0.0.1 (a free port); the hostile
cases are refused before anything is sent anywhere else.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

import mlpy
from mlpy import Limits


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence the server
        pass

    def reply(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for k, v in (headers or {"Content-Type": "text/plain; charset=utf-8"}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def route(self) -> None:
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        port = self.server.server_address[1]  # type: ignore[index]
        if url.path == "/hello":
            self.reply(200, b"hello", {"Content-Type": "text/plain; charset=utf-8", "X-Thing": "a"})
        elif url.path == "/echo":
            echo = {
                "method": self.command,
                "body": body.decode(),
                "content_type": self.headers.get("Content-Type"),
                "custom": self.headers.get("X-Custom"),
                "accept_encoding": self.headers.get("Accept-Encoding"),
                "host": self.headers.get("Host"),
            }
            self.reply(200, json.dumps(echo).encode(), {"Content-Type": "application/json"})
        elif url.path == "/redirect":
            self.reply(
                int(query.get("code", "302")), b"", {"Location": query["to"].replace("PORT", str(port))}
            )
        elif url.path == "/loop":
            self.reply(302, b"", {"Location": "/loop"})
        elif url.path == "/big":
            n = int(query["n"])
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(n))
            self.end_headers()
            for _ in range(n // 1000):
                self.wfile.write(b"x" * 1000)
            self.wfile.write(b"x" * (n % 1000))
        elif url.path == "/slow":
            time.sleep(float(query.get("s", "1")))
            self.reply(200, b"late")
        elif url.path == "/latin":
            self.reply(200, "café".encode("latin-1"), {"Content-Type": "text/plain; charset=iso-8859-1"})
        elif url.path == "/multi":
            self.send_response(200)
            self.send_header("Set-Cookie", "a=1")
            self.send_header("Set-Cookie", "b=2")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.reply(404, b"not found")

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = route


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up (timeouts, size caps) is expected here


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    srv = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{srv.server_address[1]}"
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join()


def run(server: str, code: str, grants: list[str] | None = None, **kw: Any) -> mlpy.MLResult:
    kw.setdefault("capabilities", {"http": [server] if grants is None else grants})
    kw.setdefault("context", {"BASE": f"http://{server}"})
    return mlpy.run("import http;\n" + code, **kw)


def value(server: str, expr: str, **kw: Any) -> Any:
    r = run(server, f"result = {expr};", **kw)
    assert r.success, r.error
    return r.value


def refused(server: str, expr: str, **kw: Any) -> mlpy.MLResult:
    r = run(server, f"x = 1;\nresult = {expr};", **kw)
    assert r.error_type == "SecurityError", (r.value, r.error)
    assert (r.error_line, r.error_column) == (3, 10)
    return r


# -- requests and responses -------------------------------------------------------------------


def test_get(server: str) -> None:
    r = value(server, 'http.get(BASE + "/hello")')
    assert r["status"] == 200
    assert r["statusText"] == "OK"
    assert r["ok"] is True
    assert r["body"] == "hello"
    assert r["headers"]["x-thing"] == "a"
    assert r["headers"]["content-type"] == "text/plain; charset=utf-8"
    assert r["url"] == f"http://{server}/hello"


def test_error_statuses_are_responses(server: str) -> None:
    r = value(server, 'http.get(BASE + "/missing")')
    assert (r["status"], r["ok"], r["body"]) == (404, False, "not found")


def test_methods_and_bodies(server: str) -> None:
    code = """r = [
  json_of(http.post(BASE + "/echo", {body: {name: "Ada", n: [1, 2]}})),
  json_of(http.put(BASE + "/echo", {body: "plain", headers: {"Content-Type": "text/x-ml", "X-Custom": 7}})),
  json_of(http.patch(BASE + "/echo")),
  json_of(http.delete(BASE + "/echo", {"X-Custom": "d"})),
  json_of(http.request({method: "options", url: BASE + "/echo"})),
  http.head(BASE + "/hello"),
];
result = r;
"""
    prelude = "function json_of(resp) { return {status: resp.status, text: resp.body}; }\n"
    res = run(server, prelude + code)
    assert res.success, res.error
    post, put, patch, delete, options, head = res.value
    echo = [json.loads(x["text"]) for x in (post, put, patch, delete, options)]
    assert echo[0]["method"] == "POST"
    assert json.loads(echo[0]["body"]) == {"name": "Ada", "n": [1, 2]}
    assert echo[0]["content_type"] == "application/json"
    assert echo[0]["accept_encoding"] == "identity"
    assert echo[0]["host"] == server
    assert (echo[1]["method"], echo[1]["body"], echo[1]["content_type"], echo[1]["custom"]) == (
        "PUT",
        "plain",
        "text/x-ml",
        "7",
    )
    assert echo[2]["method"] == "PATCH" and echo[2]["body"] == ""
    assert echo[3]["method"] == "DELETE" and echo[3]["custom"] == "d"
    assert echo[4]["method"] == "OPTIONS"
    assert head["status"] == 200 and head["body"] == ""


def test_charset_and_repeated_headers(server: str) -> None:
    assert value(server, 'http.get(BASE + "/latin").body') == "café"
    assert value(server, 'http.get(BASE + "/multi").headers["set-cookie"]') == "a=1, b=2"


def test_redirect_within_the_grant_is_followed(server: str) -> None:
    r = value(server, 'http.get(BASE + "/redirect?to=/hello")')
    assert (r["status"], r["body"], r["url"]) == (200, "hello", f"http://{server}/hello")
    r = value(server, 'http.post(BASE + "/redirect?code=307&to=/echo", {body: "kept"})')
    assert json.loads(r["body"])["body"] == "kept"
    r = value(server, 'http.post(BASE + "/redirect?code=303&to=/echo", {body: "dropped"})')
    assert json.loads(r["body"])["method"] == "GET"


def test_pure_helpers(server: str) -> None:
    assert value(server, 'http.encodeURI("hello world/ü")') == "hello%20world/%C3%BC"
    assert value(server, 'http.decodeURI("hello%20world")') == "hello world"
    assert value(server, 'http.encodeQuery({name: "John Doe", age: 30, tag: ["a", "b"], ok: true})') == (
        "name=John+Doe&age=30&tag=a&tag=b&ok=true"
    )
    assert value(server, 'http.parseQuery("?name=John&age=30&t=a&t=b")') == {
        "name": "John",
        "age": "30",
        "t": ["a", "b"],
    }


def test_environment_proxies_are_ignored(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    assert value(server, 'http.get(BASE + "/hello").body') == "hello"


# -- hostile cases ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "words"),
    [
        ('http.get("http://not-granted.invalid/x")', "host not-granted.invalid:80 is not granted"),
        ('http.get("https://example.com/")', "host example.com:443 is not granted"),
        ('http.get("http://localhost:" + PORT + "/hello")', "is not granted"),
        ('http.get("http://127.0.0.1:" + str(int(PORT) + 1) + "/hello")', "is not granted"),
        ('http.get("http://evil.invalid@127.0.0.1.invalid:" + PORT + "/")', "127.0.0.1.invalid"),
        ('http.get("file:///etc/passwd")', 'only http and https URLs are allowed, not "file:"'),
        ('http.get("ftp://" + HOST + "/x")', "only http and https"),
        (
            'http.get(BASE + "/redirect?to=http://not-granted.invalid/x")',
            "host not-granted.invalid:80 is not granted",
        ),
        ('http.get(BASE + "/redirect?to=http://localhost:PORT/hello")', "host localhost"),
        ('http.get(BASE + "/redirect?to=file:///etc/passwd")', "only http and https"),
        ('http.get(BASE + "/hello", {Host: "internal.example"})', "the Host header cannot be set"),
        ('http.request({url: BASE + "/hello", headers: {"host": "x"}})', "Host header"),
    ],
)
def test_refused_before_anything_is_sent(server: str, expr: str, words: str) -> None:
    host, port = server.split(":")
    r = refused(server, expr, context={"BASE": f"http://{server}", "PORT": port, "HOST": server})
    assert words in (r.error or "")
    assert "capability http" in (r.error or "") or "http" in (r.error or "")


def test_grant_without_port_means_default_ports_only(server: str) -> None:
    refused(server, 'http.get(BASE + "/hello")', grants=["127.0.0.1"])


def test_refusals_cannot_be_caught(server: str) -> None:
    r = run(server, 'try { http.get("http://not-granted.invalid/"); } except (e) { result = e; }')
    assert r.error_type == "SecurityError"


def test_oversized_response_is_refused(server: str) -> None:
    r = run(server, 'result = http.get(BASE + "/big?n=50000");', limits=Limits(max_string=10_000))
    assert r.error_type == "LimitError"
    assert "max_string" in (r.error or "")
    ok = run(server, 'result = len(http.get(BASE + "/big?n=10000").body);', limits=Limits(max_string=10_000))
    assert ok.value == 10_000


def test_too_many_redirects(server: str) -> None:
    r = run(server, 'x = 1;\nresult = http.get(BASE + "/loop");')
    assert r.error_type == "Error"
    assert "too many redirects" in (r.error or "")
    assert (r.error_line, r.error_column) == (3, 10)


def test_request_timeout_is_a_catchable_error(server: str) -> None:
    start = time.monotonic()
    code = 'try { http.get(BASE + "/slow?s=1", null, 0.2); } except (e) { result = [e.type, e.message]; }'
    r = run(server, code)
    assert time.monotonic() - start < 0.9
    assert r.value[0] == "Error"
    assert "timed out" in r.value[1]


def test_the_call_deadline_bounds_every_request(server: str) -> None:
    start = time.monotonic()
    r = run(server, 'result = http.get(BASE + "/slow?s=1");', timeout=0.3)
    assert time.monotonic() - start < 0.9
    assert r.error_type == "TimeoutError"


def test_network_failure_is_a_catchable_error(server: str) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"127.0.0.1:{s.getsockname()[1]}"
    r = run(server, f'result = http.get("http://{closed}/");', grants=[closed])
    assert r.error_type == "Error"
    assert "network error" in (r.error or "")


@pytest.mark.parametrize(
    ("expr", "error_type", "words"),
    [
        ("http.get(5)", "TypeError", "http.get() expects a URL string, got number"),
        ('http.get("http://")', "ValueError", "the URL has no host"),
        ('http.get(BASE, {"Bad Name": "x"})', "ValueError", "invalid header name"),
        ('http.get(BASE, {"X-A": "a\\nb"})', "ValueError", "invalid value for header"),
        ('http.get(BASE, {"Content-Length": "5"})', "ValueError", "cannot be given"),
        ("http.get(BASE, null, -1)", "ValueError", "timeout must be a positive number"),
        ("http.post(BASE, 5)", "TypeError", "expects an options object"),
        ('http.request({method: "TRACE", url: BASE})', "ValueError", "unsupported method"),
        ('http.request({method: "GET"})', "ValueError", "options.url is required"),
        ("http.post(BASE, {body: fn(x) => x})", "TypeError", "function"),
    ],
)
def test_errors(server: str, expr: str, error_type: str, words: str) -> None:
    r = run(server, f"x = 1;\nresult = {expr};")
    assert r.error_type == error_type, r.error
    assert words in (r.error or "")
    assert (r.error_line, r.error_column) == (3, 10)


def test_import_needs_the_grant_and_strict_mode_refuses_it(server: str) -> None:
    r = mlpy.run('import http;\nresult = http.encodeURI("a b");')
    assert r.error_type == "SecurityError"
    assert "import http needs the capability http" in (r.error or "")
    r = run(server, 'result = http.get(BASE + "/hello");', strict_security=True)
    assert r.error_type == "SecurityError"
    assert "strict mode" in (r.error or "")


def test_grant_parsing() -> None:
    from mlpy.runtime.stdlib.http import _allowed, _parse_grant

    grants = [
        g
        for g in map(
            _parse_grant, ["API.Example.com", "*.corp.example:8443", "[::1]:8080", "::1", "http://x.test:81"]
        )
        if g
    ]
    assert _allowed(grants, "api.example.com", 443)
    assert _allowed(grants, "api.example.com", 80)
    assert not _allowed(grants, "api.example.com", 8080)
    assert not _allowed(grants, "evil-api.example.com", 443)
    assert _allowed(grants, "a.b.corp.example", 8443)
    assert not _allowed(grants, "corp.example", 8443)
    assert not _allowed(grants, "a.corp.example", 443)
    assert _allowed(grants, "::1", 8080)
    assert _allowed(grants, "::1", 80)
    assert _allowed(grants, "x.test", 81)
    assert not _allowed(grants, "x.test", 80)
    assert _parse_grant("münchen.de") == _parse_grant("xn--mnchen-3ya.de")
    assert _parse_grant("bad:port") is None
    assert _parse_grant("*") is None or not _allowed([g for g in [_parse_grant("*")] if g], "example.com", 80)
