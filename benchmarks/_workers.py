"""Processes the benchmark times. Run as a fresh subprocess by bench_validate.py, never imported.

    python benchmarks/_workers.py floor SCHEMAS_DIR ROOT [ROOT …]
    python benchmarks/_workers.py kinerja ROOT [ROOT …]

`floor` is the raw libraries on the same files: walk records/, read each file, parse it with
PyYAML's C loader, validate it with one compiled Draft202012Validator per record kind (the same
schema files in the same `referencing` registry, the `date` format checker on). No rules, no
diagnostics, no kinerja code. `kinerja` validates several schools in one process through the
library entry point, the way `kinerja validate` does for one (validate, then format the report).

Each prints one JSON line on stdout: what it checked, so the parent can verify that both sides
did the same work on clean data.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

_KINDS = ("rencana", "siklus", "pengembangan-kompetensi", "tugas", "penilaian")


def floor(schemas_dir: Path, roots: list[Path]) -> dict[str, Any]:
    import yaml
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    class Loader(yaml.CSafeLoader):
        """CSafeLoader, except that dates stay text, as they do in kinerja and in the schemas.

        With the stock constructor an unquoted `2025-01-08` becomes a datetime.date, fails
        `type: string`, and the validator would do different (error-path) work than kinerja.
        """

    Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_yaml_str)  # type: ignore[type-var]

    contents = {
        path.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(schemas_dir.glob("*.schema.json"))
    }
    registry: Registry[Any] = Registry().with_resources(
        (name, Resource.from_contents(schema, default_specification=DRAFT202012))
        for name, schema in contents.items()
    )
    checker = FormatChecker(["date"])
    validators: dict[str, Draft202012Validator] = {}

    def validator(kind: str) -> Draft202012Validator:
        found = validators.get(kind)
        if found is None:
            # The same schema document kinerja validates with ($refs inlined once at start-up,
            # see kinerja_build.schema.compiled_schema), so both sides do the same schema work.
            from kinerja_build.schema import compiled_schema

            found = validators[kind] = Draft202012Validator(
                compiled_schema(kind), registry=registry, format_checker=checker
            )
        return found

    files = invalid = 0
    for root in roots:
        for directory, subdirs, names in os.walk(root / "records"):
            subdirs.sort()
            where = Path(directory)
            for name in sorted(names):
                if not name.endswith(".yaml"):
                    continue
                stem = name.removesuffix(".yaml")
                if where.name == "records" and stem == "sekolah":
                    kind = "sekolah"
                elif where.name == "pegawai":
                    kind = "pegawai"
                elif stem in _KINDS:
                    kind = stem
                else:
                    continue
                with open(where / name, "rb") as handle:
                    text = handle.read().decode("utf-8")
                data = yaml.load(text, Loader=Loader)
                errors = sum(1 for _ in validator(kind).iter_errors(data))
                files += 1
                invalid += errors > 0
    return {"files": files, "invalid": invalid}


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
    if mode == "floor":
        outcome = floor(Path(rest[0]), [Path(r) for r in rest[1:]])
    elif mode == "kinerja":
        outcome = kinerja([Path(r) for r in rest])
    else:
        raise SystemExit(f"unknown mode {mode}")
    print(json.dumps(outcome))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
