"""`kinerja ajukan`: the owner submits, resubmits after a return, and sends a plan changed after
approval back through review (decision 0017); the step commands take several plans at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from kinerja_build import domain
from kinerja_build.load import DEFAULT_MAX_BYTES, load_file
from kinerja_build.model import school_periode
from kinerja_build.validate import validate

REPO = Path(__file__).resolve().parent.parent
KS = "197404122000031003"
KADIS = "196905121994031007"
GURU = "198305172009011004"
FITRI = "199301202022212007"

Run = Callable[..., Result]


def _statuses(path: Path) -> list[dict[str, str]]:
    loaded = load_file(path, path.name, DEFAULT_MAX_BYTES)
    assert loaded.ok
    statuses: list[dict[str, str]] = loaded.data["status"]
    return statuses


def _draft(school: Path, owner: str) -> Path:
    """The owner's 2025 plan cut back to a draft (later records removed)."""
    plan = school / "records/kinerja/2025" / owner / "rencana.yaml"
    text = plan.read_text(encoding="utf-8")
    head = text[: text.index("status:")]
    plan.write_text(
        head + f'status:\n  - status: draf\n    tanggal: 2025-01-06\n    oleh: "{owner}"\n',
        encoding="utf-8",
    )
    for kind in ("siklus", "penilaian", "tugas", "pengembangan-kompetensi"):
        (plan.parent / f"{kind}.yaml").unlink(missing_ok=True)
    return plan


def _run(run_cli: Run, school: Path, *args: str | Path) -> Result:
    return run_cli(*(str(arg) for arg in args), "--root", str(school))


def test_the_owner_submits_a_draft_bound_to_its_content(run_cli: Run, school: Path) -> None:
    plan = _draft(school, GURU)
    result = _run(run_cli, school, "ajukan", plan, "--tanggal", "2025-01-08")
    assert result.exit_code == 0, result.output
    last = _statuses(plan)[-1]
    assert last["status"] == "diajukan" and last["oleh"] == GURU and last["tanggal"] == "2025-01-08"
    loaded = load_file(plan, plan.name, DEFAULT_MAX_BYTES)
    assert last["sha256"] == domain.canonical_plan_hash(loaded.data)
    view = school_periode(validate(school).school, "2025").person(GURU)
    assert view is not None and view.next_step is not None
    assert view.next_step.key == "setujui" and view.next_step.pelaku_id == KS


def test_only_the_owner_submits(run_cli: Run, school: Path) -> None:
    plan = _draft(school, GURU)
    before = plan.read_bytes()
    result = _run(run_cli, school, "ajukan", plan, "--oleh", KS)
    assert result.exit_code == 1 and "KIN712" in result.output
    assert plan.read_bytes() == before


def test_resubmission_after_a_return(run_cli: Run, school: Path) -> None:
    plan = _draft(school, GURU)
    steps = [
        ("ajukan", "2025-01-08"),
        ("tinjau-ulang", "2025-01-09", "--oleh", KS, "--catatan", "Target belum terukur."),
        ("ajukan", "2025-01-10"),
        ("setujui", "2025-01-11", "--oleh", KS),
    ]
    for command, day, *rest in steps:
        result = _run(run_cli, school, command, plan, "--tanggal", day, *rest)
        assert result.exit_code == 0, result.output
    assert [s["status"] for s in _statuses(plan)] == [
        "draf", "diajukan", "ditinjau_ulang", "diajukan", "disetujui",
    ]  # fmt: skip
    again = _run(run_cli, school, "ajukan", plan)
    assert again.exit_code == 1 and "isinya tidak berubah" in again.output


def test_a_plan_changed_after_agreement_goes_back_through_review(
    run_cli: Run, school: Path
) -> None:
    plan = school / "records/kinerja/2025" / GURU / "rencana.yaml"  # disepakati in the base
    plan.write_text(
        plan.read_text(encoding="utf-8").replace("dalam satu pekan", "dalam tiga hari"),
        encoding="utf-8",
    )
    stale = validate(school)
    assert "KIN412" in {d.code for d in stale.report.errors}
    refused = _run(run_cli, school, "setujui", plan, "--oleh", KS)
    assert refused.exit_code == 1  # the plan has errors: nothing is appended
    # The stale approval is the one error `ajukan` accepts: resubmitting makes it history.
    result = _run(run_cli, school, "ajukan", plan, "--tanggal", "2025-03-03")
    assert result.exit_code == 0, result.output
    after = validate(school)
    assert not after.report.errors, [d.message for d in after.report.errors]
    view = school_periode(after.school, "2025").person(GURU)
    assert view is not None and view.next_step is not None and view.next_step.key == "setujui"
    approved = _run(run_cli, school, "setujui", plan, "--oleh", KS, "--tanggal", "2025-03-04")
    assert approved.exit_code == 0, approved.output
    assert [s["status"] for s in _statuses(plan)][-4:] == [
        "disetujui", "disepakati", "diajukan", "disetujui",
    ]  # fmt: skip


def test_several_plans_at_once(run_cli: Run, school: Path) -> None:
    plans = [_draft(school, GURU), _draft(school, FITRI)]
    result = _run(run_cli, school, "ajukan", *plans, "--tanggal", "2025-01-08")
    assert result.exit_code == 0, result.output
    assert "2 dari 2 rencana ditulis." in result.output
    approved = _run(run_cli, school, "setujui", *plans, "--oleh", KS, "--tanggal", "2025-01-09")
    assert approved.exit_code == 0, approved.output
    assert all(_statuses(plan)[-1]["status"] == "disetujui" for plan in plans)


def test_one_refusal_does_not_stop_the_others(run_cli: Run, school: Path) -> None:
    plans = [_draft(school, GURU), school / "records/kinerja/2025" / FITRI / "rencana.yaml"]
    result = _run(run_cli, school, "ajukan", *plans, "--tanggal", "2025-01-08")
    assert result.exit_code == 1 and "1 dari 2 rencana ditulis." in result.output
    assert _statuses(plans[0])[-1]["status"] == "diajukan"
