"""The OpenAPI document is the HTTP contract: each status with its own schema and example, and
this server's limits stated (schemathesis checks the answers against it: test_schemathesis)."""

from __future__ import annotations

from typing import Any

import pytest

from mlpy.server import Settings, create_app
from tests.server.conftest import OpenClient

DOCUMENTED = {
    ("/execute", "post"): {"200", "413", "422", "503"},
    ("/calculate", "get"): {"200", "400", "413", "422", "503"},
    ("/health", "get"): {"200", "413", "503"},
    ("/", "get"): {"200", "413"},
}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return create_app(Settings(max_timeout=12.5, default_timeout=2.0)).openapi()


def test_every_status_a_route_answers_is_documented_with_a_schema(document: dict[str, Any]) -> None:
    for (path, method), statuses in DOCUMENTED.items():
        responses = document["paths"][path][method]["responses"]
        assert set(responses) == statuses, path
        for status, response in responses.items():
            for media, content in response["content"].items():
                assert content["schema"], (path, status, media)


def test_each_error_example_is_that_routes_own(document: dict[str, Any]) -> None:
    too_large = document["paths"]["/execute"]["post"]["responses"]["413"]["content"]["application/json"]
    assert "MLPY_MAX_CODE_BYTES" in too_large["example"]["detail"]
    bad = document["paths"]["/calculate"]["get"]["responses"]["400"]["content"]["application/json"]
    assert "operation" in bad["example"]["detail"]
    assert "examples" not in document["components"]["schemas"]["ErrorDetail"]  # shared: no one route's


def test_the_503_of_execute_is_a_result_or_a_detail(document: dict[str, Any]) -> None:
    response = document["paths"]["/execute"]["post"]["responses"]["503"]
    schema = response["content"]["application/json"]["schema"]
    refs = {branch["$ref"].rsplit("/", 1)[1] for branch in schema["anyOf"]}
    assert refs == {"ExecuteResponse", "ErrorDetail"}


def test_the_document_states_this_servers_timeout_limits(document: dict[str, Any]) -> None:
    timeout = document["components"]["schemas"]["ExecuteRequest"]["properties"]["timeout"]
    number = next(branch for branch in timeout["anyOf"] if branch.get("type") == "number")
    assert number["maximum"] == 12.5 and number["exclusiveMinimum"] == 0
    assert timeout["default"] == 2.0


def test_context_keys_are_documented_as_ml_identifiers(document: dict[str, Any]) -> None:
    context = document["components"]["schemas"]["ExecuteRequest"]["properties"]["context"]
    assert context["propertyNames"]["pattern"] == r"^(?!__)[A-Za-z_][A-Za-z0-9_]*$"


@pytest.mark.anyio
@pytest.mark.parametrize("path", ["/health", "/calculate?operation=add&a=1&b=2", "/"])
async def test_a_body_over_the_limit_is_the_documented_413_on_any_route(
    open_client: OpenClient, path: str
) -> None:
    async with open_client(max_code_bytes=10, max_context_bytes=10) as client:
        reply = await client.request("GET", path, content=b"x" * 100_000)
    assert reply.status_code == 413 and "MLPY_MAX_CODE_BYTES=10" in reply.json()["detail"]
