"""One school's task in the district build: runs on a Dask worker, returns a small summary.

The task calls the school pipeline unchanged (validate, then the PDF and export stages into
<out>/sekolah/<id>/) and condenses the outcome into plain JSON data: stage and predikat counts,
export readiness, the Dinas's to-do for the school's KS, the people (for cross-school checks).
It never raises: a failure becomes a summary with status "gagal", so one school cannot stop the
district. Unchanged schools (same records commit or content, same kinerja version, same mode)
are not rebuilt: the previous summary is returned.
"""

from __future__ import annotations

import gc
import hashlib
import json
import multiprocessing
import time
import traceback
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kinerja_build import __version__, domain, layout
from kinerja_build.diagnostics import Diagnostic, Severity
from kinerja_build.errors import KinerjaError
from kinerja_build.output import check_output_dir, output_tree, write_atomic

if TYPE_CHECKING:
    from kinerja_build.model import PersonPeriode, School, SchoolPeriode

# The school pipeline (validation, stages, model, PDF renderer) is imported where a school is
# built: a district build where nothing changed only compares summaries and stays quick to
# start (benchmarks/bench_dinas.py's re-runs are fresh processes).

SUMMARY_FORMAT = 3  # 3: each periode's bundle digest (bundel_sha256)
SUMMARY_FILE = layout.SCHOOL_SUMMARY
SCHOOLS_DIR = layout.DINAS_SCHOOLS_DIR
MAX_DIAGNOSTICS = 50  # per school in the summary; the full list is in its validasi.json


@dataclass(frozen=True, slots=True)
class SchoolTask:
    """What a worker needs to build one school (picklable, no open handles)."""

    id: str
    out_dir: str  # the district's output folder
    sources_dir: str = ""  # where git sources are checked out: <dinas root>/sumber
    folder: str | None = None
    git: str | None = None
    ref: str | None = None  # branch or commit for a git source
    tanpa_pdf: bool = False
    source_date_epoch: int | None = None

    @property
    def school_out(self) -> Path:
        return Path(self.out_dir) / SCHOOLS_DIR / self.id


def build_school(task: SchoolTask) -> dict[str, Any]:
    """The task body: never raises; the summary says what happened."""
    started, cpu = time.perf_counter(), time.process_time()
    try:
        summary = _build(task)
    except Exception as error:  # one school's bug or broken repository must not stop the rest
        detail = traceback.format_exception_only(type(error), error)[-1].strip()
        summary = failed(task, f"Kesalahan saat membangun sekolah: {detail}")
    summary["detik"] = round(time.perf_counter() - started, 3)
    # CPU of the whole process (on a worker: its event loop too), for bench_dinas.py.
    summary["detik_cpu"] = round(time.process_time() - cpu, 3)
    _settle_heap()
    return summary


_heap_settled = False


def _settle_heap() -> None:
    """After the first school of a process, move everything alive into the permanent generation.

    A Dask worker holds a much larger heap than a school build (distributed, tornado, the
    imports of every stage); each full garbage collection triggered by a school's many small
    objects scanned all of it. Measured once on a busy machine, with Dask's malloc trimming
    still on (the larger cost, see engine.EMBEDDED_CONFIG): 0.169 → 0.137 CPU-s per school on
    a worker. Once the first school has imported everything, `gc.freeze()` takes those
    long-lived objects out of the collector's scans; garbage is collected first, so nothing
    unreachable is frozen.
    """
    global _heap_settled
    if not _heap_settled:
        _heap_settled = True
        gc.collect()
        gc.freeze()


def failed(task: SchoolTask, message: str) -> dict[str, Any]:
    """The summary of a school that could not be built."""
    return {
        "format": SUMMARY_FORMAT,
        "id": task.id,
        "status": "gagal",
        "pesan": message,
        "periode": {},
        "pegawai": [],
        "kepala_sekolah": [],
        "diagnostik": [],
    }


