"""The OGC API - Processes routes in-process, shapes checked field by field; a real worker
process (started by the test) runs the jobs."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import Any

import anyio
import httpx
import pytest
from asgi_lifespan import LifespanManager

from mlpy.jobs import JobsConfig, Workers
from mlpy.server import Settings, create_app

pytestmark = pytest.mark.anyio

OGC = "http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
STATUS_KEYS = {"jobID", "processID", "type", "status", "message", "created", "started", "finished", "updated",
               "progress", "links", "cached", "steps"}  # fmt: skip
#: the keys of each entry of a pipeline job's ``steps`` (a script job's ``steps`` is null)
STEP_KEYS = {"process", "status", "progress", "started", "finished", "message", "cached"}
EXECUTE_KEYS = {"success", "value", "error", "execution_time", "transpile_time", "error_type", "error_line",
                "error_column", "stdout"}  # fmt: skip


async def open_app(config: JobsConfig, **settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(**settings), config)
    async with LifespanManager(app, startup_timeout=30, shutdown_timeout=30) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://mlpy.test") as client:
            yield client


@pytest.fixture
async def client(config: JobsConfig) -> AsyncIterator[httpx.AsyncClient]:
    async for c in open_app(config):
        yield c


@pytest.fixture
def worker(config: JobsConfig) -> Iterator[Workers]:
    with Workers(config, 1) as running:
        yield running


async def wait_status(client: httpx.AsyncClient, job_id: str, *wanted: str, **headers: str) -> dict[str, Any]:
    with anyio.fail_after(30):
        while True:
            body: dict[str, Any] = (await client.get(f"/jobs/{job_id}", headers=headers)).json()
            if body["status"] in wanted:
                return body
            await anyio.sleep(0.05)


def check_status_info(body: dict[str, Any], job_id: str | None = None) -> None:
    assert set(body) == STATUS_KEYS
    assert body["type"] == "process" and isinstance(body["message"], str)
    assert body["status"] in {"accepted", "running", "successful", "failed", "dismissed"}
    if job_id is not None:
        assert body["jobID"] == job_id
    assert RFC3339.match(body["created"]) and RFC3339.match(body["updated"])
    for key in ("started", "finished"):
        assert body[key] is None or RFC3339.match(body[key])
    assert isinstance(body["progress"], int) and 0 <= body["progress"] <= 100
    for step in body["steps"] or []:
        assert set(step) == STEP_KEYS
        assert step["status"] in {"accepted", "running", "successful", "failed", "skipped", "dismissed"}
        assert isinstance(step["progress"], int) and 0 <= step["progress"] <= 100
        assert step["started"] is None or RFC3339.match(step["started"])
    rels = {link["rel"]: link["href"] for link in body["links"]}
    assert rels["self"] == f"http://mlpy.test/jobs/{body['jobID']}"
    assert rels["http://www.opengis.net/def/rel/ogc/1.0/results"].endswith(f"/jobs/{body['jobID']}/results")


# -- landing page and conformance ----------------------------------------------------------------


async def test_conformance_lists_the_classes_implemented(client: httpx.AsyncClient) -> None:
    body = (await client.get("/conformance")).json()
    spec = "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/"
    classes = ("core", "ogc-process-description", "json", "oas30", "job-list", "dismiss")
    assert body == {"conformsTo": [spec + c for c in classes]}


async def test_the_json_front_page_carries_the_ogc_landing_links(client: httpx.AsyncClient) -> None:
    body = (await client.get("/", headers={"Accept": "application/json"})).json()
    assert body["name"] == "mlpy" and body["title"] == "mlpy" and body["description"]
    rels = {link["rel"]: link for link in body["links"]}
    assert rels["service-desc"]["href"] == "http://mlpy.test/openapi.json"
    assert rels["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    ogc = "http://www.opengis.net/def/rel/ogc/1.0/"
    assert rels[ogc + "conformance"]["href"] == "http://mlpy.test/conformance"
    assert rels[ogc + "processes"]["href"] == "http://mlpy.test/processes"
    assert rels[ogc + "job-list"]["href"] == "http://mlpy.test/jobs"


# -- processes ------------------------------------------------------------------------------------


async def test_register_describe_replace_list_and_delete_a_process(client: httpx.AsyncClient) -> None:
    body = {"code": "result = x * 2;", "title": "Double", "description": "Twice x.",
            "inputs": {"x": {"type": "number"}, "label": {"type": "string", "default": "-"}}}  # fmt: skip
    created = await client.put("/processes/double", json=body)
    assert created.status_code == 201 and created.headers["location"] == "/processes/double"
    desc = created.json()
    assert set(desc) == {"id", "title", "description", "version", "jobControlOptions", "outputTransmission",
                         "links", "deterministic", "revision", "steps", "inputs", "outputs"}  # fmt: skip
    assert desc["steps"] is None  # a script, not a pipeline
    assert (desc["id"], desc["title"], desc["description"], desc["version"]) == (
        "double",
        "Double",
        "Twice x.",
        "1",
    )
    assert desc["jobControlOptions"] == ["sync-execute", "async-execute", "dismiss"]
    assert desc["inputs"] == {
        "x": {"title": "x", "schema": {"type": "number"}, "minOccurs": 1, "maxOccurs": 1},
        "label": {
            "title": "label",
            "schema": {"type": "string", "default": "-"},
            "minOccurs": 0,
            "maxOccurs": 1,
        },
    }
    assert desc["outputs"] == {"result": {"title": "the script's result", "schema": {}}}
    rels = {link["rel"]: link["href"] for link in desc["links"]}
    assert rels["self"] == "http://mlpy.test/processes/double"
    assert (
        rels["http://www.opengis.net/def/rel/ogc/1.0/execute"]
        == "http://mlpy.test/processes/double/execution"
    )
    assert (await client.get("/processes/double")).json() == desc

    replaced = await client.put("/processes/double", json={**body, "code": "result = x + x;"})
    assert replaced.status_code == 200 and "location" not in replaced.headers
    assert (replaced.json()["version"], replaced.json()["revision"]) == ("2", 2)
    labelled = await client.put("/processes/double", json={**body, "version": "3.0.0"})
    assert (labelled.json()["version"], labelled.json()["revision"]) == ("3.0.0", 3)

    await client.put("/processes/another", json={"code": "result = 1;"})
    listing = (await client.get("/processes")).json()
    assert [p["id"] for p in listing["processes"]] == ["another", "double"]
    summary = listing["processes"][1]
    assert set(summary) == {"id", "title", "description", "version", "jobControlOptions",
                            "outputTransmission", "links", "deterministic", "revision", "steps"}  # fmt: skip
    assert listing["links"][0]["rel"] == "self"

    assert (await client.delete("/processes/double")).status_code == 204
    gone = await client.get("/processes/double")
    assert gone.status_code == 404 and gone.json()["type"] == OGC + "no-such-process"
    assert (await client.delete("/processes/double")).status_code == 404


async def test_a_process_with_errors_is_refused_listing_each_with_its_position(
    client: httpx.AsyncClient,
) -> None:
    reply = await client.put("/processes/bad", json={"code": "return 1;\nx = 2;\nbreak;"})
    assert reply.status_code == 422
    body = reply.json()
    assert (body["status"], body["title"]) == (422, "The process cannot be registered")
    assert [(e["type"], e["line"], e["column"]) for e in body["errors"]] == [
        ("SyntaxError", 1, 1),
        ("SyntaxError", 3, 1),
    ]
    assert "outside a function" in body["errors"][0]["message"]
    assert (await client.get("/processes/bad")).status_code == 404


async def test_strict_servers_refuse_host_access_at_registration(config: JobsConfig) -> None:
    async for client in open_app(config, strict=True):
        reply = await client.put("/processes/reader", json={"code": "import file;\nresult = 1;"})
        assert reply.status_code == 422 and reply.json()["errors"][0]["type"] == "SecurityError"


@pytest.mark.parametrize(
    ("process_id", "body", "why"),
    [
        ("has.dot", {"code": "result = 1;"}, "must match"),
        (
            "rnd",
            {"code": "import random; result = random.random();", "deterministic": True},
            "random without",
        ),
        ("clock", {"code": "import datetime; result = datetime.now();", "deterministic": True}, "the clock"),
        ("schema", {"code": "result = 1;", "inputs": {"n": {"type": 7}}}, "schema of input 'n'"),
    ],
)
async def test_bad_registrations_are_422_naming_why(
    client: httpx.AsyncClient, process_id: str, body: dict[str, Any], why: str
) -> None:
    reply = await client.put(f"/processes/{process_id}", json=body)
    assert reply.status_code == 422 and why in reply.json()["errors"][0]["message"]


async def test_oversized_code_is_413(config: JobsConfig) -> None:
    async for client in open_app(config, max_code_bytes=100):
        big = "x = 1;\n" * 50
        assert (await client.put("/processes/big", json={"code": big})).status_code == 413
        assert (await client.post("/jobs", json={"code": big})).status_code == 413


# -- execution ------------------------------------------------------------------------------------


async def test_sync_execution_answers_like_execute(client: httpx.AsyncClient) -> None:
    await client.put(
        "/processes/double",
        json={"code": 'print("hi");\nresult = x * 2;', "inputs": {"x": {"type": "number"}}},
    )
    for headers in ({}, {"Prefer": "respond-sync"}):
        reply = await client.post("/processes/double/execution", json={"inputs": {"x": 21}}, headers=headers)
        assert reply.status_code == 200
        body = reply.json()
        assert set(body) == EXECUTE_KEYS | {"cached"}
        assert (body["success"], body["value"], body["stdout"], body["cached"]) == (True, 42, "hi\n", False)
    failing = await client.put("/processes/fails", json={"code": "x = 1;\nresult = x + [2];"})
    assert failing.status_code == 201
    body = (await client.post("/processes/fails/execution", json={})).json()
    assert (body["success"], body["error_type"], body["error_line"], body["error_column"]) == (
        False,
        "TypeError",
        2,
        10,
    )


async def test_bad_inputs_are_400_naming_the_input_and_unknown_processes_404(
    client: httpx.AsyncClient,
) -> None:
    await client.put(
        "/processes/double", json={"code": "result = x * 2;", "inputs": {"x": {"type": "number"}}}
    )
    for headers in ({}, {"Prefer": "respond-async"}):
        reply = await client.post(
            "/processes/double/execution", json={"inputs": {"x": "two"}}, headers=headers
        )
        assert reply.status_code == 400
        assert "input 'x' is invalid: 'two' is not of type 'number'" in reply.json()["detail"]
        missing = await client.post("/processes/nope/execution", json={"inputs": {}}, headers=headers)
        assert missing.status_code == 404 and missing.json()["type"] == OGC + "no-such-process"
    members = {"inputs": {"x": 1}, "response": "document", "outputs": {}, "subscriber": {}}
    extra = await client.post("/processes/double/execution", json=members)
    assert extra.status_code == 200 and extra.json()["value"] == 2


async def test_async_execution_runs_in_a_worker_with_status_results_and_output(
    client: httpx.AsyncClient, worker: Workers
) -> None:
    await client.put("/processes/double", json={"code": 'print("working");\nresult = x * 2;'})
    reply = await client.post("/processes/double/execution", json={"inputs": {"x": 4}},
                              headers={"Prefer": "respond-async"})  # fmt: skip
    assert reply.status_code == 201
    body = reply.json()
    check_status_info(body)
    job_id = body["jobID"]
    assert reply.headers["location"] == f"/jobs/{job_id}"
    assert reply.headers["preference-applied"] == "respond-async"
    assert (body["status"], body["processID"], body["started"], body["progress"]) == (
        "accepted",
        "double",
        None,
        0,
    )
    done = await wait_status(client, job_id, "successful", "failed")
    check_status_info(done, job_id)
    assert (done["status"], done["progress"]) == ("successful", 100)
    assert RFC3339.match(done["started"]) and RFC3339.match(done["finished"])
    results = (await client.get(f"/jobs/{job_id}/results")).json()
    assert (results["success"], results["value"], results["stdout"], results["cached"]) == (
        True,
        8,
        "working\n",
        False,
    )
    assert results["execution_time"] >= 0 and results["transpile_time"] >= 0
    output = (await client.get(f"/jobs/{job_id}/output")).json()
    assert output == {"jobID": job_id, "status": "successful", "stdout": "working\n"}


async def test_an_ad_hoc_job_that_fails_reports_the_ml_error(
    client: httpx.AsyncClient, worker: Workers
) -> None:
    reply = await client.post("/jobs", json={"code": "x = 1;\ny = x + [2];", "timeout": 5})
    assert reply.status_code == 201 and reply.headers["location"] == f"/jobs/{reply.json()['jobID']}"
    check_status_info(reply.json())
    assert reply.json()["processID"] is None
    done = await wait_status(client, reply.json()["jobID"], "failed", "successful")
    assert done["status"] == "failed" and done["message"].startswith("TypeError at line 2, column 5")
    results = (await client.get(f"/jobs/{done['jobID']}/results")).json()
    assert (results["success"], results["error_type"], results["error_line"], results["error_column"]) == (
        False, "TypeError", 2, 5)  # fmt: skip
    assert results["errors"][0]["message"] == "cannot add number and array"


async def test_results_before_the_end_are_404_result_not_ready(client: httpx.AsyncClient) -> None:
    job = (await client.post("/jobs", json={"code": "result = 1;"})).json()  # no worker: stays queued
    reply = await client.get(f"/jobs/{job['jobID']}/results")
    assert reply.status_code == 404
    assert reply.json()["type"] == OGC + "result-not-ready" and reply.json()["status"] == 404
    for path in ("/jobs/nope", "/jobs/nope/results", "/jobs/nope/output"):
        missing = await client.get(path)
        assert missing.status_code == 404 and missing.json()["type"] == OGC + "no-such-job"
    assert (await client.delete("/jobs/nope")).status_code == 404


async def test_a_job_records_the_id_of_the_request_that_submitted_it(
    client: httpx.AsyncClient, config: JobsConfig
) -> None:
    """The request log and the job record share the request id, so one finds the other."""
    from mlpy.jobs.store import open_store

    await client.put("/processes/double", json={"code": "result = x * 2;"})
    ids = {}
    for name, path, body in (
        ("adhoc", "/jobs", {"code": "result = 1;"}),
        ("process", "/processes/double/execution", {"inputs": {"x": 1}}),
    ):
        headers = {"X-Request-ID": f"req-{name}-1234", "Prefer": "respond-async"}
        reply = await client.post(path, json=body, headers=headers)
        assert reply.status_code == 201, reply.text
        assert reply.headers["X-Request-ID"] == f"req-{name}-1234"
        ids[name] = reply.json()["jobID"]
    store = open_store(config)
    try:
        for name, job_id in ids.items():
            record = store.get_job(job_id)
            assert record is not None and record.request_id == f"req-{name}-1234"
    finally:
        store.close()


async def test_bad_job_bodies(client: httpx.AsyncClient, config: JobsConfig) -> None:
    too_long = await client.post("/jobs", json={"code": "result = 1;", "timeout": config.max_timeout + 1})
    assert too_long.status_code == 400 and "MLPY_JOB_MAX_TIMEOUT" in too_long.json()["detail"]
    bad_key = await client.post("/jobs", json={"code": "result = 1;", "context": {"not an id": 1}})
    assert bad_key.status_code == 400 and "not an ML identifier" in bad_key.json()["detail"]
    assert (await client.post("/jobs", json={"context": {}})).status_code == 422
    assert (await client.get("/jobs?status=sleeping")).status_code == 422
    assert (await client.get("/jobs?limit=0")).status_code == 422


async def test_dismissing_a_running_job(client: httpx.AsyncClient, worker: Workers) -> None:
    job = (await client.post("/jobs", json={"code": "while (true) {}", "timeout": 60})).json()
    await wait_status(client, job["jobID"], "running")
    reply = await client.delete(f"/jobs/{job['jobID']}")
    assert reply.status_code == 200
    check_status_info(reply.json(), job["jobID"])
    assert reply.json()["status"] == "dismissed"
    after = (await client.post("/jobs", json={"code": "result = 5;"})).json()
    await wait_status(client, after["jobID"], "successful")
    assert (await client.get(f"/jobs/{job['jobID']}")).json()["status"] == "dismissed"


async def test_job_list_is_newest_first_with_filters_and_a_next_link(client: httpx.AsyncClient) -> None:
    await client.put("/processes/one", json={"code": "result = 1;"})
    ids = [(await client.post("/jobs", json={"code": f"result = {n};"})).json()["jobID"] for n in range(3)]
    run = await client.post("/processes/one/execution", json={}, headers={"Prefer": "respond-async"})
    ids.append(run.json()["jobID"])
    page = (await client.get("/jobs?limit=3")).json()
    assert [j["jobID"] for j in page["jobs"]] == ids[::-1][:3]
    for body in page["jobs"]:
        check_status_info(body)
    rels = {link["rel"]: link["href"] for link in page["links"]}
    assert rels["next"] == "http://mlpy.test/jobs?limit=3&offset=3"
    rest = (await client.get(rels["next"])).json()
    assert [j["jobID"] for j in rest["jobs"]] == [ids[0]] and "next" not in {x["rel"] for x in rest["links"]}
    only = (await client.get("/jobs?processID=one")).json()
    assert [j["jobID"] for j in only["jobs"]] == [ids[3]]
    await client.delete(f"/jobs/{ids[1]}")
    dismissed = (await client.get("/jobs?status=dismissed")).json()
    assert [j["jobID"] for j in dismissed["jobs"]] == [ids[1]]


async def test_a_full_queue_is_503_with_retry_after(config: JobsConfig) -> None:
    async for client in open_app(replace(config, max_queued=2)):
        for _ in range(2):
            assert (await client.post("/jobs", json={"code": "result = 1;"})).status_code == 201
        full = await client.post("/jobs", json={"code": "result = 1;"})
        assert full.status_code == 503 and full.headers["retry-after"] == "1"
        assert "MLPY_MAX_QUEUED_JOBS" in full.json()["detail"]
        await client.put("/processes/p", json={"code": "result = 1;"})
        busy = await client.post("/processes/p/execution", json={}, headers={"Prefer": "respond-async"})
        assert busy.status_code == 503 and busy.headers["retry-after"] == "1"


async def test_deterministic_runs_come_from_the_result_cache(
    client: httpx.AsyncClient, worker: Workers
) -> None:
    code = 'print("computing");\nresult = n * n;'
    await client.put("/processes/square", json={"code": code, "deterministic": True})
    first = await client.post(
        "/processes/square/execution", json={"inputs": {"n": 9}}, headers={"Prefer": "respond-async"}
    )
    await wait_status(client, first.json()["jobID"], "successful")
    again = await client.post(
        "/processes/square/execution", json={"inputs": {"n": 9}}, headers={"Prefer": "respond-async"}
    )
    body = again.json()
    assert (again.status_code, body["status"], body["cached"], body["progress"]) == (
        201,
        "successful",
        True,
        100,
    )
    results = (await client.get(f"/jobs/{body['jobID']}/results")).json()
    assert (results["value"], results["cached"], results["stdout"]) == (81, True, "computing\n")
    sync = (await client.post("/processes/square/execution", json={"inputs": {"n": 9}})).json()
    assert (sync["value"], sync["cached"]) == (81, True)
    other = (await client.post("/processes/square/execution", json={"inputs": {"n": 3}})).json()
    assert (other["value"], other["cached"]) == (9, False)
    await client.put("/processes/square", json={"code": "result = n * n + 1;", "deterministic": True})
    new_version = (await client.post("/processes/square/execution", json={"inputs": {"n": 9}})).json()
    assert (new_version["value"], new_version["cached"]) == (82, False)


async def test_the_openapi_documents_every_status_of_the_job_routes(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    expected = {
        ("/processes", "get"): {"200"},
        ("/processes/{processID}", "get"): {"200", "404"},
        ("/processes/{processID}", "put"): {"200", "201", "413", "422"},
        ("/processes/{processID}", "delete"): {"204", "404"},
        ("/processes/{processID}/execution", "post"): {"200", "201", "400", "404", "422", "503"},
        ("/jobs", "post"): {"201", "400", "413", "422", "503"},
        ("/jobs", "get"): {"200", "422"},
        ("/jobs/{jobID}", "get"): {"200", "404"},
        ("/jobs/{jobID}", "delete"): {"200", "404"},
        ("/jobs/{jobID}/results", "get"): {"200", "404"},
        ("/jobs/{jobID}/output", "get"): {"200", "404"},
        ("/conformance", "get"): {"200"},
    }
    for (path, method), statuses in expected.items():
        documented = paths[path][method]["responses"]
        assert statuses <= set(documented), (path, method, set(documented))
        for status in statuses - {"204"}:
            assert "schema" in documented[status]["content"]["application/json"], (path, method, status)


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PATCH", "/jobs/some-id", "DELETE, GET"),
        ("PUT", "/jobs", "GET, POST"),
        ("POST", "/processes/p", "DELETE, GET, PUT"),
        ("GET", "/processes/p/execution", "POST"),
    ],
)
async def test_a_wrong_method_is_405_listing_every_method_of_the_path(
    client: httpx.AsyncClient, method: str, path: str, allow: str
) -> None:
    reply = await client.request(method, path)
    assert (reply.status_code, reply.headers["allow"]) == (405, allow)
