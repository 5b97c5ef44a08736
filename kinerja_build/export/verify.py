"""`kinerja ekspor periksa`: verify a bundle's files, checksums, schemas and internal sums.

The bundle is untrusted input (it travels by e-mail and flash drive to the Dinas): entry names
are checked before anything is read, sizes are bounded before decompression, JSON is checked
against the schemas shipped with kinerja (not the copies inside the bundle, which could be
edited too), and every derived value is recomputed with `domain.py`.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import stat
import unicodedata
import zipfile
import zlib
from collections import Counter
from collections.abc import Collection, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema

from kinerja_build import domain, resources
from kinerja_build.diagnostics import Diagnostic
from kinerja_build.errors import UsageProblem
from kinerja_build.export.bundle import BUNDLE_SCHEMAS
from kinerja_build.schema import ecma_validator_class
from kinerja_build.severity import make

# A district's merged bundle holds one Dokumen Evaluasi per exported person: 2,000 schools of 60
# are 120,000 entries and some 2.5 GB. Entries are hashed as they stream, never held whole; only
# the JSON files are kept in memory, each bounded on its own.
MAX_ENTRIES = 250_000
MAX_TOTAL_BYTES = 16 * 1024**3
MAX_JSON_BYTES = 512 * 1024**2
CHUNK = 1024 * 1024
MAX_RATIO = 200  # deflate rarely exceeds ~20× on JSON/CSV/PDF; far more means a zip bomb
RATINGS = {code: key for key, code in domain.RATING_CODES.items()}
PREDIKAT_BY_CODE = {code: key for key, code in domain.PREDIKAT_CODES.items()}
JSON_FILES = {"kinerja-periodik.json", "skp-tahunan.json", "angka-kredit.json", "manifest.json"}


def verify(path: Path) -> list[Diagnostic]:
    """Every problem found in the bundle at `path` (empty: the bundle is sound)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a FIFO or device would block or never end
            raise UsageProblem(f"{path} bukan berkas biasa.")
        archive = zipfile.ZipFile(path)
    except FileNotFoundError as error:
        raise UsageProblem(f"Berkas {path} tidak ditemukan.") from error
    except (zipfile.BadZipFile, OSError) as error:
        raise UsageProblem(f"{path} bukan berkas zip yang dapat dibaca ({error}).") from error
    with archive:
        problems = list(_entries(archive, path.name))
        if problems:
            return problems  # never read from a bundle whose layout is already unsafe
        digests: dict[str, Digest] = {}
        texts: dict[str, bytes] = {}
        for info in archive.infolist():
            try:
                digests[info.filename], text = _read(archive, info, info.filename in JSON_FILES)
                if text is not None:
                    texts[info.filename] = text
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
                problems.append(
                    _problem(
                        "KIN823",
                        path.name,
                        f"Entri {info.filename} rusak dan tidak dapat dibaca ({error}).",
                        "Berkas rusak dalam pengiriman atau telah diubah; buat ulang dari records.",
                        info.filename,
                    )
                )
    damaged = {info.filename for info in archive.infolist()} - set(digests)
    return problems + list(_contents(digests, texts, path.name, damaged))


Digest = tuple[str, int]  # SHA-256 (hex) and size of an entry's content


def _read(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, keep: bool
) -> tuple[Digest, bytes | None]:
    """Hash an entry as it streams (bounded by its declared size: zipfile stops there, and
    checks the CRC at the end); its bytes are kept only when asked (the JSON files)."""
    digest, size, kept = hashlib.sha256(), 0, []
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            if keep:
                kept.append(chunk)
    return (digest.hexdigest(), size), b"".join(kept) if keep else None


def _problem(code: str, bundle: str, message: str, hint: str, entry: str = "") -> Diagnostic:
    where = f"{bundle}:{entry}" if entry else bundle
    return make(code, where, message, hint)


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
        why = _unsafe_entry(info)
        if why:
            yield _problem(
                "KIN820",
                bundle,
                f"Entri tidak aman ({why}): {name[:120]!a}.",
                "Berkas ekspor hanya memuat berkas biasa dengan jalur relatif sederhana; jangan "
                "diekstrak, minta berkas ekspor yang baru.",
                ascii(name[:120]),
            )
        # Two names that one unzip tool or file system would write to the same file.
        key = unicodedata.normalize("NFC", name).casefold()
        if key in seen:
            yield _problem(
                "KIN820",
                bundle,
                f"Entri ganda: {name[:120]!a}.",
                "Buat ulang berkas ekspor.",
                ascii(name[:120]),
            )
        seen.add(key)
        total += info.file_size
        if name in JSON_FILES and info.file_size > MAX_JSON_BYTES:
            yield _problem(
                "KIN821",
                bundle,
                f"{name} berukuran {info.file_size} byte setelah diekstrak, melebihi batas.",
                "Jangan ekstrak berkas ini; minta berkas ekspor yang baru.",
                name,
            )
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


