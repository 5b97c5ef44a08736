"""Cross-school checks and the predikat distribution against the organisational predikat.

Checks read only the school summaries. Each finding points at the school's entry in dinas.yml
(file, line, column) and names the records involved, so the Dinas knows whom to call.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kinerja_build import domain, resources
from kinerja_build.diagnostics import Diagnostic
from kinerja_build.dinas.config import DistrictConfig
from kinerja_build.load import locate
from kinerja_build.severity import make

Summary = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Deviation:
    """One constraint of the distribution pattern that the counts do not meet."""

    message: str


def where_in_config(
    config: DistrictConfig, school_id: str
) -> tuple[tuple[str | int, ...], int, int]:
    index = next((s.index for s in config.schools if s.id == school_id), None)
    if index is None:
        return (), 0, 0
    path: tuple[str | int, ...] = ("sekolah", index)
    line, column = locate(Path(config.root / config.file), path)
    return path, line, column


def _diagnostic(
    config: DistrictConfig, school_id: str, code: str, message: str, hint: str
) -> Diagnostic:
    path, line, column = where_in_config(config, school_id)
    return make(code, config.file, message, hint, path, line, column)


def _label(summary: Summary) -> str:
    return f"{summary.get('nama') or summary['id']} ({summary['id']})"


def cross_school(config: DistrictConfig, summaries: Sequence[Summary]) -> list[Diagnostic]:
    """One NIP in two schools, a KS of two schools at once, an NPSN twice."""
    built = [s for s in summaries if s["status"] == "ok"]
    found = [*_same_npsn(config, built), *_same_nip(config, built), *_same_ks(config, built)]
    return sorted(found, key=Diagnostic.sort_key)


def _same_npsn(config: DistrictConfig, built: Sequence[Summary]) -> Iterator[Diagnostic]:
    by_npsn: dict[str, list[Summary]] = defaultdict(list)
    for summary in built:
        if summary.get("npsn"):
            by_npsn[summary["npsn"]].append(summary)
    for npsn, group in sorted(by_npsn.items()):
        if len(group) < 2:
            continue
        names = ", ".join(_label(s) for s in group)
        for summary in group:
            yield _diagnostic(
                config,
                summary["id"],
                "KIN955",
                f"NPSN {npsn} dipakai oleh {len(group)} sekolah: {names}.",
                "Perbaiki `npsn` di records/sekolah.yaml sekolah yang salah (cek di Dapodik/"
                "Verval SP), atau hapus entri ganda dari dinas.yml.",
            )


def duplicate_nips(summaries: Sequence[Summary]) -> dict[str, list[tuple[Summary, dict[str, Any]]]]:
    """NIP → the (school, person) pairs that carry it, for NIPs found in two or more schools."""
    by_nip: dict[str, list[tuple[Summary, dict[str, Any]]]] = defaultdict(list)
    for summary in summaries:
        if summary["status"] != "ok":
            continue
        for person in summary["pegawai"]:
            if person.get("nip"):
                by_nip[person["nip"]].append((summary, person))
    return {
        nip: pairs
        for nip, pairs in sorted(by_nip.items())
        if len({summary["id"] for summary, _ in pairs}) > 1
    }


def _same_nip(config: DistrictConfig, built: Sequence[Summary]) -> Iterator[Diagnostic]:
    for nip, pairs in duplicate_nips(built).items():
        places = "; ".join(
            f"{_label(summary)}: {person['berkas']} ({person['nama']})" for summary, person in pairs
        )
        for summary, _person in pairs:
            yield _diagnostic(
                config,
                summary["id"],
                "KIN953",
                f"NIP {nip} tercatat di {len(pairs)} sekolah — {places}.",
                "Satu pegawai hanya punya satu satminkal: hapus catatannya dari sekolah yang "
                "bukan sekolah induknya, atau perbaiki NIP yang salah ketik. Sampai itu, NIP "
                "ini tidak masuk berkas ekspor gabungan.",
            )


def _ks_terms(summary: Summary) -> Iterator[tuple[str, dt.date, dt.date | None, str]]:
    for entry in summary.get("kepala_sekolah", []):
        if entry.get("status") not in ("definitif", "plt") or not entry.get("pegawai"):
            continue
        start = domain.parse_date(entry.get("mulai"))
        if start is None:
            continue
        yield entry["pegawai"], start, domain.parse_date(entry.get("selesai")), entry["status"]


def _same_ks(config: DistrictConfig, built: Sequence[Summary]) -> Iterator[Diagnostic]:
    terms = [(summary, *term) for summary in built for term in _ks_terms(summary)]
    reported: set[tuple[str, str, str]] = set()
    for first, second in itertools.combinations(terms, 2):
        (school_a, person_a, start_a, end_a, status_a) = first
        (school_b, person_b, start_b, end_b, status_b) = second
        if person_a != person_b or school_a["id"] == school_b["id"]:
            continue
        overlap = (end_b is None or start_a <= end_b) and (end_a is None or start_b <= end_a)
        key = (person_a, *sorted((school_a["id"], school_b["id"])))
        if not overlap or key in reported:
            continue
        reported.add(key)
        since = max(start_a, start_b)
        for school, status in ((school_a, status_a), (school_b, status_b)):
            other = school_b if school is school_a else school_a
            yield _diagnostic(
                config,
                school["id"],
                "KIN954",
                f"{person_a} tercatat sebagai kepala sekolah ({status}) di {_label(school)} dan "
                f"sekaligus di {_label(other)} sejak {since.isoformat()}.",
                "Bila ia Plt di sekolah kedua, itu wajar: pastikan status `plt` dan tanggalnya "
                "benar. Bila tidak, tutup riwayat yang lama dengan `selesai:` di "
                "records/sekolah.yaml.",
            )


# -- distribution pattern ---------------------------------------------------------------------


def pattern() -> dict[str, Any]:
    data: dict[str, Any] = resources.referensi()["pola_distribusi"]
    return data


def organisation_label(predikat: str) -> str:
    return str(pattern()["label"].get(predikat, predikat))


def deviations(counts: Mapping[str, int], organisasi: str | None) -> list[Deviation]:
    """Constraints of the organisational predikat's pattern that `counts` do not meet."""
    total = sum(counts.values())
    if organisasi is None or total == 0:
        return []
    found = []
    for constraint in pattern()["organisasi"].get(organisasi, []):
        names = constraint["predikat"]
        have = sum(counts.get(name, 0) for name in names)
        share = 100 * have / total
        label = " atau ".join(domain.PREDIKAT_LABELS[name] for name in names)
        if "maks" in constraint and share > constraint["maks"]:
            found.append(
                Deviation(f"{label} {share:.0f}% (pola: paling banyak {constraint['maks']}%)")
            )
        if "min" in constraint and share < constraint["min"]:
            found.append(
                Deviation(f"{label} {share:.0f}% (pola: paling sedikit {constraint['min']}%)")
            )
        if "minimal_orang" in constraint and have < constraint["minimal_orang"]:
            found.append(Deviation(f"tidak ada pegawai {label} (pola: harus ada)"))
    return found
