"""`RedisStore`: the job system's records in Redis, shared by every machine that uses the URL.

Layer 5 (jobs): imports the standard library, redis and `mlpy.jobs`.

Layout (every key starts with ``mlpy:``): ``process:{id}`` (JSON) and the set ``processes``;
``job:{id}`` (JSON), ``output:{id}``, the sorted sets ``jobs`` (id by creation time),
``jobs:owner:{owner}`` and ``jobs:process:{id}`` (the same, one owner's or one process's),
``finished`` (id by finishing time), and one set per status ``status:{status}``;
``cache:{key}`` (JSON, expires with the finished-job TTL). A job's check-and-set
(`update_job`) is one WATCH/MULTI transaction, retried on conflict.

Costs: listing by status reads that status's set (the supervisor lists running jobs twice a
second: its cost follows the running jobs, not all jobs kept); listing otherwise walks the
narrowest sorted set that the filters allow (an owner's jobs, else a process's, else all),
200 at a time, until ``offset + limit`` match, so a tenant's listing reads that tenant's jobs
only. `expire` reads only the jobs that finished before the cut-off.
"""

from __future__ import annotations

import json
import time
from typing import Any

import redis

from mlpy.jobs.models import JobQuery, JobRecord, JobStatus, ProcessRecord
from mlpy.jobs.store import new_revision

__all__ = ["PREFIX", "RedisStore"]

#: the first part of every key mlpy writes
PREFIX = "mlpy:"
#: seconds a cached result is kept
_CACHE_TTL = 7 * 24 * 3600


