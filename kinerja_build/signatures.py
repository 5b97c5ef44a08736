"""`kinerja periksa-tanda-tangan BASE [HEAD]`: every status step added between two revisions was
committed and signed by the person entitled to it (issue 18, decision 0011).

A step is text anyone can write; what ties it to a person is the SSH signature on the commit that
introduced it, verified by git itself (`gpg.format=ssh`) against an allowed-signers list built
from the records **at BASE** — the reviewed state — so a pull request can neither add a key and
sign with it nor make somebody else the atasan. The owner signs `draf`, `diajukan` and
`disepakati`; the atasan on the step's date signs `disetujui` and `ditinjau_ulang`; an automatic
approval under a Plt names nobody and needs no signature, but BASE must show a Plt on that date.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import dataclasses
import hashlib
import re
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from kinerja_build import domain, layout
from kinerja_build.diagnostics import Diagnostic, Report
from kinerja_build.diff import _materialize, default_base, git
from kinerja_build.errors import KinerjaError, UsageProblem
from kinerja_build.load import DEFAULT_MAX_BYTES, load_text, locate
from kinerja_build.model import AtasanKind, School
from kinerja_build.severity import make
from kinerja_build.validate import Result, validate

OWNER_STEPS = ("draf", "diajukan", "disepakati")
ATASAN_STEPS = ("disetujui", "ditinjau_ulang")
_KEY = re.compile(
    r"(?P<type>ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\.com"
    r"|sk-ecdsa-sha2-nistp256@openssh\.com) (?P<blob>AAAA[A-Za-z0-9+/]+={0,3})(?: [ -~]{1,100})?"
)
_PRINCIPAL = re.compile(r"[A-Za-z0-9._-]{1,64}")
# git's %G? letters: G good (key in the allowed signers), U good but the key is not listed,
# B bad (the commit changed after signing), N none, E cannot be checked, X/Y expired, R revoked.
_GOOD = "G"


@dataclass(frozen=True, slots=True)
class Key:
    """One public key a person listed at BASE."""

    owner: str
    line: str  # "type base64", without the comment
    fingerprint: str  # "SHA256:…", as `ssh-keygen -l` and git's %GK print it


@dataclass(frozen=True, slots=True)
class Signature:
    status: str
    fingerprint: str


@dataclass(frozen=True, slots=True)
class NewStep:
    """A status step present at HEAD and not at BASE, with the commits that introduced it."""

    rel: str
    index: int
    entry: dict[str, Any]
    owner: str
    commits: tuple[str, ...]


def fingerprint(key_line: str) -> str | None:
    """The SHA-256 fingerprint of a public key line, or None when it is not a well-formed key."""
    match = _KEY.fullmatch(key_line)
    if match is None:
        return None
    try:
        blob = base64.b64decode(match["blob"], validate=True)
    except (binascii.Error, ValueError):
        return None
    # The blob starts with its own key type as an SSH string: a pasted key must agree with it.
    kind = match["type"].encode()
    if blob[:4] != len(kind).to_bytes(4, "big") or blob[4 : 4 + len(kind)] != kind:
        return None
    digest = base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")
    return f"SHA256:{digest}"


def keys_of(school: School, person_id: str) -> list[Key]:
    """The well-formed keys listed for a pegawai or a Dinas official in `school`."""
    identity = school.identify(person_id)
    found = []
    for text in identity.data.get("kunci_ssh") or []:
        if not isinstance(text, str):
            continue
        printed = fingerprint(text)
        if printed is not None:
            found.append(Key(person_id, " ".join(text.split(" ")[:2]), printed))
    return found


def check(root: Path, base: str | None, head: str | None) -> tuple[Report, str, str]:
    """Diagnostics for every status step added from BASE to HEAD (default HEAD: `HEAD`)."""
    root = root.resolve()
    base_rev = _commit(root, base or default_base(root))
    head_rev = _commit(root, head or "HEAD")
    with tempfile.TemporaryDirectory(prefix="kinerja-tanda-tangan-") as scratch:
        before = validate(_materialize(root, base_rev, Path(scratch) / "base"))
        head_dir = _materialize(root, head_rev, Path(scratch) / "head")
        after = validate(head_dir)
        if before.usage_error:
            raise KinerjaError(
                "kinerja.yml di BASE tidak valid; tanda tangan tidak dapat diperiksa."
            )
        steps, rewritten = _new_steps(root, base_rev, head_rev)
        commits = sorted({commit for step in steps for commit in step.commits})
        signatures = _verify(root, commits, _allowed_signers(before.school))
        report = Report()
        report.extend(rewritten)
        for step in steps:
            report.extend(_judge(step, before, after, signatures))
        report.diagnostics = [_located(d, head_dir) for d in report.diagnostics]
        report.diagnostics = before.config.policy.judge(report.diagnostics)
        report.files_checked = len({step.rel for step in steps})
    return report, base_rev[:12], head_rev[:12]


def _commit(root: Path, revision: str) -> str:
    if revision.startswith("-"):
        raise UsageProblem(f"Revisi tidak sah: {revision}")
    try:
        return git(
            root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"
        ).strip()
    except UsageProblem as error:
        raise UsageProblem(f"Revisi `{revision}` tidak ditemukan di repositori git.") from error


# -- which steps are new, and which commits introduced them -------------------------------------


def _is_plan(path: str) -> bool:
    """A plan's place in a tree; anything else (odd characters, other depths) is not a plan."""
    place = layout.parse_record_path(path)
    return isinstance(place, layout.RecordPlace) and place.kind is layout.RecordKind.RENCANA


