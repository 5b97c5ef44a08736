"""An exclusive, non-blocking lock on a record's folder for read-check-write commands.

Two approval commands on one plan used to read the same last status, both append, and the later
rename won: one step was lost while both reported success (issue 17). The lock is taken on the
plan's folder (its inode is stable, unlike the file that is replaced by an atomic rename) and
released by the kernel when the process ends, even when it is killed. The loser is refused at
once instead of waiting: it would otherwise act on a status that is no longer the last one.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from kinerja_build.errors import KinerjaError

if sys.platform != "win32":
    import fcntl

_LOCK_FILE = ".kinerja-kunci"


class Busy(KinerjaError):
    """Another kinerja command holds the lock (exit code 1)."""


def _busy(folder: Path) -> Busy:
    return Busy(
        f"{folder.name}: catatan ini sedang diubah oleh perintah kinerja lain. Tidak ada yang "
        "ditulis; tunggu perintah itu selesai lalu jalankan lagi."
    )


@contextlib.contextmanager
def exclusive(folder: Path) -> Iterator[None]:
    """Hold the lock of `folder` for the block; raise Busy when someone else holds it."""
    if sys.platform == "win32":  # pragma: no cover - no flock there: an exclusive lock file
        with _lock_file(folder):
            yield
        return
    descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise _busy(folder) from error
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


@contextlib.contextmanager
def _lock_file(folder: Path) -> Iterator[None]:  # pragma: no cover - Windows only
    path = folder / _LOCK_FILE
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError as error:
        raise _busy(folder) from error
    os.close(descriptor)
    try:
        yield
    finally:
        path.unlink(missing_ok=True)