class RedisStore:
    """`mlpy.jobs.store.Store` in Redis (``redis://host:port/db``)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.db = redis.Redis.from_url(url, socket_timeout=10, health_check_interval=30)

    @staticmethod
    def _key(*parts: str) -> str:
        return PREFIX + ":".join(parts)

    def _get_json(self, key: str) -> Any:
        raw = self.db.get(key)
        return None if raw is None else json.loads(raw)

    # -- processes ------------------------------------------------------------------------

    def put_process(self, record: ProcessRecord, *, version: str | None) -> tuple[ProcessRecord, bool]:
        key = self._key("process", record.id)
        result: list[tuple[ProcessRecord, bool]] = []

        def work(pipe: Any) -> None:
            raw = pipe.get(key)
            old = ProcessRecord.from_dict(json.loads(raw)) if raw is not None else None
            new = new_revision(old, record, version)
            pipe.multi()
            pipe.set(key, json.dumps(new.to_dict()))
            pipe.sadd(self._key("processes"), record.id)
            result[:] = [(new, old is None)]

        self.db.transaction(work, key)
        return result[0]

    def get_process(self, process_id: str) -> ProcessRecord | None:
        data = self._get_json(self._key("process", process_id))
        return None if data is None else ProcessRecord.from_dict(data)

    def list_processes(self) -> list[ProcessRecord]:
        ids = sorted(_text(i) for i in self.db.smembers(self._key("processes")))
        found = [self.get_process(i) for i in ids]
        return [p for p in found if p is not None]

    def delete_process(self, process_id: str) -> bool:
        self.db.srem(self._key("processes"), process_id)
        return bool(self.db.delete(self._key("process", process_id)))

    # -- jobs -----------------------------------------------------------------------------

    def add_job(self, job: JobRecord) -> None:
        pipe = self.db.pipeline()
        pipe.set(self._key("job", job.id), json.dumps(job.to_dict()))
        for index in self._indexes(job):
            pipe.zadd(index, {job.id: job.created})
        pipe.sadd(self._key("status", job.status.value), job.id)
        if job.done:
            pipe.zadd(self._key("finished"), {job.id: _finished_at(job)})
        pipe.execute()

    def _indexes(self, job: JobRecord) -> list[str]:
        """The sorted sets (by creation time) that list ``job``."""
        found = [self._key("jobs")]
        if job.owner is not None:
            found.append(self._key("jobs", "owner", job.owner))
        if job.process_id is not None:
            found.append(self._key("jobs", "process", job.process_id))
        return found

    def get_job(self, job_id: str) -> JobRecord | None:
        data = self._get_json(self._key("job", job_id))
        return None if data is None else JobRecord.from_dict(data)

    def update_job(self, job_id: str, expect: frozenset[JobStatus], **changes: Any) -> JobRecord | None:
        key = self._key("job", job_id)
        result: list[JobRecord | None] = [None]

        def work(pipe: Any) -> None:
            raw = pipe.get(key)
            result[0] = None
            if raw is None:
                return
            data = json.loads(raw)
            old = data["status"]
            if old not in expect:
                return
            data.update(changes, updated=time.time())
            job = JobRecord.from_dict(data)
            pipe.multi()
            pipe.set(key, json.dumps(job.to_dict()))
            if job.status.value != old:
                pipe.smove(self._key("status", old), self._key("status", job.status.value), job_id)
                if job.done:
                    pipe.zadd(self._key("finished"), {job_id: _finished_at(job)})
            result[0] = job

        self.db.transaction(work, key)
        return result[0]

    def list_jobs(self, query: JobQuery) -> list[JobRecord]:
        end = query.offset + query.limit
        if query.status is not None:  # the status's own set: the supervisor's passes over running jobs
            ids = [_text(i) for i in self.db.smembers(self._key("status", query.status.value))]
            found = [job for job in self._load(ids) if query.matches(job)]
            found.sort(key=lambda job: (job.created, job.id), reverse=True)
            return found[query.offset : end]
        if query.owner is not None:
            index = self._key("jobs", "owner", query.owner)
        elif query.process_id is not None:
            index = self._key("jobs", "process", query.process_id)
        else:
            index = self._key("jobs")
        matched: list[JobRecord] = []
        start, batch = 0, 200
        while len(matched) < end:
            ids = [_text(i) for i in self.db.zrevrange(index, start, start + batch - 1)]
            if not ids:
                break
            start += batch
            matched += [job for job in self._load(ids) if query.matches(job)]
        return matched[query.offset : end]

    def _load(self, ids: list[str]) -> list[JobRecord]:
        """The jobs ``ids`` that still exist, in the same order."""
        if not ids:
            return []
        raws = self.db.mget([self._key("job", i) for i in ids])
        return [JobRecord.from_dict(json.loads(raw)) for raw in raws if raw is not None]

    def count_jobs(self, status: JobStatus) -> int:
        return int(self.db.scard(self._key("status", status.value)))

    def set_output(self, job_id: str, text: str) -> None:
        self.db.set(self._key("output", job_id), text)

    def get_output(self, job_id: str) -> str:
        raw = self.db.get(self._key("output", job_id))
        return "" if raw is None else _text(raw)

    def cache_get(self, key: str) -> dict[str, Any] | None:
        data = self._get_json(self._key("cache", key))
        return None if data is None else dict(data)

    def cache_put(self, key: str, result: dict[str, Any]) -> None:
        self.db.set(self._key("cache", key), json.dumps(result), ex=_CACHE_TTL)

    def expire(self, before: float) -> int:
        deleted = 0
        while True:  # a batch at a time: a long-idle store may hold many expired jobs
            expired = self.db.zrangebyscore(self._key("finished"), "-inf", f"({before}", 0, 200)
            ids = [_text(i) for i in expired]
            if not ids:
                return deleted
            jobs = dict(zip(ids, self.db.mget([self._key("job", i) for i in ids]), strict=True))
            pipe = self.db.pipeline()
            for job_id, raw in jobs.items():
                pipe.delete(self._key("job", job_id), self._key("output", job_id))
                pipe.zrem(self._key("finished"), job_id)
                pipe.zrem(self._key("jobs"), job_id)
                if raw is not None:
                    job = JobRecord.from_dict(json.loads(raw))
                    for index in self._indexes(job):
                        pipe.zrem(index, job_id)
                    pipe.srem(self._key("status", job.status.value), job_id)
            pipe.execute()
            deleted += sum(raw is not None for raw in jobs.values())

    def close(self) -> None:
        self.db.close()


def _finished_at(job: JobRecord) -> float:
    """When ``job`` finished (its last update if a hand-edited record lacks the time)."""
    return job.finished if job.finished is not None else job.updated


def _text(raw: Any) -> str:
    """A Redis reply (bytes) as text."""
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
