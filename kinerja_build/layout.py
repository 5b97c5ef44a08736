"""Where things live: the school's `records/` tree and the build output tree.

    records/sekolah.yaml
    records/pegawai/<id>.yaml
    records/kinerja/<periode>/<id>/<jenis>.yaml

    build/validasi.json
    build/pdf/<periode>/<id>/<dokumen>.pdf      one person's official documents
    build/pdf/<periode>/rekap-kinerja-sekolah.pdf
    build/pdf/.cache.json                       what each PDF was rendered from
    build/cetak/<periode>/<id>.pdf              print pack: one person's documents, filing order
    build/cetak/<periode>/sekolah.pdf           print pack: the whole school, the recap first
    build/cetak/.cache.json                     what each pack was merged from
    build/ekspor-bkn/kinerja-<npsn>-<periode>.zip
    build/ekspor-bkn/belum-siap-<periode>.csv (and .xlsx)
    build/ekspor-bkn/.kinerja-ekspor.json       what earlier exports wrote (pruned from it)
    build/kalender-<periode>.ics                deadlines per role (iCalendar)
    build/site/

Every module asks this one for a path (one fact, one place); tests/test_layout.py fails when a
path fragment appears as a literal anywhere else in the package. Record paths are repo-relative
POSIX strings (the form diagnostics carry); output paths are relative to the output directory.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from pathlib import Path


class RecordKind(enum.StrEnum):
    """The kinds of record a school keeps; each value is its file stem and its schema name."""

    SEKOLAH = "sekolah"
    PEGAWAI = "pegawai"
    RENCANA = "rencana"
    SIKLUS = "siklus"
    PENGEMBANGAN_KOMPETENSI = "pengembangan-kompetensi"
    TUGAS = "tugas"
    PENILAIAN = "penilaian"

    @property
    def per_periode(self) -> bool:
        """True for the kinds kept per person and periode under records/kinerja/."""
        return self not in (RecordKind.SEKOLAH, RecordKind.PEGAWAI)

    @property
    def label(self) -> str:
        """The Indonesian name shown to people, lower case ("pengembangan kompetensi")."""
        return self.value.replace("-", " ")

    @property
    def file_name(self) -> str:
        return f"{self.value}{RECORD_SUFFIX}"


PERIOD_KINDS: tuple[RecordKind, ...] = tuple(kind for kind in RecordKind if kind.per_periode)
# What `kinerja isi` and the site's forms fill in: a person's records (sekolah.yaml is set up once).
FORM_KINDS: tuple[RecordKind, ...] = (*PERIOD_KINDS, RecordKind.PEGAWAI)

# -- the records/ tree (repo-relative) ----------------------------------------------------------

RECORDS_DIR = "records"
PERIODS_DIR = "kinerja"  # records/kinerja/<periode>/<id>/
PEOPLE_DIR = "pegawai"  # records/pegawai/<id>.yaml
RECORD_SUFFIX = ".yaml"
YAML_SUFFIXES = (".yaml", ".yml")  # what the walk picks up; only .yaml is a record
SCHOOL_RECORD = f"{RECORDS_DIR}/{RecordKind.SEKOLAH.file_name}"
CONFIG_FILES = ("kinerja.yml", "kinerja.yaml")  # the school's settings, the first one present
MKDOCS_CONFIG = "mkdocs.yml"
SITE_SOURCES_DIR = "site"  # the school's hand-written site pages
TEMPLATES_DIR = "templates"  # the school's template overrides (and the package's templates)
PDF_TEMPLATES_SUBDIR = "pdf"  # templates/pdf/<name>: document templates and their CSS
SCHEMAS_DIR = "schemas"
DINAS_CONFIG_FILES = ("dinas.yml", "dinas.yaml")  # a Dinas repository's settings (kinerja dinas)
CODEOWNERS_FILE = ".github/CODEOWNERS"  # written by `kinerja codeowners --tulis`
WORKFLOW_FILE = ".github/workflows/kinerja.yml"  # the CI workflow `kinerja init` writes
# What `kinerja diff` takes from a revision to validate it as it was.
REVISION_INPUTS = (RECORDS_DIR, SCHEMAS_DIR, *CONFIG_FILES)

_ID = re.compile(r"^([0-9]{18}|[a-z][a-z0-9]*(-[a-z0-9]+)*)\Z")
_PERIODE = re.compile(r"^[0-9]{4}(-[12])?\Z")


@dataclass(frozen=True, slots=True)
class RecordPlace:
    """What a record's path says about it: its kind, and for most kinds its periode and owner."""

    kind: RecordKind
    periode: str | None = None
    owner: str | None = None  # the person id: the file stem in pegawai/, the folder in kinerja/


