"""Regulation facts as code: periods, regimes, the predikat matrix, angka kredit, NIP structure.

The validator, the documents and the BKN export all use these functions, so a derived value
is computed in exactly one place. Unconfirmed details (rounding, PPPK NIP code) come from the
reference data, not from constants here.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from kinerja_build import resources


class Rating(StrEnum):
    """The two ratings of a penilaian (PermenPANRB 6/2022), best first."""

    DI_ATAS = "di_atas_ekspektasi"
    SESUAI = "sesuai_ekspektasi"
    DI_BAWAH = "di_bawah_ekspektasi"


class Predikat(StrEnum):
    """Predikat kinerja from the 3×3 matrix, best first."""

    SANGAT_BAIK = "sangat_baik"
    BAIK = "baik"
    BUTUH_PERBAIKAN = "butuh_perbaikan"
    KURANG = "kurang"
    SANGAT_KURANG = "sangat_kurang"


class PlanStatus(StrEnum):
    """Status steps of a plan's history (DOMAIN §3.8)."""

    DRAF = "draf"
    DIAJUKAN = "diajukan"
    DITINJAU_ULANG = "ditinjau_ulang"
    DISETUJUI = "disetujui"
    DISEPAKATI = "disepakati"


# Legal successors in a plan's status history; None is "before the first entry". The validator
# (KIN410) and the step commands (`kinerja setujui` …) both read this table.
PLAN_TRANSITIONS: dict[PlanStatus | None, tuple[PlanStatus, ...]] = {
    None: (PlanStatus.DRAF, PlanStatus.DIAJUKAN),
    PlanStatus.DRAF: (PlanStatus.DIAJUKAN,),
    PlanStatus.DIAJUKAN: (PlanStatus.DITINJAU_ULANG, PlanStatus.DISETUJUI),
    PlanStatus.DITINJAU_ULANG: (PlanStatus.DIAJUKAN,),
    # A plan changed after approval is submitted again (decision 0017).
    PlanStatus.DISETUJUI: (PlanStatus.DISEPAKATI, PlanStatus.DIAJUKAN),
    PlanStatus.DISEPAKATI: (PlanStatus.DIAJUKAN,),
}


class Stage(StrEnum):
    """How far a person has come in a periode, in the order of the regulation."""

    BELUM_MULAI = "belum_mulai"
    PERENCANAAN = "perencanaan"
    PELAKSANAAN = "pelaksanaan"
    PENILAIAN = "penilaian"


# The stages a person works through once started (counted on dashboards and in summaries).
WORK_STAGES = (Stage.PERENCANAAN, Stage.PELAKSANAAN, Stage.PENILAIAN)

STAGE_LABELS = {
    Stage.BELUM_MULAI: "Belum mulai",
    Stage.PERENCANAAN: "Perencanaan",
    Stage.PELAKSANAAN: "Pelaksanaan",
    Stage.PENILAIAN: "Penilaian",
}


@dataclass(frozen=True, slots=True)
class CycleStep:
    """One step of the Siklus Peningkatan Kinerja (DOMAIN §4.1)."""

    key: str  # the field of siklus.yaml
    letter: str
    label: str

    @property
    def title(self) -> str:
        """ "B. Observasi Kinerja"."""
        return f"{self.letter}. {self.label}"


# The A–E steps, in order: the one table every output reads.
CYCLE_STEPS = (
    CycleStep("a_diskusi_persiapan", "A", "Diskusi Persiapan"),
    CycleStep("b_observasi", "B", "Observasi Kinerja"),
    CycleStep("c_diskusi_tindak_lanjut", "C", "Diskusi Tindak Lanjut"),
    CycleStep("d_upaya_tindak_lanjut", "D", "Upaya Tindak Lanjut"),
    CycleStep("e_refleksi_tindak_lanjut", "E", "Refleksi Tindak Lanjut"),
)

