"""The `kinerja` command line: parse options, call one library function, map the result to an exit code.

Exit codes: 0 clean, 1 findings at error severity (or a failed build), 2 usage or configuration.

Start-up is part of every run (CI, editors, the app's checks on save), so this module imports only
click and the small modules every command shares; each command imports what it needs when it runs
(tests/test_startup.py keeps WeasyPrint, mkdocs, ruamel, Jinja and the rest out of `--version` and
`validate`).
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import click

from kinerja_build import __version__, cli_id, report
from kinerja_build.diagnostics import Diagnostic, Report, Severity
from kinerja_build.errors import KinerjaError, UsageProblem
from kinerja_build.layout import (
    CODEOWNERS_FILE,
    DEFAULT_OUT_DIR,
    FORM_KINDS,
    SCHOOL_RECORD,
    VALIDATION_REPORT,
)
from kinerja_build.stage import STAGES

if TYPE_CHECKING:
    from kinerja_build.model import PersonPeriode
    from kinerja_build.stage import BuildContext, StageOutcome
    from kinerja_build.validate import Result

cli_id.install()  # click's help and usage errors in Indonesian

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

ROOT_HELP = "Akar repositori sekolah (berisi records/). Bawaan: folder saat ini."


def use_color() -> bool:
    return "NO_COLOR" not in os.environ and sys.stdout.isatty()


def _root_option(function: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--root",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        default=Path("."),
        show_default=False,
        help=ROOT_HELP,
    )(function)


def _report_format_option(function: click.decorators.FC) -> click.decorators.FC:
    """`--format text|json|github`: how a report of diagnostics is printed."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(["text", "json", "github"]),
        default="text",
        show_default=True,
        help="Bentuk laporan: teks, JSON, atau anotasi GitHub Actions.",
    )(function)


def validate(root: Path) -> Result:
    """`kinerja_build.validate.validate`, imported when a command first needs it."""
    from kinerja_build.validate import validate as validate_school

    return validate_school(root)


class _LazyGroup(click.Group):
    """A group whose subcommands named in `lazy` ("module:attribute") load on first use."""

    lazy: ClassVar[dict[str, str]] = {
        "ekspor": "kinerja_build.export.cli:ekspor",
        "dinas": "kinerja_build.dinas.cli:dinas",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            module, _, attribute = self.lazy[cmd_name].partition(":")
            command: click.Command = getattr(importlib.import_module(module), attribute)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=_LazyGroup, context_settings=CONTEXT)
@click.version_option(
    __version__, "-V", "--version", prog_name="kinerja", message="%(prog)s %(version)s"
)
def cli() -> None:
    """kinerja — catatan Pengelolaan Kinerja Guru dan Kepala Sekolah (PKG) sebagai data di git.

    Catatan YAML di records/ divalidasi terhadap skema dan aturan regulasi per tahun
    (2024 semester; 2025 dan seterusnya tahunan), lalu diubah menjadi dokumen resmi, situs
    kemajuan, dan berkas ekspor BKN.

    \b
    Mulai cepat:
      kinerja init sekolah-saya     membuat repositori sekolah baru
      kinerja validate              memeriksa semua catatan
      kinerja build                 memeriksa lalu membangun keluaran di build/
    """


def _emit(result: Result, output_format: str) -> None:
    if output_format == "text":
        click.echo(report.format_text(result.report, color=use_color()), color=use_color())
    else:
        click.echo(report.FORMATTERS[output_format](result.report))


def _exit_code(result: Result) -> int:
    if result.usage_error:
        return 2
    return 0 if result.report.ok else 1


@cli.command("validate", context_settings=CONTEXT)
@_root_option
@_report_format_option
def validate_command(root: Path, output_format: str) -> None:
    """Periksa semua catatan: skema, lalu aturan alur kerja.

    Keluar dengan kode 0 bila tidak ada galat, 1 bila ada galat, 2 bila perintah atau
    kinerja.yml salah.
    """
    result = validate(root)
    _emit(result, output_format)
    sys.exit(_exit_code(result))


