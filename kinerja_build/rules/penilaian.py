"""Rules for the assessment: ratings → predikat → angka kredit, and who may assess."""

from __future__ import annotations

from collections.abc import Iterator

from kinerja_build import domain
from kinerja_build.model import Assessment, Record, describe
from kinerja_build.rules import Context, Finding, record_rule


@record_rule(
    "KIN601",
    "predikat-matriks",
    "Predikat harus sama dengan matriks 3×3 dari kedua rating.",
    kind="penilaian",
)
def predikat_matriks(ctx: Context, record: Record, periode: domain.Periode) -> Iterator[Finding]:
    """Predikat kinerja pegawai ditentukan oleh kuadran rating hasil kerja × rating perilaku
    kerja (PermenPANRB 6/2022), bukan nilai terbesar atau rata-rata. Mis. hasil kerja di atas
    ekspektasi dengan perilaku di bawah ekspektasi = Kurang/Misconduct."""
    data = record.data
    expected = domain.predikat(data["rating_hasil_kerja"], data["rating_perilaku_kerja"])
    stated = data.get("predikat")
    if stated is not None and stated != expected:
        yield Finding(
            ("predikat",),
            f"Predikat tertulis {domain.PREDIKAT_LABELS[stated]}, tetapi matriks "
            f"memberi {domain.PREDIKAT_LABELS[expected]} untuk hasil kerja "
            f"{domain.RATING_LABELS[data['rating_hasil_kerja']]} dan perilaku "
            f"{domain.RATING_LABELS[data['rating_perilaku_kerja']]}.",
            f"Ubah menjadi `predikat: {expected}`, atau hapus kolom ini agar dihitung otomatis.",
        )


@record_rule(
    "KIN602",
    "angka-kredit-hitung",
    "Angka kredit = bulan/12 × persentase predikat × koefisien jenjang.",
    kind="penilaian",
)
def angka_kredit_hitung(ctx: Context, record: Record, periode: domain.Periode) -> Iterator[Finding]:
    """PermenPANRB 1/2023 dan PerBKN 3/2023: persentase Sangat Baik 150%, Baik 100%, Butuh
    Perbaikan 75%, Kurang 50%, Sangat Kurang 25%; koefisien per tahun Ahli Pertama 12,5, Ahli
    Muda 25, Ahli Madya 37,5, Ahli Utama 50. Bulan bawaan: 6 untuk semester 2024, 12 untuk
    periode tahunan. Nilai tertulis dibandingkan pada jumlah desimal di data referensi."""
    data = record.data
    stated = data.get("angka_kredit")
    person = ctx.school.person(data["pegawai"])
    if stated is None or person is None or person["status_kepegawaian"] != "pns":
        return
    assessment = Assessment(data, periode, person)
    if assessment.ak_months > periode.months:
        yield Finding(
            ("angka_kredit", "bulan"),
            f"{assessment.ak_months} bulan melebihi lama periode ({periode.months} bulan).",
            f"Isi paling banyak {periode.months}.",
        )
        return
    ak = assessment.angka_kredit
    if ak is None:
        return  # no coefficient for the jenjang: KIN604 reports it
    exact = ak.exact
    if not domain.ak_matches(stated["nilai"], exact):
        yield Finding(
            ("angka_kredit", "nilai"),
            f"Angka kredit tertulis {stated['nilai']}, hasil hitung {ak.value} "
            f"({ak.months}/12 × {ak.percent}% × {ak.coefficient}).",
            f"Ubah menjadi `nilai: {domain.round_ak(exact)}`, atau hapus `angka_kredit` agar dihitung.",
        )


@record_rule("KIN603", "angka-kredit-non-pns", "Angka kredit hanya untuk PNS.", kind="penilaian")
def angka_kredit_non_pns(
    ctx: Context, record: Record, periode: domain.Periode
) -> Iterator[Finding]:
    """Konversi predikat ke angka kredit berlaku bagi PNS jabatan fungsional guru; PPPK dan
    non-ASN tidak memperoleh angka kredit."""
    data = record.data
    person = ctx.school.person(data["pegawai"])
    if "angka_kredit" in data and person is not None and person["status_kepegawaian"] != "pns":
        yield Finding(
            ("angka_kredit",),
            f"Pegawai berstatus {person['status_kepegawaian'].upper()} "
            "tidak memperoleh angka kredit.",
            "Hapus `angka_kredit`.",
            at_key=True,
        )


@record_rule(
    "KIN604",
    "jenjang-tanpa-koefisien",
    "Angka kredit memerlukan jenjang jabatan dengan koefisien.",
    kind="penilaian",
)
def jenjang_tanpa_koefisien(
    ctx: Context, record: Record, periode: domain.Periode
) -> Iterator[Finding]:
    """Tanpa jenjang jabatan (Ahli Pertama–Utama) koefisien angka kredit tidak diketahui."""
    data = record.data
    person = ctx.school.person(data["pegawai"])
    if (
        "angka_kredit" in data
        and person is not None
        and person["status_kepegawaian"] == "pns"
        and person.get("jenjang_jabatan") not in domain.KOEFISIEN
    ):
        yield Finding(
            ("angka_kredit",),
            "Angka kredit tidak dapat dihitung: jenjang jabatan pegawai belum diisi.",
            "Isi `jenjang_jabatan` di data pegawai.",
        )


@record_rule(
    "KIN315",
    "penilai-bukan-atasan",
    "Penilai adalah atasan pada tanggal penilaian (kepala sekolah; Kepala Dinas untuk kepala sekolah).",
    kind="penilaian",
)
def penilai_atasan(ctx: Context, record: Record, periode: domain.Periode) -> Iterator[Finding]:
    """Pejabat penilai kinerja guru adalah kepala sekolahnya (definitif atau Plt); pejabat
    penilai kepala sekolah adalah Kepala Dinas Pendidikan. Tanpa atasan, penilaian tidak sah."""
    data = record.data
    day = domain.parse_date(data["tanggal"])
    atasan = ctx.school.atasan(data["pegawai"], day) if day else None
    if atasan is None:
        return
    if atasan.status == "kosong":
        yield Finding(
            ("penilai",),
            "Data atasan tidak ditemukan pada tanggal penilaian.",
            "Catat kepala sekolah definitif atau Plt di records/sekolah.yaml.",
        )
    elif data["penilai"] != atasan.id:
        yield Finding(
            ("penilai",),
            f"Penilai {data['penilai']} bukan atasan pegawai; yang berwenang: {describe(atasan)}.",
            f'Isi `penilai: "{atasan.id}"`.',
        )