def _build(task: SchoolTask) -> dict[str, Any]:
    from kinerja_build.dinas import sources
    from kinerja_build.export.bundle import git_commit

    if task.git is not None:
        root = Path(task.sources_dir) / task.id
        try:
            commit: str | None = sources.checkout(task.git, task.ref, root)
        except sources.SourceError as error:
            return failed(task, f"Repositori git tidak dapat diambil: {error}")
        content = f"commit:{commit}"  # a checkout we own has no uncommitted changes
        signature: str | None = None
    else:
        assert task.folder is not None
        root = Path(task.folder)
        commit = git_commit(root)
        found = sources.inputs(root)
        signature = sources.stat_signature(found)
        content = f"isi:{sources.tree_hash(found)}"
    key = _key(task, content)
    previous = _previous(task, key, _stored(task))
    if previous is not None:
        previous["dibangun_ulang"] = False
        return previous
    try:
        out = check_output_dir(root, task.school_out)
    except KinerjaError as error:
        return failed(task, error.message)
    # The school's folder keeps a manifest of what kinerja wrote, as `kinerja build` does: a
    # later build removes its stale PDFs, and a school dropped from dinas.yml can be cleared
    # without touching anything else.
    with output_tree(out):
        summary = _run_pipeline(task, root, out)
        mode = "tanpa-pdf" if task.tanpa_pdf else "lengkap"
        summary.update({"kunci": key, "commit": commit, "versi": __version__, "mode": mode})
        summary.update({"isi": content, "tanda_stat": signature})
        write_atomic(out, SUMMARY_FILE, (json.dumps(summary, ensure_ascii=False) + "\n").encode())
    summary["dibangun_ulang"] = True
    return summary


def _key(task: SchoolTask, content: str) -> str:
    """What decides a rebuild: kinerja's version, the mode, and the records' commit or content."""
    mode = "tanpa-pdf" if task.tanpa_pdf else "lengkap"
    parts = (__version__, str(SUMMARY_FORMAT), mode, content)
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def unchanged(task: SchoolTask) -> dict[str, Any] | None:
    """For a local folder: the previous summary when nothing changed, checked without a worker.

    Git sources are checked by their task (the fetch belongs on the worker).
    """
    from kinerja_build.dinas import sources

    if task.folder is None:
        return None
    last = _stored(task)
    if last is None:
        return None  # never built (or its summary is gone): nothing to compare with
    try:
        found = sources.inputs(Path(task.folder))
        signature = sources.stat_signature(found)
        if last.get("tanda_stat") == signature and isinstance(last.get("isi"), str):
            content = last["isi"]  # no file changed since the content was hashed
        else:
            content = f"isi:{sources.tree_hash(found)}"
    except (OSError, sources.SourceError):
        return None  # the task will report it
    previous = _previous(task, _key(task, content), last)
    if previous is not None:
        previous["dibangun_ulang"] = False
        previous["detik"] = 0.0
    return previous