@dataclass(frozen=True, slots=True)
class Misplaced:
    """A YAML file under records/ that is not at a known place; `hint` says where it should be."""

    hint: str


def record_path(kind: RecordKind, periode: str | None = None, owner: str | None = None) -> str:
    """The repo-relative path of a record: `records/kinerja/2025/<id>/rencana.yaml`."""
    if kind is RecordKind.SEKOLAH:
        return SCHOOL_RECORD
    if owner is None:
        raise ValueError(f"a {kind} record needs its owner")
    if kind is RecordKind.PEGAWAI:
        return f"{RECORDS_DIR}/{PEOPLE_DIR}/{owner}{RECORD_SUFFIX}"
    if periode is None:
        raise ValueError(f"a {kind} record needs its periode")
    return f"{person_periode_dir(periode, owner)}/{kind.file_name}"


def periods_dir() -> str:
    """`records/kinerja`: one folder per periode below it."""
    return f"{RECORDS_DIR}/{PERIODS_DIR}"


def periode_dir(periode: str) -> str:
    return f"{periods_dir()}/{periode}"


def person_periode_dir(periode: str, owner: str) -> str:
    """`records/kinerja/<periode>/<id>`: every record of one person in one periode."""
    return f"{periode_dir(periode)}/{owner}"


def absolute(root: Path, rel: str) -> Path:
    """A repo-relative path (as returned here) inside the repository at `root`."""
    return root.joinpath(*rel.split("/"))


def records_dir(root: Path) -> Path:
    return root / RECORDS_DIR


def is_record_name(name: str) -> bool:
    """Whether the walk of records/ looks at a file of this name (YAML, any suffix)."""
    return name.endswith(YAML_SUFFIXES)


def is_person_id(text: str) -> bool:
    """An 18-digit NIP or a lower-case non-ASN id: what names a person's file and folders."""
    return _ID.match(text) is not None


def parse_record_path(rel: str) -> RecordPlace | Misplaced:
    """Read (kind, periode, owner) back from a repo-relative path; anything else is Misplaced.

    The inverse of record_path: `parse_record_path(record_path(k, p, o)) == RecordPlace(k, p, o)`
    for every well-formed id and periode.
    """
    parts = rel.split("/")
    if len(parts) < 2 or parts[0] != RECORDS_DIR:
        return Misplaced(_WHERE)
    parts = parts[1:]
    name = parts[-1]
    if not name.endswith(RECORD_SUFFIX):
        return Misplaced(f"Gunakan akhiran `{RECORD_SUFFIX}` (bukan `.yml`).")
    stem = name.removesuffix(RECORD_SUFFIX)
    if parts == [RecordKind.SEKOLAH.file_name]:
        return RecordPlace(RecordKind.SEKOLAH)
    if len(parts) == 2 and parts[0] == PEOPLE_DIR:
        if not _ID.match(stem):
            return Misplaced(
                "Nama berkas pegawai adalah NIP 18 digit atau ID non-ASN berhuruf kecil dengan "
                "tanda hubung, mis. `non-asn-rina-marlina.yaml`."
            )
        return RecordPlace(RecordKind.PEGAWAI, owner=stem)
    if len(parts) == 4 and parts[0] == PERIODS_DIR:
        periode, owner = parts[1], parts[2]
        if not _PERIODE.match(periode):
            return Misplaced("Folder periode bernama `2024-1`, `2024-2`, `2025`, `2026`, ….")
        if not _ID.match(owner):
            return Misplaced(
                f"Folder orang bernama NIP atau ID non-ASN yang sama dengan "
                f"{RECORDS_DIR}/{PEOPLE_DIR}/."
            )
        if stem not in PERIOD_KINDS:
            known = ", ".join(kind.file_name for kind in PERIOD_KINDS)
            return Misplaced(f"Nama berkas yang dikenal: {known}.")
        return RecordPlace(RecordKind(stem), periode, owner)
    return Misplaced(_WHERE)