MAX_NAME_CHARS = 200
_SYMLINK, _REGULAR, _FILE_TYPE = 0o120000, 0o100000, 0o170000


def _unsafe_entry(info: zipfile.ZipInfo) -> str:
    """Why an entry could extract as something else than the verified bytes, or ""."""
    name = info.filename
    parts = name.split("/")
    file_type = (info.external_attr >> 16) & _FILE_TYPE
    if info.flag_bits & 0x1:
        return "terenkripsi"
    if file_type == _SYMLINK:
        return "tautan simbolik"
    if file_type not in (0, _REGULAR) or name.endswith("/"):
        return "bukan berkas biasa"
    if len(name) > MAX_NAME_CHARS:
        return f"nama lebih dari {MAX_NAME_CHARS} karakter"
    if name.startswith("/") or "\\" in name or ":" in name:
        return "jalur mutlak atau garis miring terbalik"
    if any(part in ("", ".", "..") for part in parts):
        return "jalur dengan `.`, `..`, atau `//`"
    if any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in name):
        return "karakter kendali atau pengarah teks (bidi)"
    return ""


def _contents(
    files: Mapping[str, Digest],
    texts: Mapping[str, bytes],
    bundle: str,
    damaged: Collection[str] = (),
) -> Iterator[Diagnostic]:
    """`files`: every readable entry's digest; `texts`: the JSON files' bytes."""
    manifest = _json(texts, "manifest.json", bundle)
    if isinstance(manifest, Diagnostic):
        yield manifest
        return
    shape = list(_schema(manifest, "manifest", bundle, "manifest.json"))
    if shape:
        yield from shape
        return  # a manifest of the wrong shape cannot vouch for any checksum
    listed = {item["nama"]: item for item in manifest["berkas"]}
    for name, item in sorted(listed.items()):
        found = files.get(name)
        if name in damaged:
            continue  # already reported as unreadable
        if found is None:
            yield _problem(
                "KIN822",
                bundle,
                f"{name} tercantum di manifest tetapi tidak ada.",
                "Berkas ekspor tidak lengkap; buat ulang.",
                name,
            )
        elif found != (item["sha256"], item["ukuran"]):
            yield _problem(
                "KIN823",
                bundle,
                f"Isi {name} tidak cocok dengan SHA-256/ukuran di manifest.",
                "Berkas telah diubah setelah dibuat; buat ulang dari records.",
                name,
            )
    for name in sorted(set(files) - set(listed) - {"manifest.json"}):
        yield _problem(
            "KIN824",
            bundle,
            f"{name} tidak tercantum di manifest.",
            "Hapus berkas tambahan atau buat ulang berkas ekspor.",
            name,
        )
    data: dict[str, Any] = {}
    for name in sorted(JSON_FILES - {"manifest.json"}):
        if name not in files and name not in listed:
            yield _problem(
                "KIN822", bundle, f"{name} tidak ada.", "Berkas ekspor tidak lengkap.", name
            )
        if name not in texts:
            continue
        parsed = _json(texts, name, bundle)
        if isinstance(parsed, Diagnostic):
            yield parsed
            continue
        shape = list(_schema(parsed, name.removesuffix(".json"), bundle, name))
        yield from shape
        if not shape:  # only well-formed data is compared; the rest is already reported
            data[name] = parsed
    yield from _consistency(data, manifest, files, bundle)


def _json(files: Mapping[str, bytes], name: str, bundle: str) -> Any:
    if name not in files:
        return _problem(
            "KIN822", bundle, f"{name} tidak ada.", "Berkas ekspor tidak lengkap; buat ulang.", name
        )
    try:
        return json.loads(
            files[name].decode("utf-8"),
            parse_constant=_no_constant,
            object_pairs_hook=_unique_keys,
        )
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        return _problem(
            "KIN825",
            bundle,
            f"{name} bukan JSON yang sah ({str(error)[:120]}).",
            "Buat ulang berkas ekspor.",
            name,
        )


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Duplicate keys: readers disagree on which value counts, so the file is refused."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"kunci ganda {key[:60]!a}")
        result[key] = value
    return result


def _no_constant(text: str) -> Any:
    raise ValueError(f"{text} bukan angka JSON")  # NaN/Infinity: Python accepts, JSON does not


MAX_SCHEMA_ERRORS = 1_000


