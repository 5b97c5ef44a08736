"""Writing outputs safely: atomically, only inside the output folder, never through a symlink.

Every file of a school repository may come from a hostile pull request, `build/` included (a
symlink can be committed with `git add -f`). So:

- the output folder may not be, or sit inside, a source folder of the repository;
- no symlink may exist anywhere in the output folder or between the repository and it;
- kinerja deletes only files it wrote itself: each build lists them in a manifest
  (`.kinerja-keluaran.json`) and a later build removes stale files from that list only;
- a folder holding anything besides kinerja's own outputs (pdf/, site/, ekspor-bkn/,
  validasi.json) is refused.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from kinerja_build import layout, safefs
from kinerja_build.errors import UsageProblem

MANIFEST = layout.OUTPUT_MANIFEST
OWNED_PREFIXES = tuple(f"{name}/" for name in layout.OUTPUT_TOP_DIRS)
OWNED_FILES = (layout.VALIDATION_REPORT, layout.SCHOOL_SUMMARY)  # top-level files it may remove
MAX_MANIFEST_BYTES = 64 * 1024 * 1024


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def check_output_dir(root: Path, out: Path) -> Path:
    """Refuse output folders that could overwrite sources or files kinerja did not write."""
    root_resolved = root.resolve()
    lexical = Path(os.path.abspath(out))
    _refuse_symlinked_path(root_resolved, lexical)
    out = lexical.resolve()
    if out == root_resolved or out in root_resolved.parents:
        raise UsageProblem(
            f"Folder keluaran {out} adalah repositori itu sendiri atau induknya; pilih folder "
            "lain, mis. build/."
        )
    if root_resolved in out.parents:
        top = out.relative_to(root_resolved).parts[0]
        if top in layout.SOURCE_DIRS:
            raise UsageProblem(
                f"Folder keluaran {out} berada di dalam {top}/, folder sumber repositori; "
                "berkas di sana tidak boleh tertimpa atau terbit. Pakai build/ atau folder di "
                "luar repositori."
            )
    if out.is_dir():
        _refuse_symlinks_inside(out)
        _refuse_foreign_folder(out)
    elif out.exists():
        raise UsageProblem(f"Folder keluaran {out} adalah berkas, bukan folder.")
    return out


def _refuse_symlinked_path(root: Path, out: Path) -> None:
    """No component from the repository (or from `/` outside it) to `out` may be a symlink."""
    inside = out == root or root in out.parents or Path(os.path.abspath(root)) in out.parents
    anchor = Path(os.path.abspath(root)) if inside else out.parent
    current = out
    while True:
        if current.is_symlink():
            raise UsageProblem(
                f"Folder keluaran {out} melewati tautan simbolik {current}; kinerja tidak menulis "
                "melalui tautan. Hapus tautan itu atau pilih folder lain."
            )
        if current == anchor or current.parent == current:
            return
        current = current.parent


def _refuse_foreign_folder(out: Path) -> None:
    try:
        names = [entry.name for entry in os.scandir(out)]
    except OSError as error:
        raise UsageProblem(f"Folder keluaran {out} tidak dapat dibaca: {error.strerror}.") from None
    # kinerja's own top-level names: a folder holding anything else is someone else's.
    foreign = sorted(
        name
        for name in names
        if name not in layout.OUTPUT_TOP_FILES
        and name not in layout.OUTPUT_TOP_DIRS
        and not layout.is_calendar_file(name)
        and not name.startswith(layout.STAGING_PREFIX)
    )
    if foreign:
        raise UsageProblem(
            f"Folder keluaran {out} sudah berisi berkas yang bukan buatan kinerja "
            f"(mis. {foreign[0]}). kinerja tidak menimpa atau menghapus berkas orang lain: "
            "pilih folder baru atau kosong, mis. build/."
        )


def _refuse_symlinks_inside(out: Path) -> None:
    try:
        for entry in safefs.walk(out):
            if entry.is_link:
                raise UsageProblem(
                    f"Folder keluaran memuat tautan simbolik {entry.path}; kinerja tidak menulis "
                    "melalui tautan (tautan bisa mengarah ke records/ atau ke luar). Hapus "
                    "tautan itu, lalu bangun ulang."
                )
    except safefs.TooLarge as error:
        raise UsageProblem(f"Folder keluaran {out} tidak wajar ({error}).") from None


def _no_symlink_between(base: Path, target: Path) -> None:
    current = target
    while current != base:
        if current.is_symlink():
            raise UsageProblem(f"Menolak menulis melalui tautan simbolik: {current}")
        if current.parent == current:
            raise UsageProblem(f"Menolak menulis di luar folder keluaran: {target}")
        current = current.parent


def write_atomic(out_dir: Path, relative: str, content: bytes) -> Path:
    """Write `content` to out_dir/relative via a temporary file and a rename."""
    with atomic_stream(out_dir, relative) as (stream, target):
        stream.write(content)
    return target


@contextlib.contextmanager
def atomic_stream(out_dir: Path, relative: str) -> Iterator[tuple[BinaryIO, Path]]:
    """A file to write out_dir/relative into piece by piece; it appears whole or not at all.

    For outputs too large to hold in memory (a district's merged bundle with every Dokumen
    Evaluasi). On any error the temporary file is removed and the old output stays.
    """
    base = Path(os.path.abspath(out_dir))
    target = Path(os.path.normpath(base / relative))
    if base not in target.parents:
        raise UsageProblem(f"Menolak menulis di luar folder keluaran: {relative}")
    _no_symlink_between(base, target)
    target.parent.mkdir(parents=True, exist_ok=True)
    _no_symlink_between(base, target)  # mkdir may have walked into a directory made meanwhile
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream, target
        os.chmod(temporary, 0o666 & ~_UMASK)  # mkstemp creates 0600; outputs are shared files
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _record(base, target)


def move_into(out_dir: Path, relative: str, source: Path) -> Path:
    """Move a finished file (made in a staging folder of out_dir) to out_dir/relative."""
    base = Path(os.path.abspath(out_dir))
    target = Path(os.path.normpath(base / relative))
    if base not in target.parents:
        raise UsageProblem(f"Menolak menulis di luar folder keluaran: {relative}")
    _no_symlink_between(base, target)
    target.parent.mkdir(parents=True, exist_ok=True)
    _no_symlink_between(base, target)
    os.replace(source, target)
    _record(base, target)
    return target


# --- the manifest of written files -------------------------------------------------------------


class OutputTree:
    """The files kinerja wrote in one output folder: last build's manifest and this run's writes."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(os.path.abspath(out_dir))
        self.previous = read_manifest(self.out_dir)
        self.written: set[str] = set()

    def owns(self, relative: str) -> bool:
        return relative in self.previous or relative in self.written

    def remove(self, relative: str) -> bool:
        """Delete a file kinerja wrote; anything else (or a symlink) is left alone."""
        if not self.owns(relative) or not _owned_name(relative):
            return False
        path = self.out_dir / relative
        try:
            _no_symlink_between(self.out_dir, path)
        except UsageProblem:
            return False
        if not path.is_file():
            return False
        path.unlink()
        self.written.discard(relative)
        self.previous.discard(relative)
        _remove_empty_parents(self.out_dir, path.parent)
        return True

    def save(self) -> None:
        still_there = {rel for rel in self.previous if (self.out_dir / rel).is_file()}
        listed = sorted(still_there | self.written)
        content = json.dumps({"versi": 1, "berkas": listed}, indent=0, ensure_ascii=False)
        _write_plain(self.out_dir, MANIFEST, (content + "\n").encode("utf-8"))


