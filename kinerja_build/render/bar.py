"""A progress bar for the PDF stage, drawn only on an interactive terminal.

The stage takes a minute for the demo school and several for a large one. On a terminal the
user sees documents done of total and the estimated time left on one line of stderr, redrawn
at most a few times a second and erased at the end. Anywhere else (CI logs, pipes, files,
TERM=dumb, CI set) nothing at all is written, so logs stay exactly as before.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

WIDTH = 24
INTERVAL = 0.25  # seconds between redraws


def wanted(stream: TextIO) -> bool:
    """Whether a bar may be drawn on this stream."""
    if os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class ProgressBar:
    """`update(done)` as documents finish; `close()` erases the line. Silent when not wanted."""

    def __init__(self, total: int, stream: TextIO | None = None, label: str = "dokumen") -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.total = total
        self.label = label
        self.enabled = total > 0 and wanted(self.stream)
        self.started = time.monotonic()
        self.drawn = 0.0
        self.width = 0

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if done < self.total and now - self.drawn < INTERVAL:
            return
        self.drawn = now
        self._draw(render_line(done, self.total, now - self.started, self.label))

    def close(self) -> None:
        if self.enabled and self.width:
            self._draw("")
            self.stream.write("\r")
            self.stream.flush()

    def _draw(self, line: str) -> None:
        padding = " " * max(self.width - len(line), 0)  # erase what a longer line left
        self.stream.write("\r" + line + padding)
        self.stream.flush()
        self.width = len(line)


def render_line(done: int, total: int, elapsed: float, label: str = "dokumen") -> str:
    """ "[#########...............]  45/192 dokumen · sisa ±1:05" """
    filled = WIDTH * done // total if total else WIDTH
    bar = "#" * filled + "." * (WIDTH - filled)
    line = f"[{bar}] {done:>{len(str(total))}}/{total} {label}"
    if 0 < done < total:
        left = elapsed / done * (total - done)
        minutes, seconds = divmod(round(left), 60)
        line += f" · sisa ±{minutes}:{seconds:02d}"
    return line
