"""A school's repository for the district build: a local folder or a git checkout we own.

Git runs with hooks disabled, no prompts, no `ext::` transport and a time limit. A checkout lives
in the Dinas repository under sumber/<id>/ (git-ignored; not in the output folder, which may hold
no symlink while a school repository may) and is reset to the wanted branch or commit on every
build. Nothing in a school repository is executed: it is only read by the school pipeline.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
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


def _inputs(root: Path) -> list[tuple[str, Path]]:
    """(rel, path) of every file a school build reads, sorted; links are listed, not followed."""
    found: list[tuple[str, Path]] = []
    for name in FINGERPRINTED:
        top = root / name
        if top.is_symlink() or top.is_file():
            found.append((name, top))
            continue
        for directory, folders, files in os.walk(top, followlinks=False):
            folders.sort()
            for file_name in sorted(files):
                path = Path(directory, file_name)
                found.append((path.relative_to(root).as_posix(), path))
                if len(found) > MAX_FILES:
                    raise SourceError(f"Lebih dari {MAX_FILES} berkas di repositori sekolah.")
    return found


def stat_signature(root: Path) -> str:
    """SHA-256 over name, size, mtime and inode of every input, as git's index does.

    Cheap (no file is read): when it equals the signature stored with the last summary, the
    content hash stored there still holds and no file needs reading.
    """
    digest = hashlib.sha256()
    for rel, path in _inputs(root):
        info = path.lstat()
        digest.update(f"{rel}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ino}\n".encode())
    return digest.hexdigest()


def tree_hash(root: Path) -> str:
    """SHA-256 over what a school build reads: records/, templates/ and the configuration.

    Symlinks are hashed by their target text and never followed, so a link out of the
    repository cannot make the district read outside it.
    """
    digest = hashlib.sha256()
    count = 0
    for name in FINGERPRINTED:
        top = root / name
        if top.is_symlink():
            digest.update(f"L {name} {os.readlink(top)}\n".encode())
            continue
        if top.is_file():
            digest.update(f"F {name}\n".encode())
            digest.update(hashlib.sha256(top.read_bytes()).digest())
            continue
        for directory, folders, files in os.walk(top, followlinks=False):
            folders.sort()
            for file_name in sorted(files):
                path = Path(directory, file_name)
                rel = path.relative_to(root).as_posix()
                count += 1
                if count > MAX_FILES:
                    raise SourceError(f"Lebih dari {MAX_FILES} berkas di repositori sekolah.")
                if path.is_symlink():
                    digest.update(f"L {rel} {os.readlink(path)}\n".encode())
                else:
                    digest.update(f"F {rel}\n".encode())
                    digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
