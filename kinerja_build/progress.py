"""Where each person stands in each periode: the stage reached and its status.

Shared by the build summary now and by the site and documents later, so that "stage reached"
means the same thing everywhere.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from kinerja_build import domain
from kinerja_build.model import School

STEP_LABELS = {
    "a_diskusi_persiapan": "A",
    "b_observasi": "B",
    "c_diskusi_tindak_lanjut": "C",
    "d_upaya_tindak_lanjut": "D",
    "e_refleksi_tindak_lanjut": "E",
}
STATUS_LABELS = {
    "draf": "draf",
    "diajukan": "diajukan",
    "ditinjau_ulang": "ditinjau ulang",
    "disetujui": "disetujui",
    "disepakati": "disepakati",
}


@dataclass(frozen=True, slots=True)
class Progress:
    """The stage one person has reached in one periode."""

    pegawai: str
    periode: str
    stage: str  # perencanaan, pelaksanaan, penilaian
    status: str  # human-readable detail in Indonesian
    predikat: str | None = None
    invalid: bool = False


def progress_of(school: School, periode: str, pegawai_id: str) -> Progress:
    records = school.records(periode, pegawai_id)
    invalid = any(not record.valid for record in records.values())
    penilaian = school.record(periode, pegawai_id, "penilaian")
    if penilaian is not None:
        predikat = penilaian.get("predikat") or domain.predikat(
            penilaian["rating_hasil_kerja"], penilaian["rating_perilaku_kerja"]
        )
        return Progress(pegawai_id, periode, "penilaian", "dinilai", predikat, invalid)
    siklus = school.record(periode, pegawai_id, "siklus")
    if siklus is not None:
        done = [label for key, label in STEP_LABELS.items() if key in siklus]
        status = f"siklus langkah {done[-1]}" if done else "siklus belum dimulai"
        return Progress(pegawai_id, periode, "pelaksanaan", status, None, invalid)
    rencana = school.record(periode, pegawai_id, "rencana")
    if rencana is not None:
        last = rencana["status"][-1]["status"]
        if last == "disepakati":
            return Progress(pegawai_id, periode, "pelaksanaan", "rencana disepakati", None, invalid)
        return Progress(
            pegawai_id, periode, "perencanaan", f"rencana {STATUS_LABELS[last]}", None, invalid
        )
    status = "catatan tidak valid" if invalid else "belum ada rencana"
    return Progress(pegawai_id, periode, "perencanaan", status, None, invalid)


def school_progress(school: School) -> dict[str, list[Progress]]:
    """Progress of every person with records, per periode (periodes sorted)."""
    return {
        periode: [progress_of(school, periode, pegawai_id) for pegawai_id in sorted(people)]
        for periode, people in sorted(school.periods.items())
    }


def stage_counts(items: list[Progress]) -> Counter[str]:
    return Counter(item.stage for item in items)
