"""The JSON Schemas themselves: valid 2020-12, documented in Indonesian, used by every record."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from kinerja_build import resources, schema

REPO = Path(__file__).resolve().parent.parent
SCHEMA_FILES = sorted((REPO / "schemas").glob("*.schema.json"))
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(?P<target>\S+)$")


def test_schema_files_are_the_ones_the_package_loads() -> None:
    assert (
        resources.schemas_dir().resolve() == (REPO / "schemas").resolve()
        or (resources.schemas_dir() / "rencana.schema.json").is_file()
    )
    names = {p.name for p in SCHEMA_FILES}
    assert {schema.schema_file(kind) for kind in schema.KINDS} <= names


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_schema_is_valid_2020_12(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(document)
    assert document.get("title") and document.get("description")


def _objects(node: Any) -> list[dict[str, Any]]:
    found = []
    if isinstance(node, dict):
        if node.get("type") == "object":
            found.append(node)
        for value in node.values():
            found.extend(_objects(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_objects(value))
    return found


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_unknown_fields_are_errors_everywhere(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    for node in _objects(document):
        assert node.get("additionalProperties") is not None, (
            f"{path.name}: object without additionalProperties"
        )


def test_every_reference_resolves() -> None:
    for kind in (*schema.KINDS, schema.CONFIG_KIND):
        validator = schema.validator(kind)
        # Validating an empty object walks every $ref of the required fields; resolving all of
        # them explicitly catches typos in optional branches too.
        text = json.dumps(resources.load_schema(schema.schema_file(kind)))
        for ref in set(re.findall(r'"\$ref": "([^"]+)"', text)):
            validator._resolver.lookup(ref)  # raises on an unresolvable reference


def test_vocabularies_match_the_domain_module() -> None:
    from kinerja_build import domain

    umum = resources.load_schema("umum.schema.json")["$defs"]
    assert umum["rating"]["enum"] == list(domain.RATINGS)
    assert umum["predikat"]["enum"] == list(domain.PREDIKAT_LABELS)
    assert umum["jenjang_jabatan"]["enum"] == list(domain.KOEFISIEN)
    assert set(umum["berakhlak"]["enum"]) == set(resources.referensi()["berakhlak"])
    assert set(resources.referensi()["jenis_ptk_berhak"]) <= set(umum["jenis_ptk"]["enum"])


def _record_files() -> list[Path]:
    return sorted((REPO / "records").rglob("*.yaml")) + sorted(
        (REPO / "tests" / "cases" / "base").rglob("*.yaml")
    )


@pytest.mark.parametrize("path", _record_files(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_record_carries_a_working_modeline(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = MODELINE.match(first)
    assert match, f"{path}: first line must be the yaml-language-server modeline"
    # tests/cases/base gets schemas/ beside records/ when a test copies it, as `kinerja init` does.
    root = REPO / "tests" / "cases" / "base" if "tests/cases" in path.as_posix() else REPO
    resolved = (path.parent / match["target"]).resolve()
    relative = resolved.relative_to(root.resolve())
    assert (REPO / relative).is_file(), f"{path}: modeline points nowhere"
