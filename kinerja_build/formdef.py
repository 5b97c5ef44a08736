"""Form definitions: one per record kind, designed after the official forms.

The app (`kinerja serve`) renders these as server-side HTML forms and reads submissions back
through them; the static site's json-editor forms take their labels and choice names from them
too, so a field is called the same everywhere. A definition says *how a person fills* a record
(steps, labels, widgets, where choices come from); the JSON Schema still says what is *valid*,
and `required`, lengths and numeric bounds are read from it, never repeated here.

Field paths are the record's own keys joined by dots; `Repeat` marks a list of objects whose
rows are numbered in the submitted names (`pengembangan_kompetensi.0.kegiatan`). This module is
pure data and small functions: no web framework, no Jinja.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from kinerja_build import domain
from kinerja_build.layout import RecordKind

Widget = Literal["text", "textarea", "date", "select", "radio", "checkboxes", "lines", "number"]


@dataclass(frozen=True, slots=True)
class Field:
    """One input: `key` inside its group, an Indonesian label, and how it is entered."""

    key: str
    label: str
    widget: Widget = "text"
    choices: str | None = None  # a source name understood by `choices()`
    help: str = ""  # shown between the label and the input, never under it


@dataclass(frozen=True, slots=True)
class Group:
    """A nested object (`key`) shown as a fieldset; key "" keeps its fields at the parent level."""

    key: str
    title: str
    items: tuple[Item, ...]
    help: str = ""


@dataclass(frozen=True, slots=True)
class Repeat:
    """A list of objects: one row per existing entry plus one empty row to add another."""

    key: str
    title: str
    row_title: str
    items: tuple[Item, ...]
    help: str = ""


Item = Field | Group | Repeat


@dataclass(frozen=True, slots=True)
class Step:
    """A numbered section of a form (the PMM's steps, the cycle's A–E)."""

    title: str
    items: tuple[Item, ...]
    help: str = ""


@dataclass(frozen=True, slots=True)
class Form:
    kind: str
    title: str
    intro: str
    steps: tuple[Step, ...]
    numbered: bool = True  # False when the step titles carry their own letters (A–E)

    @property
    def per_periode(self) -> bool:
        """Whether the record is kept per periode (layout.py says where)."""
        return RecordKind(self.kind).per_periode

    def fields(self) -> Iterator[tuple[str, Field]]:
        """Every field with its path pattern (`*` for a repeated row)."""
        for step in self.steps:
            yield from _walk(step.items, "")


def _walk(items: Sequence[Item], prefix: str) -> Iterator[tuple[str, Field]]:
    for item in items:
        path = f"{prefix}{item.key}" if item.key else prefix.rstrip(".")
        if isinstance(item, Field):
            yield path, item
        elif isinstance(item, Group):
            yield from _walk(item.items, f"{path}." if path else "")
        else:
            yield from _walk(item.items, f"{path}.*.")


# -- labels of choices that the domain tables do not name -------------------------------------

# The domain module names the ratings, predikat, tingkat observasi, kategori and jenjang; these
# are the remaining controlled vocabularies of the schemas, with the words of the official forms.
CHOICE_LABELS: dict[str, dict[str, str]] = {
    "rating": domain.RATING_LABELS,
    "predikat": domain.PREDIKAT_LABELS,
    "capaian_organisasi": domain.CAPAIAN_ORGANISASI_LABELS,
    "tingkat_observasi": domain.TINGKAT_OBSERVASI_LABELS,
    "kategori_pengembangan": domain.KATEGORI_PENGEMBANGAN_LABELS,
    "status_kepegawaian": domain.STATUS_KEPEGAWAIAN_LABELS,
    "jenjang_jabatan": domain.JENJANG_LABELS,
    "cara_observasi": {
        "langsung": "Observasi langsung di kelas",
        "tidak_langsung": "Observasi tidak langsung (rekaman)",
        "catatan_mandiri": "Catatan mandiri",
    },
    "jenis_kelamin": {"L": "Laki-laki", "P": "Perempuan"},
    "peran": {"guru": "Guru", "kepala_sekolah": "Kepala sekolah"},
    "jenis_ptk": {
        "guru_mapel": "Guru Mapel",
        "guru_kelas": "Guru Kelas",
        "guru_bk": "Guru BK",
        "guru_pengganti": "Guru Pengganti",
        "guru_tik": "Guru TIK",
        "guru_pendamping": "Guru Pendamping",
        "guru_pendamping_khusus": "Guru Pendamping Khusus",
        "guru_pembimbing_khusus": "Guru Pembimbing Khusus",
        "play_group_teacher": "Guru Kelompok Bermain",
        "kindergarten_teacher": "Guru TK",
        "kepala_sekolah": "Kepala Sekolah",
        "tenaga_kependidikan": "Tenaga Kependidikan",
        "lainnya": "Lainnya",
    },
    "jenjang_sekolah": {
        "paud": "PAUD",
        "sd": "SD",
        "smp": "SMP",
        "sma": "SMA",
        "smk": "SMK",
        "slb": "SLB",
    },
    "status_sekolah": {"negeri": "Negeri", "swasta": "Swasta"},
    "status_kepala": {
        "definitif": "Kepala sekolah definitif",
        "plt": "Pelaksana tugas (Plt)",
        "kosong": "Kosong (tidak ada kepala sekolah maupun Plt)",
    },
    "jenis_bukti": {
        "sertifikat": "Sertifikat",
        "laporan": "Laporan",
        "sk": "SK",
        "surat_tugas": "Surat tugas",
        "artikel": "Artikel",
        "foto": "Foto",
        "lainnya": "Lainnya",
    },
    "golongan": {},  # filled below: the codes are the names (III/b, IX …)
}


# -- the forms --------------------------------------------------------------------------------


def _date(key: str, label: str = "Tanggal", help: str = "") -> Field:
    return Field(key, label, "date", help=help)


def _sk(label: str = "SK / surat tugas") -> Group:
    return Group("sk", label, (Field("nomor", "Nomor SK"), _date("tanggal", "Tanggal SK")))


_BUKTI = Repeat(
    "bukti",
    "Bukti dukung",
    "Bukti",
    (
        Field("jenis", "Jenis bukti", "select", "jenis_bukti"),
        Field(
            "berkas", "Jalur berkas di repositori", help="Mis. records/bukti/2024-1/sertifikat.pdf"
        ),
        Field("tautan", "Tautan (https://…)"),
        Field("keterangan", "Keterangan"),
    ),
    help="Isi jalur berkas atau tautan untuk setiap bukti.",
)

_KUNCI_SSH = Field(
    "kunci_ssh",
    "Kunci SSH untuk tanda tangan persetujuan",
    "lines",
    help="Satu kunci publik per baris, persis isi berkas .pub (mis. ssh-ed25519 AAAA… nama@laptop).",
)

_PEJABAT = (
    Field("nama", "Nama lengkap dengan gelar"),
    Field("nip", "NIP"),
    _KUNCI_SSH,
    Field("pangkat_golongan", "Pangkat/golongan ruang", "select", "golongan"),
    Field("jabatan", "Nama jabatan"),
    Field("unit_kerja", "Unit kerja"),
)

RENCANA = Form(
    "rencana",
    "Rencana kinerja (SKP)",
    "Susun rencana seperti di Platform Merdeka Mengajar: pilih satu indikator praktik kinerja, "
    "rencanakan pengembangan kompetensi, catat tugas tambahan dan perilaku kerja, lalu periksa "
    "rangkumannya sebelum diajukan kepada atasan.",
    (
        Step(
            "Indikator praktik kinerja",
            (
                Group(
                    "praktik_kinerja",
                    "",
                    (
                        Field("indikator", "Indikator yang dipilih", "select", "indikator"),
                        Field("alasan", "Alasan memilih indikator", "textarea"),
                        Field("target", "Target perubahan praktik", "textarea"),
                    ),
                ),
            ),
            "Guru memilih satu indikator Rapor Pendidikan (D1), kepala sekolah satu indikator "
            "kepemimpinan pembelajaran (D3).",
        ),
        Step(
            "Pengembangan kompetensi",
            (
                Repeat(
                    "pengembangan_kompetensi",
                    "Rencana pengembangan kompetensi",
                    "Kegiatan",
                    (
                        Field("kegiatan", "Kegiatan / rencana hasil kerja"),
                        Field("indikator_kompetensi", "Indikator kompetensi yang dikembangkan"),
                        Field("kategori", "Kategori", "select", "kategori_pengembangan"),
                        Field(
                            "id",
                            "Kode kegiatan",
                            help="Huruf kecil, angka, tanda hubung (mis. pk-1); laporan "
                            "pengembangan kompetensi merujuk kode ini.",
                        ),
                        Field("poin", "Poin (hanya periode 2024)", "number"),
                    ),
                    "2025 dan sesudahnya: minimal satu indikator kompetensi, tanpa poin.",
                ),
            ),
        ),
        Step(
            "Tugas tambahan",
            (
                Repeat(
                    "tugas_tambahan",
                    "Tugas tambahan",
                    "Tugas tambahan",
                    (
                        Field("jenis", "Jenis tugas tambahan", "select", "tugas_tambahan"),
                        Field("uraian", "Uraian"),
                        _sk(),
                    ),
                    "Kosongkan bila tidak ada. Setiap tugas tambahan didukung SK atau surat tugas.",
                ),
            ),
        ),
        Step(
            "Perilaku kerja",
            (
                Field(
                    "perilaku_kerja",
                    "Nilai BerAKHLAK yang ingin ditingkatkan",
                    "checkboxes",
                    "berakhlak",
                ),
            ),
        ),
    ),
)

SIKLUS = Form(
    "siklus",
    "Siklus peningkatan kinerja",
    "Catat langkah A sampai E berurutan. Langkah yang belum terjadi dibiarkan kosong.",
    (
        Step(
            "A. Diskusi persiapan",
            (
                Group(
                    "a_diskusi_persiapan",
                    "",
                    (
                        _date("tanggal"),
                        Field(
                            "fokus_perilaku",
                            "Fokus perilaku yang disepakati",
                            "lines",
                            help="Satu fokus perilaku per baris.",
                        ),
                        _date("jadwal_observasi", "Jadwal observasi yang disepakati"),
                        Field("catatan", "Catatan", "textarea"),
                    ),
                ),
            ),
        ),
        Step(
            "B. Observasi kinerja (Formulir B)",
            (
                Group(
                    "b_observasi",
                    "",
                    (
                        _date("tanggal", "Hari/tanggal observasi"),
                        Field("waktu", "Waktu", help="Mis. 07.30–09.00"),
                        Field("tempat", "Tempat"),
                        Field("tujuan", "Tujuan observasi", "textarea"),
                        Field("cara", "Cara observasi", "radio", "cara_observasi"),
                        Field("pengamat", "Pengamat (kepala sekolah)", "select", "pegawai"),
                        Repeat(
                            "hasil",
                            "Hasil per fokus perilaku",
                            "Fokus perilaku",
                            (
                                Field(
                                    "fokus_perilaku", "Fokus perilaku", "select", "fokus_perilaku"
                                ),
                                Field("tingkat", "Hasil observasi", "radio", "tingkat_observasi"),
                                Field("catatan", "Catatan", "textarea"),
                            ),
                        ),
                        Field("rekomendasi", "Rekomendasi tindak lanjut", "textarea"),
                    ),
                ),
            ),
            "Observasi menetapkan titik awal praktik, bukan penilaian.",
        ),
        Step(
            "C. Diskusi tindak lanjut",
            (
                Group(
                    "c_diskusi_tindak_lanjut",
                    "",
                    (
                        _date("tanggal"),
                        Field("refleksi", "Refleksi atas hasil observasi", "textarea"),
                        Field(
                            "rencana_tindak_lanjut",
                            "Rencana tindak lanjut dan dukungan",
                            "textarea",
                        ),
                    ),
                ),
            ),
        ),
        Step(
            "D. Upaya tindak lanjut",
            (
                Group(
                    "d_upaya_tindak_lanjut",
                    "",
                    (
                        _date("tanggal", "Tanggal mulai"),
                        Field(
                            "kegiatan",
                            "Kegiatan yang dilakukan",
                            "lines",
                            help="Satu kegiatan per baris.",
                        ),
                        Field("catatan", "Catatan", "textarea"),
                    ),
                ),
            ),
        ),
        Step(
            "E. Refleksi tindak lanjut",
            (
                Group(
                    "e_refleksi_tindak_lanjut",
                    "",
                    (
                        _date("tanggal"),
                        Field(
                            "refleksi",
                            "Refleksi: capaian, tantangan, rencana perbaikan",
                            "textarea",
                        ),
                        Field("capaian", "Capaian", "textarea"),
                        Field("tantangan", "Tantangan", "textarea"),
                        Field("rencana_perbaikan", "Rencana perbaikan", "textarea"),
                    ),
                ),
            ),
        ),
    ),
    numbered=False,
)

PENILAIAN = Form(
    "penilaian",
    "Penilaian kinerja",
    "Dua rating menentukan predikat lewat matriks; angka kredit dihitung untuk PNS.",
    (
        Step(
            "Pejabat penilai",
            (
                Field("penilai", "Pejabat penilai", "select", "penilai"),
                _date("tanggal", "Tanggal penilaian"),
            ),
        ),
        Step(
            "Rating",
            (
                Field(
                    "rating_hasil_kerja", "Rating hasil kerja (praktik kinerja)", "radio", "rating"
                ),
                Field("rating_perilaku_kerja", "Rating perilaku kerja", "radio", "rating"),
                Field(
                    "predikat",
                    "Predikat kinerja",
                    "select",
                    "predikat",
                    "Boleh dikosongkan: predikat dihitung dari kedua rating.",
                ),
                Field(
                    "capaian_kinerja_organisasi",
                    "Capaian kinerja organisasi",
                    "select",
                    "capaian_organisasi",
                ),
            ),
        ),
        Step(
            "Aspek hasil kerja",
            (
                Group(
                    "aspek_hasil_kerja",
                    "",
                    (
                        Field("upaya_refleksi", "Upaya refleksi", "textarea"),
                        Field("upaya_mempelajari", "Upaya mempelajari", "textarea"),
                        Field("perubahan_praktik", "Perubahan praktik", "textarea"),
                    ),
                ),
            ),
        ),
        Step(
            "Angka kredit dan catatan",
            (
                Group(
                    "angka_kredit",
                    "Konversi angka kredit (PNS saja)",
                    (
                        Field("bulan", "Jumlah bulan yang dinilai", "number"),
                        Field("nilai", "Angka kredit", "number"),
                    ),
                ),
                Field("catatan", "Catatan/rekomendasi", "textarea"),
            ),
        ),
    ),
)

PENGEMBANGAN = Form(
    "pengembangan-kompetensi",
    "Laporan pengembangan kompetensi",
    "Catat kegiatan yang sudah dilaksanakan. Sejak 2025 setiap kegiatan disertai refleksi tertulis.",
    (
        Step(
            "Kegiatan",
            (
                Repeat(
                    "kegiatan",
                    "Kegiatan pengembangan kompetensi",
                    "Kegiatan",
                    (
                        Field("judul", "Judul kegiatan"),
                        Field("rencana", "Kode kegiatan di rencana", "select", "rencana_kegiatan"),
                        Field("kategori", "Kategori", "select", "kategori_pengembangan"),
                        _date("tanggal", "Tanggal mulai"),
                        _date("tanggal_selesai", "Tanggal selesai"),
                        Field("penyelenggara", "Penyelenggara"),
                        Field("refleksi", "Refleksi tertulis (wajib sejak 2025)", "textarea"),
                        _BUKTI,
                    ),
                ),
            ),
        ),
    ),
)

TUGAS = Form(
    "tugas",
    "Pelaksanaan tugas",
    "Laporan pelaksanaan tugas pokok (5M) dan tugas tambahan yang didukung SK.",
    (
        Step(
            "Tugas pokok",
            (
                Group(
                    "tugas_pokok",
                    "",
                    (
                        Field("merencanakan_pembelajaran", "Merencanakan pembelajaran", "textarea"),
                        Field("melaksanakan_pembelajaran", "Melaksanakan pembelajaran", "textarea"),
                        Field(
                            "menilai_hasil_pembelajaran", "Menilai hasil pembelajaran", "textarea"
                        ),
                        Field("membimbing_dan_melatih", "Membimbing dan melatih", "textarea"),
                        Field(
                            "melaksanakan_tugas_tambahan", "Melaksanakan tugas tambahan", "textarea"
                        ),
                    ),
                ),
            ),
        ),
        Step(
            "Tugas tambahan",
            (
                Repeat(
                    "tugas_tambahan",
                    "Tugas tambahan",
                    "Tugas tambahan",
                    (
                        Field("jenis", "Jenis tugas tambahan", "select", "tugas_tambahan"),
                        _sk(),
                        Field("laporan", "Laporan pelaksanaan", "textarea"),
                        _BUKTI,
                    ),
                ),
            ),
        ),
    ),
)

PEGAWAI = Form(
    "pegawai",
    "Data pegawai",
    "Identitas seperti di Dapodik dan SIASN. Nama file sama dengan NIP (ASN) atau ID non-ASN.",
    (
        Step(
            "Identitas",
            (
                Field("nama", "Nama lengkap dengan gelar"),
                Field("nip", "NIP", help="18 digit; wajib untuk PNS dan PPPK."),
                Field("nuptk", "NUPTK", help="16 digit."),
                Field("jenis_kelamin", "Jenis kelamin", "radio", "jenis_kelamin"),
                Field("tempat_lahir", "Tempat lahir"),
                _date("tanggal_lahir", "Tanggal lahir"),
                Field("pendidikan_terakhir", "Pendidikan terakhir"),
                Field("email", "Email belajar.id"),
            ),
        ),
        Step(
            "Kepegawaian",
            (
                Field("status_kepegawaian", "Status kepegawaian", "radio", "status_kepegawaian"),
                Field("pangkat_golongan", "Pangkat/golongan ruang", "select", "golongan"),
                _date("tmt_golongan", "TMT pangkat/golongan"),
                _date("tmt_cpns", "TMT CPNS"),
                Group(
                    "masa_kerja_golongan",
                    "Masa kerja golongan pada SK pangkat terakhir",
                    (Field("tahun", "Tahun", "number"), Field("bulan", "Bulan", "number")),
                    "Seperti tertulis pada SK kenaikan pangkat terakhir, per TMT golongan.",
                ),
                Field(
                    "jenjang_jabatan",
                    "Jenjang jabatan fungsional guru",
                    "select",
                    "jenjang_jabatan",
                ),
                Field("jabatan", "Nama jabatan", help="Mis. Guru Ahli Muda."),
                Field("jenis_ptk", "Jenis PTK (Dapodik)", "select", "jenis_ptk"),
                Field("peran", "Peran dalam PKG", "radio", "peran"),
                Field(
                    "mata_pelajaran", "Mata pelajaran yang diampu", "lines", help="Satu per baris."
                ),
                _date(
                    "mulai_bertugas",
                    "Mulai bertugas di sekolah ini",
                    "Kosongkan bila sudah bertugas sebelum periode pertama yang dicatat.",
                ),
                _date("selesai_bertugas", "Selesai bertugas di sekolah ini"),
                Field("siasn_id", "ID PNS di SIASN"),
                Field("github", "Nama pengguna GitHub"),
                _KUNCI_SSH,
            ),
        ),
    ),
)

SEKOLAH = Form(
    "sekolah",
    "Data sekolah",
    "Identitas satuan pendidikan, Dinas Pendidikan, dan riwayat kepala sekolah yang menentukan "
    "atasan setiap guru.",
    (
        Step(
            "Satuan pendidikan",
            (
                Field("npsn", "NPSN", help="8 karakter."),
                Field("nama", "Nama satuan pendidikan"),
                Field("jenjang", "Jenjang", "select", "jenjang_sekolah"),
                Field("status", "Status sekolah", "radio", "status_sekolah"),
                Field("unor", "Unit organisasi di SIASN"),
                Group(
                    "alamat",
                    "Alamat",
                    (
                        Field("jalan", "Jalan"),
                        Field("desa_kelurahan", "Desa/kelurahan"),
                        Field("kecamatan", "Kecamatan"),
                        Field("kabupaten_kota", "Kabupaten/kota"),
                        Field("provinsi", "Provinsi"),
                        Field("kode_pos", "Kode pos"),
                    ),
                ),
                Field("kota_penetapan", "Tempat penandatanganan dokumen"),
                Field(
                    "logo", "Logo sekolah", help="Jalur berkas PNG/JPG/SVG dari folder records/."
                ),
            ),
        ),
        Step(
            "Dinas Pendidikan",
            (
                Group(
                    "dinas",
                    "",
                    (
                        Field("nama", "Nama Dinas Pendidikan"),
                        Field(
                            "pemerintah",
                            "Pemerintah daerah (baris pertama kop Dinas)",
                            help="Mis. Pemerintah Kabupaten Sukamaju.",
                        ),
                        Field("alamat", "Alamat Dinas"),
                        Field(
                            "logo",
                            "Logo pemerintah daerah",
                            help="Jalur berkas PNG/JPG/SVG dari folder records/.",
                        ),
                        Group("kepala", "Kepala Dinas (pejabat penilai kepala sekolah)", _PEJABAT),
                        Group("atasan_kepala", "Atasan Kepala Dinas", _PEJABAT),
                        Group("pengawas", "Pengawas sekolah", _PEJABAT),
                    ),
                ),
            ),
        ),
        Step(
            "Riwayat kepala sekolah",
            (
                Repeat(
                    "kepala_sekolah",
                    "Riwayat kepala sekolah",
                    "Masa jabatan",
                    (
                        Field("status", "Status", "radio", "status_kepala"),
                        Field("pegawai", "Kepala sekolah", "select", "pegawai"),
                        _date("mulai", "Mulai menjabat"),
                        _date("selesai", "Selesai menjabat"),
                        _sk(),
                    ),
                    "Satu entri per masa jabatan, dari yang paling lama.",
                ),
            ),
        ),
    ),
)

FORMS: dict[str, Form] = {
    form.kind: form for form in (RENCANA, SIKLUS, PENILAIAN, PENGEMBANGAN, TUGAS, PEGAWAI, SEKOLAH)
}


# -- choices ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChoiceContext:
    """What the choice lists depend on: the school's reference data and people, the owner."""

    referensi: Mapping[str, Any]
    people: Mapping[str, str] = field(default_factory=dict)  # pegawai id → nama
    role: str | None = None  # the owner's peran: filters the indicators
    jenjang: str | None = None  # the school's jenjang: filters tugas tambahan
    officials: Sequence[tuple[str, str]] = ()  # (NIP, "Nama (jabatan)") of the Dinas
    plan_activities: Sequence[tuple[str, str]] = ()  # (id, kegiatan) of the person's plan
    focuses: Sequence[tuple[str, str]] = ()  # fokus perilaku of the plan's indicator

    # Sources that may be empty (no list for this indicator, no ids in the plan): then the
    # field is typed as text instead.
    OPTIONAL_SOURCES = ("fokus_perilaku", "rencana_kegiatan")


