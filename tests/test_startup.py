"""Start-up imports only what a command needs (issue 16).

`kinerja validate` runs in every pull request, on every save in the app and in every `mkdocs
serve` rebuild; importing WeasyPrint, mkdocs or Jinja there would cost more than checking a small
school. Each command runs in a fresh interpreter and the test reads `sys.modules` afterwards.
Timings are measured in benchmarks/bench_validate.py, never asserted here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

_RUN = """
import json, sys
from kinerja_build import cli
sys.argv = ["kinerja", *json.loads(sys.argv[1])]
try:
    cli.main()
except SystemExit as done:
    code = done.code
else:
    code = 0
with open(OUT, "w") as handle:
    json.dump({"exit": code, "modules": sorted(sys.modules)}, handle)
"""

# Output stages, the site and anything a web app would bring: never needed to check records.
NEVER = (
    "weasyprint", "mkdocs", "material", "ruamel", "jinja2", "markdown", "pydyf", "fontTools",
    "xlsxwriter", "icalendar", "flask", "starlette", "fastapi", "uvicorn", "anyio", "httpx",
    "werkzeug", "aiohttp", "http.server", "kinerja_build.render", "kinerja_build.site",
    "kinerja_build.export", "kinerja_build.forms", "kinerja_build.app", "kinerja_build.dinas",
    "kinerja_build.kalender",
)  # fmt: skip
# python-jsonschema explains rejected records only; clean records never load it.
NOT_FOR_CLEAN_RECORDS = ("jsonschema", "referencing", "jsonschema_specifications")
# Printing the version needs nothing but the CLI itself.
NOT_FOR_VERSION = ("yaml", "jsonschema_rs", "kinerja_build.validate", "kinerja_build.rules")


def _modules_after(args: list[str], tmp_path: Path) -> tuple[int, list[str]]:
    out = tmp_path / "modules.json"
    code = _RUN.replace("OUT", repr(str(out)))
    subprocess.run(
        [sys.executable, "-c", code, json.dumps(args)],
        check=True,
        cwd=tmp_path,
        capture_output=True,
        env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"},
    )
    result = json.loads(out.read_text(encoding="utf-8"))
    return result["exit"], result["modules"]


def _loaded(modules: list[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def test_version_imports_only_the_cli(tmp_path: Path) -> None:
    exit_code, modules = _modules_after(["--version"], tmp_path)
    assert exit_code == 0
    assert "click" in modules  # the probe sees real imports
    assert not _loaded(modules, NEVER + NOT_FOR_CLEAN_RECORDS + NOT_FOR_VERSION)


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_validate_of_the_demo_imports_no_output_stage(tmp_path: Path, output_format: str) -> None:
    args = ["validate", "--root", str(REPO), "--format", output_format]
    exit_code, modules = _modules_after(args, tmp_path)
    assert exit_code == 0
    assert {"yaml", "jsonschema_rs", "kinerja_build.rules"} <= set(modules)
    assert not _loaded(modules, NEVER + NOT_FOR_CLEAN_RECORDS)


def test_validate_of_a_broken_record_still_imports_no_output_stage(
    tmp_path: Path, school: Path
) -> None:
    (school / "records" / "sekolah.yaml").write_text("npsn: 12\n", encoding="utf-8")
    exit_code, modules = _modules_after(["validate", "--root", str(school)], tmp_path)
    assert exit_code == 1
    assert "jsonschema" in modules  # rejected records are explained by python-jsonschema
    assert not _loaded(modules, NEVER)
