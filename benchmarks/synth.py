"""Synthetic school repositories for benchmarks and tests: valid, complete, deterministic.

    python benchmarks/synth.py OUT_DIR --sekolah 3 --guru 60 --periode 2024-1 2024-2 2025

writes OUT_DIR/sekolah-001/, OUT_DIR/sekolah-002/, … Each is a school repository of the same
shape as a real one: records/sekolah.yaml, one kepala sekolah and M teachers in records/pegawai/
(PNS Ahli Pertama/Muda/Madya, PPPK and a few non-ASN), and for every periode a complete set of
records per person — rencana (approved and agreed, with the plan's SHA-256), siklus A–E,
pengembangan-kompetensi, tugas and penilaian (predikat from the 3×3 matrix, angka kredit for PNS).
Every file starts with the `# yaml-language-server: $schema=…` modeline, and every school
validates clean (`kinerja validate` reports no errors and no warnings; non-ASN teachers give the
KIN305 info).

The same seed always gives byte-identical files. From Python:

    from benchmarks.synth import generate
    roots = generate(Path("out"), schools=2, teachers=10, periods=("2025",), seed=1)

Regulation facts (predikat matrix, angka kredit, plan fingerprint, reference lists) come from
`kinerja_build`, so the data follows the validator's single source of truth.
"""

from __future__ import annotations

import argparse
import datetime as dt
import enum
import hashlib
import json
import random
import shutil
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kinerja_build import domain, resources
from kinerja_build.rules.periode import window

try:
    from yaml import CSafeDumper as _Dumper
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]

DEFAULT_PERIODS = ("2024-1", "2024-2", "2025")
MARKER = ".synth.json"  # written last in each school root: parameters, and "this is synthetic"
GENERATOR_VERSION = 1
PERIOD_KINDS = ("rencana", "siklus", "pengembangan-kompetensi", "tugas", "penilaian")

# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------

NAMA_L = (
    "Agus", "Ahmad", "Andi", "Arif", "Bambang", "Budi", "Dedi", "Dimas", "Eko", "Fajar",
    "Hendra", "Imam", "Joko", "Kurniawan", "Lukman", "Muhammad", "Nur", "Rahmat", "Rudi",
    "Slamet", "Taufik", "Wahyu", "Yusuf", "Zainal",
)  # fmt: skip
NAMA_P = (
    "Ani", "Dewi", "Dian", "Endang", "Fitri", "Indah", "Kartika", "Lestari", "Maya", "Nurul",
    "Putri", "Ratna", "Rina", "Siti", "Sri", "Tuti", "Wulan", "Yanti", "Yuliana", "Zahra",
)  # fmt: skip
NAMA_BELAKANG = (
    "Wahyuni", "Marlina", "Susanti", "Hidayat", "Santoso", "Saputra", "Pratama", "Setiawan",
    "Handayani", "Rahayu", "Kusuma", "Nugroho", "Siregar", "Nasution", "Lubis", "Harahap",
    "Simanjuntak", "Pohan", "Wijaya", "Gunawan", "Permana", "Hakim", "Utami", "Puspita",
)  # fmt: skip
GELAR = ("S.Pd.", "S.Pd.", "S.Pd.", "M.Pd.", "S.Si.", "S.Pd.I.", "S.Kom.", "S.Pd., M.Pd.")
KOTA = ("Sukamaju", "Sukamakmur", "Cibening", "Tanjung Sari", "Bukit Indah", "Karangrejo")
MAPEL_SD = ("Pendidikan Agama Islam", "PJOK", "Bahasa Inggris")
MAPEL = (
    "Matematika", "Bahasa Indonesia", "Bahasa Inggris", "IPA", "IPS", "PPKn", "Seni Budaya",
    "PJOK", "Informatika", "Pendidikan Agama Islam", "Prakarya",
)  # fmt: skip
FOKUS_UMUM = (
    "Memberi umpan balik yang spesifik",
    "Mengajukan pertanyaan pemantik",
    "Mengelola transisi antarkegiatan",
    "Menyapa murid secara personal",
    "Menyampaikan tujuan pembelajaran",
    "Memeriksa pemahaman murid",
)
KEGIATAN_PK = (
    ("pelatihan", "Pelatihan mandiri topik {topik} di Ruang GTK"),
    ("non_pelatihan", "Komunitas belajar sekolah: berbagi praktik {topik}"),
    ("pelatihan", "Lokakarya {topik} tingkat kabupaten"),
    ("kontribusi_komunitas", "Narasumber komunitas belajar tentang {topik}"),
    ("kontribusi_sumber_belajar", "Menyusun modul ajar {topik}"),
    ("non_pelatihan", "Observasi kelas rekan sejawat tentang {topik}"),
)
TOPIK = (
    "disiplin positif", "asesmen formatif", "pembelajaran berdiferensiasi", "umpan balik",
    "literasi membaca", "numerasi", "manajemen kelas", "kesejahteraan psikologis murid",
)  # fmt: skip
KALIMAT = (
    "Murid lebih tertib saat berpindah kegiatan dan waktu belajar efektif bertambah.",
    "Saya mencoba menyampaikan kesepakatan kelas di awal pertemuan dan menuliskannya di papan.",
    "Umpan balik tertulis pada lembar kerja membuat murid tahu langkah perbaikan berikutnya.",
    "Beberapa murid masih perlu pendampingan khusus ketika bekerja dalam kelompok.",
    "Rekan sejawat memberi masukan agar pertanyaan pemantik lebih terbuka.",
    "Hasil asesmen formatif dipakai untuk mengelompokkan murid sesuai kesiapan belajar.",
    "Kegiatan refleksi di akhir pelajaran membantu murid menyadari kemajuannya sendiri.",
    "Tantangan utama adalah waktu persiapan yang terbatas di tengah tugas administrasi.",
    "Perubahan paling terlihat pada keberanian murid bertanya dan menyampaikan pendapat.",
    "Saya akan melanjutkan praktik ini dan membagikannya di komunitas belajar sekolah.",
)
INDIKATOR_KOMPETENSI = (
    "Menerapkan disiplin positif di kelas",
    "Merancang asesmen formatif yang bermakna",
    "Memberi umpan balik yang konstruktif",
    "Mengelola kelas yang aman dan nyaman",
    "Menerapkan pembelajaran berdiferensiasi",
    "Memimpin komunitas belajar sekolah",
)
BERAKHLAK = (
    "berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif",
    "kolaboratif",
)  # fmt: skip

