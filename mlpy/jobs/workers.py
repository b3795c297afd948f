"""Worker processes: `worker_main` runs jobs; `Workers` starts, watches and replaces them.

Layer 5 (jobs): imports the standard library and `mlpy.jobs`.

A worker is a separate Python process (``python -m mlpy.jobs.workers``), so a job never runs
in an API process and a job that exhausts memory or crashes takes only its worker down. Each
worker caps its own address space (``RLIMIT_AS``, `JobsConfig.memory_mb`) on top of the
per-operation caps and lowers its CPU priority (`JobsConfig.nice`), so that jobs burning CPU
do not slow the API's requests on the same machine, then takes job ids from the queue one
at a time.

`Workers` (used by ``mlpy serve`` and ``mlpy worker``) runs N of them and, every `WATCH`
seconds: replaces a worker that died (one that exited with status 0 was asked to stop, by a
signal to the process group, and is not replaced), failing at once the job it was running with its exit
status; fails running jobs whose heartbeat stopped (a worker on another machine that died, see
`reap`); and deletes finished jobs older than the TTL.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from mlpy.call import warm_up
from mlpy.jobs.models import JobQuery, JobsConfig, JobStatus
from mlpy.jobs.pipeline import stopped_steps
from mlpy.jobs.queue import JobQueue
from mlpy.jobs.runner import Outcome, run_job, worker_name
from mlpy.jobs.store import Store, open_store

__all__ = ["WATCH", "Workers", "fail_jobs_of", "main", "reap", "run_workers", "worker_main"]

_log = logging.getLogger("mlpy.jobs")

#: seconds between two rounds of the supervisor
WATCH = 0.5
#: seconds between two expiry passes
_EXPIRE_EVERY = 60.0
#: seconds a stopping worker may take before it is killed
_STOP_WAIT = 3.0
_RUNNING = frozenset({JobStatus.RUNNING})


def _limit_memory(megabytes: int) -> None:
    if megabytes > 0:
        size = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))


def worker_main(config: JobsConfig) -> int:
    """Run jobs from the queue until SIGTERM/SIGINT (between jobs); the exit status."""
    _limit_memory(config.memory_mb)
    if config.nice:
        os.nice(config.nice)  # the API's requests come first when the CPU is short
    stopping = threading.Event()

    def stop(_signum: int, _frame: Any) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    store = open_store(config)
    queue = JobQueue(config)
    name = worker_name()
    warm_up()  # build the parser now, not inside the first job's time
    while not stopping.is_set():
        job_id = queue.take(1.0)
        if job_id is None:
            continue
        if run_job(store, job_id, config, name=name) is Outcome.EXIT:
            return 3  # the supervisor starts a fresh process
    return 0


#: the running jobs, as the supervisor lists them (more than workers can run at once)
_ALL_RUNNING = JobQuery(status=JobStatus.RUNNING, limit=10_000)


def fail_jobs_of(store: Store, worker: str, why: str) -> int:
    """Fail every running job of ``worker`` with message ``why``; how many."""
    failed = 0
    for job in store.list_jobs(_ALL_RUNNING):
        if job.worker == worker and _fail(store, job.id, why):
            failed += 1
    return failed


def reap(store: Store, config: JobsConfig) -> int:
    """Fail running jobs whose worker has sent no heartbeat for `heartbeat_timeout`; how many."""
    late = time.time() - config.heartbeat_timeout
    failed = 0
    for job in store.list_jobs(_ALL_RUNNING):
        if (job.heartbeat or 0) < late:
            why = (
                f"the worker running this job ({job.worker}) stopped sending heartbeats for over "
                f"{config.heartbeat_timeout:g} s: it crashed, was killed or lost its machine"
            )
            failed += _fail(store, job.id, why)
    return failed


def _fail(store: Store, job_id: str, why: str) -> bool:
    error = {"error_type": "WorkerLost", "message": why, "line": None, "column": None}
    result = {"success": False, "value": None, "error": f"WorkerLost: {why}", "error_type": "WorkerLost",
              "error_line": None, "error_column": None, "stdout": store.get_output(job_id),
              "execution_time": 0.0, "transpile_time": 0.0, "queue_time": 0.0, "steps": 0,
              "errors": [error]}  # fmt: skip
    job = store.get_job(job_id)
    steps = {"steps": stopped_steps(job.steps, "failed", why)} if job is not None and job.steps else {}
    return (
        store.update_job(
            job_id,
            _RUNNING,
            status=JobStatus.FAILED,
            finished=time.time(),
            message=why,
            result=result,
            **steps,
        )
        is not None
    )


def _describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"killed by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]

    @property
    def name(self) -> str:
        return f"{socket.gethostname()}:{self.process.pid}"


class Workers:
    """N local worker processes, kept alive, plus the reaper and expiry; a context manager."""

    def __init__(self, config: JobsConfig, count: int) -> None:
        if count < 1:
            raise ValueError(f"the number of workers must be at least 1, got {count}")
        self.config = config
        self.count = count
        self.store = open_store(config)
        self.replaced = 0
        self._workers: list[_Worker] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> Workers:
        """Start the processes and the supervisor thread."""
        with self._lock:
            self._workers = [self._spawn() for _ in range(self.count)]
        self._thread = threading.Thread(target=self._supervise, name="mlpy-workers", daemon=True)
        self._thread.start()
        return self

    def pids(self) -> list[int]:
        """The worker processes' ids, now."""
        with self._lock:
            return [w.process.pid for w in self._workers]

    def _spawn(self) -> _Worker:
        config = {k: str(v) if isinstance(v, Path) else v for k, v in asdict(self.config).items()}
        process = subprocess.Popen(
            [sys.executable, "-m", "mlpy.jobs", json.dumps(config)],
            stdin=subprocess.DEVNULL,
        )
        return _Worker(process)

    def _supervise(self) -> None:
        next_expiry = 0.0
        while not self._stop.wait(WATCH):
            try:
                with self._lock:
                    if not self._stop.is_set():
                        checked = [self._check(worker) for worker in self._workers]
                        self._workers = [worker for worker in checked if worker is not None]
                reap(self.store, self.config)
                if time.monotonic() > next_expiry:
                    self.store.expire(time.time() - self.config.ttl)
                    next_expiry = time.monotonic() + _EXPIRE_EVERY
            except Exception:  # noqa: BLE001 - a store that is down for a moment: try again
                _log.exception("mlpy workers: supervising failed; retrying")

    def _check(self, worker: _Worker) -> _Worker | None:
        """``worker`` if it runs; else its job failed and a fresh worker, or None for a worker
        that exited with status 0 (asked to stop by a signal to the process group)."""
        code = worker.process.poll()
        if code is None:
            return worker
        why = f"the worker process running this job stopped ({_describe_exit(code)})"
        fail_jobs_of(self.store, worker.name, why)
        if code == 0:
            return None
        self.replaced += 1
        return self._spawn()

    def stop(self) -> None:
        """Stop the workers (SIGTERM, then SIGKILL after a few seconds) and the supervisor."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        with self._lock:
            for worker in self._workers:
                if worker.process.poll() is None:
                    worker.process.terminate()
            deadline = time.monotonic() + _STOP_WAIT
            for worker in self._workers:
                try:
                    worker.process.wait(max(0.0, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    worker.process.kill()
                    worker.process.wait()
                fail_jobs_of(self.store, worker.name, "the worker process was stopped while running this job")
            self._workers = []

    def __enter__(self) -> Workers:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def run_workers(config: JobsConfig, count: int) -> int:
    """Run ``count`` supervised workers until SIGINT or SIGTERM (``mlpy worker``); exit status 0."""
    stopping = threading.Event()

    def stop(_signum: int, _frame: Any) -> None:
        stopping.set()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with Workers(config, count):
            while not stopping.wait(1.0):
                pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


def main(argv: list[str]) -> int:
    """Entry point of a worker process: ``argv[1]`` is the `JobsConfig` as JSON (or none: the
    environment's settings)."""
    raw = json.loads(argv[1]) if len(argv) > 1 else {}
    if "data_dir" in raw:
        raw["data_dir"] = Path(raw["data_dir"])
    return worker_main(JobsConfig(**raw) if raw else JobsConfig.from_env())
