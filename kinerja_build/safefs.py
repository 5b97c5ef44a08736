"""Walking folders a hostile repository controls: no symlink followed, no recursion, bounded.

`os.walk` and `Path.rglob` recurse once per folder level (a committed chain deeper than Python's
recursion limit crashes them) and `rglob` reads through whatever a link points at. This walker
keeps its own stack, never follows a link, and stops at a depth and an entry count.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MAX_DEPTH = 64
MAX_ENTRIES = 500_000


@dataclass(frozen=True, slots=True)
class Entry:
    """One directory entry below the walked folder, described without following a link."""

    path: Path
    rel: str  # forward slashes, relative to the walked folder
    mode: int  # st_mode from lstat
    depth: int

    @property
    def is_link(self) -> bool:
        return stat.S_ISLNK(self.mode)

    @property
    def is_dir(self) -> bool:
        return stat.S_ISDIR(self.mode)

    @property
    def is_regular(self) -> bool:
        return stat.S_ISREG(self.mode)


class TooLarge(Exception):
    """The folder is deeper or holds more entries than the walk allows."""


def walk(top: Path, max_depth: int = MAX_DEPTH, max_entries: int = MAX_ENTRIES) -> Iterator[Entry]:
    """Every entry below `top` (sorted per folder), links and special files included, none
    followed; raises TooLarge past the bounds."""
    stack: list[tuple[Path, str, int]] = [(top, "", 0)]
    seen = 0
    while stack:
        folder, prefix, depth = stack.pop()
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda item: item.name)
        except OSError:
            continue
        for item in entries:
            seen += 1
            if seen > max_entries:
                raise TooLarge(f"lebih dari {max_entries} entri")
            mode = item.stat(follow_symlinks=False).st_mode
            entry = Entry(Path(item.path), prefix + item.name, mode, depth + 1)
            yield entry
            if entry.is_dir:
                if depth + 1 >= max_depth:
                    raise TooLarge(f"lebih dari {max_depth} tingkat folder")
                stack.append((entry.path, entry.rel + "/", depth + 1))


def open_regular(path: Path) -> int:
    """A read-only descriptor of a regular file that is no symlink; OSError otherwise."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    descriptor = os.open(path, flags)
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise OSError(f"{path} bukan berkas biasa")
    return descriptor