@functools.cache
def _validator(kind: str) -> Any:
    schema = json.loads(
        (resources.schemas_dir() / "ekspor" / f"{kind}.schema.json").read_text(encoding="utf-8")
    )
    # `$` as JSON Schema means it: a NIP with a trailing newline does not pass as 18 digits.
    return ecma_validator_class()(schema, format_checker=jsonschema.FormatChecker())


def _schema(value: Any, kind: str, bundle: str, name: str) -> Iterator[Diagnostic]:
    # A forged file can hold millions of errors: look at a bounded number, show the first few.
    scanned = list(itertools.islice(_validator(kind).iter_errors(value), MAX_SCHEMA_ERRORS))
    errors = sorted(scanned, key=lambda item: [str(part) for part in item.absolute_path])
    if len(scanned) == MAX_SCHEMA_ERRORS:
        yield _problem(
            "KIN825",
            bundle,
            f"{name} memuat lebih dari {MAX_SCHEMA_ERRORS} pelanggaran skema; hanya 20 pertama "
            "yang ditampilkan.",
            "Buat ulang berkas ekspor dengan kinerja.",
            name,
        )
    for error in errors[:20]:
        where = "/".join(str(part) for part in error.absolute_path) or "(akar)"
        yield _problem(
            "KIN825",
            bundle,
            f"{name} tidak sesuai skema di {where}: {error.message[:200]}",
            "Buat ulang berkas ekspor dengan kinerja.",
            name,
        )


def _consistency(
    data: dict[str, Any], manifest: dict[str, Any], files: Collection[str], bundle: str
) -> Iterator[Diagnostic]:
    """Each value recomputed from the values it derives from, within and across the files."""
    try:
        periode = domain.parse_periode(manifest["periode"])
    except domain.PeriodeError:
        yield _problem(
            "KIN826",
            bundle,
            f"Periode {manifest['periode']} di manifest tidak sah.",
            "Buat ulang berkas ekspor.",
            "manifest.json",
        )
        return
    periodik = data.get("kinerja-periodik.json")
    if periodik is not None:
        for index, row in enumerate(periodik):
            yield from _row(row, periode, manifest, files, bundle, f"kinerja-periodik.json#{index}")
        counted = Counter(row["nip"] for row in periodik)
        for nip in sorted(nip for nip, count in counted.items() if count > 1):
            yield _problem(
                "KIN826",
                bundle,
                f"NIP {nip} muncul lebih dari sekali di kinerja-periodik.json.",
                "Satu pegawai satu baris per periode; buat ulang berkas ekspor.",
                "kinerja-periodik.json",
            )
        yield from _counts(manifest, periodik, data.get("angka-kredit.json"), files, bundle)
        yield from _annual(data.get("skp-tahunan.json"), periodik, periode, bundle)
    yield from _credit(data.get("angka-kredit.json"), periodik, bundle)


def _row(
    row: dict[str, Any],
    periode: domain.Periode,
    manifest: dict[str, Any],
    files: Collection[str],
    bundle: str,
    where: str,
) -> Iterator[Diagnostic]:
    nip = row["nip"]
    predikat = domain.predikat(
        RATINGS[row["hasilKinerjaNilai"]], RATINGS[row["perilakuKerjaNilai"]]
    )
    expected = domain.PREDIKAT_CODES[predikat]
    if (row["kuadranKinerjaNilai"], row["predikat"]) != (
        expected,
        domain.PREDIKAT_LABELS[predikat],
    ):
        yield _problem(
            "KIN826",
            bundle,
            f"NIP {nip}: kuadran {row['kuadranKinerjaNilai']} ({row['predikat']}) tidak sesuai "
            f"matriks untuk rating {row['hasilKinerjaNilai']}/{row['perilakuKerjaNilai']} "
            f"(seharusnya {expected}, {domain.PREDIKAT_LABELS[predikat]}).",
            "Predikat harus mengikuti matriks PermenPANRB 6/2022; perbaiki penilaian dan buat ulang.",
            where,
        )
    stated = (
        row["periode"],
        row["bulanMulaiPenilaian"],
        row["bulanSelesaiPenilaian"],
        row["tahunMulaiPenilaian"],
        row["tahunSelesaiPenilaian"],
        row["tahun"],
        row["jenisPeriode"],
        row["npsn"],
    )
    wanted = (
        periode.id,
        periode.start.month,
        periode.end.month,
        periode.start.year,
        periode.end.year,
        periode.year,
        "semester" if periode.half else "tahunan",
        row["npsn"] if row["npsn"] in _district_npsns(manifest) else manifest["npsn"],
    )
    if stated != wanted:
        yield _problem(
            "KIN826",
            bundle,
            f"NIP {nip}: periode, bulan/tahun atau NPSN tidak sesuai manifest "
            f"({periode.id}, NPSN {manifest['npsn']}).",
            "Buat ulang berkas ekspor.",
            where,
        )
    for document in row["path"]:
        if document["dok_uri"] not in files:
            yield _problem(
                "KIN822",
                bundle,
                f"Dokumen {document['dok_uri']} dirujuk tetapi tidak ada.",
                "Berkas ekspor tidak lengkap; buat ulang.",
                where,
            )


