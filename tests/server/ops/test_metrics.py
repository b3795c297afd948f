"""Metrics: after known traffic, a scrape shows the exact counts (in one process here; under
gunicorn with two workers in test_gunicorn_ops.py)."""

from __future__ import annotations

import functools
from pathlib import Path

import anyio
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from mlpy.runtime.result import MLResult
from mlpy.server.metrics import outcome_of
from tests.server.ops.conftest import open_app

pytestmark = pytest.mark.anyio


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of a scrape: (name, labels) -> value."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(scrape: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    return scrape.get((name, frozenset(labels.items())), 0.0)


#: (request, expected status, expected outcome)
TRAFFIC = [
    ({"json": {"code": "result = 1;"}}, 200, "success"),
    ({"json": {"code": "result = 2;"}}, 200, "success"),
    ({"json": {"code": "result = 3;"}}, 200, "success"),
    ({"json": {"code": "x = ;"}}, 200, "SyntaxError"),
    ({"json": {"code": "result = 1 + [2];"}}, 200, "TypeError"),
    ({"json": {"code": 'throw {type: "MyOwnError", message: "no"};'}}, 200, "Thrown"),
    ({"json": {"code": "while (true) {}", "timeout": 0.3}}, 200, "TimeoutError"),
    ({"json": {"nocode": 1}}, 422, None),
]


async def test_a_scrape_shows_the_exact_counts_of_known_traffic() -> None:
    async with open_app() as client:
        for request, status, _ in TRAFFIC:
            assert (await client.post("/execute", **request)).status_code == status
        for _ in range(2):
            assert (await client.get("/calculate?operation=add&a=1&b=2")).status_code == 200
        assert (await client.get("/calculate?operation=modulo&a=1&b=2")).status_code == 400
        assert (await client.get("/no/such/path")).status_code == 404
        reply = await client.get("/metrics")
        assert reply.status_code == 200
        assert reply.headers["content-type"].startswith("text/plain; version=0.0.4")
        scrape = samples(reply.text)
        second = samples((await client.get("/metrics")).text)

    requests = "mlpy_http_requests_total"
    assert value(scrape, requests, route="/execute", method="POST", status="200") == 7
    assert value(scrape, requests, route="/execute", method="POST", status="422") == 1
    assert value(scrape, requests, route="/calculate", method="GET", status="200") == 2
    assert value(scrape, requests, route="/calculate", method="GET", status="400") == 1
    assert value(scrape, requests, route="<unmatched>", method="GET", status="404") == 1
    assert value(scrape, requests, route="/metrics", method="GET", status="200") == 0  # counted when done
    assert value(second, requests, route="/metrics", method="GET", status="200") == 1
    assert not any("/no/such/path" in str(labels) for _, labels in scrape)

    latency = "mlpy_http_request_duration_seconds_count"
    assert value(scrape, latency, route="/execute", method="POST") == 8
    assert value(scrape, latency, route="/calculate", method="GET") == 3
    assert (
        value(scrape, "mlpy_http_request_duration_seconds_bucket", route="/execute", method="POST", le="+Inf")
        == 8
    )

    runs = "mlpy_script_runs_total"
    expected = {
        "success": 3 + 2,
        "SyntaxError": 1,
        "TypeError": 1,
        "Thrown": 1,
        "TimeoutError": 1,
        "ValueError": 1,
    }
    for outcome, count in expected.items():  # /calculate's unknown operation runs nothing: 400 first
        assert value(scrape, runs, outcome=outcome) == (count if outcome != "ValueError" else 0), outcome
    assert sum(v for (name, _), v in scrape.items() if name == runs) == 9
    assert value(scrape, "mlpy_script_execution_seconds_count", outcome="success") == 5
    assert value(scrape, "mlpy_script_execution_seconds_sum", outcome="TimeoutError") >= 0.2
    assert value(scrape, "mlpy_executor_busy_workers") == 0
    assert value(scrape, "mlpy_executor_queued_calls") == 0