def choices(source: str, context: ChoiceContext) -> list[tuple[str, str]]:
    """(value, name) pairs for a choice source, in the order people expect them."""
    referensi = context.referensi
    if source == "indikator":
        keys = {"guru": ("indikator_guru",), "kepala_sekolah": ("indikator_kepala_sekolah",)}
        chosen = keys.get(context.role or "", ("indikator_guru", "indikator_kepala_sekolah"))
        return [(e["id"], e["nama"]) for key in chosen for e in referensi.get(key, [])]
    if source == "tugas_tambahan":
        return [
            (e["id"], e["nama"])
            for e in referensi.get("tugas_tambahan", [])
            if not context.jenjang or context.jenjang in e.get("jenjang", [context.jenjang])
        ]
    if source == "berakhlak":
        return [(key, entry["nama"]) for key, entry in referensi.get("berakhlak", {}).items()]
    if source == "pegawai":
        return [(pid, f"{nama} ({pid})") for pid, nama in context.people.items()]
    if source == "penilai":
        return [*choices("pegawai", context), *context.officials]
    if source == "fokus_perilaku":
        return list(context.focuses)
    if source == "rencana_kegiatan":
        return [(key, f"{name} ({key})") for key, name in context.plan_activities]
    if source == "golongan":
        return [(code, code) for code in _GOLONGAN]
    return list(CHOICE_LABELS[source].items())