RATINGS = tuple(Rating)
RATING_LABELS = {
    "di_atas_ekspektasi": "Di Atas Ekspektasi",
    "sesuai_ekspektasi": "Sesuai Ekspektasi",
    "di_bawah_ekspektasi": "Di Bawah Ekspektasi",
}
# SIASN code for hasilKinerjaNilai / perilakuKerjaNilai.
RATING_CODES = {"di_atas_ekspektasi": 1, "sesuai_ekspektasi": 2, "di_bawah_ekspektasi": 3}

PREDIKAT_LABELS = {
    "sangat_baik": "Sangat Baik",
    "baik": "Baik",
    "butuh_perbaikan": "Butuh Perbaikan",
    "kurang": "Kurang/Misconduct",
    "sangat_kurang": "Sangat Kurang",
}
# SIASN kuadranKinerjaNilai.
PREDIKAT_CODES = {
    "sangat_baik": 1,
    "baik": 2,
    "butuh_perbaikan": 3,
    "kurang": 4,
    "sangat_kurang": 5,
}

# PermenPANRB 6/2022 kuadran kinerja pegawai: (rating hasil kerja, rating perilaku) → predikat.
# Never max(): a low perilaku rating with a high hasil rating is "kurang", not "butuh_perbaikan".
_MATRIX = {
    ("di_atas_ekspektasi", "di_atas_ekspektasi"): "sangat_baik",
    ("di_atas_ekspektasi", "sesuai_ekspektasi"): "baik",
    ("di_atas_ekspektasi", "di_bawah_ekspektasi"): "kurang",
    ("sesuai_ekspektasi", "di_atas_ekspektasi"): "baik",
    ("sesuai_ekspektasi", "sesuai_ekspektasi"): "baik",
    ("sesuai_ekspektasi", "di_bawah_ekspektasi"): "kurang",
    ("di_bawah_ekspektasi", "di_atas_ekspektasi"): "butuh_perbaikan",
    ("di_bawah_ekspektasi", "sesuai_ekspektasi"): "butuh_perbaikan",
    ("di_bawah_ekspektasi", "di_bawah_ekspektasi"): "sangat_kurang",
}

# PermenPANRB 1/2023, PerBKN 3/2023: percentage of the yearly coefficient per predikat.
PREDIKAT_PERCENT = {
    "sangat_baik": Decimal(150),
    "baik": Decimal(100),
    "butuh_perbaikan": Decimal(75),
    "kurang": Decimal(50),
    "sangat_kurang": Decimal(25),
}
# Yearly angka kredit coefficient per jenjang, with the SIASN koefisienId.
KOEFISIEN = {
    "ahli_pertama": (Decimal("12.5"), 12),
    "ahli_muda": (Decimal(25), 22),
    "ahli_madya": (Decimal("37.5"), 32),
    "ahli_utama": (Decimal(50), 42),
}
JENJANG_LABELS = {
    "ahli_pertama": "Ahli Pertama",
    "ahli_muda": "Ahli Muda",
    "ahli_madya": "Ahli Madya",
    "ahli_utama": "Ahli Utama",
}

# Labels for enum values shown to people (documents, site).
TINGKAT_OBSERVASI_LABELS = {
    "belum_dilakukan": "Belum Dilakukan",
    "dilakukan_belum_efektif": "Dilakukan tapi Belum Efektif",
    "dilakukan_efektif": "Dilakukan dan Efektif",
}
TINGKAT_OBSERVASI_LEVEL = {
    "belum_dilakukan": 1,
    "dilakukan_belum_efektif": 2,
    "dilakukan_efektif": 3,
}
KATEGORI_PENGEMBANGAN_LABELS = {
    "pendidikan": "Pendidikan",
    "pelatihan": "Pelatihan",
    "non_pelatihan": "Non-pelatihan",
    "kontribusi_komunitas": "Kontribusi di komunitas",
    "kontribusi_sumber_belajar": "Kontribusi sumber belajar",
}
CAPAIAN_ORGANISASI_LABELS = {
    "istimewa": "Istimewa",
    "baik": "Baik",
    "butuh_perbaikan": "Butuh Perbaikan",
    "kurang": "Kurang",
    "sangat_kurang": "Sangat Kurang",
}
STATUS_KEPEGAWAIAN_LABELS = {"pns": "PNS", "pppk": "PPPK", "non_asn": "Non-ASN"}
STATUS_RENCANA_LABELS = {
    "draf": "Draf",
    "diajukan": "Diajukan",
    "ditinjau_ulang": "Ditinjau ulang",
    "disetujui": "Disetujui",
    "disepakati": "Disepakati",
}
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")

MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip

_PERIODE = re.compile(r"^(?P<year>\d{4})(?:-(?P<half>[12]))?\Z")


def predikat(rating_hasil_kerja: str, rating_perilaku_kerja: str) -> Predikat:
    """The predikat the 3×3 matrix gives for two ratings."""
    return Predikat(_MATRIX[(rating_hasil_kerja, rating_perilaku_kerja)])


@dataclass(frozen=True, slots=True)
class Regime:
    """A regulation regime and the periods it governs."""

    id: str
    nama: str
    tahun_mulai: int
    tahun_selesai: int | None
    semester: bool
    tahapan: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Periode:
    """A performance period: a 2024 semester or a calendar year from 2025 on."""

    id: str
    year: int
    half: int | None
    regime: Regime

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 7 if self.half == 2 else 1, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, 6, 30) if self.half == 1 else dt.date(self.year, 12, 31)

    @property
    def months(self) -> int:
        return 6 if self.half else 12

    @property
    def label(self) -> str:
        if self.half:
            return f"Semester {'I' if self.half == 1 else 'II'} {self.year}"
        return f"Tahun {self.year}"

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def regimes() -> list[Regime]:
    return [
        Regime(
            id=str(entry["id"]),
            nama=str(entry["nama"]),
            tahun_mulai=int(entry["tahun_mulai"]),
            tahun_selesai=entry.get("tahun_selesai"),
            semester=entry["periode"] == "semester",
            tahapan=tuple(entry["tahapan"]),
        )
        for entry in resources.referensi()["rezim"]
    ]


class PeriodeError(ValueError):
    """The text does not name a period any known regime governs."""


def current_periode(today: dt.date) -> str:
    """The periode running on `today` ("2024-1"/"2024-2" in 2024, the year afterwards)."""
    if today.year <= 2024:
        return f"2024-{1 if today.month <= 6 else 2}"
    return str(today.year)


@functools.lru_cache(maxsize=256)  # rules ask for every person's periode: thousands of calls
def parse_periode(text: str) -> Periode:
    """Parse "2024-1", "2024-2", "2025", … into a Periode, or raise PeriodeError (Indonesian)."""
    match = _PERIODE.match(text)
    if not match:
        raise PeriodeError(f"`{text}` bukan periode yang sah")
    year = int(match["year"])
    half = int(match["half"]) if match["half"] else None
    for regime in regimes():
        if year < regime.tahun_mulai or (regime.tahun_selesai and year > regime.tahun_selesai):
            continue
        if regime.semester and half is None:
            raise PeriodeError(
                f"periode {year} memakai dua semester: tulis `{year}-1` (Januari–Juni) atau "
                f"`{year}-2` (Juli–Desember)"
            )
        if not regime.semester and half is not None:
            raise PeriodeError(
                f"sejak {regime.tahun_mulai} periode bersifat tahunan: tulis `{year}`"
            )
        return Periode(text, year, half, regime)
    raise PeriodeError(f"tahun {year} tidak diatur oleh regulasi PKG yang dikenal (mulai 2024)")


def angka_kredit(predikat_id: str, jenjang: str, months: int) -> Decimal:
    """AK = months/12 × percentage × coefficient, exact (rounding is applied when comparing)."""
    coefficient, _ = KOEFISIEN[jenjang]
    return (
        Decimal(months) / Decimal(12) * PREDIKAT_PERCENT[predikat_id] / Decimal(100) * coefficient
    )


