"""`kinerja dinas init` and `kinerja dinas build`."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import click
import jinja2

from kinerja_build import layout, report, resources, scaffold
from kinerja_build.cli import CONTEXT, use_color
from kinerja_build.diagnostics import Report
from kinerja_build.errors import UsageProblem
from kinerja_build.stage import source_date_epoch

# A 60-teacher school with PDFs takes about a CPU-minute; 600 teachers about ten.
DEFAULT_TIME_LIMIT_MINUTES = 30


@click.group("dinas", context_settings=CONTEXT)
def dinas() -> None:
    """Tampilan Dinas Pendidikan atas banyak repositori sekolah (dinas.yml)."""


@dinas.command("init", context_settings=CONTEXT)
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--periode", default=None, help="Periode contoh, mis. 2026. Bawaan: periode berjalan."
)
def init_command(directory: Path, periode: str | None) -> None:
    """Buat repositori Dinas baru di DIRECTORY: dinas.yml dan satu sekolah contoh."""
    periode_id = periode or scaffold.current_periode(dt.date.today())
    if directory.exists() and any(directory.iterdir()):
        raise UsageProblem(
            f"{directory} sudah berisi berkas; `kinerja dinas init` hanya mengisi folder baru atau kosong."
        )
    scaffold.create(directory / "sekolah" / "contoh", periode_id)  # checks the periode too
    template = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent / layout.TEMPLATES_DIR),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    ).get_template("dinas.yml.j2")
    (directory / layout.DINAS_CONFIG_FILES[0]).write_text(
        template.render(periode=periode_id), encoding="utf-8"
    )
    schemas = directory / layout.SCHEMAS_DIR
    schemas.mkdir()
    for name in ("dinas.schema.json", "umum.schema.json"):
        shutil.copyfile(resources.schemas_dir() / name, schemas / name)
    (directory / ".gitignore").write_text("build/\nsumber/\n", encoding="utf-8")
    click.echo(f"Repositori Dinas dibuat di {directory} dengan satu sekolah contoh.")
    click.echo("Langkah berikutnya:")
    click.echo(f"  cd {directory} && kinerja dinas build")


@dinas.command("build", context_settings=CONTEXT)
@click.option(
    "--root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("."),
    help="Folder repositori Dinas (berisi dinas.yml). Bawaan: folder saat ini.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder keluaran. Bawaan: <root>/build.",
)
@click.option(
    "--scheduler",
    default=None,
    metavar="ALAMAT",
    help="Alamat penjadwal Dask (mis. tcp://10.0.0.5:8786). Bawaan: klaster lokal di mesin ini.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Jumlah pekerja klaster lokal (satu sekolah per pekerja); 1: semua sekolah dibangun "
    "berurutan di proses ini, tanpa Dask. Bawaan: jumlah inti prosesor.",
)
@click.option(
    "--batas-waktu",
    "time_limit",
    type=click.IntRange(min=1),
    default=DEFAULT_TIME_LIMIT_MINUTES,
    show_default=True,
    metavar="MENIT",
    help="Batas waktu membangun satu sekolah; yang melewatinya dihentikan dan dilaporkan gagal.",
)
@click.option("--tanpa-pdf", "without_pdf", is_flag=True, help="Jangan membuat PDF sekolah.")
def build_command(
    root: Path,
    out: Path | None,
    scheduler: str | None,
    jobs: int | None,
    time_limit: int,
    without_pdf: bool,
) -> None:
    """Bangun semua sekolah di dinas.yml (validasi, PDF, ekspor) lalu keluaran Dinas.

    \b
    Keluaran:
      build/sekolah/<id>/       keluaran setiap sekolah (pdf/, ekspor-bkn/, validasi.json)
      build/ekspor-bkn/         berkas gabungan per periode dan daftar belum siap (CSV, XLSX)
      build/situs/index.html    dasbor Dinas
      build/dinas.json          ringkasan semua sekolah dan temuan

    Sekolah yang catatan (commit) dan versi kinerja-nya tidak berubah tidak dibangun ulang.
    Kegagalan satu sekolah tidak menghentikan sekolah lain.
    """
    from kinerja_build.dinas.build import build_district
    from kinerja_build.dinas.engine import EngineOptions

    options = EngineOptions(
        scheduler=scheduler, jobs=jobs or os.cpu_count() or 1, time_limit=time_limit * 60.0
    )
    started = time.perf_counter()
    with _ProgressBar() as bar:
        result = build_district(
            root,
            out,
            options,
            tanpa_pdf=without_pdf,
            source_date_epoch=source_date_epoch(),
            on_done=bar.step,
        )
    if result.diagnostics:
        text = report.format_text(
            Report(diagnostics=result.diagnostics), color=use_color(), summary=False
        )
        click.echo(text, color=use_color())
    if result.usage_error:
        sys.exit(2)
    click.echo(_summary(result, time.perf_counter() - started))
    sys.exit(0 if result.ok else 1)


class _ProgressBar:
    """Schools done, on a terminal only (logs and CI get the summary lines instead)."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.shown = sys.stdout.isatty()

    def __enter__(self) -> _ProgressBar:
        return self

    def step(self, summary: dict[str, Any], done: int, total: int) -> None:
        if not self.shown:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="Sekolah", show_pos=True)
            self.bar.__enter__()
        self.bar.update(1)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _summary(result: Any, seconds: float) -> str:
    summaries = result.summaries
    failed = sum(1 for s in summaries if s["status"] != "ok")
    reused = sum(1 for s in summaries if s["status"] == "ok" and not s.get("dibangun_ulang"))
    built = len(summaries) - failed - reused
    lines = [
        f"{result.config.nama}: {len(summaries)} sekolah — {built} dibangun, {reused} tidak "
        f"berubah, {failed} gagal ({seconds:.1f} detik)."
    ]
    for handoff in result.handoffs:
        target = handoff.bundle.name if handoff.bundle else "-"
        lines.append(
            f"Periode {handoff.periode}: {handoff.exported} pegawai diekspor, "
            f"{handoff.documents} dokumen evaluasi, {handoff.not_ready_rows} alasan belum siap "
            f"({target})."
        )
    if result.removed:
        lines.append(
            "Keluaran periode atau sekolah yang tidak ada lagi dihapus: "
            + ", ".join(result.removed)
        )
    if result.site is not None:
        lines.append(f"Dasbor: {result.site}")
    return "\n".join(lines)
