"""The BKN export bundle of one periode: JSON after the SIASN API payloads, CSV, PDFs, manifest.

Field names follow the SIASN endpoints (`/kinerjaperiodik/save`, `/skp22/save`,
`/angkakredit/save`, including SIASN's own misspellings such as `bulanMulaiPenailan`), so a
Dinas can map each object to an API call one to one. Our own identifiers (NIP, NPSN, periode,
record paths) sit beside them. Codes and amounts come from `domain.py`, the module the
validator uses.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import subprocess
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from kinerja_build import __version__, domain, layout, resources
from kinerja_build.model import Atasan, AtasanKind, IdentityKind, School

BUNDLE_SCHEMAS = ("kinerja-periodik", "skp-tahunan", "angka-kredit", "manifest")
DOKUMEN_EVALUASI_ID = "890"  # SIASN dokumen ref: "Dokumen Evaluasi Kinerja" (Riwayat Kinerja)
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold


@dataclass(slots=True)
class Bundle:
    """Everything that goes into one zip, by entry name."""

    periode: domain.Periode
    npsn: str
    files: dict[str, bytes] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return layout.export_bundle_name(self.npsn, self.periode.id)


def rows(school: School, periode: domain.Periode, ready: Iterable[str]) -> list[dict[str, Any]]:
    """One kinerja-periodik object per exported person (ids in `ready`), sorted by NIP."""
    sekolah = school.sekolah.data if school.sekolah and school.sekolah.data else {}
    result = []
    for pegawai_id in ready:
        person = school.person(pegawai_id) or {}
        penilaian = school.record(periode.id, pegawai_id, "penilaian") or {}
        result.append(_periodik(school, sekolah, periode, pegawai_id, person, penilaian))
    return sorted(result, key=lambda row: row["nip"])


def _periodik(
    school: School,
    sekolah: dict[str, Any],
    periode: domain.Periode,
    pegawai_id: str,
    person: dict[str, Any],
    penilaian: dict[str, Any],
) -> dict[str, Any]:
    hasil, perilaku = penilaian["rating_hasil_kerja"], penilaian["rating_perilaku_kerja"]
    assessment = school.assessment(periode.id, pegawai_id)
    assert assessment is not None  # only assessed people are exported
    predikat = assessment.predikat
    jenjang = person.get("jenjang_jabatan")
    pns = person["status_kepegawaian"] == "pns"
    atasan = school.atasan(pegawai_id, min(assessment.tanggal or periode.end, periode.end))
    penilai = _penilai(school, sekolah, penilaian["penilai"], atasan)
    records = school.records(periode.id, pegawai_id)
    return {
        "nip": person["nip"],
        "nama": person["nama"],
        "statusKepegawaian": person["status_kepegawaian"],
        "npsn": sekolah.get("npsn", ""),
        "unorNama": sekolah.get("unor", ""),
        "periode": periode.id,
        "bulanMulaiPenilaian": periode.start.month,
        "bulanSelesaiPenilaian": periode.end.month,
        "tahunMulaiPenilaian": periode.start.year,
        "tahunSelesaiPenilaian": periode.end.year,
        "tahun": periode.year,
        # SIASN knows 1 = bulanan and 2 = triwulan; PKG semesters/years have no published code.
        "periodikId": None,
        "jenisPeriode": "semester" if periode.half else "tahunan",
        "hasilKinerjaNilai": domain.RATING_CODES[hasil],
        "perilakuKerjaNilai": domain.RATING_CODES[perilaku],
        "kuadranKinerjaNilai": domain.PREDIKAT_CODES[predikat],
        "predikat": domain.PREDIKAT_LABELS[predikat],
        "koefisienId": domain.KOEFISIEN[jenjang][1]
        if pns and jenjang in domain.KOEFISIEN
        else None,
        **penilai,
        "tanggalPenilaian": penilaian["tanggal"],
        "pnsDinilaiId": person.get("siasn_id"),
        "path": [],
        "sumber": {kind: records[kind].rel for kind in sorted(records)},
    }


def _penilai(
    school: School, sekolah: dict[str, Any], penilai_id: str, atasan: Atasan | None
) -> dict[str, Any]:
    who = school.identify(penilai_id)
    if who.kind is IdentityKind.PEGAWAI:
        acting = atasan is not None and atasan.status is AtasanKind.PLT
        return {
            "penilaiNama": who.data["nama"],
            "penilaiNipNrp": who.data.get("nip", ""),
            "penilaiGolongan": who.data.get("pangkat_golongan", ""),
            "penilaiJabatanNama": "Plt. Kepala Sekolah" if acting else "Kepala Sekolah",
            "penilaiUnorNama": sekolah.get("unor") or sekolah.get("nama", ""),
            "statusPenilai": "ASN" if who.data["status_kepegawaian"] != "non_asn" else "NON ASN",
        }
    official = who.data or {"nama": penilai_id}
    return {
        "penilaiNama": official["nama"],
        "penilaiNipNrp": official.get("nip", penilai_id),
        "penilaiGolongan": official.get("pangkat_golongan", ""),
        "penilaiJabatanNama": official.get("jabatan", ""),
        "penilaiUnorNama": official.get("unit_kerja", ""),
        "statusPenilai": "ASN",
    }


def skp_tahunan(periodik: list[dict[str, Any]], periode: domain.Periode) -> list[dict[str, Any]]:
    """The annual result (skp22-like). Only annual periodes have one; 2024 semesters do not."""
    if periode.half:
        return []
    keys = (
        "tahun",
        "hasilKinerjaNilai",
        "perilakuKerjaNilai",
        "kuadranKinerjaNilai",
        "penilaiNama",
        "penilaiNipNrp",
        "penilaiGolongan",
        "penilaiUnorNama",
        "statusPenilai",
    )
    return [
        {
            "nip": row["nip"],
            "pnsDinilaiOrang": row["nama"],
            **{key: row[key] for key in keys},
            "penilaiJabatan": row["penilaiJabatanNama"],
            "path": row["path"],
        }
        for row in periodik
    ]


def angka_kredit(
    periodik: list[dict[str, Any]],
    school: School,
    periode: domain.Periode,
    people: dict[str, dict[str, Any]],
) -> list[dict[str, Any]]:
    """PNS only: the predikat converted to angka kredit (PermenPANRB 1/2023, PerBKN 3/2023).

    `people` is `by_nip(school)`, computed once per periode by the caller.
    """
    result = []
    for row in periodik:
        if row["statusKepegawaian"] != "pns" or row["koefisienId"] is None:
            continue
        person = people[row["nip"]]
        jenjang = person["jenjang_jabatan"]
        assessment = school.assessment(periode.id, person["_id"])
        ak = assessment.angka_kredit if assessment is not None else None
        if assessment is None or ak is None:
            continue
        result.append(
            {
                "nip": row["nip"],
                "nama": row["nama"],
                "periode": periode.id,
                "jenjangJabatan": jenjang,
                "predikat": row["predikat"],
                "kuadranKinerjaNilai": row["kuadranKinerjaNilai"],
                "persentase": int(ak.percent),
                "koefisien": _number(ak.coefficient),
                "koefisienId": ak.koefisien_id,
                "bulan": ak.months,
                "angkaKredit": _number(ak.value),
                # The months assessed, not the whole periode's (a mid-periode start).
                "bulanMulaiPenailan": ak.start.month,
                "bulanSelesaiPenailan": ak.end.month,
                "tahunMulaiPenailan": ak.start.year,
                "tahunSelesaiPenailan": ak.end.year,
                "isKonversi": True,
                "kreditUtamaBaru": _number(ak.value),
                "pnsId": row["pnsDinilaiId"],
            }
        )
    return result


def by_nip(school: School) -> dict[str, dict[str, Any]]:
    """Valid pegawai records by NIP (non-ASN without NIP are left out)."""
    return {
        data["nip"]: {**data, "_id": pegawai_id}
        for pegawai_id, data in ((pid, school.person(pid)) for pid in school.pegawai)
        if data and data.get("nip")
    }


def _number(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


# -- CSV ------------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    """Text for a spreadsheet cell; formula-looking text is defused (CSV injection)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def to_csv(header: list[str], records: list[list[Any]]) -> bytes:
    """UTF-8 with BOM and `;` separators: opens correctly in Excel (id-ID) and LibreOffice."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(header)
    for record in records:
        writer.writerow([_cell(value) for value in record])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


Table = tuple[list[str], list[list[Any]]]  # header, rows: one source for the CSV and the .xlsx


def pegawai_table(people: dict[str, dict[str, Any]], periodik: list[dict[str, Any]]) -> Table:
    header = [
        "NIP",
        "Nama",
        "Status kepegawaian",
        "Pangkat/golongan",
        "Jenjang jabatan",
        "Jabatan",
        "NPSN",
        "Unit kerja",
    ]
    records = []
    for row in periodik:
        person = people[row["nip"]]
        records.append(
            [
                row["nip"],
                row["nama"],
                domain.STATUS_KEPEGAWAIAN_LABELS[person["status_kepegawaian"]],
                person.get("pangkat_golongan", ""),
                domain.JENJANG_LABELS.get(person.get("jenjang_jabatan", ""), ""),
                person.get("jabatan", ""),
                row["npsn"],
                row["unorNama"],
            ]
        )
    return header, records


def penilaian_table(periodik: list[dict[str, Any]], kredit: list[dict[str, Any]]) -> Table:
    header = [
        "NIP",
        "Nama",
        "NPSN",
        "Periode",
        "Rating hasil kerja (kode)",
        "Rating perilaku kerja (kode)",
        "Predikat",
        "Kuadran (kode)",
        "Tanggal penilaian",
        "Penilai",
        "NIP penilai",
        "Angka kredit",
    ]
    ak = {item["nip"]: item["angkaKredit"] for item in kredit}
    records = [
        [
            row["nip"],
            row["nama"],
            row["npsn"],
            row["periode"],
            row["hasilKinerjaNilai"],
            row["perilakuKerjaNilai"],
            row["predikat"],
            row["kuadranKinerjaNilai"],
            row["tanggalPenilaian"],
            row["penilaiNama"],
            row["penilaiNipNrp"],
            _ak_text(ak.get(row["nip"])),
        ]
        for row in periodik
    ]
    return header, records


def tables_files(name: str, table: Table) -> dict[str, bytes]:
    """`<name>.csv` and `<name>.xlsx` with the same header and rows."""
    from kinerja_build.export.spreadsheet import to_xlsx

    header, records = table
    return {f"{name}.csv": to_csv(header, records), f"{name}.xlsx": to_xlsx(header, records)}


def _ak_text(value: float | int | None) -> str:
    return domain.format_decimal(Decimal(str(value))) if value is not None else ""


# -- JSON, manifest, zip ----------------------------------------------------------------------


def to_json(value: Any) -> bytes:
    """Sorted keys; a list of records has one record per line, anything else is indented.

    One line per person reads well in a diff of two bundles, and each line is encoded by the
    json module's C encoder (indented output is made in pure Python: 3× the time on a
    district's 5,200 rows).
    """
    if isinstance(value, list) and value and all(isinstance(row, dict) for row in value):
        lines = ",\n".join(json.dumps(row, ensure_ascii=False, sort_keys=True) for row in value)
        return f"[\n{lines}\n]\n".encode()
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def schema_files() -> dict[str, bytes]:
    return dict(_schema_files())


@functools.cache
def _schema_files() -> tuple[tuple[str, bytes], ...]:
    """Read once per process: a district export writes them into every bundle."""
    directory = resources.schemas_dir() / "ekspor"
    return tuple(
        (f"schema/{name}.schema.json", (directory / f"{name}.schema.json").read_bytes())
        for name in BUNDLE_SCHEMAS
    )


def git_commit(root: Path) -> str | None:
    """The commit of the records when the school repository is a git checkout."""
    folder = next(
        (path for path in (root.resolve(), *root.resolve().parents) if (path / ".git").exists()),
        None,
    )
    if folder is None:
        return None  # not a checkout: no need to start git
    return _read_head(folder / ".git") or _git_rev_parse(root)


def _read_head(git_dir: Path) -> str | None:
    """HEAD read from the files (the common layouts); None to fall back to `git rev-parse`."""
    try:
        head = (git_dir / "HEAD").read_text(encoding="ascii").strip()
        if not head.startswith("ref: "):
            return head if len(head) == 40 else None
        ref = head.removeprefix("ref: ")
        loose = git_dir / ref
        if loose.is_file():
            commit = loose.read_text(encoding="ascii").strip()
            return commit if len(commit) == 40 else None
        for line in (git_dir / "packed-refs").read_text(encoding="ascii").splitlines():
            if line.endswith(" " + ref) and len(line.split(" ")[0]) == 40:
                return line.split(" ")[0]
    except (OSError, UnicodeDecodeError):  # .git is a file (worktree), unreadable, …
        return None
    return None


def _git_rev_parse(root: Path) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and len(commit) == 40 else None


def manifest(
    bundle: Bundle,
    counts: dict[str, int],
    commit: str | None,
    sekolah: list[dict[str, Any]] | None = None,
    elsewhere: Mapping[str, tuple[str, int]] | None = None,
) -> bytes:
    """manifest.json; `sekolah` lists the schools of a district's merged bundle.

    `elsewhere`: (SHA-256, size) of entries not held in `bundle.files` (streamed into the zip).
    """
    digests = {
        name: (hashlib.sha256(content).hexdigest(), len(content))
        for name, content in bundle.files.items()
    }
    digests.update(elsewhere or {})
    files = [
        {"nama": name, "sha256": digest, "ukuran": size}
        for name, (digest, size) in sorted(digests.items())
    ]
    return to_json(
        {
            "generator": "kinerja",
            "versi": __version__,
            "format": 1,
            "npsn": bundle.npsn,
            "periode": bundle.periode.id,
            "rezim": bundle.periode.regime.nama,
            "git_commit": commit,
            "jumlah": counts,
            "catatan": bundle.notes,
            "berkas": files,
            **({"sekolah": sekolah} if sekolah is not None else {}),
        }
    )


def zip_bytes(
    files: dict[str, bytes], date_time: tuple[int, int, int, int, int, int] = ZIP_EPOCH
) -> bytes:
    """A reproducible zip: sorted entries, fixed timestamps, permissions and compression.

    PDFs and workbooks are compressed already: stored as they are (deflating them again costs
    time for a few percent). Text is deflated at zlib's default level: level 9 took 2.5× the
    time for 4% less on a district's merged bundle.
    """
    buffer = io.BytesIO()
    write_zip(buffer, ((name, files[name]) for name in sorted(files)), date_time)
    return buffer.getvalue()


def write_zip(
    stream: BinaryIO,
    entries: Iterable[tuple[str, bytes]],
    date_time: tuple[int, int, int, int, int, int] = ZIP_EPOCH,
) -> None:
    """Write `entries` (name, content), in the order given, as zip_bytes lays them out.

    One entry is in memory at a time: the caller may produce them lazily.
    """
    with zipfile.ZipFile(stream, "w") as archive:
        for name, content in entries:
            info = zipfile.ZipInfo(name, date_time=date_time)
            stored = name.endswith(PRECOMPRESSED)
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # unix, whatever machine builds it
            archive.writestr(info, content, compresslevel=None if stored else 6)


PRECOMPRESSED = (layout.PDF_SUFFIX, ".xlsx")
