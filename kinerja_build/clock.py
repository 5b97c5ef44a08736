"""The build's notion of "now": SOURCE_DATE_EPOCH when set (reproducible builds), else the clock.

Every output that depends on the date (days late, the current periode, document dates) reads it
from here, so a build "in December" is one environment variable away.
"""

from __future__ import annotations

import datetime as dt
import os


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH as an int, or None when unset or not a number."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(raw) if raw.isdigit() else None


def today() -> dt.date:
    """The build date: the UTC day of SOURCE_DATE_EPOCH when set, else today's local date."""
    epoch = source_date_epoch()
    if epoch is not None:
        return dt.datetime.fromtimestamp(epoch, dt.UTC).date()
    return dt.date.today()
