"""`kinerja diff [BASE [HEAD]]`: what changed in the records, per person and stage.

Both sides are validated as whole schools (the base revision is exported with `git archive`
into a temporary folder), then compared record by record: records added or removed, fields
changed, status steps appended (submissions, approvals, returns), stale approvals, and
diagnostics introduced or fixed. The text goes to the terminal; `--format markdown` is the pull
request comment the school's CI posts.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kinerja_build import domain
from kinerja_build.diagnostics import Diagnostic, Severity
from kinerja_build.errors import KinerjaError, UsageProblem
from kinerja_build.layout import PERIOD_KINDS, REVISION_INPUTS, RecordKind
from kinerja_build.model import Plan, person_periode
from kinerja_build.report import markdown_text
from kinerja_build.validate import Result, validate


@dataclass(slots=True)
class PersonChange:
    """Everything that changed for one person in one periode."""

    periode: str
    pegawai: str
    nama: str
    lines: list[str] = field(default_factory=list)
    state: str = ""  # where the person stands at HEAD (the model's one-line summary)
    introduced: list[Diagnostic] = field(default_factory=list)
    fixed: list[Diagnostic] = field(default_factory=list)


def git(root: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=60
        )
    except OSError as error:
        raise UsageProblem(f"git tidak dapat dijalankan: {error}") from error
    if done.returncode != 0:
        message = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "gagal"
        raise UsageProblem(f"git {' '.join(args)}: {message}")
    return done.stdout


def default_base(root: Path) -> str:
    """The merge-base of HEAD with the default branch (origin's, else main/master)."""
    if git(root, "rev-parse", "--is-inside-work-tree").strip() != "true":
        raise UsageProblem(f"{root} bukan repositori git.")
    candidates = []
    with contextlib.suppress(UsageProblem):
        candidates.append(git(root, "symbolic-ref", "--quiet", "refs/remotes/origin/HEAD").strip())
    candidates += ["origin/main", "origin/master", "main", "master"]
    for candidate in candidates:
        try:
            return git(root, "merge-base", "HEAD", candidate).strip()
        except UsageProblem:
            continue
    raise UsageProblem(
        "Tidak menemukan merge-base dengan cabang utama (klon dangkal?). Sebutkan BASE, mis. "
        "`kinerja diff HEAD~1`, atau ambil riwayat lengkap: `git fetch --unshallow`."
    )


def _materialize(root: Path, revision: str, target: Path) -> Path:
    """The records (and kinerja.yml, schemas) of a revision, in a temporary folder."""
    commit = git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").strip()
    names = [name for name in REVISION_INPUTS
             if git(root, "ls-tree", "--name-only", commit, name).strip()]  # fmt: skip
    if not names:
        target.mkdir(parents=True, exist_ok=True)
        return target
    done = subprocess.run(
        ["git", "-C", str(root), "archive", "--format=tar", commit, *names],
        capture_output=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise UsageProblem(
            f"git archive {revision}: {done.stderr.decode(errors='replace').strip()}"
        )
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
        archive.extractall(target, filter=_files_only)
    return target


def _files_only(member: tarfile.TarInfo, path: str) -> tarfile.TarInfo | None:
    """Only files and folders of a revision are written: a symlink in the history (maybe one
    leaving the repository) is left out instead of ending the diff with a traceback, and the
    `data` filter still refuses paths out of the target."""
    if not (member.isfile() or member.isdir()):
        return None
    return tarfile.data_filter(member, path)


def compare(root: Path, base: str | None, head: str | None) -> tuple[list[PersonChange], str, str]:
    """Changes from BASE to HEAD (HEAD None: the working tree)."""
    root = root.resolve()
    base_rev = base or default_base(root)
    with tempfile.TemporaryDirectory(prefix="kinerja-diff-") as scratch:
        old = validate(_materialize(root, base_rev, Path(scratch) / "base"))
        new = validate(_materialize(root, head, Path(scratch) / "head") if head else root)
        if old.usage_error or new.usage_error:
            raise KinerjaError(
                "kinerja.yml tidak valid di salah satu revisi; jalankan `kinerja validate`."
            )
        changes = list(_changes(old, new))
    return changes, base_rev[:12], head or "pohon kerja"


def _changes(old: Result, new: Result) -> Iterator[PersonChange]:
    keys: set[tuple[str, str]] = set()
    for result in (old, new):
        for periode_id, people in result.school.periods.items():
            keys.update((periode_id, pegawai_id) for pegawai_id in people)
    for periode_id, pegawai_id in sorted(keys):
        change = PersonChange(
            periode_id, pegawai_id, _name(new, pegawai_id) or _name(old, pegawai_id)
        )
        before = old.school.records(periode_id, pegawai_id)
        after = new.school.records(periode_id, pegawai_id)
        names = _names(new)
        for kind in PERIOD_KINDS:
            change.lines.extend(_record_lines(kind, before.get(kind), after.get(kind), names))
        files = {record.rel for record in [*before.values(), *after.values()]}
        old_found = {_key(d) for d in old.report.diagnostics if d.file in files}
        new_found = {_key(d) for d in new.report.diagnostics if d.file in files}
        change.introduced = [
            d for d in new.report.diagnostics if d.file in files and _key(d) not in old_found
        ]
        change.fixed = [
            d for d in old.report.diagnostics if d.file in files and _key(d) not in new_found
        ]
        change.introduced = [d for d in change.introduced if d.severity is not Severity.INFO]
        change.fixed = [d for d in change.fixed if d.severity is not Severity.INFO]
        if change.lines or change.introduced or change.fixed:
            if after:
                change.state = person_periode(new.school, periode_id, pegawai_id).ringkasan
            yield change


def _name(result: Result, pegawai_id: str) -> str:
    return result.school.identify(pegawai_id).nama or ""


def _key(diagnostic: Diagnostic) -> tuple[str, str, str]:
    return (diagnostic.code, diagnostic.file, diagnostic.message)


def _names(result: Result) -> Callable[[str], str]:
    """Names of everyone who can act on a record: staff and the Dinas officials."""
    return lambda some_id: result.school.identify(some_id).nama or some_id


def _record_lines(
    kind: RecordKind, before: Any, after: Any, names: Callable[[str], str]
) -> list[str]:
    label = kind.label
    if before is None and after is None:
        return []
    if before is None:
        added = _data(after)
        content = [f"{label}: {line}" for line in _content_lines(added)] if added else []
        return [f"{label}: ditambahkan", *content, *_status_lines(kind, [], added, names)]
    if after is None:
        return [f"{label}: dihapus"]
    old, new = _data(before), _data(after)
    if old is None or new is None:
        return (
            [f"{label}: diubah (berkas belum dapat dibaca di salah satu revisi)"]
            if before.absolute.read_bytes() != after.absolute.read_bytes()
            else []
        )
    old_leaves, new_leaves = _leaves(old), _leaves(new)
    changed = sorted(
        key
        for key in set(old_leaves) | set(new_leaves)
        if not key.startswith("status") and old_leaves.get(key) != new_leaves.get(key)
    )
    lines = [
        f"{label}: {key}: {_change(old_leaves.get(key), new_leaves.get(key))}" for key in changed
    ]
    return lines + _status_lines(kind, old.get("status", []), new, names)


# What a reviewer reads first in a new record (the rest is in the file itself).
_CONTENT_KEYS = (
    "praktik_kinerja.indikator",
    "praktik_kinerja.alasan",
    "praktik_kinerja.target",
    "perilaku_kerja",
)


def _content_lines(data: dict[str, Any]) -> list[str]:
    """The main content of a new record: its indicator, reasons, activities, behaviours."""
    leaves = _leaves(data)
    lines = [f"{key}: {_show(leaves[key])}" for key in _CONTENT_KEYS if key in leaves]
    activities = data.get("pengembangan_kompetensi") or data.get("kegiatan") or []
    for item in activities if isinstance(activities, list) else []:
        if isinstance(item, dict):
            title = item.get("kegiatan") or item.get("judul")
            if title:
                lines.append(f"kegiatan: {_show(title)}")
    return lines


def _leaves(value: Any, prefix: str = "") -> dict[str, Any]:
    """Every scalar of a record by its dotted path; a list of scalars counts as one value."""
    if isinstance(value, dict):
        found: dict[str, Any] = {}
        for key, child in value.items():
            found.update(_leaves(child, f"{prefix}.{key}" if prefix else str(key)))
        return found
    if isinstance(value, list) and any(isinstance(child, (dict, list)) for child in value):
        found = {}
        for index, child in enumerate(value):
            found.update(_leaves(child, f"{prefix}[{index}]"))
        return found
    return {prefix: value}


def _change(old: Any, new: Any, context: int = 40) -> str:
    """ "“old” → “new”", long texts cut to the part around their first difference."""
    if isinstance(old, str) and isinstance(new, str):
        old_text, new_text = " ".join(old.split()), " ".join(new.split())
        same = 0
        while same < min(len(old_text), len(new_text)) and old_text[same] == new_text[same]:
            same += 1
        if same > context:
            cut = same - context
            return f"{_show('…' + old_text[cut:])} → {_show('…' + new_text[cut:])}"
    return f"{_show(old)} → {_show(new)}"


def _show(value: Any, limit: int = 120) -> str:
    """A value as a reviewer reads it: quoted text, shortened; lists joined."""
    if value is None:
        return "(kosong)"
    text = ", ".join(map(str, value)) if isinstance(value, list) else " ".join(str(value).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"“{text}”"


def _data(record: Any) -> dict[str, Any] | None:
    data: dict[str, Any] | None = record.data
    return data


def _status_lines(
    kind: str,
    old_status: list[dict[str, Any]],
    new: dict[str, Any] | None,
    names: Callable[[str], str],
) -> list[str]:
    if kind != "rencana" or new is None:
        return []
    lines = []
    steps = new.get("status", [])
    for entry in steps[len(old_status) :]:
        actor = entry.get("oleh")
        who = names(actor) if actor else ("otomatis" if entry.get("otomatis") else "-")
        note = f" — catatan: {_show(entry['catatan'])}" if entry.get("catatan") else ""
        lines.append(
            f"rencana: {domain.STATUS_RENCANA_LABELS[entry['status']].lower()} "
            f"({entry['tanggal']}, oleh {who}){note}"
        )
    if Plan(new).stale:
        lines.append(
            "rencana: PERSETUJUAN BASI — isi rencana berubah setelah disetujui; perlu persetujuan ulang"
        )
    return lines


def _flatten(value: Any, prefix: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _flatten(child, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _flatten(child, f"{prefix}[{index}]")
    else:
        yield f"{prefix}={value!r}"


def format_text(changes: list[PersonChange], base: str, head: str) -> str:
    lines = [f"Perubahan catatan {base}..{head}:"]
    if not changes:
        return lines[0] + " tidak ada."
    for change in changes:
        lines.append(f"- {change.nama or change.pegawai}, periode {change.periode}:")
        lines.extend(f"    {line}" for line in change.lines)
        if change.state:
            lines.append(f"    keadaan sekarang: {change.state}")
        for item in change.introduced:
            what = "galat baru" if item.severity is Severity.ERROR else "peringatan baru"
            lines.append(f"    {what}: {item.file}:{item.line} {item.code} {item.message}")
        for item in change.fixed:
            lines.append(f"    diperbaiki: {item.code} {item.message}")
    return "\n".join(lines)


def format_markdown(changes: list[PersonChange], base: str, head: str) -> str:
    out = [
        "<!-- kinerja-diff -->",
        f"### Ringkasan perubahan catatan kinerja (`{base}`..`{head}`)",
        "",
    ]
    if not changes:
        return "\n".join([*out, "Tidak ada perubahan pada catatan."]) + "\n"
    for change in changes:
        errors = sum(1 for d in change.introduced if d.severity is Severity.ERROR)
        warnings = len(change.introduced) - errors
        counts = [f"{errors} kesalahan baru"] if errors else []
        counts += [f"{warnings} peringatan baru"] if warnings else []
        suffix = f"; {', '.join(counts)}" if counts else ""
        out.append(f"**{_md(change.nama or change.pegawai)}, periode {change.periode}**{suffix}")
        out.append("")
        out.extend(f"- {_md(line)}" for line in change.lines)
        if change.state:
            out.append(f"- keadaan sekarang: {_md(change.state)}")
        out.extend(
            f"- {':x:' if item.severity is Severity.ERROR else ':warning:'} `{item.code}` "
            f"{_md(item.message)} (`{item.file}:{item.line}`)"
            for item in change.introduced
        )
        out.extend(
            f"- :white_check_mark: diperbaiki `{item.code}` {_md(item.message)}"
            for item in change.fixed
        )
        out.append("")
    return "\n".join(out)


def _md(text: str) -> str:
    """Markdown-safe text for a PR comment (no HTML, no links, no mentions)."""
    return markdown_text(text)
