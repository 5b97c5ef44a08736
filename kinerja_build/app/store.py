"""Reading and saving records for the app: checked paths, stale-edit refusal, whole-school checks.

A save is judged exactly as `kinerja validate` would judge the repository *with* the new file:
the candidate is written into a scratch copy of the repository (files hard-linked, so a
600-teacher school costs milliseconds, not a copy), the full validator runs there, and only when
the saved file has no error is it written into the real `records/`, atomically and with its
modeline. The form carries the SHA-256 of the file as it was opened; a save over a file that
changed since is refused. Paths come from the record kind, a pegawai id and a periode that are
each checked first: nothing from a request reaches the filesystem unchecked.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from kinerja_build import domain, layout, lock
from kinerja_build.app import access
from kinerja_build.diagnostics import Diagnostic, Severity
from kinerja_build.formdef import FORMS
from kinerja_build.layout import RecordKind
from kinerja_build.load import DEFAULT_MAX_BYTES, load_file
from kinerja_build.output import write_atomic
from kinerja_build.validate import Result, validate

# What a scratch copy needs besides records/: the configuration and the schemas modelines name.
_CONTEXT = (*layout.CONFIG_FILES, layout.SCHEMAS_DIR)


class BadAddress(ValueError):
    """A kind, pegawai id or periode that names no record place (HTTP 404)."""


@dataclass(frozen=True, slots=True)
class Place:
    """Where one record lives: checked parts and the repository-relative path."""

    kind: str
    pegawai: str | None
    periode: str | None

    @property
    def rel(self) -> str:
        return layout.record_path(RecordKind(self.kind), self.periode, self.pegawai)

    @property
    def folder(self) -> str:
        return self.rel.rsplit("/", 1)[0]


def place(kind: str, pegawai: str | None, periode: str | None) -> Place:
    """A record's place from request parameters, each checked; BadAddress otherwise."""
    form = FORMS.get(kind)
    if form is None:
        raise BadAddress(f"Jenis catatan tidak dikenal: {kind!r}.")
    if kind == "sekolah":
        return Place(kind, None, None)
    if pegawai is None or not layout.is_person_id(pegawai):
        raise BadAddress("ID pegawai tidak sah.")
    if not form.per_periode:
        return Place(kind, pegawai, None)
    if periode is None:
        raise BadAddress("Periode belum dipilih.")
    try:
        domain.parse_periode(periode)
    except domain.PeriodeError as error:
        raise BadAddress(str(error)) from error
    return Place(kind, pegawai, periode)


def digest(root: Path, target: Place) -> str:
    """SHA-256 of the file as it is now ("" when there is none)."""
    path = _inside(root, target.rel)
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def read(root: Path, target: Place) -> tuple[dict[str, Any] | None, str]:
    """The record's data (None when absent or unreadable) and its digest."""
    path = _inside(root, target.rel)
    if not path.is_file():
        return None, ""
    loaded = load_file(path, target.rel, DEFAULT_MAX_BYTES)
    data = loaded.data if loaded.ok and isinstance(loaded.data, dict) else None
    return data, hashlib.sha256(path.read_bytes()).hexdigest()


def _inside(root: Path, rel: str) -> Path:
    """root/rel, refusing anything that resolves outside records/ (a symlinked folder …)."""
    records = layout.records_dir(root).resolve()
    path = (root / rel).resolve()
    if records not in path.parents:
        raise BadAddress(f"{rel} berada di luar {layout.RECORDS_DIR}/.")
    return path


# -- saving -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Saved:
    written: bool
    message: str
    diagnostics: tuple[Diagnostic, ...] = ()  # of the saved file, every severity
    stale: bool = False
    result: Result | None = None  # after a write: the school as validated, rooted at root


def to_yaml(target: Place, data: dict[str, Any]) -> bytes:
    from kinerja_build.forms import to_yaml as record_yaml

    return record_yaml(target.kind, data, target.rel.count("/")).encode("utf-8")


def save(root: Path, target: Place, data: dict[str, Any], opened: str) -> Saved:
    """Check the record in the context of the whole school, then write it (locked)."""
    root = root.resolve()
    folder = _inside(root, target.rel).parent
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with lock.exclusive(folder):
            return _save_locked(root, target, data, opened)
    finally:
        if created and not any(folder.iterdir()):
            folder.rmdir()  # a refused first record leaves no empty folder behind


def _save_locked(root: Path, target: Place, data: dict[str, Any], opened: str) -> Saved:
    if digest(root, target) != opened:
        return Saved(
            False,
            "Berkas ini sudah diubah orang lain sejak formulir dibuka; isian Anda tidak disimpan. "
            "Buka formulir lagi untuk melihat isi terbaru, lalu ulangi perubahan Anda.",
            stale=True,
        )
    content = to_yaml(target, data)
    result = check_candidate(root, {target.rel: content})
    mine = tuple(d for d in result.report.diagnostics if d.file == target.rel)
    if result.usage_error:
        return Saved(False, "kinerja.yml tidak valid; perbaiki dulu (kinerja validate).", mine)
    if any(d.severity is Severity.ERROR for d in mine):
        return Saved(False, "Belum disimpan: perbaiki isian yang ditandai.", mine)
    write_atomic(root, target.rel, content)
    return Saved(True, f"Tersimpan: {target.rel}.", mine, result=_reroot(result, root))


def check_candidate(root: Path, files: dict[str, bytes]) -> Result:
    """Validate the repository as it would be with `files` (repository-relative) written."""
    with scratch_copy(root) as copy:
        for rel, content in files.items():
            write_atomic(copy, rel, content)
        result = validate(copy)
    return result


def _reroot(result: Result, root: Path) -> Result:
    """The scratch copy's result as the real repository's: same files, real paths."""
    school = result.school
    result.root = school.root = root
    files = [school.sekolah, *school.pegawai.values()]
    files += [
        f for people in school.periods.values() for kinds in people.values() for f in kinds.values()
    ]
    for record in files:
        if record is not None:  # records are frozen: placed again, which drops cached views
            school.add(replace(record, absolute=root / record.rel))
    return result


@contextlib.contextmanager
def scratch_copy(root: Path) -> Iterator[Path]:
    """A throw-away copy of what validation reads; files are hard links.

    It lives in the repository's own `.kinerja/` (ignored by git) so that it is on the same
    filesystem and linking always works; it is removed in the background afterwards, since
    deleting thousands of directory entries can cost as much as validating them.
    """
    scratch = Path(tempfile.mkdtemp(prefix="simpan-", dir=access.state_dir(root)))
    try:
        for name in (layout.RECORDS_DIR, *_CONTEXT):
            source = root / name
            if source.is_symlink():
                continue  # validation refuses it in the real tree as well
            if source.is_dir():
                shutil.copytree(source, scratch / name, symlinks=True, copy_function=_link_or_copy)
            elif source.is_file():
                _link_or_copy(str(source), str(scratch / name))
        yield scratch
    finally:
        threading.Thread(target=shutil.rmtree, args=(scratch, True), daemon=True).start()


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # another filesystem, or links not allowed
        shutil.copy2(source, target)
