"""Both stores keep the same records the same way (SQLite file, Redis db 1)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mlpy.jobs.models import JobQuery, JobRecord, JobStatus, ProcessRecord
from mlpy.jobs.redis_store import RedisStore
from mlpy.jobs.store import SqliteStore, Store

LIVE = frozenset({JobStatus.ACCEPTED, JobStatus.RUNNING})


@pytest.fixture(params=["sqlite", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path, redis_db: Callable[[int], str]) -> Iterator[Store]:
    opened: Store = (
        SqliteStore(tmp_path / "jobs.db") if request.param == "sqlite" else RedisStore(redis_db(1))
    )
    yield opened
    opened.close()


def job(n: int, **fields: object) -> JobRecord:
    return JobRecord(id=f"job-{n}", code="result = 1;", created=1000.0 + n, **fields)  # type: ignore[arg-type]


def test_processes_get_a_new_revision_on_each_registration(store: Store) -> None:
    first, created = store.put_process(ProcessRecord(id="p", code="result = 1;"), version=None)
    assert (created, first.revision, first.version) == (True, 1, "1")
    second, created = store.put_process(ProcessRecord(id="p", code="result = 2;"), version="2.0-beta")
    assert (created, second.revision, second.version, second.created) == (False, 2, "2.0-beta", first.created)
    assert store.get_process("p") == second
    store.put_process(ProcessRecord(id="a", code="result = 0;"), version=None)
    assert [p.id for p in store.list_processes()] == ["a", "p"]
    assert store.delete_process("p") and not store.delete_process("p")
    assert store.get_process("p") is None


def test_update_job_changes_a_job_only_in_the_expected_statuses(store: Store) -> None:
    store.add_job(job(1))
    running = store.update_job(
        "job-1", frozenset({JobStatus.ACCEPTED}), status=JobStatus.RUNNING, started=5.0
    )
    assert running is not None and (running.status, running.started) == (JobStatus.RUNNING, 5.0)
    assert store.update_job("job-1", frozenset({JobStatus.ACCEPTED}), status=JobStatus.RUNNING) is None
    dismissed = store.update_job("job-1", LIVE, status=JobStatus.DISMISSED, finished=time.time())
    assert dismissed is not None and dismissed.status is JobStatus.DISMISSED
    # a worker's late progress report cannot bring it back
    assert store.update_job("job-1", frozenset({JobStatus.RUNNING}), progress=50.0) is None
    assert store.get_job("job-1") == dismissed
    assert store.update_job("no-such-job", LIVE, progress=1.0) is None


def test_list_jobs_newest_first_with_filters_limit_and_offset(store: Store) -> None:
    for n in range(5):
        store.add_job(job(n, process_id="even" if n % 2 == 0 else None, owner="ann" if n < 2 else "bob"))
    store.update_job("job-3", LIVE, status=JobStatus.RUNNING)
    assert [j.id for j in store.list_jobs(JobQuery(limit=10))] == [
        "job-4",
        "job-3",
        "job-2",
        "job-1",
        "job-0",
    ]
    assert [j.id for j in store.list_jobs(JobQuery(limit=2, offset=1))] == ["job-3", "job-2"]
    assert [j.id for j in store.list_jobs(JobQuery(process_id="even"))] == ["job-4", "job-2", "job-0"]
    assert [j.id for j in store.list_jobs(JobQuery(owner="ann"))] == ["job-1", "job-0"]
    assert [j.id for j in store.list_jobs(JobQuery(status=JobStatus.RUNNING))] == ["job-3"]
    assert (store.count_jobs(JobStatus.ACCEPTED), store.count_jobs(JobStatus.RUNNING)) == (4, 1)


def test_output_cache_and_expiry(store: Store) -> None:
    store.add_job(job(1))
    store.add_job(job(2))
    store.set_output("job-1", "hello\n")
    assert (store.get_output("job-1"), store.get_output("job-2")) == ("hello\n", "")
    store.cache_put("k", {"success": True, "value": 3})
    assert store.cache_get("k") == {"success": True, "value": 3} and store.cache_get("other") is None
    now = time.time()
    store.update_job("job-1", LIVE, status=JobStatus.SUCCESSFUL, finished=now - 100)
    store.update_job("job-2", LIVE, status=JobStatus.FAILED, finished=now)
    assert store.expire(now - 50) == 1
    assert store.get_job("job-1") is None and store.get_output("job-1") == ""
    assert store.get_job("job-2") is not None
    # gone from every listing too, not only as a record
    assert "job-1" not in {j.id for j in store.list_jobs(JobQuery(limit=100))}
    assert store.count_jobs(JobStatus.SUCCESSFUL) == 0 and store.count_jobs(JobStatus.FAILED) == 1


def test_expiry_forgets_a_job_in_every_index(store: Store) -> None:
    now = time.time()
    store.add_job(job(1, owner="ann", process_id="p"))
    store.update_job("job-1", LIVE, status=JobStatus.FAILED, finished=now - 100)
    store.add_job(job(2, owner="ann", process_id="p", status=JobStatus.SUCCESSFUL, finished=now - 100))
    assert store.expire(now) == 2
    assert store.list_jobs(JobQuery(owner="ann")) == [] and store.list_jobs(JobQuery(process_id="p")) == []
    assert store.expire(now) == 0


class CountingRedisStore(RedisStore):
    """Counts the job records a listing reads."""

    loaded = 0

    def _load(self, ids: list[str]) -> list[JobRecord]:
        self.loaded += len(ids)
        return super()._load(ids)


def test_a_tenants_listing_reads_that_tenants_jobs_only_on_redis(redis_db: Callable[[int], str]) -> None:
    store = CountingRedisStore(redis_db(2))
    try:
        for n in range(600):
            store.add_job(job(n, owner="big", process_id="bulk"))
        store.add_job(job(1000, owner="small"))
        assert [j.id for j in store.list_jobs(JobQuery(owner="small"))] == ["job-1000"]
        assert store.loaded == 1
        store.loaded = 0
        assert len(store.list_jobs(JobQuery(process_id="bulk", limit=5))) == 5
        assert store.loaded <= 200  # one batch, not the 600
        store.loaded = 0
        before = time.time()
        store.update_job("job-1000", LIVE, status=JobStatus.SUCCESSFUL, finished=before - 10)
        assert store.expire(before) == 1
        assert store.loaded == 0  # expiry read no listing, and only the one expired record
    finally:
        store.close()


def test_a_tenants_listing_uses_an_index_on_sqlite(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "jobs.db")
    try:
        for column in ("owner", "process_id"):
            plan = (
                store._conn()
                .execute(
                    f"explain query plan select data from jobs where {column} = ? "
                    "order by created desc limit 10",
                    ("x",),
                )
                .fetchall()
            )
            assert any(f"jobs_{column.split('_')[0]}" in str(row) for row in plan), plan
    finally:
        store.close()
