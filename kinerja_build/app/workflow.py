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
from kinerja_build.model import AtasanKind, School, acting_atasan
from kinerja_build.validate import Result

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
    """One next step in this person's inbox: theirs to take, or theirs waiting for someone."""

    periode: str
    owner: str
    owner_name: str
    what: str  # the model's label of the step
    kind: str  # the record to open
    commands: tuple[str, ...]  # plan buttons offered (only when the step is this person's)
    mine: bool
    waiting_for: str  # who else must act, when it is not this person
    due: dt.date | None
    days_late: int


# The plan buttons a next step (model.NextStep.key) offers to the person who must take it.
_COMMANDS = {
    "ajukan": ("ajukan",),
    "ajukan-ulang": ("ajukan",),
    "setujui": ("setujui", "tinjau-ulang"),
    "sepakati": ("sepakati",),
}


def inbox(school: School, person: str) -> list[Task]:
    """What waits for `person`, as `kinerja tindakan --oleh` lists it, most late first."""
    from kinerja_build import tindakan

    offered = available_commands()
    tasks = []
    # `select`, not `collect`: a person whose own record failed its schema is unknown to the
    # model, and their page must still show their steps and their staff's (never a 500).
    for action in tindakan.select(school, school.periode_ids(), person):
        step, view = action.step, action.person
        mine = step.pelaku_id == person
        place = layout.parse_record_path(step.file)
        kind = place.kind.value if isinstance(place, layout.RecordPlace) else "rencana"
        commands = tuple(c for c in _COMMANDS.get(step.key, ()) if c in offered) if mine else ()
        if step.otomatis:  # no returns under a Plt: approval is automatic
            commands = tuple(c for c in commands if c != "tinjau-ulang")
        tasks.append(
            Task(
                periode=view.periode_id,
                owner=view.pegawai_id,
                owner_name=view.nama,
                what=step.label,
                kind=kind,
                commands=commands,
                mine=mine,
                waiting_for="" if mine else (step.pelaku_nama or domain.PERAN_NOUNS[step.peran]),
                due=step.due,
                days_late=action.days_late,
            )
        )
    return tasks


@dataclass(frozen=True, slots=True)
class Problem:
    """A record of this person that could not be read or failed its schema."""

    file: str  # repository-relative
    kind: str  # the form that edits it
    periode: str | None
    messages: tuple[str, ...]  # the validator's, first few


def problems(result: Result, person: str) -> list[Problem]:
    """The person's records that failed to load or their schema, with the validator's messages.

    Such a record is missing from every view (the model has no data for it); the person's page
    says which file it is and how to fix it instead of failing.
    """
    school = result.school
    files = [school.pegawai[person]] if person in school.pegawai else []
    for periode_id in sorted(school.periods):
        files += school.periods[periode_id].get(person, {}).values()
    found = []
    for record in files:
        if record.valid:
            continue
        messages = [d.message for d in result.report.errors if d.file == record.rel]
        found.append(Problem(record.rel, record.kind.value, record.periode, tuple(messages[:3])))
    return found


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
    rel = layout.record_path(RecordKind.RENCANA, periode_id, owner)
    path = layout.absolute(root, rel)
    if not path.is_file():  # said here in the app's words (the CLI names the path it was given)
        return review.Outcome(
            False, f"{rel}: belum ada rencana; susun dan simpan rencananya lebih dulu."
        )
    outcome = review.apply(root, path, command, actor, note, day)
    if outcome.written and command == "ajukan":
        from kinerja_build.validate import validate

        school = validate(root).school
        atasan = acting_atasan(school, owner, day)
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
        atasan = acting_atasan(school, owner or "", day)
        by_atasan = atasan is not None and atasan.id == actor
        return by_atasan or (kind == "siklus" and owner == actor)
    return owner == actor


def status_label(status: PlanStatus) -> str:
    return domain.STATUS_RENCANA_LABELS[status.value]
