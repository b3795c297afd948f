"""A network backend for the ``http`` module whose every socket operation ends by one deadline.

Layer 3 (runtime): imports the standard library, httpx/httpcore and `mlpy.errors`.

httpx's timeouts apply to each read, write or connect separately, so a server that drips its
response headers one byte at a time, each byte within the timeout, kept a request (and the
worker thread running it) going for as long as it liked. Here every operation is given at most
the time left until the request's deadline (connect to last byte, redirects included), in
slices of `SLICE` seconds, between which the call's stop reason is looked at: a call cancelled
by the executor stops within a slice even while a read blocks.

`deadline_transport` builds the httpx transport that uses it.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable, Iterable
from typing import Any

import httpcore
import httpx

__all__ = ["SLICE", "deadline_transport"]

#: longest single blocking socket operation, in seconds (how soon a cancel is noticed)
SLICE = 0.1


class _Clock:
    """The request's deadline and the call's stop check, shared by its streams."""

    __slots__ = ("deadline", "stopped")

    def __init__(self, deadline: float, stopped: Callable[[], None]) -> None:
        self.deadline = deadline
        #: raises the call's stop reason if it has one
        self.stopped = stopped

    def left(self, timeout: float | None, error: type[Exception]) -> float:
        """Seconds the next slice of an operation may block (``error`` once none are left)."""
        self.stopped()
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise error("the request's deadline passed")
        return min(left, SLICE, timeout if timeout is not None else SLICE)

    def all_left(self, timeout: float | None) -> float:
        """All the time left (capped by ``timeout``), for an operation that cannot be retried
        after a partial timeout (connect, write, TLS handshake)."""
        self.stopped()
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise httpcore.ConnectTimeout("the request's deadline passed")
        return min(left, timeout) if timeout is not None else left

    def run(self, op: Callable[[float], Any], timeout: float | None, error: type[Exception]) -> Any:
        """``op(slice)`` again after each slice that timed out, until the deadline or
        ``timeout`` (the per-operation timeout httpx asked for) has passed."""
        end = time.monotonic() + timeout if timeout is not None else None
        while True:
            try:
                return op(self.left(None if end is None else end - time.monotonic(), error))
            except error:
                if end is not None and time.monotonic() >= end:
                    raise
                if time.monotonic() >= self.deadline:
                    raise


class _Stream(httpcore.NetworkStream):
    """A socket stream whose reads and writes end by the clock's deadline."""

    def __init__(self, inner: httpcore.NetworkStream, clock: _Clock) -> None:
        self.inner = inner
        self.clock = clock

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data: bytes = self.clock.run(lambda t: self.inner.read(max_bytes, t), timeout, httpcore.ReadTimeout)
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        # a write is not retried after a slice times out (part of it may have been sent), so it
        # gets the whole time left at once
        self.inner.write(buffer, self.clock.all_left(timeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        left = self.clock.all_left(timeout)
        return _Stream(self.inner.start_tls(ssl_context, server_hostname, left), self.clock)

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    """httpcore's own sync backend, with every stream bounded by the clock."""

    def __init__(self, clock: _Clock) -> None:
        self.inner = httpcore.SyncBackend()
        self.clock = clock

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        left = self.clock.all_left(timeout)
        return _Stream(self.inner.connect_tcp(host, port, left, local_address, socket_options), self.clock)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not available to scripts")

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, min(seconds, self.clock.deadline - time.monotonic())))


def deadline_transport(
    ssl_context: ssl.SSLContext, deadline: float, stopped: Callable[[], None]
) -> httpx.HTTPTransport:
    """An httpx transport (no proxies, HTTP/1.1) whose every socket operation, connect to last
    byte, ends by the monotonic time ``deadline``; ``stopped()`` is called between slices and
    raises to abandon the request (the call was cancelled).

    httpx has no public way to choose the network backend of its transport, so the transport's
    connection pool is replaced by one built with ours (tests/stdlib/test_http_deadline.py
    fails loudly if a new httpx changes that)."""
    transport = httpx.HTTPTransport(verify=ssl_context, trust_env=False)
    if not isinstance(getattr(transport, "_pool", None), httpcore.ConnectionPool):
        raise RuntimeError("httpx.HTTPTransport no longer holds an httpcore.ConnectionPool in _pool")
    transport._pool = httpcore.ConnectionPool(
        ssl_context=ssl_context, network_backend=_Backend(_Clock(deadline, stopped))
    )
    return transport
