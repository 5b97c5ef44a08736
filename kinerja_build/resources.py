"""Find the files that ship with kinerja, whether installed from a wheel or run from a checkout.

In a wheel, `schemas/` and the demo `records/` are copied into `kinerja_build/_bundled/` (see
pyproject.toml); in a checkout or editable install they are read from the repository root.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import yaml

from kinerja_build import layout

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"


def _bundled(name: str) -> Path:
    installed = PACKAGE_DIR / "_bundled" / name
    if installed.is_dir():
        return installed
    return PACKAGE_DIR.parent / name


def schemas_dir() -> Path:
    """Directory holding the record JSON Schemas."""
    return _bundled(layout.SCHEMAS_DIR)


def templates_dir() -> Path:
    """Directory holding the document templates (`pdf/`) and site templates."""
    return _bundled(layout.TEMPLATES_DIR)


def demo_records_dir() -> Path:
    """The bundled demo school's `records/` directory."""
    return _bundled(layout.RECORDS_DIR)


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    """One schema file by name, e.g. "rencana.schema.json"."""
    with (schemas_dir() / name).open(encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


@functools.cache
def referensi() -> dict[str, Any]:
    """The bundled reference data (indicators, tugas tambahan, BerAKHLAK, regimes)."""
    with (DATA_DIR / "referensi.yaml").open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.load(handle, Loader=yaml.CSafeLoader)
    return data
