"""HTTP cost: ``POST /execute`` with ``result = 2 + 2;`` against a bare route in the same app.

Run: .venv/bin/python benchmarks/bench_http.py

Servers run on 127.0.0.1 only: uvicorn with 1 worker, then gunicorn with 2 uvicorn workers,
both serving ``benchmarks/http_app.py`` (the mlpy app plus a ``POST /bare`` route that parses
the same request body and returns a fixed response). The load generator is ``wrk`` (Debian
package ``wrk``) when installed, else a bounded httpx client; each run is bounded in time.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from common import table  # noqa: E402

APP = os.environ.get("MLPY_BENCH_APP", "http_app:app")
BODY = json.dumps({"code": "result = 2 + 2;", "timeout": 5.0})
SECONDS = 8
CONNECTIONS = 16


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(port: int, proc: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited before it was ready")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                time.sleep(0.5)
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start in time")


@contextmanager
def server(kind: str) -> Iterator[int]:
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=f"{HERE}{os.pathsep}{ROOT}")
    bin_dir = Path(sys.executable).parent
    if kind == "uvicorn":
        cmd = [sys.executable, "-m", "uvicorn", APP, "--host", "127.0.0.1", "--port", str(port),
               "--workers", "1", "--log-level", "warning", "--no-access-log"]
    else:
        cmd = [str(bin_dir / "gunicorn"), "-k", "uvicorn_worker.UvicornWorker", "-w", "2",
               "-b", f"127.0.0.1:{port}", "--log-level", "warning", APP]
    proc = subprocess.Popen(cmd, cwd=HERE, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_ready(port, proc)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _wrk(port: int, path: str) -> tuple[float, float, float]:
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    script.write(
        'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
        f"wrk.body = {json.dumps(BODY)}\n"
    )
    script.close()
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", "-s", script.name,
         f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, timeout=SECONDS + 30, check=True,
    ).stdout
    os.unlink(script.name)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise RuntimeError(f"{path}: {non2xx.group(1)} failed responses")

    def pct(p: str) -> float:
        m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out)
        if not m:
            return float("nan")
        scale = {"us": 1e-3, "ms": 1.0, "s": 1e3}[m.group(2)]
        return float(m.group(1)) * scale

    return rate, pct("50"), pct("99")


def _httpx(port: int, path: str) -> tuple[float, float, float]:
    import asyncio

    import httpx
    from common import percentile

    async def go() -> tuple[float, float, float]:
        lat: list[float] = []
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            stop = time.monotonic() + SECONDS

            async def worker() -> None:
                while time.monotonic() < stop and len(lat) < 100_000:
                    t0 = time.perf_counter()
                    r = await client.post(path, content=BODY, headers={"content-type": "application/json"})
                    r.raise_for_status()
                    lat.append(time.perf_counter() - t0)

            start = time.monotonic()
            await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))
            elapsed = time.monotonic() - start
        return len(lat) / elapsed, percentile(lat, 50) * 1e3, percentile(lat, 99) * 1e3

    return asyncio.run(go())


def run() -> tuple[str, dict[str, float]]:
    load = _wrk if shutil.which("wrk") else _httpx
    rows, figures = [], {}
    for kind in ("uvicorn", "gunicorn"):
        with server(kind) as port:
            load(port, "/bare")  # warm up both routes
            load(port, "/execute")
            bare = load(port, "/bare")
            ex = load(port, "/execute")
        figures[f"http_{kind}_ratio"] = ex[0] / bare[0]
        label = "uvicorn, 1 worker" if kind == "uvicorn" else "gunicorn, 2 uvicorn workers"
        rows.append([label, "POST /bare", f"{bare[0]:,.0f}", f"{bare[1]:.2f}", f"{bare[2]:.2f}", ""])
        ratio = f"{ex[0] / bare[0]:.0%}"
        rows.append([label, "POST /execute", f"{ex[0]:,.0f}", f"{ex[1]:.2f}", f"{ex[2]:.2f}", ratio])
    generator = "wrk" if load is _wrk else "httpx"
    text = table(["server", "route", "req/s", "p50 ms", "p99 ms", "/execute vs bare"], rows)
    return f"{text}\n\nLoad: {generator}, {CONNECTIONS} connections, {SECONDS} s per run, 127.0.0.1.", figures


if __name__ == "__main__":
    print(run()[0])
