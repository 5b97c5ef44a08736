"""Benchmark `kinerja dinas build`: Dask on this machine's cores against a sequential loop.

    python benchmarks/bench_dinas.py --tanpa-pdf                 # 100 schools × 60 teachers
    python benchmarks/bench_dinas.py --sekolah 10 --guru 8       # with PDFs, on a sample

In one run, on the same synthetic district (benchmarks/synth.py, periode 2025), after one read of
every school's files (so both builds find them cached), each build is the real command,
`python -m kinerja_build dinas build`, in a fresh subprocess (start-up and imports counted on
both sides), cold into a fresh output folder:

* (b) `--jobs 2` (default `--jobs`): an embedded Dask LocalCluster with 2 worker processes —
  the schools' tasks plus the district outputs (merged bundle, not-ready list, checks,
  dashboard, dinas.json);
* (a) `--jobs 1`: every school built in that process, one after the other, by the same task
  function, then the same district outputs — the identical work without the engine;
* (c) the Dask build again after one school changed, three ways: nothing changed; a record
  edit that changes no hand-off (a comment in a teacher's duties: the daily case of plans,
  observations and reflections); an edit that changes exported values (a rating in an
  assessment: the merged bundle and lists are made again).

It reports a/b (target ≥ 1.8 on 2 cores; also for the school phase alone, from the phase
times each build writes into dinas.json), c/b (target ≤ 5%), the per-school cost, and peak
memory of the driver process (with the embedded scheduler) and of each worker process (RSS
sampled every 0.2 s) after 10%, 50% and 100% of the schools (counted by their summaries
appearing; target: flat). A control — pure-Python work in 2 processes against 1 — before and
after shows whether the cores were free. Results go to stdout and
benchmarks/results/dinas[-pdf].json. Nothing asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
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


class Memory:
    """Peak RSS of the build's driver process and of its descendants (the Dask workers).

    Sampled every 0.2 s in a thread; `marks` records the workers' peak so far when 10%, 50%
    and 100% of the schools have written their summary.
    """

    def __init__(self, driver: int, summaries: Path, schools: int) -> None:
        self.driver_pid, self.summaries, self.schools = driver, summaries, schools
        self.driver = 0.0
        self.workers: dict[int, float] = {}
        self.marks: dict[str, float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        checkpoints = {max(1, round(self.schools * share)): label for share, label in
                       ((0.1, "10%"), (0.5, "50%"), (1.0, "100%"))}  # fmt: skip
        try:
            driver = psutil.Process(self.driver_pid)
        except psutil.Error:
            return
        while not self.stop.wait(0.2):
            try:
                self.driver = max(self.driver, driver.memory_info().rss / 2**20)
                children = driver.children(recursive=True)
            except psutil.Error:
                return
            for child in children:
                try:
                    rss = child.memory_info().rss / 2**20
                except psutil.Error:
                    continue
                self.workers[child.pid] = max(self.workers.get(child.pid, 0.0), rss)
            done = _summaries_written(self.summaries)
            for count, label in checkpoints.items():
                if done >= count and label not in self.marks:
                    self.marks[label] = round(max(self.workers.values(), default=0.0), 1)

    def finish(self) -> None:
        self.stop.set()
        self.thread.join()


def _summaries_written(folder: Path) -> int:
    try:
        return sum(
            1 for entry in os.scandir(folder) if (Path(entry.path) / "ringkasan.json").is_file()
        )
    except OSError:
        return 0


def build(root: Path, out: Path, jobs: int, tanpa_pdf: bool, schools: int) -> dict[str, Any]:
    """One `kinerja dinas build` in a fresh process: wall time, its report, peak memory."""
    command = [sys.executable, "-m", "kinerja_build", "dinas", "build", "--root", str(root),
               "--out", str(out), "--jobs", str(jobs), *(["--tanpa-pdf"] if tanpa_pdf else [])]  # fmt: skip
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=REPO)
    memory = Memory(process.pid, out / "sekolah", schools)
    output, _ = process.communicate()
    seconds = time.perf_counter() - started
    memory.finish()
    if process.returncode not in (0, 1):  # 1: findings in the records, a normal outcome
        raise SystemExit(f"{' '.join(command)} failed:\n{output.decode(errors='replace')}")
    report = json.loads((out / "dinas.json").read_text(encoding="utf-8"))
    return {
        "detik": seconds,
        "laporan": report,
        "driver_mb": round(memory.driver, 1),
        "pekerja_mb": memory.marks,
    }


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
    count = len(schools)

    control_before = available_parallelism()
    load_before = os.getloadavg()[0]
    dask = build(root, root / "out-dask", args.jobs, args.tanpa_pdf, count)  # (b)
    sequential = build(root, root / "out-seq", 1, args.tanpa_pdf, count)  # (a)

    # (c) one school changed, three ways (each edit undone before the next).
    school = schools[len(schools) // 2] / "records" / "kinerja" / "2025"
    person = sorted(path for path in school.iterdir() if (path / "penilaian.yaml").is_file())[0]
    changes = {
        "tidak_berubah": None,
        "tanpa_ubah_ekspor": (person / "tugas.yaml", "\n", "\n# diubah untuk benchmark\n"),
        "ubah_ekspor": (
            person / "penilaian.yaml",
            "rating_hasil_kerja: sesuai_ekspektasi",
            "rating_hasil_kerja: di_atas_ekspektasi",
        ),
    }
    reruns: dict[str, dict[str, Any]] = {}
    for label, change in changes.items():
        original = edit(*change) if change else None
        try:
            again = build(root, root / "out-dask", args.jobs, args.tanpa_pdf, count)
        finally:
            if change and original is not None:
                change[0].write_bytes(original)
        summaries = again["laporan"]["sekolah"]
        reruns[label] = {
            "detik": round(again["detik"], 2),
            "per_penuh": round(again["detik"] / dask["detik"], 4),
            "dibangun_ulang": [s["id"] for s in summaries if s.get("dibangun_ulang")],
            "fase_detik": again["laporan"]["durasi_detik"],
        }
    build(root, root / "out-dask", args.jobs, args.tanpa_pdf, count)  # back to the records
    control_after = available_parallelism()

    dask_summaries = dask["laporan"]["sekolah"]
    seq_summaries = sequential["laporan"]["sekolah"]
    dask_phases, seq_phases = dask["laporan"]["durasi_detik"], sequential["laporan"]["durasi_detik"]
    seq_cpu = [s.get("detik_cpu", 0.0) for s in seq_summaries]
    dask_cpu = [s.get("detik_cpu", 0.0) for s in dask_summaries]
    figures = {
        "sekolah": count,
        "guru_per_sekolah": args.guru,
        "tanpa_pdf": args.tanpa_pdf,
        "pekerja": args.jobs,
        "sekuensial_detik": round(sequential["detik"], 1),
        "dask_detik": round(dask["detik"], 1),
        "percepatan": round(sequential["detik"] / dask["detik"], 2),
        "fase_sekuensial_detik": seq_phases,
        "fase_dask_detik": dask_phases,
        "percepatan_fase_sekolah": round(seq_phases["sekolah"] / dask_phases["sekolah"], 2),
        "kontrol_paralel_2_proses": [control_before, control_after],
        "beban_rata2_1_menit": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "ulang": reruns,
        "detik_per_sekolah_median": round(statistics.median(s["detik"] for s in seq_summaries), 3),
        "detik_per_sekolah_median_di_pekerja": round(
            statistics.median(s["detik"] for s in dask_summaries), 3
        ),
        # CPU seconds of a school's task: in the driver (sequential) and on a worker.
        "cpu_per_sekolah_sekuensial": round(statistics.mean(seq_cpu), 3),
        "cpu_per_sekolah_dask": round(statistics.mean(dask_cpu), 3),
        "cpu_sekolah_total": [round(sum(seq_cpu), 1), round(sum(dask_cpu), 1)],
        "driver_puncak_mb": {"dask": dask["driver_mb"], "sekuensial": sequential["driver_mb"]},
        "pekerja_puncak_mb": dask["pekerja_mb"],
        "gagal": [s["id"] for s in dask_summaries if s["status"] != "ok"],
        "lingkungan": {"python": platform.python_version(), "cpu": os.cpu_count()},
    }
    RESULTS.mkdir(exist_ok=True)
    target = RESULTS / ("dinas.json" if args.tanpa_pdf else "dinas-pdf.json")
    target.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    rerun_text = ", ".join(
        f"{label} {r['detik']:.2f} s ({100 * r['per_penuh']:.1f}%)" for label, r in reruns.items()
    )
    print(
        f"| {count} × {args.guru} {'tanpa PDF' if args.tanpa_pdf else 'dengan PDF'} "
        f"| seq {sequential['detik']:.1f} s | Dask×{args.jobs} {dask['detik']:.1f} s "
        f"| ×{figures['percepatan']} (fase sekolah ×{figures['percepatan_fase_sekolah']}; "
        f"kontrol ×{control_before}/×{control_after}) | ulang: {rerun_text} "
        f"| driver {dask['driver_mb']} MB | pekerja {dask['pekerja_mb']} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
