"""`kinerja mulai PERIODE`: a draft plan for everyone on the roster, from their previous plan.

The start of a year is one command instead of one person at a time. Each draft carries over
what a person usually keeps (the practice indicator with its reason and target, the development
items, the BerAKHLAK values) and nothing that belongs to the old periode: no status history, no
SK numbers, no dates (`forms.carry_over`); tugas tambahan are left out because each needs this
year's SK. Its only status is `draf`, dated inside the new periode. A file that exists is never
touched, and a draft that would not pass its schema is not written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kinerja_build import domain, forms, layout, schema
from kinerja_build.errors import UsageProblem
from kinerja_build.layout import RecordKind
from kinerja_build.model import School
from kinerja_build.output import write_atomic

# The parts of a plan that carry over; the regime decides whether points (poin) stay.
CARRIED = ("praktik_kinerja", "pengembangan_kompetensi", "perilaku_kerja")


@dataclass(slots=True)
class Rollover:
    """What `kinerja mulai` did, person by person (repository-relative paths)."""

    made: list[tuple[str, str]] = field(default_factory=list)  # (path, from periode)
    kept: list[str] = field(default_factory=list)  # already there: untouched
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (nama, why)


def start(root: Path, school: School, periode_id: str, today: dt.date) -> Rollover:
    """Write a draft plan for every roster person of `periode_id` who has none."""
    try:
        periode = domain.parse_periode(periode_id)
    except domain.PeriodeError as error:
        raise UsageProblem(f"PERIODE: {error}.") from error
    day = min(max(today, periode.start), periode.end)  # the draft's date, inside the periode
    outcome = Rollover()
    for entry in school.roster(periode_id):
        owner = entry.pegawai_id
        person = school.person(owner) or {}
        nama = str(person.get("nama", owner))
        rel = layout.record_path(RecordKind.RENCANA, periode_id, owner)
        target = layout.absolute(root, rel)
        if target.exists() or target.is_symlink():
            outcome.kept.append(rel)
            continue
        found = _previous_plan(school, periode, owner)
        if found is None:
            outcome.skipped.append(
                (nama, f"belum ada rencana sebelumnya; isi dengan `kinerja isi rencana --nip "
                       f"{owner} --periode {periode_id}`")
            )  # fmt: skip
            continue
        source_periode, data = found
        draft = _draft(data, periode, owner, day)
        problems = schema.check(RecordKind.RENCANA, draft)
        if problems:
            where = "/".join(str(part) for part in problems[0].json_path) or "(akar)"
            outcome.skipped.append((nama, f"rencana {source_periode} tidak cocok ({where}: "
                                          f"{problems[0].message}); isi dengan `kinerja isi`"))  # fmt: skip
            continue
        depth = rel.count("/")
        text = forms.to_yaml(RecordKind.RENCANA, draft, depth)
        write_atomic(root, rel, text.encode("utf-8"))
        outcome.made.append((rel, source_periode))
    return outcome


def _previous_plan(
    school: School, periode: domain.Periode, owner: str
) -> tuple[str, dict[str, Any]] | None:
    """The person's latest valid plan from a periode before this one."""
    earlier = [
        pid
        for pid in school.periode_ids()
        if school.periode(pid).start < periode.start  # type: ignore[union-attr]
    ]
    for periode_id in reversed(earlier):
        plan = school.plan(periode_id, owner)
        if plan is not None:
            return periode_id, plan.data
    return None


def _draft(
    data: dict[str, Any], periode: domain.Periode, owner: str, day: dt.date
) -> dict[str, Any]:
    carried = forms.carry_over({key: data[key] for key in CARRIED if key in data})
    if not periode.regime.semester:  # points belong to the 2024 regime only (KIN405)
        for item in carried.get("pengembangan_kompetensi", []):
            item.pop("poin", None)
    return {
        "pegawai": owner,
        "periode": periode.id,
        **carried,
        "status": [{"status": "draf", "tanggal": day.isoformat(), "oleh": owner}],
    }