def round_ak(value: Decimal) -> Decimal:
    """Angka kredit rounded to the configured number of decimals (half up)."""
    decimals = int(resources.referensi()["angka_kredit"]["desimal"])
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def ak_matches(stated: float | int, exact: Decimal) -> bool:
    """A stated AK is right when it equals the exact value at the configured precision."""
    decimals = int(resources.referensi()["angka_kredit"]["desimal"])
    tolerance = Decimal(5).scaleb(-(decimals + 1))
    return abs(Decimal(str(stated)) - exact) < tolerance + Decimal("1e-9")


@dataclass(frozen=True, slots=True)
class NipParts:
    birth: dt.date
    tmt_year: int
    tmt_month: int | None
    gender: str  # "L" or "P"
    sequence: str


def parse_nip(nip: str, *, pppk: bool = False) -> tuple[NipParts | None, str]:
    """Split an 18-digit NIP, or explain in Indonesian what is wrong with it."""
    if not re.fullmatch(r"\d{18}", nip):
        return None, "NIP harus terdiri dari 18 digit angka"
    try:
        birth = dt.date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        return None, f"8 digit pertama ({nip[0:8]}) bukan tanggal lahir yang sah"
    tmt_year, tmt_month_text = int(nip[8:12]), nip[12:14]
    tmt_month: int | None = int(tmt_month_text)
    if pppk and tmt_month_text == str(resources.referensi()["nip"]["kode_pppk"]):
        tmt_month = None
    elif not 1 <= int(tmt_month_text) <= 12:
        return None, f"digit 13–14 ({tmt_month_text}) bukan bulan TMT yang sah"
    if tmt_year < birth.year + 15 or tmt_year > 2100:
        return None, f"tahun TMT {tmt_year} tidak masuk akal untuk kelahiran {birth.year}"
    if nip[14] not in "12":
        return None, f"digit ke-15 ({nip[14]}) harus 1 (laki-laki) atau 2 (perempuan)"
    return NipParts(birth, tmt_year, tmt_month, "L" if nip[14] == "1" else "P", nip[15:]), ""


def canonical_plan_hash(plan: dict[str, Any]) -> str:
    """SHA-256 of the canonical form of a plan: everything except its status history.

    Canonical form: JSON, keys sorted, no insignificant whitespace, UTF-8. Comments, key order
    and quoting in the YAML file do not change the hash; any change of content does.
    """
    content = {key: value for key, value in plan.items() if key != "status"}
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def tanggal_indonesia(day: dt.date) -> str:
    """ "22 November 2026"."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def hari_tanggal(day: dt.date) -> str:
    """ "Selasa, 11 Maret 2025"."""
    return f"{DAYS[day.weekday()]}, {tanggal_indonesia(day)}"


def format_nip(nip: str) -> str:
    """An 18-digit NIP grouped as printed on official forms: "19740412 200003 1 003"."""
    if len(nip) == 18 and nip.isdigit():
        return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    return nip


def format_decimal(value: Decimal | float | int, places: int = 2) -> str:
    """Indonesian number format: comma decimals, dot thousands ("1.234,50")."""
    text = f"{Decimal(str(value)):,.{places}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def days_past(due: dt.date | None, today: dt.date) -> int:
    """Days past `due` on `today`; 0 when not past or without a date. The one count of lateness:
    the school's views and the district dashboard (on its own render day) both use it."""
    return max(0, (today - due).days) if due is not None else 0


def parse_date(text: Any) -> dt.date | None:
    """A date from a schema-valid "YYYY-MM-DD" string, None for anything else."""
    if not isinstance(text, str):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from start to end (0 when end is before start)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def masa_kerja_golongan(
    stated: Mapping[str, Any] | None, tmt_golongan: dt.date | None, day: dt.date
) -> tuple[int, int] | None:
    """Masa kerja golongan (years, months) on a day, from the latest SK kenaikan pangkat.

    The SK states the MKG as of its TMT; the time since that TMT is added (DOMAIN §7.2,
    PP 7/1977 as amended). The drops of 6 and 5 years on moving up from golongan I and II are
    already in the stated value, which is why the time since TMT pangkat alone, or since TMT
    CPNS, is not the MKG. None when the record does not state it.
    """
    if not stated or tmt_golongan is None:
        return None
    months = int(stated["tahun"]) * 12 + int(stated["bulan"]) + months_between(tmt_golongan, day)
    return months // 12, months % 12


