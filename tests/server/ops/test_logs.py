"""Request logs: one parseable line per request with the fields; X-Request-ID echoed or made;
the code and the key never logged; format and level by setting."""

from __future__ import annotations

import functools
import hashlib
import re

import anyio
import pytest

from tests.server.ops.conftest import Keys, log_lines, open_app

pytestmark = pytest.mark.anyio

FIELDS = [
    "time", "level", "request_id", "method", "pid", "route", "status", "duration_ms",
    "key", "outcome", "error_type", "code_sha256",
]  # fmt: skip
CODE = 'secret_marker = "do-not-log-me";\nresult = 1 + [2];'


async def test_one_line_per_request_with_the_fields(keys: Keys, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    async with open_app(api_keys=keys.config) as client:
        headers = {"X-API-Key": keys.execute, "X-Request-ID": "req-42.a:b"}
        failed = await client.post("/execute", json={"code": CODE}, headers=headers)
        ok = await client.get("/calculate?operation=add&a=1&b=2", headers={"X-API-Key": keys.execute})
        refused = await client.post("/execute", json={"code": CODE})
        health = await client.get("/health")
    lines = log_lines(capsys.readouterr().out)
    assert len(lines) == 4
    for line in lines:
        assert list(line) == FIELDS
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"])
        assert line["duration_ms"] >= 0 and isinstance(line["pid"], int)
    first, second, third, fourth = lines
    assert failed.headers["x-request-id"] == "req-42.a:b" == first["request_id"]
    assert first | {"time": 0, "duration_ms": 0, "pid": 0} == {
        "time": 0, "level": "info", "request_id": "req-42.a:b", "method": "POST", "pid": 0,
        "route": "/execute", "status": 200, "duration_ms": 0, "key": "execute",
        "outcome": "TypeError", "error_type": "TypeError",
        "code_sha256": hashlib.sha256(CODE.encode()).hexdigest(),
    }  # fmt: skip
    assert (second["route"], second["outcome"], second["key"]) == ("/calculate", "success", "execute")
    assert (
        re.fullmatch(r"[0-9a-f]{32}", second["request_id"])
        and ok.headers["x-request-id"] == second["request_id"]
    )
    assert (third["status"], third["key"], third["outcome"], third["code_sha256"]) == (401, None, None, None)
    assert refused.headers["x-request-id"] == third["request_id"]
    assert (fourth["route"], fourth["status"], fourth["outcome"]) == (
        "/health",
        health.status_code,
        "success",
    )


async def test_the_code_and_the_key_are_never_logged(keys: Keys, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    async with open_app(api_keys=keys.config) as client:
        await client.post("/execute", json={"code": CODE}, headers={"X-API-Key": keys.execute})
        await client.post("/execute", json={"code": CODE}, headers={"Authorization": f"Bearer {keys.jobs}"})
    out, err = capsys.readouterr()
    assert len(log_lines(out)) == 2
    for secret in ("do-not-log-me", keys.execute, keys.jobs):
        assert secret not in out + err


@pytest.mark.parametrize("given", ["", "has space", "x" * 129, "new\nline", '"quoted"'])
async def test_an_unusable_request_id_is_replaced(given: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    async with open_app() as client:
        reply = await client.get("/", headers={"X-Request-ID": given.replace("\n", "%0A")} if given else {})
    (line,) = log_lines(capsys.readouterr().out)
    assert re.fullmatch(r"[0-9a-f]{32}", line["request_id"])
    assert reply.headers["x-request-id"] == line["request_id"]


async def test_text_format(capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    async with open_app(log_format="text") as client:
        await client.post("/execute", json={"code": "result = 1;"}, headers={"X-Request-ID": "abc"})
    out = [line for line in capsys.readouterr().out.splitlines() if "request_id=abc" in line]
    assert len(out) == 1
    assert re.search(r"level=info request_id=abc method=POST pid=\d+ route=/execute status=200 ", out[0])
    assert "key=anonymous outcome=success error_type=- code_sha256=" in out[0]


async def test_level_error_keeps_only_5xx(capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    async with open_app(log_level="error", workers=1, max_queue=0) as client:
        async with anyio.create_task_group() as tg:
            slow = {"code": "while (true) {}", "timeout": 1.0}
            tg.start_soon(functools.partial(client.post, "/execute", json=slow))
            await anyio.sleep(0.4)
            overloaded = await client.post("/execute", json={"code": "result = 1;"})
        await client.get("/")
    assert overloaded.status_code == 503
    lines = log_lines(capsys.readouterr().out)
    assert [(line["level"], line["status"], line["outcome"]) for line in lines] == [
        ("error", 503, "Overloaded")
    ]