@cli.command("build", context_settings=CONTEXT)
@_root_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder keluaran. Bawaan: <root>/build.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Jumlah proses untuk membuat PDF. Bawaan: jumlah inti prosesor.",
)
@click.option(
    "--hanya",
    "only",
    type=click.Choice(STAGES),
    multiple=True,
    help="Bangun hanya keluaran ini (boleh diulang): pdf, ekspor, situs. Bawaan: semuanya.",
)
@click.option(
    "--publik",
    is_flag=True,
    help="Situs untuk publik: NIP disamarkan; rating, predikat, refleksi, dan catatan tidak dimuat.",
)
@click.option(
    "--allow-errors",
    is_flag=True,
    help="Tetap bangun keluaran walau ada galat. Dokumen resmi dan ekspor tetap tidak dibuat "
    "untuk catatan yang tidak valid.",
)
def build_command(
    root: Path,
    out: Path | None,
    jobs: int | None,
    only: tuple[str, ...],
    publik: bool,
    allow_errors: bool,
) -> None:
    """Periksa catatan lalu bangun keluaran di build/.

    \b
    Keluaran:
      build/validasi.json     semua temuan validasi
      build/kalender-<periode>.ics  tenggat per peran untuk aplikasi kalender
      build/pdf/              dokumen resmi per periode dan pegawai (PDF/A)
      build/cetak/            berkas cetak: dokumen per pegawai dan seluruh sekolah
      build/ekspor-bkn/       berkas ekspor BKN per periode
      build/site/             situs kemajuan (buka build/site/index.html)

    Jika ada galat, keluaran tidak dibangun kecuali dengan --allow-errors.
    """
    from kinerja_build.output import check_output_dir, output_tree

    out_dir = check_output_dir(root, out if out is not None else root / DEFAULT_OUT_DIR)
    result = validate(root)
    if result.usage_error:
        _emit(result, "text")
        sys.exit(2)
    if result.report.diagnostics:
        click.echo(report.format_text(result.report, color=use_color()), color=use_color())
    else:
        click.echo(report.summary_line(result.report))
    click.echo(progress_summary(result))
    with output_tree(out_dir):
        written, calendars = _build_outputs(root, out_dir, result, jobs, only, publik, allow_errors)
    click.echo(f"Laporan validasi: {_display(written)}")
    if calendars:
        click.echo(f"Kalender tenggat: {', '.join(_display(path) for path in calendars)}")
    sys.exit(_exit_code(result))


def _build_outputs(
    root: Path,
    out_dir: Path,
    result: Result,
    jobs: int | None,
    only: tuple[str, ...],
    publik: bool,
    allow_errors: bool,
) -> tuple[Path, list[Path]]:
    """Run the stages and write the calendars (only when allowed), then validasi.json.

    Returns the report's path and the calendars written.
    """
    from kinerja_build.output import write_atomic

    calendars: list[Path] = []
    if result.report.ok or allow_errors:
        from kinerja_build.build import run_stages
        from kinerja_build.stage import BuildContext, source_date_epoch

        context = BuildContext(
            root.resolve(),
            out_dir,
            result,
            jobs=jobs or os.cpu_count() or 1,
            publik=publik,
            source_date_epoch=source_date_epoch(),
        )
        for outcome in run_stages(context, only or STAGES):
            result.report.extend(outcome.diagnostics)
            echo_stage(outcome)
        calendars = _write_calendars(context)
    else:
        click.echo(
            "\nKeluaran (PDF, ekspor, situs, kalender) tidak dibangun karena ada galat. Perbaiki "
            "galat di atas, atau jalankan dengan --allow-errors untuk membangun keluaran catatan "
            "yang valid."
        )
    written = write_atomic(
        out_dir, VALIDATION_REPORT, (report.format_json(result.report) + "\n").encode("utf-8")
    )
    return written, calendars


