"""What the two schemathesis runs share (tests/server/test_schemathesis.py, the open API, and
tests/server/ops/test_schemathesis_keyed.py, the API with keys and limits)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import schemathesis
from fastapi import FastAPI
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import positive_data_acceptance

from mlpy.jobs import JobsConfig


def jobs_config() -> JobsConfig:
    """A job system of the run's own (jobs queue in it; no worker runs them)."""
    return JobsConfig(data_dir=Path(tempfile.mkdtemp(prefix="mlpy-schemathesis-")))


def lifespan(app: FastAPI) -> Iterator[None]:
    """Start the app's lifespan (and with it the executor) before Hypothesis runs, as
    schemathesis would on its first call, and stop it after: schemathesis keeps it running
    until exit. (Its first script raises the recursion limit, which Hypothesis must not see
    change.)"""
    with asgi.get_client(app) as client:
        assert client.get("/health").status_code == 200
    yield
    asgi.shutdown_lifespans()


def call_and_validate(case: schemathesis.Case, **kwargs: Any) -> None:
    """Call ``case`` and check every answer against the document.

    /calculate answers a documented 400 to operands the schema cannot rule out (b == 0 for
    divide, an exponent over 10000): valid by the schema, refused by arithmetic. The process
    and job routes refuse valid-looking requests for what only the server knows: code that
    does not compile (422), an id that names no process or job (404), inputs that fail the
    process's own schema (400), a full queue (503). Each of those is documented, so only the
    check that a valid-looking request is accepted is left out for them.
    """
    semantic = case.path == "/calculate" or case.path.startswith(("/processes", "/jobs"))
    excluded = [positive_data_acceptance] if semantic else []
    case.call_and_validate(excluded_checks=excluded, **kwargs)
