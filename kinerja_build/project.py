"""Find the record files of a school repository and place each in the records layout
(layout.py says where each kind lives).

Nothing outside the root is read: a symlink that leads outside is reported and skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kinerja_build import layout
from kinerja_build.diagnostics import Diagnostic
from kinerja_build.layout import RECORDS_DIR, SCHOOL_RECORD, RecordKind
from kinerja_build.load import is_inside
from kinerja_build.severity import make

MAX_FILES = 200_000
QUIET_DOTFILES = (".gitkeep",)  # git's placeholder for an empty folder: nothing to report
_DOTFILE = (
    "Berkas atau folder yang namanya diawali titik diabaikan; isinya tidak diperiksa.",
    "Hapus titik di awal nama bila ini catatan, atau pindahkan berkas ini ke luar records/.",
)
_FOLDER = (
    "Folder ini bernama seperti berkas catatan; folder diabaikan sebagai catatan.",
    "Catatan adalah berkas, bukan folder. Ganti nama folder ini atau pindahkan isinya.",
)
_CASE = (
    "Akhiran nama berkas ini tidak ditulis dengan huruf kecil; berkas diabaikan.",
    "Ganti akhirannya menjadi `.yaml` (huruf kecil), mis. `rencana.yaml`.",
)


@dataclass(frozen=True, slots=True)
class Found:
    """A record file and the place it occupies in the layout."""

    kind: RecordKind
    absolute: Path
    rel: str
    periode: str | None = None
    owner: str | None = None


def _error(code: str, rel: str, message: str, hint: str) -> Diagnostic:
    return make(code, rel, message, hint)


def discover(root: Path) -> tuple[list[Found], list[Diagnostic]]:
    """All record files under root/records, sorted, plus layout problems."""
    records = layout.records_dir(root)
    found: list[Found] = []
    problems: list[Diagnostic] = []
    if records.is_symlink():
        problems.append(
            _error(
                "KIN009",
                RECORDS_DIR,
                f"Folder `{RECORDS_DIR}/` adalah tautan simbolik; isinya tidak dibaca.",
                f"Simpan catatan di folder `{RECORDS_DIR}/` yang sebenarnya di dalam repositori, "
                "bukan tautan ke tempat lain.",
            )
        )
        return found, problems
    if not records.is_dir():
        problems.append(
            _error(
                "KIN012",
                RECORDS_DIR,
                f"Folder `{RECORDS_DIR}/` tidak ditemukan di {root}.",
                "Jalankan perintah dari akar repositori sekolah, beri `--root DIR`, atau buat "
                "repositori baru dengan `kinerja init DIR`.",
            )
        )
        return found, problems
    prefix = len(os.path.join(root, ""))  # `_walk` yields paths below root: slicing = relative_to
    for absolute in _walk(root, records, problems):
        rel = str(absolute)[prefix:].replace(os.sep, "/")
        placed = _place(absolute, rel)
        if isinstance(placed, Found):
            found.append(placed)
        else:
            problems.append(placed)
    if not any(item.kind is RecordKind.SEKOLAH for item in found) and not any(
        d.file == SCHOOL_RECORD for d in problems
    ):
        problems.append(
            _error(
                "KIN012",
                SCHOOL_RECORD,
                f"Berkas data sekolah `{SCHOOL_RECORD}` tidak ada.",
                "Buat berkas ini (lihat contoh dari `kinerja init`): NPSN, nama sekolah, Dinas "
                "Pendidikan, dan riwayat kepala sekolah diperlukan untuk menentukan atasan.",
            )
        )
    found.sort(key=lambda item: item.rel)
    return found, problems


def _walk(root: Path, directory: Path, problems: list[Diagnostic]) -> Iterator[Path]:
    """YAML files below `directory`, never following a link out of the root."""
    stack = [directory]
    count = 0
    while stack:
        current = stack.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda entry: entry.name)
        except OSError as error:
            rel = Path(current).relative_to(root).as_posix()
            problems.append(
                _error(
                    "KIN012",
                    rel,
                    f"Folder tidak dapat dibaca: {error.strerror}.",
                    "Periksa izin folder.",
                )
            )
            continue
        for entry in entries:
            if entry.name.startswith("."):
                if entry.name not in QUIET_DOTFILES:
                    problems.append(
                        _ignored(Path(entry.path).relative_to(root).as_posix(), _DOTFILE)
                    )
                continue
            path = Path(entry.path)
            if not entry.name.isprintable():  # control characters or undecodable bytes
                problems.append(
                    _error(
                        "KIN010",
                        path.relative_to(root).as_posix(),
                        "Nama berkas atau folder mengandung karakter yang tidak sah; isinya tidak dibaca.",
                        "Ganti nama berkas dengan huruf, angka, dan tanda hubung saja.",
                    )
                )
                continue
            if entry.is_symlink() and not is_inside(root, path):
                problems.append(
                    _error(
                        "KIN009",
                        path.relative_to(root).as_posix(),
                        "Tautan simbolik ini menunjuk ke luar repositori; isinya tidak dibaca.",
                        "Salin berkasnya ke dalam repositori atau hapus tautan ini.",
                    )
                )
                continue
            if entry.is_dir():
                if layout.is_record_name(entry.name.lower()):
                    problems.append(_ignored(path.relative_to(root).as_posix(), _FOLDER))
                if not entry.is_symlink():
                    stack.append(path)
                continue
            if not layout.is_record_name(entry.name) and layout.is_record_name(entry.name.lower()):
                problems.append(_ignored(path.relative_to(root).as_posix(), _CASE))
            if layout.is_record_name(entry.name):
                count += 1
                if count > MAX_FILES:
                    problems.append(
                        _error(
                            "KIN005",
                            RECORDS_DIR,
                            f"Terlalu banyak berkas YAML di {RECORDS_DIR}/ (lebih dari {MAX_FILES}).",
                            f"Periksa apakah ada folder yang tidak semestinya di dalam {RECORDS_DIR}/.",
                        )
                    )
                    return
                yield path


def _place(absolute: Path, rel: str) -> Found | Diagnostic:
    place = layout.parse_record_path(rel)
    if isinstance(place, layout.Misplaced):
        return _unknown(rel, place.hint)
    return Found(place.kind, absolute, rel, place.periode, place.owner)


def _ignored(rel: str, why: tuple[str, str]) -> Diagnostic:
    return _error("KIN015", rel, why[0], why[1])


def _unknown(rel: str, hint: str) -> Diagnostic:
    return _error("KIN010", rel, "Berkas YAML ini tidak berada di tempat yang dikenal.", hint)
