"""The app around the routes: ``GET /``, the docs, the lifespan, settings and `serve`."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

import mlpy
import mlpy.server
from mlpy.executor import AsyncMLExecutor
from mlpy.server import Settings, SettingsError, create_app
from mlpy.server import app as app_module
from mlpy.server.serve import serve

pytestmark = pytest.mark.anyio

ROUTES = [("POST", "/execute"), ("GET", "/calculate"), ("GET", "/health"), ("GET", "/metrics"), ("GET", "/")]
#: the routes that answer JSON (/metrics answers Prometheus text: tests/server/ops/test_metrics.py)
JSON_ROUTES = [route for route in ROUTES if route != ("GET", "/metrics")]
#: routes that answer JSON without running a script (issue 16), and the playground's page routes
TOOL_ROUTES = [("POST", "/check"), ("POST", "/transpile")]
PAGE_ROUTES = [("GET", "/playground"), ("GET", "/playground/examples")]
#: the OGC API - Processes routes of issue 13 (tests/jobs/test_http.py checks their shapes)
JOB_ROUTES = [
    ("GET", "/conformance"),
    ("GET", "/processes"),
    ("GET", "/processes/{processID}"),
    ("PUT", "/processes/{processID}"),
    ("DELETE", "/processes/{processID}"),
    ("POST", "/processes/{processID}/execution"),
    ("POST", "/jobs"),
    ("GET", "/jobs"),
    ("GET", "/jobs/{jobID}"),
    ("DELETE", "/jobs/{jobID}"),
    ("GET", "/jobs/{jobID}/results"),
    ("GET", "/jobs/{jobID}/output"),
]


async def test_root_names_the_api_and_its_routes(client: httpx.AsyncClient) -> None:
    body = (await client.get("/")).json()
    assert body["name"] == "mlpy" and body["version"] == mlpy.__version__
    assert [
        (r["method"], r["path"]) for r in body["routes"]
    ] == ROUTES + TOOL_ROUTES + PAGE_ROUTES + JOB_ROUTES
    assert all(r["summary"] for r in body["routes"])
    assert (body["docs"], body["redoc"]) == ("/docs", "/redoc")


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
async def test_interactive_docs_are_served(client: httpx.AsyncClient, path: str) -> None:
    reply = await client.get(path)
    assert reply.status_code == 200 and "/openapi.json" in reply.text


async def test_every_route_has_examples_in_the_schema(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    components = schema["components"]["schemas"]

    def examples_of(ref_holder: dict[str, Any]) -> list[Any]:
        name = ref_holder["$ref"].rsplit("/", 1)[1]
        return list(components[name].get("examples", []))

    for method, path in JSON_ROUTES + TOOL_ROUTES:
        operation = schema["paths"][path][method.lower()]
        ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert examples_of(ok), f"{method} {path}: no response example"
    execute = schema["paths"]["/execute"]["post"]
    body = execute["requestBody"]["content"]["application/json"]
    assert body["examples"] and examples_of(body["schema"])
    for parameter in schema["paths"]["/calculate"]["get"]["parameters"]:
        assert parameter["examples"], parameter["name"]
    assert set(execute["responses"]) >= {"200", "413", "422", "503"}


async def test_the_lifespan_owns_the_executor_and_shuts_it_down() -> None:
    app = create_app(Settings(workers=3))
    assert getattr(app.state, "executor", "missing") is None
    async with LifespanManager(app):
        executor: AsyncMLExecutor = app.state.executor
        assert executor.max_workers == 3
        assert executor.stats()["closed"] == 0
    assert app.state.executor is None
    assert executor.stats()["closed"] == 1


# -- settings -------------------------------------------------------------------------------------


def test_settings_are_read_from_mlpy_variables() -> None:
    env = {
        "MLPY_WORKERS": "8",
        "MLPY_STRICT": "yes",
        "MLPY_DEFAULT_TIMEOUT": "2.5",
        "MLPY_MAX_TIMEOUT": "10",
        "MLPY_MAX_CODE_BYTES": "5000",
        "MLPY_MAX_CONTEXT_BYTES": "0",
        "MLPY_MAX_QUEUE": "7",
        "OTHER": "ignored",
    }
    assert Settings.from_env(env) == Settings(
        workers=8,
        strict=True,
        default_timeout=2.5,
        max_timeout=10.0,
        max_code_bytes=5000,
        max_context_bytes=0,
        max_queue=7,
    )
    assert Settings.from_env({}) == Settings()


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"MLPY_WORKERS": "four"}, ["MLPY_WORKERS='four'"]),
        ({"MLPY_WORKERS": "0", "MLPY_STRICT": "maybe"}, ["MLPY_WORKERS='0'", "MLPY_STRICT='maybe'"]),
        ({"MLPY_MAX_TIMEOUT": "inf"}, ["MLPY_MAX_TIMEOUT='inf'"]),
        ({"MLPY_DEFAULT_TIMEOUT": "-1"}, ["MLPY_DEFAULT_TIMEOUT='-1'"]),
        ({"MLPY_DEFAULT_TIMEOUT": "60"}, ["MLPY_DEFAULT_TIMEOUT=60.0", "MLPY_MAX_TIMEOUT=30.0"]),
        ({"MLPY_MAX_CODE_BYTES": "1e9"}, ["MLPY_MAX_CODE_BYTES='1e9'"]),
        ({"MLPY_MAX_QUEUE": "-1"}, ["MLPY_MAX_QUEUE='-1'"]),
    ],
)
def test_invalid_settings_name_each_variable(env: dict[str, str], names: list[str]) -> None:
    with pytest.raises(SettingsError) as info:
        Settings.from_env(env)
    message = str(info.value)
    assert message.startswith("invalid settings: ")
    assert all(name in message for name in names), message


def test_create_app_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLPY_WORKERS", "2")
    assert create_app().state.settings.workers == 2
    monkeypatch.setenv("MLPY_WORKERS", "lots")
    with pytest.raises(SettingsError, match="MLPY_WORKERS"):
        create_app()


def test_the_module_app_is_made_on_first_access() -> None:
    code = (
        "import mlpy.server.app as m\n"
        "assert 'app' not in vars(m)\n"
        "from mlpy.server.app import app\n"
        "assert app is m.app and app.state.settings.workers == 3\n"
    )
    done = _python(code, MLPY_WORKERS="3")
    assert done.returncode == 0, done.stderr
    with pytest.raises(AttributeError):
        app_module.__getattr__("nope")


def test_a_bad_variable_stops_the_app_but_not_the_import() -> None:
    done = _python("import mlpy.server\nfrom mlpy.server.app import app\n", MLPY_MAX_QUEUE="many")
    assert done.returncode == 1
    assert "SettingsError: invalid settings: MLPY_MAX_QUEUE='many'" in done.stderr


def test_import_mlpy_does_not_import_the_server() -> None:
    done = _python(
        "import sys, mlpy\nassert not any(m.startswith(('fastapi', 'mlpy.server')) for m in sys.modules)"
    )
    assert done.returncode == 0, done.stderr


def test_public_names() -> None:
    assert mlpy.server.__all__ == ["Settings", "SettingsError", "create_app"]


# -- serve ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [((0, 8000), "--workers must be at least 1"), ((1, 70000), "--port must be from 0 to 65535")],
)
def test_serve_refuses_bad_arguments(
    kwargs: tuple[int, int], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    workers, port = kwargs
    assert serve(workers=workers, port=port) == 2
    assert message in capsys.readouterr().err


def test_serve_refuses_bad_settings_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MLPY_DEFAULT_TIMEOUT", "soon")
    assert serve(port=0) == 2
    assert "mlpy serve: invalid settings: MLPY_DEFAULT_TIMEOUT='soon'" in capsys.readouterr().err


def _python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MLPY_")}
    return subprocess.run(
        [sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True, timeout=60
    )