# --------------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Person:
    id: str
    nama: str
    gender: str  # "L" / "P"
    birth: dt.date
    status: str  # pns / pppk / non_asn
    peran: str  # guru / kepala_sekolah
    jenis_ptk: str
    jenjang: str | None = None
    golongan: str | None = None
    tmt: dt.date | None = None
    mapel: list[str] = field(default_factory=list)
    tugas_tambahan: list[str] = field(default_factory=list)


@dataclass(slots=True)
class School:
    index: int
    npsn: str
    nama: str
    jenjang: str
    kota: str
    kepala_dinas_nip: str
    pengawas_nip: str
    ks: Person
    teachers: list[Person]

    @property
    def people(self) -> list[Person]:
        return [self.ks, *self.teachers]


def _date_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _slug(text: str) -> str:
    return "-".join("".join(c for c in part.lower() if c.isalnum()) for part in text.split())


class _Ids:
    """Unique NIPs and non-ASN ids within one school."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def nip(self, birth: dt.date, tmt_year: int, month_code: str, gender: str) -> str:
        digit = "1" if gender == "L" else "2"
        while True:
            nip = f"{birth:%Y%m%d}{tmt_year:04d}{month_code}{digit}{self.rng.randint(1, 999):03d}"
            if nip not in self.used:
                self.used.add(nip)
                return nip

    def slug(self, nama: str) -> str:
        base = "non-asn-" + _slug(nama.split(",")[0])
        candidate, number = base, 2
        while candidate in self.used:
            candidate, number = f"{base}-{number}", number + 1
        self.used.add(candidate)
        return candidate


def _name(rng: random.Random, gender: str) -> str:
    first = rng.choice(NAMA_L if gender == "L" else NAMA_P)
    return f"{first} {rng.choice(NAMA_BELAKANG)}, {rng.choice(GELAR)}"


_PNS_GOLONGAN = {
    "ahli_pertama": ("III/a", "III/b"),
    "ahli_muda": ("III/c", "III/d"),
    "ahli_madya": ("IV/a", "IV/b", "IV/c"),
}


def _person(
    rng: random.Random, ids: _Ids, kind: str, jenjang_sekolah: str, first_year: int
) -> Person:
    """kind: ks, pns-ahli_pertama, pns-ahli_muda, pns-ahli_madya, pppk, non_asn."""
    gender = rng.choice("LP")
    nama = _name(rng, gender)
    if kind in ("ks", "pns-ahli_madya"):
        birth_years = (1966, 1978)
    elif kind == "pns-ahli_muda":
        birth_years = (1975, 1988)
    else:
        birth_years = (1985, 1998)
    birth = _date_between(rng, dt.date(birth_years[0], 1, 1), dt.date(birth_years[1], 12, 28))
    if jenjang_sekolah == "sd":
        jenis_ptk = "guru_kelas" if rng.random() < 0.75 else "guru_mapel"
        mapel = "Tematik" if jenis_ptk == "guru_kelas" else rng.choice(MAPEL_SD)
    else:
        jenis_ptk = "guru_bk" if rng.random() < 0.08 else "guru_mapel"
        mapel = "Bimbingan dan Konseling" if jenis_ptk == "guru_bk" else rng.choice(MAPEL)
    if kind == "non_asn":
        return Person(
            ids.slug(nama), nama, gender, birth, "non_asn", "guru", jenis_ptk, mapel=[mapel]
        )
    if kind == "pppk":
        tmt_year = rng.randint(max(2021, birth.year + 23), max(2021, first_year - 1))
        nip = ids.nip(birth, tmt_year, str(resources.referensi()["nip"]["kode_pppk"]), gender)
        golongan = "IX"
        return Person(
            nip, nama, gender, birth, "pppk", "guru", jenis_ptk, "ahli_pertama", golongan,
            dt.date(tmt_year, rng.choice((1, 3, 4)), 1), [mapel],
        )  # fmt: skip
    jenjang = "ahli_madya" if kind == "ks" else kind.removeprefix("pns-")
    tmt_year = min(birth.year + rng.randint(23, 29), first_year - 1)
    tmt_month = rng.choice((1, 3, 12))
    nip = ids.nip(birth, tmt_year, f"{tmt_month:02d}", gender)
    golongan = rng.choice(_PNS_GOLONGAN[jenjang])
    tmt_gol = _date_between(rng, dt.date(first_year - 4, 1, 1), dt.date(first_year - 1, 10, 1))
    tmt_gol = tmt_gol.replace(day=1)
    if kind == "ks":
        return Person(
            nip, nama, gender, birth, "pns", "kepala_sekolah", "kepala_sekolah", jenjang,
            golongan, tmt_gol,
        )  # fmt: skip
    return Person(
        nip, nama, gender, birth, "pns", "guru", jenis_ptk, jenjang, golongan, tmt_gol, [mapel]
    )


def _mix(rng: random.Random, teachers: int) -> list[str]:
    """Employment mix: ~55% PNS (Pertama/Muda/Madya), ~30% PPPK, ~15% non-ASN."""
    kinds = []
    for index in range(teachers):
        share = (index + rng.random()) / max(teachers, 1)
        if share < 0.18:
            kinds.append("pns-ahli_pertama")
        elif share < 0.37:
            kinds.append("pns-ahli_muda")
        elif share < 0.55:
            kinds.append("pns-ahli_madya")
        elif share < 0.85:
            kinds.append("pppk")
        else:
            kinds.append("non_asn")
    rng.shuffle(kinds)
    if teachers >= 3 and "non_asn" not in kinds:
        kinds[-1] = "non_asn"
    return kinds


def _tugas_tambahan_options(jenjang: str) -> list[str]:
    return [
        entry["id"]
        for entry in resources.referensi()["tugas_tambahan"]
        if not entry.get("jenjang") or jenjang in entry["jenjang"]
    ]


def make_school(index: int, teachers: int, periods: tuple[str, ...], seed: int) -> School:
    rng = random.Random(f"kinerja-synth:{seed}:{index}")
    ids = _Ids(rng)
    first_year = min(domain.parse_periode(p).year for p in periods)
    jenjang = ("sd", "smp", "sma", "smk")[(index - 1) % 4]
    kota = rng.choice(KOTA)
    label = {"sd": "SD", "smp": "SMP", "sma": "SMA", "smk": "SMK"}[jenjang]
    ks = _person(rng, ids, "ks", jenjang, first_year)
    staff = [_person(rng, ids, kind, jenjang, first_year) for kind in _mix(rng, teachers)]
    options = _tugas_tambahan_options(jenjang)
    for person in staff:
        if person.status != "non_asn" and rng.random() < 0.4:
            person.tugas_tambahan = rng.sample(options, k=1 if rng.random() < 0.8 else 2)
    outsiders = _Ids(random.Random(f"kinerja-synth-dinas:{seed}:{index}"))
    return School(
        index=index,
        npsn=f"{20100000 + (seed * 7919 + index * 104729) % 900000:08d}",
        nama=f"{label} Negeri {index} {kota}",
        jenjang=jenjang,
        kota=kota,
        kepala_dinas_nip=outsiders.nip(dt.date(1970, 1, 1 + index % 28), 1995, "03", "1"),
        pengawas_nip=outsiders.nip(dt.date(1972, 5, 1 + index % 28), 1998, "12", "2"),
        ks=ks,
        teachers=staff,
    )


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


def _text(rng: random.Random, sentences: int = 2) -> str:
    return " ".join(rng.sample(KALIMAT, k=sentences))


def _sekolah(school: School, ks_since: dt.date, rng: random.Random) -> dict[str, Any]:
    history: list[dict[str, Any]] = []
    if school.index % 3 == 0:  # some schools had a vacancy before the current KS
        history.append(
            {
                "status": "kosong",
                "mulai": ks_since - dt.timedelta(days=365),
                "selesai": ks_since - dt.timedelta(days=1),
            }
        )
    history.append(
        {
            "status": "definitif",
            "pegawai": school.ks.id,
            "mulai": ks_since,
            "sk": {
                "nomor": f"800/{rng.randint(100, 999)}/Disdik/{ks_since.year}",
                "tanggal": ks_since,
            },
        }
    )
    return {
        "npsn": school.npsn,
        "nama": school.nama,
        "jenjang": school.jenjang,
        "status": "negeri",
        "unor": school.nama,
        "kota_penetapan": school.kota,
        "alamat": {
            "jalan": f"Jl. Pendidikan No. {school.index}",
            "kecamatan": school.kota,
            "kabupaten_kota": f"Kabupaten {school.kota}",
            "provinsi": "Jawa Barat",
            "kode_pos": f"{40000 + school.index % 9999:05d}",
        },
        "dinas": {
            "nama": f"Dinas Pendidikan Kabupaten {school.kota}",
            "kepala": {
                "nama": "Drs. Haryanto, M.Pd.",
                "nip": school.kepala_dinas_nip,
                "pangkat_golongan": "IV/c",
                "jabatan": "Kepala Dinas Pendidikan",
            },
            "pengawas": {
                "nama": "Sri Mulyani, M.Pd.",
                "nip": school.pengawas_nip,
                "pangkat_golongan": "IV/b",
                "jabatan": "Pengawas Sekolah Ahli Madya",
            },
        },
        "kepala_sekolah": history,
    }


def _pegawai(person: Person, rng: random.Random) -> dict[str, Any]:
    data: dict[str, Any] = {"nama": person.nama}
    if person.status != "non_asn":
        data["nip"] = person.id
    data["nuptk"] = f"{rng.randint(10**15, 10**16 - 1)}"
    data["jenis_kelamin"] = person.gender
    data["tempat_lahir"] = rng.choice(KOTA)
    data["tanggal_lahir"] = person.birth
    data["status_kepegawaian"] = person.status
    if person.status != "non_asn":
        data["pangkat_golongan"] = person.golongan
        data["tmt_golongan"] = person.tmt
        data["jenjang_jabatan"] = person.jenjang
        assert person.jenjang is not None
        data["jabatan"] = f"Guru {domain.JENJANG_LABELS[person.jenjang]}"
    else:
        data["jabatan"] = "Guru Honorer Sekolah"
    data["jenis_ptk"] = person.jenis_ptk
    data["peran"] = person.peran
    if person.mapel:
        data["mata_pelajaran"] = person.mapel
    data["pendidikan_terakhir"] = "S2" if "M.Pd." in person.nama else "S1"
    first = _slug(person.nama.split(",")[0]).replace("-", ".")
    data["email"] = f"{first}{rng.randint(1, 99)}@guru.belajar.id"
    if rng.random() < 0.3:
        data["github"] = first.replace(".", "-") + str(rng.randint(1, 99))
    return data


@dataclass(slots=True)
class _Plan:
    agreed: dt.date
    kegiatan: list[dict[str, Any]]
    tugas_tambahan: list[dict[str, Any]]
    indikator: str


def _indicator(rng: random.Random, person: Person) -> dict[str, Any]:
    key = "indikator_kepala_sekolah" if person.peran == "kepala_sekolah" else "indikator_guru"
    entries: list[dict[str, Any]] = resources.referensi()[key]
    return dict(rng.choice(entries))


def _rencana(
    rng: random.Random,
    school: School,
    person: Person,
    periode: domain.Periode,
    atasan: str,
) -> tuple[dict[str, Any], _Plan]:
    indikator = _indicator(rng, person)
    semester = periode.regime.semester
    kegiatan: list[dict[str, Any]] = []
    count = rng.randint(2, 4) if semester else rng.randint(1, 3)
    points = _points(rng, count) if semester else []
    for number in range(count):
        kategori, template = rng.choice(KEGIATAN_PK)
        entry: dict[str, Any] = {
            "id": f"pk-{number + 1}",
            "kegiatan": template.format(topik=rng.choice(TOPIK)),
            "kategori": kategori,
        }
        if semester:
            entry["poin"] = points[number]
        else:
            entry["indikator_kompetensi"] = rng.choice(INDIKATOR_KOMPETENSI)
        kegiatan.append(entry)
    tugas = []
    for jenis in person.tugas_tambahan:
        tugas.append(
            {
                "jenis": jenis,
                "uraian": f"Melaksanakan tugas sebagai {jenis.replace('-', ' ')}",
                "sk": {
                    "nomor": f"421.3/{rng.randint(10, 99)}/{school.npsn}/{periode.year}",
                    "tanggal": periode.start - dt.timedelta(days=rng.randint(20, 40)),
                },
            }
        )
    plan: dict[str, Any] = {
        "pegawai": person.id,
        "periode": periode.id,
        "praktik_kinerja": {
            "indikator": indikator["id"],
            "alasan": _text(rng, 1),
            "target": _text(rng, 1),
        },
        "pengembangan_kompetensi": kegiatan,
    }
    if tugas:
        plan["tugas_tambahan"] = tugas
    plan["perilaku_kerja"] = rng.sample(BERAKHLAK, k=rng.randint(1, 3))
    # Approval history: draf → diajukan → (ditinjau_ulang → diajukan)? → disetujui → disepakati.
    day = periode.start - dt.timedelta(days=rng.randint(14, 28))
    status: list[dict[str, Any]] = []

    def step(name: str, actor: str, gap: tuple[int, int], **extra: Any) -> None:
        nonlocal day
        day = day + dt.timedelta(days=rng.randint(*gap))
        status.append({"status": name, "tanggal": day, "oleh": actor, **extra})

    if rng.random() < 0.7:
        step("draf", person.id, (0, 0))
    step("diajukan", person.id, (0, 3))
    if rng.random() < 0.2:
        step("ditinjau_ulang", atasan, (1, 4), catatan="Perjelas target perubahan praktik.")
        step("diajukan", person.id, (1, 3))
    fingerprint = domain.canonical_plan_hash(_plain(plan))
    step("disetujui", atasan, (1, 5), sha256=fingerprint)
    step("disepakati", person.id, (0, 3), sha256=fingerprint)
    plan["status"] = status
    return plan, _Plan(day, kegiatan, tugas, indikator["id"])


def _points(rng: random.Random, count: int) -> list[int]:
    """Per-activity points (2024), summing to 32–128."""
    while True:
        points = [rng.choice((8, 12, 16, 24, 32)) for _ in range(count)]
        if 32 <= sum(points) <= 128:
            return points


def _fokus(rng: random.Random, person: Person, indikator: str) -> list[str]:
    key = "indikator_kepala_sekolah" if person.peran == "kepala_sekolah" else "indikator_guru"
    for entry in resources.referensi()[key]:
        if entry["id"] == indikator and entry.get("fokus_perilaku"):
            focuses = [f["id"] for f in entry["fokus_perilaku"]]
            return rng.sample(focuses, k=min(len(focuses), rng.randint(1, 3)))
    return rng.sample(FOKUS_UMUM, k=rng.randint(1, 3))


def _siklus(
    rng: random.Random,
    person: Person,
    periode: domain.Periode,
    plan: _Plan,
    pengamat: str,
) -> tuple[dict[str, Any], dt.date]:
    scale = periode.months / 6
    span = (periode.end - plan.agreed).days

    def later(day: dt.date, low: int, high: int) -> dt.date:
        return day + dt.timedelta(days=rng.randint(int(low * scale), int(high * scale)))

    fokus = _fokus(rng, person, plan.indikator)
    a = later(max(plan.agreed, periode.start), 2, 10)
    b = later(a, 5, 15)
    c = later(b, 1, 4)
    d = later(c, 3, 10)
    e = min(later(d, 30, 60), plan.agreed + dt.timedelta(days=span - 7))
    data = {
        "pegawai": person.id,
        "periode": periode.id,
        "a_diskusi_persiapan": {
            "tanggal": a,
            "fokus_perilaku": fokus,
            "jadwal_observasi": b,
            "catatan": _text(rng, 1),
        },
        "b_observasi": {
            "tanggal": b,
            "waktu": rng.choice(("07.30–09.00", "09.15–10.35", "10.45–12.05")),
            "tempat": f"Ruang kelas {rng.randint(1, 9)}{rng.choice('ABCD')}",
            "tujuan": _text(rng, 1),
            "cara": rng.choice(("langsung", "langsung", "tidak_langsung")),
            "pengamat": pengamat,
            "hasil": [
                {
                    "fokus_perilaku": focus,
                    "tingkat": rng.choice(
                        ("belum_dilakukan", "dilakukan_belum_efektif", "dilakukan_efektif")
                    ),
                    "catatan": _text(rng, 1),
                }
                for focus in fokus
            ],
            "rekomendasi": _text(rng, 2),
        },
        "c_diskusi_tindak_lanjut": {
            "tanggal": c,
            "refleksi": _text(rng, 2),
            "rencana_tindak_lanjut": _text(rng, 1),
        },
        "d_upaya_tindak_lanjut": {
            "tanggal": d,
            "kegiatan": [
                template.format(topik=rng.choice(TOPIK))
                for _, template in rng.sample(KEGIATAN_PK, k=rng.randint(1, 3))
            ],
            "catatan": _text(rng, 1),
        },
        "e_refleksi_tindak_lanjut": {
            "tanggal": e,
            "refleksi": _text(rng, 2) + "\n" + _text(rng, 2),
            "capaian": _text(rng, 1),
            "tantangan": _text(rng, 1),
            "rencana_perbaikan": _text(rng, 1),
        },
    }
    return data, e


def _pengembangan(
    rng: random.Random, person: Person, periode: domain.Periode, plan: _Plan, until: dt.date
) -> dict[str, Any]:
    kegiatan = []
    for entry in plan.kegiatan:
        start = _date_between(rng, max(plan.agreed, periode.start), until)
        item: dict[str, Any] = {
            "rencana": entry["id"],
            "judul": entry["kegiatan"],
            "kategori": entry["kategori"],
            "tanggal": start,
        }
        if rng.random() < 0.5:
            item["tanggal_selesai"] = min(start + dt.timedelta(days=rng.randint(1, 5)), until)
        item["penyelenggara"] = rng.choice(
            ("Ruang GTK", "Komunitas belajar sekolah", "Dinas Pendidikan", "BBGP Jawa Barat")
        )
        if periode.regime.semester:
            item["bukti"] = [
                {
                    "jenis": rng.choice(("sertifikat", "laporan", "artikel")),
                    "tautan": f"https://drive.example.id/{person.id}/{periode.id}/{entry['id']}",
                    "keterangan": "Bukti dukung kegiatan",
                }
            ]
            if rng.random() < 0.3:
                item["refleksi"] = _text(rng, 2)
        else:
            item["refleksi"] = _text(rng, 3)
        kegiatan.append(item)
    return {"pegawai": person.id, "periode": periode.id, "kegiatan": kegiatan}


def _tugas(
    rng: random.Random, person: Person, periode: domain.Periode, plan: _Plan
) -> dict[str, Any]:
    data: dict[str, Any] = {"pegawai": person.id, "periode": periode.id}
    if person.peran == "guru":
        data["tugas_pokok"] = {
            "merencanakan_pembelajaran": _text(rng, 1),
            "melaksanakan_pembelajaran": _text(rng, 2),
            "menilai_hasil_pembelajaran": _text(rng, 1),
            "membimbing_dan_melatih": _text(rng, 1),
        }
        if plan.tugas_tambahan:
            data["tugas_pokok"]["melaksanakan_tugas_tambahan"] = _text(rng, 1)
    else:
        data["tugas_pokok"] = {"melaksanakan_tugas_tambahan": _text(rng, 2)}
    if plan.tugas_tambahan:
        data["tugas_tambahan"] = []
        for entry in plan.tugas_tambahan:
            item: dict[str, Any] = {
                "jenis": entry["jenis"],
                "sk": dict(entry["sk"]),
                "laporan": _text(rng, 2),
            }
            if periode.regime.semester:
                item["bukti"] = [
                    {
                        "jenis": "laporan",
                        "tautan": f"https://drive.example.id/{person.id}/{periode.id}/{entry['jenis']}",
                    }
                ]
            data["tugas_tambahan"].append(item)
    return data


_RATINGS = (
    ("sesuai_ekspektasi", 0.70),
    ("di_atas_ekspektasi", 0.22),
    ("di_bawah_ekspektasi", 0.08),
)


def _rating(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for rating, share in _RATINGS:
        total += share
        if roll < total:
            return rating
    return _RATINGS[0][0]


def _penilaian(
    rng: random.Random,
    person: Person,
    periode: domain.Periode,
    penilai: str,
    after: dt.date,
) -> dict[str, Any]:
    hasil, perilaku = _rating(rng), _rating(rng)
    predikat = domain.predikat(hasil, perilaku)
    tanggal = max(after + dt.timedelta(days=1), periode.end - dt.timedelta(days=rng.randint(0, 14)))
    # The latest date KIN204 allows (the periode's end for 2024 semesters, a month later for years).
    _, last = window("penilaian", periode)
    tanggal = min(tanggal + dt.timedelta(days=rng.randint(0, 20)), last)
    data: dict[str, Any] = {
        "pegawai": person.id,
        "periode": periode.id,
        "penilai": penilai,
        "tanggal": tanggal,
        "rating_hasil_kerja": hasil,
        "rating_perilaku_kerja": perilaku,
        "predikat": str(predikat),  # a StrEnum; YAML gets its text
        "capaian_kinerja_organisasi": rng.choice(("baik", "baik", "istimewa")),
        "aspek_hasil_kerja": {
            "upaya_refleksi": _text(rng, 1),
            "upaya_mempelajari": _text(rng, 1),
            "perubahan_praktik": _text(rng, 1),
        },
    }
    if person.status == "pns":
        assert person.jenjang is not None
        exact = domain.angka_kredit(predikat, person.jenjang, periode.months)
        data["angka_kredit"] = {"bulan": periode.months, "nilai": float(domain.round_ak(exact))}
    data["catatan"] = _text(rng, 1)
    return data


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """The data as kinerja loads it back: dates become ISO text."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class _RecordDumper(_Dumper):
    """Block style; multi-line text as literal blocks; short scalar lists in flow style."""

    def ignore_aliases(self, data: Any) -> bool:
        return True  # records never use anchors/aliases (kinerja refuses them: KIN004)


