"""Model stage: the school's state, read-only, with every derived fact computed once.

The validate stage fills a `School` with the records that loaded (and, for those that passed
their schema, their data). Everything a rule, a document, the site, the export or `kinerja diff`
needs to *know* about that state is asked here: the plan's status and fingerprint, the predikat
from the ratings, the angka kredit, the A–E steps reached, who a person's atasan is on a date,
who is on the roster of a periode. Outputs read the person-periode and school-periode views at
the end of this module; none of them recomputes a domain fact from raw dicts.

Record data stays a plain dict: its shape is guaranteed by the record's JSON Schema.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar, cast

from kinerja_build import clock, domain, layout, resources
from kinerja_build.domain import (
    CYCLE_STEPS,
    CycleStep,
    Deadline,
    Peran,
    PlanStatus,
    Predikat,
    Stage,
)
from kinerja_build.layout import RecordKind

# The data of a record that passed its schema; the schema guarantees its shape.
RecordData = dict[str, Any]
ViewT = TypeVar("ViewT")


@dataclass(frozen=True, slots=True)
class RecordFile:
    """One record file: where it is, what it is, and its data when it validated.

    Frozen: a record is made once, after its schema check (`data` is None when it failed), and
    never changes — whether it is valid is part of what the school's views are built from.
    """

    kind: RecordKind
    rel: str
    absolute: Path
    data: RecordData | None = None
    periode: str | None = None
    owner: str | None = None  # the person id taken from the file's place in records/

    @property
    def valid(self) -> bool:
        return self.data is not None

    @property
    def record(self) -> Record | None:
        """The record with its data, when it passed its schema."""
        if self.data is None:
            return None
        return Record(self.kind, self.rel, self.data, self.periode, self.owner)


@dataclass(frozen=True, slots=True)
class Record:
    """A record that loaded and passed its schema: its data is always there."""

    kind: RecordKind
    rel: str
    data: RecordData
    periode: str | None
    owner: str | None


# -- people and atasan ------------------------------------------------------------------------


class AtasanKind(StrEnum):
    """Who acts as a person's atasan (pejabat penilai) on a date (DOMAIN §2)."""

    DEFINITIF = "definitif"  # the definitive KS, for a guru
    PLT = "plt"  # a Plt KS: plans approved automatically, no returns
    KOSONG = "kosong"  # no KS nor Plt: "Data atasan tidak ditemukan"
    DINAS = "dinas"  # the Kepala Dinas, for a KS (and for a Plt assessing no one but himself)


@dataclass(frozen=True, slots=True)
class Atasan:
    """Who approves and assesses a person's plan on a given date."""

    status: AtasanKind
    id: str | None  # pegawai id of the KS, or the Kepala Dinas NIP
    nama: str | None

    @property
    def acts(self) -> bool:
        """Whether somebody can approve, return, observe or assess (not during a vacancy)."""
        return self.status is not AtasanKind.KOSONG


class IdentityKind(StrEnum):
    PEGAWAI = "pegawai"
    KEPALA_DINAS = "kepala_dinas"
    ATASAN_KEPALA_DINAS = "atasan_kepala_dinas"
    PENGAWAS = "pengawas"
    TIDAK_DIKENAL = "tidak_dikenal"


# The Dinas officials named in sekolah.yaml, by their key there.
_DINAS_OFFICIALS = {
    "kepala": IdentityKind.KEPALA_DINAS,
    "atasan_kepala": IdentityKind.ATASAN_KEPALA_DINAS,
    "pengawas": IdentityKind.PENGAWAS,
}


@dataclass(frozen=True, slots=True)
class Identity:
    """Who an id (a pegawai id or a Dinas official's NIP) stands for."""

    kind: IdentityKind
    id: str
    nama: str | None
    jabatan: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)  # the pegawai or official entry

    @property
    def display(self) -> str:
        """ "Nama (NIP)" for messages; just the id when nobody has that id."""
        return f"{self.nama} ({self.id})" if self.nama else self.id


def describe(atasan: Atasan) -> str:
    """ "Nama (NIP)" for messages; just the id when the person has no record."""
    if atasan.nama and atasan.id:
        return f"{atasan.nama} ({atasan.id})"
    return atasan.id or atasan.nama or "(tidak diketahui)"


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """A person who belongs to the school in a periode, and whether PKG is required of them."""

    pegawai_id: str
    wajib: bool
    alasan: str  # why not required ("" when required), in Indonesian