def _new_steps(root: Path, base: str, head: str) -> tuple[list[NewStep], list[Diagnostic]]:
    changed = [
        path
        for path in git(
            root, "diff", "--name-only", "--no-renames", base, head, "--", layout.periods_dir()
        ).splitlines()
        if _is_plan(path)
    ]
    if not changed:
        return [], []
    history = [
        line.split() for line in git(root, "rev-list", "--parents", f"{base}..{head}").splitlines()
    ]
    versions = [base, head, *{commit for line in history for commit in line}]
    statuses = _statuses(root, [(rev, path) for rev in versions for path in changed])
    steps: list[NewStep] = []
    problems: list[Diagnostic] = []
    for path in changed:
        if (head, path) not in statuses:
            continue  # deleted (shown by `kinerja diff`) or unreadable (reported by validate)
        old = statuses.get((base, path)) or []
        new = statuses[(head, path)]
        if new[: len(old)] != old:
            problems.append(_rewritten(path, old, new))
            continue
        owner = path.split("/")[3]
        for index in range(len(old), len(new)):
            introducers = tuple(
                line[0]
                for line in history
                if _has(statuses, line[0], path, index, new[index])
                and not any(_has(statuses, parent, path, index, new[index]) for parent in line[1:])
            )
            steps.append(NewStep(path, index, new[index], owner, introducers))
    return steps, problems


def _has(
    statuses: dict[tuple[str, str], list[Any]], rev: str, path: str, index: int, entry: Any
) -> bool:
    """Whether the plan at `rev` has exactly `entry` as its step number `index`."""
    found = statuses.get((rev, path)) or []
    return len(found) > index and found[index] == entry


def _rewritten(path: str, old: list[Any], new: list[Any]) -> Diagnostic:
    index = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), len(new))
    return make(
        "KIN725",
        path,
        f"Langkah status ke-{index + 1} yang sudah ada di BASE diubah atau dihapus: riwayat "
        "persetujuan hanya boleh ditambah.",
        "Kembalikan langkah-langkah lama persis seperti di cabang utama; tambahkan langkah baru "
        "di akhir daftar `status`.",
        ("status", min(index, max(len(new) - 1, 0))) if new else (),
    )


def _statuses(root: Path, wanted: list[tuple[str, str]]) -> dict[tuple[str, str], list[Any]]:
    """The status list of each (revision, plan path) that exists and parses."""
    blobs = _batch(
        root,
        "--batch-check=%(objectname) %(objecttype) %(objectsize)",
        [f"{rev}:{path}" for rev, path in wanted],
    )
    ids: dict[tuple[str, str], str] = {}
    for (rev, path), header in zip(wanted, blobs, strict=True):
        parts = header.decode(errors="replace").split()
        if len(parts) == 3 and parts[1] == "blob" and int(parts[2]) <= DEFAULT_MAX_BYTES:
            ids[(rev, path)] = parts[0]
    by_blob = dict(_status_lists(root, sorted(set(ids.values()))))
    return {key: by_blob[blob] for key, blob in ids.items() if blob in by_blob}


def _batch(root: Path, mode: str, lines: list[str]) -> list[bytes]:
    """One output line per input line of `git cat-file --batch-check`."""
    done = _run_git(root, ["cat-file", mode], "".join(f"{line}\n" for line in lines).encode())
    return done.splitlines()


