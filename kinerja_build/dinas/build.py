"""`kinerja dinas build`: every school on the engine, then the district's own outputs."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kinerja_build import layout
from kinerja_build.diagnostics import Diagnostic, Severity
from kinerja_build.dinas import checks, engine
from kinerja_build.dinas.config import DistrictConfig, load_district
from kinerja_build.dinas.handoff import Handoff, write_handoffs
from kinerja_build.dinas.task import SCHOOLS_DIR, SchoolTask, build_school, unchanged
from kinerja_build.load import locate
from kinerja_build.output import OutputTree, check_output_dir, write_atomic
from kinerja_build.severity import make

Summary = dict[str, Any]
REPORT_FILE = layout.DINAS_REPORT


@dataclass(slots=True)
class DistrictResult:
    config: DistrictConfig | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    summaries: list[Summary] = field(default_factory=list)
    handoffs: list[Handoff] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    out_dir: Path | None = None
    site: Path | None = None
    # Wall seconds of each phase: "sekolah" (the schools' tasks), "keluaran" (district outputs).
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def usage_error(self) -> bool:
        return self.config is None

    @property
    def ok(self) -> bool:
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)


def tasks_for(
    config: DistrictConfig, out_dir: Path, tanpa_pdf: bool, source_date_epoch: int | None
) -> list[SchoolTask]:
    return [
        SchoolTask(
            id=source.id,
            out_dir=str(out_dir),
            sources_dir=str(config.root / layout.DINAS_SOURCES_DIR),
            folder=str(source.folder) if source.folder else None,
            git=source.git,
            ref=source.commit or source.cabang,
            tanpa_pdf=tanpa_pdf,
            source_date_epoch=source_date_epoch,
        )
        for source in config.schools
    ]


def build_district(
    root: Path,
    out: Path | None,
    options: engine.EngineOptions,
    *,
    tanpa_pdf: bool = False,
    source_date_epoch: int | None = None,
    on_done: Callable[[Summary, int, int], None] | None = None,
) -> DistrictResult:
    """Build every school of dinas.yml and the district outputs under `out` (default build/)."""
    config, problems = load_district(root)
    if config is None:
        return DistrictResult(None, problems)
    out_dir = check_output_dir(
        config.root, out if out is not None else config.root / layout.DEFAULT_OUT_DIR
    )
    result = DistrictResult(config, list(problems), out_dir=out_dir)
    tasks = tasks_for(config, out_dir, tanpa_pdf, source_date_epoch)
    started = time.perf_counter()
    result.summaries = _run_tasks(tasks, options, on_done)
    result.seconds["sekolah"] = time.perf_counter() - started
    started = time.perf_counter()
    result.diagnostics.extend(_school_findings(config, result.summaries))
    result.diagnostics.extend(checks.cross_school(config, result.summaries))
    result.diagnostics.extend(_distribution_findings(config, result.summaries))
    result.handoffs, result.removed = write_handoffs(
        config, out_dir, result.summaries, source_date_epoch
    )
    result.removed.extend(remove_dropped_schools(config, out_dir))
    from kinerja_build.dinas.dashboard import write_site

    result.site = write_site(result)
    result.seconds["keluaran"] = time.perf_counter() - started
    payload = {
        "dinas": {"nama": config.nama, "kode": config.kode},
        "sekolah": result.summaries,
        "temuan": [_as_json(d) for d in result.diagnostics],
        "durasi_detik": {phase: round(value, 3) for phase, value in result.seconds.items()},
    }
    write_atomic(out_dir, REPORT_FILE, (json.dumps(payload, ensure_ascii=False) + "\n").encode())
    return result


def _run_tasks(
    tasks: list[SchoolTask],
    options: engine.EngineOptions,
    on_done: Callable[[Summary, int, int], None] | None,
) -> list[Summary]:
    """Unchanged local schools are reused here; the rest go to the engine.

    Starting an embedded cluster costs worker processes and their imports: not worth it for a
    single school, nor with one job (one worker builds one school at a time, as this process
    does). Those are built here, one after the other, by the same task function — which also
    lets a small Dinas use `--jobs 1` without Dask installed.
    """
    known: dict[str, Summary] = {}
    for task in tasks:
        previous = unchanged(task)
        if previous is not None:
            known[task.id] = previous
    pending = [task for task in tasks if task.id not in known]
    done = 0

    def report(summary: Summary) -> None:
        nonlocal done
        done += 1
        if on_done is not None:
            on_done(summary, done, len(tasks))

    for summary in known.values():
        report(summary)
    if not options.scheduler and (len(pending) == 1 or options.jobs == 1):
        for task in pending:
            summary = _build_here(task, options.time_limit)
            known[task.id] = summary
            report(summary)
    elif pending:
        with engine.client(options) as client:
            restart = options.processes or bool(options.scheduler)
            built = engine.run(
                client, pending, lambda s, _d, _t: report(s), options.time_limit, restart
            )
            for summary in built:
                known[summary["id"]] = summary
    return [known[task.id] for task in tasks]


class _TimeLimit(BaseException):
    """Raised by the alarm in a school built here; a BaseException so no `except Exception`
    inside the pipeline swallows it (write_atomic still removes its temporary file)."""


def _build_here(task: SchoolTask, limit: float | None) -> Summary:
    """One school in this process, stopped by an alarm after `limit` seconds.

    Signals reach only the main thread: elsewhere (an embedding program) there is no limit.
    """
    if limit is None or threading.current_thread() is not threading.main_thread():
        return build_school(task)

    def expire(_signum: int, _frame: object) -> None:
        raise _TimeLimit

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        return build_school(task)
    except _TimeLimit:
        return engine.timed_out(task, limit)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def remove_dropped_schools(config: DistrictConfig, out_dir: Path) -> list[str]:
    """Clear the output folders of schools no longer in dinas.yml; returns what went.

    Only files listed in the folder's manifest of kinerja's writes (and the manifest itself)
    are deleted; a folder still holding anything else stays, with that in it.
    """
    folder = out_dir / SCHOOLS_DIR
    listed = {source.id for source in config.schools}
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return []
    removed = []
    for entry in entries:
        if entry.name in listed or not entry.is_dir(follow_symlinks=False):
            continue
        school_out = Path(entry.path)
        tree = OutputTree(school_out)
        gone = [rel for rel in sorted(tree.previous) if tree.remove(rel)]
        if not gone:
            continue  # not a folder kinerja filled (or already cleared): leave it alone
        (school_out / layout.OUTPUT_MANIFEST).unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            school_out.rmdir()  # only when nothing else is left
        removed.append(f"{SCHOOLS_DIR}/{entry.name}/")
    return removed


def _as_json(diagnostic: Diagnostic) -> dict[str, Any]:
    return {
        "code": diagnostic.code,
        "severity": diagnostic.severity.value,
        "file": diagnostic.file,
        "line": diagnostic.line,
        "column": diagnostic.column,
        "message": diagnostic.message,
        "hint": diagnostic.hint,
    }


def _school_findings(config: DistrictConfig, summaries: list[Summary]) -> list[Diagnostic]:
    found = []
    for summary in summaries:
        path, line, column = checks.where_in_config(config, summary["id"])
        if summary["status"] != "ok":
            found.append(
                make(
                    "KIN952",
                    config.file,
                    f"Sekolah {summary['id']} tidak dibangun: {summary.get('pesan')}",
                    "Sekolah lain tetap dibangun. Perbaiki sumbernya lalu jalankan ulang "
                    "`kinerja dinas build`; bila ini kesalahan internal, laporkan.",
                    path,
                    line,
                    column,
                )
            )
        elif summary.get("galat"):
            found.append(
                make(
                    "KIN957",
                    config.file,
                    f"Sekolah {summary['nama']} ({summary['id']}): {summary['galat']} galat di "
                    "catatannya; pegawai yang terdampak tidak diekspor.",
                    f"Jalankan `kinerja validate` di repositori sekolah, atau lihat "
                    f"sekolah/{summary['id']}/validasi.json di folder keluaran.",
                    path,
                    line,
                    column,
                )
            )
    return found


def district_predikat(summaries: list[Summary], periode: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for summary in summaries:
        counts.update(summary.get("periode", {}).get(periode, {}).get("predikat", {}))
    return counts


def _distribution_findings(config: DistrictConfig, summaries: list[Summary]) -> list[Diagnostic]:
    found = []
    for periode, organisasi in sorted(config.predikat_organisasi.items()):
        deviations = checks.deviations(district_predikat(summaries, periode), organisasi)
        if not deviations:
            continue
        where = ("predikat_organisasi", periode)
        line, column = locate(config.root / config.file, where)
        found.append(
            make(
                "KIN956",
                config.file,
                f"Periode {periode}: sebaran predikat pegawai se-Dinas di luar pola predikat "
                f"organisasi {checks.organisation_label(organisasi)}: "
                + "; ".join(d.message for d in deviations)
                + ".",
                "Hanya ditampilkan (pola distribusi PermenPANRB 6/2022 belum terkonfirmasi "
                "diberlakukan); tinjau penilaian bersama kepala sekolah bila perlu.",
                where,
                line,
                column,
            )
        )
    return found
