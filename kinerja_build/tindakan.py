"""`kinerja tindakan`: who must act, by when — everyone's next step, most late first.

Reads `PersonPeriode.next_step` (the model computes the step, the actor and the deadline once);
this module only selects (one person's inbox, one periode) and formats as text, JSON or
Markdown. "Today" is the build date the model was made with (SOURCE_DATE_EPOCH when set).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from kinerja_build import domain
from kinerja_build.errors import UsageProblem
from kinerja_build.model import NextStep, PersonPeriode, School, school_periode
from kinerja_build.periode_option import check_periode
from kinerja_build.report import markdown_text, safe_text


@dataclass(frozen=True, slots=True)
class Action:
    """One person's next step in one periode."""

    person: PersonPeriode
    step: NextStep

    @property
    def days_late(self) -> int:
        return self.person.days_late


@dataclass(frozen=True, slots=True)
class Inbox:
    """What a selection of people must do; `mine` are the steps `oleh` takes himself."""

    today: dt.date
    actions: tuple[Action, ...]
    oleh: str | None = None
    oleh_nama: str | None = None

    @property
    def late(self) -> tuple[Action, ...]:
        return tuple(action for action in self.actions if action.days_late > 0)

    def mine(self, action: Action) -> bool:
        return self.oleh is None or action.step.pelaku_id == self.oleh


def collect(school: School, oleh: str | None = None, periode: str | None = None) -> Inbox:
    """Every open next step, most late first; `oleh` keeps one person's inbox.

    A person's inbox holds the steps they must take (a KS: the plans waiting for approval)
    and their own plans' steps that wait for somebody else.
    """
    periode_ids = school.periode_ids()
    if periode is not None:
        periode_ids = [check_periode(school, periode)]
    nama = None
    if oleh is not None:
        identity = school.identify(oleh)
        if identity.kind.value == "tidak_dikenal":
            raise UsageProblem(
                f"--oleh {oleh}: tidak ada pegawai atau pejabat Dinas dengan ID/NIP itu."
            )
        nama = identity.nama
    return Inbox(school.today, select(school, periode_ids, oleh), oleh, nama)


def select(school: School, periode_ids: list[str], oleh: str | None) -> tuple[Action, ...]:
    """The open next steps of the periodes, most late first; `oleh` keeps one person's inbox.

    Not checked against the records: the app asks for the inbox of a person whose own record
    failed its schema (the model does not know them, but their steps and their staff's do).
    """
    actions = []
    for periode_id in periode_ids:
        for person in school_periode(school, periode_id).people:
            step = person.next_step
            if step is None:
                continue
            if oleh is not None and oleh not in (step.pelaku_id, person.pegawai_id):
                continue
            actions.append(Action(person, step))
    actions.sort(
        key=lambda a: (
            -a.days_late,
            not a.person.wajib,
            a.step.due or dt.date.max,
            a.person.nama,
            a.person.periode_id,
        )
    )
    return tuple(actions)


def _who(step: NextStep) -> str:
    who = domain.PERAN_NOUNS[step.peran]
    return f"{who} {step.pelaku_nama}" if step.pelaku_nama else who


def _due(action: Action) -> str:
    if action.step.due is None:
        return "tanpa tenggat"
    text = domain.tanggal_indonesia(action.step.due)
    if action.step.deadline is not None and not action.step.deadline.terkonfirmasi:
        text += " (belum terkonfirmasi)"
    return text


def _heading(inbox: Inbox) -> str:
    whose = f" untuk {inbox.oleh_nama or inbox.oleh}" if inbox.oleh else ""
    return (
        f"Tindakan{whose} per {domain.tanggal_indonesia(inbox.today)}: "
        f"{len(inbox.actions)} langkah, {len(inbox.late)} terlambat."
    )


def format_text(inbox: Inbox) -> str:
    lines = [safe_text(_heading(inbox))]
    if not inbox.actions:
        lines.append("Tidak ada langkah yang perlu diambil.")
    for action in inbox.actions:
        person, step = action.person, action.step
        if not person.wajib:
            late = f"tidak dihitung terlambat ({person.alasan_tidak_wajib})"
        else:
            late = f"TERLAMBAT {action.days_late} hari" if action.days_late else "belum terlambat"
        wait = "" if inbox.mine(action) else " (menunggu pihak lain)"
        lines.append("")
        lines.append(safe_text(f"{person.nama} — periode {person.periode_id}: {late}"))
        lines.append(safe_text(f"  langkah:  {step.label}{wait}"))
        lines.append(safe_text(f"  oleh:     {_who(step)}"))
        lines.append(f"  tenggat:  {_due(action)}")
        if step.perintah and inbox.mine(action):
            lines.append(safe_text(f"  perintah: {step.perintah}"))
    return "\n".join(lines)


def format_markdown(inbox: Inbox) -> str:
    lines = [f"### {markdown_text(_heading(inbox))}", ""]
    if not inbox.actions:
        return "\n".join([*lines, "Tidak ada langkah yang perlu diambil.", ""])
    lines += [
        "| Terlambat | Periode | Pegawai | Langkah | Oleh | Tenggat |",
        "|---:|---|---|---|---|---|",
    ]
    for action in inbox.actions:
        person, step = action.person, action.step
        late = f"**{action.days_late} hari**" if action.days_late else "-"
        name = markdown_text(person.nama) + ("" if person.wajib else " (tidak wajib)")
        cells = [
            late,
            markdown_text(person.periode_id),
            name,
            markdown_text(step.label),
            markdown_text(_who(step)),
            markdown_text(_due(action)),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def format_json(inbox: Inbox) -> str:
    payload = {
        "hari_ini": inbox.today.isoformat(),
        "oleh": inbox.oleh,
        "tindakan": [_entry(action) for action in inbox.actions],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)


def _entry(action: Action) -> dict[str, object]:
    person, step = action.person, action.step
    deadline = step.deadline
    return {
        "periode": person.periode_id,
        "pegawai": person.pegawai_id,
        "nama": person.nama,
        "wajib": person.wajib,
        "tahap": person.stage.value,
        "langkah": step.key,
        "uraian": step.label,
        "peran": step.peran.value,
        "pelaku": step.pelaku_id,
        "pelaku_nama": step.pelaku_nama,
        "tenggat": deadline.tanggal.isoformat() if deadline else None,
        "tenggat_tahap": step.tahap,
        "tenggat_sumber": deadline.sumber if deadline else None,
        "tenggat_terkonfirmasi": deadline.terkonfirmasi if deadline else None,
        "terlambat_hari": action.days_late,
        "berkas": step.file,
        "perintah": step.perintah,
    }


FORMATTERS = {"text": format_text, "json": format_json, "markdown": format_markdown}
