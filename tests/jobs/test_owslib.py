"""A real OGC API - Processes client (OWSLib) against a running ``mlpy serve``."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator

import httpx
import pytest
from owslib.ogcapi.processes import Processes

from tests.server.helpers import Server, free_port, serving
from tests.server.test_uvicorn import CLEAN_ENV

pytestmark = pytest.mark.slow

SPEC = "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("owslib")
    port = free_port()
    env = {**CLEAN_ENV, "MLPY_DATA_DIR": str(tmp / "data")}
    command = [sys.executable, "-m", "mlpy", "serve", "--port", str(port), "--job-workers", "1"]
    with serving(command, port, tmp / "serve.log", env=env, clear_env=True) as running:
        body = {"code": 'print("scaling");\nresult = {scaled: x * factor};', "title": "Scale",
                "inputs": {"x": {"type": "number"}, "factor": {"type": "number", "default": 2}}}  # fmt: skip
        assert httpx.put(f"{running.url}/processes/scale", json=body, timeout=10).status_code == 201
        yield running


def test_owslib_reads_the_landing_page_and_conformance(server: Server) -> None:
    api = Processes(server.url)
    assert {link["rel"] for link in api.links} >= {"service-desc", "conformance"}
    assert set(api.conformance()["conformsTo"]) >= {SPEC + "core", SPEC + "job-list", SPEC + "dismiss"}


def test_owslib_lists_and_describes_processes(server: Server) -> None:
    api = Processes(server.url)
    listed = api.processes()
    assert [(p["id"], p["title"], p["version"]) for p in listed] == [("scale", "Scale", "1")]
    described = api.process("scale")
    assert described["inputs"]["x"]["schema"] == {"type": "number"}
    assert described["inputs"]["factor"]["minOccurs"] == 0
    assert "async-execute" in described["jobControlOptions"]


def test_owslib_executes_synchronously(server: Server) -> None:
    result = Processes(server.url).execute("scale", inputs={"x": 21})
    assert (result["success"], result["value"], result["stdout"]) == (True, {"scaled": 42}, "scaling\n")


def test_owslib_executes_asynchronously_and_the_job_is_followed(server: Server) -> None:
    api = Processes(server.url)
    status = api.execute("scale", inputs={"x": 5, "factor": 3}, async_=True)
    assert status["status"] in ("accepted", "running", "successful") and status["type"] == "process"
    assert api.response_headers["Preference-Applied"] == "respond-async"
    job_url = api.response_headers["Location"]
    assert job_url == f"/jobs/{status['jobID']}"
    deadline = time.monotonic() + 30
    while (body := api._request(path=f"jobs/{status['jobID']}"))["status"] != "successful":
        assert body["status"] in ("accepted", "running") and time.monotonic() < deadline
        time.sleep(0.1)
    results = api._request(path=f"jobs/{status['jobID']}/results")
    assert results["value"] == {"scaled": 15}