def _write_calendars(context: BuildContext) -> list[Path]:
    """The deadline calendars, under the stages' policy: built only from valid records.

    A calendar reads one record, sekolah.yaml (the NPSN in every event UID, the school name);
    with errors there it is skipped, as the export is, instead of written with made-up UIDs
    that a calendar app would import as new events.
    """
    from kinerja_build import kalender

    school = context.result.school
    blocked = context.blocked_by([school.sekolah.rel if school.sekolah else SCHOOL_RECORD])
    if blocked or school.sekolah_data is None:
        why = f"galat di {', '.join(blocked)}" if blocked else f"{SCHOOL_RECORD} tidak ada"
        click.echo("")
        click.echo(report.safe_line(f"Kalender tenggat: dilewati, {why}."))
        return []
    return kalender.write_calendars(context.out_dir, school, school.today)


def echo_stage(outcome: StageOutcome) -> None:
    """A stage's summary lines, then its warnings and errors (`kinerja build`, `ekspor bkn`)."""
    click.echo("")
    for line in outcome.lines:
        click.echo(report.safe_line(line))
    # Infos of a stage (documents skipped, people not ready for export) are in its summary
    # lines instead; they stay in validasi.json and on the site. A stage never lists a warning
    # or an error in its summary lines too, so each finding is printed once.
    shown = [item for item in outcome.diagnostics if item.severity is not Severity.INFO]
    if shown:
        stage_report = Report(diagnostics=shown)
        text = report.format_text(stage_report, color=use_color(), summary=False)
        click.echo(text, color=use_color())


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def progress_summary(result: Result) -> str:
    """Per periode: everyone on the roster with their stage, the late ones first."""
    from kinerja_build import domain
    from kinerja_build.model import school_periode

    lines = []
    for periode_id in sorted(result.school.periods):
        periode = result.school.periode(periode_id)
        if periode is not None:
            heading = f"Periode {periode_id} — {periode.label}, {periode.regime.nama}"
        else:
            heading = f"Periode {periode_id} (tidak sah)"
        view = school_periode(result.school, periode_id)
        items = view.by_urgency  # the whole roster, most late first
        counts = Counter(item.stage for item in items)
        total = len(items)
        late = sum(1 for item in items if item.late)
        optional = sum(1 for item in items if not item.wajib)
        extra = f", {optional} tidak wajib" if optional else ""
        lines.append("")
        lines.append(f"{heading}: {total} pegawai{extra}, {late} terlambat")
        for stage in domain.Stage:
            share = 100 * counts[stage] / total if total else 0
            label = domain.STAGE_LABELS[stage]
            lines.append(f"  {label:<12} {counts[stage]:>4}  ({share:.0f}%)")
        for item in items:
            lines.append(f"    - {_person_line(item)}")
    return "\n".join(report.safe_line(line) for line in lines)


def _person_line(item: PersonPeriode) -> str:
    """One person of the summary: stage, status, predikat, and who must act next if late."""
    from kinerja_build import domain

    text = f"{item.nama}: {item.ringkasan}"
    if item.invalid:
        text += " [tidak valid]"
    if not item.wajib:
        text += f" [{item.alasan_tidak_wajib}]"
    step = item.next_step
    if item.late and step is not None and step.due is not None:
        who = domain.PERAN_NOUNS[step.peran]
        text += (
            f" — TERLAMBAT {item.days_late} hari: {step.label.lower()} ({who}, tenggat "
            f"{domain.tanggal_indonesia(step.due)})"
        )
    return text