# -- the plan, the cycle, the assessment ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatusStep:
    """One entry of a plan's status history."""

    index: int
    status: PlanStatus
    tanggal: dt.date | None
    oleh: str | None
    otomatis: bool
    sha256: str | None
    catatan: str | None


@dataclass(frozen=True)
class Plan:
    """A rencana and the facts derived from its status history."""

    data: RecordData

    @functools.cached_property
    def history(self) -> tuple[StatusStep, ...]:
        return tuple(
            StatusStep(
                index,
                PlanStatus(entry["status"]),
                domain.parse_date(entry.get("tanggal")),
                entry.get("oleh"),
                bool(entry.get("otomatis", False)),
                entry.get("sha256"),
                entry.get("catatan"),
            )
            for index, entry in enumerate(self.data["status"])
        )

    @property
    def status(self) -> PlanStatus:
        """The current status: the last entry of the history."""
        return self.history[-1].status

    @property
    def last_step(self) -> StatusStep:
        return self.history[-1]

    def steps(self, *statuses: PlanStatus) -> Iterator[StatusStep]:
        return (step for step in self.history if step.status in statuses)

    def _first_day(self, status: PlanStatus) -> dt.date | None:
        return next((step.tanggal for step in self.steps(status)), None)

    def _last_day(self, status: PlanStatus) -> dt.date | None:
        days = [step.tanggal for step in self.steps(status)]
        return days[-1] if days else None

    @property
    def submitted_on(self) -> dt.date | None:
        """The latest submission (a resubmission after a return replaces the first)."""
        return self._last_day(PlanStatus.DIAJUKAN)

    @property
    def approved_on(self) -> dt.date | None:
        return self._last_day(PlanStatus.DISETUJUI)

    @property
    def agreed_on(self) -> dt.date | None:
        return self._first_day(PlanStatus.DISEPAKATI)

    @property
    def agreed(self) -> bool:
        return self.status is PlanStatus.DISEPAKATI

    @functools.cached_property
    def fingerprint(self) -> str:
        """SHA-256 of the plan's canonical content (what an approval binds to)."""
        return domain.canonical_plan_hash(self.data)

    @property
    def current_review(self) -> tuple[StatusStep, ...]:
        """The steps since the latest submission: earlier approvals are history (decision 0017).

        A plan changed after approval is submitted again; the approvals before that submission
        bound an earlier content and are no longer judged against the current one.
        """
        submissions = [step.index for step in self.steps(PlanStatus.DIAJUKAN)]
        start = submissions[-1] if submissions else 0
        return self.history[start:]

    def approvals(self) -> Iterator[StatusStep]:
        """The approvals and agreements of the current review (the ones that bind the content)."""
        statuses = (PlanStatus.DISETUJUI, PlanStatus.DISEPAKATI)
        return (step for step in self.current_review if step.status in statuses)

    @property
    def stale(self) -> bool:
        """An approval of the current review recorded a fingerprint the content no longer has."""
        return any(
            step.sha256 is not None and step.sha256 != self.fingerprint for step in self.approvals()
        )


@dataclass(frozen=True)
class Cycle:
    """A siklus record: which of the A–E steps are recorded."""

    data: RecordData

    @property
    def steps_done(self) -> tuple[CycleStep, ...]:
        return tuple(step for step in CYCLE_STEPS if step.key in self.data)

    @property
    def last_step(self) -> CycleStep | None:
        done = self.steps_done
        return done[-1] if done else None


@dataclass(frozen=True, slots=True)
class AngkaKredit:
    """The predikat converted to angka kredit (PNS with a jenjang that has a coefficient)."""

    months: int
    exact: Decimal
    value: Decimal  # rounded as the reference data says
    percent: Decimal
    coefficient: Decimal
    koefisien_id: int
    start: dt.date  # the months assessed, inside the periode
    end: dt.date


