"""Run attacks on the per-operation bounds in this (fresh) process and report what they cost.

Used by tests/security/test_bounds.py as ``python -m tests.security.bounds_probe`` with a JSON
list of attacks on stdin; writes one JSON object on stdout:
``{"attacks": [{"error_type", "error", "elapsed", "idle_cpu"}...], "max_rss_mb": ...}``.

Each attack runs in an `AsyncMLExecutor` worker thread (as in the service). After it ends, the
process's CPU time is measured over the next `IDLE_WINDOW` seconds while the event loop only
sleeps: a worker still busy with the attack (a C call holding the GIL, a loop that missed the
deadline) shows up as CPU time near the window's length. ``ru_maxrss`` is the peak resident
memory of the whole process, attacks included.

An attack may ask for a dripping HTTP server (``"drip": true``): a thread on 127.0.0.1 that
sends its response headers one byte every 50 ms; its address is the context value ``URL`` and
the grant ``http``.
"""

from __future__ import annotations

import asyncio
import json
import resource
import socket
import sys
import tempfile
import threading
import time
from typing import Any

from mlpy import Limits
from mlpy.executor import AsyncMLExecutor

#: seconds over which the process's CPU time is measured after each attack
IDLE_WINDOW = 1.0


def _drip_server() -> str:
    """Start a server that drips its headers forever; return ``host:port``."""
    listener = socket.create_server(("127.0.0.1", 0))

    def drip(conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                for byte in b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 100000:
                    conn.sendall(bytes([byte]))
                    time.sleep(0.05)
            except OSError:
                return

    def serve() -> None:
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=drip, args=(conn,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return f"127.0.0.1:{listener.getsockname()[1]}"


async def _run(attacks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    warm = AsyncMLExecutor(max_workers=1)  # the first compile builds the grammar: not an attack's time
    await warm.execute("result = 1;", timeout=30)
    warm.shutdown()
    reports = []
    for attack in attacks:
        limits = Limits(**attack.get("limits", {}))
        grants: dict[str, list[str]] = {}
        context: dict[str, Any] = {}
        if attack.get("drip"):
            address = _drip_server()
            grants["http"] = [address]
            context["URL"] = f"http://{address}/"
        if attack.get("files"):
            grants["file.write"] = [tempfile.mkdtemp(prefix="mlpy-bounds-")]
        executor = AsyncMLExecutor(max_workers=1, limits=limits)
        started = time.monotonic()
        result = await executor.execute(
            attack["code"], timeout=attack["timeout"], context=context, capabilities=grants
        )
        elapsed = time.monotonic() - started
        cpu = time.process_time()
        await asyncio.sleep(IDLE_WINDOW)
        idle_cpu = time.process_time() - cpu
        executor.shutdown(wait=False)
        reports.append(
            {
                "error_type": result.error_type,
                "error": result.error,
                "success": result.success,
                "elapsed": elapsed,
                "idle_cpu": idle_cpu,
            }
        )
    return reports


def main() -> None:
    attacks = json.load(sys.stdin)
    reports = asyncio.run(_run(attacks))
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    json.dump({"attacks": reports, "max_rss_mb": peak_kb / 1024}, sys.stdout)


if __name__ == "__main__":
    main()
