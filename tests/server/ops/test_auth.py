"""API keys: every route with no key, a wrong key, a key without the scope and the right key;
the key never in logs or error bodies; constant-time comparison; the OpenAPI security scheme."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import httpx
import pytest

from mlpy.server import Settings, create_app
from mlpy.server.keys import KeyConfigError, KeyRing, Principal, Scope, digest, load_keys, main, parse_keys
from tests.server import test_app as app_routes
from tests.server.ops.conftest import Keys, log_lines, open_app

pytestmark = pytest.mark.anyio

#: every route of the app: the scope it needs (None: open) and a valid request to it
ROUTES: dict[tuple[str, str], tuple[Scope | None, dict[str, Any]]] = {
    ("POST", "/execute"): (Scope.EXECUTE, {"json": {"code": "result = 6 * 7;"}}),
    ("GET", "/calculate"): (Scope.EXECUTE, {"params": {"operation": "add", "a": 1, "b": 2}}),
    ("GET", "/health"): (None, {}),
    ("GET", "/metrics"): (None, {}),
    ("GET", "/"): (None, {}),
    ("POST", "/check"): (Scope.EXECUTE, {"json": {"code": "result = 1;"}}),
    ("POST", "/transpile"): (Scope.EXECUTE, {"json": {"code": "result = 1;"}}),
    ("GET", "/playground"): (None, {}),
    ("GET", "/playground/examples"): (None, {}),
    ("GET", "/conformance"): (None, {}),
}
#: the process and job routes, whose requests need state: tests/server/ops/test_auth_jobs.py
JOB_ROUTES = set(app_routes.JOB_ROUTES) - set(ROUTES)
PROTECTED = [route for route, (scope, _) in ROUTES.items() if scope is not None]


def _key_for(keys: Keys, scope: Scope) -> str:
    return {Scope.EXECUTE: keys.execute, Scope.JOBS: keys.jobs, Scope.ADMIN: keys.admin}[scope]


def _other_key(keys: Keys, scope: Scope) -> str:
    return keys.jobs if scope is not Scope.JOBS else keys.execute


def test_the_table_covers_every_route(keys: Keys) -> None:
    paths = create_app(Settings(api_keys=keys.config)).openapi()["paths"]
    found = {(method.upper(), path) for path, operations in paths.items() for method in operations}
    assert found == set(ROUTES) | JOB_ROUTES


async def _call(client: httpx.AsyncClient, route: tuple[str, str], headers: dict[str, str]) -> httpx.Response:
    method, path = route
    return await client.request(method, path, headers=headers, **ROUTES[route][1])


@pytest.mark.parametrize("route", PROTECTED, ids=" ".join)
async def test_no_key_is_401_missing_key(keyed: httpx.AsyncClient, route: tuple[str, str]) -> None:
    reply = await _call(keyed, route, {})
    assert reply.status_code == 401, reply.text
    assert reply.json()["reason"] == "missing_key"
    assert reply.json()["scope"] == ROUTES[route][0]
    assert "X-API-Key" in reply.json()["detail"]
    assert reply.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize("route", PROTECTED, ids=" ".join)
async def test_wrong_key_is_401_unknown_key(keyed: httpx.AsyncClient, route: tuple[str, str]) -> None:
    wrong = "mlpy_not-a-configured-key-0123456789"
    for headers in ({"X-API-Key": wrong}, {"Authorization": f"Bearer {wrong}"}):
        reply = await _call(keyed, route, headers)
        assert reply.status_code == 401, reply.text
        assert reply.json()["reason"] == "unknown_key"
        assert wrong not in reply.text


@pytest.mark.parametrize("route", PROTECTED, ids=" ".join)
async def test_key_without_the_scope_is_403(
    keyed: httpx.AsyncClient, keys: Keys, route: tuple[str, str]
) -> None:
    scope = ROUTES[route][0]
    assert scope is not None
    other = _other_key(keys, scope)
    reply = await _call(keyed, route, {"X-API-Key": other})
    assert reply.status_code == 403, reply.text
    body = reply.json()
    assert body["reason"] == "missing_scope" and body["scope"] == scope
    assert other not in reply.text


@pytest.mark.parametrize("route", list(ROUTES), ids=" ".join)
async def test_right_key_is_served(keyed: httpx.AsyncClient, keys: Keys, route: tuple[str, str]) -> None:
    scope = ROUTES[route][0]
    headers = {"X-API-Key": _key_for(keys, scope)} if scope is not None else {}
    reply = await _call(keyed, route, headers)
    assert reply.status_code == 200, reply.text
    if route == ("POST", "/execute"):
        assert reply.json()["value"] == 42
    if scope is not None:  # the bearer form works too
        bearer = {"Authorization": f"Bearer {_key_for(keys, scope)}"}
        assert (await _call(keyed, route, bearer)).status_code == 200


async def test_an_empty_x_api_key_falls_back_to_the_bearer(keyed: httpx.AsyncClient, keys: Keys) -> None:
    headers = {"X-API-Key": "", "Authorization": f"Bearer {keys.execute}"}
    assert (await keyed.post("/execute", json={"code": "result = 1;"}, headers=headers)).status_code == 200
    basic = {"Authorization": "Basic dXNlcjpwYXNz"}  # not a bearer token: no key at all
    assert (await keyed.post("/execute", json={"code": "result = 1;"}, headers=basic)).json()[
        "reason"
    ] == "missing_key"


async def test_admin_is_not_execute(keyed: httpx.AsyncClient, keys: Keys) -> None:
    """Scopes are not a ladder: each route needs its own scope."""
    reply = await keyed.post("/execute", json={"code": "result = 1;"}, headers={"X-API-Key": keys.admin})
    assert reply.status_code == 403


@pytest.mark.parametrize("field", ["health_open", "metrics_open"])
async def test_health_and_metrics_can_be_closed(keys: Keys, field: str) -> None:
    path = "/health" if field == "health_open" else "/metrics"
    async with open_app(api_keys=keys.config, **{field: False}) as client:
        assert (await client.get(path)).status_code == 401
        assert (await client.get(path, headers={"X-API-Key": keys.execute})).status_code == 403
        assert (await client.get(path, headers={"X-API-Key": keys.admin})).status_code == 200


async def test_without_keys_the_service_is_open() -> None:
    async with open_app() as client:
        reply = await client.post("/execute", json={"code": "result = 1;"})
        assert reply.status_code == 200 and reply.json()["value"] == 1


async def test_the_key_never_appears_in_logs_or_bodies(keys: Keys, capfd: pytest.CaptureFixture[str]) -> None:
    wrong = "mlpy_wrong-key-that-must-not-leak-42"
    bodies: list[str] = []
    async with open_app(api_keys=keys.config) as client:
        for key in (keys.execute, keys.jobs, wrong):
            for headers in ({"X-API-Key": key}, {"Authorization": f"Bearer {key}"}):
                for route in ROUTES:
                    bodies.append((await _call(client, route, headers)).text)
                bodies.append((await client.post("/execute", json={"code": "x = ;"}, headers=headers)).text)
    out, err = capfd.readouterr()
    lines = log_lines(out)
    assert len(lines) == 3 * 2 * (len(ROUTES) + 1)
    assert {line["key"] for line in lines} == {"execute", "jobs", None}
    for secret in (keys.execute, keys.jobs, wrong, digest(keys.execute).hex()):
        assert secret not in out and secret not in err
        assert not any(secret in body for body in bodies)


# -- the key ring ------------------------------------------------------------------------------


def test_identify_compares_every_entry_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    keys = [f"mlpy_key-{i}" for i in range(5)]
    ring = parse_keys(
        "\n".join(f"k{i}:execute:{hashlib.sha256(k.encode()).hexdigest()}" for i, k in enumerate(keys))
    )
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    for i, key in enumerate(keys):
        calls.clear()
        assert ring.identify(key) == Principal(f"k{i}", frozenset({Scope.EXECUTE}))
        assert len(calls) == len(keys)  # no early exit at the match
        assert all(len(a) == len(b) == 32 for a, b in calls)  # digests, never the key itself
    calls.clear()
    assert ring.identify("mlpy_unknown") is None
    assert len(calls) == len(keys)
    calls.clear()
    assert ring.identify("x" * 10_000) is None  # too long: not even hashed
    assert calls == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("justakey", "entry 1 is not NAME:SCOPE"),
        ("a:execute:abcd", "64 hex digits"),
        ("a:run:" + "0" * 64, "unknown scope 'run'"),
        ("a::" + "0" * 64, "no scope given"),
        ("-a:execute:" + "0" * 64, "the name must be"),
        (f"a:execute:{'0' * 64}; a:jobs:{'1' * 64}", "entry 2: the name 'a' is used twice"),
    ],
)
def test_bad_entries_are_named_without_repeating_them(text: str, message: str) -> None:
    with pytest.raises(KeyConfigError, match=message) as caught:
        parse_keys(text)
    assert "justakey" not in str(caught.value) and "abcd" not in str(caught.value)


def test_entries_lines_semicolons_comments_and_file(tmp_path: Any) -> None:
    a, b, c = (digest(k).hex() for k in ("ka", "kb", "kc"))
    text = f"# the keys\na:execute,jobs:{a}  # the bot\n\nb:admin:{b.upper()}"
    ring = parse_keys(text)
    assert ring.names == ["a", "b"]
    assert ring.identify("ka") == Principal("a", frozenset({Scope.EXECUTE, Scope.JOBS}))
    assert ring.identify("kb") == Principal("b", frozenset({Scope.ADMIN}))
    path = tmp_path / "keys"
    path.write_text(f"c:execute:{c}\n")
    both = load_keys(text, str(path))
    assert both.names == ["a", "b", "c"] and both.identify("kc") is not None
    path.write_text(f"a:execute:{c}\n")
    with pytest.raises(KeyConfigError, match="'a' is in MLPY_API_KEYS and MLPY_API_KEYS_FILE"):
        load_keys(text, str(path))
    assert not KeyRing() and len(ring) == 2


def test_bad_keys_stop_the_app_naming_the_variable() -> None:
    from mlpy.server.settings import SettingsError

    with pytest.raises(SettingsError, match="MLPY_API_KEYS: entry 1") as caught:
        Settings.from_env({"MLPY_API_KEYS": "a-raw-secret-key"})
    assert "a-raw-secret-key" not in str(caught.value)
    with pytest.raises(SettingsError, match="MLPY_API_KEYS_FILE: cannot read"):
        Settings.from_env({"MLPY_API_KEYS_FILE": "/no/such/file"})


def test_new_key_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ci-bot", "execute,jobs"]) == 0
    key, entry = capsys.readouterr().out.splitlines()
    assert key.startswith("mlpy_") and len(key) > 40
    assert parse_keys(entry).identify(key) == Principal("ci-bot", frozenset({Scope.EXECUTE, Scope.JOBS}))
    assert main(["ci-bot", "everything"]) == 2
    assert main([]) == 2


def test_openapi_declares_the_security_schemes(keys: Keys) -> None:
    spec = create_app(Settings(api_keys=keys.config, rate_limit="5/minute")).openapi()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["APIKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "An mlpy API key.",
    }
    assert schemes["Bearer"]["type"] == "http" and schemes["Bearer"]["scheme"] == "bearer"
    for (method, path), (scope, _) in ROUTES.items():
        operation = spec["paths"][path][method.lower()]
        if scope is None:
            assert "security" not in operation, path
            assert not {"401", "403", "429"} & set(operation["responses"]), path
            continue
        assert {"APIKey": []} in operation["security"] and {"Bearer": []} in operation["security"]
        for status in ("401", "403", "429"):
            schema = operation["responses"][status]["content"]["application/json"]["schema"]
            assert "$ref" in schema, (path, status)


def test_openapi_of_an_open_service_asks_for_no_key() -> None:
    """Without keys (or limits) nothing asks for a key or answers 401, 403 or 429: the
    document says what this configuration does (schemathesis holds the server to it)."""
    spec = create_app(Settings()).openapi()
    assert "securitySchemes" not in spec.get("components", {})
    for path, operations in spec["paths"].items():
        for operation in operations.values():
            assert "security" not in operation, path
            assert not {"401", "403", "429"} & set(operation["responses"]), path
    limited = create_app(Settings(max_concurrent_runs=2)).openapi()
    assert "429" in limited["paths"]["/execute"]["post"]["responses"]


async def test_each_key_runs_in_its_own_cache_partition(keys: Keys, monkeypatch: pytest.MonkeyPatch) -> None:
    """A caller with a key gets its own program-cache partition (docs/security.md); anonymous
    callers share the default one."""
    from mlpy.executor import AsyncMLExecutor

    seen: list[str | None] = []
    real = AsyncMLExecutor.execute

    async def spy(self: AsyncMLExecutor, *args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs.get("partition"))
        return await real(self, *args, **kwargs)

    monkeypatch.setattr(AsyncMLExecutor, "execute", spy)
    async with open_app(api_keys=keys.config) as client:
        seen.clear()
        await client.post("/execute", json={"code": "result = 1;"}, headers={"X-API-Key": keys.execute})
        await client.post(
            "/execute", json={"code": "result = 1;"}, headers={"Authorization": f"Bearer {keys.admin}"}
        )
    keyed = list(seen)
    async with open_app() as client:
        seen.clear()  # after the app's warm-up run
        await client.post("/execute", json={"code": "result = 1;"})
    assert keyed == ["execute"]  # the admin key is refused (403) before anything runs
    assert seen == [None]
