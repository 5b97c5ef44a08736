"""The form definitions cover every field of the schemas and name every choice."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kinerja_build import formdef, resources, schema
from kinerja_build.formdef import FORMS, ChoiceContext

# Filled by the app itself, never typed: the owner and periode (from the record's place) and a
# plan's status history (appended by the plan commands).
NOT_IN_FORMS = {"pegawai", "periode", "status"}


def _leaves(node: dict[str, Any], prefix: str) -> Iterator[str]:
    for key, child in node.get("properties", {}).items():
        path = f"{prefix}{key}"
        items = child.get("items", {})
        if "properties" in child:
            yield from _leaves(child, f"{path}.")
        elif child.get("type") == "array" and "properties" in items:
            yield from _leaves(items, f"{path}.*.")
        else:
            yield path


@pytest.mark.parametrize("kind", sorted(FORMS))
def test_every_schema_field_has_a_place_in_its_form(kind: str) -> None:
    covered = {path for path, _ in FORMS[kind].fields()}
    wanted = {
        path
        for path in _leaves(schema.compiled_schema(kind), "")
        if not (FORMS[kind].per_periode and path.split(".")[0] in NOT_IN_FORMS)
    }
    assert wanted - covered == set(), f"{kind}: fields missing from the form"
    assert covered - wanted == set(), f"{kind}: form fields the schema does not know"


@pytest.mark.parametrize("kind", sorted(FORMS))
def test_every_choice_list_names_the_schema_values(kind: str) -> None:
    context = ChoiceContext(referensi=resources.referensi(), people={"x": "X"})
    for path, field in FORMS[kind].fields():
        if field.choices is None or field.choices in ChoiceContext.OPTIONAL_SOURCES:
            continue
        options = formdef.choices(field.choices, context)
        assert options, (kind, path)
        node = schema.compiled_schema(kind)
        for part in path.split("."):
            node = node["items"] if part == "*" else node["properties"][part]
        allowed = node.get("enum") or node.get("items", {}).get("enum")
        if allowed:  # a schema vocabulary: every value offered, by a name that is not the id
            assert {value for value, _ in options} == set(allowed), (kind, path)
            if field.choices != "golongan":
                assert all(name != value for value, name in options), (kind, path)


def test_dates_are_read_as_people_write_them() -> None:
    assert formdef.date_from_form("6/1/2025") == "2025-01-06"
    assert formdef.date_from_form("2025-01-06") == "2025-01-06"
    assert formdef.date_from_form("31/02/2025") == "31/02/2025"  # the schema names it at its field
    assert formdef.date_for_form("2025-01-06") == "06/01/2025"


def test_a_guru_sees_only_the_guru_indicators() -> None:
    referensi = resources.referensi()
    guru = formdef.choices("indikator", ChoiceContext(referensi=referensi, role="guru"))
    ks = formdef.choices("indikator", ChoiceContext(referensi=referensi, role="kepala_sekolah"))
    assert {v for v, _ in guru} == {e["id"] for e in referensi["indikator_guru"]}
    assert {v for v, _ in ks} == {e["id"] for e in referensi["indikator_kepala_sekolah"]}
