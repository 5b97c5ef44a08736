"""Rules for carrying out the plan: the improvement cycle A–E, competency development, evidence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import PurePosixPath
from typing import Any

from kinerja_build import domain
from kinerja_build.layout import PERIOD_KINDS, RecordKind
from kinerja_build.load import is_inside
from kinerja_build.model import IdentityKind, Plan, Record, RecordFile
from kinerja_build.rules import (
    REGIME_2024,
    REGIME_2025_ON,
    Context,
    Finding,
    person_rule,
    record_rule,
)

STEPS = tuple((step.key, step.title) for step in domain.CYCLE_STEPS)
# The records of carrying the plan out: every period kind after the plan itself.
EXECUTION_KINDS = tuple(kind for kind in PERIOD_KINDS if kind is not RecordKind.RENCANA)


@record_rule(
    "KIN501",
    "urutan-langkah",
    "Langkah siklus A–E diisi berurutan, tanpa melompati langkah.",
    kind="siklus",
)
def urutan_langkah(ctx: Context, record: Record, periode: domain.Periode) -> Iterator[Finding]:
    """Siklus peningkatan kinerja: A diskusi persiapan → B observasi → C diskusi tindak lanjut →
    D upaya tindak lanjut → E refleksi tindak lanjut. Langkah yang belum terjadi dihilangkan,
    tetapi sebuah langkah tidak boleh ada bila langkah sebelumnya belum ada."""
    data = record.data
    missing: str | None = None
    for key, label in STEPS:
        if key not in data:
            missing = missing or label
        elif missing:
            yield Finding(
                (key,),
                f"Langkah {label} sudah diisi, padahal {missing} belum ada.",
                f"Lengkapi {missing} terlebih dahulu.",
                at_key=True,
            )


@record_rule(
    "KIN502",
    "tanggal-langkah",
    "Tanggal langkah siklus tidak boleh mundur (A ≤ B ≤ C ≤ D ≤ E).",
    kind="siklus",
)
def tanggal_langkah(ctx: Context, record: Record, periode: domain.Periode) -> Iterator[Finding]:
    """Setiap langkah terjadi pada atau sesudah langkah sebelumnya."""
    data = record.data
    previous: tuple[dt.date, str] | None = None
    for key, label in STEPS:
        if key not in data:
            continue
        day = domain.parse_date(data[key]["tanggal"])
        if day is None:
            continue
        if previous is not None and day < previous[0]:
            yield Finding(
                (key, "tanggal"),
                f"{label} bertanggal {day.isoformat()}, lebih awal dari "
                f"{previous[1]} ({previous[0].isoformat()}).",
                "Periksa tanggal langkah-langkah siklus.",
            )
        previous = (day, label)


@person_rule(
    "KIN503",
    "fokus-perilaku",
    "Fokus perilaku observasi harus milik indikator praktik kinerja di rencana.",
)
def fokus_perilaku(
    ctx: Context, periode: domain.Periode, owner: str, records: Mapping[str, RecordFile]
) -> Iterator[Finding]:
    """Setiap indikator punya beberapa fokus perilaku (dengan perilaku yang dianjurkan dan
    dihindari). Bila data referensi memuat daftar fokus untuk indikator yang dipilih, hasil
    observasi hanya boleh memakai fokus dari daftar itu (ID atau namanya)."""
    siklus = records.get("siklus")
    rencana = records.get("rencana")
    if siklus is None or siklus.data is None or rencana is None or rencana.data is None:
        return
    observation = siklus.data.get("b_observasi")
    if observation is None:
        return
    indicator_id = rencana.data["praktik_kinerja"]["indikator"]
    indicator = ctx.indicators_for(ctx.school.role(owner)).get(indicator_id)
    focuses = indicator.get("fokus_perilaku") if indicator else None
    if not focuses:
        return
    accepted = {f["id"] for f in focuses} | {f["nama"].casefold() for f in focuses}
    for index, result in enumerate(observation["hasil"]):
        focus = result["fokus_perilaku"]
        if focus not in accepted and focus.casefold() not in accepted:
            yield Finding(
                ("b_observasi", "hasil", index, "fokus_perilaku"),
                f'Fokus perilaku "{focus}" bukan bagian dari indikator `{indicator_id}`.',
                f"Pilihan: {', '.join(f['id'] for f in focuses)}.",
                file=siklus.rel,
            )


@person_rule(
    "KIN504",
    "refleksi-sebelum-penilaian",
    "Penilaian baru boleh setelah langkah E (refleksi tindak lanjut).",
)
def refleksi_sebelum_penilaian(
    ctx: Context, periode: domain.Periode, owner: str, records: Mapping[str, RecordFile]
) -> Iterator[Finding]:
    """Rating hasil kerja dinilai dari upaya refleksi (C dan E), upaya mempelajari (D, E) dan
    perubahan praktik (E). Karena itu penilaian memerlukan refleksi tindak lanjut yang sudah
    terjadi pada atau sebelum tanggal penilaian."""
    penilaian = records.get("penilaian")
    if penilaian is None or penilaian.data is None:
        return
    siklus = records.get("siklus")
    step_e = siklus.data.get("e_refleksi_tindak_lanjut") if siklus and siklus.data else None
    if step_e is None:
        yield Finding(
            ("tanggal",),
            "Penilaian ditulis sebelum siklus selesai: langkah E (refleksi tindak lanjut) belum ada.",
            "Lengkapi siklus.yaml sampai e_refleksi_tindak_lanjut, atau tunda penilaian.",
            file=penilaian.rel,
        )
        return
    assessed = domain.parse_date(penilaian.data["tanggal"])
    reflected = domain.parse_date(step_e["tanggal"])
    if assessed and reflected and assessed < reflected:
        yield Finding(
            ("tanggal",),
            f"Tanggal penilaian {assessed.isoformat()} lebih awal dari refleksi tindak lanjut "
            f"({reflected.isoformat()}).",
            "Penilaian dilakukan sesudah langkah E.",
            file=penilaian.rel,
        )


@person_rule(
    "KIN505",
    "pelaksanaan-sebelum-sepakat",
    "Pelaksanaan dan penilaian hanya setelah rencana disepakati.",
)
def pelaksanaan_setelah_sepakat(
    ctx: Context, periode: domain.Periode, owner: str, records: Mapping[str, RecordFile]
) -> Iterator[Finding]:
    """Rencana yang belum berstatus disepakati belum dapat dilaksanakan, dinilai, maupun
    disinkronkan ke e-Kinerja. Langkah A siklus juga tidak boleh mendahului tanggal disepakati."""
    rencana = records.get("rencana")
    if rencana is not None and rencana.data is None:
        return  # the plan itself is broken; its own diagnostics say why
    agreed = Plan(rencana.data).agreed_on if rencana is not None and rencana.data else None
    for kind in EXECUTION_KINDS:
        record = records.get(kind)
        if record is None or record.data is None:
            continue
        if agreed is None:
            reason = "belum ada rencana" if rencana is None else "rencana belum disepakati"
            yield Finding(
                (),
                f"Catatan {kind} ada, tetapi {reason}.",
                "Selesaikan perencanaan (sampai disepakati) sebelum pelaksanaan.",
                file=record.rel,
            )
        elif kind is RecordKind.SIKLUS and "a_diskusi_persiapan" in record.data:
            day = domain.parse_date(record.data["a_diskusi_persiapan"]["tanggal"])
            if day is not None and day < agreed:
                yield Finding(
                    ("a_diskusi_persiapan", "tanggal"),
                    f"Diskusi persiapan ({day.isoformat()}) "
                    f"mendahului tanggal rencana disepakati ({agreed.isoformat()}).",
                    "Periksa tanggalnya.",
                    file=record.rel,
                )


@record_rule(
    "KIN314",
    "pengamat-bukan-atasan",
    "Observasi guru dilakukan oleh kepala sekolahnya (atau Plt).",
    kind="siklus",
)
def pengamat_atasan(ctx: Context, record: Record, periode: domain.Periode) -> Iterator[Finding]:
    """Kepala sekolah (definitif atau Plt) mengobservasi guru. Observasi kepala sekolah
    dilakukan Kepala Dinas atau pengawas sebagai tim kerja (NIP di sekolah.yaml). Selama sekolah
    tidak punya kepala sekolah definitif maupun Plt, tidak ada observasi yang sah."""
    data = record.data
    observation = data.get("b_observasi")
    day = domain.parse_date(observation["tanggal"]) if observation else None
    if observation is None or day is None:
        return
    atasan = ctx.school.atasan(data["pegawai"], day)
    if atasan is None:
        return
    if not atasan.acts:
        yield Finding(
            ("b_observasi", "tanggal"),
            f"Data atasan tidak ditemukan: pada {domain.tanggal_indonesia(day)} sekolah tidak "
            "punya kepala sekolah definitif maupun Plt, jadi tidak ada yang berwenang mengobservasi.",
            "Catat kepala sekolah definitif atau Plt di records/sekolah.yaml, lalu lakukan "
            "observasi setelah tanggal itu.",
        )
        return
    allowed = {atasan.id}
    if atasan.status == "dinas":
        # The Dinas may send its pengawas as tim kerja to observe a KS.
        pengawas = ctx.school.identify(observation["pengamat"])
        if pengawas.kind is IdentityKind.PENGAWAS:
            allowed.add(pengawas.id)
    if observation["pengamat"] not in allowed:
        yield Finding(
            ("b_observasi", "pengamat"),
            f"Pengamat {observation['pengamat']} bukan atasan pegawai pada tanggal observasi.",
            f'Isi `pengamat: "{atasan.id}"`.',
        )


@record_rule(
    "KIN406",
    "refleksi-wajib",
    "2025+: setiap kegiatan pengembangan kompetensi punya refleksi tertulis.",
    regimes=REGIME_2025_ON,
    kind="pengembangan-kompetensi",
)
def refleksi_wajib(ctx: Context, record: Record, periode: domain.Periode) -> Iterator[Finding]:
    """Sejak 2025 bukti tidak diunggah; sebagai gantinya setiap kegiatan wajib punya refleksi
    tertulis (bebas format) tentang apa yang dipelajari dan diterapkan."""
    data = record.data
    for index, entry in enumerate(data["kegiatan"]):
        if not str(entry.get("refleksi", "")).strip():
            yield Finding(
                ("kegiatan", index),
                f'Kegiatan "{entry["judul"]}" belum punya refleksi tertulis.',
                "Tambahkan `refleksi: …` berisi apa yang dipelajari dan bagaimana diterapkan.",
            )


@record_rule(
    "KIN407",
    "bukti-2024",
    "2024: setiap kegiatan pengembangan kompetensi punya bukti dukung.",
    regimes=REGIME_2024,
    kind="pengembangan-kompetensi",
)
def bukti_2024(ctx: Context, record: Record, periode: domain.Periode) -> Iterator[Finding]:
    """Perdirjen 7607/2023: setiap rencana hasil kerja pengembangan kompetensi dibuktikan dengan
    bukti dukung (sertifikat, laporan, …) yang diunggah. Sejak 2025 tidak ada unggahan."""
    data = record.data
    for index, entry in enumerate(data["kegiatan"]):
        if not entry.get("bukti"):
            yield Finding(
                ("kegiatan", index),
                f'Kegiatan "{entry["judul"]}" belum punya bukti dukung.',
                "Tambahkan `bukti: [{jenis: sertifikat, berkas: bukti/…}]` atau tautan https.",
            )


def _evidence(data: dict[str, Any], kind: str) -> Iterator[tuple[tuple[str | int, ...], str]]:
    groups = (
        data.get("kegiatan", [])
        if kind == "pengembangan-kompetensi"
        else data.get("tugas_tambahan", [])
    )
    key = "kegiatan" if kind == "pengembangan-kompetensi" else "tugas_tambahan"
    for index, entry in enumerate(groups):
        for number, proof in enumerate(entry.get("bukti", [])):
            if "berkas" in proof:
                yield (key, index, "bukti", number, "berkas"), proof["berkas"]


@person_rule("KIN415", "berkas-bukti", "Berkas bukti harus ada di dalam repositori sekolah.")
def berkas_bukti(
    ctx: Context, periode: domain.Periode, owner: str, records: Mapping[str, RecordFile]
) -> Iterator[Finding]:
    """Jalur `berkas` dibaca relatif dari akar repositori. Jalur absolut, jalur yang keluar
    dari repositori (`../`), atau berkas yang tidak ada ditolak: dokumen resmi tidak boleh
    merujuk berkas yang tidak ikut tersimpan di git."""
    root = ctx.school.root
    for kind in ("pengembangan-kompetensi", "tugas"):
        record = records.get(kind)
        if record is None or record.data is None:
            continue
        for path, text in _evidence(record.data, kind):
            pure = PurePosixPath(text.replace("\\", "/"))
            if (
                pure.is_absolute()
                or ".." in pure.parts
                or ":" in text
                or not is_inside(root, root / pure)
            ):
                yield Finding(
                    path,
                    f"Jalur bukti `{text}` menunjuk ke luar repositori.",
                    "Simpan bukti di dalam repositori (mis. bukti/2024-1/…) dan tulis jalurnya "
                    "relatif dari akar repositori.",
                    file=record.rel,
                )
            elif not (root / pure).is_file():
                yield Finding(
                    path,
                    f"Berkas bukti `{text}` tidak ditemukan.",
                    "Periksa ejaan jalur dan pastikan berkasnya sudah di-commit.",
                    file=record.rel,
                )


@person_rule(
    "KIN416",
    "rujukan-rencana",
    "Kegiatan pengembangan kompetensi yang merujuk rencana harus merujuk ID yang ada di rencana.",
)
def rujukan_rencana(
    ctx: Context, periode: domain.Periode, owner: str, records: Mapping[str, RecordFile]
) -> Iterator[Finding]:
    """Kolom `rencana` pada kegiatan di pengembangan-kompetensi.yaml menghubungkan realisasi
    dengan rencana (`id` kegiatan di rencana.yaml), sehingga laporan dapat menunjukkan kegiatan
    mana yang sudah terlaksana. Rujukan ke ID yang tidak ada adalah salah ketik."""
    laporan = records.get("pengembangan-kompetensi")
    rencana = records.get("rencana")
    if laporan is None or laporan.data is None or rencana is None or rencana.data is None:
        return
    planned = {e["id"] for e in rencana.data["pengembangan_kompetensi"] if "id" in e}
    for index, entry in enumerate(laporan.data["kegiatan"]):
        ref = entry.get("rencana")
        if ref is not None and ref not in planned:
            choices = ", ".join(sorted(planned)) or "(rencana belum memberi `id` pada kegiatannya)"
            yield Finding(
                ("kegiatan", index, "rencana"),
                f"Kegiatan merujuk `{ref}`, yang tidak ada di rencana.",
                f"ID kegiatan di rencana: {choices}.",
                file=laporan.rel,
            )
