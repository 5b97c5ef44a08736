"""`kinerja mulai PERIODE` (a draft plan per roster person from their previous plan) and the
carry-over that `kinerja isi` shares with it: no statuses, SK numbers or dates."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from kinerja_build import forms
from kinerja_build.load import DEFAULT_MAX_BYTES, load_file
from kinerja_build.validate import validate

GURU = "198305172009011004"
FITRI = "199301202022212007"
JANUARY_2026 = "1767744000"  # 2026-01-07

Run = Callable[..., Result]


@pytest.fixture(autouse=True)
def _in_january(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", JANUARY_2026)


def _data(path: Path) -> dict[str, object]:
    loaded = load_file(path, path.name, DEFAULT_MAX_BYTES)
    assert loaded.ok, loaded.diagnostics
    data: dict[str, object] = loaded.data
    return data


def test_a_draft_for_everyone_from_their_previous_plan(run_cli: Run, school: Path) -> None:
    result = run_cli("mulai", "2026", "--root", str(school))
    assert result.exit_code == 0, result.output
    roster = sorted(p.stem for p in (school / "records/pegawai").glob("*.yaml"))
    made = sorted(p.parent.name for p in (school / "records/kinerja/2026").glob("*/rencana.yaml"))
    assert made == roster and f"{len(roster)} rencana draf dibuat" in result.output
    draft = _data(school / "records/kinerja/2026" / GURU / "rencana.yaml")
    before = _data(school / "records/kinerja/2025" / GURU / "rencana.yaml")
    assert draft["periode"] == "2026" and draft["pegawai"] == GURU
    for kept in ("praktik_kinerja", "pengembangan_kompetensi", "perilaku_kerja"):
        assert draft[kept] == before[kept]
    assert "tugas_tambahan" not in draft  # each needs this year's SK
    assert draft["status"] == [{"status": "draf", "tanggal": "2026-01-07", "oleh": GURU}]
    assert "2025-" not in (school / "records/kinerja/2026" / GURU / "rencana.yaml").read_text(
        encoding="utf-8"
    )
    assert validate(school).report.ok  # drafts are valid records


def test_never_overwrites_and_says_so(run_cli: Run, school: Path) -> None:
    plan = school / "records/kinerja/2026" / FITRI / "rencana.yaml"
    plan.parent.mkdir(parents=True)
    plan.write_text("# tulisan Fitri sendiri\n", encoding="utf-8")
    result = run_cli("mulai", "2026", "--root", str(school))
    assert plan.read_text(encoding="utf-8") == "# tulisan Fitri sendiri\n"
    assert f"Sudah ada, tidak diubah: records/kinerja/2026/{FITRI}/rencana.yaml" in result.output
    again = run_cli("mulai", "2026", "--root", str(school))
    assert "0 rencana draf dibuat" in again.output


def test_people_without_a_previous_plan_are_named(run_cli: Run, school: Path) -> None:
    (school / "records/kinerja/2025" / FITRI / "rencana.yaml").unlink()
    for kind in ("siklus", "penilaian", "tugas", "pengembangan-kompetensi"):
        (school / "records/kinerja/2025" / FITRI / f"{kind}.yaml").unlink(missing_ok=True)
    result = run_cli("mulai", "2026", "--root", str(school))
    # Her 2024-1 plan is the latest she has: points dropped for the annual regime.
    draft = _data(school / "records/kinerja/2026" / FITRI / "rencana.yaml")
    assert all("poin" not in item for item in draft["pengembangan_kompetensi"])  # type: ignore[union-attr]
    for path in (school / "records/kinerja").glob(f"*/{FITRI}/rencana.yaml"):
        path.unlink()
    (school / "records/kinerja/2026" / FITRI).rmdir()
    result = run_cli("mulai", "2026", "--root", str(school))
    assert f"belum ada rencana sebelumnya; isi dengan `kinerja isi rencana --nip {FITRI}" in (
        result.output.replace("\n", " ")
    )


def test_bad_periode_is_a_usage_error(run_cli: Run, school: Path) -> None:
    result = run_cli("mulai", "2023", "--root", str(school))
    assert result.exit_code == 2 and "PERIODE" in result.output


def test_isi_defaults_carry_no_sk_number_status_or_date(school: Path) -> None:
    defaults = forms.previous(school, "rencana", GURU, "2026")
    assert defaults["praktik_kinerja"]["indikator"] == "umpan-balik-konstruktif"
    assert "status" not in defaults and "periode" not in defaults
    tugas = defaults["tugas_tambahan"]
    assert tugas and all("sk" not in entry for entry in tugas)
    assert tugas[0]["jenis"] == "kepala-laboratorium"  # the task itself is kept
    siklus = forms.previous(school, "siklus", GURU, "2026")
    assert siklus and "2025-" not in repr(siklus)
