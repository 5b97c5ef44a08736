"""Installed from a wheel, kinerja still finds its schemas, reference data and demo school."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


pytestmark = pytest.mark.slow  # builds and installs a wheel


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(REPO)],
        check=True,
        capture_output=True,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    (found,) = out.glob("kinerja-*.whl")
    return found


def test_wheel_contains_package_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "kinerja_build/_bundled/schemas/rencana.schema.json",
        "kinerja_build/_bundled/schemas/umum.schema.json",
        "kinerja_build/_bundled/records/sekolah.yaml",
        "kinerja_build/_bundled/templates/pdf/evaluasi-kinerja.html.j2",
        "kinerja_build/_bundled/templates/pdf/kinerja.css",
        "kinerja_build/_bundled/templates/pdf/fonts/LiberationSans-Regular.ttf",
        "kinerja_build/_bundled/templates/pdf/fonts/LICENSE-OFL.txt",
        "kinerja_build/data/referensi.yaml",
        "kinerja_build/templates/init/rencana.yaml.j2",
        "kinerja_build/app/templates/formulir.html",
        "kinerja_build/app/static/app.css",
        "kinerja_build/py.typed",
    ):
        assert expected in names


def test_installed_wheel_validates_a_new_school(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    school = tmp_path / "sekolah"
    # Judged on 1 January 2025, the first day of the new school's periode (not yet late).
    env = {
        **os.environ,
        "PYTHONPATH": str(target),
        "NO_COLOR": "1",
        "SOURCE_DATE_EPOCH": "1735689600",
    }
    code = (
        "import sys; target = sys.argv.pop(1); import kinerja_build.cli as c; "
        "assert c.__file__.startswith(target), c.__file__; c.main()"
    )
    run = [sys.executable, "-c", code, str(target)]
    created = subprocess.run(
        [*run, "init", str(school), "--periode", "2025"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert created.returncode == 0, created.stderr
    checked = subprocess.run(
        [*run, "validate", "--root", str(school)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.startswith("Bersih:")
    built = subprocess.run(
        [*run, "build", "--root", str(school), "--hanya", "pdf", "--jobs", "1"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    pdfs = list((school / "build" / "pdf").rglob("*.pdf"))
    assert pdfs, built.stdout
    assert all(pdf.read_bytes().startswith(b"%PDF-") for pdf in pdfs)


def _workflow_steps(school: Path) -> tuple[dict[str, str], dict[str, str]]:
    import yaml

    workflow = yaml.safe_load((school / ".github" / "workflows" / "kinerja.yml").read_text("utf-8"))
    steps = {
        step["name"]: step["run"] for step in workflow["jobs"]["periksa"]["steps"] if "run" in step
    }
    return workflow["env"], steps


@pytest.mark.slow
def test_a_new_school_installs_kinerja_the_way_its_workflow_does(
    wheel: Path, tmp_path: Path
) -> None:
    """The generated workflow's install and validate commands, in a fresh venv, from the wheel
    a school keeps in its repository (dependencies from the package index as usual)."""
    import shutil

    from click.testing import CliRunner

    from kinerja_build.cli import cli

    school = tmp_path / "sekolah"
    spec = f"./vendor/{wheel.name}"
    created = CliRunner().invoke(cli, ["init", str(school), "--periode", "2026", "--pasang", spec])
    assert created.exit_code == 0, created.output
    (school / "vendor").mkdir()
    shutil.copy(wheel, school / "vendor" / wheel.name)
    variables, steps = _workflow_steps(school)
    assert variables == {"KINERJA_PASANG": spec}
    assert f'pip install "{spec}"' in (school / "README.md").read_text(encoding="utf-8")
    # System libraries (pango) come from `sudo apt-get` on the runner; this machine has them
    # (scripts/install-system-deps), and the test must not need root.
    install = "\n".join(
        line for line in steps["Pasang kinerja"].splitlines() if not line.startswith("sudo ")
    )
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    inherited = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env = {
        **inherited,
        **variables,
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "VIRTUAL_ENV": str(venv),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "NO_COLOR": "1",
    }
    installed = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", install],
        cwd=school,
        env=env,
        capture_output=True,
        text=True,
    )
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import kinerja_build; print(kinerja_build.__file__)"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert where.stdout.startswith(str(venv)), where.stdout  # the wheel, not this checkout
    checked = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", steps["Validasi catatan"]],
        cwd=school, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "::error" not in checked.stdout
    # The signature step on the school's first push (nothing added since BASE: clean).
    git = ["git", "-C", str(school), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "awal"], check=True)
    signed = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", steps["Tanda tangan persetujuan"]],
        cwd=school, env={**env, "BASE": "HEAD"}, capture_output=True, text=True,
    )  # fmt: skip
    assert signed.returncode == 0, signed.stdout + signed.stderr
