"""Rules for the plan (rencana/SKP): indicator, competency plan, tugas tambahan, approval flow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from kinerja_build import domain
from kinerja_build.diagnostics import Severity
from kinerja_build.domain import PLAN_TRANSITIONS, PlanStatus
from kinerja_build.model import Plan, Record, RecordFile, describe
from kinerja_build.rules import (
    REGIME_2024,
    REGIME_2025_ON,
    Context,
    Finding,
    person_rule,
    record_rule,
)


def _entries(plan: dict[str, Any], *statuses: str) -> Iterator[tuple[int, dict[str, Any]]]:
    for index, entry in enumerate(plan["status"]):
        if entry["status"] in statuses:
            yield index, entry


@record_rule(
    "KIN401",
    "indikator-praktik",
    "Praktik kinerja memakai tepat satu indikator dari daftar untuk peran orang itu.",
    kind="rencana",
)
def indikator_praktik(ctx: Context, record: Record, periode: domain.Periode) -> Iterator[Finding]:
    """Guru memilih satu sub-indikator D1 Rapor Pendidikan; kepala sekolah satu indikator D3
    kepemimpinan pembelajaran. Daftar ada di data referensi (`kinerja referensi`) dan dapat
    ditambah sekolah lewat kinerja.yml bila PMM memuat indikator yang belum terdaftar."""
    data = record.data
    role = ctx.school.role(data["pegawai"])
    if role is None:
        return
    indicators = ctx.indicators_for(role)
    chosen = data["praktik_kinerja"]["indikator"]
    if chosen not in indicators:
        other = ctx.indicators_for("guru" if role == "kepala_sekolah" else "kepala_sekolah")
        list_name = "D3 kepala sekolah" if role == "kepala_sekolah" else "D1 guru"
        hint = f"Pilihan: {', '.join(sorted(indicators))}."
        if chosen in other:
            hint = f"`{chosen}` adalah indikator untuk peran lain. " + hint
        yield Finding(
            ("praktik_kinerja", "indikator"),
            f"Indikator `{chosen}` tidak ada dalam daftar {list_name}.",
            hint,
        )


def _points(data: dict[str, Any]) -> int:
    return sum(int(entry.get("poin", 0)) for entry in data["pengembangan_kompetensi"])


@record_rule(
    "KIN402",
    "poin-kurang",
    "2024: poin pengembangan kompetensi kurang dari 32 per semester.",
    severity=Severity.WARNING,
    regimes=REGIME_2024,
    kind="rencana",
)
def poin_kurang(ctx: Context, record: Record, periode: domain.Periode) -> Iterator[Finding]:
    """Perdirjen GTK 7607/2023: rencana pengembangan kompetensi berjumlah 32–128 poin per
    semester. Di bawah 32 poin adalah peringatan: rencana belum memenuhi target minimum."""
    data = record.data
    minimum = int(ctx.referensi["pengembangan_kompetensi_2024"]["poin_minimum"])
    total = _points(data)
    if total < minimum:
        missing = sum(1 for e in data["pengembangan_kompetensi"] if "poin" not in e)
        extra = f" ({missing} kegiatan tanpa `poin`)" if missing else ""
        yield Finding(
            ("pengembangan_kompetensi",),
            f"Jumlah poin pengembangan kompetensi {total}{extra}, "
            f"kurang dari minimum {minimum} per semester.",
            "Tambahkan kegiatan atau lengkapi `poin` setiap kegiatan sesuai menu RHK di PMM.",
        )


@record_rule(
    "KIN403",
    "poin-lebih",
    "2024: poin pengembangan kompetensi lebih dari 128 per semester.",
    regimes=REGIME_2024,
    kind="rencana",
)
def poin_lebih(ctx: Context, record: Record, periode: domain.Periode) -> Iterator[Finding]:
    """Perdirjen GTK 7607/2023: paling banyak 128 poin per semester."""
    data = record.data
    maximum = int(ctx.referensi["pengembangan_kompetensi_2024"]["poin_maksimum"])
    total = _points(data)
    if total > maximum:
        yield Finding(
            ("pengembangan_kompetensi",),
            f"Jumlah poin pengembangan kompetensi {total}, "
            f"lebih dari maksimum {maximum} per semester.",
            "Kurangi kegiatan yang direncanakan.",
        )


@record_rule(
    "KIN404",
    "indikator-kompetensi",
    "2025+: rencana menyebut minimal satu indikator kompetensi.",
    regimes=REGIME_2025_ON,
    kind="rencana",
)
def indikator_kompetensi(
    ctx: Context, record: Record, periode: domain.Periode
) -> Iterator[Finding]:
    """Sejak 2025 pengembangan kompetensi tidak lagi berbasis poin: guru memilih indikator
    kompetensi yang akan dikembangkan, dan jenis/jumlah kegiatan disepakati dengan atasan."""
    data = record.data
    if not any(entry.get("indikator_kompetensi") for entry in data["pengembangan_kompetensi"]):
        yield Finding(
            ("pengembangan_kompetensi",),
            "Belum ada indikator kompetensi yang dipilih.",
            "Tambahkan `indikator_kompetensi: …` pada minimal satu kegiatan.",
        )


@record_rule(
    "KIN405",
    "poin-tidak-berlaku",
    "2025+: poin pengembangan kompetensi tidak dipakai lagi.",
    severity=Severity.WARNING,
    regimes=REGIME_2025_ON,
    kind="rencana",
)
def poin_tidak_berlaku(ctx: Context, record: Record, periode: domain.Periode) -> Iterator[Finding]:
    """Sejak 2025 tidak ada target poin; poin yang tertulis tidak dihitung dan dapat
    membingungkan pembaca dokumen."""
    data = record.data
    for index, entry in enumerate(data["pengembangan_kompetensi"]):
        if "poin" in entry:
            yield Finding(
                ("pengembangan_kompetensi", index, "poin"),
                "Poin tidak berlaku sejak 2025.",
                "Hapus kolom `poin`.",
                at_key=True,
            )


def _tugas_tambahan_findings(ctx: Context, data: dict[str, Any]) -> Iterator[Finding]:
    known = ctx.tugas_tambahan()
    jenjang = (
        ctx.school.sekolah.data["jenjang"]
        if ctx.school.sekolah and ctx.school.sekolah.data
        else None
    )
    for index, entry in enumerate(data.get("tugas_tambahan", [])):
        item = known.get(entry["jenis"])
        path = ("tugas_tambahan", index, "jenis")
        if item is None:
            yield Finding(
                path,
                f"Jenis tugas tambahan `{entry['jenis']}` tidak dikenal.",
                f"Pilihan: {', '.join(sorted(known))}. Sekolah dapat menambah jenis lewat kinerja.yml.",
            )
        elif jenjang and item.get("jenjang") and jenjang not in item["jenjang"]:
            yield Finding(
                path,
                f"Tugas tambahan `{entry['jenis']}` tidak berlaku untuk jenjang {jenjang.upper()}.",
                f"Berlaku untuk: {', '.join(j.upper() for j in item['jenjang'])}.",
            )


def _with_tugas_tambahan(
    records: Mapping[str, RecordFile],
) -> Iterator[tuple[RecordFile, dict[str, Any]]]:
    for kind in ("rencana", "tugas"):
        record = records.get(kind)
        if record is not None and record.data is not None and record.data.get("tugas_tambahan"):
            yield record, record.data


@person_rule(
    "KIN408",
    "sk-tugas-tambahan",
    "Setiap tugas tambahan harus didukung SK atau surat tugas.",
)
def sk_tugas_tambahan(
    ctx: Context, periode: domain.Periode, owner: str, records: Mapping[str, RecordFile]
) -> Iterator[Finding]:
    """Tugas tambahan (di rencana maupun di laporan tugas) diakui hanya bila ada SK/Surat Tugas
    dari atasan (2024: diunggah; sejak 2025 cukup dirujuk). Tulis nomornya di `sk.nomor`."""
    for record, data in _with_tugas_tambahan(records):
        for index, entry in enumerate(data["tugas_tambahan"]):
            if "sk" not in entry:
                yield Finding(
                    ("tugas_tambahan", index),
                    f"Tugas tambahan `{entry['jenis']}` belum menyebut SK/surat tugas.",
                    'Tambahkan `sk: {nomor: "…", tanggal: TTTT-BB-HH}`.',
                    file=record.rel,
                )


@person_rule(
    "KIN409",
    "jenis-tugas-tambahan",
    "Tugas tambahan harus dari daftar dan berlaku untuk jenjang sekolah; hanya untuk guru.",
)
def jenis_tugas_tambahan(
    ctx: Context, periode: domain.Periode, owner: str, records: Mapping[str, RecordFile]
) -> Iterator[Finding]:
    """Pilihan tugas tambahan bergantung pada jenjang sekolah (mis. Ketua Program Keahlian hanya
    SMK) dan hanya tersedia bagi guru, bukan kepala sekolah."""
    for record, data in _with_tugas_tambahan(records):
        if ctx.school.role(owner) == "kepala_sekolah":
            yield Finding(
                ("tugas_tambahan",),
                "Kepala sekolah tidak memilih tugas tambahan di rencana kinerja.",
                "Hapus `tugas_tambahan` dari catatan kepala sekolah.",
                file=record.rel,
                at_key=True,
            )
            continue
        for finding in _tugas_tambahan_findings(ctx, data):
            yield Finding(finding.json_path, finding.message, finding.hint, file=record.rel)


@record_rule(
    "KIN410",
    "urutan-status",
    "Riwayat status mengikuti draf → diajukan → (ditinjau_ulang → diajukan)* → disetujui → disepakati.",
    kind="rencana",
)
def urutan_status(ctx: Context, record: Record, periode: domain.Periode) -> Iterator[Finding]:
    """Rencana diajukan pegawai, lalu disetujui atau dikembalikan (ditinjau_ulang) oleh atasan;
    setelah diperbaiki diajukan lagi. Setelah disetujui, rencana disepakati dan baru dapat
    disinkronkan ke e-Kinerja."""
    data = record.data
    previous: PlanStatus | None = None
    for index, entry in enumerate(data["status"]):
        status = PlanStatus(entry["status"])
        if status not in PLAN_TRANSITIONS[previous]:
            allowed = (
                " atau ".join(PLAN_TRANSITIONS[previous]) or "tidak ada (riwayat sudah selesai)"
            )
            after = f"setelah `{previous}`" if previous else "sebagai status pertama"
            yield Finding(
                ("status", index, "status"),
                f"Status `{status}` tidak boleh {after}.",
                f"Yang boleh: {allowed}.",
            )
            return
        previous = status


@record_rule(
    "KIN411", "tanggal-status-mundur", "Tanggal riwayat status tidak boleh mundur.", kind="rencana"
)
def tanggal_status(ctx: Context, record: Record, periode: domain.Periode) -> Iterator[Finding]:
    """Setiap langkah persetujuan terjadi pada atau sesudah langkah sebelumnya."""
    data = record.data
    previous: dt.date | None = None
    for index, entry in enumerate(data["status"]):
        day = domain.parse_date(entry["tanggal"])
        if day is not None and previous is not None and day < previous:
            yield Finding(
                ("status", index, "tanggal"),
                f"Tanggal {day.isoformat()} lebih awal dari status "
                f"sebelumnya ({previous.isoformat()}).",
                "Periksa urutan dan tanggal riwayat status.",
            )
        previous = day or previous


@record_rule(
    "KIN412",
    "persetujuan-kedaluwarsa",
    "Persetujuan terikat pada isi rencana (SHA-256); rencana yang diubah sesudahnya harus disetujui ulang.",
    kind="rencana",
)
def persetujuan_kedaluwarsa(
    ctx: Context, record: Record, periode: domain.Periode
) -> Iterator[Finding]:
    """Status disetujui dan disepakati mencatat SHA-256 bentuk kanonik rencana (semua kolom
    kecuali `status`, JSON dengan kunci terurut). Bila isi rencana berubah setelah itu,
    persetujuan tidak lagi berlaku: ajukan ulang (`kinerja ajukan`) dan minta persetujuan baru.
    Hanya persetujuan sesudah pengajuan terakhir yang dinilai; persetujuan sebelumnya menjadi
    riwayat."""
    plan = Plan(record.data)
    current = plan.fingerprint
    for step in plan.approvals():
        if step.sha256 is None:
            yield Finding(
                ("status", step.index),
                f"Status {step.status} tidak mencatat sidik jari `sha256` rencana.",
                f"Tambahkan `sha256: {current}` bila isi ini yang memang disetujui.",
            )
        elif step.sha256 != current:
            yield Finding(
                ("status", step.index, "sha256"),
                f"Persetujuan kedaluwarsa: rencana diubah setelah {step.status} "
                f"(tercatat {step.sha256[:12]}…, isi sekarang {current[:12]}…).",
                "Kembalikan isi rencana seperti saat disetujui, atau ajukan ulang dengan "
                f"`kinerja ajukan {record.rel}` dan minta persetujuan baru atas isi sekarang.",
            )


@record_rule(
    "KIN310",
    "atasan-tidak-ditemukan",
    "Tanpa kepala sekolah definitif maupun Plt, rencana guru tidak dapat disetujui.",
    kind="rencana",
)
def atasan_tidak_ditemukan(
    ctx: Context, record: Record, periode: domain.Periode
) -> Iterator[Finding]:
    """Di PMM guru melihat "Data atasan Anda tidak ditemukan" bila sekolah tidak punya kepala
    sekolah definitif maupun Plt; pelaksanaan terhenti sampai Operator Sekolah atau Dinas
    Pendidikan memperbaiki Dapodik. Di sini: riwayat kepala sekolah di sekolah.yaml kosong
    pada tanggal persetujuan atau pengembalian, atau saat rencana menunggu persetujuan."""
    data = record.data
    plan = Plan(data)
    for step in plan.steps(PlanStatus.DISETUJUI, PlanStatus.DITINJAU_ULANG):
        if step.tanggal is None:
            continue
        atasan = ctx.school.atasan(data["pegawai"], step.tanggal)
        if atasan is not None and not atasan.acts:
            action = "disetujui" if step.status is PlanStatus.DISETUJUI else "dikembalikan"
            yield Finding(
                ("status", step.index),
                f"Data atasan tidak ditemukan: pada {domain.tanggal_indonesia(step.tanggal)} "
                f"sekolah tidak punya kepala sekolah definitif maupun Plt, jadi rencana tidak "
                f"dapat {action}.",
                "Operator Sekolah atau Dinas Pendidikan memperbaiki data kepala sekolah di "
                "Dapodik, lalu catat di records/sekolah.yaml (kepala_sekolah); langkah ini "
                "dicatat ulang setelah ada atasan.",
            )
    if plan.status not in (PlanStatus.DRAF, PlanStatus.DIAJUKAN):
        return
    day = plan.last_step.tanggal or periode.end
    atasan = ctx.school.atasan(data["pegawai"], day)
    if atasan is not None and not atasan.acts:
        yield Finding(
            ("status",),
            f"Data atasan tidak ditemukan: pada {domain.tanggal_indonesia(day)} sekolah "
            "tidak punya kepala sekolah definitif maupun Plt.",
            "Operator Sekolah atau Dinas Pendidikan memperbaiki data kepala sekolah di Dapodik, "
            "lalu catat di records/sekolah.yaml (kepala_sekolah).",
        )


@record_rule(
    "KIN311",
    "cara-persetujuan",
    "Plt: rencana disetujui otomatis; kepala sekolah definitif: disetujui manual.",
    kind="rencana",
)
def cara_persetujuan(ctx: Context, record: Record, periode: domain.Periode) -> Iterator[Finding]:
    """Bila sekolah dipimpin Plt, sistem menyetujui rencana guru secara otomatis (tanpa
    peninjauan manual): catat `otomatis: true` tanpa `oleh`. Bila ada kepala sekolah
    definitif, persetujuan dilakukan manual olehnya. Selama dipimpin Plt, rencana guru tidak dapat
    dikembalikan untuk ditinjau ulang. Rencana kepala sekolah (dan rencana Plt sendiri) disetujui
    Kepala Dinas."""
    data = record.data
    for index, entry in _entries(data, "disetujui", "ditinjau_ulang"):
        day = domain.parse_date(entry["tanggal"])
        atasan = ctx.school.atasan(data["pegawai"], day) if day else None
        if atasan is None or atasan.status == "kosong":
            continue
        automatic = entry.get("otomatis", False)
        if atasan.status == "plt" and entry["status"] == "ditinjau_ulang":
            yield Finding(
                ("status", index, "status"),
                "Sekolah dipimpin Plt: rencana disetujui otomatis dan tidak dapat dikembalikan "
                "untuk ditinjau ulang, oleh Plt maupun orang lain.",
                "Hapus langkah ditinjau_ulang (dan pengajuan ulang sesudahnya); catat "
                "`disetujui` dengan `otomatis: true`.",
            )
        elif atasan.status == "plt" and not automatic:
            yield Finding(
                ("status", index),
                "Sekolah dipimpin Plt: persetujuan rencana guru terjadi otomatis.",
                "Tulis `otomatis: true` dan hapus `oleh` pada entri disetujui.",
            )
        elif atasan.status != "plt" and automatic:
            who = "Kepala Dinas" if atasan.status == "dinas" else "kepala sekolah definitif"
            yield Finding(
                ("status", index, "otomatis"),
                f"Persetujuan otomatis hanya untuk sekolah yang dipimpin Plt; "
                f"rencana ini harus disetujui manual oleh {who}.",
                "Hapus `otomatis` dan isi `oleh` dengan ID atasan.",
                at_key=True,
            )


@record_rule(
    "KIN312",
    "penyetuju-bukan-atasan",
    "Yang menyetujui atau mengembalikan rencana adalah atasan pegawai itu.",
    kind="rencana",
)
def penyetuju_atasan(ctx: Context, record: Record, periode: domain.Periode) -> Iterator[Finding]:
    """Atasan guru adalah kepala sekolah definitif pada tanggal itu; atasan kepala sekolah adalah
    Kepala Dinas Pendidikan (NIP-nya di sekolah.yaml). Pengawas hanya memberi rekomendasi."""
    data = record.data
    for index, entry in _entries(data, "disetujui", "ditinjau_ulang"):
        if entry.get("otomatis"):
            continue
        day = domain.parse_date(entry["tanggal"])
        atasan = ctx.school.atasan(data["pegawai"], day) if day else None
        if atasan is None or atasan.status in ("kosong", "plt"):
            continue  # KIN310 / KIN311 explain these
        actor = entry.get("oleh")
        if actor != atasan.id:
            expected = describe(atasan)
            yield Finding(
                ("status", index, "oleh") if actor else ("status", index),
                f"Status {entry['status']} harus dilakukan oleh atasan, yaitu {expected}"
                + (f", bukan {actor}." if actor else "; kolom `oleh` kosong."),
                f'Isi `oleh: "{atasan.id}"`.'
                if atasan.id
                else "Lengkapi NIP Kepala Dinas di sekolah.yaml.",
            )


@record_rule(
    "KIN313",
    "pengaju-bukan-pegawai",
    "Rencana diajukan dan disepakati oleh pegawai pemiliknya.",
    kind="rencana",
)
def pengaju_pegawai(ctx: Context, record: Record, periode: domain.Periode) -> Iterator[Finding]:
    """Hanya pegawai yang bersangkutan yang menyusun, mengajukan, dan menyepakati rencananya."""
    data = record.data
    for index, entry in _entries(data, "draf", "diajukan", "disepakati"):
        actor = entry.get("oleh")
        if actor is not None and actor != data["pegawai"]:
            yield Finding(
                ("status", index, "oleh"),
                f"Status {entry['status']} dilakukan oleh {actor}, "
                f"bukan oleh pegawai {data['pegawai']}.",
                f'Isi `oleh: "{data["pegawai"]}"`.',
            )
