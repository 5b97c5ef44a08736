"""The review flow around pull requests: workflow file, pre-commit hook, CODEOWNERS."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

REPO = Path(__file__).resolve().parent.parent
KS_GITHUB = "@dedikurniawan-skm"


def _check_workflow(path: Path) -> subprocess.CompletedProcess[str]:
    checker = Path(sys.executable).with_name("check-jsonschema")
    return subprocess.run(
        [str(checker), "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
    )


def test_workflows_follow_the_github_actions_schema(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    assert run_cli("init", str(tmp_path / "sekolah"), "--periode", "2025").exit_code == 0
    for workflow in (
        REPO / ".github" / "workflows" / "kinerja.yml",
        tmp_path / "sekolah" / ".github" / "workflows" / "kinerja.yml",
    ):
        done = _check_workflow(workflow)
        assert done.returncode == 0, done.stdout + done.stderr
        text = workflow.read_text(encoding="utf-8")
        for step in (
            "kinerja validate --format github",
            "kinerja diff",
            "kinerja build",
            "upload-artifact",
        ):
            assert step in text


def test_this_repository_uses_the_workflow_init_writes(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    assert run_cli("init", str(tmp_path / "s"), "--periode", "2025", "--pasang", ".").exit_code == 0
    generated = (tmp_path / "s" / ".github" / "workflows" / "kinerja.yml").read_text("utf-8")
    ours = (REPO / ".github" / "workflows" / "kinerja.yml").read_text(encoding="utf-8")
    assert ours.split("\n", 1)[1] == generated.split("\n", 1)[1]  # all but the first comment
    assert '  KINERJA_PASANG: "."\n' in ours and ours.count("KINERJA_PASANG") == 2


def test_a_broken_workflow_is_caught(tmp_path: Path) -> None:
    broken = tmp_path / "kinerja.yml"
    broken.write_text("name: x\non: push\njobs:\n  a:\n    steps: []\n", encoding="utf-8")
    assert _check_workflow(broken).returncode != 0  # runs-on missing: the check can fail


def test_codeowners_pairs_each_person_with_their_atasan(
    run_cli: Callable[..., Result], school: Path
) -> None:
    result = run_cli("codeowners", "--root", str(school))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    guru = [line for line in lines if line.startswith("/records/kinerja/*/198305172009011004/")]
    assert guru and KS_GITHUB in guru[0]
    assert any("non-asn-rina-marlina" in line for line in lines)
    written = run_cli("codeowners", "--root", str(school), "--tulis")
    assert written.exit_code == 0
    assert (school / ".github" / "CODEOWNERS").read_text(encoding="utf-8") == result.output


@pytest.mark.slow
def test_pre_commit_hook_runs_kinerja_validate(
    run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    if shutil.which("git") is None:
        pytest.skip("git missing")
    school = tmp_path / "sekolah"
    assert run_cli("init", str(school), "--periode", "2025").exit_code == 0
    git = ["git", "-C", str(school), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "awal"], check=True)
    pre_commit = Path(sys.executable).with_name("pre-commit")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    command = [str(pre_commit), "try-repo", str(REPO), "kinerja-validate", "--all-files"]
    passed = subprocess.run(command, cwd=school, capture_output=True, text=True, env=env)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    sekolah = school / "records" / "sekolah.yaml"
    sekolah.write_text(
        sekolah.read_text(encoding="utf-8").replace("npsn:", "npsnx:"), encoding="utf-8"
    )
    failed = subprocess.run(command, cwd=school, capture_output=True, text=True, env=env)
    assert failed.returncode == 1
    assert "KIN10" in failed.stdout