def _represent_str(dumper: _RecordDumper, value: str) -> yaml.Node:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_str(value)


def _represent_list(dumper: _RecordDumper, value: list[Any]) -> yaml.Node:
    flow = bool(value) and all(isinstance(v, str) and len(v) < 30 for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_RecordDumper.add_representer(str, _represent_str)
_RecordDumper.add_representer(list, _represent_list)
# domain.py's enums (Predikat, …) are str subclasses: written as their plain value.
_RecordDumper.add_multi_representer(
    enum.Enum, lambda dumper, value: _represent_str(dumper, str(value.value))
)


def _dump(data: dict[str, Any]) -> str:
    text: str = yaml.dump(
        data,
        Dumper=_RecordDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=4096,
    )
    return text


def _write(root: Path, rel: str, kind: str, data: dict[str, Any], comment: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    depth = rel.count("/")
    header = f"# yaml-language-server: $schema={'../' * depth}schemas/{kind}.schema.json\n"
    path.write_text(header + f"# {comment}\n" + _dump(data), encoding="utf-8")


def _check_target(root: Path) -> None:
    if root.exists() and any(root.iterdir()) and not (root / MARKER).is_file():
        raise SystemExit(
            f"{root} exists and was not written by synth.py (no {MARKER}); refusing to overwrite."
        )
    if root.exists():
        shutil.rmtree(root)


def write_school(root: Path, index: int, teachers: int, periods: tuple[str, ...], seed: int) -> int:
    """Write one school repository at `root`; returns the number of record files."""
    _check_target(root)
    school = make_school(index, teachers, periods, seed)
    rng = random.Random(f"kinerja-synth-records:{seed}:{index}")
    parsed = sorted((domain.parse_periode(p) for p in periods), key=lambda p: p.start)
    ks_since = dt.date(parsed[0].year - 2, 7, 1)
    files = 0
    _write(root, "records/sekolah.yaml", "sekolah", _sekolah(school, ks_since, rng),
           f"Data sekolah {school.nama} (sintetis, untuk uji kinerja).")  # fmt: skip
    files += 1
    for person in school.people:
        _write(root, f"records/pegawai/{person.id}.yaml", "pegawai", _pegawai(person, rng),
               f"Data pegawai: {person.nama}")  # fmt: skip
        files += 1
    for periode in parsed:
        for person in school.people:
            is_ks = person.peran == "kepala_sekolah"
            atasan = school.kepala_dinas_nip if is_ks else school.ks.id
            pengamat = (
                rng.choice((school.kepala_dinas_nip, school.pengawas_nip)) if is_ks else atasan
            )
            folder = f"records/kinerja/{periode.id}/{person.id}"
            plan_data, plan = _rencana(rng, school, person, periode, atasan)
            siklus, step_e = _siklus(rng, person, periode, plan, pengamat)
            records = {
                "rencana": plan_data,
                "siklus": siklus,
                "pengembangan-kompetensi": _pengembangan(rng, person, periode, plan, step_e),
                "tugas": _tugas(rng, person, periode, plan),
                "penilaian": _penilaian(rng, person, periode, atasan, step_e),
            }
            for kind in PERIOD_KINDS:
                _write(root, f"{folder}/{kind}.yaml", kind, records[kind],
                       f"{kind} {person.nama} — {periode.label}")  # fmt: skip
                files += 1
    (root / "kinerja.yml").write_text("# Konfigurasi kinerja (opsional).\n{}\n", encoding="utf-8")
    schemas = root / "schemas"
    schemas.mkdir(exist_ok=True)
    for source in sorted(resources.schemas_dir().glob("*.schema.json")):
        shutil.copyfile(source, schemas / source.name)
    marker = {
        "generator": "benchmarks/synth.py",
        "version": GENERATOR_VERSION,
        "index": index,
        "teachers": teachers,
        "periods": list(periods),
        "seed": seed,
        "record_files": files,
    }
    (root / MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
    return files


def generate(
    out_dir: Path,
    schools: int,
    teachers: int,
    periods: tuple[str, ...] = DEFAULT_PERIODS,
    seed: int = 1,
) -> list[Path]:
    """Write `schools` school repositories under `out_dir`; returns their roots."""
    if schools < 1 or teachers < 1:
        raise ValueError("schools and teachers must be at least 1")
    for periode in periods:
        domain.parse_periode(periode)  # raises PeriodeError for "2023", "2025-1", …
    out_dir.mkdir(parents=True, exist_ok=True)
    roots = []
    for index in range(1, schools + 1):
        root = out_dir / f"sekolah-{index:03d}"
        write_school(root, index, teachers, tuple(periods), seed)
        roots.append(root)
    return roots


def record_files(teachers: int, periods: Iterable[str]) -> int:
    """How many record files one generated school has."""
    return 1 + (teachers + 1) * (1 + len(PERIOD_KINDS) * len(tuple(periods)))


def source_fingerprint() -> str:
    """Changes whenever this generator's code changes (used to invalidate cached data)."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--sekolah", type=int, default=1, help="number of schools (default 1)")
    parser.add_argument("--guru", type=int, default=60, help="teachers per school (default 60)")
    parser.add_argument("--periode", nargs="+", default=list(DEFAULT_PERIODS))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    try:
        roots = generate(args.out_dir, args.sekolah, args.guru, tuple(args.periode), args.seed)
    except domain.PeriodeError as error:
        parser.error(f"periode: {error}")
    total = len(roots) * record_files(args.guru, args.periode)
    print(f"{len(roots)} sekolah, {total} berkas catatan di {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