_ACTIVE: dict[Path, OutputTree] = {}


@contextlib.contextmanager
def output_tree(out_dir: Path) -> Iterator[OutputTree]:
    """Track every write into out_dir during the block and save the manifest at its end."""
    tree = OutputTree(out_dir)
    _ACTIVE[tree.out_dir] = tree
    try:
        yield tree
    finally:
        del _ACTIVE[tree.out_dir]
        if tree.out_dir.is_dir():
            tree.save()


def active_tree(out_dir: Path) -> OutputTree:
    """The tracker of a build in progress, or a fresh one (a stage run on its own)."""
    return _ACTIVE.get(Path(os.path.abspath(out_dir))) or OutputTree(out_dir)


def _record(base: Path, target: Path) -> None:
    # A copy: district tasks on worker threads open and close their schools' trees meanwhile.
    for root, tree in tuple(_ACTIVE.items()):
        if root == base or root in target.parents:
            tree.written.add(target.relative_to(root).as_posix())


def read_own_json(path: Path, max_bytes: int = MAX_MANIFEST_BYTES) -> Any:
    """A JSON file kinerja wrote for itself in an output folder (manifest, ledger, keys), or
    None when it is missing, a symlink, larger than `max_bytes` or not JSON: then whatever it
    would have saved is simply made again."""
    try:
        if path.is_symlink() or path.stat().st_size > max_bytes:
            return None
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def read_manifest(out_dir: Path) -> set[str]:
    """The files a previous build wrote; names that could leave the folder are dropped."""
    data = read_own_json(out_dir / MANIFEST)
    names = data.get("berkas") if isinstance(data, dict) else None
    if not isinstance(names, list):
        return set()
    return {name for name in names if isinstance(name, str) and _owned_name(name)}


def _owned_name(name: str) -> bool:
    pure = PurePosixPath(name)
    if not name or "\\" in name or "\0" in name or pure.is_absolute():
        return False
    if any(part in ("", ".", "..") for part in name.split("/")):
        return False
    return name in OWNED_FILES or name.startswith(OWNED_PREFIXES)


def _remove_empty_parents(base: Path, folder: Path) -> None:
    while folder != base and base in folder.parents:
        try:
            folder.rmdir()  # only succeeds when empty
        except OSError:
            return
        folder = folder.parent


def _write_plain(out_dir: Path, relative: str, content: bytes) -> None:
    target = out_dir / relative
    _no_symlink_between(out_dir, target)
    handle, temporary = tempfile.mkstemp(dir=out_dir, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.chmod(temporary, 0o666 & ~_UMASK)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