@cli.command("tindakan", context_settings=CONTEXT)
@_root_option
@click.option(
    "--oleh",
    "oleh",
    default=None,
    help="ID/NIP satu orang: langkah yang harus ia ambil dan rencananya yang menunggu pihak lain.",
)
@click.option("--periode", default=None, help="Hanya periode ini, mis. 2026.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="Bentuk daftar: teks, JSON, atau Markdown (ringkasan CI / komentar).",
)
@click.option(
    "--gagal-jika-terlambat",
    "fail_if_late",
    is_flag=True,
    help="Keluar dengan kode 1 bila ada langkah yang terlambat (untuk CI).",
)
def tindakan_command(
    root: Path, oleh: str | None, periode: str | None, output_format: str, fail_if_late: bool
) -> None:
    """Siapa harus berbuat apa, sampai kapan: langkah berikutnya setiap pegawai, terlambat dulu.

    \b
    Contoh:
      kinerja tindakan                         semua pegawai
      kinerja tindakan --oleh <NIP-KS>         rencana yang menunggu persetujuan kepala sekolah
      kinerja tindakan --oleh <NIP-guru>       langkah berikutnya seorang guru

    Tanggal hari ini diambil dari SOURCE_DATE_EPOCH bila diisi.
    """
    from kinerja_build import tindakan

    result = validate(root)
    if result.usage_error:
        _emit(result, "text")
        sys.exit(2)
    inbox = tindakan.collect(result.school, oleh, periode)
    click.echo(tindakan.FORMATTERS[output_format](inbox))
    sys.exit(1 if fail_if_late and inbox.late else 0)


@cli.command("mulai", context_settings=CONTEXT)
@click.argument("periode_id", metavar="PERIODE")
@_root_option
def mulai_command(periode_id: str, root: Path) -> None:
    """Mulai periode baru: rencana draf untuk setiap pegawai, disalin dari periode sebelumnya.

    Yang disalin: indikator praktik kinerja (dengan alasan dan target), rencana pengembangan
    kompetensi, dan nilai BerAKHLAK. Yang tidak: riwayat status, nomor dan tanggal SK, tanggal,
    serta tugas tambahan (perlu SK tahun ini). Berkas yang sudah ada tidak pernah ditimpa.
    """
    from kinerja_build import clock, rollover

    root = root.resolve()
    result = validate(root)
    if result.usage_error:
        _emit(result, "text")
        sys.exit(2)
    done = rollover.start(root, result.school, periode_id, clock.today())
    for rel, source in done.made:
        click.echo(f"Dibuat: {rel} (dari periode {source})")
    for rel in done.kept:
        click.echo(f"Sudah ada, tidak diubah: {rel}")
    for nama, why in done.skipped:
        click.echo(report.safe_text(f"Tidak dibuat untuk {nama}: {why}"))
    made = {rel for rel, _ in done.made}
    mine = [d for d in validate(root).report.diagnostics if d.file in made]
    if mine:
        click.echo(report.format_text(Report(diagnostics=mine), color=use_color(), summary=False))
    click.echo(
        f"{len(done.made)} rencana draf dibuat, {len(done.kept)} sudah ada, "
        f"{len(done.skipped)} tidak dibuat. Lengkapi lalu ajukan: `kinerja ajukan RENCANA…`."
    )
    sys.exit(1 if any(d.severity is Severity.ERROR for d in mine) else 0)


@cli.command("init", context_settings=CONTEXT)
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--periode",
    default=None,
    help="Periode contoh, mis. 2026 atau 2024-2. Bawaan: periode berjalan.",
)
@click.option(
    "--pasang",
    "install",
    default=None,
    help="Sumber pemasangan kinerja untuk alur kerja CI dan README: spesifikasi pip, mis. berkas "
    "wheel yang disimpan sekolah (./vendor/kinerja-0.1.0-py3-none-any.whl). Bawaan: tag rilis "
    "versi ini di GitHub.",
)
def init_command(directory: Path, periode: str | None, install: str | None) -> None:
    """Buat repositori sekolah baru di DIRECTORY yang langsung lolos validasi."""
    from kinerja_build import scaffold

    periode_id = periode or scaffold.current_periode(dt.date.today())
    written = scaffold.create(directory, periode_id, install)
    click.echo(f"Repositori sekolah dibuat di {directory} ({len(written)} berkas).")
    click.echo("Langkah berikutnya:")
    click.echo(f"  cd {directory} && git init && kinerja validate")


