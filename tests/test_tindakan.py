"""`kinerja tindakan`: everyone's next step, one person's inbox, formats and the CI exit code."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

REPO = Path(__file__).resolve().parent.parent
DECEMBER_2026 = "1797292800"  # 2026-12-15
KS = "197404122000031003"
KADIS = "196905121994031007"
GURU_DRAF = "199407252022031006"  # Rizky: a 2026 plan still in draf

Run = Callable[..., Result]


@pytest.fixture(autouse=True)
def _in_december(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DECEMBER_2026)


def _json(run_cli: Run, *args: str) -> dict[str, object]:
    result = run_cli("tindakan", "--root", str(REPO), "--format", "json", *args)
    assert result.exit_code == 0, result.output
    payload: dict[str, object] = json.loads(result.output)
    return payload


def test_everyone_of_the_periode_most_late_first(run_cli: Run) -> None:
    payload = _json(run_cli, "--periode", "2026")
    actions = payload["tindakan"]
    assert isinstance(actions, list) and payload["hari_ini"] == "2026-12-15"
    assert len(actions) == 14  # nobody is assessed yet in December 2026
    late = [entry["terlambat_hari"] for entry in actions]
    assert late == sorted(late, reverse=True) and late[0] == 318
    assert sum(1 for day in late if day) == 11
    first = actions[0]
    assert first["tenggat"] == "2026-01-31" and first["tenggat_terkonfirmasi"] is True
    optional = [entry for entry in actions if not entry["wajib"]]
    assert {entry["pegawai"] for entry in optional} == {
        "non-asn-fajar-nugraha",
        "non-asn-rina-marlina",
    }
    assert all(entry["terlambat_hari"] == 0 for entry in optional)


def test_a_teacher_sees_their_own_next_step(run_cli: Run) -> None:
    actions = _json(run_cli, "--oleh", GURU_DRAF, "--periode", "2026")["tindakan"]
    assert isinstance(actions, list) and len(actions) == 1
    assert actions[0]["langkah"] == "ajukan" and actions[0]["peran"] == "guru"
    assert actions[0]["perintah"] == f"kinerja ajukan records/kinerja/2026/{GURU_DRAF}/rencana.yaml"


def test_the_principal_sees_the_plans_waiting_for_approval(run_cli: Run) -> None:
    actions = _json(run_cli, "--oleh", KS, "--periode", "2026")["tindakan"]
    assert isinstance(actions, list)
    mine = [entry for entry in actions if entry["pelaku"] == KS]
    assert [entry["langkah"] for entry in mine] == ["setujui"]
    own = [entry for entry in actions if entry["pegawai"] == KS]
    assert own and own[0]["pelaku"] == KADIS and own[0]["peran"] == "dinas"
    text = run_cli("tindakan", "--root", str(REPO), "--oleh", KS, "--periode", "2026").output
    assert text.startswith("Tindakan untuk Dedi Kurniawan, S.Pd., M.Pd. per 15 Desember 2026")
    assert "(menunggu pihak lain)" in text and "perintah: kinerja setujui" in text


def test_markdown_is_a_table(run_cli: Run) -> None:
    result = run_cli("tindakan", "--root", str(REPO), "--periode", "2026", "--format", "markdown")
    rows = [line for line in result.output.splitlines() if line.startswith("| ")]
    assert len(rows) == 1 + 14 and "**318 hari**" in rows[1]


def test_fail_if_late_is_for_ci(run_cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    args = ("tindakan", "--root", str(REPO), "--periode", "2026")
    assert run_cli(*args).exit_code == 0
    assert run_cli(*args, "--gagal-jika-terlambat").exit_code == 1
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767312000")  # 2026-01-02: nothing late yet
    assert run_cli(*args, "--gagal-jika-terlambat").exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--oleh", "123"), "tidak ada pegawai"),
        (("--periode", "2023"), "--periode"),
    ],
)
def test_usage_errors(run_cli: Run, args: tuple[str, ...], message: str) -> None:
    result = run_cli("tindakan", "--root", str(REPO), *args)
    assert result.exit_code == 2 and message in result.output


DEMO_PERIODES = "Periode yang ada di sekolah ini: 2024-1, 2024-2, 2025, 2026."


@pytest.mark.parametrize(
    ("periode", "why"),
    [
        ("2099", "tidak punya catatan maupun pegawai untuk periode itu"),  # parses; no records
        ("2027", "tidak punya catatan maupun pegawai untuk periode itu"),  # next year: not yet
        ("2024", "memakai dua semester"),
        ("2025-1", "bersifat tahunan"),
        ("semester-1", "bukan periode yang sah"),
    ],
)
def test_a_periode_the_school_does_not_have_is_a_usage_error(
    run_cli: Run, periode: str, why: str
) -> None:
    result = run_cli("tindakan", "--root", str(REPO), "--periode", periode)
    assert result.exit_code == 2, result.output
    assert f"--periode {periode}: " in result.output and why in result.output, result.output
    assert DEMO_PERIODES in result.output


def test_the_running_periode_counts_before_its_first_record(
    run_cli: Run, school: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In February 2026 a school without 2026 folders still has 2026: its roster is late."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1771113600")  # 2026-02-15
    result = run_cli("tindakan", "--root", str(school), "--periode", "2026", "--format", "json")
    assert result.exit_code == 0, result.output
    actions = json.loads(result.output)["tindakan"]
    assert actions and {action["periode"] for action in actions} == {"2026"}
    refused = run_cli("tindakan", "--root", str(school), "--periode", "2027")
    assert refused.exit_code == 2
    assert "Periode yang ada di sekolah ini: 2024-1, 2025, 2026." in refused.output
