"""The whole HTTP request, connect to last byte, ends by one deadline (issue 12 class 6).

A server on 127.0.0.1 that drips its response a byte at a time (each byte well within any
per-read timeout) must not hold a call past its deadline, nor a request past its own timeout.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Iterator

import httpcore
import pytest

import mlpy
from mlpy.runtime.stdlib import _net

#: seconds between two bytes of the dripping server (far below every timeout used here)
_DRIP = 0.05
_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n"


def _drip(conn: socket.socket, headers_too: bool, stop: threading.Event) -> None:
    with conn:
        conn.settimeout(5)
        try:
            conn.recv(65536)  # the request
            if not headers_too:
                conn.sendall(_HEAD)
            data = (_HEAD if headers_too else b"") + b"x" * 100000
            for byte in data:
                if stop.is_set():
                    return
                conn.sendall(bytes([byte]))
                time.sleep(_DRIP)
        except OSError:
            return  # the client gave up, as it should


@pytest.fixture(params=["headers", "body"])
def dripping(request: pytest.FixtureRequest) -> Iterator[str]:
    """``host:port`` of a server dripping its headers (or only its body) byte by byte."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)  # so the accept loop sees `stop` (closing does not wake accept)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=_drip, args=(conn, request.param == "headers", stop), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        listener.close()
        thread.join(timeout=5)


def _run(address: str, code: str, timeout: float) -> tuple[mlpy.MLResult, float]:
    started = time.monotonic()
    result = mlpy.run(
        "import http;\n" + code,
        timeout=timeout,
        capabilities={"http": [address]},
        context={"URL": f"http://{address}/"},
    )
    return result, time.monotonic() - started


def test_a_dripping_server_cannot_hold_the_call_past_its_deadline(dripping: str) -> None:
    result, took = _run(dripping, "result = http.get(URL);", timeout=1.0)
    assert result.error_type == "TimeoutError", result
    assert took < 1.0 + 1.0  # the timeout plus a generous grace (the drip alone takes 5000 s)


def test_the_request_timeout_bounds_the_whole_request(dripping: str) -> None:
    code = "try { result = http.get(URL, null, 0.5); } except (e) { result = e.message; }"
    result, took = _run(dripping, code, timeout=10.0)
    assert result.success, result
    assert "timed out" in result.value
    assert took < 0.5 + 1.5


def test_the_slice_is_short_enough_to_notice_a_cancel() -> None:
    assert _net.SLICE <= 0.25


def test_httpx_still_holds_the_pool_we_replace() -> None:
    transport = _net.deadline_transport(ssl.create_default_context(), time.monotonic() + 1, lambda: None)
    assert isinstance(transport._pool, httpcore.ConnectionPool)
    transport.close()
