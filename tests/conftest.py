"""Shared fixtures: build throw-away school repositories and run the CLI like a user would."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kinerja_build.cli import cli

TESTS = Path(__file__).resolve().parent
CASES = TESTS / "cases"
BASE = CASES / "base"
REPO = TESTS.parent


@pytest.fixture
def run_cli() -> Callable[..., Result]:
    """Invoke `kinerja …` in-process; exceptions propagate so bugs are not hidden."""

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, list(args), catch_exceptions=False, env={"NO_COLOR": "1"})

    return invoke


@pytest.fixture
def school(tmp_path: Path) -> Path:
    """A copy of the small valid base school in a temporary directory."""
    target = tmp_path / "sekolah"
    shutil.copytree(BASE, target)
    shutil.copytree(REPO / "schemas", target / "schemas")
    return target
