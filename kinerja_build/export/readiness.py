"""Pre-sync checks: who can be handed to BKN for a periode, and who must fix what first.

These mirror the problems that make the real PMM → e-Kinerja sync fail (plan not agreed, no
definitive or Plt kepala sekolah, no KS plan, UNOR missing, jenjang without coefficient, …).
Problems the validator already reports (NIP structure KIN301, duplicate NIP KIN302, predikat
not matching the ratings KIN601, …) block the export through KIN809 with the validator's own
code and message, so each problem has exactly one code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from kinerja_build import domain
from kinerja_build.diagnostics import Diagnostic, Severity
from kinerja_build.domain import Peran
from kinerja_build.layout import SCHOOL_RECORD, RecordKind
from kinerja_build.load import locate
from kinerja_build.model import (
    PersonPeriode,
    RecordFile,
    School,
    assessment_step,
    plan_step,
    school_periode,
)
from kinerja_build.severity import make

GURU = "guru"
KEPALA_SEKOLAH = "kepala sekolah"
OPERATOR = "operator sekolah"
DINAS = "dinas"
NONE = "tidak perlu"  # nothing to fix: e.g. non-ASN are simply not part of the ASN export

# Who must act, as the model's next step names them (the same person `kinerja tindakan` shows).
_PIHAK = {
    Peran.GURU: GURU,
    Peran.KEPALA_SEKOLAH: KEPALA_SEKOLAH,
    Peran.OPERATOR: OPERATOR,
    Peran.DINAS: DINAS,
}


@dataclass(frozen=True, slots=True)
class Reason:
    """Why one person cannot be exported yet, and who must act."""

    code: str
    message: str
    pihak: str  # guru, kepala sekolah, operator sekolah, dinas, or "-" (nothing to do)
    file: str = ""
    json_path: tuple[str | int, ...] = ()
    # A fact about the whole school in the periode (KIN806, KIN807): every person it holds back
    # carries the same reason, and the build reports it once (school_findings).
    school_wide: bool = False


@dataclass(slots=True)
class Readiness:
    """The verdict for one person in one periode."""

    pegawai: str
    nama: str
    nip: str
    reasons: list[Reason] = field(default_factory=list)
    warnings: list[Reason] = field(default_factory=list)  # exported, but worth a look

    @property
    def ready(self) -> bool:
        return not self.reasons

    @property
    def never_exported(self) -> bool:
        """Non-ASN (KIN801): not part of the ASN export, whatever else is missing."""
        return any(reason.code == "KIN801" for reason in self.reasons)


def assess(
    school: School, periode: domain.Periode, diagnostics: Iterable[Diagnostic]
) -> list[Readiness]:
    """Readiness of everyone in the periode (the roster and anybody with records), by name."""
    errors_by_file: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        if diagnostic.severity is Severity.ERROR and diagnostic.file:
            errors_by_file.setdefault(diagnostic.file, []).append(diagnostic)
    school_reasons = list(_school_reasons(school))
    ks_reason = _ks_plan_reason(school, periode)
    verdicts = []
    for person in school_periode(school, periode.id).people:
        pegawai_id = person.pegawai_id
        verdict = _person(school, periode, person, errors_by_file)
        if verdict.never_exported:  # school-wide reasons do not keep a non-ASN out
            verdicts.append(verdict)
            continue
        verdict.reasons[:0] = school_reasons
        if ks_reason and school.role(pegawai_id) != "kepala_sekolah":
            verdict.reasons.append(ks_reason)
        verdicts.append(verdict)
    return sorted(verdicts, key=lambda item: (item.nama, item.pegawai))


def _school_reasons(school: School) -> Iterable[Reason]:
    sekolah = school.sekolah
    if sekolah is None or sekolah.data is None:
        rel = sekolah.rel if sekolah else SCHOOL_RECORD
        yield Reason(
            "KIN809", "Data sekolah (sekolah.yaml) bergalat.", OPERATOR, rel, school_wide=True
        )
        return
    if not sekolah.data.get("unor"):
        yield Reason(
            "KIN807",
            "Unit kerja (UNOR SIASN) sekolah belum diisi; e-Kinerja tidak dapat memadankan NPSN.",
            OPERATOR,
            sekolah.rel,
            school_wide=True,
        )


def _ks_plan_reason(school: School, periode: domain.Periode) -> Reason | None:
    """A guru's SKP cannot sync before the KS's own plan exists ("SKP Organisasi")."""
    kepala = [pid for pid in school.pegawai if school.role(pid) == "kepala_sekolah"]
    for ks_id in kepala:
        plan = school.plan(periode.id, ks_id)
        if plan is not None and plan.agreed:
            return None
    return Reason(
        "KIN806",
        f"Rencana kinerja kepala sekolah periode {periode.id} belum ada atau belum disepakati "
        '(e-Kinerja: "Data SKP Organisasi belum dibuat oleh atasan").',
        KEPALA_SEKOLAH,
        school_wide=True,
    )


@dataclass(frozen=True, slots=True)
class SchoolFinding:
    """A school-wide reason in one periode and everyone it holds back (ids, by name)."""

    reason: Reason
    pegawai: tuple[str, ...]


def school_findings(verdicts: Iterable[Readiness]) -> list[SchoolFinding]:
    """The school-wide reasons of the verdicts, once each, gathered from the people's own rows
    (one computation: a reason nobody carries, say for a school of non-ASN only, is no finding).
    """
    held: dict[Reason, list[str]] = {}
    for verdict in verdicts:
        for reason in verdict.reasons:
            if reason.school_wide:
                held.setdefault(reason, []).append(verdict.pegawai)
    return [SchoolFinding(reason, tuple(ids)) for reason, ids in held.items()]


def _person(
    school: School,
    periode: domain.Periode,
    view: PersonPeriode,
    errors_by_file: dict[str, list[Diagnostic]],
) -> Readiness:
    pegawai_id = view.pegawai_id
    record = school.pegawai.get(pegawai_id)
    person = record.data if record is not None and record.data else {}
    verdict = Readiness(pegawai_id, person.get("nama", pegawai_id), person.get("nip", ""))
    if record is None:
        verdict.reasons.append(
            Reason("KIN809", "Data pegawai tidak ada di records/pegawai/.", OPERATOR)
        )
        return verdict
    if not errors_by_file.get(record.rel) and person.get("status_kepegawaian") == "non_asn":
        # Their own record errors are the validator's to report: they do not keep a non-ASN
        # out of an export that never includes them.
        verdict.reasons.append(
            Reason("KIN801", "Pegawai non-ASN tidak termasuk ekspor ASN ke BKN.", NONE, record.rel)
        )
        return verdict
    records = school.records(periode.id, pegawai_id)
    # Who fixes a record with errors: its owner (the guru, or the KS for their own), and for the
    # assessment the model's assessor (the KS, the Kepala Dinas for a KS or a Plt).
    owner = KEPALA_SEKOLAH if school.role(pegawai_id) == "kepala_sekolah" else GURU
    assessor = _PIHAK[assessment_step(school, periode.id, pegawai_id).peran]
    for item in [record, *sorted(records.values(), key=lambda entry: entry.rel)]:
        for diagnostic in errors_by_file.get(item.rel, [])[:1]:
            pihak = {RecordKind.PEGAWAI: OPERATOR, RecordKind.PENILAIAN: assessor}.get(
                item.kind, owner
            )
            verdict.reasons.append(
                Reason(
                    "KIN809",
                    f"{diagnostic.code}: {diagnostic.message}",
                    pihak,
                    item.rel,
                    diagnostic.json_path,
                )
            )
    if verdict.reasons or not person:
        return verdict
    verdict.reasons.extend(_plan_reasons(school, view))
    penilaian = records.get("penilaian")
    if penilaian is None:
        # Who assesses: the model's atasan (the operator when the school has none).
        verdict.reasons.append(Reason("KIN803", "Belum dinilai pada periode ini.", assessor))
    else:
        for reason in _assessor_reasons(school, periode, pegawai_id, penilaian):
            # A Plt assessor is only a warning: the person is still exported.
            (verdict.warnings if reason.code == "KIN805" else verdict.reasons).append(reason)
    if (
        person["status_kepegawaian"] == "pns"
        and person.get("jenjang_jabatan") not in domain.KOEFISIEN
    ):
        verdict.reasons.append(
            Reason(
                "KIN808",
                "Jenjang jabatan PNS belum diisi; koefisien angka kredit (koefisienId) tidak dapat "
                "ditentukan.",
                OPERATOR,
                record.rel,
                ("jenjang_jabatan",),
            )
        )
    return verdict


def _plan_reasons(school: School, view: PersonPeriode) -> list[Reason]:
    """KIN802 while the plan is not agreed on its content; who acts is the model's plan step."""
    step = plan_step(school, view.periode_id, view.pegawai_id)
    if step is None:
        return []
    pihak = _PIHAK[step.peran]
    plan, record = view.plan, view.files.get("rencana")
    if plan is None or record is None:
        return [Reason("KIN802", "Belum ada rencana kinerja.", pihak)]
    if plan.stale:
        message = "Rencana kinerja diubah sesudah disetujui dan belum disepakati ulang."
    else:
        label = domain.STATUS_RENCANA_LABELS[plan.status].lower()
        message = f"Rencana kinerja belum disepakati (status terakhir: {label})."
    return [
        Reason("KIN802", message, pihak, record.rel, ("status", len(plan.history) - 1, "status"))
    ]