_WHERE = (
    f"Letakkan catatan di {SCHOOL_RECORD}, {RECORDS_DIR}/{PEOPLE_DIR}/<id>{RECORD_SUFFIX}, atau "
    f"{periods_dir()}/<periode>/<id>/<jenis>{RECORD_SUFFIX}."
)


def school_pdf_templates(root: Path) -> Path:
    """Where a school puts its own document templates, each overriding the package's."""
    return root / TEMPLATES_DIR / PDF_TEMPLATES_SUBDIR


def codeowners_patterns(owner: str) -> tuple[str, str]:
    """GitHub CODEOWNERS patterns for a person's own file and their folder in every periode."""
    return f"/{record_path(RecordKind.PEGAWAI, owner=owner)}", f"/{periods_dir()}/*/{owner}/"


def schema_file(kind: str) -> str:
    """The schema of a record kind (or of kinerja.yml), in the package's or a school's schemas/."""
    return f"{kind}.schema.json"


def modeline_target(depth: int, kind: str) -> str:
    """The path from a record `depth` folders below the root to its schema in schemas/."""
    return "../" * depth + f"{SCHEMAS_DIR}/{schema_file(kind)}"


# -- the build output tree (relative to the output directory) ----------------------------------

DEFAULT_OUT_DIR = "build"
VALIDATION_REPORT = "validasi.json"
SITE_DIR = "site"
PDF_DIR = "pdf"
PDF_CACHE = f"{PDF_DIR}/.cache.json"
PDF_SUFFIX = ".pdf"
PACK_DIR = "cetak"
PACK_CACHE = f"{PACK_DIR}/.cache.json"
SCHOOL_PACK = "sekolah"  # cetak/<periode>/sekolah.pdf; a pegawai with this id gets no pack
EXPORT_DIR = "ekspor-bkn"
EXPORT_LEDGER = ".kinerja-ekspor.json"  # in ekspor-bkn/: the files earlier exports wrote
# In a district's ekspor-bkn/: the input key of each merged bundle and not-ready list last made.
DINAS_EXPORT_STATE = ".kinerja-dinas-ekspor.json"
NOT_READY_FORMATS = (".csv", ".xlsx")
# Every file a build wrote: a later build deletes stale files from this list only (output.py).
OUTPUT_MANIFEST = ".kinerja-keluaran.json"
STAGING_PREFIX = ".kinerja-"  # temporary folders of a build inside the output directory
# What a build writes at the top of the output directory; a folder holding more is not ours.
# The district build (`kinerja dinas build`) writes these at the top of its output folder and
# each school's summary beside the school's own outputs, in sekolah/<id>/.
DINAS_SCHOOLS_DIR = "sekolah"
DINAS_SITE_DIR = "situs"
DINAS_REPORT = "dinas.json"
SCHOOL_SUMMARY = "ringkasan.json"
DINAS_SOURCES_DIR = "sumber"  # git checkouts, in the Dinas repository (not in the output)
OUTPUT_TOP_DIRS = (PDF_DIR, PACK_DIR, EXPORT_DIR, SITE_DIR, DINAS_SCHOOLS_DIR, DINAS_SITE_DIR)
OUTPUT_TOP_FILES = (VALIDATION_REPORT, OUTPUT_MANIFEST, DINAS_REPORT, SCHOOL_SUMMARY)
# Folders of a school repository that hold sources: never (inside) an output directory.
SOURCE_DIRS = (RECORDS_DIR, SITE_SOURCES_DIR, TEMPLATES_DIR, SCHEMAS_DIR, ".git", ".github")

