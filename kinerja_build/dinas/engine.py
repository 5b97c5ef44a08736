"""Run school tasks on Dask distributed (decision 0018): an embedded LocalCluster, or a cluster.

Each school is one task (`task.build_school`), submitted once and never retried automatically
(a failure is reported, the next build tries again). Workers need the same kinerja version and
the same file system view (the schools' folders and the output folder) as the driver: true for
the embedded cluster, and for a real cluster on a shared file system.
"""

from __future__ import annotations

import contextlib
import logging
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


EMBEDDED_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.interval": "2s",
}


def missing_engine() -> KinerjaError:
    return UsageProblem(
        "Mesin terdistribusi Dask belum terpasang. Pasang paket tambahan `dinas` kinerja, "
        'mis. `pip install -e ".[dinas]"` dari checkout kinerja.'
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


def run(
    client_: Any,
    tasks: Sequence[SchoolTask],
    on_done: Callable[[Summary, int, int], None] | None = None,
) -> list[Summary]:
    """Build every school; summaries in task order. `on_done(summary, done, total)` as each ends."""
    from distributed import as_completed

    run_id = uuid.uuid4().hex[:8]
    futures = [
        client_.submit(build_school, task, key=f"sekolah-{task.id}-{run_id}", retries=0)
        for task in tasks
    ]
    by_key = {
        future.key: (index, task)
        for index, (future, task) in enumerate(zip(futures, tasks, strict=True))
    }
    results: list[Summary | None] = [None] * len(tasks)
    for done, future in enumerate(as_completed(futures), start=1):
        index, task = by_key[future.key]
        try:
            summary: Summary = future.result()
        except Exception as error:  # the worker died or the task could not be sent
            summary = failed(task, f"Pekerja Dask gagal menjalankan sekolah ini: {error!r}")
        results[index] = summary
        future.release()
        if on_done is not None:
            on_done(summary, done, len(tasks))
    return [summary for summary in results if summary is not None]