def _assessment_day(periode: domain.Periode, penilaian: RecordFile) -> dt.date:
    assert penilaian.data is not None
    return domain.parse_date(penilaian.data["tanggal"]) or periode.end


def _assessor_reasons(
    school: School, periode: domain.Periode, pegawai_id: str, penilaian: RecordFile
) -> list[Reason]:
    """No KS at all blocks the sync (KIN804); a Plt assessor is exported with KIN805."""
    atasan = school.atasan(pegawai_id, min(_assessment_day(periode, penilaian), periode.end))
    if atasan is not None and atasan.status == "kosong":
        return [
            Reason(
                "KIN804",
                "Tidak ada kepala sekolah definitif maupun Plt pada tanggal penilaian "
                '(e-Kinerja: "Data atasan Anda tidak ditemukan").',
                DINAS,
                school.sekolah.rel if school.sekolah else "",
                ("kepala_sekolah",),
            )
        ]
    if atasan is not None and atasan.status == "plt":
        return [
            Reason(
                "KIN805",
                "Penilai berstatus Plt kepala sekolah; pastikan data Plt sudah tercatat di SIASN "
                "sebelum sinkronisasi.",
                DINAS,
                penilaian.rel,
                ("penilai",),
            )
        ]
    return []


def to_diagnostic(
    school: School,
    periode: str,
    verdict: Readiness,
    reason: Reason,
) -> Diagnostic:
    """A person's readiness finding as a diagnostic of the build (file, line, column when known).

    The severity is the registry's (`kinerja rules`); the build applies the school's `aturan:`
    (severity.py), where `mati` silences the message but never exports the person anyway.
    """
    return _diagnostic(school, reason, f"Ekspor BKN {periode}, {verdict.nama}: {reason.message}")


def school_diagnostic(school: School, periode: str, finding: SchoolFinding) -> Diagnostic:
    """A school-wide finding as one diagnostic of the periode, naming how many it holds back."""
    reason = finding.reason
    return _diagnostic(
        school,
        reason,
        f"Ekspor BKN {periode}, seluruh sekolah: {reason.message} "
        f"Menahan ekspor {len(finding.pegawai)} pegawai.",
    )


def _diagnostic(school: School, reason: Reason, message: str) -> Diagnostic:
    line = column = 0
    if reason.file:
        absolute = school.root / reason.file
        line, column = locate(absolute, reason.json_path) if absolute.is_file() else (0, 0)
    who = f"Pihak yang perlu bertindak: {reason.pihak}." if reason.pihak != NONE else ""
    return make(
        reason.code,
        reason.file,
        message,
        who or "Tidak perlu tindakan.",
        reason.json_path,
        line,
        column,
    )
