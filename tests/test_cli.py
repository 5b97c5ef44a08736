"""The command line as users and other tools rely on it: exit codes, formats, files written."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from kinerja_build import __version__, domain, rules

Run = Callable[..., Result]
REPO = Path(__file__).resolve().parent.parent


def _break(school: Path) -> Path:
    """Give the school one schema error (unknown field) and one workflow error."""
    plan = next((school / "records" / "kinerja" / "2025").glob("*/rencana.yaml"))
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text + "catatn: salah ketik\n", encoding="utf-8")
    return plan


def test_version(run_cli: Run) -> None:
    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"kinerja {__version__}"


@pytest.mark.parametrize(
    "command", ["validate", "build", "init", "rules", "referensi", "sidik-jari"]
)
def test_every_command_has_indonesian_help(run_cli: Run, command: str) -> None:
    result = run_cli(command, "--help")
    assert result.exit_code == 0
    assert "Penggunaan:" in result.output
    first_line = result.output.split("\n\n")[1].strip()
    assert first_line and not first_line.startswith("Show")


def test_validate_clean_school(run_cli: Run, school: Path) -> None:
    result = run_cli("validate", "--root", str(school))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].startswith("Bersih:")


def test_validate_errors_exit_1_with_compiler_style_lines(run_cli: Run, school: Path) -> None:
    plan = _break(school)
    result = run_cli("validate", "--root", str(school))
    assert result.exit_code == 1
    rel = plan.relative_to(school).as_posix()
    line = len(plan.read_text(encoding="utf-8").splitlines())
    assert f"{rel}:{line}:1: galat KIN102 Kolom `catatn` tidak dikenal." in result.output
    assert (
        "    saran: Mungkin maksudnya `catatan`?" not in result.output
    )  # no such field in rencana
    assert "\x1b[" not in result.output  # NO_COLOR is honoured


def test_validate_json_format(run_cli: Run, school: Path) -> None:
    _break(school)
    result = run_cli("validate", "--root", str(school), "--format", "json")
    assert result.exit_code == 1
    payload = json.loads(result.output)
    assert payload["ok"] is False
    assert payload["jumlah"]["galat"] == 1
    (item,) = [d for d in payload["diagnostik"] if d["severity"] == "error"]
    assert item["code"] == "KIN102"
    assert item["json_path"] == "/catatn"
    assert item["severity"] == "error"
    assert item["line"] > 0 and item["column"] == 1


def test_validate_github_format(run_cli: Run, school: Path) -> None:
    plan = _break(school)
    result = run_cli("validate", "--root", str(school), "--format", "github")
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    rel = plan.relative_to(school).as_posix()
    assert first.startswith(f"::error file={rel},line=")
    assert ",col=1,title=KIN102::Kolom `catatn` tidak dikenal.%0ASaran: " in first


def test_usage_errors_exit_2(run_cli: Run, tmp_path: Path) -> None:
    assert run_cli("validate", "--root", str(tmp_path / "tidak-ada")).exit_code == 2
    assert run_cli("validate", "--format", "xml").exit_code == 2
    assert run_cli("perintah-asing").exit_code == 2


def test_bad_config_exits_2(run_cli: Run, school: Path) -> None:
    (school / "kinerja.yml").write_text("aturan:\n  KIN402: keras\n", encoding="utf-8")
    result = run_cli("validate", "--root", str(school))
    assert result.exit_code == 2
    assert "kinerja.yml:2:11: galat KIN104" in result.output


def test_config_changes_severity(run_cli: Run, school: Path) -> None:
    _break(school)
    (school / "kinerja.yml").write_text("aturan:\n  KIN102: peringatan\n", encoding="utf-8")
    result = run_cli("validate", "--root", str(school))
    assert result.exit_code == 0
    assert "peringatan KIN102" in result.output


def test_missing_records_directory(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("validate", "--root", str(tmp_path))
    assert result.exit_code == 1
    assert "KIN012" in result.output and "kinerja init" in result.output


@pytest.mark.slow
def test_build_writes_report_and_summary(run_cli: Run, school: Path) -> None:
    result = run_cli("build", "--root", str(school))
    assert result.exit_code == 0, result.output
    assert "Periode 2025" in result.output and "Penilaian" in result.output
    report = json.loads((school / "build" / "validasi.json").read_text(encoding="utf-8"))
    assert report["ok"] is True
    assert not list((school / "build").glob(".*.tmp"))


def test_build_with_errors_exits_1_but_reports(run_cli: Run, school: Path, tmp_path: Path) -> None:
    _break(school)
    out = tmp_path / "keluaran"
    result = run_cli("build", "--root", str(school), "--out", str(out))
    assert result.exit_code == 1
    assert json.loads((out / "validasi.json").read_text(encoding="utf-8"))["ok"] is False


@pytest.mark.parametrize("out", ["records", "records/x", ".", ".."])
def test_build_refuses_dangerous_output_dirs(run_cli: Run, school: Path, out: str) -> None:
    before = sorted(p.relative_to(school) for p in school.rglob("*"))
    result = run_cli("build", "--root", str(school), "--out", str(school / out))
    assert result.exit_code == 2
    assert sorted(p.relative_to(school) for p in school.rglob("*")) == before


@pytest.mark.parametrize("periode", ["2024-1", "2025", "2026"])
def test_init_creates_a_school_that_validates_clean(
    run_cli: Run, tmp_path: Path, periode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Judged on the periode's first day: a school started for a periode is not yet late.
    start = domain.parse_periode(periode).start
    epoch = int(dt.datetime(start.year, start.month, start.day, tzinfo=dt.UTC).timestamp())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    target = tmp_path / "sekolah-baru"
    result = run_cli("init", str(target), "--periode", periode)
    assert result.exit_code == 0, result.output
    for expected in (
        "records/sekolah.yaml",
        ".gitignore",
        "mkdocs.yml",
        "README.md",
        "schemas/rencana.schema.json",
    ):
        assert (target / expected).is_file()
    assert len(list((target / "records" / "pegawai").glob("*.yaml"))) == 2
    check = run_cli("validate", "--root", str(target))
    assert check.exit_code == 0, check.output
    assert check.output.startswith("Bersih:")
    # A year later its draft plan is past the planning deadline: a warning, not an error.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch + 366 * 86400))
    late = run_cli("validate", "--root", str(target))
    assert late.exit_code == 0 and "KIN251" in late.output, late.output


@pytest.mark.slow
def test_new_school_goes_from_init_through_validate_to_build(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """init → validate → build of a new school succeeds. Its UNOR is not known yet (KIN807):
    nobody can be exported, and the build says so once, as a warning, without failing."""
    start = domain.parse_periode("2026").start
    epoch = int(dt.datetime(start.year, start.month, start.day, tzinfo=dt.UTC).timestamp())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    target = tmp_path / "sekolah-baru"
    made = run_cli("init", str(target), "--periode", "2026")
    assert made.exit_code == 0 and "kinerja validate" in made.output, made.output
    check = run_cli("validate", "--root", str(target))
    assert check.exit_code == 0 and check.output.startswith("Bersih:"), check.output
    built = run_cli("build", "--root", str(target), "-j", "1")
    assert built.exit_code == 0, built.output
    assert " galat " not in built.output, built.output
    unor = [line for line in built.output.splitlines() if " KIN807 " in line]
    assert len(unor) == 1, built.output
    assert unor[0].startswith("records/sekolah.yaml:"), unor
    assert "peringatan KIN807 Ekspor BKN 2026, seluruh sekolah: Unit kerja (UNOR SIASN)" in unor[0]
    assert unor[0].endswith("Menahan ekspor 2 pegawai."), unor
    assert "0 pegawai diekspor, 2 belum siap" in built.output
    listed = (target / "build" / "ekspor-bkn" / "belum-siap-2026.csv").read_text("utf-8-sig")
    assert listed.count("KIN807") == 2, listed  # each person's row still says why


def test_init_refuses_existing_directory(run_cli: Run, school: Path) -> None:
    before = (school / "records" / "sekolah.yaml").read_bytes()
    result = run_cli("init", str(school))
    assert result.exit_code == 2
    assert (school / "records" / "sekolah.yaml").read_bytes() == before


def test_init_refuses_invalid_periode(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("init", str(tmp_path / "x"), "--periode", "2024")
    assert result.exit_code == 2
    assert not (tmp_path / "x").exists()


def test_rules_lists_every_code(run_cli: Run) -> None:
    result = run_cli("rules")
    assert result.exit_code == 0
    for entry in rules.all_rules():
        assert entry.code in result.output
    payload = json.loads(run_cli("rules", "--format", "json").output)
    assert {item["code"] for item in payload} == {r.code for r in rules.all_rules()}
    kin402 = next(item for item in payload if item["code"] == "KIN402")
    assert kin402["regimes"] == ["7607-2023"] and kin402["severity"] == "warning"


def test_every_rule_is_documented() -> None:
    for entry in rules.all_rules():
        assert entry.title and entry.name
        if entry.check is not None:
            assert entry.check.__doc__, (
                f"{entry.code} needs a docstring: it becomes its documentation"
            )


def test_referensi_lists_ids(run_cli: Run, school: Path) -> None:
    result = run_cli("referensi", "--root", str(school))
    assert result.exit_code == 0
    assert "disiplin-positif" in result.output and "wali-kelas" in result.output


def test_sidik_jari(run_cli: Run, school: Path) -> None:
    from kinerja_build import domain
    from kinerja_build.load import load_file

    plan = next((school / "records" / "kinerja" / "2025").glob("*/rencana.yaml"))
    result = run_cli("sidik-jari", str(plan))
    assert result.exit_code == 0
    data = load_file(plan, "x").data
    assert result.output.strip() == domain.canonical_plan_hash(data)
    broken = plan.parent / "rusak.yaml"
    broken.write_text("a: [\n", encoding="utf-8")
    assert run_cli("sidik-jari", str(broken)).exit_code == 1


def test_internal_errors_show_a_traceback_and_ask_for_a_report(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], school: Path
) -> None:
    from kinerja_build import cli

    def explode(root: Path) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(cli, "validate", explode)
    monkeypatch.setattr("sys.argv", ["kinerja", "validate", "--root", str(school)])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 3
    err = capsys.readouterr().err
    assert "RuntimeError: bug" in err and "kesalahan internal" in err


def test_copied_school_keeps_working_outside_cwd(
    run_cli: Run, school: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    moved = tmp_path / "lain" / "tempat"
    shutil.copytree(school, moved)
    monkeypatch.chdir(tmp_path)
    assert run_cli("validate", "--root", str(moved)).exit_code == 0


def test_control_characters_from_records_never_reach_the_terminal(
    run_cli: Run, school: Path
) -> None:
    plan = next((school / "records" / "kinerja" / "2025").glob("*/rencana.yaml"))
    text = plan.read_text(encoding="utf-8")
    plan.write_text(
        text.replace("praktik_kinerja:", 'praktik_kinerja:\n  "\\e[2J\\e[31m": x', 1),
        encoding="utf-8",
    )
    result = run_cli("validate", "--root", str(school))
    assert result.exit_code == 1
    assert "\x1b" not in result.output
    assert "\\x1b[2J" in result.output


def test_undecodable_file_names_are_reported_not_crashed_on(run_cli: Run, school: Path) -> None:
    directory = os.fsencode(school / "records" / "pegawai")
    with open(directory + b"/\xff\nx.yaml", "w", encoding="utf-8") as handle:
        handle.write("nama: x\n")
    for output_format in ("text", "json", "github"):
        result = run_cli("validate", "--root", str(school), "--format", output_format)
        assert result.exit_code == 1
        assert "KIN010" in result.output
        if output_format == "github":  # the newline in the name must not start a line of its own
            lines = result.output.splitlines()
            assert all(line.startswith("::") for line in lines[:-1]), lines


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["validate", "--formt", "json"], "Pilihan '--formt' tidak dikenal"),
        (["validate", "--root", "/tidak/ada"], "Folder '/tidak/ada' tidak ada"),
        (["validate", "--format", "xml"], "'xml' bukan salah satu dari"),
        (["bogus"], "Perintah 'bogus' tidak dikenal"),
        (["validate", "lebih"], "Argumen berlebih (lebih)"),
    ],
)
def test_usage_errors_are_indonesian(run_cli: Run, args: list[str], expected: str) -> None:
    result = run_cli(*args)
    assert result.exit_code == 2
    assert expected in result.output
    assert "Galat:" in result.output and "Penggunaan:" in result.output
    for english in ("Error:", "Usage:", "Try '", "No such", "does not exist", "is not one of"):
        assert english not in result.output


def test_help_is_indonesian(run_cli: Run) -> None:
    result = run_cli("validate", "--help")
    assert result.exit_code == 0
    assert "Penggunaan:" in result.output and "Pilihan:" in result.output
    assert "Tampilkan bantuan ini lalu keluar." in result.output
    assert "Show this message" not in result.output and "Options:" not in result.output


# How `kinerja build` shows a finding: as a diagnostic line of the report (file, severity, code)
# or, for a stage that lists its findings, as a bullet of the stage's summary (`[KIN…; pihak]`).
_DIAGNOSTIC_LINE = re.compile(
    r"^(?P<where>.+?): (?:galat|peringatan|info) (?P<code>KIN\d{3}) (?P<message>.*)$"
)
_BULLET = re.compile(r"^  - (?P<text>.*) \[(?P<code>KIN\d{3}); [^\]]*\]$")
_EXPORT_HEADER = re.compile(r"^Ekspor BKN (?P<periode>\S+) \(")
_EXPORT_MESSAGE = re.compile(r"^Ekspor BKN (?P<periode>\S+), (?P<text>.*)$")


def _shown_findings(output: str) -> list[tuple[str, ...]]:
    """Every finding the output shows, once per time it is shown, in a comparable form."""
    shown: list[tuple[str, ...]] = []
    periode = ""
    for line in output.splitlines():
        if header := _EXPORT_HEADER.match(line):
            periode = header["periode"]
        elif bullet := _BULLET.match(line):
            shown.append((bullet["code"], periode, bullet["text"]))
        elif diagnostic := _DIAGNOSTIC_LINE.match(line):
            export = _EXPORT_MESSAGE.match(diagnostic["message"])
            if export:
                shown.append((diagnostic["code"], export["periode"], export["text"]))
            else:
                shown.append((diagnostic["code"], diagnostic["where"], diagnostic["message"]))
    return shown


def _assert_each_finding_shown_once(output: str) -> None:
    shown = _shown_findings(output)
    assert shown, output
    repeated = [item for item, count in Counter(shown).items() if count > 1]
    assert not repeated, f"shown more than once: {repeated}\n{output}"


@pytest.mark.slow
def test_build_shows_each_finding_of_the_demo_once(run_cli: Run, tmp_path: Path) -> None:
    """The demo's export readiness (KIN806: no agreed KS plan in 2026) is listed, not repeated."""
    root = tmp_path / "demo"
    for name in ("records", "schemas"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "kinerja.yml", root / "kinerja.yml")
    result = run_cli("build", "--root", str(root), "--hanya", "ekspor")
    assert result.exit_code == 0, result.output
    assert "KIN806" in result.output
    _assert_each_finding_shown_once(result.output)


@pytest.mark.slow
def test_build_with_errors_shows_each_finding_once(run_cli: Run, school: Path) -> None:
    """A school with errors everywhere: validation, readiness (KIN807, KIN809), every stage."""
    _break(school)
    sekolah = school / "records" / "sekolah.yaml"
    lines = sekolah.read_text(encoding="utf-8").splitlines(keepends=True)
    sekolah.write_text("".join(x for x in lines if not x.startswith("unor:")), encoding="utf-8")
    ks_plan = school / "records" / "kinerja" / "2025" / "197404122000031003" / "rencana.yaml"
    ks_plan.write_text(ks_plan.read_text(encoding="utf-8") + "  rusak: [\n", encoding="utf-8")
    result = run_cli("build", "--root", str(school), "--allow-errors", "-j", "1")
    assert result.exit_code == 1, result.output
    for code in ("KIN001", "KIN102", "KIN806", "KIN807", "KIN809"):
        assert code in result.output, code
    _assert_each_finding_shown_once(result.output)
