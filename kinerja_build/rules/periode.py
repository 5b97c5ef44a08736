"""Rules about periods, regimes, dates and which record belongs where (DOMAIN §1, §9.1)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from kinerja_build import domain
from kinerja_build.diagnostics import JsonPath
from kinerja_build.model import RecordFile
from kinerja_build.rules import Context, Finding, person_rule, school_rule


@school_rule(
    "KIN201",
    "periode-tidak-sah",
    "Folder periode harus `2024-1`/`2024-2` (semester, Perdirjen 7607/2023) atau tahun (2025+).",
)
def periode_sah(ctx: Context) -> Iterator[Finding]:
    """2024 memakai dua semester (Januari–Juni, Juli–Desember) menurut Perdirjen GTK 7607/2023;
    mulai 2025 satu periode tahunan (Kepdirjen GTK 4242/2024, lalu Kepmendikdasmen 271/O/2025).
    Periode sebelum 2024 tidak diatur oleh PKG di PMM/Ruang GTK."""
    for periode_id, people in ctx.school.periods.items():
        try:
            domain.parse_periode(periode_id)
        except domain.PeriodeError as error:
            for records in people.values():
                for record in records.values():
                    yield Finding(
                        (),
                        f"Periode `{periode_id}` tidak sah: {error}.",
                        "Pindahkan catatan ke folder records/kinerja/<periode>/ yang benar.",
                        file=record.rel,
                    )


@person_rule(
    "KIN202",
    "periode-tidak-cocok",
    "Kolom `periode` sebuah catatan harus sama dengan folder periodenya.",
)
def periode_cocok(
    ctx: Context, periode: domain.Periode, owner: str, records: Mapping[str, RecordFile]
) -> Iterator[Finding]:
    """Catatan di records/kinerja/2025/… harus menulis `periode: "2025"`; selisih biasanya
    terjadi saat menyalin berkas dari periode sebelumnya."""
    for record in records.values():
        if record.data is not None and record.data["periode"] != periode.id:
            yield Finding(
                ("periode",),
                f'Kolom periode berisi "{record.data["periode"]}", tetapi berkas ada di folder '
                f"periode {periode.id}.",
                f'Ubah menjadi `periode: "{periode.id}"` atau pindahkan berkas ke folder yang benar.',
                file=record.rel,
            )


@school_rule(
    "KIN203",
    "pegawai-tidak-cocok",
    "Kolom `pegawai` (atau `nip`) harus sama dengan nama folder/berkas orang itu.",
)
def pegawai_cocok(ctx: Context) -> Iterator[Finding]:
    """Identitas orang diambil dari tempat berkas: records/pegawai/<id>.yaml dan
    records/kinerja/<periode>/<id>/. Isi berkas harus menyebut ID yang sama."""
    for pegawai_id, record in ctx.school.pegawai.items():
        if record.data is None:
            continue
        nip = record.data.get("nip")
        if record.data["status_kepegawaian"] != "non_asn" and nip and nip != pegawai_id:
            yield Finding(
                ("nip",),
                f"NIP {nip} berbeda dengan nama berkas {pegawai_id}.yaml.",
                "Untuk ASN, nama berkas adalah NIP-nya. Ganti nama berkas atau perbaiki NIP.",
                file=record.rel,
            )
    for people in ctx.school.periods.values():
        for owner, records in people.items():
            for record in records.values():
                if record.data is not None and record.data["pegawai"] != owner:
                    yield Finding(
                        ("pegawai",),
                        f'Kolom pegawai berisi "{record.data["pegawai"]}", tetapi berkas ada di '
                        f"folder {owner}.",
                        f'Ubah menjadi `pegawai: "{owner}"` atau pindahkan berkas ke folder orang '
                        "yang benar.",
                        file=record.rel,
                    )


def _dates(kind: str, data: dict[str, Any]) -> Iterator[tuple[JsonPath, str]]:
    if kind == "rencana":
        for index, entry in enumerate(data["status"]):
            yield ("status", index, "tanggal"), entry["tanggal"]
    elif kind == "siklus":
        for step in domain.CYCLE_STEPS:
            if step.key in data:
                yield (step.key, "tanggal"), data[step.key]["tanggal"]
    elif kind == "pengembangan-kompetensi":
        for index, entry in enumerate(data["kegiatan"]):
            yield ("kegiatan", index, "tanggal"), entry["tanggal"]
            if "tanggal_selesai" in entry:
                yield ("kegiatan", index, "tanggal_selesai"), entry["tanggal_selesai"]
    elif kind == "penilaian":
        yield ("tanggal",), data["tanggal"]


def window(kind: str, periode: domain.Periode) -> tuple[dt.date, dt.date]:
    """The dates a record of this kind may carry in this periode."""
    if kind == "rencana":  # plans are drafted and agreed in the month before the period too
        return periode.start - dt.timedelta(days=31), periode.end
    if kind == "penilaian":
        # 2024 semesters: evaluasi periodik by 30 June / 31 December (Perdirjen 7607/2023);
        # annual periodes: the evaluasi tahunan may close in January of the next year.
        if periode.regime.semester:
            return periode.start, periode.end
        return periode.start, periode.end + dt.timedelta(days=31)
    return periode.start, periode.end


@person_rule(
    "KIN204",
    "tanggal-di-luar-periode",
    "Setiap tanggal catatan harus berada di dalam periodenya.",
)
def tanggal_dalam_periode(
    ctx: Context, periode: domain.Periode, owner: str, records: Mapping[str, RecordFile]
) -> Iterator[Finding]:
    """Langkah siklus dan kegiatan pengembangan kompetensi harus bertanggal di dalam periode.
    Riwayat status rencana boleh dimulai sebulan sebelum periode (perencanaan). Penilaian
    periode tahunan boleh sampai sebulan sesudah akhir periode (evaluasi tahunan paling lambat
    akhir Januari); penilaian semester 2024 paling lambat 30 Juni dan 31 Desember."""
    for kind, record in records.items():
        if record.data is None:
            continue
        start, end = window(kind, periode)
        for path, text in _dates(kind, record.data):
            day = domain.parse_date(text)
            if day is not None and not start <= day <= end:
                yield Finding(
                    path,
                    f"Tanggal {text} berada di luar periode {periode.id} "
                    f"({domain.tanggal_indonesia(start)} – {domain.tanggal_indonesia(end)}).",
                    "Periksa tahun dan bulan, atau pindahkan catatan ke periode yang benar.",
                    file=record.rel,
                )


@school_rule(
    "KIN703",
    "satu-berkas-per-jenis",
    "Satu orang hanya punya satu catatan per jenis per periode.",
)
def satu_per_jenis(ctx: Context) -> Iterator[Finding]:
    """Dua berkas yang sama-sama mengaku sebagai, mis., rencana orang yang sama di periode yang
    sama membuat data ganda di dokumen resmi dan ekspor BKN."""
    claims: dict[tuple[str, str, str], list[RecordFile]] = defaultdict(list)
    for people in ctx.school.periods.values():
        for records in people.values():
            for kind, record in records.items():
                if record.data is not None:
                    claims[(kind, record.data["pegawai"], record.data["periode"])].append(record)
    for (kind, pegawai_id, periode_id), files in claims.items():
        if len(files) < 2:
            continue
        others = ", ".join(f.rel for f in files)
        for record in files:
            yield Finding(
                ("pegawai",),
                f"Ada {len(files)} catatan {kind} untuk {pegawai_id} periode {periode_id}: {others}.",
                "Simpan hanya satu berkas per jenis di records/kinerja/<periode>/<id>/.",
                file=record.rel,
            )


@person_rule(
    "KIN701",
    "pegawai-tidak-ada",
    "Setiap orang yang dirujuk harus punya berkas records/pegawai/<id>.yaml.",
)
def pegawai_ada(
    ctx: Context, periode: domain.Periode, owner: str, records: Mapping[str, RecordFile]
) -> Iterator[Finding]:
    """Catatan kinerja seseorang tanpa data pegawainya tidak dapat diperiksa (peran, status
    kepegawaian, atasan) dan tidak dapat dicetak."""
    if owner in ctx.school.pegawai:
        return
    for record in records.values():
        yield Finding(
            ("pegawai",) if record.data is not None else (),
            f"Tidak ada data pegawai untuk `{owner}` (records/pegawai/{owner}.yaml).",
            "Tambahkan berkas data pegawai itu, atau perbaiki nama folder.",
            file=record.rel,
        )
