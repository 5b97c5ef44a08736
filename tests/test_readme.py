"""The README's quick start is the contract with new users and with CI."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```(?:bash|sh)?\n(.+?)\n```", quick, flags=re.S)


def test_quick_start_has_the_two_commands() -> None:
    commands = _commands()
    assert len(commands) == 2, commands
    assert "kinerja build" in commands[0]
    assert "scripts/check" in commands[1]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert _commands()[1].strip() in ci


def test_the_install_line_is_the_one_init_writes() -> None:
    from kinerja_build import scaffold

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f'pip install "{scaffold.default_install()}"' in readme
    assert "pip install kinerja " not in readme  # not on the package index
