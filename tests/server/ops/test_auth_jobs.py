"""API keys on the process and job routes (issues 13 and 15): reading and running processes
needs `execute`, registering and deleting them `admin`, jobs need `jobs`; the OGC landing
routes stay open."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from mlpy.jobs import JobsConfig
from mlpy.server import Settings, create_app
from mlpy.server.keys import digest, new_key
from mlpy.server.settings import PlaygroundMode
from tests.server.conftest import running
from tests.server.ops.conftest import Keys, open_app

pytestmark = pytest.mark.anyio


@pytest.fixture
async def keyed_jobs(keys: Keys) -> AsyncIterator[httpx.AsyncClient]:
    async with open_app(api_keys=keys.config, playground=PlaygroundMode.ON) as client:
        yield client


def _key(key: str) -> dict[str, str]:
    return {"X-API-Key": key}


async def test_registering_needs_admin(keyed_jobs: httpx.AsyncClient, keys: Keys) -> None:
    body = {"code": "result = x * 2;"}
    assert (await keyed_jobs.put("/processes/double", json=body)).status_code == 401
    for other in (keys.execute, keys.jobs):
        reply = await keyed_jobs.put("/processes/double", json=body, headers=_key(other))
        assert reply.status_code == 403, reply.text
        assert reply.json()["reason"] == "missing_scope"
    reply = await keyed_jobs.put("/processes/double", json=body, headers=_key(keys.admin))
    assert reply.status_code == 201, reply.text
    assert (await keyed_jobs.delete("/processes/double", headers=_key(keys.execute))).status_code == 403
    assert (await keyed_jobs.delete("/processes/double", headers=_key(keys.admin))).status_code == 204


async def test_running_and_describing_need_execute(keyed_jobs: httpx.AsyncClient, keys: Keys) -> None:
    await keyed_jobs.put("/processes/double", json={"code": "result = x * 2;"}, headers=_key(keys.admin))
    assert (await keyed_jobs.get("/processes", headers=_key(keys.jobs))).status_code == 403
    assert (await keyed_jobs.get("/processes", headers=_key(keys.execute))).status_code == 200
    described = await keyed_jobs.get("/processes/double", headers=_key(keys.execute))
    assert described.status_code == 200 and described.json()["id"] == "double"
    ran = await keyed_jobs.post(
        "/processes/double/execution", json={"inputs": {"x": 21}}, headers=_key(keys.execute)
    )
    assert ran.status_code == 200 and ran.json()["value"] == 42, ran.text


async def test_jobs_need_the_jobs_scope(keyed_jobs: httpx.AsyncClient, keys: Keys) -> None:
    code = {"code": "result = 1;"}
    assert (await keyed_jobs.post("/jobs", json=code)).status_code == 401
    assert (await keyed_jobs.post("/jobs", json=code, headers=_key(keys.execute))).status_code == 403
    made = await keyed_jobs.post("/jobs", json=code, headers=_key(keys.jobs))
    assert made.status_code == 201, made.text
    job = made.json()["jobID"]
    for path in (f"/jobs/{job}", f"/jobs/{job}/output", "/jobs"):
        assert (await keyed_jobs.get(path, headers=_key(keys.execute))).status_code == 403
        assert (await keyed_jobs.get(path, headers=_key(keys.jobs))).status_code == 200, path
    assert (await keyed_jobs.delete(f"/jobs/{job}", headers=_key(keys.jobs))).status_code == 200


async def test_the_landing_routes_stay_open(keyed_jobs: httpx.AsyncClient) -> None:
    assert (await keyed_jobs.get("/conformance")).status_code == 200


async def test_a_jobs_key_sees_only_its_own_jobs_and_an_admin_sees_all(tmp_path: Path) -> None:
    ann, bob, root = new_key(), new_key(), new_key()
    config = "\n".join(
        f"{name}:{scopes}:{digest(key).hex()}"
        for name, scopes, key in (("ann", "jobs", ann), ("bob", "jobs", bob), ("root", "jobs,admin", root))
    )
    # a store of its own: the session's shared data directory holds other tests' jobs
    app = create_app(Settings(workers=2, api_keys=config), JobsConfig(data_dir=tmp_path / "data"))
    async with running(app) as client:
        made = {}
        for name, key in (("ann", ann), ("bob", bob)):
            reply = await client.post("/jobs", json={"code": "result = 1;"}, headers=_key(key))
            assert reply.status_code == 201, reply.text
            made[name] = reply.json()["jobID"]
        listed = (await client.get("/jobs", headers=_key(ann))).json()["jobs"]
        assert [j["jobID"] for j in listed] == [made["ann"]]
        for path in (f"/jobs/{made['bob']}", f"/jobs/{made['bob']}/output", f"/jobs/{made['bob']}/results"):
            assert (await client.get(path, headers=_key(ann))).status_code == 404, path
        assert (await client.delete(f"/jobs/{made['bob']}", headers=_key(ann))).status_code == 404
        everyone = (await client.get("/jobs", headers=_key(root))).json()["jobs"]
        assert {j["jobID"] for j in everyone} == set(made.values())
        assert (await client.get(f"/jobs/{made['bob']}", headers=_key(root))).status_code == 200