@cli.command("rules", context_settings=CONTEXT)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Bentuk daftar.",
)
def rules_command(output_format: str) -> None:
    """Daftar semua aturan: kode, tingkat, regulasi yang berlaku, dan uraian singkat."""
    from kinerja_build import rules

    entries = rules.all_rules()
    if output_format == "json":
        payload = [
            {
                "code": r.code,
                "name": r.name,
                "severity": r.severity.value,
                "scope": r.scope,
                "regimes": list(r.regimes),
                "title": r.title,
                "description": r.description,
            }
            for r in entries
        ]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    for r in entries:
        regimes = "semua" if r.regimes == rules.ALL_REGIMES else ", ".join(r.regimes)
        click.echo(f"{r.code}  {r.severity.label:<10} {r.name:<28} [{regimes}]  {r.title}")


@cli.command("sidik-jari", context_settings=CONTEXT)
@click.argument("rencana", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def fingerprint_command(rencana: Path) -> None:
    """Cetak SHA-256 bentuk kanonik RENCANA (isi tanpa riwayat status).

    Nilai ini dicatat di kolom `sha256` saat rencana disetujui dan disepakati; bila isi rencana
    berubah sesudahnya, persetujuan menjadi kedaluwarsa.
    """
    from kinerja_build import domain
    from kinerja_build.load import load_file

    loaded = load_file(rencana, str(rencana))
    if not loaded.ok:
        click.echo(
            report.format_text(_single(loaded.diagnostics), color=use_color()), color=use_color()
        )
        sys.exit(1)
    click.echo(domain.canonical_plan_hash(loaded.data))


def _single(diagnostics: list[Diagnostic]) -> Report:
    result = Report()
    result.extend(diagnostics)
    result.files_checked = 1
    return result


@cli.command("referensi", context_settings=CONTEXT)
@_root_option
def referensi_command(root: Path) -> None:
    """Tampilkan ID indikator praktik kinerja dan tugas tambahan yang dapat dipakai."""
    from kinerja_build.config import load_config

    config, problems = load_config(root.resolve())
    if problems:
        raise KinerjaError("kinerja.yml tidak valid; jalankan `kinerja validate` untuk rinciannya.")
    data = config.referensi
    sections = (
        ("Indikator praktik kinerja guru (D1)", "indikator_guru"),
        ("Indikator praktik kinerja kepala sekolah (D3)", "indikator_kepala_sekolah"),
        ("Tugas tambahan", "tugas_tambahan"),
    )
    for title, key in sections:
        click.echo(title)
        for entry in data[key]:
            note = "" if entry.get("terkonfirmasi", True) else "  (belum terkonfirmasi)"
            if entry.get("sekolah"):
                note += "  (dari kinerja.yml)"
            click.echo(f"  {entry['id']:<40} {entry['nama']}{note}")
        click.echo("")


def commit_options(function: click.decorators.FC) -> click.decorators.FC:
    """`--commit` and `--kunci` for every command that appends a status step."""
    function = click.option(
        "--kunci",
        "key",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        default=None,
        help="Kunci SSH untuk menandatangani commit (berkas kunci, atau .pub bila kunci ada di "
        "ssh-agent). Berarti juga --commit. Bawaan: user.signingkey di konfigurasi git.",
    )(function)
    return click.option(
        "--commit",
        is_flag=True,
        help="Commit langkah ini (hanya berkas rencananya), ditandatangani dengan kunci SSH Anda.",
    )(function)


def _review_command(
    name: str, summary: str, note_required: bool, actor_required: bool = True
) -> click.Command:
    @click.command(name, context_settings=CONTEXT, help=summary)
    @click.argument(
        "paths",
        metavar="RENCANA...",
        nargs=-1,
        required=True,
        type=click.Path(dir_okay=False, path_type=Path),
    )
    @_root_option
    @click.option(
        "--oleh",
        "actor",
        required=actor_required,
        help="ID/NIP pelaku langkah ini." + ("" if actor_required else " Bawaan: pemilik rencana."),
    )
    # No explicit default: with click 8.5 `default=None` would satisfy `required`.
    @click.option("--catatan", "note", required=note_required, help="Catatan untuk pemilik.")
    @click.option(
        "--tanggal",
        "day",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        default=None,
        help="Tanggal langkah (YYYY-MM-DD). Bawaan: hari ini.",
    )
    @commit_options
    def command(
        paths: tuple[Path, ...],
        root: Path,
        actor: str | None,
        note: str | None,
        day: dt.datetime | None,
        commit: bool,
        key: Path | None,
    ) -> None:
        from kinerja_build import review

        request = review.Commit(key) if commit or key else None
        when = day.date() if day else dt.date.today()
        failed = 0
        for path in paths:  # each plan on its own: one refusal does not stop the others
            owner = review.locate_plan(root, path)[2]
            outcome = review.apply(root, path, name, actor or owner, note, when, request)
            if outcome.diagnostics:
                text = report.format_text(
                    Report(diagnostics=list(outcome.diagnostics)),
                    color=use_color(),
                    summary=False,
                )
                click.echo(text, color=use_color())
            if outcome.written or outcome.message not in {d.message for d in outcome.diagnostics}:
                click.echo(outcome.message)
            failed += not outcome.written
        if len(paths) > 1:
            click.echo(f"{len(paths) - failed} dari {len(paths)} rencana ditulis.")
        sys.exit(1 if failed else 0)

    return command


@cli.command("diff", context_settings=CONTEXT)
@click.argument("base", required=False)
@click.argument("head", required=False)
@_root_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown"]),
    default="text",
    help="text untuk terminal, markdown untuk komentar pull request.",
)
def diff_command(base: str | None, head: str | None, root: Path, output_format: str) -> None:
    """Ringkasan perubahan catatan per pegawai dan tahap antara dua revisi git.

    Bawaan BASE: merge-base dengan cabang utama; bawaan HEAD: pohon kerja (belum di-commit).
    """
    from kinerja_build import diff

    changes, base_label, head_label = diff.compare(root, base, head)
    formatter = diff.format_markdown if output_format == "markdown" else diff.format_text
    click.echo(formatter(changes, base_label, head_label))


