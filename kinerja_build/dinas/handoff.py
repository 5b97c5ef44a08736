"""The district's BKN hand-off: one merged bundle and one not-ready list per periode.

The merged bundle has the layout of a school bundle (so `kinerja ekspor periksa` verifies it):
rows from every school's own bundle, each carrying its NPSN, with each exported person's
Dokumen Evaluasi; the manifest lists the schools. NIPs found in two schools are left out and
listed as not ready (KIN953) until the Dinas settles which school is theirs.

Incremental: each output has an input key (what it is made of). A bundle's key covers kinerja's
version, the Dinas code, the periode, the NIPs left out, and each contributing school's NPSN,
name, commit and the SHA-256 of its own bundle (reproducible, so a school rebuilt without a
change to its export keeps its digest); a not-ready list's key is its CSV content. When the key
is the one recorded last time (ekspor-bkn/.kinerja-dinas-ekspor.json) and the file is still
there, it is not made again: most daily edits (plans, observations, reflections) change no
hand-off at all.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kinerja_build import __version__, domain, layout
from kinerja_build.dinas.checks import duplicate_nips
from kinerja_build.dinas.config import DistrictConfig
from kinerja_build.dinas.task import SCHOOLS_DIR
from kinerja_build.errors import UsageProblem
from kinerja_build.export import (
    NOT_READY_HEADER,
    output_names,
    prune_stale,
    zip_time,
)
from kinerja_build.export import bundle as bundles
from kinerja_build.output import atomic_stream, read_own_json, write_atomic

Summary = dict[str, Any]
JSON_PARTS = ("kinerja-periodik.json", "skp-tahunan.json", "angka-kredit.json")
CSV_PARTS = ("pegawai", "penilaian")
NOT_READY_DISTRICT_HEADER = ["NPSN", "Nama sekolah", *NOT_READY_HEADER]


STATE_FORMAT = 1
STATE_MAX_BYTES = 1024 * 1024  # a few keys per periode


@dataclass(slots=True)
class Handoff:
    """What the district export wrote (or kept) and counted, per periode."""

    periode: str
    bundle: Path | None = None
    not_ready: list[Path] = field(default_factory=list)
    exported: int = 0
    not_ready_rows: int = 0
    documents: int = 0
    bundle_key: str = ""
    not_ready_key: str = ""
    reused: bool = False  # the bundle was not made again: its inputs did not change

    def state(self) -> dict[str, Any]:
        return {
            "kunci": self.bundle_key,
            "diekspor": self.exported,
            "dokumen": self.documents,
            "kunci_belum_siap": self.not_ready_key,
            "baris_belum_siap": self.not_ready_rows,
        }


def owner(config: DistrictConfig) -> str:
    """The id in the merged bundle's name and manifest: dinas-<kode>."""
    return f"dinas-{config.kode}"


def write_handoffs(
    config: DistrictConfig,
    out_dir: Path,
    summaries: Sequence[Summary],
    source_date_epoch: int | None,
) -> tuple[list[Handoff], list[str]]:
    """Merged bundle and not-ready list of every periode; returns them and the stale files removed."""
    periodes = sorted({p for s in summaries for p in s.get("periode", {})})
    duplicates = set(duplicate_nips(summaries))
    previous = _read_state(out_dir)
    written: list[Path] = []
    expected: set[str] = set()
    results = []
    for periode_id in periodes:
        try:
            periode = domain.parse_periode(periode_id)
        except domain.PeriodeError:
            continue
        expected |= output_names(owner(config), periode.id)
        last = previous.get(periode.id, {})
        handoff = _bundle(config, out_dir, summaries, periode, duplicates, source_date_epoch, last)
        _not_ready(out_dir, summaries, handoff, duplicates, last)
        written.extend([*([handoff.bundle] if handoff.bundle else []), *handoff.not_ready])
        results.append(handoff)
    removed = prune_stale(out_dir, expected, written)
    _write_state(out_dir, results)
    return results, removed


def _read_state(out_dir: Path) -> dict[str, dict[str, Any]]:
    path = layout.output(out_dir, layout.export_file(layout.DINAS_EXPORT_STATE))
    data = read_own_json(path, max_bytes=STATE_MAX_BYTES)
    if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
        return {}
    periodes = data.get("periode")
    if not isinstance(periodes, dict):
        return {}
    return {key: value for key, value in periodes.items() if isinstance(value, dict)}


