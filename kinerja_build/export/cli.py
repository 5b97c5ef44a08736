"""`kinerja ekspor bkn` and `kinerja ekspor periksa`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from kinerja_build import report
from kinerja_build.cli import CONTEXT, echo_stage, use_color
from kinerja_build.diagnostics import Report
from kinerja_build.layout import DEFAULT_OUT_DIR
from kinerja_build.output import check_output_dir, output_tree
from kinerja_build.periode_option import check_periode
from kinerja_build.stage import BuildContext, judged, source_date_epoch
from kinerja_build.validate import validate


@click.group("ekspor", context_settings=CONTEXT)
def ekspor() -> None:
    """Berkas ekspor untuk Dinas/BKD dan e-Kinerja BKN."""


@ekspor.command("bkn", context_settings=CONTEXT)
@click.option(
    "--root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("."),
    help="Akar repositori sekolah (berisi records/). Bawaan: folder saat ini.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder keluaran. Bawaan: <root>/build.",
)
@click.option("--periode", default=None, help="Hanya periode ini, mis. 2025 atau 2024-1.")
@click.option(
    "--tanpa-pdf",
    "without_pdf",
    is_flag=True,
    help="Jangan membuat PDF; lampirkan hanya Dokumen Evaluasi yang sudah ada di build/pdf/.",
)
def bkn_command(root: Path, out: Path | None, periode: str | None, without_pdf: bool) -> None:
    """Buat build/ekspor-bkn/kinerja-<npsn>-<periode>.zip dan daftar pegawai yang belum siap.

    Hanya pegawai yang rencananya disepakati dan penilaiannya valid yang diekspor. Dokumen
    Evaluasi Kinerja setiap pegawai dibuat (bila belum ada atau berubah) lalu dilampirkan.
    Di samping setiap CSV ada lembar kerja .xlsx (NIP sebagai teks).
    """
    from kinerja_build.export import build_exports

    out_dir = check_output_dir(root, out if out is not None else root / DEFAULT_OUT_DIR)
    result = validate(root)
    if result.usage_error:
        click.echo(report.format_text(result.report, color=use_color()), color=use_color())
        sys.exit(2)
    if periode is not None:
        check_periode(result.school, periode)
    context = BuildContext(
        root.resolve(),
        out_dir,
        result,
        jobs=os.cpu_count() or 1,
        source_date_epoch=source_date_epoch(),
    )
    with output_tree(out_dir):
        if not without_pdf:
            _render_evaluations(context, periode)
        outcome = judged(build_exports(context, only=periode), context)
    echo_stage(outcome)
    sys.exit(1 if Report(diagnostics=outcome.diagnostics).errors else 0)


def _render_evaluations(context: BuildContext, periode: str | None) -> None:
    """The Dokumen Evaluasi Kinerja the bundle attaches (unchanged PDFs are not re-rendered)."""
    from kinerja_build.render.stage import build_pdfs

    outcome = judged(
        build_pdfs(
            context,
            wanted=lambda document: (
                document.kind == "evaluasi" and (periode is None or document.periode == periode)
            ),
        ),
        context,
    )
    problems = Report(diagnostics=[d for d in outcome.diagnostics if d.severity.value == "error"])
    if problems.diagnostics:
        click.echo(report.format_text(problems, color=use_color(), summary=False))


@ekspor.command("periksa", context_settings=CONTEXT)
@click.argument("bundle", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("."),
    help="Repositori sekolah yang kinerja.yml-nya (aturan:) dipakai, bila ada. Bawaan: folder "
    "saat ini.",
)
def periksa_command(bundle: Path, root: Path) -> None:
    """Periksa berkas ekspor: checksum, skema, dan konsistensi isinya (exit 1 bila ada galat)."""
    from kinerja_build.config import load_config
    from kinerja_build.export.verify import verify

    config, config_problems = load_config(root.resolve())
    if config_problems:
        click.echo(report.format_text(Report(diagnostics=config_problems), color=use_color()))
        sys.exit(2)
    problems = config.policy.judge(verify(bundle))
    if problems:
        found = Report(diagnostics=problems)
        click.echo(report.format_text(found, color=use_color(), summary=False))
        click.echo(f"{len(problems)} masalah ditemukan di {report.safe_line(bundle.name)}.")
        sys.exit(1 if found.errors else 0)
    click.echo(f"{report.safe_line(bundle.name)}: utuh dan konsisten.")