@cli.command("verifikasi", context_settings=CONTEXT)
@click.argument("dokumen", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_root_option
def verify_command(dokumen: Path, root: Path) -> None:
    """Periksa apakah DOKUMEN (PDF dari `kinerja build`) sesuai catatan pada HEAD.

    Membaca cap di metadata PDF (sidik jari isi dan versi tiap berkas catatan), membuat ulang
    isi dokumen dari catatan yang di-commit di HEAD, lalu membandingkan. Bila berbeda: berkas
    catatan mana yang berubah, dari commit mana dokumen dibuat, dan commit sesudahnya.
    Kode keluar 0 bila cocok, 1 bila tidak.
    """
    from kinerja_build.render import verify

    verdict = verify.verify(root, dokumen)
    for line in verify.describe(verdict):
        click.echo(report.safe_line(line))
    sys.exit(0 if verdict.matches else 1)


@cli.command("periksa-tanda-tangan", context_settings=CONTEXT)
@click.argument("base", required=False)
@click.argument("head", required=False)
@_root_option
@_report_format_option
def signatures_command(base: str | None, head: str | None, root: Path, output_format: str) -> None:
    """Periksa tanda tangan setiap langkah status yang ditambahkan antara BASE dan HEAD.

    Setiap langkah harus ada di commit yang ditandatangani (SSH) oleh orang yang berhak:
    pemilik rencana untuk diajukan dan disepakati, atasan pada tanggal itu untuk disetujui dan
    ditinjau_ulang. Kunci dan atasan diambil dari catatan di BASE, bukan dari perubahan yang
    diperiksa. Bawaan BASE: merge-base dengan cabang utama; bawaan HEAD: HEAD (commit terakhir).
    """
    from kinerja_build import signatures

    found, base_label, head_label = signatures.check(root, base, head)
    if output_format == "text":
        click.echo(f"Tanda tangan langkah status {base_label}..{head_label}")
        click.echo(report.format_text(found, color=use_color()), color=use_color())
    else:
        click.echo(report.FORMATTERS[output_format](found))
    sys.exit(0 if found.ok else 1)


@cli.command("codeowners", context_settings=CONTEXT)
@_root_option
@click.option("--tulis", "write", is_flag=True, help="Tulis ke .github/CODEOWNERS (bawaan: cetak).")
def codeowners_command(root: Path, write: bool) -> None:
    """Buat CODEOWNERS: setiap pegawai dan atasannya meninjau perubahan catatannya."""
    from kinerja_build import codeowners

    result = validate(root)
    if result.usage_error:
        _emit(result, "text")
        sys.exit(2)
    text = codeowners.generate(result.school, dt.date.today())
    if not write:
        click.echo(text, nl=False)
        return
    from kinerja_build.output import write_atomic

    target = write_atomic(root.resolve(), CODEOWNERS_FILE, text.encode("utf-8"))
    click.echo(f"Ditulis: {_display(target)}")


@cli.command("isi", context_settings=CONTEXT)
@click.argument(
    "jenis",
    type=click.Choice([str(kind) for kind in FORM_KINDS]),
)
@_root_option
@click.option("--nip", "pegawai", required=True, help="ID/NIP pegawai pemilik catatan.")
@click.option("--periode", default=None, help="Periode, mis. 2025 (tidak untuk jenis pegawai).")
@click.option(
    "--dari-file",
    "source",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Isian awal dari catatan yang sudah ada.",
)
@click.option(
    "--jawaban",
    "answers",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Jawaban dari berkas YAML/JSON, tanpa pertanyaan (untuk skrip).",
)
@click.option("--timpa", is_flag=True, help="Boleh menimpa berkas yang sudah ada.")
def isi_command(
    jenis: str,
    root: Path,
    pegawai: str,
    periode: str | None,
    source: Path | None,
    answers: Path | None,
    timpa: bool,
) -> None:
    """Isi catatan lewat pertanyaan, tanpa menulis YAML; hasilnya diperiksa skema lalu ditulis.

    Pilihan ditampilkan sebagai menu bernomor; isian bawaan diambil dari catatan periode
    sebelumnya atau dari --dari-file.
    """
    from kinerja_build import forms
    from kinerja_build.schema import check, compiled_schema

    root = root.resolve()
    if periode is not None and jenis != "pegawai":
        from kinerja_build.periode_option import check_periode

        check_periode(validate(root).school, periode)
    path = forms.target(root, jenis, pegawai, periode)
    if path.exists() and not timpa:
        raise UsageProblem(f"{path.relative_to(root)} sudah ada; pakai --timpa untuk menggantinya.")
    defaults = (
        forms.read_answers(source) if source else forms.previous(root, jenis, pegawai, periode)
    )
    fixed: dict[str, object] = (
        {} if jenis == "pegawai" else {"pegawai": pegawai, "periode": periode}
    )
    if answers is not None:
        data = {**defaults, **forms.read_answers(answers), **fixed}
    else:
        data = forms.ask(compiled_schema(jenis), forms.Prompter(), jenis, defaults, fixed)
    problems = check(jenis, data)
    if problems:
        for problem in problems:
            where = "/".join(str(part) for part in problem.json_path) or "(akar)"
            click.echo(f"{where}: {problem.code} {problem.message}\n    saran: {problem.hint}")
        click.echo("Catatan belum sesuai skema; berkas tidak ditulis.")
        sys.exit(1)
    depth = len(path.relative_to(root).parts) - 1
    from kinerja_build.output import write_atomic

    written = write_atomic(
        root, path.relative_to(root).as_posix(), forms.to_yaml(jenis, data, depth).encode("utf-8")
    )
    rel = written.relative_to(root).as_posix()
    result = validate(root)
    mine = [d for d in result.report.diagnostics if d.file == rel]
    if mine:
        text = report.format_text(Report(diagnostics=mine), color=use_color(), summary=False)
        click.echo(text, color=use_color())
    click.echo(f"Ditulis: {rel}")
    sys.exit(1 if any(d.severity is Severity.ERROR for d in mine) else 0)


@cli.command("serve", context_settings=CONTEXT)
@_root_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Alamat yang didengar.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--git",
    "use_git",
    is_flag=True,
    help="Commit setiap simpanan dan persetujuan ke cabang atas nama pelakunya.",
)
def serve_command(root: Path, host: str, port: int, use_git: bool) -> None:
    """Aplikasi sekolah: formulir yang menulis catatan, persetujuan, kotak masuk setiap orang.

    Bawaan hanya untuk komputer ini (127.0.0.1). Dengan --host lain setiap orang masuk dengan
    token dari `kinerja token NIP`. Perlu paket tambahan: pip install "kinerja[app]".
    """
    try:
        import uvicorn

        from kinerja_build.app.server import LOOPBACK, Settings, create_app, unusable
    except ImportError as error:
        raise UsageProblem(
            f'`kinerja serve` memerlukan paket tambahan ({error.name}): pip install "kinerja[app]"'
        ) from error
    from kinerja_build.app import access

    root = root.resolve()
    login = host not in LOOPBACK
    if login and not access.read_tokens(root):
        raise UsageProblem(
            f"--host {host} membuka aplikasi untuk jaringan: buat dulu token setiap orang dengan "
            "`kinerja token NIP`."
        )
    settings = Settings(root, login=login, git=use_git, allowed_hosts=["*"] if login else LOOPBACK)
    app = create_app(settings)
    # A broken kinerja.yml or sekolah.yaml does not stop the app (unlike `kinerja build`, exit 2):
    # the operator fixes the file while it runs and the pages recover on the next request, so
    # refusing would only add a restart. The problem is said here and on every page meanwhile.
    broken = unusable(app.state.kinerja.result())  # also reads the school for the first page
    if broken is not None:
        click.echo(
            f"Peringatan: {broken.file} rusak; setiap halaman menampilkan galat ini sampai "
            "berkasnya diperbaiki (tidak perlu menjalankan ulang):",
            err=True,
        )
        for line in broken.lines():
            click.echo(f"  {line}", err=True)
        click.echo("Periksa dengan `kinerja validate` setelah memperbaiki berkasnya.", err=True)
    click.echo(f"kinerja serve: http://{host}:{port}/  (Ctrl+C untuk berhenti)")
    uvicorn.run(app, host=host, port=port, log_level="warning")