# -- who acts, and by when ---------------------------------------------------------------------


class Peran(StrEnum):
    """Who must act on a step: the owner of a plan, the atasan, or somebody outside the school."""

    GURU = "guru"
    KEPALA_SEKOLAH = "kepala_sekolah"
    OPERATOR = "operator"  # Operator Sekolah: Dapodik and sekolah.yaml data
    DINAS = "dinas"  # Dinas Pendidikan: approves and assesses the KS, appoints a Plt


PERAN_LABELS = {
    Peran.GURU: "Guru",
    Peran.KEPALA_SEKOLAH: "Kepala sekolah",
    Peran.OPERATOR: "Operator sekolah",
    Peran.DINAS: "Dinas Pendidikan",
}

# Who must act, inside a sentence ("… oleh kepala sekolah Dedi").
PERAN_NOUNS = {
    Peran.GURU: "guru",
    Peran.KEPALA_SEKOLAH: "kepala sekolah",
    Peran.OPERATOR: "operator sekolah",
    Peran.DINAS: "Dinas Pendidikan",
}

# The stages that have a deadline, in the order they fall due.
TAHAP_TENGGAT = ("pra_perencanaan", "perencanaan", "pelaksanaan", "penilaian")
TAHAP_LABELS = {
    "pra_perencanaan": "Pra-perencanaan (pemutakhiran data)",
    "perencanaan": "Perencanaan (rencana diajukan, disetujui, disepakati)",
    "pelaksanaan": "Pelaksanaan (siklus langkah A–E)",
    "penilaian": "Penilaian",
}
_YEAR_SHIFT = {"sama": 0, "berikut": 1, "sebelum": -1}


@dataclass(frozen=True, slots=True)
class Deadline:
    """By `tanggal` the roles in `peran` have finished stage `tahap` of one periode."""

    periode: str
    tahap: str
    tanggal: dt.date
    peran: tuple[Peran, ...]
    sumber: str
    terkonfirmasi: bool
    sekolah: bool = False  # set by the school in kinerja.yml (e.g. an official extension)


def deadlines(
    periode: Periode,
    regime_entries: Sequence[Mapping[str, Any]],
    school_entries: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Deadline]:
    """The deadlines of one periode by stage: the regime's, then the school's for this periode.

    A school entry (kinerja.yml `tenggat:`) replaces the regime's date for its stage; it keeps
    the regime's roles unless it names its own.
    """
    found: dict[str, Deadline] = {}
    for entry in regime_entries:
        if entry["rezim"] != periode.regime.id:
            continue
        if entry.get("semester") is not None and entry["semester"] != periode.half:
            continue
        month, day = (int(part) for part in str(entry["tanggal"]).split("-"))
        year = periode.year + _YEAR_SHIFT[entry.get("tahun", "sama")]
        found[entry["tahap"]] = Deadline(
            periode.id,
            entry["tahap"],
            dt.date(year, month, day),
            tuple(Peran(role) for role in entry["peran"]),
            str(entry["sumber"]).strip(),
            bool(entry.get("terkonfirmasi", True)),
        )
    for entry in school_entries:
        if str(entry["periode"]) != periode.id:
            continue
        regime = found.get(entry["tahap"])
        roles = entry.get("peran") or (regime.peran if regime else tuple(Peran))
        found[entry["tahap"]] = Deadline(
            periode.id,
            entry["tahap"],
            dt.date.fromisoformat(str(entry["tanggal"])),
            tuple(Peran(role) for role in roles),
            str(entry["sumber"]).strip(),
            True,
            sekolah=True,
        )
    return {tahap: found[tahap] for tahap in TAHAP_TENGGAT if tahap in found}
