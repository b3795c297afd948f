"""Where jobs and processes are kept: the `Store` protocol, `SqliteStore`, and `open_store`.

Layer 5 (jobs): imports the standard library, `mlpy.jobs.models` and (for Redis)
`mlpy.jobs.redis_store`.

Every API process, every worker process and every machine that opens the same store sees the
same records, so a store must be safe from several processes at once: `SqliteStore` runs in
WAL mode with short ``BEGIN IMMEDIATE`` transactions, `RedisStore` uses WATCH/MULTI.

The one write primitive for a job is `Store.update_job`: change some fields *if* the job is
in one of the expected statuses, atomically. Starting, progress, heartbeats, finishing and
dismissing are all that one check-and-set, so a job dismissed by the API while its worker
reports progress ends dismissed, never running again.

Cost: every operation touches one job (a primary-key lookup) except `list_jobs` (an indexed
scan of at most ``offset + limit`` rows on SQLite), `running_jobs` and `expire` (one pass over
the jobs in a status).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from mlpy.jobs.models import FINISHED, JobQuery, JobRecord, JobsConfig, JobStatus, ProcessRecord

__all__ = ["SqliteStore", "Store", "open_store"]


class Store(Protocol):
    """The records of the job system, shared by every process that opens the same place."""

    def put_process(self, record: ProcessRecord, *, version: str | None) -> tuple[ProcessRecord, bool]:
        """Register or replace a process; the store sets revision, version and times.

        Returns the stored record and whether it was created (False: replaced).
        """
        ...

    def get_process(self, process_id: str) -> ProcessRecord | None:
        """The process registered under ``process_id``, if any."""
        ...

    def list_processes(self) -> list[ProcessRecord]:
        """Every registered process, by id."""
        ...

    def delete_process(self, process_id: str) -> bool:
        """Remove a process; False if there was none."""
        ...

    def add_job(self, job: JobRecord) -> None:
        """Store a new job."""
        ...

    def get_job(self, job_id: str) -> JobRecord | None:
        """The job ``job_id``, if it exists (and has not expired)."""
        ...

    def update_job(self, job_id: str, expect: frozenset[JobStatus], **changes: Any) -> JobRecord | None:
        """Apply ``changes`` if the job's status is in ``expect``; the new record, or None."""
        ...

    def list_jobs(self, query: JobQuery) -> list[JobRecord]:
        """The page of jobs ``query`` asks for, newest first."""
        ...

    def count_jobs(self, status: JobStatus) -> int:
        """How many jobs are in ``status``."""
        ...

    def set_output(self, job_id: str, text: str) -> None:
        """Replace the job's output so far."""
        ...

    def get_output(self, job_id: str) -> str:
        """The job's output so far ("" if none)."""
        ...

    def cache_get(self, key: str) -> dict[str, Any] | None:
        """A stored result of a deterministic run, by cache key."""
        ...

    def cache_put(self, key: str, result: dict[str, Any]) -> None:
        """Remember the result of a deterministic run."""
        ...

    def expire(self, before: float) -> int:
        """Delete finished jobs that finished before ``before``; how many were deleted."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


def open_store(config: JobsConfig) -> Store:
    """The store ``config`` names: Redis for a redis:// URL, else SQLite under the data dir."""
    if config.url is not None:
        from mlpy.jobs.redis_store import RedisStore

        return RedisStore(config.url)
    return SqliteStore(Path(config.data_dir) / "jobs.db")


def new_revision(old: ProcessRecord | None, record: ProcessRecord, version: str | None) -> ProcessRecord:
    """``record`` as the next registration after ``old`` (shared by both stores)."""
    now = time.time()
    revision = (old.revision if old else 0) + 1
    return replace(
        record,
        revision=revision,
        version=version if version else str(revision),
        created=old.created if old else now,
        updated=now,
    )


_SCHEMA = """
create table if not exists processes (id text primary key, revision integer not null, data text not null);
create table if not exists jobs (
    id text primary key, status text not null, process_id text, owner text,
    created real not null, finished real, data text not null);
create index if not exists jobs_created on jobs (created desc);
create index if not exists jobs_status on jobs (status, finished);
create index if not exists jobs_owner on jobs (owner, created desc);
create index if not exists jobs_process on jobs (process_id, created desc);
create table if not exists outputs (id text primary key, text text not null);
create table if not exists results_cache (key text primary key, data text not null, stored real not null);
"""