def _district_npsns(manifest: dict[str, Any]) -> set[str]:
    """The schools of a district's merged bundle (empty for a school's own bundle)."""
    return {str(item["npsn"]) for item in manifest.get("sekolah", [])}


def _counts(
    manifest: dict[str, Any],
    periodik: list[dict[str, Any]],
    kredit: list[dict[str, Any]] | None,
    files: Collection[str],
    bundle: str,
) -> Iterator[Diagnostic]:
    actual = {
        "diekspor": len(periodik),
        "dokumen": sum(1 for name in files if name.startswith("dokumen/")),
    }
    if kredit is not None:
        actual["angka_kredit"] = len(kredit)
    for key, count in sorted(actual.items()):
        if manifest["jumlah"].get(key, count) != count:
            yield _problem(
                "KIN826",
                bundle,
                f"manifest.json: jumlah.{key} = {manifest['jumlah'][key]}, isi berkas {count}.",
                "Buat ulang berkas ekspor.",
                "manifest.json",
            )


def _annual(
    annual: list[dict[str, Any]] | None,
    periodik: list[dict[str, Any]],
    periode: domain.Periode,
    bundle: str,
) -> Iterator[Diagnostic]:
    if annual is None:
        return
    by_nip = {row["nip"]: row for row in periodik}
    keys = ("tahun", "hasilKinerjaNilai", "perilakuKerjaNilai", "kuadranKinerjaNilai")
    for index, item in enumerate(annual):
        row = by_nip.get(item["nip"])
        if periode.half or row is None or any(item[key] != row[key] for key in keys):
            yield _problem(
                "KIN826",
                bundle,
                f"NIP {item['nip']}: hasil tahunan tidak sesuai kinerja-periodik.json"
                + (" (periode semester tidak punya hasil tahunan)." if periode.half else "."),
                "Buat ulang berkas ekspor.",
                f"skp-tahunan.json#{index}",
            )


def _credit(
    items: list[dict[str, Any]] | None, periodik: list[dict[str, Any]] | None, bundle: str
) -> Iterator[Diagnostic]:
    if items is None:
        return
    by_nip = {row["nip"]: row for row in periodik or []}
    for index, item in enumerate(items):
        where = f"angka-kredit.json#{index}"
        predikat = PREDIKAT_BY_CODE[item["kuadranKinerjaNilai"]]
        jenjang, months = item["jenjangJabatan"], item["bulan"]
        coefficient, koefisien_id = domain.KOEFISIEN[jenjang]
        exact = domain.angka_kredit(predikat, jenjang, months)
        stated = item["angkaKredit"]
        row = by_nip.get(item["nip"])
        if (
            not domain.ak_matches(stated, exact)
            or Decimal(str(stated)) != Decimal(str(item["kreditUtamaBaru"]))
            or item["koefisienId"] != koefisien_id
            or Decimal(str(item["koefisien"])) != coefficient
            or item["persentase"] != domain.PREDIKAT_PERCENT[predikat]
        ):
            yield _problem(
                "KIN827",
                bundle,
                f"NIP {item['nip']}: angka kredit {stated} tidak sesuai rumus "
                f"({months}/12 × {domain.PREDIKAT_PERCENT[predikat]}% × {coefficient} = "
                f"{domain.round_ak(exact)}, koefisienId {koefisien_id}).",
                "Buat ulang berkas ekspor dari records.",
                where,
            )
        if periodik is not None and (
            row is None
            or row["statusKepegawaian"] != "pns"
            or (row["kuadranKinerjaNilai"], row["koefisienId"])
            != (item["kuadranKinerjaNilai"], item["koefisienId"])
        ):
            yield _problem(
                "KIN827",
                bundle,
                f"NIP {item['nip']}: angka kredit tanpa baris PNS yang sama (kuadran, koefisienId) "
                "di kinerja-periodik.json.",
                "Angka kredit hanya untuk PNS yang diekspor; buat ulang berkas ekspor.",
                where,
            )
    credited = {item["nip"] for item in items}
    for row in periodik or []:
        if row["statusKepegawaian"] == "pns" and row["nip"] not in credited:
            yield _problem(
                "KIN827",
                bundle,
                f"NIP {row['nip']}: PNS yang diekspor tanpa angka kredit.",
                "Buat ulang berkas ekspor dari records.",
                "angka-kredit.json",
            )


__all__ = ["BUNDLE_SCHEMAS", "verify"]
