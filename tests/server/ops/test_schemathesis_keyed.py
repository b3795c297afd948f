"""The OpenAPI document of a service with keys and limits, exercised by schemathesis: every
answer documented (401, 403, 429 included), no request without a valid key accepted."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from mlpy.server import Settings, create_app
from mlpy.server.keys import digest, new_key
from tests.server import fuzz

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
    ),
    fuzz.jobs_config(),
)
schema = schemathesis.openapi.from_dict(APP.openapi())
schema.app = APP


@pytest.fixture(scope="module", autouse=True)
def _executor() -> Iterator[None]:
    yield from fuzz.lifespan(APP)


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_a_keyed_api_keeps_its_contract(case: schemathesis.Case) -> None:
    fuzz.call_and_validate(case, headers={"X-API-Key": KEY})