def _stored(task: SchoolTask) -> dict[str, Any] | None:
    try:
        data = json.loads((task.school_out / SUMMARY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _previous(task: SchoolTask, key: str, data: dict[str, Any] | None) -> dict[str, Any] | None:
    """The last summary when it was made from the same input and its outputs are still there."""
    if data is None or data.get("kunci") != key or data.get("status") != "ok":
        return None
    for periode in data.get("periode", {}).values():
        bundle = periode.get("bundel")
        if bundle and not (task.school_out / bundle).is_file():
            return None
    return data


def _run_pipeline(task: SchoolTask, root: Path, out: Path) -> dict[str, Any]:
    from kinerja_build import report as reports
    from kinerja_build.build import run_stages
    from kinerja_build.stage import BuildContext
    from kinerja_build.validate import validate

    result = validate(root)
    if result.usage_error:
        summary = failed(task, "Konfigurasi sekolah (kinerja.yml) tidak valid.")
        summary["diagnostik"] = _diagnostics(result.report.diagnostics)
        return summary
    validation = list(result.report.diagnostics)  # readiness is judged on these, as in the build
    # As `kinerja build --allow-errors`: outputs for the valid records; invalid ones are refused
    # by each stage and listed as not ready.
    # PDFs in recycled child processes keep a worker's memory flat from school to school; a
    # daemonic process (a cluster's workers by default) may have none, and renders itself.
    apart = not multiprocessing.current_process().daemon
    context = BuildContext(
        root, out, result, jobs=1, source_date_epoch=task.source_date_epoch, render_apart=apart
    )
    stages = ("ekspor",) if task.tanpa_pdf else ("pdf", "ekspor")
    for outcome in run_stages(context, stages):
        result.report.extend(outcome.diagnostics)
    write_atomic(
        out, layout.VALIDATION_REPORT, (reports.format_json(result.report) + "\n").encode()
    )
    return _summary(task, result.school, validation, result.report.diagnostics)


def _summary(
    task: SchoolTask,
    school: School,
    validation: list[Diagnostic],
    everything: list[Diagnostic],
) -> dict[str, Any]:
    from kinerja_build.model import school_periode

    sekolah = school.sekolah.data if school.sekolah and school.sekolah.data else {}
    npsn = sekolah.get("npsn")
    periodes = {}
    for periode_id in school.periode_ids():
        periode = school.periode(periode_id)
        assert periode is not None
        view = school_periode(school, periode_id)
        periodes[periode_id] = _periode(school, periode, view, validation, npsn, task.school_out)
    errors = [d for d in everything if d.severity is Severity.ERROR]
    return {
        "format": SUMMARY_FORMAT,
        "id": task.id,
        "status": "ok",
        "pesan": None,
        "npsn": npsn,
        "nama": sekolah.get("nama", task.id),
        "jenjang": sekolah.get("jenjang"),
        "galat": len(errors),
        "peringatan": sum(1 for d in everything if d.severity is Severity.WARNING),
        "diagnostik": _diagnostics(errors),
        "pegawai": _people(school),
        "kepala_sekolah": [
            {key: str(value) for key, value in entry.items() if key != "sk"}
            for entry in sekolah.get("kepala_sekolah", [])
        ],
        "periode": periodes,
    }


def _periode(
    school: School,
    periode: domain.Periode,
    view: SchoolPeriode,
    validation: list[Diagnostic],
    npsn: str | None,
    out: Path,
) -> dict[str, Any]:
    from kinerja_build.export import not_ready_table
    from kinerja_build.export.readiness import assess

    verdicts = assess(school, periode, validation) if npsn else []
    ready = sum(1 for verdict in verdicts if verdict.ready)
    bundle = layout.export_file(layout.export_bundle_name(npsn, periode.id)) if npsn else None
    digest = _digest(out / bundle) if bundle else None
    people = [person for person in view.people if person.on_roster or person.has_records]
    return {
        "jumlah": len(people),
        "tahap": {str(stage): n for stage, n in Counter(p.stage for p in people).items()},
        "predikat": {
            str(k): n for k, n in Counter(p.predikat for p in people if p.predikat).items()
        },
        "tidak_valid": sum(1 for person in people if person.invalid),
        "siap": ready,
        "belum_siap": len(verdicts) - ready,
        "belum_siap_baris": not_ready_table(verdicts)[1],
        "bundel": bundle,
        # The bundle is reproducible: same digest, same content; the district's merge keys on it.
        "bundel_sha256": digest,
        # Each person's next step with its deadline (the model's fact). Days late are counted
        # by the district on the day it renders, so a reused summary never shows stale counts.
        "langkah": [_step(person) for person in people if person.next_step is not None],
    }


def _people(school: School) -> list[dict[str, Any]]:
    return [
        {
            "id": pegawai_id,
            "nip": data.get("nip"),
            "nama": data.get("nama"),
            "peran": data.get("peran"),
            "berkas": record.rel,
        }
        for pegawai_id, record in sorted(school.pegawai.items())
        if (data := record.data) is not None
    ]


def _step(person: PersonPeriode) -> dict[str, Any]:
    step = person.next_step
    assert step is not None
    return {
        "pegawai": person.pegawai_id,
        "nama": person.nama,
        "wajib": person.wajib,
        "kunci": step.key,
        "tugas": step.label,
        "peran": str(step.peran),
        "pelaku": step.pelaku_nama or step.pelaku_id or "",
        "tenggat": step.due.isoformat() if step.due else None,
    }


def _digest(path: Path) -> str | None:
    from kinerja_build.dinas.sources import file_digest

    try:
        digest = file_digest(path)
    except OSError:
        return None  # no bundle was written (nobody ready, or the export refused)
    return digest.hex() if digest is not None else None


def _diagnostics(items: list[Diagnostic]) -> list[dict[str, Any]]:
    return [
        {
            "code": d.code,
            "severity": d.severity.value,
            "file": d.file,
            "line": d.line,
            "column": d.column,
            "message": d.message,
        }
        for d in sorted(items, key=Diagnostic.sort_key)[:MAX_DIAGNOSTICS]
    ]