@dataclass(frozen=True)
class Assessment:
    """A penilaian with its predikat from the matrix; the stated predikat is kept apart."""

    data: RecordData
    periode: domain.Periode
    person: Mapping[str, Any] | None

    @property
    def predikat(self) -> Predikat:
        return domain.predikat(self.data["rating_hasil_kerja"], self.data["rating_perilaku_kerja"])

    @property
    def stated_predikat(self) -> str | None:
        """The predikat written in the record (KIN601 reports it when it differs)."""
        return self.data.get("predikat")

    @property
    def tanggal(self) -> dt.date | None:
        return domain.parse_date(self.data["tanggal"])

    @property
    def ak_months(self) -> int:
        """Months assessed: as stated (e.g. a start in the middle of the year), else the periode's."""
        stated = self.data.get("angka_kredit", {}).get("bulan")
        return int(stated) if stated else self.periode.months

    @property
    def angka_kredit(self) -> AngkaKredit | None:
        """Only for a PNS whose jenjang has a coefficient; None otherwise."""
        person = self.person or {}
        jenjang = person.get("jenjang_jabatan")
        if person.get("status_kepegawaian") != "pns" or jenjang not in domain.KOEFISIEN:
            return None
        months = min(self.ak_months, self.periode.months)
        exact = domain.angka_kredit(self.predikat, jenjang, months)
        coefficient, koefisien_id = domain.KOEFISIEN[jenjang]
        # The assessed months end with the periode (a mid-periode start is the common case).
        end = self.periode.end
        first_month = end.month - months + 1
        return AngkaKredit(
            months,
            exact,
            domain.round_ak(exact),
            domain.PREDIKAT_PERCENT[self.predikat],
            coefficient,
            koefisien_id,
            dt.date(end.year, first_month, 1),
            end,
        )


# -- the school -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Calendar:
    """The deadline entries in force: the regimes' (reference data) and the school's own."""

    regime_entries: tuple[Mapping[str, Any], ...]
    school_entries: tuple[Mapping[str, Any], ...] = ()

    @classmethod
    def builtin(cls) -> Calendar:
        return cls(tuple(resources.referensi()["tenggat"]))

    def deadlines(self, periode: domain.Periode) -> dict[str, Deadline]:
        """The periode's deadlines by stage, in the order they fall due."""
        return domain.deadlines(periode, self.regime_entries, self.school_entries)


