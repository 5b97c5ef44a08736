"""`build/kalender-<periode>.ics`: the periode's deadlines per role, parsed back with icalendar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import icalendar
import pytest
from click.testing import Result

from kinerja_build import kalender
from kinerja_build.validate import validate


def _events(data: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


@pytest.mark.parametrize(
    ("periode", "expected"),
    [
        ("2024-1", {("Guru", "2024-03-31"), ("Kepala sekolah", "2024-06-30")}),
        ("2025", {("Guru", "2025-01-31"), ("Dinas Pendidikan", "2026-01-31")}),
        ("2026", {("Operator sekolah", "2025-12-31"), ("Kepala sekolah", "2027-01-31")}),
    ],
)
def test_one_event_per_deadline_and_role(school: Path, periode: str, expected: set[object]) -> None:
    result = validate(school, dt.date(2025, 6, 1))
    events = _events(kalender.calendar(result.school, periode, dt.date(2025, 6, 1)))
    deadlines = result.school.deadlines(periode)
    assert len(events) == sum(len(deadline.peran) for deadline in deadlines.values())
    pairs = {
        (str(event.get("categories").cats[0]), event.decoded("dtstart").isoformat())
        for event in events
    }
    assert expected <= pairs
    uids = [str(event.get("uid")) for event in events]
    assert len(set(uids)) == len(uids)
    for event in events:  # all-day, one day long
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        assert not isinstance(start, dt.datetime) and end - start == dt.timedelta(days=1)


def test_a_school_extension_is_the_date_in_the_calendar(school: Path) -> None:
    (school / "kinerja.yml").write_text(
        "tenggat:\n  - periode: '2025'\n    tahap: penilaian\n    tanggal: 2026-02-28\n"
        "    sumber: Surat Dinas No. 800/9/2026\n",
        encoding="utf-8",
    )
    result = validate(school, dt.date(2026, 1, 5))
    events = _events(kalender.calendar(result.school, "2025", dt.date(2026, 1, 5)))
    penilaian = [e for e in events if "penilaian" in str(e.get("summary"))]
    assert penilaian and all(e.decoded("dtstart") == dt.date(2026, 2, 28) for e in penilaian)
    assert all("Surat Dinas No. 800/9/2026" in str(e.get("description")) for e in penilaian)


def test_build_writes_a_reproducible_calendar_per_periode(
    run_cli: Callable[..., Result], school: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    args = ("build", "--root", str(school), "--hanya", "ekspor")
    assert run_cli(*args).exit_code == 0
    first = {p.name: p.read_bytes() for p in (school / "build").glob("kalender-*.ics")}
    assert sorted(first) == ["kalender-2024-1.ics", "kalender-2025.ics"]
    assert run_cli(*args).exit_code == 0
    assert first == {p.name: p.read_bytes() for p in (school / "build").glob("kalender-*.ics")}
    events = _events(first["kalender-2025.ics"])
    guru = [e for e in events if str(e.get("categories").cats[0]) == "Guru"]
    assert {str(e.get("summary")) for e in guru} == {
        "[Guru] Tenggat perencanaan Tahun 2025",
        "[Guru] Tenggat pelaksanaan Tahun 2025",
    }
    assert all(e.decoded("dtstamp") == dt.datetime(2026, 1, 1, tzinfo=dt.UTC) for e in events)


def _add_error(path: Path) -> None:
    """An unknown field: a schema error (KIN102) in one record."""
    path.write_text(path.read_text(encoding="utf-8") + "catatn: salah ketik\n", encoding="utf-8")


def _calendars(school: Path) -> list[str]:
    return sorted(p.name for p in (school / "build").glob("kalender-*.ics"))


def test_a_build_with_errors_writes_no_calendar(
    run_cli: Callable[..., Result], school: Path
) -> None:
    """Like the PDFs, the export and the site: nothing but validasi.json without --allow-errors."""
    _add_error(next((school / "records" / "kinerja" / "2025").glob("*/rencana.yaml")))
    result = run_cli("build", "--root", str(school), "--hanya", "ekspor")
    assert result.exit_code == 1, result.output
    assert _calendars(school) == []
    assert "Kalender tenggat" not in result.output
    assert "kalender" in result.output.split("tidak dibangun")[0], result.output
    assert (school / "build" / "validasi.json").is_file()


def test_allow_errors_writes_the_calendars_of_a_valid_sekolah_yaml(
    run_cli: Callable[..., Result], school: Path
) -> None:
    """--allow-errors: built from what is valid; the calendar reads only sekolah.yaml (NPSN)."""
    _add_error(next((school / "records" / "kinerja" / "2025").glob("*/rencana.yaml")))
    args = ("build", "--root", str(school), "--hanya", "ekspor", "--allow-errors")
    result = run_cli(*args)
    assert result.exit_code == 1, result.output
    assert _calendars(school) == ["kalender-2024-1.ics", "kalender-2025.ics"]
    for path in (school / "build").glob("kalender-*.ics"):
        path.unlink()
    _add_error(school / "records" / "sekolah.yaml")  # the NPSN in every UID is not trustworthy
    result = run_cli(*args)
    assert result.exit_code == 1, result.output
    assert _calendars(school) == []
    assert "Kalender tenggat: dilewati, galat di records/sekolah.yaml" in result.output
