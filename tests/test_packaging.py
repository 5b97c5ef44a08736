"""Installed from a wheel, kinerja still finds its schemas, reference data and demo school."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


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
        "kinerja_build/py.typed",
    ):
        assert expected in names


def test_installed_wheel_validates_a_new_school(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    school = tmp_path / "sekolah"
    env = {**os.environ, "PYTHONPATH": str(target), "NO_COLOR": "1"}
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
