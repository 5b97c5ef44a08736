"""Deadlines per regime and per stage, a school's own extension, and who must act next."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kinerja_build import domain, resources
from kinerja_build.cli import progress_summary
from kinerja_build.domain import Peran
from kinerja_build.export import readiness
from kinerja_build.model import Calendar, school_periode
from kinerja_build.render.documents import _Builder
from kinerja_build.site import pages
from kinerja_build.validate import validate

REPO = Path(__file__).resolve().parent.parent
DECEMBER_2026 = "1797292800"  # 2026-12-15 00:00 UTC


def _due(periode_id: str, calendar: Calendar | None = None) -> dict[str, dt.date]:
    found = (calendar or Calendar.builtin()).deadlines(domain.parse_periode(periode_id))
    return {tahap: deadline.tanggal for tahap, deadline in found.items()}


@pytest.mark.parametrize(
    ("periode", "expected"),
    [
        (  # Perdirjen 7607: semester I, planning extended to 31 March
            "2024-1",
            {"perencanaan": "2024-03-31", "pelaksanaan": "2024-06-30", "penilaian": "2024-06-30"},
        ),
        (
            "2024-2",
            {"perencanaan": "2024-07-31", "pelaksanaan": "2024-12-31", "penilaian": "2024-12-31"},
        ),
        (  # Kepdirjen 4242: one annual periode, assessed by the end of January after it
            "2025",
            {"perencanaan": "2025-01-31", "pelaksanaan": "2025-12-31", "penilaian": "2026-01-31"},
        ),
        (  # Kepmendikdasmen 271/O/2025: data updated by 31 December of the year before
            "2026",
            {
                "pra_perencanaan": "2025-12-31",
                "perencanaan": "2026-01-31",
                "pelaksanaan": "2026-12-31",
                "penilaian": "2027-01-31",
            },
        ),
        (
            "2031",
            {
                "pra_perencanaan": "2030-12-31",
                "perencanaan": "2031-01-31",
                "pelaksanaan": "2031-12-31",
                "penilaian": "2032-01-31",
            },
        ),
    ],
)
def test_deadlines_per_regime(periode: str, expected: dict[str, str]) -> None:
    assert _due(periode) == {key: dt.date.fromisoformat(day) for key, day in expected.items()}


def test_every_deadline_names_its_source_and_whether_it_is_confirmed() -> None:
    entries = resources.referensi()["tenggat"]
    regimes = {regime.id for regime in domain.regimes()}
    for entry in entries:
        assert entry["rezim"] in regimes
        assert entry["tahap"] in domain.TAHAP_TENGGAT
        assert len(entry["sumber"]) > 20 and isinstance(entry["terkonfirmasi"], bool)
    confirmed = {(e["rezim"], e.get("semester"), e["tahap"]) for e in entries if e["terkonfirmasi"]}
    assert ("7607-2023", 1, "penilaian") in confirmed  # 30 June, flipbuilder p. 44
    assert ("271-O-2025", None, "perencanaan") in confirmed  # 1-31 January
    assert ("4242-2024", None, "perencanaan") not in confirmed  # not found for 2025


def test_a_school_extension_replaces_one_stage_of_one_periode() -> None:
    extension = {
        "periode": "2026",
        "tahap": "perencanaan",
        "tanggal": "2026-03-15",
        "sumber": "Surat Dinas No. 800/1/2026",
    }
    calendar = Calendar(Calendar.builtin().regime_entries, (extension,))
    due = _due("2026", calendar)
    assert due["perencanaan"] == dt.date(2026, 3, 15)
    assert due["penilaian"] == dt.date(2027, 1, 31)  # other stages keep the regime's
    assert _due("2027", calendar)["perencanaan"] == dt.date(2027, 1, 31)  # other periodes too
    deadline = calendar.deadlines(domain.parse_periode("2026"))["perencanaan"]
    assert deadline.sekolah and deadline.peran == (Peran.GURU, Peran.KEPALA_SEKOLAH, Peran.DINAS)


def test_kinerja_yml_extension_reaches_the_next_step(school: Path) -> None:
    (school / "kinerja.yml").write_text(
        "tenggat:\n  - periode: '2025'\n    tahap: penilaian\n    tanggal: 2026-02-28\n"
        "    sumber: Surat Dinas No. 800/9/2026\n",
        encoding="utf-8",
    )
    (school / "records/kinerja/2025/198305172009011004/penilaian.yaml").unlink()
    result = validate(school, dt.date(2026, 2, 10))
    assert result.report.ok and not result.report.warnings  # extended: not late yet
    person = school_periode(result.school, "2025").person("198305172009011004")
    assert person is not None and person.next_step is not None
    assert person.next_step.key == "nilai" and person.next_step.due == dt.date(2026, 2, 28)
    late = validate(school, dt.date(2026, 3, 2))
    assert [d.code for d in late.report.warnings] == ["KIN253"]
    assert "terlambat 2 hari" in late.report.warnings[0].message


def test_days_late_count_only_for_required_people(school: Path) -> None:
    result = validate(school, dt.date(2026, 6, 1))
    rina = school_periode(result.school, "2025").person("non-asn-rina-marlina")
    assert rina is not None and not rina.wajib and rina.next_step is not None
    assert rina.next_step.days_late(dt.date(2026, 6, 1)) > 0  # the step itself is overdue
    assert rina.days_late == 0 and not rina.late  # but PKG is not required of her


def test_next_step_follows_the_plan_and_the_atasan(school: Path) -> None:
    plan = school / "records/kinerja/2025/199301202022212007/rencana.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text[: text.index("  - status: disetujui")], encoding="utf-8")
    for kind in ("siklus", "penilaian", "tugas", "pengembangan-kompetensi"):
        (plan.parent / f"{kind}.yaml").unlink()
    result = validate(school, dt.date(2025, 1, 20))
    view = school_periode(result.school, "2025")
    fitri = view.person("199301202022212007")
    assert fitri is not None and fitri.next_step is not None
    assert fitri.next_step.key == "setujui" and fitri.next_step.peran is Peran.KEPALA_SEKOLAH
    assert fitri.next_step.pelaku_id == "197404122000031003"
    assert fitri.next_step.perintah == (
        "kinerja setujui records/kinerja/2025/199301202022212007/rencana.yaml "
        "--oleh 197404122000031003"
    )
    assert not fitri.late
    ks = view.person("197404122000031003")
    assert ks is not None and ks.next_step is None  # assessed: nothing left to do


def test_the_december_demo_lists_everyone_late_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DECEMBER_2026)
    result = validate(REPO)
    view = school_periode(result.school, "2026")
    assert len(view.people) == 14 == len(result.school.pegawai)
    order = [person.days_late for person in view.by_urgency]
    assert order == sorted(order, reverse=True) and order[0] > 300
    block = progress_summary(result).split("Periode 2026")[1]
    lines = [line.strip() for line in block.splitlines() if line.startswith("    - ")]
    assert len(lines) == 14
    assert block.splitlines()[0].endswith("14 pegawai, 2 tidak wajib, 11 terlambat")
    late = [i for i, line in enumerate(lines) if "TERLAMBAT" in line]
    assert late == list(range(11))  # the late ones first
    assert "Belum mulai" in block and lines[-1].endswith("[non-ASN: dianjurkan, tidak wajib]")
    assert any("Dinas Pendidikan" in line for line in lines)  # the KS's plan waits for the Kadis


def test_december_recap_dashboard_and_not_ready_list_show_the_whole_roster(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DECEMBER_2026)
    result = validate(REPO)
    names = {str(record.data["nama"]) for record in result.school.pegawai.values() if record.data}
    builder = _Builder(result.school, result.config.referensi, result.school.today)
    recap = builder.recap(domain.parse_periode("2026"))
    rows = recap.data["baris"]
    assert {row["nama"] for row in rows} == names and recap.data["jumlah"] == 14
    late = [row["terlambat_hari"] for row in rows]
    assert late == sorted(late, reverse=True) and late[0] > 300 and late[-1] == 0
    assert recap.data["tahap"]["Belum mulai"] >= 8
    assert sum(recap.data["tahap"].values()) == 14
    data = pages.SiteData(result.school, [], False, result.config.referensi)
    board = pages.dashboard_page(data, "2026")
    assert all(pages.e(name) in board for name in names)
    assert "| **Jumlah pegawai** | **14** | |" in board and "terlambat" in board
    assert "non-ASN: dianjurkan, tidak wajib" in board
    people = board.split("## Pegawai", 1)[1].splitlines()
    rows = [line for line in people if line.startswith("| ") and "---" not in line][1:]
    marks = ["terlambat" in row for row in rows]
    assert len(rows) == 14 and marks == sorted(marks, reverse=True) and marks[0]  # late first
    verdicts = readiness.assess(result.school, domain.parse_periode("2026"), [])
    assert len(verdicts) == 14
    not_started = [v for v in verdicts if v.reasons and v.reasons[0].code == "KIN802"]
    assert any(
        reason.message == "Belum ada rencana kinerja." for v in not_started for reason in v.reasons
    )