class SqliteStore:
    """`Store` in one SQLite file (WAL mode): safe from many processes on one machine."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._conn().executescript(_SCHEMA)  # commits by itself

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
            conn.execute("pragma journal_mode=wal")
            conn.execute("pragma synchronous=normal")
            self._local.conn = conn
        return conn

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction (taken at once, so two writers never deadlock)."""
        db = self._conn()
        db.execute("begin immediate")
        try:
            yield db
        except BaseException:
            db.execute("rollback")
            raise
        db.execute("commit")

    def _one(self, sql: str, args: tuple[Any, ...]) -> Any:
        row = self._conn().execute(sql, args).fetchone()
        return None if row is None else row[0]

    # -- processes ------------------------------------------------------------------------

    def put_process(self, record: ProcessRecord, *, version: str | None) -> tuple[ProcessRecord, bool]:
        with self._tx() as db:
            row = db.execute("select data from processes where id = ?", (record.id,)).fetchone()
            old = ProcessRecord.from_dict(json.loads(row[0])) if row else None
            new = new_revision(old, record, version)
            db.execute(
                "insert or replace into processes (id, revision, data) values (?, ?, ?)",
                (new.id, new.revision, json.dumps(new.to_dict())),
            )
        return new, old is None

    def get_process(self, process_id: str) -> ProcessRecord | None:
        data = self._one("select data from processes where id = ?", (process_id,))
        return None if data is None else ProcessRecord.from_dict(json.loads(data))

    def list_processes(self) -> list[ProcessRecord]:
        rows = self._conn().execute("select data from processes order by id").fetchall()
        return [ProcessRecord.from_dict(json.loads(r[0])) for r in rows]

    def delete_process(self, process_id: str) -> bool:
        with self._tx() as db:
            return db.execute("delete from processes where id = ?", (process_id,)).rowcount > 0

    # -- jobs -----------------------------------------------------------------------------

    def add_job(self, job: JobRecord) -> None:
        with self._tx() as db:
            db.execute(
                "insert into jobs (id, status, process_id, owner, created, finished, data) "
                "values (?, ?, ?, ?, ?, ?, ?)",
                (job.id, job.status.value, job.process_id, job.owner, job.created, job.finished,
                 json.dumps(job.to_dict())),
            )  # fmt: skip

    def get_job(self, job_id: str) -> JobRecord | None:
        data = self._one("select data from jobs where id = ?", (job_id,))
        return None if data is None else JobRecord.from_dict(json.loads(data))

    def update_job(self, job_id: str, expect: frozenset[JobStatus], **changes: Any) -> JobRecord | None:
        with self._tx() as db:
            row = db.execute("select data from jobs where id = ?", (job_id,)).fetchone()
            if row is None:
                return None
            data = json.loads(row[0])
            if data["status"] not in expect:
                return None
            data.update(changes, updated=time.time())
            job = JobRecord.from_dict(data)
            db.execute(
                "update jobs set status = ?, finished = ?, data = ? where id = ?",
                (job.status.value, job.finished, json.dumps(job.to_dict()), job_id),
            )
        return job

    def list_jobs(self, query: JobQuery) -> list[JobRecord]:
        where, args = [], []
        filters = (("status", query.status), ("process_id", query.process_id), ("owner", query.owner))
        for column, value in filters:
            if value is not None:
                where.append(f"{column} = ?")
                args.append(str(value))
        sql = "select data from jobs" + (" where " + " and ".join(where) if where else "")
        sql += " order by created desc, id desc limit ? offset ?"
        rows = self._conn().execute(sql, (*args, query.limit, query.offset)).fetchall()
        return [JobRecord.from_dict(json.loads(r[0])) for r in rows]

    def count_jobs(self, status: JobStatus) -> int:
        count: int = self._one("select count(*) from jobs where status = ?", (status.value,))
        return count

    def set_output(self, job_id: str, text: str) -> None:
        with self._tx() as db:
            db.execute("insert or replace into outputs (id, text) values (?, ?)", (job_id, text))

    def get_output(self, job_id: str) -> str:
        text = self._one("select text from outputs where id = ?", (job_id,))
        return "" if text is None else str(text)

    def cache_get(self, key: str) -> dict[str, Any] | None:
        data = self._one("select data from results_cache where key = ?", (key,))
        return None if data is None else dict(json.loads(data))

    def cache_put(self, key: str, result: dict[str, Any]) -> None:
        with self._tx() as db:
            db.execute(
                "insert or replace into results_cache (key, data, stored) values (?, ?, ?)",
                (key, json.dumps(result), time.time()),
            )

    def expire(self, before: float) -> int:
        done = tuple(s.value for s in FINISHED)
        marks = ", ".join("?" * len(done))
        with self._tx() as db:
            ids = [
                r[0]
                for r in db.execute(
                    f"select id from jobs where status in ({marks}) and finished < ?", (*done, before)
                ).fetchall()
            ]
            db.executemany("delete from jobs where id = ?", [(i,) for i in ids])
            db.executemany("delete from outputs where id = ?", [(i,) for i in ids])
            db.execute("delete from results_cache where stored < ?", (before,))
        return len(ids)

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