@dataclass(slots=True)
class School:
    """Everything loaded from one school's records/ directory."""

    root: Path
    sekolah: RecordFile | None = None
    pegawai: dict[str, RecordFile] = field(default_factory=dict)
    periods: dict[str, dict[str, dict[str, RecordFile]]] = field(default_factory=dict)
    calendar: Calendar = field(default_factory=Calendar.builtin)
    today: dt.date = field(default_factory=clock.today)  # "now" for days late (SOURCE_DATE_EPOCH)
    # Plan, Cycle and Assessment views by (kind, periode, person), each with the data it was
    # made from: rules and outputs ask for the same view many times (a plan's history and
    # fingerprint are computed once), and a replaced record never gets a stale view.
    _views: dict[tuple[str, str, str], tuple[tuple[object, ...], object]] = field(
        default_factory=dict, repr=False, compare=False
    )
    # The SchoolPeriode view by periode, with the (today, calendar) it was built on; see
    # `school_periode` for why this key and `add` are all it needs.
    _periodes: dict[str, tuple[tuple[dt.date, Calendar], SchoolPeriode]] = field(
        default_factory=dict, repr=False, compare=False
    )

    # -- records --

    def add(self, record: RecordFile) -> None:
        """Place a loaded record (the only way records enter a school; the validate stage's).

        A record placed after a periode view was made may change any view (the roster, the
        atasan, an earlier plan), so every cached periode view is dropped.
        """
        if record.kind is RecordKind.SEKOLAH:
            self.sekolah = record
        elif record.kind is RecordKind.PEGAWAI:
            assert record.owner is not None
            self.pegawai[record.owner] = record
        else:
            assert record.periode is not None and record.owner is not None
            people = self.periods.setdefault(record.periode, {})
            people.setdefault(record.owner, {})[record.kind] = record
        self._periodes.clear()

    def person(self, pegawai_id: str) -> RecordData | None:
        record = self.pegawai.get(pegawai_id)
        return record.data if record is not None else None

    def role(self, pegawai_id: str) -> str | None:
        person = self.person(pegawai_id)
        return person["peran"] if person else None

    def records(self, periode: str, pegawai_id: str) -> dict[str, RecordFile]:
        return self.periods.get(periode, {}).get(pegawai_id, {})

    def record(self, periode: str, pegawai_id: str, kind: str) -> RecordData | None:
        found = self.records(periode, pegawai_id).get(kind)
        return found.data if found is not None else None

    @property
    def sekolah_data(self) -> RecordData | None:
        return self.sekolah.data if self.sekolah is not None else None

    # -- periodes --

    def periode(self, periode_id: str) -> domain.Periode | None:
        """The parsed periode, or None when the folder name is not a periode (KIN201)."""
        try:
            return domain.parse_periode(periode_id)
        except domain.PeriodeError:
            return None

    def periode_ids(self) -> list[str]:
        """Every periode folder that names a real periode, oldest first."""
        return sorted(p for p in self.periods if self.periode(p) is not None)

    def deadlines(self, periode_id: str) -> dict[str, Deadline]:
        """The periode's deadlines by stage (none for a folder that names no periode)."""
        periode = self.periode(periode_id)
        return self.calendar.deadlines(periode) if periode is not None else {}

    # -- identity and atasan --

    def identify(self, some_id: str) -> Identity:
        """Who an id in `oleh`, `penilai` or `pengamat` stands for."""
        person = self.person(some_id)
        if person is not None:
            return Identity(
                IdentityKind.PEGAWAI, some_id, person["nama"], person.get("jabatan"), person
            )
        dinas = (self.sekolah_data or {}).get("dinas", {})
        for key, kind in _DINAS_OFFICIALS.items():
            official = dinas.get(key) or {}
            if official.get("nip") == some_id:
                return Identity(
                    kind, some_id, official.get("nama"), official.get("jabatan"), official
                )
        return Identity(IdentityKind.TIDAK_DIKENAL, some_id, None)

    def kepala_sekolah_on(self, day: dt.date) -> RecordData | None:
        """The entry of sekolah.yaml's kepala_sekolah history in force on `day`."""
        if self.sekolah_data is None:
            return None
        chosen = None
        for entry in self.sekolah_data["kepala_sekolah"]:
            start = domain.parse_date(entry["mulai"])
            end = domain.parse_date(entry.get("selesai"))
            if start and start <= day and (end is None or day <= end):
                chosen = entry
        return chosen

    def atasan(self, pegawai_id: str, day: dt.date) -> Atasan | None:
        """The person's approver/assessor on `day`; None when sekolah.yaml is unusable.

        A KS, and a Plt KS for his or her own plan, answer to the Kepala Dinas: nobody
        approves or assesses himself.
        """
        if self.sekolah_data is None:
            return None
        entry = self.kepala_sekolah_on(day)
        leads_school = entry is not None and entry.get("pegawai") == pegawai_id
        if self.role(pegawai_id) == "kepala_sekolah" or leads_school:
            kepala = self.sekolah_data["dinas"]["kepala"]
            return Atasan(AtasanKind.DINAS, kepala.get("nip"), kepala["nama"])
        if entry is None or entry["status"] == "kosong":
            return Atasan(AtasanKind.KOSONG, None, None)
        ks_id = entry.get("pegawai")
        ks = self.person(ks_id) if ks_id else None
        return Atasan(AtasanKind(entry["status"]), ks_id, ks["nama"] if ks else None)

    def vacancies(self, start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
        """The spans inside [start, end] when the school had neither a KS nor a Plt."""
        spans: list[tuple[dt.date, dt.date]] = []
        day = start
        while day <= end:
            entry = self.kepala_sekolah_on(day)
            if entry is None or entry["status"] == "kosong":
                if spans and spans[-1][1] == day - dt.timedelta(days=1):
                    spans[-1] = (spans[-1][0], day)
                else:
                    spans.append((day, day))
            day += dt.timedelta(days=1)
        return spans

    # -- roster --

    def roster(self, periode_id: str) -> list[RosterEntry]:
        """Every pegawai of the school during the periode, whether they have records or not.

        A person belongs to a periode unless `mulai_bertugas`/`selesai_bertugas` in their
        pegawai record put their time at this school wholly outside it. Non-ASN teachers are
        listed but not required (DOMAIN §2: recommended, not required).
        """
        periode = self.periode(periode_id)
        entries = []
        for pegawai_id in sorted(self.pegawai):
            person = self.person(pegawai_id)
            if person is None:
                entries.append(RosterEntry(pegawai_id, True, ""))  # invalid record: still listed
                continue
            if periode is not None and not _serves_during(person, periode):
                continue
            if person["status_kepegawaian"] == "non_asn":
                entries.append(RosterEntry(pegawai_id, False, "non-ASN: dianjurkan, tidak wajib"))
            else:
                entries.append(RosterEntry(pegawai_id, True, ""))
        return entries

    # -- derived records --

    def plan(self, periode_id: str, pegawai_id: str) -> Plan | None:
        data = self.record(periode_id, pegawai_id, "rencana")
        return self._view("rencana", periode_id, pegawai_id, (data,), Plan)

    def cycle(self, periode_id: str, pegawai_id: str) -> Cycle | None:
        data = self.record(periode_id, pegawai_id, "siklus")
        return self._view("siklus", periode_id, pegawai_id, (data,), Cycle)

    def assessment(self, periode_id: str, pegawai_id: str) -> Assessment | None:
        data = self.record(periode_id, pegawai_id, "penilaian")
        periode = self.periode(periode_id)
        if data is None or periode is None:
            return None
        person = self.person(pegawai_id)
        return self._view(
            "penilaian",
            periode_id,
            pegawai_id,
            (data, person),
            lambda d: Assessment(d, periode, person),
        )

    def _view(
        self,
        kind: str,
        periode_id: str,
        pegawai_id: str,
        sources: tuple[RecordData | None, ...],
        make: Callable[[RecordData], ViewT],
    ) -> ViewT | None:
        """The view made from `sources[0]`; the same object while none of the sources changed."""
        data = sources[0]
        if data is None:
            return None
        key = (kind, periode_id, pegawai_id)
        cached = self._views.get(key)
        if cached is not None and all(a is b for a, b in zip(cached[0], sources, strict=True)):
            return cast(ViewT, cached[1])
        view = make(data)
        self._views[key] = (sources, view)
        return view


def _serves_during(person: Mapping[str, Any], periode: domain.Periode) -> bool:
    start = domain.parse_date(person.get("mulai_bertugas"))
    end = domain.parse_date(person.get("selesai_bertugas"))
    return (start is None or start <= periode.end) and (end is None or end >= periode.start)


# -- views for outputs ------------------------------------------------------------------------

_STATUS_WORDS = {
    PlanStatus.DRAF: "draf",
    PlanStatus.DIAJUKAN: "diajukan",
    PlanStatus.DITINJAU_ULANG: "ditinjau ulang",
    PlanStatus.DISETUJUI: "disetujui",
    PlanStatus.DISEPAKATI: "disepakati",
}


@dataclass(frozen=True, slots=True)
class NextStep:
    """What has to happen next for one person in one periode, who does it, and by when."""

    key: str  # stable id: ajukan, ajukan-ulang, setujui, sepakati, siklus-a … nilai, atasan
    label: str  # what to do, in Indonesian
    tahap: str  # the stage whose deadline applies (domain.TAHAP_TENGGAT)
    peran: Peran
    pelaku_id: str | None  # pegawai id or Dinas NIP of who must act, when known
    pelaku_nama: str | None
    deadline: Deadline | None
    file: str  # the record to act on (repository-relative)
    perintah: str | None = None  # the kinerja command that does it, when there is one
    otomatis: bool = False  # an approval under a Plt: recorded automatically, never returned

    @property
    def due(self) -> dt.date | None:
        return self.deadline.tanggal if self.deadline is not None else None

    def days_late(self, today: dt.date) -> int:
        """Days past the deadline on `today` (0 when not late or without a deadline)."""
        return domain.days_past(self.due, today)


@dataclass(frozen=True)
class PersonPeriode:
    """One person in one periode, as every output shows them."""

    pegawai_id: str
    periode_id: str
    nama: str
    on_roster: bool  # belongs to the school in this periode
    wajib: bool  # PKG is required of them
    alasan_tidak_wajib: str
    files: Mapping[str, RecordFile]
    plan: Plan | None
    cycle: Cycle | None
    assessment: Assessment | None
    next_step: NextStep | None  # None: nothing left to do in this periode
    today: dt.date

    @property
    def days_late(self) -> int:
        """Days the next step is late, counted only for people PKG is required of."""
        if self.next_step is None or not self.wajib:
            return 0
        return self.next_step.days_late(self.today)

    @property
    def late(self) -> bool:
        return self.days_late > 0

    @property
    def invalid(self) -> bool:
        """Some record of this person in this periode did not pass its schema."""
        return any(not record.valid for record in self.files.values())

    @property
    def has_records(self) -> bool:
        return bool(self.files)

    @property
    def stage(self) -> Stage:
        if self.assessment is not None:
            return Stage.PENILAIAN
        if self.cycle is not None or (self.plan is not None and self.plan.agreed):
            return Stage.PELAKSANAAN
        if self.plan is not None or self.files:
            return Stage.PERENCANAAN
        return Stage.BELUM_MULAI

    @property
    def status(self) -> str:
        """The detail of the stage, in Indonesian ("rencana diajukan", "siklus langkah B" …)."""
        if self.assessment is not None:
            return "dinilai"
        if self.cycle is not None:
            last = self.cycle.last_step
            return f"siklus langkah {last.letter}" if last else "siklus belum dimulai"
        if self.plan is not None:
            return f"rencana {_STATUS_WORDS[self.plan.status]}"
        if self.files:
            return "catatan tidak valid" if self.invalid else "belum ada rencana"
        return "belum mulai"

    @property
    def predikat(self) -> Predikat | None:
        return self.assessment.predikat if self.assessment is not None else None

    @property
    def angka_kredit(self) -> AngkaKredit | None:
        return self.assessment.angka_kredit if self.assessment is not None else None

    @property
    def ringkasan(self) -> str:
        """ "penilaian, dinilai — Baik, AK 25,00": the line the CLI and `kinerja diff` print."""
        stage = domain.STAGE_LABELS[self.stage].lower()
        text = stage if self.status == stage else f"{stage}, {self.status}"
        if self.predikat is not None:
            text += f" — {domain.PREDIKAT_LABELS[self.predikat]}"
        if self.angka_kredit is not None:
            text += f", AK {domain.format_decimal(self.angka_kredit.value)}"
        return text


@dataclass(frozen=True)
class SchoolPeriode:
    """Everyone of the school in one periode: the roster plus anybody else with records."""

    periode_id: str
    people: tuple[PersonPeriode, ...]

    @property
    def with_records(self) -> tuple[PersonPeriode, ...]:
        return tuple(person for person in self.people if person.has_records)

    @property
    def by_urgency(self) -> tuple[PersonPeriode, ...]:
        """Everyone, most days late first; then the required before the optional, then by name."""
        return tuple(
            sorted(self.people, key=lambda p: (-p.days_late, not p.wajib, p.nama, p.pegawai_id))
        )

    @functools.cached_property
    def _by_id(self) -> dict[str, PersonPeriode]:
        return {person.pegawai_id: person for person in self.people}

    def person(self, pegawai_id: str) -> PersonPeriode | None:
        return self._by_id.get(pegawai_id)


def person_periode(school: School, periode_id: str, pegawai_id: str) -> PersonPeriode:
    """The view of one person in one periode: the one in the school's view when there is one."""
    found = school_periode(school, periode_id).person(pegawai_id)
    # Not in the school's view: neither on the roster nor with records in the periode.
    return found if found is not None else _person_periode(school, periode_id, pegawai_id, {})


def _person_periode(
    school: School,
    periode_id: str,
    pegawai_id: str,
    roster: Mapping[str, RosterEntry],
) -> PersonPeriode:
    entry = roster.get(pegawai_id)
    person = school.person(pegawai_id) or {}
    files = dict(school.records(periode_id, pegawai_id))  # the view's own: a snapshot
    plan = school.plan(periode_id, pegawai_id)
    cycle = school.cycle(periode_id, pegawai_id)
    assessment = school.assessment(periode_id, pegawai_id)
    return PersonPeriode(
        pegawai_id=pegawai_id,
        periode_id=periode_id,
        nama=str(person.get("nama", pegawai_id)),
        on_roster=entry is not None,
        wajib=entry.wajib if entry is not None else False,
        alasan_tidak_wajib=entry.alasan if entry is not None else "bukan pegawai sekolah ini",
        files=files,
        plan=plan,
        cycle=cycle,
        assessment=assessment,
        next_step=next_step(school, periode_id, pegawai_id, files, plan, cycle, assessment),
        today=school.today,
    )


def school_periode(school: School, periode_id: str) -> SchoolPeriode:
    """The view of the whole school in one periode, people sorted by id; made once, reused.

    The deadline rules, the CLI summary, `tindakan`, the recap PDF, the site, the export and
    the app each ask for it, several times per build. What the view is made from, and why the
    cache cannot go stale:
    - the records: they enter only through `School.add`, which drops every cached view, and a
      `RecordFile` is frozen (whether it passed its schema is fixed when it is placed). Rule
      diagnostics are not an input: `PersonPeriode.invalid` means "failed its schema"; errors
      found by rules are read from the report by readiness and the build, never from the view;
    - `today` (days late, and who acts on a step: the atasan of that day), which the app moves
      to the day of each request on a school it keeps, and `calendar` (the deadlines): both are
      the key.
    Record data is never changed in place (the model is read-only, decision 0013).
    """
    key = (school.today, school.calendar)
    cached = school._periodes.get(periode_id)
    if cached is not None and cached[0][0] == key[0] and cached[0][1] is key[1]:
        return cached[1]
    view = _school_periode(school, periode_id)
    school._periodes[periode_id] = (key, view)
    return view


def _school_periode(school: School, periode_id: str) -> SchoolPeriode:
    roster = {entry.pegawai_id: entry for entry in school.roster(periode_id)}
    ids = sorted(set(roster) | set(school.periods.get(periode_id, {})))
    return SchoolPeriode(
        periode_id, tuple(_person_periode(school, periode_id, pid, roster) for pid in ids)
    )


# -- the next step --------------------------------------------------------------------------


def acting_atasan(school: School, pegawai_id: str, day: dt.date) -> Atasan | None:
    """Who may approve, return, observe or assess the person's records on `day`, in any periode.

    The one answer for the step offered (`next_step` on `school.today`, hence `kinerja
    tindakan` and the app's inbox) and the step accepted (`review.apply` on the day of the
    action): the atasan in force on the day the step is taken and dated, whatever periode the
    record belongs to. A late approval of a past periode's plan is the current KS's (or
    automatic under a current Plt, or nobody's during a vacancy), not the KS of the periode's
    end: every rule and the signature check judge a step by the atasan on its own date
    (KIN310-KIN315, KIN721-KIN726; decision 0013, "Atasan on a date").
    None when sekolah.yaml is unusable.
    """
    return school.atasan(pegawai_id, day)


# Who records each A–E step: the owner (A, D, E) or the atasan who observes and discusses (B, C).
_CYCLE_ACTOR_IS_ATASAN = {"b_observasi": True, "c_diskusi_tindak_lanjut": True}


def next_step(
    school: School,
    periode_id: str,
    pegawai_id: str,
    files: Mapping[str, RecordFile],
    plan: Plan | None,
    cycle: Cycle | None,
    assessment: Assessment | None,
) -> NextStep | None:
    """The one next step of a person in a periode (None when done), with its deadline.

    A plan under (re)review comes first, even after an assessment: a plan changed after
    agreement goes back through review (decision 0017).
    """
    broken = sorted(record.rel for record in files.values() if not record.valid)
    if broken:
        # No deadline: the schema error is the signal, and the stage reached is unknown.
        tahap = "perencanaan" if plan is None or not plan.agreed else "pelaksanaan"
        return _Actor.owner(school, pegawai_id).step(
            "perbaiki", "Perbaiki catatan yang tidak lolos skema", tahap, {}, broken[0],
            "kinerja validate",
        )  # fmt: skip
    deadlines = school.deadlines(periode_id)
    step = _plan_step(school, periode_id, pegawai_id, plan, deadlines)
    if step is not None:
        return step
    if assessment is not None:
        return None  # assessed on an agreed plan: nothing left in this periode
    owner = _Actor.owner(school, pegawai_id)
    atasan = _Actor.atasan(school, pegawai_id)
    cycle_rel = layout.record_path(RecordKind.SIKLUS, periode_id, pegawai_id)
    done = cycle.steps_done if cycle is not None else ()
    for cycle_step in CYCLE_STEPS:
        if cycle_step not in done:
            actor = atasan if _CYCLE_ACTOR_IS_ATASAN.get(cycle_step.key) else owner
            if actor.missing:
                return actor.step("atasan", actor.missing, "pelaksanaan", deadlines, cycle_rel)
            return actor.step(
                f"siklus-{cycle_step.letter.lower()}", f"Catat siklus langkah {cycle_step.title}",
                "pelaksanaan", deadlines, cycle_rel,
            )  # fmt: skip
    return _assessment_step(periode_id, pegawai_id, deadlines, atasan)


def plan_step(school: School, periode_id: str, pegawai_id: str) -> NextStep | None:
    """The step the person's plan still needs in the periode; None once agreed on its content.

    The plan part of `next_step`, for an output that asks about the plan whatever else is
    pending (the export's "plan not agreed", KIN802): who must act is the same fact as in
    `kinerja tindakan`.
    """
    plan = school.plan(periode_id, pegawai_id)
    return _plan_step(school, periode_id, pegawai_id, plan, school.deadlines(periode_id))


def assessment_step(school: School, periode_id: str, pegawai_id: str) -> NextStep:
    """Who records the person's penilaian (the last step of `next_step`), or who must first
    make that possible (the operator, when the school has no atasan)."""
    return _assessment_step(
        periode_id,
        pegawai_id,
        school.deadlines(periode_id),
        _Actor.atasan(school, pegawai_id),
    )


def _plan_step(
    school: School,
    periode_id: str,
    pegawai_id: str,
    plan: Plan | None,
    deadlines: Mapping[str, Deadline],
) -> NextStep | None:
    plan_rel = layout.record_path(RecordKind.RENCANA, periode_id, pegawai_id)
    owner = _Actor.owner(school, pegawai_id)
    if plan is None:
        # `mulai` copies an earlier plan; without one, `isi` asks for the plan field by field.
        earlier = any(
            other < periode_id and school.record(other, pegawai_id, "rencana") is not None
            for other in school.periods
        )
        command = (
            f"kinerja mulai {periode_id}"
            if earlier
            else f"kinerja isi rencana --nip {pegawai_id} --periode {periode_id}"
        )
        return owner.step(
            "susun", "Susun rencana kinerja lalu ajukan", "perencanaan", deadlines, plan_rel,
            command,
        )  # fmt: skip
    ajukan = f"kinerja ajukan {plan_rel}"
    if plan.stale:
        return owner.step(
            "ajukan-ulang", "Ajukan ulang rencana yang berubah sesudah disetujui", "perencanaan",
            deadlines, plan_rel, ajukan,
        )  # fmt: skip
    status = plan.status
    if status is PlanStatus.DRAF:
        return owner.step("ajukan", "Ajukan rencana", "perencanaan", deadlines, plan_rel, ajukan)
    if status is PlanStatus.DITINJAU_ULANG:
        return owner.step(
            "ajukan-ulang", "Perbaiki rencana sesuai catatan atasan lalu ajukan ulang",
            "perencanaan", deadlines, plan_rel, ajukan,
        )  # fmt: skip
    if status is PlanStatus.DIAJUKAN:
        atasan = _Actor.atasan(school, pegawai_id)
        if atasan.missing:
            return atasan.step("atasan", atasan.missing, "perencanaan", deadlines, plan_rel)
        label = (
            "Setujui rencana (otomatis karena Plt)"
            if atasan.plt
            else "Setujui atau kembalikan rencana"
        )
        command = f"kinerja setujui {plan_rel} --oleh {atasan.id or '<NIP>'}"
        return atasan.step(
            "setujui", label, "perencanaan", deadlines, plan_rel, command, otomatis=atasan.plt
        )
    if status is PlanStatus.DISETUJUI:
        return owner.step(
            "sepakati", "Sepakati rencana yang sudah disetujui", "perencanaan", deadlines,
            plan_rel, f"kinerja sepakati {plan_rel} --oleh {pegawai_id}",
        )  # fmt: skip
    return None  # agreed on its current content


def _assessment_step(
    periode_id: str, pegawai_id: str, deadlines: Mapping[str, Deadline], atasan: _Actor
) -> NextStep:
    penilaian_rel = layout.record_path(RecordKind.PENILAIAN, periode_id, pegawai_id)
    if atasan.missing:
        return atasan.step("atasan", atasan.missing, "penilaian", deadlines, penilaian_rel)
    return atasan.step("nilai", "Nilai kinerja (penilaian)", "penilaian", deadlines, penilaian_rel)


@dataclass(frozen=True, slots=True)
class _Actor:
    """Who acts on a step; `missing` explains why nobody can (then the operator must act)."""

    peran: Peran
    id: str | None
    nama: str | None
    missing: str = ""
    plt: bool = False

    @classmethod
    def owner(cls, school: School, pegawai_id: str) -> _Actor:
        person = school.person(pegawai_id) or {}
        peran = Peran.KEPALA_SEKOLAH if person.get("peran") == "kepala_sekolah" else Peran.GURU
        return cls(peran, pegawai_id, person.get("nama"))

    @classmethod
    def atasan(cls, school: School, pegawai_id: str) -> _Actor:
        found = acting_atasan(school, pegawai_id, school.today)
        if found is None:
            return cls(Peran.OPERATOR, None, None, "Perbaiki sekolah.yaml agar atasan diketahui")
        if found.status is AtasanKind.DINAS:
            return cls(Peran.DINAS, found.id, found.nama)
        if found.status is AtasanKind.KOSONG:
            return cls(
                Peran.OPERATOR, None, None,
                "Data atasan tidak ditemukan: catat kepala sekolah definitif atau Plt di "
                "sekolah.yaml (Dinas menetapkan Plt)",
            )  # fmt: skip
        return cls(Peran.KEPALA_SEKOLAH, found.id, found.nama, plt=found.status is AtasanKind.PLT)

    def step(
        self,
        key: str,
        label: str,
        tahap: str,
        deadlines: Mapping[str, Deadline],
        file: str,
        perintah: str | None = None,
        otomatis: bool = False,
    ) -> NextStep:
        return NextStep(
            key,
            label,
            tahap,
            self.peran,
            self.id,
            self.nama,
            deadlines.get(tahap),
            file,
            perintah,
            otomatis,
        )
