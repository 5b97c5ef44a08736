"""Benchmark `kinerja dinas build`: Dask on this machine's cores against a sequential loop.

    python benchmarks/bench_dinas.py --tanpa-pdf                 # 100 schools × 60 teachers
    python benchmarks/bench_dinas.py --sekolah 10 --guru 8       # with PDFs, on a sample

In one run, on the same synthetic district (benchmarks/synth.py, periode 2025), each build cold
into a fresh output folder, after one read of every school's files (so both find them cached):

* (b) `build_district` on an embedded Dask LocalCluster with `--jobs` worker processes
  (default 2): the schools' tasks plus the district outputs (merged bundle, not-ready list,
  checks, dashboard, dinas.json);
* (a) the sequential loop: the same `build_district` with one job, which builds every school
  one after the other in this process with the same task function and then writes the same
  district outputs — the identical work without the engine;
* (c) the district build again after one school changed, three ways: nothing changed; a
  record edit that changes no hand-off (a comment in a teacher's duties: the daily case of
  plans, observations and reflections); an edit that changes exported values (a rating in an
  assessment: the merged bundle and lists are made again).

It reports a/b (target ≥ 1.8 on 2 cores; also for the school phase alone), c/b (target ≤ 5%),
the per-school cost, and peak memory: this process (driver + embedded scheduler; `ru_maxrss`
before the sequential build runs) and each worker process (RSS sampled every 0.2 s), after 10%,
50% and 100% of the schools (target: flat). A control — pure-Python work in 2 processes against
1 — before and after shows whether the cores were free. Results go to stdout and
benchmarks/results/dinas[-pdf].json. Nothing asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / ".work"
RESULTS = HERE / "results"

if __package__ in (None, ""):
    sys.path.insert(0, str(REPO))
import psutil  # noqa: E402  (installed with distributed)

from benchmarks import synth  # noqa: E402
from kinerja_build.dinas import sources  # noqa: E402
from kinerja_build.dinas.build import build_district  # noqa: E402
from kinerja_build.dinas.engine import EngineOptions  # noqa: E402


class WorkerMemory:
    """Peak RSS of every child process (the Dask workers), sampled in a thread."""

    def __init__(self) -> None:
        self.peak: dict[int, float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        me = psutil.Process()
        while not self.stop.wait(0.2):
            for child in me.children(recursive=True):
                try:
                    rss = child.memory_info().rss / 2**20
                except psutil.Error:
                    continue
                self.peak[child.pid] = max(self.peak.get(child.pid, 0.0), rss)

    def snapshot(self) -> float:
        return round(max(self.peak.values(), default=0.0), 1)


def _burn(seconds: float) -> int:
    count, end = 0, time.perf_counter() + seconds
    while time.perf_counter() < end:
        count += 1
    return count


def available_parallelism(seconds: float = 2.0) -> float:
    """Control: pure-Python CPU work in `jobs` processes vs one, now (other load shows here)."""
    import multiprocessing

    one = _burn(seconds)
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        both = sum(pool.map(_burn, [seconds, seconds]))
    return round(both / one, 2)


def driver_peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def write_dinas_yml(root: Path, schools: list[Path]) -> None:
    entries = "".join(f"  - id: {p.name}\n    folder: sekolah/{p.name}\n" for p in schools)
    (root / "dinas.yml").write_text(
        "dinas:\n  nama: Dinas Pendidikan Kabupaten Bench\n  kode: '9999'\n"
        "predikat_organisasi:\n  '2025': baik\nsekolah:\n" + entries,
        encoding="utf-8",
    )


def warm(schools: list[Path]) -> None:
    """Read every input once, so neither build pays for a cold page cache."""
    for school in schools:
        sources.tree_hash(sources.inputs(school))


def edit(path: Path, old: str, new: str) -> bytes:
    original = path.read_bytes()
    text = original.decode("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return original


def rerun(root: Path, options: EngineOptions, tanpa_pdf: bool) -> tuple[float, Any]:
    started = time.perf_counter()
    result = build_district(root, root / "out-dask", options, tanpa_pdf=tanpa_pdf)
    return time.perf_counter() - started, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sekolah", type=int, default=100)
    parser.add_argument("--guru", type=int, default=60)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--tanpa-pdf", action="store_true")
    args = parser.parse_args(argv)
    name = f"dinas-{args.sekolah}x{args.guru}"
    root = WORK / name
    if not (root / "dinas.yml").is_file():
        shutil.rmtree(root, ignore_errors=True)
        schools = synth.generate(root / "sekolah", args.sekolah, args.guru, ("2025",), 1)
        write_dinas_yml(root, schools)
    schools = sorted((root / "sekolah").iterdir())
    for folder in ("out-dask", "out-seq"):
        shutil.rmtree(root / folder, ignore_errors=True)
    warm(schools)

    control_before = available_parallelism()
    load_before = os.getloadavg()[0]
    # (b) Dask first, so this process's ru_maxrss is the driver + scheduler alone.
    memory = WorkerMemory()
    memory.thread.start()
    marks: dict[str, float] = {}
    checkpoints = {max(1, round(len(schools) * share)): label for share, label in
                   ((0.1, "10%"), (0.5, "50%"), (1.0, "100%"))}  # fmt: skip

    task_seconds: list[float] = []
    task_cpu: list[float] = []

    def on_done(summary: dict[str, Any], done: int, total: int) -> None:
        task_seconds.append(summary.get("detik", 0.0))
        task_cpu.append(summary.get("detik_cpu", 0.0))
        if done in checkpoints:
            marks[checkpoints[done]] = memory.snapshot()

    options = EngineOptions(jobs=args.jobs)
    started = time.perf_counter()
    result = build_district(
        root, root / "out-dask", options, tanpa_pdf=args.tanpa_pdf, on_done=on_done
    )
    dask_seconds = time.perf_counter() - started
    memory.stop.set()
    scheduler_mb = driver_peak_mb()
    failed = [s["id"] for s in result.summaries if s["status"] != "ok"]

    # (a) the same build with one job: every school in this process, then the same outputs.
    seq_cpu = time.process_time()
    started = time.perf_counter()
    sequential = build_district(
        root, root / "out-seq", EngineOptions(jobs=1), tanpa_pdf=args.tanpa_pdf
    )
    seq_seconds = time.perf_counter() - started
    seq_cpu = time.process_time() - seq_cpu
    per_school = [s.get("detik", 0.0) for s in sequential.summaries]

    # (c) one school changed, three ways (each edit undone before the next).
    school = schools[len(schools) // 2] / "records" / "kinerja" / "2025"
    person = sorted(path for path in school.iterdir() if (path / "penilaian.yaml").is_file())[0]
    reruns: dict[str, dict[str, Any]] = {}
    changes = {
        "tidak_berubah": None,
        "tanpa_ubah_ekspor": (person / "tugas.yaml", "\n", "\n# diubah untuk benchmark\n"),
        "ubah_ekspor": (
            person / "penilaian.yaml",
            "rating_hasil_kerja: sesuai_ekspektasi",
            "rating_hasil_kerja: di_atas_ekspektasi",
        ),
    }
    for label, change in changes.items():
        original = edit(*change) if change else None
        try:
            seconds, again = rerun(root, options, args.tanpa_pdf)
        finally:
            if change and original is not None:
                change[0].write_bytes(original)
        reruns[label] = {
            "detik": round(seconds, 2),
            "per_penuh": round(seconds / dask_seconds, 4),
            "dibangun_ulang": [s["id"] for s in again.summaries if s.get("dibangun_ulang")],
            "berkas_gabungan_dibuat_ulang": [h.periode for h in again.handoffs if not h.reused],
            "fase_detik": {k: round(v, 2) for k, v in again.seconds.items()},
        }
    rerun(root, options, args.tanpa_pdf)  # leave the output as the records are
    control_after = available_parallelism()

    dask_schools = result.seconds["sekolah"]
    seq_schools = sequential.seconds["sekolah"]
    figures = {
        "sekolah": len(schools),
        "guru_per_sekolah": args.guru,
        "tanpa_pdf": args.tanpa_pdf,
        "pekerja": args.jobs,
        "sekuensial_detik": round(seq_seconds, 1),
        "dask_detik": round(dask_seconds, 1),
        "percepatan": round(seq_seconds / dask_seconds, 2),
        "fase_sekuensial_detik": {k: round(v, 2) for k, v in sequential.seconds.items()},
        "fase_dask_detik": {k: round(v, 2) for k, v in result.seconds.items()},
        "percepatan_fase_sekolah": round(seq_schools / dask_schools, 2),
        "kontrol_paralel_2_proses": [control_before, control_after],
        "beban_rata2_1_menit": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "ulang": reruns,
        "detik_per_sekolah_median": round(statistics.median(per_school), 3),
        "detik_per_sekolah_median_di_pekerja": round(statistics.median(task_seconds), 3),
        "detik_tugas_total_di_pekerja": round(sum(task_seconds), 1),
        # CPU seconds: what a school costs whatever else runs on the machine.
        "cpu_sekuensial_detik": round(seq_cpu, 1),
        "cpu_tugas_dask_detik": round(sum(task_cpu), 1),
        "cpu_per_sekolah_sekuensial": round(seq_cpu / len(schools), 3),
        "cpu_per_sekolah_dask": round(statistics.mean(task_cpu), 3),
        "penjadwal_driver_puncak_mb": scheduler_mb,
        "pekerja_puncak_mb": marks,
        "gagal": failed,
        "diekspor": [h.exported for h in result.handoffs],
        "lingkungan": {"python": platform.python_version(), "cpu": os.cpu_count()},
    }
    RESULTS.mkdir(exist_ok=True)
    target = RESULTS / ("dinas.json" if args.tanpa_pdf else "dinas-pdf.json")
    target.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    rerun_text = ", ".join(
        f"{label} {r['detik']:.2f} s ({100 * r['per_penuh']:.1f}%)" for label, r in reruns.items()
    )
    print(
        f"| {len(schools)} × {args.guru} {'tanpa PDF' if args.tanpa_pdf else 'dengan PDF'} "
        f"| seq {seq_seconds:.1f} s | Dask×{args.jobs} {dask_seconds:.1f} s "
        f"| ×{seq_seconds / dask_seconds:.2f} (fase sekolah ×{seq_schools / dask_schools:.2f}; "
        f"kontrol ×{control_before}/×{control_after}) | ulang: {rerun_text} "
        f"| driver {scheduler_mb} MB | pekerja {marks} |"
    )
    print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