def _status_lists(root: Path, blob_ids: list[str]) -> Iterator[tuple[str, list[Any]]]:
    """(blob id, status list) of each plan version that parses, read one blob at a time so a
    long hostile history never sits in memory at once."""
    if not blob_ids:
        return
    process = subprocess.Popen(
        ["git", "-C", str(root), "cat-file", "--batch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert process.stdin is not None and process.stdout is not None
    feeder = threading.Thread(target=_feed, args=(process.stdin, blob_ids), daemon=True)
    feeder.start()
    try:
        for _ in blob_ids:
            header = process.stdout.readline().split()
            if len(header) != 3:
                break  # git stopped: the blobs it did not answer are treated as unreadable
            blob = process.stdout.read(int(header[2]) + 1)[:-1]
            status = _status_list(blob, header[0].decode())
            if status is not None:
                yield header[0].decode(), status
    finally:
        process.stdout.close()
        process.kill()
        process.wait()
        feeder.join(timeout=5)


def _feed(stream: IO[bytes], blob_ids: list[str]) -> None:
    with contextlib.suppress(OSError):  # git was killed before reading everything
        for blob in blob_ids:
            stream.write(f"{blob}\n".encode())
        stream.close()


def _status_list(blob: bytes, name: str) -> list[Any] | None:
    try:
        text = blob.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return None
    data = load_text(text, name).data
    status = data.get("status") if isinstance(data, dict) else None
    return status if isinstance(status, list) else None


def _run_git(root: Path, args: list[str], stdin: bytes, extra: Iterable[str] = ()) -> bytes:
    try:
        done = subprocess.run(
            ["git", *extra, "-C", str(root), *args], input=stdin, capture_output=True, timeout=300
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise UsageProblem(f"git tidak dapat dijalankan: {error}") from error
    if done.returncode != 0:
        raise UsageProblem(f"git {args[0]}: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


# -- signatures ---------------------------------------------------------------------------------


def _allowed_signers(school: School) -> str:
    """git's allowed-signers file: one line per key listed at BASE, the person's id as principal."""
    people = [*school.pegawai, *_officials(school)]
    return allowed_signers([key for person in people for key in keys_of(school, person)])


def allowed_signers(keys: Iterable[Key]) -> str:
    """The allowed-signers lines of `keys` (principal: the owner's id; git signatures only)."""
    lines = [f'{key.owner} namespaces="git" {key.line}' for key in keys]
    return "".join(f"{line}\n" for line in lines if _PRINCIPAL.fullmatch(line.split(" ")[0]))


def signed_by_one_of(root: Path, commit: str, keys: list[Key]) -> Signature:
    """How `commit` verifies against `keys` only (G: signed by one of them)."""
    return _verify(root, [commit], allowed_signers(keys)).get(commit, Signature("N", ""))


def _officials(school: School) -> Iterator[str]:
    dinas = (school.sekolah_data or {}).get("dinas") or {}
    for official in dinas.values():
        if isinstance(official, dict) and isinstance(official.get("nip"), str):
            yield official["nip"]


def _verify(root: Path, commits: list[str], allowed: str) -> dict[str, Signature]:
    if not commits:
        return {}
    with tempfile.NamedTemporaryFile("w", prefix="kinerja-allowed-signers-", suffix=".txt") as file:
        file.write(allowed)
        file.flush()
        settings = [
            "-c", "gpg.format=ssh", "-c", f"gpg.ssh.allowedSignersFile={file.name}",
            "-c", "log.showSignature=false",
        ]  # fmt: skip
        output = _run_git(
            root,
            ["log", "--no-walk=unsorted", "--format=%H%x1f%G?%x1f%GK", "--stdin"],
            "".join(f"{commit}\n" for commit in commits).encode(),
            settings,
        )
    found = {}
    for line in output.decode(errors="replace").splitlines():
        commit, status, key = [*line.split("\x1f"), "", ""][:3]
        found[commit] = Signature(status, key)
    return found


def _judge(
    step: NewStep, before: Result, after: Result, signatures: dict[str, Signature]
) -> Iterator[Diagnostic]:
    entry = step.entry
    status = entry.get("status")
    day = domain.parse_date(entry.get("tanggal"))
    if status in ATASAN_STEPS and day is not None:
        atasan = before.school.atasan(step.owner, day)
        if entry.get("otomatis") is True:
            if atasan is None or atasan.status is not AtasanKind.PLT:
                yield _diag(
                    step,
                    "KIN726",
                    "Persetujuan otomatis hanya sah di bawah Plt, dan cabang utama (BASE) tidak "
                    f"mencatat Plt pada {day.isoformat()}.",
                    "Perubahan riwayat kepala sekolah di sekolah.yaml digabung lebih dulu, "
                    "dalam pull request terpisah.",
                )
            return
        if atasan is None or atasan.id is None:
            yield _diag(
                step,
                "KIN726",
                f"Cabang utama (BASE) tidak mencatat atasan pada {day.isoformat()}: tidak ada "
                f"yang berhak membuat langkah `{status}`.",
                "Lengkapi riwayat kepala sekolah di sekolah.yaml dalam pull request terpisah.",
            )
            return
        entitled = atasan.id
    elif status in OWNER_STEPS:
        entitled = step.owner
    else:
        return  # the validator reports unknown statuses and dates
    yield from _judge_signatures(step, entitled, before.school, after.school, signatures)


def _judge_signatures(
    step: NewStep,
    entitled: str,
    school: School,
    head_school: School,
    signatures: dict[str, Signature],
) -> Iterator[Diagnostic]:
    who = school.identify(entitled).display
    status = step.entry.get("status")
    keys = {key.fingerprint for key in keys_of(school, entitled)}
    if not step.commits:
        yield _diag(
            step,
            "KIN723",
            "Tidak ada commit di rentang ini yang menambahkan langkah ini.",
            "Periksa riwayat cabang ini (`git log`).",
        )
        return
    if not keys:
        yield _diag(
            step,
            "KIN724",
            f"Langkah `{status}` tidak dapat diverifikasi: {who} belum mencantumkan kunci SSH "
            "di cabang utama.",
            f"{who} menambahkan kunci publiknya di `kunci_ssh` lewat pull request terpisah; "
            "sesudah digabung, langkahnya harus ditandatangani.",
        )
        return
    hint = (
        f"{who} membuat ulang langkah ini dengan `kinerja {_COMMANDS.get(str(status), 'setujui')}"
        " … --commit` di komputernya (lihat halaman Alur peninjauan)."
    )
    for commit in step.commits:
        signature = signatures.get(commit, Signature("N", ""))
        if signature.status == _GOOD and signature.fingerprint in keys:
            continue
        yield _diag(
            step,
            *_signature_problem(commit[:12], signature, status, who, school, head_school),
            hint,
        )


def _signature_problem(
    short: str, signature: Signature, status: object, who: str, school: School, head: School
) -> tuple[str, str]:
    if signature.status == "N":
        return "KIN722", (
            f"Commit {short} yang menambahkan langkah `{status}` tidak ditandatangani; harus "
            f"ditandatangani {who}."
        )
    if signature.status in ("G", "U"):
        return "KIN721", (
            f"Commit {short} ditandatangani kunci {signature.fingerprint} "
            f"{_owner_of(signature.fingerprint, school, head)}; langkah `{status}` harus "
            f"ditandatangani {who}."
        )
    if signature.status == "B":
        return "KIN723", (
            f"Tanda tangan commit {short} tidak cocok dengan isinya: commit diubah sesudah "
            "ditandatangani (riwayat ditulis ulang)."
        )
    return "KIN723", (
        f"Tanda tangan commit {short} tidak dapat diperiksa (status git `{signature.status}`); "
        "perlu OpenSSH 8.2 atau lebih baru (`ssh-keygen -Y verify`)."
    )


def _owner_of(printed: str, school: School, head: School) -> str:
    """Whose key signed: somebody's at BASE, a key only added in the range, or nobody's."""
    for candidate in (school, head):
        for person in [*candidate.pegawai, *_officials(candidate)]:
            if any(key.fingerprint == printed for key in keys_of(candidate, person)):
                owner = f"milik {candidate.identify(person).display}"
                if candidate is head:
                    owner += (
                        " yang baru ditambahkan di rentang ini (kunci hanya dipercaya bila sudah "
                        "ada di cabang utama)"
                    )
                return owner
    return "yang tidak tercantum di catatan pegawai mana pun"


_COMMANDS = {
    "diajukan": "ajukan",
    "disetujui": "setujui",
    "ditinjau_ulang": "tinjau-ulang",
    "disepakati": "sepakati",
}


def _diag(step: NewStep, code: str, message: str, hint: str) -> Diagnostic:
    return make(code, step.rel, message, hint, ("status", step.index))


def _located(diagnostic: Diagnostic, head_dir: Path) -> Diagnostic:
    line, column = locate(head_dir / diagnostic.file, diagnostic.json_path)
    return dataclasses.replace(diagnostic, line=line, column=column)
