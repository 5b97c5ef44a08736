"""The school's optional `kinerja.yml`: rule severities and additions to the reference data."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kinerja_build import resources, schema
from kinerja_build.diagnostics import Diagnostic
from kinerja_build.layout import CONFIG_FILES
from kinerja_build.load import DEFAULT_MAX_BYTES, load_file, locate
from kinerja_build.severity import Severities, make


@dataclass(slots=True)
class Config:
    """Effective settings for one run."""

    severities: dict[str, str] = field(default_factory=dict)  # aturan: code → galat, …, mati
    max_bytes: int = DEFAULT_MAX_BYTES
    referensi: dict[str, Any] = field(default_factory=dict)
    tenggat: list[dict[str, Any]] = field(default_factory=list)  # the school's own deadlines
    file: str = ""

    @property
    def policy(self) -> Severities:
        """The registry's severities with this school's overrides (severity.py)."""
        return Severities(self.severities)


def load_config(root: Path) -> tuple[Config, list[Diagnostic]]:
    """Read kinerja.yml when present; bad configuration is reported, never half-applied."""
    config = Config(referensi=copy.deepcopy(resources.referensi()))
    present = [root / name for name in CONFIG_FILES if (root / name).is_file()]
    if not present:
        return config, []
    path = present[0]
    rel = path.name
    loaded = load_file(path, rel, DEFAULT_MAX_BYTES)
    if not loaded.ok:
        return config, loaded.diagnostics
    problems = schema.check(schema.CONFIG_KIND, loaded.data)
    if problems:
        diagnostics = []
        for problem in problems:
            line, column = locate(path, problem.json_path, key=problem.at_key)
            diagnostics.append(
                make(
                    problem.code,
                    rel,
                    problem.message,
                    problem.hint,
                    problem.json_path,
                    line,
                    column,
                )
            )
        return config, diagnostics
    data: dict[str, Any] = loaded.data
    overrides = dict(data.get("aturan", {}))
    refused = _refused_overrides(path, rel, Severities(overrides))
    if refused:
        return config, refused
    config.file = rel
    config.severities = overrides
    config.max_bytes = int(data.get("batas_ukuran_berkas", DEFAULT_MAX_BYTES))
    config.tenggat = list(data.get("tenggat", []))
    for key, entries in data.get("referensi", {}).items():
        known = {entry["id"]: entry for entry in config.referensi[key]}
        for entry in entries:
            known[entry["id"]] = {**entry, "sekolah": True}
        config.referensi[key] = list(known.values())
    return config, []


def _refused_overrides(path: Path, rel: str, severities: Severities) -> list[Diagnostic]:
    """An override the registry does not allow is reported, not silently ignored (KIN014)."""
    found = []
    for code, why in severities.refused():
        where = ("aturan", code)
        line, column = locate(path, where, key=True)
        hint = (
            f"Hapus baris `{code}` dari `aturan:`; `kinerja rules` menampilkan semua kode dan "
            "tingkatnya. Kode galat muat (KIN0xx) tetap galat karena berkasnya tidak terbaca."
        )
        found.append(
            make("KIN014", rel, f"{why} Pengaturan ini tidak dipakai.", hint, where, line, column)
        )
    return found
