"""The whole OpenAPI document, exercised in-process by schemathesis: no 500s, every answer's
status documented and its body conforming to the documented schema."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from mlpy.server import Settings, create_app
from tests.server import fuzz

#: examples per operation: enough to reach every documented status, within ~60 s on a busy machine
EXAMPLES = 40

#: the examples' timeouts (up to 5 s) are within max_timeout; a generated script runs at most 5 s
APP = create_app(
    Settings(workers=2, default_timeout=1.0, max_timeout=5.0),
    fuzz.jobs_config(),
)
# Loaded from the app's document directly: from_asgi would start the lifespan at collection.
schema = schemathesis.openapi.from_dict(APP.openapi())
schema.app = APP


@pytest.fixture(scope="module", autouse=True)
def _executor() -> Iterator[None]:
    yield from fuzz.lifespan(APP)


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_contract(case: schemathesis.Case) -> None:
    fuzz.call_and_validate(case)
