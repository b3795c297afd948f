"""mlpy's HTTP service: a FastAPI app running ML scripts on one `AsyncMLExecutor` per process.

Layer 6 (server): the only package that imports fastapi, pydantic and uvicorn; may import
anything in mlpy below it. ``import mlpy`` never imports it.

    uvicorn mlpy.server.app:app                                 # one process
    gunicorn -k uvicorn_worker.UvicornWorker mlpy.server.app:app  # several
    mlpy serve [--host 127.0.0.1] [--port 8000] [--workers N] [--strict]

In code: ``create_app(Settings(workers=8))``. See docs/http.md.
"""

from __future__ import annotations

from mlpy.server.app import create_app
from mlpy.server.settings import Settings, SettingsError

__all__ = ["Settings", "SettingsError", "create_app"]
