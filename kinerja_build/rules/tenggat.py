"""Deadline rules: a person whose next step is past its stage's deadline (DOMAIN §1.2).

The next step and its deadline are the model's (`PersonPeriode.next_step`); these rules only
report them, judged on the build date (`School.today`, from SOURCE_DATE_EPOCH when set). They
are warnings: being late is something to act on, not a broken record.
"""

from __future__ import annotations

from collections.abc import Iterator

from kinerja_build import domain
from kinerja_build.diagnostics import Severity
from kinerja_build.layout import RecordKind, record_path
from kinerja_build.model import PersonPeriode, School, school_periode
from kinerja_build.rules import Context, Finding, school_rule


def _late(ctx: Context, tahap: str) -> Iterator[Finding]:
    for person in _late_people(ctx.school, tahap):
        yield Finding((), _message(person), _hint(person), file=_file(ctx, person))


def _late_people(school: School, tahap: str) -> Iterator[PersonPeriode]:
    # The three rules read the same periode views (made once per school, model.school_periode).
    for periode_id in school.periode_ids():
        for person in school_periode(school, periode_id).people:
            if person.next_step is not None and person.late and person.next_step.tahap == tahap:
                yield person


def _file(ctx: Context, person: PersonPeriode) -> str:
    """The record to act on when it exists, else the person's pegawai record."""
    step = person.next_step
    assert step is not None
    if any(record.rel == step.file for record in person.files.values()):
        return step.file
    if person.pegawai_id in ctx.school.pegawai:
        return record_path(RecordKind.PEGAWAI, owner=person.pegawai_id)
    return next(iter(person.files.values())).rel


def _message(person: PersonPeriode) -> str:
    step = person.next_step
    assert step is not None and step.deadline is not None
    who = domain.PERAN_NOUNS[step.peran]
    if step.pelaku_nama:
        who += f" {step.pelaku_nama}"
    tahap = step.deadline.tahap.replace("_", "-")
    return (
        f"{person.nama}, periode {person.periode_id}: terlambat {person.days_late} hari dari "
        f"tenggat {tahap} {domain.tanggal_indonesia(step.deadline.tanggal)}. Langkah "
        f"berikutnya: {step.label} — oleh {who.rstrip('.')}."
    )


def _hint(person: PersonPeriode) -> str:
    step = person.next_step
    assert step is not None and step.deadline is not None
    hint = f"Jalankan `{step.perintah}`." if step.perintah else f"Lengkapi {step.file}."
    hint += f" Dasar tenggat: {step.deadline.sumber.rstrip('.')}."
    if not step.deadline.terkonfirmasi:
        hint += (
            " Tenggat ini belum terkonfirmasi; catat tenggat resmi atau perpanjangan dari Dinas "
            "di kinerja.yml (`tenggat:`)."
        )
    return hint


@school_rule(
    "KIN251",
    "tenggat-perencanaan",
    "Rencana belum diajukan, disetujui dan disepakati padahal tenggat perencanaan sudah lewat.",
    severity=Severity.WARNING,
)
def tenggat_perencanaan(ctx: Context) -> Iterator[Finding]:
    """Tenggat perencanaan per rezim: 31 Maret 2024 (semester I, diperpanjang dari 31 Januari),
    31 Juli 2024 (semester II, belum terkonfirmasi), 31 Januari 2025 (belum terkonfirmasi),
    31 Januari mulai 2026 (Kepmendikdasmen 271/O/2025). Berlaku bagi pegawai yang wajib PKG;
    sekolah dapat mencatat perpanjangan resmi di kinerja.yml (`tenggat:`)."""
    return _late(ctx, "perencanaan")


@school_rule(
    "KIN252",
    "tenggat-pelaksanaan",
    "Siklus langkah A–E belum lengkap padahal tenggat pelaksanaan sudah lewat.",
    severity=Severity.WARNING,
)
def tenggat_pelaksanaan(ctx: Context) -> Iterator[Finding]:
    """Refleksi tindak lanjut (langkah E) mendahului penilaian: 30 Juni dan 31 Desember 2024
    (evaluasi periodik, Perdirjen 7607), akhir Desember mulai 2025 (belum terkonfirmasi)."""
    return _late(ctx, "pelaksanaan")


@school_rule(
    "KIN253",
    "tenggat-penilaian",
    "Penilaian belum dicatat padahal tenggat penilaian sudah lewat.",
    severity=Severity.WARNING,
)
def tenggat_penilaian(ctx: Context) -> Iterator[Finding]:
    """Evaluasi periodik 2024 paling lambat 30 Juni dan 31 Desember (Perdirjen 7607); mulai 2025
    akhir Januari tahun berikutnya (sejalan dengan evaluasi tahunan, belum terkonfirmasi)."""
    return _late(ctx, "penilaian")
