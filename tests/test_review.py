"""Approval commands: transitions, actors, stale approvals, round-trip edits, no bad writes."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from kinerja_build import domain
from kinerja_build.load import DEFAULT_MAX_BYTES, load_file

REPO = Path(__file__).resolve().parent.parent
KS = "197404122000031003"
KADIS = "196905121994031007"
GURU = "198305172009011004"


@pytest.fixture
def submitted(school: Path) -> Path:
    """The base school plus the KS's submitted 2026 plan from the demo (atasan: Kepala Dinas)."""
    folder = school / "records" / "kinerja" / "2026" / KS
    folder.mkdir(parents=True)
    shutil.copy(REPO / "records" / "kinerja" / "2026" / KS / "rencana.yaml", folder)
    return folder / "rencana.yaml"


def _run(run_cli: Callable[..., Result], school: Path, *args: str) -> Result:
    return run_cli(*args[:1], str(args[1]), "--root", str(school), *args[2:])


def _status(path: Path) -> list[dict[str, str]]:
    loaded = load_file(path, path.name, DEFAULT_MAX_BYTES)
    assert loaded.ok
    statuses: list[dict[str, str]] = loaded.data["status"]
    return statuses


def test_approval_appends_exactly_one_step(
    run_cli: Callable[..., Result], school: Path, submitted: Path
) -> None:
    before = submitted.read_text(encoding="utf-8")
    result = _run(run_cli, school, "setujui", submitted, "--oleh", KADIS, "--tanggal", "2026-01-20")
    assert result.exit_code == 0, result.output
    after = submitted.read_text(encoding="utf-8")
    assert after.startswith(before), "comments, order and quoting before the new step unchanged"
    added = after[len(before) :].splitlines()
    assert added[:3] == ["  - status: disetujui", "    tanggal: 2026-01-20", f'    oleh: "{KADIS}"']
    loaded = load_file(submitted, submitted.name, DEFAULT_MAX_BYTES)
    assert loaded.ok
    assert _status(submitted)[-1]["sha256"] == domain.canonical_plan_hash(loaded.data)
    assert run_cli("validate", "--root", str(school)).exit_code == 0

    agreed = _run(run_cli, school, "sepakati", submitted, "--oleh", KS, "--tanggal", "2026-01-21")
    assert agreed.exit_code == 0, agreed.output
    assert [entry["status"] for entry in _status(submitted)][-2:] == ["disetujui", "disepakati"]
    assert run_cli("validate", "--root", str(school)).exit_code == 0


@pytest.mark.parametrize(
    ("command", "actor", "code"),
    [
        ("setujui", GURU, "KIN712"),  # not the KS's atasan
        ("sepakati", KS, "KIN711"),  # not approved yet
        ("setujui", KS, "KIN712"),  # the owner cannot approve their own plan
    ],
)
def test_refused_steps_change_nothing(
    run_cli: Callable[..., Result],
    school: Path,
    submitted: Path,
    command: str,
    actor: str,
    code: str,
) -> None:
    before = submitted.read_bytes()
    result = _run(run_cli, school, command, submitted, "--oleh", actor, "--tanggal", "2026-01-20")
    assert result.exit_code == 1
    assert code in result.output
    assert submitted.read_bytes() == before


