"""Find the record files of a school repository and place each in the records layout.

    records/sekolah.yaml
    records/pegawai/<id>.yaml
    records/kinerja/<periode>/<id>/<jenis>.yaml

Nothing outside the root is read: a symlink that leads outside is reported and skipped.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kinerja_build.diagnostics import Diagnostic, Severity
from kinerja_build.load import is_inside
from kinerja_build.model import PERIOD_KINDS

RECORDS_DIR = "records"
YAML_SUFFIXES = (".yaml", ".yml")
_ID = re.compile(r"^([0-9]{18}|[a-z][a-z0-9]*(-[a-z0-9]+)*)$")
_PERIODE_DIR = re.compile(r"^[0-9]{4}(-[12])?$")
MAX_FILES = 200_000


@dataclass(frozen=True, slots=True)
class Found:
    """A record file and the place it occupies in the layout."""

    kind: str
    absolute: Path
    rel: str
    periode: str | None = None
    owner: str | None = None


def _error(code: str, rel: str, message: str, hint: str) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, rel, message, hint)


def discover(root: Path) -> tuple[list[Found], list[Diagnostic]]:
    """All record files under root/records, sorted, plus layout problems."""
    records = root / RECORDS_DIR
    found: list[Found] = []
    problems: list[Diagnostic] = []
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
    for absolute in _walk(root, records, problems):
        rel = absolute.relative_to(root).as_posix()
        placed = _place(absolute, rel)
        if isinstance(placed, Found):
            found.append(placed)
        else:
            problems.append(placed)
    if not any(item.kind == "sekolah" for item in found) and not any(
        d.file == f"{RECORDS_DIR}/sekolah.yaml" for d in problems
    ):
        problems.append(
            _error(
                "KIN012",
                f"{RECORDS_DIR}/sekolah.yaml",
                "Berkas data sekolah `records/sekolah.yaml` tidak ada.",
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
            path = Path(entry.path)
            if entry.name.startswith("."):
                continue
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
                if not entry.is_symlink():
                    stack.append(path)
                continue
            if entry.name.endswith(YAML_SUFFIXES):
                count += 1
                if count > MAX_FILES:
                    problems.append(
                        _error(
                            "KIN005",
                            RECORDS_DIR,
                            f"Terlalu banyak berkas YAML di records/ (lebih dari {MAX_FILES}).",
                            "Periksa apakah ada folder yang tidak semestinya di dalam records/.",
                        )
                    )
                    return
                yield path


def _place(absolute: Path, rel: str) -> Found | Diagnostic:
    parts = rel.split("/")[1:]  # drop "records"
    name = parts[-1]
    if not name.endswith(".yaml"):
        return _unknown(rel, "Gunakan akhiran `.yaml` (bukan `.yml`).")
    stem = name.removesuffix(".yaml")
    if parts == ["sekolah.yaml"]:
        return Found("sekolah", absolute, rel)
    if len(parts) == 2 and parts[0] == "pegawai":
        if not _ID.match(stem):
            return _unknown(
                rel,
                "Nama berkas pegawai adalah NIP 18 digit atau ID non-ASN berhuruf kecil dengan "
                "tanda hubung, mis. `non-asn-rina-marlina.yaml`.",
            )
        return Found("pegawai", absolute, rel, owner=stem)
    if len(parts) == 4 and parts[0] == "kinerja":
        periode, owner = parts[1], parts[2]
        if not _PERIODE_DIR.match(periode):
            return _unknown(rel, "Folder periode bernama `2024-1`, `2024-2`, `2025`, `2026`, ….")
        if not _ID.match(owner):
            return _unknown(
                rel, "Folder orang bernama NIP atau ID non-ASN yang sama dengan records/pegawai/."
            )
        if stem not in PERIOD_KINDS:
            return _unknown(
                rel, f"Nama berkas yang dikenal: {', '.join(k + '.yaml' for k in PERIOD_KINDS)}."
            )
        return Found(stem, absolute, rel, periode=periode, owner=owner)
    return _unknown(
        rel,
        "Letakkan catatan di records/sekolah.yaml, records/pegawai/<id>.yaml, atau "
        "records/kinerja/<periode>/<id>/<jenis>.yaml.",
    )


def _unknown(rel: str, hint: str) -> Diagnostic:
    return _error("KIN010", rel, "Berkas YAML ini tidak berada di tempat yang dikenal.", hint)
