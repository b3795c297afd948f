"""The OpenAPI document of a service with keys and limits, exercised by schemathesis: every
answer documented (401, 403, 429 included), no request without a valid key accepted."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import positive_data_acceptance

from mlpy.server import Settings, create_app
from mlpy.server.keys import digest, new_key

EXAMPLES = 20
KEY = new_key()
#: a key for every scope: schemathesis checks every guarded route with it, and without it
APP = create_app(
    Settings(
        workers=2,
        default_timeout=1.0,
        max_timeout=5.0,
        api_keys=f"fuzzer:execute,jobs,admin:{digest(KEY).hex()}",
        rate_limit="100000/minute",
        max_concurrent_runs=8,
    )
)
schema = schemathesis.openapi.from_dict(APP.openapi())
schema.app = APP


@pytest.fixture(scope="module", autouse=True)
def _executor() -> Iterator[None]:
    with asgi.get_client(APP) as client:
        assert client.get("/health").status_code == 200
    yield
    asgi.shutdown_lifespans()


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_a_keyed_api_keeps_its_contract(case: schemathesis.Case) -> None:
    # as in tests/server/test_schemathesis.py: refusals there depend on compile errors, unknown
    # ids and a process's own input schemas, which the document cannot express
    semantic = case.path == "/calculate" or case.path.startswith(("/processes", "/jobs"))
    excluded = [positive_data_acceptance] if semantic else []
    case.call_and_validate(headers={"X-API-Key": KEY}, excluded_checks=excluded)
