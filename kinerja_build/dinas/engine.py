"""Run school tasks on Dask distributed (decision 0018): an embedded LocalCluster, or a cluster.

Each school is one task (`task.build_school`), submitted once and never retried automatically
(a failure is reported, the next build tries again). Workers need the same kinerja version and
the same file system view (the schools' folders and the output folder) as the driver: true for
the embedded cluster, and for a real cluster on a shared file system.

A school may take at most `time_limit` seconds: every task announces its start as a Dask event
(worker.log_event), and a watchdog thread in the driver cancels a task that runs longer and
restarts its worker through the worker's nanny — a thread cannot be stopped, a process can.
The school is reported as failed (KIN952) and the others go on.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from kinerja_build.dinas.task import SchoolTask, build_school, failed
from kinerja_build.errors import KinerjaError, UsageProblem

Summary = dict[str, Any]


@dataclass(frozen=True, slots=True)
class EngineOptions:
    scheduler: str | None = None  # address of a running scheduler; None: embedded cluster
    jobs: int = 1  # workers of the embedded cluster (one thread each)
    processes: bool = True  # False: workers as threads in this process (tests)
    time_limit: float | None = None  # seconds one school may take; None: no limit


EMBEDDED_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.interval": "2s",
    # Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536 so that numeric workloads hand
    # freed memory back to the system at once. A school build makes millions of small
    # allocations (YAML, validation, the model): with that setting glibc trims all the time
    # and a school cost 41% more CPU than with its default (benchmarks/bench_dinas.py; the
    # same slowdown in a plain process with the variable set). None unsets it.
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    # A school's PDFs are rendered in recycled child processes (WeasyPrint's memory grows with
    # every document); a daemonic worker may not have children.
    "distributed.worker.daemon": False,
}


def missing_engine() -> KinerjaError:
    return UsageProblem(
        "Mesin terdistribusi Dask belum terpasang. Pasang paket tambahan `dinas` kinerja, "
        'mis. `pip install -e ".[dinas]"` dari checkout kinerja, atau bangun sekolah satu per '
        "satu tanpa Dask dengan `--jobs 1`."
    )


@contextlib.contextmanager
def client(options: EngineOptions) -> Iterator[Any]:
    """A connected Dask client; the embedded cluster is closed on exit."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as error:
        raise missing_engine() from error
    if options.scheduler:
        try:
            connected = Client(options.scheduler, timeout="20s")
        except (OSError, TimeoutError) as error:
            raise UsageProblem(
                f"Tidak dapat terhubung ke penjadwal Dask {options.scheduler}: {error}"
            ) from error
        with connected:
            yield connected
        return
    import dask

    # The workers' statistical profiler samples every thread's stack every 10 ms; a school task
    # has deep stacks (schema validation), and on 2 busy cores it cost up to ~40% of the task
    # time in benchmarks/bench_dinas.py. Nobody looks at the embedded cluster's profile.
    with dask.config.set(EMBEDDED_CONFIG):
        cluster = LocalCluster(
            n_workers=options.jobs,
            threads_per_worker=1,
            processes=options.processes,
            # The scheduler always starts an HTTP server (health, metrics); None means port 8787
            # on every interface, which a second build or a test run may already hold. Loopback
            # and a free port: nothing of the embedded cluster is reachable from the network.
            dashboard_address="127.0.0.1:0",
            silence_logs=logging.ERROR,
        )
    with cluster, Client(cluster) as connected:
        yield connected


STARTED_TOPIC = "kinerja-sekolah-mulai"
WATCH_INTERVAL = 1.0  # seconds between the watchdog's looks at the running schools


def timed_out(task: SchoolTask, limit: float) -> Summary:
    return failed(
        task,
        f"Pembangunan sekolah ini melebihi batas waktu {_duration(limit)} dan dihentikan. "
        "Periksa ukuran repositorinya, atau naikkan --batas-waktu.",
    )


def _duration(seconds: float) -> str:
    return f"{seconds / 60:g} menit" if seconds >= 60 else f"{seconds:g} detik"


def build_school_on_worker(task: SchoolTask) -> Summary:
    """The task submitted to Dask: announces its start (for the time limit), then builds."""
    from distributed import get_worker

    worker = get_worker()
    worker.log_event(STARTED_TOPIC, {"sekolah": task.id, "pekerja": worker.address})
    return build_school(task)


class _Watchdog:
    """Cancels schools running longer than the limit and restarts their workers."""

    def __init__(self, client_: Any, futures: dict[str, Any], limit: float, restart: bool) -> None:
        self.client, self.futures, self.limit, self.restart = client_, futures, limit, restart
        self.started: dict[str, tuple[str, float]] = {}  # school id -> worker, start (monotonic)
        self.expired: set[str] = set()
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, name="kinerja-batas-waktu", daemon=True)

    def on_event(self, event: tuple[float, dict[str, str]]) -> None:
        message = event[1]
        with self.lock:
            self.started[message["sekolah"]] = (message["pekerja"], time.monotonic())

    def _watch(self) -> None:
        while not self.stop.wait(min(WATCH_INTERVAL, self.limit / 4)):
            now = time.monotonic()
            with self.lock:
                overdue = [
                    (school, worker)
                    for school, (worker, began) in self.started.items()
                    if school not in self.expired
                    and now - began > self.limit
                    and school in self.futures
                    and not self.futures[school].done()
                ]
                self.expired.update(school for school, _worker in overdue)
            for school, worker in overdue:
                self.futures[school].cancel()
                if not self.restart:
                    continue  # threads in this process (tests): the stuck one runs on
                with contextlib.suppress(Exception):
                    self.client.restart_workers([worker], raise_for_error=False)

    def __enter__(self) -> _Watchdog:
        self.client.subscribe_topic(STARTED_TOPIC, self.on_event)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()
        with contextlib.suppress(Exception):
            self.client.unsubscribe_topic(STARTED_TOPIC)


def run(
    client_: Any,
    tasks: Sequence[SchoolTask],
    on_done: Callable[[Summary, int, int], None] | None = None,
    time_limit: float | None = None,
    restart: bool = True,
) -> list[Summary]:
    """Build every school; summaries in task order. `on_done(summary, done, total)` as each ends.

    `restart`: whether a worker running an overdue school can be restarted (it has a nanny).
    """
    from distributed import as_completed

    run_id = uuid.uuid4().hex[:8]
    futures: dict[str, Any] = {}
    results: list[Summary | None] = [None] * len(tasks)
    # Listening before submitting: a task may start (and announce it) at once.
    watchdog = _Watchdog(client_, futures, time_limit, restart) if time_limit else None
    with watchdog or contextlib.nullcontext():
        for task in tasks:
            key = f"sekolah-{task.id}-{run_id}"
            futures[task.id] = client_.submit(build_school_on_worker, task, key=key, retries=0)
        by_key = {futures[task.id].key: (index, task) for index, task in enumerate(tasks)}
        for done, future in enumerate(as_completed(list(futures.values())), start=1):
            index, task = by_key[future.key]
            try:
                summary: Summary = future.result()
            except Exception as error:  # cancelled, the worker died, or it could not be sent
                if watchdog is not None and task.id in watchdog.expired:
                    summary = timed_out(task, watchdog.limit)
                else:
                    summary = failed(task, f"Pekerja Dask gagal menjalankan sekolah ini: {error!r}")
            results[index] = summary
            future.release()
            if on_done is not None:
                on_done(summary, done, len(tasks))
    return [summary for summary in results if summary is not None]
