"""The bundled demo school: clean, and as varied as the quick start promises."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from kinerja_build.model import school_periode
from kinerja_build.validate import Result, validate

REPO = Path(__file__).resolve().parent.parent


DECEMBER = dt.date(2026, 12, 15)  # the demo is a school "in December 2026"
DEADLINE_CODES = {"KIN251", "KIN252", "KIN253"}


@pytest.fixture(scope="module")
def demo() -> Result:
    return validate(REPO, DECEMBER)


def test_demo_validates_clean(demo: Result) -> None:
    assert demo.report.ok
    # The only warnings are people behind their deadlines, which the demo shows on purpose.
    assert {d.code for d in demo.report.warnings} <= DEADLINE_CODES
    assert not validate(REPO, dt.date(2024, 1, 1)).report.warnings
    assert {d.code for d in demo.report.infos} <= {"KIN305"}
    assert all(record.valid for record in demo.school.pegawai.values())


def test_demo_has_the_people_the_issue_asks_for(demo: Result) -> None:
    people = [record.data for record in demo.school.pegawai.values() if record.data]
    assert len(people) >= 12
    statuses = Counter(p["status_kepegawaian"] for p in people)
    assert statuses["pns"] and statuses["pppk"] and statuses["non_asn"]
    jenjang = {p.get("jenjang_jabatan") for p in people if p["status_kepegawaian"] == "pns"}
    assert {"ahli_pertama", "ahli_muda", "ahli_madya"} <= jenjang
    ks = demo.school.sekolah.data["kepala_sekolah"][-1]
    assert ks["status"] == "definitif"
    assert demo.school.role(ks["pegawai"]) == "kepala_sekolah"


def test_demo_covers_every_periode_and_stage(demo: Result) -> None:
    progress = {
        periode: school_periode(demo.school, periode).with_records
        for periode in demo.school.periode_ids()
    }
    assert {"2024-1", "2024-2", "2025"} <= set(progress)
    stages_2025 = Counter(item.stage for item in progress["2025"])
    assert stages_2025["perencanaan"] and stages_2025["pelaksanaan"] and stages_2025["penilaian"]
    for periode in ("2024-1", "2024-2"):
        assert sum(item.stage == "penilaian" for item in progress[periode]) >= 10
    predikat = {item.predikat for items in progress.values() for item in items if item.predikat}
    assert {"sangat_baik", "baik", "butuh_perbaikan"} <= predikat


def test_demo_has_a_plan_returned_for_revision_and_later_approved(demo: Result) -> None:
    def returned_then_agreed(statuses: list[str]) -> bool:
        return "ditinjau_ulang" in statuses and statuses[-1] == "disepakati"

    histories = [
        [entry["status"] for entry in records["rencana"].data["status"]]
        for people in demo.school.periods.values()
        for records in people.values()
        if "rencana" in records and records["rencana"].data
    ]
    assert any(returned_then_agreed(h) for h in histories)
