"""gunicorn settings for the mlpy HTTP service in production.

    gunicorn -c examples/gunicorn.conf.py mlpy.server.app:app

Each gunicorn worker is one process with its own event loop and its own AsyncMLExecutor of
MLPY_WORKERS threads (4 by default), so up to workers x MLPY_WORKERS scripts run at once.
Command-line options override these (``-w 8``, ``-b 0.0.0.0:8000``), and so does the
GUNICORN_CMD_ARGS environment variable. The MLPY_* variables (docs/http.md,
docs/operations.md) configure the service itself.

Metrics: every worker is a process with its own counters, so prometheus-client's multiprocess
mode is set up here: PROMETHEUS_MULTIPROC_DIR (yours, or a fresh temporary directory) is
emptied at start, each worker writes its values there, a scrape of /metrics on any worker
reads them all, and a worker that exits has its live gauges dropped (child_exit).
"""

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

#: prometheus-client reads this when a worker imports it, so it is set before any worker starts
_MULTIPROC = "PROMETHEUS_MULTIPROC_DIR"
#: marks a directory this file made (gunicorn reads this file again on HUP: the mark survives)
_OWNED = "MLPY_GUNICORN_METRICS_DIR_OWNED"
if _MULTIPROC not in os.environ:
    os.environ[_MULTIPROC] = tempfile.mkdtemp(prefix="mlpy-metrics-")
    os.environ[_OWNED] = "1"

#: where to listen; put a reverse proxy in front for anything but localhost
bind = "127.0.0.1:8000"

#: processes: the interpreter lock makes threads take turns, so CPU throughput comes from
#: processes; about one per core (WEB_CONCURRENCY overrides)
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2))

#: an asyncio event loop per process (the maintained worker, not uvicorn.workers)
worker_class = "uvicorn_worker.UvicornWorker"

#: a worker that stops answering its heartbeat for this long is restarted; scripts run in
#: threads and never block the event loop, so keep it well above MLPY_MAX_TIMEOUT (30 s)
timeout = 60

#: on restart or shutdown, calls in flight get this long to finish (their timeouts end them)
graceful_timeout = 35

#: seconds an idle keep-alive connection stays open (match or stay below your proxy's)
keepalive = 5

#: recycle each worker after about this many requests, to bound memory growth over weeks
max_requests = 10_000
max_requests_jitter = 1_000

#: log to standard error and standard output, for the process supervisor to collect
errorlog = "-"
accesslog = "-"
loglevel = "info"


def on_starting(server: Any) -> None:
    """Empty the metrics directory: values left by an earlier run would be counted again."""
    directory = Path(os.environ[_MULTIPROC])
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()


def child_exit(server: Any, worker: Any) -> None:
    """Drop the live gauges (busy, queued) of a worker that exited; its counters stay counted."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server: Any) -> None:
    """Remove the metrics directory this file made (one you gave is left as it is)."""
    if os.environ.get(_OWNED) == "1":
        shutil.rmtree(os.environ[_MULTIPROC], ignore_errors=True)
