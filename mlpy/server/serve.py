"""`serve`: run the HTTP service with uvicorn (what ``mlpy serve`` calls).

Layer 6 (server): imports the standard library, uvicorn, `mlpy.jobs` and `mlpy.server.*`.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from contextlib import ExitStack
from dataclasses import replace

import uvicorn

from mlpy.jobs import ConfigError, JobsConfig, Workers
from mlpy.server.app import create_app
from mlpy.server.settings import Settings, SettingsError

__all__ = ["APP", "serve"]

#: the import string of the app, for uvicorn's worker processes
APP = "mlpy.server.app:app"


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    strict: bool = False,
    insecure: bool = False,
    job_workers: int = 1,
) -> int:
    """Serve the API on ``host:port`` until interrupted; the exit status (2: bad settings).

    On an address that is not loopback, it refuses to start without API keys
    (``MLPY_API_KEYS`` or ``MLPY_API_KEYS_FILE``) unless ``insecure``: an open service there
    would run anyone's code.

    ``workers`` is the number of processes (each with ``MLPY_WORKERS`` executor threads);
    with more than one, uvicorn starts them from the import string `APP`, and they read the
    ``MLPY_*`` environment, which ``strict`` sets (``MLPY_STRICT``) for them.
    ``job_workers`` job worker processes (`mlpy.jobs.Workers`) run beside them, on the same
    ``MLPY_DATA_DIR`` or ``MLPY_JOBS_URL``; 0 runs none (``mlpy worker`` runs them elsewhere).
    """
    if workers < 1:
        return _fail(f"--workers must be at least 1, got {workers}")
    if job_workers < 0:
        return _fail(f"--job-workers must be 0 or more, got {job_workers}")
    if not 0 <= port <= 65535:
        return _fail(f"--port must be from 0 to 65535, got {port}")
    if strict:
        os.environ[Settings.env_name("strict")] = "true"
    try:
        settings = Settings.from_env()
        jobs = JobsConfig.from_env()
    except (SettingsError, ConfigError) as e:
        return _fail(str(e))
    if not insecure and not _is_loopback(host) and not (settings.api_keys or settings.api_keys_file):
        return _fail(
            f"{host} is not a loopback address and no API keys are configured: anyone who can "
            "reach it could run code. Set MLPY_API_KEYS or MLPY_API_KEYS_FILE (docs/operations.md), "
            "or pass --insecure to serve it open anyway"
        )
    jobs = replace(jobs, strict=jobs.strict or settings.strict)
    with ExitStack() as stack:
        if job_workers:
            stack.enter_context(Workers(jobs, job_workers))
        if workers == 1:
            uvicorn.run(create_app(settings, jobs), host=host, port=port)
        else:
            uvicorn.run(APP, host=host, port=port, workers=workers)
    return 0


def _is_loopback(host: str) -> bool:
    """``localhost`` or a loopback IP (127.0.0.0/8, ::1); a name or 0.0.0.0 is not."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _fail(message: str) -> int:
    sys.stderr.write(f"mlpy serve: {message}\n")
    return 2