_GOLONGAN = (
    *(f"{g}/{r}" for g in ("I", "II", "III") for r in "abcd"),
    *(f"IV/{r}" for r in "abcde"),
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX",
    "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII",
)  # fmt: skip


def choice_label(source: str, value: str, context: ChoiceContext) -> str:
    """The name of one value (the value itself when the list does not know it)."""
    return dict(choices(source, context)).get(value, value)


def periode_choices(existing: Sequence[str], today: dt.date) -> list[tuple[str, str]]:
    """The periodes a record can be filed under: those with folders, and this and next year."""
    ids = set(existing) | {str(today.year), str(today.year + 1)}
    result = []
    for periode_id in sorted(ids):
        try:
            periode = domain.parse_periode(periode_id)
        except domain.PeriodeError:
            continue
        result.append((periode_id, periode.label))
    return result


# -- dates as people write them ---------------------------------------------------------------

_DMY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")


def date_from_form(text: str) -> str:
    """dd/mm/yyyy (or ISO) as the record's ISO date; anything else is returned unchanged.

    An impossible date stays as typed so that the schema reports it at its field.
    """
    match = _DMY.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            return text.strip()
    iso = _ISO.match(text)
    return f"{iso[1]}-{iso[2]}-{iso[3]}" if iso else text.strip()


def date_for_form(value: Any) -> str:
    """A record's date (ISO text or a date) as dd/mm/yyyy."""
    day = value if isinstance(value, dt.date) else domain.parse_date(value)
    return day.strftime("%d/%m/%Y") if day else ("" if value is None else str(value))
