"""The district's BKN hand-off: one merged bundle and one not-ready list per periode.

The merged bundle has the layout of a school bundle (so `kinerja ekspor periksa` verifies it):
rows from every school's own bundle, each carrying its NPSN, with each exported person's
Dokumen Evaluasi; the manifest lists the schools. NIPs found in two schools are left out and
listed as not ready (KIN953) until the Dinas settles which school is theirs.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kinerja_build import domain, layout
from kinerja_build.dinas.checks import duplicate_nips
from kinerja_build.dinas.config import DistrictConfig
from kinerja_build.dinas.task import SCHOOLS_DIR
from kinerja_build.export import (
    NOT_READY_HEADER,
    output_names,
    prune_stale,
    zip_time,
)
from kinerja_build.export import bundle as bundles
from kinerja_build.output import write_atomic

Summary = dict[str, Any]
JSON_PARTS = ("kinerja-periodik.json", "skp-tahunan.json", "angka-kredit.json")
CSV_PARTS = ("pegawai", "penilaian")
NOT_READY_DISTRICT_HEADER = ["NPSN", "Nama sekolah", *NOT_READY_HEADER]


@dataclass(slots=True)
class Handoff:
    """What the district export wrote and counted, per periode."""

    periode: str
    bundle: Path | None = None
    not_ready: list[Path] = field(default_factory=list)
    exported: int = 0
    not_ready_rows: int = 0
    documents: int = 0


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
    written: list[Path] = []
    expected: set[str] = set()
    results = []
    for periode_id in periodes:
        try:
            periode = domain.parse_periode(periode_id)
        except domain.PeriodeError:
            continue
        expected |= output_names(owner(config), periode.id)
        handoff = _periode(config, out_dir, summaries, periode, duplicates, source_date_epoch)
        written.extend([*([handoff.bundle] if handoff.bundle else []), *handoff.not_ready])
        results.append(handoff)
    removed = prune_stale(out_dir, expected, written)
    return results, removed


def _periode(
    config: DistrictConfig,
    out_dir: Path,
    summaries: Sequence[Summary],
    periode: domain.Periode,
    duplicates: set[str],
    source_date_epoch: int | None,
) -> Handoff:
    handoff = Handoff(periode.id)
    bundle = bundles.Bundle(periode, owner(config))
    merged: dict[str, list[Any]] = {name: [] for name in JSON_PARTS}
    tables: dict[str, tuple[list[str], list[list[str]]]] = {}
    schools = []
    for summary in summaries:
        info = summary.get("periode", {}).get(periode.id)
        if summary["status"] != "ok" or not info or not info.get("bundel"):
            continue
        path = out_dir / SCHOOLS_DIR / summary["id"] / info["bundel"]
        if not path.is_file():
            continue
        with zipfile.ZipFile(path) as archive:
            _merge_school(archive, duplicates, merged, tables, bundle)
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
    handoff.documents = sum(1 for name in bundle.files if name.startswith("dokumen/"))
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
    bundle.files["manifest.json"] = bundles.manifest(bundle, counts, None, sekolah=schools)
    stamp = zip_time(source_date_epoch)
    handoff.bundle = write_atomic(
        out_dir, layout.export_file(bundle.name), bundles.zip_bytes(bundle.files, stamp)
    )
    rows = _not_ready_rows(summaries, periode.id, duplicates)
    handoff.not_ready_rows = len(rows)
    for name, content in bundles.tables_files(
        layout.not_ready_stem(periode.id), (NOT_READY_DISTRICT_HEADER, rows)
    ).items():
        handoff.not_ready.append(write_atomic(out_dir, layout.export_file(name), content))
    return handoff


def _merge_school(
    archive: zipfile.ZipFile,
    duplicates: set[str],
    merged: dict[str, list[Any]],
    tables: dict[str, tuple[list[str], list[list[str]]]],
    bundle: bundles.Bundle,
) -> None:
    names = set(archive.namelist())
    for name in JSON_PARTS:
        rows = json.loads(archive.read(name)) if name in names else []
        merged[name].extend(row for row in rows if row["nip"] not in duplicates)
    for row in json.loads(archive.read("kinerja-periodik.json")):
        if row["nip"] in duplicates:
            continue
        for document in row.get("path", []):
            if document["dok_uri"] in names:
                bundle.files[document["dok_uri"]] = archive.read(document["dok_uri"])
    for name in CSV_PARTS:
        if f"{name}.csv" not in names:
            continue
        text = archive.read(f"{name}.csv").decode("utf-8-sig")
        header, *records = list(csv.reader(io.StringIO(text), delimiter=";"))
        kept = [record for record in records if record and record[0] not in duplicates]
        tables.setdefault(name, (header, []))[1].extend(kept)


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
