"""One maker of diagnostics: registry severities, the school's `aturan:`, for every stage."""

from __future__ import annotations

import ast
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from kinerja_build import rules, scaffold
from kinerja_build.diagnostics import Severity
from kinerja_build.severity import Severities, make

PACKAGE = Path(rules.__file__).resolve().parent.parent


def _aturan(root: Path, lines: str) -> None:
    (root / "kinerja.yml").write_text(f"aturan:\n{lines}", encoding="utf-8")


def test_make_takes_the_registry_severity() -> None:
    assert make("KIN904", "records/sekolah.yaml", "m").severity is Severity.ERROR
    assert make("KIN013", "records/sekolah.yaml", "m").severity is Severity.WARNING
    assert make("KIN801", "records/sekolah.yaml", "m").severity is Severity.INFO


def test_judge_applies_overrides_only_where_the_registry_allows() -> None:
    made = [make(code, "x.yaml", "m") for code in ("KIN904", "KIN002", "KIN805", "KIN101")]
    judged = Severities({"KIN904": "peringatan", "KIN002": "peringatan", "KIN805": "mati"}).judge(
        made
    )
    assert [(d.code, d.severity) for d in judged] == [
        ("KIN904", Severity.WARNING),
        ("KIN002", Severity.ERROR),  # a file that could not be read stays an error
        ("KIN101", Severity.ERROR),
    ]
    assert Severities({"KIN002": "mati", "KIN999": "galat", "KIN101": "mati"}).refused() == [
        ("KIN002", "Tingkat `KIN002` tetap galat dan tidak dapat diubah."),
        ("KIN999", "Kode `KIN999` tidak dikenal."),
    ]


# Advice about a file that was read anyway (KIN013 modeline) or deliberately not read (KIN015
# ignored names): a school may silence these. Every other load problem means a file could not
# be read, and stays an error.
ADVICE = {"KIN013", "KIN015"}


def test_load_codes_may_not_be_overridden() -> None:
    for entry in rules.all_rules():
        if entry.scope is rules.Scope.LOAD and entry.code not in ADVICE:
            assert not entry.overridable, entry.code
    assert all(rules.get(code).overridable for code in ADVICE)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("  KIN002: peringatan\n", "Tingkat `KIN002` tetap galat dan tidak dapat diubah."),
        ("  KIN999: mati\n", "Kode `KIN999` tidak dikenal."),
    ],
)
def test_an_override_the_registry_refuses_is_a_diagnostic_on_kinerja_yml(
    school: Path, run_cli: Callable[..., Result], line: str, message: str
) -> None:
    _aturan(school, line)
    result = run_cli("validate", "--root", str(school))
    assert result.exit_code == 2, result.output
    assert "kinerja.yml:2:3: galat KIN014" in result.output
    assert message in result.output


def test_an_overridable_load_code_follows_kinerja_yml(
    school: Path, run_cli: Callable[..., Result]
) -> None:
    person = sorted((school / "records" / "pegawai").glob("*.yaml"))[0]
    person.write_text(person.read_text(encoding="utf-8").split("\n", 1)[1], encoding="utf-8")

    def codes() -> list[str]:
        result = run_cli("validate", "--root", str(school), "--format", "json")
        return [item["code"] for item in json.loads(result.output)["diagnostik"]]

    assert "KIN013" in codes()  # no modeline
    _aturan(school, "  KIN013: mati\n")
    assert "KIN013" not in codes()


def test_export_stage_codes_see_the_override(school: Path, run_cli: Callable[..., Result]) -> None:
    """`kinerja ekspor bkn` runs the export stage on its own: KIN807 follows kinerja.yml too."""
    sekolah = school / "records" / "sekolah.yaml"
    text = sekolah.read_text(encoding="utf-8")
    sekolah.write_text(
        "\n".join(line for line in text.splitlines() if not line.startswith("unor")) + "\n",
        encoding="utf-8",
    )
    before = run_cli("ekspor", "bkn", "--root", str(school), "--tanpa-pdf")
    assert before.exit_code == 0 and "peringatan KIN807" in before.output, before.output
    _aturan(school, "  KIN807: galat\n")
    after = run_cli("ekspor", "bkn", "--root", str(school), "--tanpa-pdf")
    assert after.exit_code == 1, after.output
    assert "galat KIN807" in after.output and "peringatan KIN807" not in after.output


def test_export_checks_see_the_school_override(
    school: Path, tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    """`kinerja ekspor periksa --root` reads the school's `aturan:` for the KIN82x checks."""
    assert run_cli("ekspor", "bkn", "--root", str(school), "--tanpa-pdf").exit_code == 0
    (original,) = (school / "build" / "ekspor-bkn").glob("kinerja-*-2025.zip")
    tampered = tmp_path / "ubah.zip"
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(tampered, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, data + b" " if info.filename == "pegawai.csv" else data)
    strict = run_cli("ekspor", "periksa", str(tampered), "--root", str(school))
    assert strict.exit_code == 1 and "galat KIN823" in strict.output, strict.output
    _aturan(school, "  KIN823: peringatan\n")
    relaxed = run_cli("ekspor", "periksa", str(tampered), "--root", str(school))
    assert relaxed.exit_code == 0 and "peringatan KIN823" in relaxed.output, relaxed.output


@pytest.mark.slow
def test_kin904_override_in_kinerja_yml_is_honoured_by_the_build(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    """The PDF stage's codes follow `aturan:` like every other code (issue 12)."""
    root = tmp_path / "sekolah"
    scaffold.create(root, "2025")
    sekolah = root / "records" / "sekolah.yaml"
    sekolah.write_text(
        sekolah.read_text(encoding="utf-8") + "logo: tidak-ada.png\n", encoding="utf-8"
    )
    build = ("build", "--root", str(root), "--hanya", "pdf", "--jobs", "1")
    strict = run_cli(*build)
    assert strict.exit_code == 1 and "galat KIN904" in strict.output, strict.output
    _aturan(root, "  KIN904: peringatan\n")
    relaxed = run_cli(*build)
    assert relaxed.exit_code == 0, relaxed.output
    assert "peringatan KIN904" in relaxed.output and "galat KIN904" not in relaxed.output
    report = json.loads((root / "build" / "validasi.json").read_text(encoding="utf-8"))
    assert [d["severity"] for d in report["diagnostik"] if d["code"] == "KIN904"] == ["warning"]
    _aturan(root, "  KIN904: mati\n")
    silent = run_cli(*build)
    assert silent.exit_code == 0 and "KIN904" not in silent.output


def test_no_stage_makes_a_diagnostic_by_hand() -> None:
    """Only severity.py constructs Diagnostic: every severity comes from the registry."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "severity.py" and path.parent == PACKAGE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name | ast.Attribute)
                and (getattr(node.func, "id", None) or getattr(node.func, "attr", None))
                == "Diagnostic"
            ):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert not offenders, "use kinerja_build.severity.make():\n" + "\n".join(offenders)