def test_return_for_revision_needs_a_note(
    run_cli: Callable[..., Result], school: Path, submitted: Path
) -> None:
    missing = _run(run_cli, school, "tinjau-ulang", submitted, "--oleh", KADIS)
    assert missing.exit_code == 2
    done = _run(
        run_cli, school, "tinjau-ulang", submitted, "--oleh", KADIS, "--catatan", "Perjelas target.",
        "--tanggal", "2026-01-20",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert _status(submitted)[-1] == {
        "status": "ditinjau_ulang", "tanggal": "2026-01-20", "oleh": KADIS, "catatan": "Perjelas target.",
    }  # fmt: skip


def test_agreement_on_changed_content_is_refused(
    run_cli: Callable[..., Result], school: Path, submitted: Path
) -> None:
    assert (
        _run(
            run_cli, school, "setujui", submitted, "--oleh", KADIS, "--tanggal", "2026-01-20"
        ).exit_code
        == 0
    )
    text = submitted.read_text(encoding="utf-8")
    submitted.write_text(
        text.replace("target: ", "target: Diubah diam-diam. ", 1), encoding="utf-8"
    )
    before = submitted.read_bytes()
    result = _run(run_cli, school, "sepakati", submitted, "--oleh", KS, "--tanggal", "2026-01-21")
    assert result.exit_code == 1
    assert "KIN412" in result.output  # the stale approval makes the plan invalid: nothing written
    assert submitted.read_bytes() == before


def test_a_step_that_would_break_the_record_is_rolled_back(
    run_cli: Callable[..., Result], school: Path, submitted: Path
) -> None:
    before = submitted.read_bytes()
    # A date before the submission: the appended step would violate KIN411.
    result = _run(run_cli, school, "setujui", submitted, "--oleh", KADIS, "--tanggal", "2026-01-01")
    assert result.exit_code == 1
    assert "KIN411" in result.output and "dikembalikan" in result.output
    assert submitted.read_bytes() == before


@pytest.mark.parametrize("target", ["records/sekolah.yaml", "../luar.yaml", "records/kinerja/2025"])
def test_only_plan_files_are_accepted(
    run_cli: Callable[..., Result], school: Path, target: str
) -> None:
    (school.parent / "luar.yaml").write_text("a: 1\n", encoding="utf-8")
    result = run_cli("setujui", str(school / target), "--root", str(school), "--oleh", KADIS)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_under_a_plt_approval_is_recorded_as_automatic(
    run_cli: Callable[..., Result], school: Path
) -> None:
    sekolah = school / "records" / "sekolah.yaml"
    text = sekolah.read_text(encoding="utf-8").replace(
        "    mulai: 2022-08-01\n", "    mulai: 2022-08-01\n    selesai: 2025-12-31\n", 1
    )
    sekolah.write_text(
        text + f'  - status: plt\n    pegawai: "{KS}"\n    mulai: 2026-01-01\n', encoding="utf-8"
    )
    source = school / "records" / "kinerja" / "2025" / GURU / "rencana.yaml"
    plan = school / "records" / "kinerja" / "2026" / GURU / "rencana.yaml"
    plan.parent.mkdir(parents=True)
    lines = source.read_text(encoding="utf-8").replace('periode: "2025"', 'periode: "2026"')
    head = lines[: lines.index("status:")]
    plan.write_text(
        head + f'status:\n  - status: diajukan\n    tanggal: 2026-01-08\n    oleh: "{GURU}"\n',
        encoding="utf-8",
    )
    if run_cli("validate", "--root", str(school)).exit_code != 0:
        pytest.fail(run_cli("validate", "--root", str(school)).output)
    returned = _run(
        run_cli,
        school,
        "tinjau-ulang",
        plan,
        "--oleh",
        KS,
        "--catatan",
        "x",
        "--tanggal",
        "2026-01-10",
    )
    assert returned.exit_code == 1 and "Plt" in returned.output
    result = _run(run_cli, school, "setujui", plan, "--oleh", KS, "--tanggal", "2026-01-10")
    assert result.exit_code == 0, result.output
    assert "otomatis (Plt)" in result.output
    last = _status(plan)[-1]
    assert last["status"] == "disetujui" and last.get("otomatis") is True and "oleh" not in last


INIT_KS = "197508172000121002"
INIT_GURU = "199204102019032011"


def _init_plan(run_cli: Callable[..., Result], tmp_path: Path) -> tuple[Path, Path]:
    school = tmp_path / "baru"
    assert run_cli("init", str(school), "--periode", "2026").exit_code == 0
    return school, school / "records" / "kinerja" / "2026" / INIT_GURU / "rencana.yaml"


def _appended(before: bytes, after: bytes) -> list[str]:
    assert after.startswith(before), "every byte before the new step is unchanged"
    return after[len(before) :].decode("utf-8").splitlines()


@pytest.mark.parametrize("writer", ["init", "isi", "isi-crlf-bom"])
def test_approval_and_agreement_add_only_their_lines(
    run_cli: Callable[..., Result], tmp_path: Path, writer: str
) -> None:
    from kinerja_build import forms

    school, plan = _init_plan(run_cli, tmp_path)
    if writer.startswith("isi"):  # the writer of `kinerja isi`: lists at column 0
        data = load_file(plan, plan.name).data
        text = forms.to_yaml("rencana", data, 4)
        if writer.endswith("crlf-bom"):
            text = "\ufeff" + text.replace("\n", "\r\n")
        plan.write_bytes(text.encode("utf-8"))
    dash = "  - " if writer == "init" else "- "
    pad = " " * len(dash)
    newline = "\r\n" if writer.endswith("crlf-bom") else "\n"
    before = plan.read_bytes()
    approved = _run(run_cli, school, "setujui", plan, "--oleh", INIT_KS, "--tanggal", "2026-01-15")
    assert approved.exit_code == 0, approved.output
    middle = plan.read_bytes()
    digest = _status(plan)[-1]["sha256"]
    date = "2026-01-15" if writer == "init" else "'2026-01-15'"  # PyYAML quotes date strings
    assert _appended(before, middle) == [
        f"{dash}status: disetujui", f"{pad}tanggal: {date}", f'{pad}oleh: "{INIT_KS}"',
        f"{pad}sha256: {digest}",
    ]  # fmt: skip
    assert middle.count(newline.encode()) == middle.count(b"\n")
    agreed = _run(run_cli, school, "sepakati", plan, "--oleh", INIT_GURU, "--tanggal", "2026-01-16")
    assert agreed.exit_code == 0, agreed.output
    assert _appended(middle, plan.read_bytes())[0] == f"{dash}status: disepakati"
    assert run_cli("validate", "--root", str(school)).exit_code == 0


def test_a_held_lock_refuses_the_command_and_writes_nothing(
    run_cli: Callable[..., Result], school: Path, submitted: Path
) -> None:
    from kinerja_build import lock

    before = submitted.read_bytes()
    with lock.exclusive(submitted.parent):
        result = _run(
            run_cli, school, "setujui", submitted, "--oleh", KADIS, "--tanggal", "2026-01-20"
        )
    assert result.exit_code == 1
    assert "sedang diubah oleh perintah kinerja lain" in result.output
    assert submitted.read_bytes() == before
    again = _run(run_cli, school, "setujui", submitted, "--oleh", KADIS, "--tanggal", "2026-01-20")
    assert again.exit_code == 0, again.output  # the lock is gone with its holder


@pytest.mark.slow
def test_concurrent_commands_on_one_plan_lose_no_step(school: Path, submitted: Path) -> None:
    import subprocess
    import sys

    kinerja = Path(sys.executable).with_name("kinerja")
    commands = [
        ["setujui", "--oleh", KADIS],
        ["tinjau-ulang", "--oleh", KADIS, "--catatan", "Perjelas target."],
    ]
    original = submitted.read_bytes()
    for _trial in range(4):
        submitted.write_bytes(original)
        arguments = [
            [str(kinerja), command[0], str(submitted), "--root", str(school), *command[1:],
             "--tanggal", "2026-01-20"]
            for command in commands
        ]  # fmt: skip
        processes = [
            subprocess.Popen(
                argv,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"},
            )
            for argv in arguments
        ]
        outputs = [(process.wait(timeout=120), process.communicate()[0]) for process in processes]
        winners = [output for code, output in outputs if code == 0]
        losers = [output for code, output in outputs if code != 0]
        assert len(winners) == 1, outputs  # both need `diajukan`: exactly one can act on it
        steps = [entry["status"] for entry in _status(submitted)]
        assert steps[:-1] == ["draf", "diajukan"] and steps[-1] in ("disetujui", "ditinjau_ulang")
        assert ("disetujui" in winners[0]) == (
            steps[-1] == "disetujui"
        )  # the winner's step is there
        for output in losers:  # refused by the lock, or after it by the transition check
            assert "sedang diubah" in output or "KIN711" in output, output
