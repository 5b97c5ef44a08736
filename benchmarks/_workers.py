"""Processes the benchmark times, each run as a fresh subprocess by bench_validate.py.

    python benchmarks/_workers.py floor ROOT [ROOT …]
    python benchmarks/_workers.py kinerja ROOT [ROOT …]

`floor` is parsing only, the least any Python tool must do to read these files: walk records/,
read each file, `yaml.load(text, Loader=yaml.CSafeLoader)` (libyaml plus PyYAML's constructor),
nothing else. `kinerja` validates several schools in one process through the library entry
point, the way `kinerja validate` does for one (validate, then format the report).

Each prints one JSON line on stdout: what it checked, so the parent can verify that every side
did the same work on clean data. `files_by_kind()` is also used by bench_validate.py to build
the check-jsonschema calls (one per schema) over the same files.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

PERIOD_KINDS = ("rencana", "siklus", "pengembangan-kompetensi", "tugas", "penilaian")


def record_paths(roots: list[Path]) -> list[tuple[str, Path]]:
    """(kind, path) of every record file under each root's records/, in a stable order."""
    found: list[tuple[str, Path]] = []
    for root in roots:
        for directory, subdirs, names in os.walk(root / "records"):
            subdirs.sort()
            where = Path(directory)
            for name in sorted(names):
                if not name.endswith(".yaml"):
                    continue
                stem = name.removesuffix(".yaml")
                if where.name == "records" and stem == "sekolah":
                    found.append(("sekolah", where / name))
                elif where.name == "pegawai":
                    found.append(("pegawai", where / name))
                elif stem in PERIOD_KINDS:
                    found.append((stem, where / name))
    return found


def files_by_kind(roots: list[Path]) -> dict[str, list[Path]]:
    grouped: dict[str, list[Path]] = {}
    for kind, path in record_paths(roots):
        grouped.setdefault(kind, []).append(path)
    return grouped


def floor(roots: list[Path]) -> dict[str, Any]:
    import yaml

    files = 0
    for _, path in record_paths(roots):
        with open(path, "rb") as handle:
            yaml.load(handle.read().decode("utf-8"), Loader=yaml.CSafeLoader)
        files += 1
    return {"files": files}


def kinerja(roots: list[Path]) -> dict[str, Any]:
    from kinerja_build import report
    from kinerja_build.validate import validate

    files = errors = warnings = infos = 0
    for root in roots:
        result = validate(root)
        text = report.format_text(result.report, color=False)
        files += result.report.files_checked
        errors += len(result.report.errors)
        warnings += len(result.report.warnings)
        infos += len(result.report.infos)
        del result, text
    return {"files": files, "errors": errors, "warnings": warnings, "infos": infos}


def main(argv: list[str]) -> int:
    mode, *rest = argv
    roots = [Path(r) for r in rest]
    if mode == "floor":
        outcome = floor(roots)
    elif mode == "kinerja":
        outcome = kinerja(roots)
    else:
        raise SystemExit(f"unknown mode {mode}")
    print(json.dumps(outcome))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
