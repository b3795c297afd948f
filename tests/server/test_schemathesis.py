"""The whole OpenAPI document, exercised in-process by schemathesis: no 500s, every answer's
status documented and its body conforming to the documented schema."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import positive_data_acceptance

from mlpy.jobs import JobsConfig
from mlpy.server import Settings, create_app

#: examples per operation: enough to reach every documented status, within ~60 s on a busy machine
EXAMPLES = 40

#: the examples' timeouts (up to 5 s) are within max_timeout; a generated script runs at most 5 s
APP = create_app(
    Settings(workers=2, default_timeout=1.0, max_timeout=5.0),
    JobsConfig(data_dir=Path(tempfile.mkdtemp(prefix="mlpy-schemathesis-"))),  # jobs queue, none runs
)
# Loaded from the app's document directly: from_asgi would start the lifespan at collection.
schema = schemathesis.openapi.from_dict(APP.openapi())
schema.app = APP


@pytest.fixture(scope="module", autouse=True)
def _executor() -> Iterator[None]:
    """Start the lifespan (and with it the executor) before Hypothesis runs, as schemathesis
    would on its first call, and stop it after: schemathesis keeps it running until exit.
    (Its first script raises the recursion limit, which Hypothesis must not see change.)"""
    with asgi.get_client(APP) as client:
        assert client.get("/health").status_code == 200
    yield
    asgi.shutdown_lifespans()


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_contract(case: schemathesis.Case) -> None:
    # /calculate answers a documented 400 to operands the schema cannot rule out (b == 0 for
    # divide, an exponent over 10000): valid by the schema, refused by arithmetic.
    # The process and job routes refuse valid-looking requests for what only the server knows:
    # code that does not compile (422), an id that names no process or job (404), inputs that
    # fail the process's own schema (400), a full queue (503). Each of those is documented.
    semantic = case.path == "/calculate" or case.path.startswith(("/processes", "/jobs"))
    excluded = [positive_data_acceptance] if semantic else []
    case.call_and_validate(excluded_checks=excluded)