@cli.command("token", context_settings=CONTEXT)
@click.argument("pegawai")
@_root_option
def token_command(pegawai: str, root: Path) -> None:
    """Buat token masuk `kinerja serve` untuk satu pegawai (token lamanya tidak berlaku lagi)."""
    from kinerja_build.app import access

    result = validate(root)
    if pegawai not in result.school.pegawai:
        raise UsageProblem(f"{pegawai} tidak ada di records/pegawai/.")
    token = access.new_token(root, pegawai)
    click.echo(f"Token untuk {pegawai} (berikan hanya kepada orangnya; tidak ditampilkan lagi):")
    click.echo(token)


def _register_subcommands() -> None:
    cli.add_command(
        _review_command(
            "ajukan",
            "Ajukan rencana (oleh pemiliknya), juga mengajukan ulang setelah ditinjau ulang atau "
            "setelah isinya diubah sesudah disetujui. Mencatat SHA-256 isinya.",
            note_required=False,
            actor_required=False,
        )
    )
    for name, summary, note_required in (
        ("setujui", "Setujui rencana yang diajukan (oleh atasan). Mencatat SHA-256 isinya.", False),
        ("tinjau-ulang", "Kembalikan rencana yang diajukan untuk direvisi (oleh atasan).", True),
        ("sepakati", "Sepakati rencana yang sudah disetujui (oleh pemilik rencana).", False),
    ):
        cli.add_command(_review_command(name, summary, note_required))


_register_subcommands()


def main() -> None:
    """Console entry point: bad input never shows a traceback, internal bugs do (to be reported)."""
    try:
        cli(prog_name="kinerja")
    except Exception:  # a bug in kinerja, not in the user's records
        import traceback

        traceback.print_exc()
        click.echo(
            "\nIni kesalahan internal kinerja, bukan kesalahan catatan Anda. Mohon laporkan "
            "dengan menyertakan pesan di atas.",
            err=True,
        )
        sys.exit(3)
