"""Time limits for work a hostile repository controls (school templates, documents).

A signal-based alarm interrupts even a loop that never returns to our code; it works only in a
process's main thread (the CLI, and each PDF worker process), elsewhere the caller's own checks
are the only bound.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator


class TimeLimit(Exception):
    """The work took longer than allowed."""


@contextlib.contextmanager
def time_limit(seconds: float, message: str) -> Iterator[None]:
    """Raise TimeLimit(message) inside the block once `seconds` have passed."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return

    def interrupt(_signum: int, _frame: object) -> None:
        raise TimeLimit(message)

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
