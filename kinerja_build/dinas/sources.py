"""A school's repository for the district build: a local folder or a git checkout we own.

Git runs with hooks disabled, no prompts, no `ext::` transport and a time limit. A checkout lives
in the Dinas repository under sumber/<id>/ (git-ignored; not in the output folder, which may hold
no symlink while a school repository may) and is reset to the wanted branch or commit on every
build. Nothing in a school repository is executed: it is only read by the school pipeline.
"""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

from kinerja_build import layout

GIT_TIMEOUT = 300  # seconds for one git command (a clone of a large school over a slow link)
# What of a school repository a build reads (a change to anything else needs no rebuild).
FINGERPRINTED = (
    layout.RECORDS_DIR,
    layout.TEMPLATES_DIR,
    *layout.CONFIG_FILES,
    layout.MKDOCS_CONFIG,
)
MAX_FILES = 200_000
MAX_DEPTH = 64  # records/kinerja/<periode>/<id>/ is four deep


class SourceError(Exception):
    """The school's repository cannot be had; the message is Indonesian, for the dashboard."""


def _git(*args: str, cwd: Path | None = None) -> str:
    command = [
        "git",
        "-c",
        "core.hooksPath=/dev/null",
        "-c",
        "protocol.ext.allow=never",
        "-c",
        "advice.detachedHead=false",
        *args,
    ]
    environment = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "/bin/false"}
    try:
        done = subprocess.run(
            command,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
            env=environment,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as error:
        raise SourceError(f"git {args[0]} melewati batas {GIT_TIMEOUT} detik.") from error
    except OSError as error:
        raise SourceError(f"git tidak dapat dijalankan: {error.strerror}.") from error
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or ["(tanpa pesan)"])[-1]
        raise SourceError(f"git {args[0]} gagal: {detail}")
    return done.stdout.strip()


def checkout(url: str, ref: str | None, target: Path) -> str:
    """Fetch `ref` (branch, commit, or the remote's HEAD) into `target`; returns the commit."""
    if not (target / ".git").is_dir():
        target.mkdir(parents=True, exist_ok=True)
        _git("init", "-q", str(target))
        _git("remote", "add", "origin", url, cwd=target)
    else:
        _git("remote", "set-url", "origin", url, cwd=target)
    _git("fetch", "-q", "--depth", "1", "--no-tags", "origin", ref or "HEAD", cwd=target)
    _git("checkout", "-q", "--force", "FETCH_HEAD", cwd=target)
    _git("clean", "-q", "-f", "-d", "-x", cwd=target)
    return _git("rev-parse", "HEAD", cwd=target)


@dataclass(frozen=True, slots=True)
class Input:
    """One file (or link) a school build reads: its name in the repository and its lstat."""

    rel: str
    path: str
    kind: str  # "F" regular file, "L" symlink (never followed), "O" anything else (not read)
    size: int
    mtime_ns: int
    inode: int


def inputs(root: Path) -> list[Input]:
    """Every file a school build reads, sorted by name; one directory scan, nothing followed."""
    found: list[Input] = []
    base = os.fspath(root)
    for name in FINGERPRINTED:
        top = os.path.join(base, name)
        try:
            info = os.lstat(top)
        except OSError:
            continue
        if stat.S_ISDIR(info.st_mode):
            _scan(top, name, found)
        else:
            found.append(_input(name, top, info))
        if len(found) > MAX_FILES:
            raise SourceError(f"Lebih dari {MAX_FILES} berkas di repositori sekolah.")
    return found


def _scan(directory: str, rel: str, found: list[Input]) -> None:
    """Depth first, children by name, without recursion: a hostile repository may nest folders
    thousands deep. Folders are recognised from the directory entry (no stat call for them)."""
    stack = [(iter(_sorted_entries(directory)), rel, 1)]
    while stack:
        entries, prefix, depth = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        child = f"{prefix}/{entry.name}"
        if entry.is_dir(follow_symlinks=False):
            if depth >= MAX_DEPTH:
                raise SourceError(f"Folder bersarang lebih dari {MAX_DEPTH} tingkat: {child}.")
            stack.append((iter(_sorted_entries(entry.path)), child, depth + 1))
            continue
        found.append(_input(child, entry.path, entry.stat(follow_symlinks=False)))
        if len(found) > MAX_FILES:
            raise SourceError(f"Lebih dari {MAX_FILES} berkas di repositori sekolah.")


def _sorted_entries(directory: str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(directory) as entries:
            return sorted(entries, key=lambda entry: entry.name)
    except OSError:
        return []


def _input(rel: str, path: str, info: os.stat_result) -> Input:
    kind = "L" if stat.S_ISLNK(info.st_mode) else "F" if stat.S_ISREG(info.st_mode) else "O"
    return Input(rel, path, kind, info.st_size, info.st_mtime_ns, info.st_ino)


def stat_signature(found: list[Input]) -> str:
    """SHA-256 over name, size, mtime and inode of every input, as git's index does.

    Cheap (no file is read): when it equals the signature stored with the last summary, the
    content hash stored there still holds and no file needs reading.
    """
    digest = hashlib.sha256()
    for item in found:
        digest.update(f"{item.rel}\0{item.size}\0{item.mtime_ns}\0{item.inode}\n".encode())
    return digest.hexdigest()


def tree_hash(found: list[Input]) -> str:
    """SHA-256 over what a school build reads: records/, templates/ and the configuration.

    Symlinks are hashed by their target text and never followed, so a link out of the
    repository cannot make the district read outside it; files are read in chunks (a huge
    file costs time, not memory) and anything that is not a regular file is never opened
    (a FIFO would block the reader).
    """
    digest = hashlib.sha256()
    for item in found:
        if item.kind == "L":
            digest.update(f"L {item.rel} {os.readlink(item.path)}\n".encode())
        elif item.kind == "F" and (content := file_digest(item.path)) is not None:
            digest.update(f"F {item.rel}\n".encode())
            digest.update(content)
        else:
            digest.update(f"O {item.rel}\n".encode())
    return digest.hexdigest()


def file_digest(path: str | os.PathLike[str]) -> bytes | None:
    """SHA-256 of a regular file; None when it was swapped for a link or a FIFO since the scan."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as stream:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return hashlib.file_digest(stream, "sha256").digest()
