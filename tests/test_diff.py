"""`kinerja diff` over a real git history: submitted, returned, revised, approved, edited.

Each step's text and Markdown summary is compared with a golden file in tests/golden/diff/
(regenerate with KINERJA_UPDATE_GOLDEN=1).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden" / "diff"
KS = "197404122000031003"
KADIS = "196905121994031007"


def _git(root: Path, *args: str) -> str:
    command = [
        "git",
        "-C",
        str(root),
        "-c",
        "user.name=Operator",
        "-c",
        "user.email=op@example.invalid",
    ]
    return subprocess.run([*command, *args], check=True, capture_output=True, text=True).stdout


def _commit(root: Path, message: str) -> None:
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", message)


@pytest.fixture(autouse=True)
def _in_january_2026(monkeypatch: pytest.MonkeyPatch) -> None:
    # The history happens in January 2026: before the planning deadline, so no plan is late.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1768694400")  # 2026-01-18


@pytest.fixture
def history(school: Path, run_cli: Callable[..., Result]) -> Path:
    _git(school, "init", "-q", "-b", "main")
    _commit(school, "sekolah")
    plan = school / "records" / "kinerja" / "2026" / KS / "rencana.yaml"
    plan.parent.mkdir(parents=True)
    shutil.copy(REPO / "records" / "kinerja" / "2026" / KS / "rencana.yaml", plan)
    _commit(school, "rencana diajukan")
    args = ["--root", str(school), "--oleh", KADIS, "--tanggal"]
    returned = run_cli(
        "tinjau-ulang", str(plan), *args, "2026-01-16", "--catatan", "Target terlalu umum."
    )
    assert returned.exit_code == 0, returned.output
    _commit(school, "ditinjau ulang")
    text = plan.read_text(encoding="utf-8").replace(
        "dipresentasikan kepada", "dipresentasikan dalam rapat kepada", 1
    )
    plan.write_text(
        text + '  - status: diajukan\n    tanggal: 2026-01-17\n    oleh: "197404122000031003"\n'
    )
    _commit(school, "direvisi dan diajukan lagi")
    approved = run_cli("setujui", str(plan), *args, "2026-01-19")
    assert approved.exit_code == 0, approved.output
    _commit(school, "disetujui")
    plan.write_text(plan.read_text(encoding="utf-8").replace("setiap semester", "setiap bulan", 1))
    _commit(school, "diubah setelah disetujui")
    return school


STEPS = ["diajukan", "ditinjau-ulang", "direvisi", "disetujui", "diubah"]


@pytest.mark.parametrize("step", range(len(STEPS)), ids=STEPS)
def test_each_step_has_a_readable_summary(
    history: Path, run_cli: Callable[..., Result], step: int
) -> None:
    back = len(STEPS) - step
    base, head = f"HEAD~{back}", f"HEAD~{back - 1}" if back > 1 else "HEAD"
    for output_format in ("text", "markdown"):
        result = run_cli("diff", base, head, "--root", str(history), "--format", output_format)
        assert result.exit_code == 0, result.output
        output = result.output.replace(_git(history, "rev-parse", base).strip()[:12], "BASE")
        golden = (
            GOLDEN / f"{step + 1}-{STEPS[step]}.{'md' if output_format == 'markdown' else 'txt'}"
        )
        if os.environ.get("KINERJA_UPDATE_GOLDEN"):
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(output, encoding="utf-8")
        assert output == golden.read_text(encoding="utf-8")


def test_stale_approval_is_flagged(history: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("diff", "HEAD~1", "HEAD", "--root", str(history))
    assert "PERSETUJUAN BASI" in result.output
    assert "KIN412" in result.output


def test_working_tree_against_the_default_branch(
    history: Path, run_cli: Callable[..., Result]
) -> None:
    _git(history, "checkout", "-q", "-b", "fitur")
    shutil.rmtree(history / "records" / "kinerja" / "2026")
    result = run_cli("diff", "--root", str(history))
    assert result.exit_code == 0, result.output
    assert "Perubahan catatan" in result.output  # merge-base with main is HEAD: no changes there
    result = run_cli("diff", "HEAD~1", "--root", str(history))
    assert "rencana: dihapus" in result.output


@pytest.mark.parametrize("problem", ["not-git", "unknown-revision"])
def test_bad_input_is_a_usage_error(
    school: Path, run_cli: Callable[..., Result], problem: str
) -> None:
    if problem == "not-git":
        result = run_cli("diff", "--root", str(school))
    else:
        _git(school, "init", "-q", "-b", "main")
        _commit(school, "sekolah")
        result = run_cli("diff", "tidak-ada", "--root", str(school))
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_shallow_clone_without_base_is_explained(
    history: Path, run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    shallow = tmp_path / "dangkal"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", history.as_uri(), str(shallow)],
        check=True,
        capture_output=True,
    )
    # As in CI checkouts of one branch: no main, no origin/main to find a merge-base with.
    _git(shallow, "checkout", "-q", "-b", "fitur")
    _git(shallow, "branch", "-D", "main")
    _git(shallow, "remote", "remove", "origin")
    result = run_cli("diff", "--root", str(shallow))
    assert result.exit_code == 2
    assert "klon dangkal" in result.output and "kinerja diff HEAD~1" in result.output


def test_conflict_markers_show_up_as_new_errors(
    history: Path, run_cli: Callable[..., Result]
) -> None:
    plan = history / "records" / "kinerja" / "2026" / KS / "rencana.yaml"
    plan.write_text("<<<<<<< HEAD\n" + plan.read_text(encoding="utf-8") + "=======\n>>>>>>> lain\n")
    result = run_cli("diff", "HEAD", "--root", str(history))
    assert result.exit_code == 0, result.output
    assert "galat baru" in result.output and "KIN001" in result.output


def test_new_warnings_are_not_called_errors() -> None:
    from kinerja_build.diagnostics import Diagnostic, Severity
    from kinerja_build.diff import PersonChange, format_markdown, format_text

    warning = Diagnostic("KIN251", Severity.WARNING, "records/x.yaml", "Terlambat.", "", (), 3, 1)
    error = Diagnostic("KIN410", Severity.ERROR, "records/x.yaml", "Urutan salah.", "", (), 4, 1)
    change = PersonChange("2026", "123", "Guru", introduced=[warning, error])
    text = format_text([change], "a", "b")
    assert "peringatan baru: records/x.yaml:3 KIN251" in text
    assert "galat baru: records/x.yaml:4 KIN410" in text
    markdown = format_markdown([change], "a", "b")
    assert "1 kesalahan baru, 1 peringatan baru" in markdown
    assert ":warning: `KIN251`" in markdown and ":x: `KIN410`" in markdown