def _write_state(out_dir: Path, handoffs: list[Handoff]) -> None:
    state = {"format": STATE_FORMAT, "periode": {h.periode: h.state() for h in handoffs}}
    content = json.dumps(state, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    write_atomic(out_dir, layout.export_file(layout.DINAS_EXPORT_STATE), content.encode())


def _contributors(
    out_dir: Path, summaries: Sequence[Summary], periode_id: str
) -> list[tuple[Summary, Path]]:
    """The schools whose own bundle of this periode goes into the merged one, in order."""
    found = []
    for summary in summaries:
        info = summary.get("periode", {}).get(periode_id)
        if summary["status"] != "ok" or not info or not info.get("bundel"):
            continue
        path = out_dir / SCHOOLS_DIR / summary["id"] / info["bundel"]
        if path.is_file():
            found.append((summary, path))
    return found


def _bundle_key(
    config: DistrictConfig,
    periode_id: str,
    contributors: list[tuple[Summary, Path]],
    duplicates: set[str],
    source_date_epoch: int | None,
) -> str:
    schools = [
        [
            summary["id"],
            summary.get("npsn"),
            summary.get("nama"),
            summary.get("commit"),
            summary["periode"][periode_id].get("bundel_sha256"),
        ]
        for summary, _path in contributors
    ]
    if any(school[-1] is None for school in schools):
        return ""  # a summary from before digests were recorded: always rebuild
    parts = [__version__, owner(config), periode_id, sorted(duplicates), source_date_epoch, schools]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def _bundle(
    config: DistrictConfig,
    out_dir: Path,
    summaries: Sequence[Summary],
    periode: domain.Periode,
    duplicates: set[str],
    source_date_epoch: int | None,
    last: dict[str, Any],
) -> Handoff:
    handoff = Handoff(periode.id)
    contributors = _contributors(out_dir, summaries, periode.id)
    handoff.bundle_key = _bundle_key(
        config, periode.id, contributors, duplicates, source_date_epoch
    )
    name = layout.export_bundle_name(owner(config), periode.id)
    target = layout.output(out_dir, layout.export_file(name))
    exported, documents_ = last.get("diekspor"), last.get("dokumen")
    if (
        handoff.bundle_key
        and last.get("kunci") == handoff.bundle_key
        and isinstance(exported, int)
        and isinstance(documents_, int)
        and target.is_file()
    ):
        handoff.bundle, handoff.exported, handoff.documents = target, exported, documents_
        handoff.reused = True
        return handoff
    bundle = bundles.Bundle(periode, owner(config))
    merged: dict[str, list[Any]] = {name: [] for name in JSON_PARTS}
    tables: dict[str, tuple[list[str], list[list[str]]]] = {}
    documents = _Documents()
    schools = []
    for summary, path in contributors:
        with zipfile.ZipFile(path) as archive:
            _merge_school(archive, path, duplicates, merged, tables, documents)
        schools.append(
            {"npsn": summary["npsn"], "nama": summary["nama"], "git_commit": summary.get("commit")}
        )
    merged["kinerja-periodik.json"].sort(key=lambda row: (row["npsn"], row["nip"]))
    for name, rows in merged.items():
        bundle.files[name] = bundles.to_json(rows)
    for name, (header, records) in tables.items():
        bundle.files.update(bundles.tables_files(name, (header, records)))
    bundle.files.update(bundles.schema_files())
    handoff.exported = len(merged["kinerja-periodik.json"])
    handoff.documents = len(documents.sources)
    if duplicates:
        bundle.notes.append(
            f"{len(duplicates)} NIP tercatat di lebih dari satu sekolah dan tidak dimuat; "
            "lihat daftar belum siap."
        )
    if periode.half:
        bundle.notes.append("Periode semester: skp-tahunan.json kosong.")
    counts = {
        "diekspor": handoff.exported,
        "dokumen": handoff.documents,
        "angka_kredit": len(merged["angka-kredit.json"]),
        "sekolah": len(schools),
    }
    digests = documents.digests()
    bundle.files["manifest.json"] = bundles.manifest(
        bundle, counts, None, sekolah=schools, elsewhere=digests
    )
    stamp = zip_time(source_date_epoch)
    with documents, atomic_stream(out_dir, layout.export_file(bundle.name)) as (stream, target):
        bundles.write_zip(stream, _entries(bundle, documents, digests), stamp)
    handoff.bundle = target
    return handoff


class _Documents:
    """The Dokumen Evaluasi of the merged bundle, read from the schools' bundles when written.

    With PDFs a district's hand-off carries one document per exported person (about 21 KB
    each, 1 GB for 1,000 schools): they are copied one at a time, never all held in memory.
    Their digests for the merged manifest come from each school bundle's own manifest (the
    same bytes), so documents are read once, when copied, and checked against them then.
    """

    OPEN_AT_ONCE = 32

    def __init__(self) -> None:
        self.sources: dict[str, Path] = {}  # entry name -> the school bundle holding it
        self.listed: dict[str, tuple[str, int]] = {}  # SHA-256 and size in the school manifest
        self.open: dict[Path, zipfile.ZipFile] = {}

    def add(self, name: str, path: Path, listed: tuple[str, int] | None) -> None:
        self.sources[name] = path
        if listed is not None:
            self.listed[name] = listed

    def read(self, name: str) -> bytes:
        path = self.sources[name]
        archive = self.open.pop(path, None)
        if archive is None:
            if len(self.open) >= self.OPEN_AT_ONCE:
                oldest = next(iter(self.open))
                self.open.pop(oldest).close()
            archive = zipfile.ZipFile(path)
        self.open[path] = archive  # most recently used last
        return archive.read(name)

    def digests(self) -> dict[str, tuple[str, int]]:
        """SHA-256 and size of every document, for the manifest: as its school listed it, or
        read here for one its school's manifest does not list."""
        found = dict(self.listed)
        for name in sorted(set(self.sources) - set(found)):
            content = self.read(name)
            found[name] = (hashlib.sha256(content).hexdigest(), len(content))
        self.close()
        return found

    def close(self) -> None:
        for archive in self.open.values():
            archive.close()
        self.open.clear()

    def __enter__(self) -> _Documents:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _entries(
    bundle: bundles.Bundle, documents: _Documents, digests: dict[str, tuple[str, int]]
) -> Iterator[tuple[str, bytes]]:
    """Every entry in name order, documents read as their turn comes (and checked)."""
    for name in sorted([*bundle.files, *documents.sources]):
        if name in bundle.files:
            yield name, bundle.files[name]
            continue
        content = documents.read(name)
        if (hashlib.sha256(content).hexdigest(), len(content)) != digests[name]:
            raise UsageProblem(
                f"{name} di {documents.sources[name]} tidak cocok dengan SHA-256/ukuran di "
                "manifest sekolahnya: berkas itu rusak, atau berubah selama berkas gabungan "
                "ditulis. Jangan jalankan dua `kinerja dinas build` sekaligus pada folder yang "
                "sama; hapus folder sekolah itu di keluaran lalu jalankan ulang."
            )
        yield name, content


def _not_ready(
    out_dir: Path,
    summaries: Sequence[Summary],
    handoff: Handoff,
    duplicates: set[str],
    last: dict[str, Any],
) -> None:
    """The not-ready list; its workbook is made only when the rows changed (the CSV's digest)."""
    rows = _not_ready_rows(summaries, handoff.periode, duplicates)
    handoff.not_ready_rows = len(rows)
    stem = layout.not_ready_stem(handoff.periode)
    csv_bytes = bundles.to_csv(NOT_READY_DISTRICT_HEADER, rows)
    handoff.not_ready_key = hashlib.sha256(csv_bytes).hexdigest()
    targets = [
        layout.output(out_dir, layout.export_file(stem + suffix))
        for suffix in layout.NOT_READY_FORMATS
    ]
    if last.get("kunci_belum_siap") == handoff.not_ready_key and all(
        target.is_file() for target in targets
    ):
        handoff.not_ready = targets
        return
    for name, content in bundles.tables_files(stem, (NOT_READY_DISTRICT_HEADER, rows)).items():
        handoff.not_ready.append(write_atomic(out_dir, layout.export_file(name), content))


def _merge_school(
    archive: zipfile.ZipFile,
    path: Path,
    duplicates: set[str],
    merged: dict[str, list[Any]],
    tables: dict[str, tuple[list[str], list[list[str]]]],
    documents: _Documents,
) -> None:
    names = set(archive.namelist())
    parts = {name: json.loads(archive.read(name)) if name in names else [] for name in JSON_PARTS}
    for name, rows in parts.items():
        merged[name].extend(row for row in rows if row["nip"] not in duplicates)
    listed = _listed(archive)
    for row in parts["kinerja-periodik.json"]:
        if row["nip"] in duplicates:
            continue
        for document in row.get("path", []):
            if document["dok_uri"] in names:
                documents.add(document["dok_uri"], path, listed.get(document["dok_uri"]))
    for name in CSV_PARTS:
        if f"{name}.csv" not in names:
            continue
        text = archive.read(f"{name}.csv").decode("utf-8-sig")
        header, *records = list(csv.reader(io.StringIO(text), delimiter=";"))
        kept = [record for record in records if record and record[0] not in duplicates]
        tables.setdefault(name, (header, []))[1].extend(kept)


def _listed(archive: zipfile.ZipFile) -> dict[str, tuple[str, int]]:
    """SHA-256 and size of each entry as the school bundle's manifest lists them."""
    try:
        files = json.loads(archive.read("manifest.json")).get("berkas", [])
        return {item["nama"]: (item["sha256"], item["ukuran"]) for item in files}
    except (KeyError, ValueError, TypeError, AttributeError):
        return {}  # then each document is read for its digest


def _not_ready_rows(
    summaries: Sequence[Summary], periode_id: str, duplicates: set[str]
) -> list[list[str]]:
    rows: list[list[str]] = []
    for summary in sorted(summaries, key=lambda s: (s.get("npsn") or "", s["id"])):
        school = [summary.get("npsn") or "", summary.get("nama") or summary["id"]]
        if summary["status"] != "ok":
            rows.append([*school, "", "", "", "KIN952", summary.get("pesan") or "", "dinas", ""])
            continue
        info = summary.get("periode", {}).get(periode_id)
        if not info:
            continue
        rows.extend([*school, *(str(cell) for cell in row)] for row in info["belum_siap_baris"])
        people = {person["nip"]: person for person in summary["pegawai"] if person.get("nip")}
        for nip in sorted(duplicates & set(people)):
            person = people[nip]
            rows.append(
                [
                    *school,
                    person["id"],
                    nip,
                    person.get("nama") or "",
                    "KIN953",
                    "NIP ini juga tercatat di sekolah lain; tidak diekspor sampai diperbaiki.",
                    "dinas",
                    person.get("berkas") or "",
                ]
            )
    return rows