async def test_overloaded_runs_and_the_busy_gauge() -> None:
    async with open_app(workers=1, max_queue=0) as client:
        slow: dict[str, httpx.Response] = {}

        async def run_slow() -> None:
            slow["reply"] = await client.post("/execute", json={"code": "while (true) {}", "timeout": 1.5})

        async with anyio.create_task_group() as tg:
            tg.start_soon(run_slow)
            await anyio.sleep(0.5)
            during = samples((await client.get("/metrics")).text)
            overloaded = await client.post("/execute", json={"code": "result = 1;"})
        after = samples((await client.get("/metrics")).text)
    assert overloaded.status_code == 503 and overloaded.json()["error_type"] == "Overloaded"
    assert value(during, "mlpy_executor_busy_workers") == 1
    assert value(after, "mlpy_executor_busy_workers") == 0
    assert value(after, "mlpy_script_runs_total", outcome="Overloaded") == 1
    assert value(after, "mlpy_script_runs_total", outcome="TimeoutError") == 1
    assert value(after, "mlpy_script_execution_seconds_count", outcome="Overloaded") == 0  # it never ran


async def test_jobs_hooks_are_read_at_each_scrape() -> None:
    from mlpy.server import Settings, create_app
    from tests.server.conftest import running

    counts = {"queued": 2, "running": 1, "succeeded": 7}
    app = create_app(Settings(workers=1))

    async def depth() -> int:  # a store read may be async
        return counts["queued"]

    app.state.metrics.watch_jobs(lambda: counts, depth)
    async with running(app) as client:
        first = samples((await client.get("/metrics")).text)
        counts.update(queued=0, succeeded=9)
        second = samples((await client.get("/metrics")).text)
    assert value(first, "mlpy_jobs", status="queued") == 2
    assert value(first, "mlpy_jobs", status="succeeded") == 7
    assert value(first, "mlpy_jobs_queue_depth") == 2
    assert value(second, "mlpy_jobs", status="succeeded") == 9
    assert value(second, "mlpy_jobs_queue_depth") == 0


async def test_the_apps_own_jobs_are_counted_at_each_scrape(tmp_path: Path) -> None:
    """Without a worker the submitted jobs wait: the scrape counts them as accepted and queued;
    dismissing one moves it to dismissed."""
    from mlpy.jobs import JobsConfig
    from mlpy.server import Settings, create_app
    from tests.server.conftest import running

    app = create_app(Settings(workers=1), JobsConfig(data_dir=tmp_path / "data"))
    async with running(app) as client:
        made = [(await client.post("/jobs", json={"code": "result = 1;"})).json()["jobID"] for _ in range(3)]
        first = samples((await client.get("/metrics")).text)
        assert (await client.delete(f"/jobs/{made[0]}")).status_code == 200
        second = samples((await client.get("/metrics")).text)
    assert value(first, "mlpy_jobs", status="accepted") == 3
    assert value(first, "mlpy_jobs", status="successful") == 0
    assert value(first, "mlpy_jobs_queue_depth") == 3
    assert value(second, "mlpy_jobs", status="accepted") == 2
    assert value(second, "mlpy_jobs", status="dismissed") == 1
    assert value(second, "mlpy_jobs_queue_depth") == 2


def test_outcomes_are_bounded() -> None:
    """A type a script makes up cannot create a new label value (series are not unbounded)."""
    fail = MLResult(success=False, error="x", error_type="AnythingAtAll123")
    assert outcome_of(fail) == "Thrown"
    for known in ("SyntaxError", "SecurityError", "TimeoutError", "LimitError", "Overloaded", "Cancelled"):
        assert outcome_of(MLResult(success=False, error="x", error_type=known)) == known
    assert outcome_of(MLResult(success=True, value=1)) == "success"


async def test_the_executor_gauges_are_sampled_without_a_scrape() -> None:
    """Under gunicorn a scrape reads the other workers' gauges as they last sampled them: the
    lifespan samples every SAMPLE_INTERVAL seconds, so a long run shows as busy meanwhile."""
    from mlpy.server import Settings, create_app
    from mlpy.server.metrics import SAMPLE_INTERVAL
    from tests.server.conftest import running

    app = create_app(Settings(workers=1))
    registry = app.state.metrics.registry
    async with running(app) as client, anyio.create_task_group() as tg:
        tg.start_soon(
            functools.partial(client.post, "/execute", json={"code": "while (true) {}", "timeout": 3.0})
        )
        await anyio.sleep(SAMPLE_INTERVAL * 2)
        assert registry.get_sample_value("mlpy_executor_busy_workers") == 1
    assert registry.get_sample_value("mlpy_executor_busy_workers") == 0  # sampled at the run's end
