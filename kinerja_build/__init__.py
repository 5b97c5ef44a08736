"""kinerja: teacher performance management (PKG) records kept as data in git."""

from __future__ import annotations

__version__ = "0.1.0"
