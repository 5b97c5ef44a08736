"""`kinerja ekspor periksa`: verify a bundle's files, checksums, schemas and internal sums.

The bundle is untrusted input (it travels by e-mail and flash drive to the Dinas): entry names
are checked before anything is read, sizes are bounded before decompression, JSON is checked
against the schemas shipped with kinerja (not the copies inside the bundle, which could be
edited too), and every derived value is recomputed with `domain.py`.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema

from kinerja_build import domain, resources
from kinerja_build.diagnostics import Diagnostic, Severity
from kinerja_build.errors import UsageProblem
from kinerja_build.export.bundle import BUNDLE_SCHEMAS

MAX_ENTRIES = 10_000
MAX_TOTAL_BYTES = 512 * 1024 * 1024
MAX_RATIO = 200  # deflate rarely exceeds ~20× on JSON/CSV/PDF; far more means a zip bomb
JSON_FILES = {"kinerja-periodik.json", "skp-tahunan.json", "angka-kredit.json", "manifest.json"}


def verify(path: Path) -> list[Diagnostic]:
    """Every problem found in the bundle at `path` (empty: the bundle is sound)."""
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError as error:
        raise UsageProblem(f"Berkas {path} tidak ditemukan.") from error
    except (zipfile.BadZipFile, OSError) as error:
        raise UsageProblem(f"{path} bukan berkas zip yang dapat dibaca ({error}).") from error
    with archive:
        problems = list(_entries(archive, path.name))
        if problems:
            return problems  # never read from a bundle whose layout is already unsafe
        contents = {info.filename: archive.read(info) for info in archive.infolist()}
    return list(_contents(contents, path.name))


def _problem(code: str, bundle: str, message: str, hint: str, entry: str = "") -> Diagnostic:
    where = f"{bundle}:{entry}" if entry else bundle
    return Diagnostic(code, Severity.ERROR, where, message, hint)


def _entries(archive: zipfile.ZipFile, bundle: str) -> Iterator[Diagnostic]:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        yield _problem(
            "KIN821", bundle, f"Berisi {len(infos)} entri.", "Bukan berkas ekspor kinerja."
        )
        return
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        unsafe = (
            name.startswith(("/", "\\"))
            or "\\" in name
            or ".." in name.split("/")
            or ":" in name
            or any(ord(char) < 32 for char in name)
        )
        if unsafe:
            yield _problem(
                "KIN820",
                bundle,
                f"Nama entri tidak aman: {name!r}.",
                "Berkas ekspor hanya memuat jalur relatif tanpa `..`; jangan diekstrak.",
                name,
            )
        if name in seen:
            yield _problem(
                "KIN820", bundle, f"Entri ganda: {name!r}.", "Buat ulang berkas ekspor.", name
            )
        seen.add(name)
        total += info.file_size
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
            yield _problem(
                "KIN821",
                bundle,
                f"Rasio kompresi {name} tidak wajar (kemungkinan bom zip).",
                "Jangan ekstrak berkas ini; minta berkas ekspor yang baru.",
                name,
            )
    if total > MAX_TOTAL_BYTES:
        yield _problem(
            "KIN821",
            bundle,
            f"Ukuran total setelah diekstrak {total} byte, melebihi batas.",
            "Jangan ekstrak berkas ini; minta berkas ekspor yang baru.",
        )


def _contents(files: dict[str, bytes], bundle: str) -> Iterator[Diagnostic]:
    manifest = _json(files, "manifest.json", bundle)
    if isinstance(manifest, Diagnostic):
        yield manifest
        return
    yield from _schema(manifest, "manifest", bundle, "manifest.json")
    listed = {
        item.get("nama"): item for item in manifest.get("berkas", []) if isinstance(item, dict)
    }
    for name, item in sorted(listed.items(), key=lambda pair: str(pair[0])):
        content = files.get(str(name))
        if content is None:
            yield _problem(
                "KIN822",
                bundle,
                f"{name} tercantum di manifest tetapi tidak ada.",
                "Berkas ekspor tidak lengkap; buat ulang.",
                str(name),
            )
        elif hashlib.sha256(content).hexdigest() != item.get("sha256") or len(content) != item.get(
            "ukuran"
        ):
            yield _problem(
                "KIN823",
                bundle,
                f"Isi {name} tidak cocok dengan SHA-256/ukuran di manifest.",
                "Berkas telah diubah setelah dibuat; buat ulang dari records.",
                str(name),
            )
    for name in sorted(set(files) - set(listed) - {"manifest.json"}):
        yield _problem(
            "KIN824",
            bundle,
            f"{name} tidak tercantum di manifest.",
            "Hapus berkas tambahan atau buat ulang berkas ekspor.",
            name,
        )
    data = {}
    for name in sorted(JSON_FILES - {"manifest.json"}):
        if name not in files:
            continue
        parsed = _json(files, name, bundle)
        if isinstance(parsed, Diagnostic):
            yield parsed
            continue
        yield from _schema(parsed, name.removesuffix(".json"), bundle, name)
        data[name] = parsed
    yield from _consistency(data, manifest, files, bundle)


def _json(files: dict[str, bytes], name: str, bundle: str) -> Any:
    if name not in files:
        return _problem(
            "KIN822", bundle, f"{name} tidak ada.", "Berkas ekspor tidak lengkap; buat ulang.", name
        )
    try:
        return json.loads(files[name].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        return _problem(
            "KIN825",
            bundle,
            f"{name} bukan JSON yang sah ({error}).",
            "Buat ulang berkas ekspor.",
            name,
        )


def _schema(value: Any, kind: str, bundle: str, name: str) -> Iterator[Diagnostic]:
    schema = json.loads(
        (resources.schemas_dir() / "ekspor" / f"{kind}.schema.json").read_text(encoding="utf-8")
    )
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    for error in sorted(validator.iter_errors(value), key=lambda item: list(item.absolute_path))[
        :20
    ]:
        where = "/".join(str(part) for part in error.absolute_path) or "(akar)"
        yield _problem(
            "KIN825",
            bundle,
            f"{name} tidak sesuai skema di {where}: {error.message}",
            "Buat ulang berkas ekspor dengan kinerja.",
            name,
        )


def _consistency(
    data: dict[str, Any], manifest: dict[str, Any], files: dict[str, bytes], bundle: str
) -> Iterator[Diagnostic]:
    periodik = data.get("kinerja-periodik.json")
    if not isinstance(periodik, list):
        return
    try:
        periode = domain.parse_periode(str(manifest.get("periode")))
    except domain.PeriodeError:
        yield _problem(
            "KIN826",
            bundle,
            "Periode di manifest tidak sah.",
            "Buat ulang berkas ekspor.",
            "manifest.json",
        )
        return
    ratings: dict[Any, str] = {code: key for key, code in domain.RATING_CODES.items()}
    for index, row in enumerate(periodik):
        if not isinstance(row, dict):
            continue
        where = f"kinerja-periodik.json#{index}"
        hasil, perilaku = (
            ratings.get(row.get("hasilKinerjaNilai")),
            ratings.get(row.get("perilakuKerjaNilai")),
        )
        if hasil and perilaku:
            expected = domain.PREDIKAT_CODES[domain.predikat(hasil, perilaku)]
            if row.get("kuadranKinerjaNilai") != expected:
                yield _problem(
                    "KIN826",
                    bundle,
                    f"NIP {row.get('nip')}: kuadran {row.get('kuadranKinerjaNilai')} tidak sesuai matriks "
                    f"untuk rating {row.get('hasilKinerjaNilai')}/{row.get('perilakuKerjaNilai')} "
                    f"(seharusnya {expected}).",
                    "Predikat harus mengikuti matriks PermenPANRB 6/2022; perbaiki penilaian dan buat ulang.",
                    where,
                )
        months = (
            row.get("bulanMulaiPenilaian"),
            row.get("bulanSelesaiPenilaian"),
            row.get("tahun"),
        )
        if (
            months != (periode.start.month, periode.end.month, periode.year)
            or row.get("periode") != periode.id
        ):
            message = f"NIP {row.get('nip')}: bulan/tahun tidak sesuai periode {periode.id}."
            yield _problem("KIN826", bundle, message, "Buat ulang berkas ekspor.", where)
        for document in row.get("path") or []:
            if isinstance(document, dict) and document.get("dok_uri") not in files:
                yield _problem(
                    "KIN822",
                    bundle,
                    f"Dokumen {document.get('dok_uri')} dirujuk tetapi tidak ada.",
                    "Berkas ekspor tidak lengkap; buat ulang.",
                    where,
                )
    yield from _credit(data.get("angka-kredit.json"), bundle)


def _credit(items: Any, bundle: str) -> Iterator[Diagnostic]:
    if not isinstance(items, list):
        return
    predikat_by_code: dict[Any, str] = {code: key for key, code in domain.PREDIKAT_CODES.items()}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        predikat = predikat_by_code.get(item.get("kuadranKinerjaNilai"))
        jenjang, months = item.get("jenjangJabatan"), item.get("bulan")
        if predikat is None or jenjang not in domain.KOEFISIEN or not isinstance(months, int):
            continue
        exact = domain.angka_kredit(predikat, jenjang, months)
        stated = item.get("angkaKredit")
        wrong_value = not isinstance(stated, int | float) or not domain.ak_matches(stated, exact)
        if wrong_value or item.get("koefisienId") != domain.KOEFISIEN[jenjang][1]:
            yield _problem(
                "KIN827",
                bundle,
                f"NIP {item.get('nip')}: angka kredit {stated} tidak sesuai rumus "
                f"({months}/12 × {domain.PREDIKAT_PERCENT[predikat]}% × {domain.KOEFISIEN[jenjang][0]} = "
                f"{domain.round_ak(exact)}) atau koefisienId salah.",
                "Buat ulang berkas ekspor dari records.",
                f"angka-kredit.json#{index}",
            )
        if isinstance(stated, int | float) and Decimal(str(stated)) != Decimal(
            str(item.get("kreditUtamaBaru"))
        ):
            yield _problem(
                "KIN827",
                bundle,
                f"NIP {item.get('nip')}: kreditUtamaBaru berbeda dari angkaKredit.",
                "Buat ulang berkas ekspor dari records.",
                f"angka-kredit.json#{index}",
            )


__all__ = ["BUNDLE_SCHEMAS", "verify"]
