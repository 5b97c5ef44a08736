"""Imported only by the fork server that renders a district school's PDFs (never elsewhere).

Linux: the fork server, and each render process forked from it, is killed when its parent
dies. A Dask worker stopped for running over the school time limit is killed by its nanny,
which does not stop the worker's children: without this, a render process blocked on a pipe
to the dead worker would be left behind for ever.
"""

from __future__ import annotations

import contextlib
import ctypes
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):  # no prctl: it lives on as before
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


die_with_parent()  # the fork server itself, when it imports this module as a preload
