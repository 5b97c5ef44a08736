"""Plan steps: `kinerja ajukan`, `kinerja setujui`, `kinerja tinjau-ulang`, `kinerja sepakati`.

Each command appends one step to a plan's status history: date, actor and the SHA-256 of the
plan's canonical content, so an approval is valid only for exactly the content approved
(decision 0004). The step is appended as text in the file's own style (`yaml_append`), so the
pull request shows exactly the added lines. Nothing is written for a plan that does not
validate, a write that would make the file invalid is rolled back, and the whole
read-check-write runs under a lock on the plan's folder so concurrent commands cannot lose a step.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path

from kinerja_build import domain, layout, lock, signatures
from kinerja_build.diagnostics import Diagnostic
from kinerja_build.errors import UsageProblem
from kinerja_build.layout import RecordKind
from kinerja_build.model import Plan, RecordFile, acting_atasan
from kinerja_build.output import write_atomic
from kinerja_build.severity import make
from kinerja_build.validate import Result, validate
from kinerja_build.yaml_append import AppendError, append_entry

Entry = list[tuple[str, str | bool]]

# What each command writes; domain.PLAN_TRANSITIONS says after which status it may.
STEPS = {
    "ajukan": "diajukan",
    "setujui": "disetujui",
    "tinjau-ulang": "ditinjau_ulang",
    "sepakati": "disepakati",
}
# Commands whose step records the SHA-256 of the content they act on.
CONTENT_BOUND = ("ajukan", "setujui", "sepakati")


@dataclass(frozen=True, slots=True)
class Outcome:
    written: bool
    message: str
    diagnostics: tuple[Diagnostic, ...] = ()
    original: bytes | None = None  # the plan before the step, to take it back
    signer_keys: tuple[signatures.Key, ...] = ()  # the actor's listed keys, to check a commit


def _refuse(code: str, rel: str, message: str, hint: str) -> Outcome:
    return Outcome(False, message, (make(code, rel, message, hint),))


def locate_plan(root: Path, path: Path) -> tuple[str, str, str]:
    """(repo-relative path, periode, pegawai id) of a plan file, or a usage problem."""
    root, absolute = root.resolve(), path.resolve()
    place = (
        layout.parse_record_path(absolute.relative_to(root).as_posix())
        if root in absolute.parents and absolute.is_file()
        else None
    )
    if not isinstance(place, layout.RecordPlace) or place.periode is None or place.owner is None:
        raise UsageProblem(
            f"{path} bukan berkas rencana di {layout.periods_dir()}/<periode>/<id>/."
        )
    if place.kind is not RecordKind.RENCANA:
        raise UsageProblem(
            f"{path}: hanya {RecordKind.RENCANA.file_name} yang punya riwayat persetujuan."
        )
    return absolute.relative_to(root).as_posix(), place.periode, place.owner


@dataclass(frozen=True, slots=True)
class Commit:
    """Commit the new step alone, signed with SSH (issue 18: a step is tied to its signer)."""

    key: Path | None = None  # private key or .pub (agent); None: git's `user.signingkey`


def apply(
    root: Path,
    path: Path,
    command: str,
    actor: str,
    note: str | None,
    day: dt.date,
    commit: Commit | None = None,
) -> Outcome:
    """Validate, check the transition and the actor, append the step, re-validate (locked);
    with `commit`, also commit the plan signed, or take the step back if that fails."""
    rel, periode_id, owner = locate_plan(root, path)
    with lock.exclusive(root.resolve() / Path(rel).parent):
        outcome = _apply_locked(root, rel, periode_id, owner, command, actor, note, day)
        if commit is None or not outcome.written:
            return outcome
        return _commit(root.resolve(), rel, outcome, commit)


def _commit(root: Path, rel: str, outcome: Outcome, request: Commit) -> Outcome:
    assert outcome.original is not None
    signing = ["-c", "gpg.format=ssh"]
    if request.key is not None:
        signing += ["-c", f"user.signingkey={request.key.resolve()}"]
    message = outcome.message.removeprefix(f"{rel}: ").rstrip(".")
    steps = (
        ["add", "--", rel],
        [*signing, "commit", "--quiet", "-S", "-m", f"Rencana {message}", "--", rel],
    )
    for arguments in steps:
        try:
            done = subprocess.run(
                ["git", "-C", str(root), *arguments], capture_output=True, text=True, timeout=120
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            done = subprocess.CompletedProcess(arguments, 1, "", str(error))
        if done.returncode != 0:
            write_atomic((root / rel).parent, Path(rel).name, outcome.original)
            subprocess.run(
                ["git", "-C", str(root), "reset", "--quiet", "--", rel], capture_output=True
            )
            reason = (done.stderr.strip().splitlines() or ["gagal"])[-1]
            return _refuse(
                "KIN715",
                rel,
                f"Commit bertanda tangan gagal ({reason}); langkah dibatalkan, berkas dikembalikan.",
                "Atur kunci SSH untuk git: `git config --global gpg.format ssh` dan "
                "`git config --global user.signingkey ~/.ssh/id_ed25519.pub`, atau sebutkan "
                "`--kunci BERKAS`.",
            )
    head = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    message = f"{outcome.message} Commit bertanda tangan: {head[:12]}."
    if "otomatis (Plt)" in outcome.message:
        return Outcome(True, message)
    signature = signatures.signed_by_one_of(root, head, list(outcome.signer_keys))
    if signature.status != "G":
        # Committed all the same: the person may be adding this key in another pull request.
        message += (
            f" Peringatan: kunci penanda tangan ({signature.fingerprint or 'tidak diketahui'}) "
            "tidak tercantum di `kunci_ssh` pelaku; `kinerja periksa-tanda-tangan` akan menolak "
            "langkah ini sampai kunci itu tercatat di cabang utama."
        )
    return Outcome(True, message)


def _apply_locked(
    root: Path,
    rel: str,
    periode_id: str,
    owner: str,
    command: str,
    actor: str,
    note: str | None,
    day: dt.date,
) -> Outcome:
    before = validate(root)
    if before.usage_error:
        raise UsageProblem("kinerja.yml tidak valid; jalankan `kinerja validate`.")
    # A stale approval (KIN412) is what a resubmission resolves: `ajukan` is the way out of it.
    errors = [
        d
        for d in before.report.errors
        if d.file == rel and not (command == "ajukan" and d.code == "KIN412")
    ]
    if errors:
        return Outcome(False, "Rencana masih bergalat; persetujuan tidak ditulis.", tuple(errors))
    record = before.school.periods[periode_id][owner]["rencana"]
    assert record.data is not None
    check = check_actor(before, record, command, actor, day)
    if isinstance(check, Outcome):
        return check
    entry = _entry(command, check, note, day, domain.canonical_plan_hash(record.data))
    original = record.absolute.read_bytes()
    try:
        updated = append_entry(original, "status", entry)
    except AppendError as error:
        return _refuse(
            "KIN714",
            rel,
            f"{error} Langkah tidak ditulis.",
            "Tulis `status:` sebagai daftar blok (`- status: …` per butir), lalu jalankan lagi.",
        )
    write_atomic(record.absolute.parent, record.absolute.name, updated)
    after = validate(root)
    new_errors = [d for d in after.report.errors if d.file == rel]
    if new_errors:
        write_atomic(record.absolute.parent, record.absolute.name, original)
        return Outcome(
            False,
            "Langkah ini membuat rencana tidak valid; berkas dikembalikan.",
            tuple(new_errors),
        )
    who = "otomatis (Plt)" if ("otomatis", True) in entry else actor
    label = domain.STATUS_RENCANA_LABELS[STEPS[command]].lower()
    keys = tuple(signatures.keys_of(before.school, actor)) if actor else ()
    return Outcome(True, f"{rel}: {label} oleh {who} pada {day.isoformat()}.", (), original, keys)


def check_actor(
    result: Result, record: RecordFile, command: str, actor: str, day: dt.date
) -> str | Outcome:
    """The actor to record ("" for an automatic Plt approval), or the refusal: whether `actor`
    may take the step on `day` after the plan's current status. Writes nothing; `apply` also
    refuses a plan with errors. The atasan is the model's `acting_atasan`, the party
    `next_step` names on the same day (tests/test_agreement.py checks it)."""
    assert record.data is not None and record.owner is not None
    plan = Plan(record.data)
    wanted = domain.PlanStatus(STEPS[command])
    if wanted not in domain.PLAN_TRANSITIONS[plan.status]:
        allowed = [name for name, status in STEPS.items() if status in _next(plan.status)]
        return _refuse(
            "KIN711",
            record.rel,
            f"`kinerja {command}` tidak dapat dijalankan setelah status `{plan.status}`.",
            (f"Langkah yang sah sekarang: {', '.join(f'`kinerja {c}`' for c in allowed)}. "
             if allowed else "")
            + "Urutan: draf → diajukan → (ditinjau_ulang → diajukan)* → disetujui → disepakati.",
        )  # fmt: skip
    if command == "ajukan":
        return _check_submission(record, plan, actor)
    if command == "sepakati":
        return _check_agreement(record, actor)
    # The model's answer, the one `kinerja tindakan` and the app's inbox offer on the same day.
    atasan = acting_atasan(result.school, record.owner, day)
    if atasan is None or atasan.status == "kosong":
        return _refuse(
            "KIN712",
            record.rel,
            f"Tidak ada atasan pada {day.isoformat()}: rencana tidak dapat disetujui.",
            "Dinas perlu menetapkan kepala sekolah definitif atau Plt (sekolah.yaml).",
        )
    if atasan.status == "plt":
        if command == "tinjau-ulang":
            return _refuse(
                "KIN711",
                record.rel,
                "Sekolah dipimpin Plt: rencana disetujui otomatis, tanpa peninjauan ulang.",
                "Gunakan `kinerja setujui`; langkah dicatat sebagai persetujuan otomatis.",
            )
        return ""
    if actor != atasan.id:
        return _refuse(
            "KIN712",
            record.rel,
            f"{actor} bukan atasan pemilik rencana pada {day.isoformat()} "
            f"(atasan: {atasan.nama or atasan.id}).",
            f"Jalankan dengan `--oleh {atasan.id}`: hanya atasan yang menyetujui atau meninjau.",
        )
    return actor


def _next(status: domain.PlanStatus) -> tuple[domain.PlanStatus, ...]:
    return domain.PLAN_TRANSITIONS[status]


def _check_submission(record: RecordFile, plan: Plan, actor: str) -> str | Outcome:
    """The owner submits; after approval only a changed plan goes back through review."""
    assert record.owner is not None
    if actor != record.owner:
        return _refuse(
            "KIN712",
            record.rel,
            f"Rencana diajukan oleh pemiliknya ({record.owner}), bukan {actor}.",
            f"Jalankan dengan `--oleh {record.owner}` (atau tanpa --oleh).",
        )
    reviewed = plan.status in (domain.PlanStatus.DISETUJUI, domain.PlanStatus.DISEPAKATI)
    if reviewed and not plan.stale:
        return _refuse(
            "KIN711",
            record.rel,
            f"Rencana sudah {plan.status} dan isinya tidak berubah: tidak perlu diajukan ulang.",
            "Ubah isi rencana lebih dulu bila memang perlu direvisi.",
        )
    return actor


def _check_agreement(record: RecordFile, actor: str) -> str | Outcome:
    assert record.data is not None
    if actor != record.owner:
        return _refuse(
            "KIN712",
            record.rel,
            f"Rencana disepakati oleh pemiliknya ({record.owner}), bukan {actor}.",
            f"Jalankan dengan `--oleh {record.owner}`.",
        )
    approved = record.data["status"][-1].get("sha256")
    if approved != domain.canonical_plan_hash(record.data):
        return _refuse(
            "KIN713",
            record.rel,
            "Rencana berubah setelah disetujui: persetujuan itu tidak berlaku untuk isi ini.",
            f"Ajukan ulang dengan `kinerja ajukan {record.rel}` dan minta persetujuan baru.",
        )
    return actor


def _entry(command: str, actor: str, note: str | None, day: dt.date, digest: str) -> Entry:
    entry: Entry = [("status", STEPS[command]), ("tanggal", day.isoformat())]
    entry.append(("oleh", actor) if actor else ("otomatis", True))
    if note:
        entry.append(("catatan", note))
    if command in CONTENT_BOUND:
        entry.append(("sha256", digest))
    return entry
