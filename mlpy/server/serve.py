"""`serve`: run the HTTP service with uvicorn (what ``mlpy serve`` calls).

Layer 6 (server): imports the standard library, uvicorn and `mlpy.server.*`.
"""

from __future__ import annotations

import os
import sys

import uvicorn

from mlpy.server.app import create_app
from mlpy.server.settings import Settings, SettingsError

__all__ = ["APP", "serve"]

#: the import string of the app, for uvicorn's worker processes
APP = "mlpy.server.app:app"


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1, strict: bool = False) -> int:
    """Serve the API on ``host:port`` until interrupted; the exit status (2: bad settings).

    ``workers`` is the number of processes (each with ``MLPY_WORKERS`` executor threads);
    with more than one, uvicorn starts them from the import string `APP`, and they read the
    ``MLPY_*`` environment, which ``strict`` sets (``MLPY_STRICT``) for them.
    """
    if workers < 1:
        return _fail(f"--workers must be at least 1, got {workers}")
    if not 0 <= port <= 65535:
        return _fail(f"--port must be from 0 to 65535, got {port}")
    if strict:
        os.environ[Settings.env_name("strict")] = "true"
    try:
        settings = Settings.from_env()
    except SettingsError as e:
        return _fail(str(e))
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port)
    else:
        uvicorn.run(APP, host=host, port=port, workers=workers)
    return 0


def _fail(message: str) -> int:
    sys.stderr.write(f"mlpy serve: {message}\n")
    return 2
