"""Who may do what in the app: the inbox of a person, edit rights, and the plan actions.

Plan actions run `kinerja_build.review.apply`, the function behind `kinerja ajukan`, `setujui`,
`tinjau-ulang` and `sepakati`, so the app refuses exactly what the command line refuses (wrong
status, wrong person, no atasan, changed content). Under a Plt the plan is approved
automatically right after it is submitted, as the command line records it (`otomatis: true`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from kinerja_build import domain, layout, review
from kinerja_build.domain import PlanStatus
from kinerja_build.layout import RecordKind
from kinerja_build.model import AtasanKind, School

ACTION_LABELS = {
    "ajukan": "Ajukan kepada atasan",
    "setujui": "Setujui",
    "tinjau-ulang": "Kembalikan untuk direvisi",
    "sepakati": "Sepakati",
}


def available_commands() -> tuple[str, ...]:
    """The plan commands review.py offers (ajukan arrives with issue 15)."""
    return tuple(name for name in ACTION_LABELS if name in review.STEPS)


@dataclass(frozen=True, slots=True)
class Task:
    """One plan that waits for this person, and what they can do with it."""

    periode: str
    owner: str
    owner_name: str
    status: PlanStatus
    what: str
    commands: tuple[str, ...]


def inbox(school: School, person: str, day: dt.date) -> list[Task]:
    """Plans waiting for `person`: their own to submit or agree, their staff's to approve."""
    tasks: list[Task] = []
    for periode_id in reversed(school.periode_ids()):
        for owner in sorted(school.periods.get(periode_id, {})):
            plan = school.plan(periode_id, owner)
            if plan is None:
                continue
            nama = str((school.person(owner) or {}).get("nama", owner))
            task = _task(school, person, owner, periode_id, plan.status, day)
            if task is not None:
                what, commands = task
                tasks.append(Task(periode_id, owner, nama, plan.status, what, commands))
    return tasks


def _task(
    school: School, person: str, owner: str, periode_id: str, status: PlanStatus, day: dt.date
) -> tuple[str, tuple[str, ...]] | None:
    offered = available_commands()
    if owner == person:
        if status in (PlanStatus.DRAF, PlanStatus.DITINJAU_ULANG):
            what = (
                "Rencana dikembalikan untuk direvisi: perbaiki lalu ajukan ulang."
                if status is PlanStatus.DITINJAU_ULANG
                else "Rencana masih draf: lengkapi lalu ajukan kepada atasan."
            )
            return what, tuple(c for c in ("ajukan",) if c in offered)
        if status is PlanStatus.DISETUJUI:
            return "Rencana disetujui atasan: sepakati untuk memulai pelaksanaan.", ("sepakati",)
        return None
    if status is PlanStatus.DIAJUKAN:
        atasan = school.atasan(owner, day)
        if atasan is not None and atasan.id == person and atasan.status is not AtasanKind.KOSONG:
            return "Rencana diajukan: setujui atau kembalikan dengan catatan.", (
                "setujui",
                "tinjau-ulang",
            )
    return None


def act(
    root: Path,
    periode_id: str,
    owner: str,
    command: str,
    actor: str,
    note: str | None,
    day: dt.date,
) -> review.Outcome:
    """Run one plan command as `actor`; after a submission under a Plt, approve it at once."""
    path = layout.absolute(root, layout.record_path(RecordKind.RENCANA, periode_id, owner))
    outcome = review.apply(root, path, command, actor, note, day)
    if outcome.written and command == "ajukan":
        from kinerja_build.validate import validate

        school = validate(root).school
        atasan = school.atasan(owner, day)
        if atasan is not None and atasan.status is AtasanKind.PLT:
            automatic = review.apply(root, path, "setujui", actor, None, day)
            return review.Outcome(
                automatic.written,
                f"{outcome.message} {automatic.message}",
                automatic.diagnostics,
            )
    return outcome


def may_edit(school: School, actor: str, kind: str, owner: str | None, day: dt.date) -> bool:
    """Own records; the atasan for siklus and penilaian; the head for pegawai and sekolah."""
    head = school.kepala_sekolah_on(day)
    is_head = head is not None and head.get("pegawai") == actor and head["status"] != "kosong"
    if not RecordKind(kind).per_periode:
        return is_head or (kind == "pegawai" and owner == actor)
    if kind in ("siklus", "penilaian"):
        atasan = school.atasan(owner or "", day)
        by_atasan = atasan is not None and atasan.id == actor
        return by_atasan or (kind == "siklus" and owner == actor)
    return owner == actor


def status_label(status: PlanStatus) -> str:
    return domain.STATUS_RENCANA_LABELS[status.value]