# File names of the documents rendered per person and periode, under pdf/<periode>/<id>/.
PDF_DOCUMENTS = {
    "rencana": "rencana-kinerja.pdf",
    "observasi": "lembar-observasi.pdf",
    "kompetensi": "pengembangan-kompetensi.pdf",
    "evaluasi": "evaluasi-kinerja.pdf",
    "angka_kredit": "konversi-angka-kredit.pdf",
}
RECAP_DOCUMENT = "rekap-kinerja-sekolah.pdf"  # under pdf/<periode>/


def pdf_periode_dir(periode: str) -> str:
    return f"{PDF_DIR}/{periode}"


def pdf_document(periode: str, owner: str, document: str) -> str:
    """One person's document, e.g. document="evaluasi": `pdf/2025/<id>/evaluasi-kinerja.pdf`."""
    return f"{pdf_periode_dir(periode)}/{owner}/{PDF_DOCUMENTS[document]}"


def pdf_recap(periode: str) -> str:
    """The school's recap of a periode: `pdf/2025/rekap-kinerja-sekolah.pdf`."""
    return f"{pdf_periode_dir(periode)}/{RECAP_DOCUMENT}"


def in_pdf_dir(pdf_dir: Path, rel: str) -> Path:
    """An output path below pdf/ (as returned here) inside a PDF folder given by the user."""
    return pdf_dir.joinpath(*rel.removeprefix(f"{PDF_DIR}/").split("/"))


def pdf_path(out_dir: Path, periode: str, owner: str, document: str) -> Path:
    """Where the build puts one person's document, e.g. document="evaluasi"."""
    return output(out_dir, pdf_document(periode, owner, document))


def pack(periode: str, owner: str | None) -> str:
    """A print pack: `cetak/2025/<id>.pdf`, or the whole school's (owner None) `sekolah.pdf`."""
    return f"{PACK_DIR}/{periode}/{owner or SCHOOL_PACK}{PDF_SUFFIX}"


CALENDAR_PREFIX, CALENDAR_SUFFIX = "kalender-", ".ics"


def calendar_file(periode: str) -> str:
    """The periode's deadlines per role, for calendar apps: `kalender-<periode>.ics`."""
    return f"{CALENDAR_PREFIX}{periode}{CALENDAR_SUFFIX}"


def is_calendar_file(name: str) -> bool:
    """Whether a name at the top of the output directory is one of the build's calendars."""
    middle = name.removeprefix(CALENDAR_PREFIX).removesuffix(CALENDAR_SUFFIX)
    return name == calendar_file(middle) and bool(_PERIODE.match(middle))


def export_bundle_name(npsn: str, periode: str) -> str:
    """The BKN hand-off bundle of a periode, in ekspor-bkn/: `kinerja-<npsn>-<periode>.zip`."""
    return f"kinerja-{npsn}-{periode}.zip"


def not_ready_stem(periode: str) -> str:
    """Who is not ready for export and why: `belum-siap-<periode>` + each of NOT_READY_FORMATS."""
    return f"belum-siap-{periode}"


def export_names(npsn: str, periode: str) -> set[str]:
    """The files the export writes for one periode, by name under ekspor-bkn/."""
    stem = not_ready_stem(periode)
    return {export_bundle_name(npsn, periode), *(stem + suffix for suffix in NOT_READY_FORMATS)}


def export_file(name: str) -> str:
    """A file of the export folder by its name: `ekspor-bkn/<name>`."""
    return f"{EXPORT_DIR}/{name}"


def output(out_dir: Path, rel: str) -> Path:
    """An output path (as returned here) inside the output directory."""
    return out_dir.joinpath(*rel.split("/"))
