"""The school's periode view is made once per (school, periode) and never goes stale.

`model.school_periode` caches the view on the School (the deadline rules, the CLI summary,
`tindakan`, the recap PDF, the site, the export and the app all read it). The cache is keyed on
`today` and the calendar, and dropped whenever a record is placed (`School.add`); a record file
is frozen. These tests count how often the view is built and show each way a view could go
stale: the app moving `today`, a record placed (or placed again, invalid) after the first view,
and the app adopting a saved copy's school under the real root.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_cases import materialise

from kinerja_build import cli, domain, model, tindakan
from kinerja_build.app import store, workflow
from kinerja_build.export import readiness
from kinerja_build.model import School, person_periode, school_periode
from kinerja_build.render.documents import plan_documents
from kinerja_build.site import pages
from kinerja_build.validate import validate

REPO = Path(__file__).resolve().parent.parent
DECEMBER = dt.date(2026, 12, 15)
GURU = "199301202022212007"  # Fitri, a guru of the base school with every 2025 record


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """How many times each periode's view was built (not merely asked for)."""
    counted: Counter[str] = Counter()
    build = model._school_periode

    def counting(school: School, periode_id: str) -> model.SchoolPeriode:
        counted[periode_id] += 1
        return build(school, periode_id)

    monkeypatch.setattr(model, "_school_periode", counting)
    yield counted


def test_each_periode_view_is_built_once_for_validate_and_every_output(
    builds: Counter[str],
) -> None:
    result = validate(REPO, DECEMBER)
    school = result.school
    periodes = school.periode_ids()
    # The three deadline rules (KIN251–253) read every periode's view during validation.
    assert builds == dict.fromkeys(periodes, 1)

    cli.progress_summary(result)
    tindakan.collect(school)
    for pegawai_id in school.pegawai:
        workflow.inbox(school, pegawai_id)
    data = pages.SiteData(school, list(result.report.diagnostics), False, {})
    for periode_id in periodes:
        readiness.assess(school, domain.parse_periode(periode_id), result.report.diagnostics)
        pages.dashboard_body(data, periode_id, prefix="")
        for person in school_periode(school, periode_id).people:
            assert person_periode(school, periode_id, person.pegawai_id) is person
    list(plan_documents(school, result.config.referensi, DECEMBER))
    assert builds == dict.fromkeys(periodes, 1)


def _school(tmp_path: Path) -> Path:
    root = tmp_path / "sekolah"
    shutil.copytree(REPO / "tests" / "cases" / "base", root)
    shutil.copytree(REPO / "schemas", root / "schemas")
    return root


def test_a_new_today_makes_a_new_view(tmp_path: Path, builds: Counter[str]) -> None:
    """The app keeps a validated school and moves `today` to each request's day."""
    school = validate(_school(tmp_path), dt.date(2025, 1, 15)).school
    first = school_periode(school, "2026")  # nobody has a 2026 plan yet
    assert school_periode(school, "2026") is first and builds["2026"] == 1
    fitri = first.person(GURU)
    assert fitri is not None and fitri.next_step is not None and fitri.days_late == 0

    school.today = dt.date(2026, 3, 1)  # as KinerjaApp.result() does; planning was due 31 Jan
    later = school_periode(school, "2026")
    assert later is not first and builds["2026"] == 2
    assert later.person(GURU).days_late == 29  # type: ignore[union-attr]
    assert later == model._school_periode(school, "2026")
    assert school_periode(school, "2026") is later


def test_a_record_placed_after_the_first_view_is_seen(tmp_path: Path) -> None:
    """A record turns invalid only by being placed again, invalid: the view follows it."""
    school = validate(_school(tmp_path), DECEMBER).school
    before = school_periode(school, "2025").person(GURU)
    assert before is not None and not before.invalid and before.plan is not None

    plan = school.periods["2025"][GURU]["rencana"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.data = None  # type: ignore[misc]
    school.add(dataclasses.replace(plan, data=None))  # the plan failed its schema after all

    after = school_periode(school, "2025").person(GURU)
    assert after is not None and after.invalid and after.plan is None
    assert after.next_step is not None and after.next_step.key == "perbaiki"
    assert after.status == "dinilai"  # still assessed: only the plan is broken
    assert after == model._school_periode(school, "2025").person(GURU)


def test_an_adopted_save_shows_the_real_paths(tmp_path: Path) -> None:
    """The app adopts a save's validation of a scratch copy as the real school (`_reroot`)."""
    copy = _school(tmp_path)
    real = tmp_path / "real"
    school = validate(copy, DECEMBER).school
    school_periode(school, "2025")  # the deadline rules made it already; ask anyway

    result = store._reroot(validate(copy, DECEMBER), real)
    for periode_id in result.school.periode_ids():
        for person in school_periode(result.school, periode_id).people:
            for record in person.files.values():
                assert record.absolute == real / record.rel


def test_rule_errors_never_change_a_view(tmp_path: Path) -> None:
    """Views made while the rules ran are the ones made afresh after every rule reported.

    A record with errors found by rules (here: approvals, observations and assessments during
    a vacancy, KIN310/314/315) is still valid for the model; only its schema decides that.
    """
    materialise(REPO / "tests" / "cases" / "invalid" / "KIN310-tanpa-atasan", tmp_path / "r")
    result = validate(tmp_path / "r", DECEMBER)
    assert {"KIN310", "KIN314", "KIN315"} <= {d.code for d in result.report.errors}
    for periode_id in result.school.periode_ids():
        cached = school_periode(result.school, periode_id)
        assert cached == model._school_periode(result.school, periode_id)
        assert not any(person.invalid for person in cached.people)
