"""Model stage: the in-memory school built from records that loaded and passed their schema.

Records stay plain dicts (their shape is guaranteed by the schema); the classes here give rules
and renderers one place to ask domain questions such as "who is this teacher's atasan on this
date?".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kinerja_build import domain
from kinerja_build.layout import RecordKind


@dataclass(slots=True)
class RecordFile:
    """One record file: where it is, what it is, and its data when it validated."""

    kind: RecordKind
    rel: str
    absolute: Path
    data: dict[str, Any] | None = None
    periode: str | None = None
    owner: str | None = None  # the person id taken from the file's place in records/

    @property
    def valid(self) -> bool:
        return self.data is not None


@dataclass(frozen=True, slots=True)
class Atasan:
    """Who approves and assesses a person's plan on a given date."""

    status: str  # "definitif", "plt", "kosong" for a guru's KS; "dinas" for a KS
    id: str | None  # pegawai id of the KS, or the Kepala Dinas NIP
    nama: str | None


@dataclass(slots=True)
class School:
    """Everything loaded from one school's records/ directory."""

    root: Path
    sekolah: RecordFile | None = None
    pegawai: dict[str, RecordFile] = field(default_factory=dict)
    periods: dict[str, dict[str, dict[str, RecordFile]]] = field(default_factory=dict)

    def person(self, pegawai_id: str) -> dict[str, Any] | None:
        record = self.pegawai.get(pegawai_id)
        return record.data if record is not None else None

    def role(self, pegawai_id: str) -> str | None:
        person = self.person(pegawai_id)
        return person["peran"] if person else None

    def records(self, periode: str, pegawai_id: str) -> dict[str, RecordFile]:
        return self.periods.get(periode, {}).get(pegawai_id, {})

    def record(self, periode: str, pegawai_id: str, kind: str) -> dict[str, Any] | None:
        found = self.records(periode, pegawai_id).get(kind)
        return found.data if found is not None else None

    def kepala_sekolah_on(self, day: dt.date) -> dict[str, Any] | None:
        """The entry of sekolah.yaml's kepala_sekolah history in force on `day`."""
        if self.sekolah is None or self.sekolah.data is None:
            return None
        chosen = None
        for entry in self.sekolah.data["kepala_sekolah"]:
            start = domain.parse_date(entry["mulai"])
            end = domain.parse_date(entry.get("selesai"))
            if start and start <= day and (end is None or day <= end):
                chosen = entry
        return chosen

    def atasan(self, pegawai_id: str, day: dt.date) -> Atasan | None:
        """The person's approver/assessor on `day`; None when sekolah.yaml is unusable."""
        if self.sekolah is None or self.sekolah.data is None:
            return None
        if self.role(pegawai_id) == "kepala_sekolah":
            kepala = self.sekolah.data["dinas"]["kepala"]
            return Atasan("dinas", kepala.get("nip"), kepala["nama"])
        entry = self.kepala_sekolah_on(day)
        if entry is None or entry["status"] == "kosong":
            return Atasan("kosong", None, None)
        ks_id = entry.get("pegawai")
        ks = self.person(ks_id) if ks_id else None
        return Atasan(entry["status"], ks_id, ks["nama"] if ks else None)


def describe(atasan: Atasan) -> str:
    """ "Nama (NIP)" for messages; just the id when the person has no record."""
    if atasan.nama and atasan.id:
        return f"{atasan.nama} ({atasan.id})"
    return atasan.id or atasan.nama or "(tidak diketahui)"
