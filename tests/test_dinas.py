"""The district view (`kinerja dinas`): a few small synthetic schools on an in-process cluster.

The district has a school with a broken sekolah.yaml, a NIP recorded in two schools, and a
dinas.yml entry whose folder does not exist. Expectations come from the school summaries and
from reading the written files back (zip, CSV, XLSX with openpyxl), never from fixed numbers.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result

from benchmarks.synth import generate
from kinerja_build.cli import cli
from kinerja_build.dinas import checks, engine, handoff, task
from kinerja_build.dinas.build import DistrictResult, build_district
from kinerja_build.dinas.config import load_district
from kinerja_build.dinas.engine import EngineOptions
from kinerja_build.export import bundle as bundles
from kinerja_build.export.verify import verify

IN_PROCESS = EngineOptions(jobs=2, processes=False)
DINAS_YML = """\
# yaml-language-server: $schema=schemas/dinas.schema.json
dinas:
  nama: Dinas Pendidikan Kabupaten Uji
  kode: "3201"
predikat_organisasi:
  "2025": baik
sekolah:
{entries}
"""


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, env={"NO_COLOR": "1"})


def _district(root: Path, schools: int, teachers: int, periods: tuple[str, ...]) -> list[Path]:
    roots = generate(root / "sekolah", schools=schools, teachers=teachers, periods=periods, seed=5)
    entries = "\n".join(
        f"  - id: s{index}\n    folder: sekolah/{path.name}" for index, path in enumerate(roots, 1)
    )
    (root / "dinas.yml").write_text(DINAS_YML.format(entries=entries), encoding="utf-8")
    return roots


def _nip_of_a_teacher(school: Path) -> str:
    people = sorted((school / "records" / "pegawai").glob("1*.yaml"))
    ks = next(p.stem for p in people if "peran: kepala_sekolah" in p.read_text(encoding="utf-8"))
    return next(p.stem for p in people if p.stem != ks)


def _build(root: Path, **options: Any) -> DistrictResult:
    return build_district(root, None, IN_PROCESS, tanpa_pdf=True, **options)


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DistrictResult, str]:
    root = tmp_path_factory.mktemp("dinas")
    one, two, three = _district(root, 3, 3, ("2025",))
    nip = _nip_of_a_teacher(one)  # the same teacher, with records, in a second school
    shutil.copy(one / f"records/pegawai/{nip}.yaml", two / "records/pegawai")
    shutil.copytree(one / f"records/kinerja/2025/{nip}", two / f"records/kinerja/2025/{nip}")
    (three / "records" / "sekolah.yaml").write_text("npsn: [tidak ditutup\n", encoding="utf-8")
    with (root / "dinas.yml").open("a", encoding="utf-8") as stream:
        stream.write("  - id: hilang\n    folder: sekolah/tidak-ada\n")
    return root, _build(root), nip


def _by_id(result: DistrictResult) -> dict[str, dict[str, Any]]:
    return {summary["id"]: summary for summary in result.summaries}


def test_every_school_is_built_and_problems_point_into_dinas_yml(
    district: tuple[Path, DistrictResult, str],
) -> None:
    root, result, nip = district
    schools = _by_id(result)
    assert set(schools) == {"s1", "s2", "s3"}
    assert all(summary["status"] == "ok" for summary in schools.values())
    assert schools["s3"]["galat"] and schools["s3"]["npsn"] is None, "broken sekolah.yaml"
    assert schools["s1"]["galat"] == 0
    codes = {(d.code, d.line) for d in result.diagnostics}
    lines = (root / "dinas.yml").read_text(encoding="utf-8").splitlines()
    missing = next(d for d in result.diagnostics if d.code == "KIN950")
    assert "sekolah/tidak-ada" in lines[missing.line - 1] and missing.column > 1
    duplicate = [d for d in result.diagnostics if d.code == "KIN953"]
    assert {lines[d.line - 1].strip() for d in duplicate} == {"- id: s1", "- id: s2"}
    assert all(nip in d.message for d in duplicate)
    assert ("KIN957", lines.index("  - id: s3") + 1) in codes
    assert not result.ok


def test_merged_handoff_is_verifiable_carries_npsn_and_leaves_out_the_duplicate_nip(
    district: tuple[Path, DistrictResult, str],
) -> None:
    root, result, nip = district
    schools = _by_id(result)
    bundle = root / "build" / "ekspor-bkn" / "kinerja-dinas-3201-2025.zip"
    assert verify(bundle) == []
    assert _run("ekspor", "periksa", str(bundle)).exit_code == 0
    with zipfile.ZipFile(bundle) as archive:
        rows = json.loads(archive.read("kinerja-periodik.json"))
        manifest = json.loads(archive.read("manifest.json"))
        penilaian = archive.read("penilaian.csv").decode("utf-8-sig")
        sheet = openpyxl.load_workbook(io.BytesIO(archive.read("penilaian.xlsx"))).active
    npsns = {schools[i]["npsn"] for i in ("s1", "s2")}
    assert {row["npsn"] for row in rows} == npsns
    assert {item["npsn"] for item in manifest["sekolah"]} == npsns
    assert nip not in {row["nip"] for row in rows}
    nips = [row["nip"] for row in rows]
    assert len(nips) == len(set(nips))
    expected = 0
    for school_id in ("s1", "s2"):
        own = (
            root / "build" / "sekolah" / school_id / schools[school_id]["periode"]["2025"]["bundel"]
        )
        with zipfile.ZipFile(own) as archive:
            expected += sum(
                r["nip"] != nip for r in json.loads(archive.read("kinerja-periodik.json"))
            )
    assert len(rows) == expected > 0
    table = list(csv.reader(io.StringIO(penilaian), delimiter=";"))
    assert table[0][2] == "NPSN" and {line[2] for line in table[1:]} == npsns
    cells = list(sheet.iter_rows(values_only=True))
    assert [list(map(str, r)) for r in cells] == [[c for c in r] for r in table]


def test_not_ready_list_has_npsn_school_name_and_the_duplicate(
    district: tuple[Path, DistrictResult, str],
) -> None:
    root, result, nip = district
    folder = root / "build" / "ekspor-bkn"
    sheet = openpyxl.load_workbook(folder / "belum-siap-2025.xlsx").active
    header = [cell.value for cell in next(sheet.iter_rows())]
    assert header[:4] == ["NPSN", "Nama sekolah", "ID pegawai", "NIP"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    rows = list(sheet.iter_rows(min_row=2))
    flagged = [row for row in rows if row[5].value == "KIN953"]
    assert {row[3].value for row in flagged} == {nip}
    assert all(row[3].data_type == "s" for row in flagged)
    schools = _by_id(result)
    assert {row[0].value for row in flagged} == {schools["s1"]["npsn"], schools["s2"]["npsn"]}
    assert {row[1].value for row in flagged} == {schools["s1"]["nama"], schools["s2"]["nama"]}
    csv_rows = list(
        csv.reader(
            io.StringIO((folder / "belum-siap-2025.csv").read_text(encoding="utf-8-sig")),
            delimiter=";",
        )
    )
    assert len(csv_rows) == len(rows) + 1


def test_dashboard_and_report_show_every_school(
    district: tuple[Path, DistrictResult, str],
) -> None:
    root, result, _nip = district
    html = (root / "build" / "situs" / "index.html").read_text(encoding="utf-8")
    for summary in result.summaries:
        assert f'id="2025-{summary["id"]}"' in html
    assert "Tugas Dinas" in html and "kinerja-dinas-3201-2025.zip" in html
    assert "KIN953" in html
    report = json.loads((root / "build" / "dinas.json").read_text(encoding="utf-8"))
    assert {s["id"] for s in report["sekolah"]} == {"s1", "s2", "s3"}


def test_unchanged_schools_are_not_rebuilt_and_stale_periodes_go(tmp_path: Path) -> None:
    one, two = _district(tmp_path, 2, 2, ("2024-2", "2025"))
    first = _build(tmp_path)
    assert [s["dibangun_ulang"] for s in first.summaries] == [True, True]
    again = _build(tmp_path)
    assert [s["dibangun_ulang"] for s in again.summaries] == [False, False]
    assert again.summaries[0]["periode"] == first.summaries[0]["periode"]
    folder = tmp_path / "build" / "ekspor-bkn"
    assert (folder / "kinerja-dinas-3201-2024-2.zip").is_file()
    for school in (one, two):
        shutil.rmtree(school / "records" / "kinerja" / "2024-2")
    third = _build(tmp_path)
    assert [s["dibangun_ulang"] for s in third.summaries] == [True, True]
    assert not (folder / "kinerja-dinas-3201-2024-2.zip").exists()
    assert not (folder / "belum-siap-2024-2.xlsx").exists()
    assert "kinerja-dinas-3201-2024-2.zip" in third.removed
    touched = next((one / "records" / "kinerja" / "2025").glob("*/tugas.yaml"))
    touched.write_bytes(touched.read_bytes())  # new mtime, same content: still unchanged
    assert [s["dibangun_ulang"] for s in _build(tmp_path).summaries] == [False, False]
    penilaian = next((two / "records" / "kinerja" / "2025").glob("*/penilaian.yaml"))
    penilaian.write_text(penilaian.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    fourth = _build(tmp_path)
    assert [s["dibangun_ulang"] for s in fourth.summaries] == [False, True]


def _stamp(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_ino, info.st_mtime_ns


def test_district_outputs_are_made_again_only_when_their_inputs_change(tmp_path: Path) -> None:
    one, _two = _district(tmp_path, 2, 2, ("2025",))
    next((one / "records" / "kinerja" / "2025").glob("*/penilaian.yaml")).unlink()  # not ready
    folder = tmp_path / "build" / "ekspor-bkn"
    bundle, workbook = folder / "kinerja-dinas-3201-2025.zip", folder / "belum-siap-2025.xlsx"
    first = _build(tmp_path).handoffs[0]
    assert not first.reused and first.exported > 0
    stamps = _stamp(bundle), _stamp(workbook)

    again = _build(tmp_path).handoffs[0]
    assert again.reused and (again.exported, again.documents) == (first.exported, first.documents)
    assert (_stamp(bundle), _stamp(workbook)) == stamps, "nothing changed: nothing rewritten"

    # A record edit that changes no export (a comment in the duties): the school is rebuilt,
    # its own bundle keeps its digest, so the merged hand-off is kept.
    tugas = next((one / "records" / "kinerja" / "2025").glob("*/tugas.yaml"))
    tugas.write_text(tugas.read_text(encoding="utf-8") + "# catatan\n", encoding="utf-8")
    third = _build(tmp_path)
    assert [s["dibangun_ulang"] for s in third.summaries] == [True, False]
    assert third.handoffs[0].reused and _stamp(bundle) == stamps[0]

    # The school's name is in the merged manifest: the hand-off is made again, and verifies.
    sekolah = one / "records" / "sekolah.yaml"
    text = sekolah.read_text(encoding="utf-8")
    old_name = next(line for line in text.splitlines() if line.startswith("nama: "))
    sekolah.write_text(text.replace(old_name, "nama: SD Negeri Ganti Nama", 1), encoding="utf-8")
    fourth = _build(tmp_path).handoffs[0]
    assert not fourth.reused and _stamp(bundle) != stamps[0]
    with zipfile.ZipFile(bundle) as archive:
        listed = json.loads(archive.read("manifest.json"))["sekolah"]
    assert "SD Negeri Ganti Nama" in {school["nama"] for school in listed}
    assert verify(bundle) == []
    # The not-ready list names the school in its rows: made again too.
    assert "SD Negeri Ganti Nama" in (folder / "belum-siap-2025.csv").read_text("utf-8-sig")
    assert _stamp(workbook) != stamps[1]

    # A hand-off deleted by hand, or a damaged record of keys, is made again.
    bundle.unlink()
    assert not _build(tmp_path).handoffs[0].reused and verify(bundle) == []
    state = folder / ".kinerja-dinas-ekspor.json"
    kept = json.loads(state.read_text(encoding="utf-8"))
    state.write_text("{bukan json", encoding="utf-8")
    assert not _build(tmp_path).handoffs[0].reused and verify(bundle) == []
    kept["periode"]["2025"]["diekspor"] = "banyak"  # the right key beside a damaged count
    state.write_text(json.dumps(kept), encoding="utf-8")
    assert not _build(tmp_path).handoffs[0].reused and verify(bundle) == []


def test_one_job_builds_in_this_process_without_dask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _district(tmp_path, 2, 1, ("2025",))

    def no_engine(_options: EngineOptions) -> None:
        raise AssertionError("--jobs 1 must not start a cluster")

    monkeypatch.setattr(engine, "client", no_engine)
    result = build_district(tmp_path, None, EngineOptions(jobs=1), tanpa_pdf=True)
    assert [s["status"] for s in result.summaries] == ["ok", "ok"]
    assert result.handoffs[0].exported > 0 and set(result.seconds) == {"sekolah", "keluaran"}


def test_schools_dropped_from_dinas_yml_are_cleared_but_foreign_files_stay(
    tmp_path: Path,
) -> None:
    _district(tmp_path, 3, 1, ("2025",))
    _build(tmp_path)
    schools = tmp_path / "build" / "sekolah"
    assert (schools / "s2" / ".kinerja-keluaran.json").is_file()
    (schools / "s3" / "catatan-operator.txt").write_text("jangan dihapus", encoding="utf-8")
    text = (tmp_path / "dinas.yml").read_text(encoding="utf-8")
    kept = text.split("  - id: s2")[0]
    (tmp_path / "dinas.yml").write_text(kept, encoding="utf-8")

    result = _build(tmp_path)
    assert [s["id"] for s in result.summaries] == ["s1"]
    assert {"sekolah/s2/", "sekolah/s3/"} <= set(result.removed)
    assert not (schools / "s2").exists()
    assert [p.name for p in (schools / "s3").iterdir()] == ["catatan-operator.txt"]
    assert (schools / "s1" / "ringkasan.json").is_file()
    assert _build(tmp_path).removed == [], "nothing left of kinerja's to remove"


def test_without_dask_one_job_still_builds_and_more_jobs_say_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _district(tmp_path, 2, 1, ("2025",))
    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` now fails
    refused = _run("dinas", "build", "--root", str(tmp_path), "--jobs", "2", "--tanpa-pdf")
    assert refused.exit_code == 2 and "--jobs 1" in refused.output
    assert "Traceback" not in refused.output
    built = _run("dinas", "build", "--root", str(tmp_path), "--jobs", "1", "--tanpa-pdf")
    assert built.exit_code in (0, 1) and "2 sekolah — 2 dibangun" in built.output


def test_a_school_nested_thousands_deep_fails_alone_without_a_traceback(tmp_path: Path) -> None:
    _one, two = _district(tmp_path, 2, 1, ("2025",))
    assert [s["status"] for s in _build(tmp_path).summaries] == ["ok", "ok"]
    deep = two / "records" / "lampiran"
    for _level in range(300):  # deeper than Python's recursion limit allows a walk to go
        deep = deep / "a"
    deep.mkdir(parents=True)
    (deep / "catatan.txt").write_text("x", encoding="utf-8")
    again = _by_id(_build(tmp_path))
    assert again["s1"]["status"] == "ok"
    assert again["s2"]["status"] == "gagal" and "bersarang" in again["s2"]["pesan"]


def test_one_school_failing_never_stops_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _district(tmp_path, 3, 2, ("2025",))
    real = task._run_pipeline

    def crash_on_s2(school_task: task.SchoolTask, root: Path, out: Path) -> dict[str, Any]:
        if school_task.id == "s2":
            raise RuntimeError("disk penuh")
        return real(school_task, root, out)

    monkeypatch.setattr(task, "_run_pipeline", crash_on_s2)  # workers are threads here
    result = _build(tmp_path)
    schools = _by_id(result)
    assert schools["s2"]["status"] == "gagal" and "disk penuh" in schools["s2"]["pesan"]
    assert schools["s1"]["status"] == schools["s3"]["status"] == "ok"
    assert any(d.code == "KIN952" and "s2" in d.message for d in result.diagnostics)
    listed = (tmp_path / "build" / "ekspor-bkn" / "belum-siap-2025.csv").read_text("utf-8-sig")
    assert "KIN952" in listed
    assert verify(tmp_path / "build" / "ekspor-bkn" / "kinerja-dinas-3201-2025.zip") == []


def _stall_s2(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    real = task._run_pipeline

    def slow_s2(school_task: task.SchoolTask, root: Path, out: Path) -> dict[str, Any]:
        if school_task.id == "s2":
            time.sleep(seconds)  # a school whose build hangs
        return real(school_task, root, out)

    monkeypatch.setattr(task, "_run_pipeline", slow_s2)


@pytest.mark.parametrize(
    "options",
    [EngineOptions(jobs=1, time_limit=0.5), EngineOptions(jobs=2, processes=False, time_limit=0.5)],
    ids=["in-this-process", "on-the-cluster"],
)
def test_a_school_over_the_time_limit_is_stopped_and_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, options: EngineOptions
) -> None:
    _district(tmp_path, 3, 1, ("2025",))
    _stall_s2(monkeypatch, 2.5)
    started = time.monotonic()
    result = build_district(tmp_path, None, options, tanpa_pdf=True)
    schools = _by_id(result)
    assert schools["s2"]["status"] == "gagal" and "batas waktu" in schools["s2"]["pesan"]
    assert schools["s1"]["status"] == schools["s3"]["status"] == "ok"
    assert any(d.code == "KIN952" and "s2" in d.message for d in result.diagnostics)
    if options.jobs == 1:
        assert time.monotonic() - started < 2.5, "the alarm stopped the school"


@pytest.mark.slow
def test_time_limit_restarts_the_worker_process_of_a_school_that_runs_too_long(
    tmp_path: Path,
) -> None:
    _district(tmp_path, 2, 8, ("2025",))  # with PDFs, each school takes ~10 s to build
    options = EngineOptions(jobs=2, time_limit=0.5)  # worker processes, each with a nanny
    result = build_district(tmp_path, None, options, tanpa_pdf=False)
    assert [s["status"] for s in result.summaries] == ["gagal", "gagal"]
    assert all("batas waktu 0.5 detik" in s["pesan"] for s in result.summaries)
    again = build_district(tmp_path, None, EngineOptions(jobs=2), tanpa_pdf=True)
    assert [s["status"] for s in again.summaries] == ["ok", "ok"], "nothing left half-done"


def test_git_source_on_a_branch(tmp_path: Path) -> None:
    (school,) = generate(tmp_path / "asal", schools=1, teachers=2, periods=("2025",), seed=9)
    git = ["git", "-C", str(school), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q", "-b", "utama"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "catatan"], check=True)
    head = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
    dinas = tmp_path / "dinas"
    dinas.mkdir()
    entries = f"  - id: jauh\n    git: {school.as_uri()}\n    cabang: utama\n"
    (dinas / "dinas.yml").write_text(DINAS_YML.format(entries=entries), encoding="utf-8")
    result = _build(dinas)
    (summary,) = result.summaries
    assert summary["status"] == "ok", summary["pesan"]
    assert summary["commit"] == head.stdout.strip()
    assert (dinas / "sumber" / "jauh" / "records" / "sekolah.yaml").is_file()
    assert _build(dinas).summaries[0]["dibangun_ulang"] is False
    (dinas / "dinas.yml").write_text(
        DINAS_YML.format(entries=entries.replace("utama", "tidak-ada")), encoding="utf-8"
    )
    (failed,) = _build(dinas).summaries
    assert failed["status"] == "gagal" and "git" in failed["pesan"]


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        (
            "dinas:\n  nama: Dinas Uji\n  kode: '1'\nsekolah:\n  - id: A b\n    folder: x\n",
            "KIN105",
            5,
        ),
        ("dinas:\n  nama: Dinas Uji\nsekolah:\n  - id: a\n    folder: x\n", "KIN101", 2),
        ("dinas:\n  nama: Dinas Uji\n  kode: '1'\nsekolah:\n  - id: a\n", "KIN107", 5),
        ("dinas: [\n", "KIN001", 2),
    ],
)
def test_bad_dinas_yml_is_a_diagnostic_with_place_and_exit_2(
    tmp_path: Path, text: str, code: str, line: int
) -> None:
    (tmp_path / "dinas.yml").write_text(text, encoding="utf-8")
    result = _run("dinas", "build", "--root", str(tmp_path))
    assert result.exit_code == 2, result.output
    assert f"dinas.yml:{line}:" in result.output and code in result.output
    assert "Traceback" not in result.output


def test_dinas_yml_entries_that_cannot_be_used(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    entries = (
        "  - id: a\n    folder: a\n"
        "  - id: a\n    folder: a\n"
        "  - id: b\n    folder: a\n    cabang: main\n"
        "  - id: c\n    git: https://example.invalid/c.git\n    cabang: main\n"
        "    commit: 0123456789abcdef0123456789abcdef01234567\n"
    )
    (tmp_path / "dinas.yml").write_text(DINAS_YML.format(entries=entries), encoding="utf-8")
    config, problems = load_district(tmp_path)
    assert config is not None and [s.id for s in config.schools] == ["a"]
    assert [(p.code, p.line) for p in problems] == [("KIN951", 10), ("KIN950", 14), ("KIN950", 18)]


def _summary(school_id: str, npsn: str, ks: list[dict[str, str]]) -> dict[str, Any]:
    return {"id": school_id, "status": "ok", "npsn": npsn, "nama": school_id.upper(),
            "pegawai": [], "kepala_sekolah": ks, "periode": {}}  # fmt: skip


def test_cross_school_checks_for_npsn_and_kepala_sekolah(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    entries = "".join(f"  - id: {name}\n    folder: x\n" for name in ("a", "b", "c"))
    (tmp_path / "dinas.yml").write_text(DINAS_YML.format(entries=entries), encoding="utf-8")
    config, _ = load_district(tmp_path)
    assert config is not None
    ks = "197404122000031003"
    summaries = [
        _summary("a", "20100001", [{"status": "definitif", "pegawai": ks, "mulai": "2022-01-01"}]),
        _summary("b", "20100001", [{"status": "plt", "pegawai": ks, "mulai": "2024-07-01"}]),
        # An earlier, closed term elsewhere is no conflict.
        _summary(
            "c",
            "20100003",
            [
                {
                    "status": "definitif",
                    "pegawai": ks,
                    "mulai": "2015-01-01",
                    "selesai": "2021-12-31",
                }
            ],
        ),
    ]
    found = checks.cross_school(config, summaries)
    assert sorted((d.code, d.line) for d in found) == [
        ("KIN954", 8), ("KIN954", 10), ("KIN955", 8), ("KIN955", 10)
    ]  # fmt: skip
    assert all(d.file == "dinas.yml" and d.column > 0 for d in found)


@pytest.mark.parametrize(
    ("counts", "organisasi", "expected"),
    [
        ({"baik": 7, "butuh_perbaikan": 3}, "baik", 0),
        ({"baik": 8, "sangat_baik": 2}, "baik", 2),  # over 70% Baik and nobody below it
        ({"butuh_perbaikan": 5, "baik": 5}, "butuh_perbaikan", 1),
        ({"sangat_kurang": 9, "sangat_baik": 1}, "sangat_kurang", 2),
        ({"baik": 10}, None, 0),
    ],
)
def test_distribution_pattern(
    counts: dict[str, int], organisasi: str | None, expected: int
) -> None:
    assert len(checks.deviations(counts, organisasi)) == expected


def test_district_distribution_is_shown_as_info_against_the_organisational_predikat(
    tmp_path: Path,
) -> None:
    from kinerja_build.dinas.build import _distribution_findings

    (tmp_path / "x").mkdir()
    entries = "  - id: a\n    folder: x\n"
    (tmp_path / "dinas.yml").write_text(DINAS_YML.format(entries=entries), encoding="utf-8")
    config, _ = load_district(tmp_path)
    assert config is not None
    summary = _summary("a", "20100001", [])
    summary["periode"] = {"2025": {"predikat": {"baik": 9, "sangat_baik": 1}}}
    (finding,) = _distribution_findings(config, [summary])
    assert (finding.code, finding.severity.value, finding.line) == ("KIN956", "info", 6)
    assert "70%" in finding.message
    summary["periode"]["2025"]["predikat"] = {"baik": 6, "kurang": 2, "sangat_baik": 2}
    assert _distribution_findings(config, [summary]) == []


def test_days_late_are_counted_on_the_day_the_dashboard_is_built() -> None:
    import datetime as dt

    from kinerja_build.dinas.dashboard import _late

    step = {"tenggat": "2025-01-31", "wajib": True}
    assert _late(step, dt.date(2025, 1, 31)) == 0
    assert _late(step, dt.date(2025, 2, 10)) == 10
    assert _late({**step, "wajib": False}, dt.date(2025, 2, 10)) == 0, "non-ASN: optional"
    assert _late({"tenggat": None, "wajib": True}, dt.date(2030, 1, 1)) == 0


def test_every_district_code_is_exercised() -> None:
    from kinerja_build import rules

    source = Path(__file__).read_text(encoding="utf-8")
    declared = {r.code for r in rules.all_rules() if r.scope == "dinas"}
    assert declared and all(f'"{code}"' in source for code in declared)


@pytest.mark.slow
def test_init_then_build_with_pdfs_on_worker_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One school bundle open at a time: the documents are copied across two of them.
    monkeypatch.setattr(handoff._Documents, "OPEN_AT_ONCE", 1)
    target = tmp_path / "dinas"
    assert _run("dinas", "init", str(target), "--periode", "2025").exit_code == 0
    assert _run("dinas", "init", str(target)).exit_code == 2, "refuses a non-empty folder"
    assert _run("dinas", "build", "--root", str(target), "--tanpa-pdf").exit_code == 0
    schools = generate(target / "sekolah", schools=2, teachers=1, periods=("2025",), seed=2)
    text = (target / "dinas.yml").read_text(encoding="utf-8")
    entries = "".join(f"  - id: {p.name}\n    folder: sekolah/{p.name}\n" for p in schools)
    text = text.replace("  - id: contoh\n    folder: sekolah/contoh\n", entries)
    (target / "dinas.yml").write_text(text, encoding="utf-8")
    # Two schools to build: the embedded cluster starts two worker processes.
    result = _run("dinas", "build", "--root", str(target), "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert "2 sekolah — 2 dibangun, 0 tidak berubah, 0 gagal" in result.output
    bundle = target / "build" / "ekspor-bkn" / "kinerja-dinas-3299-2025.zip"
    with zipfile.ZipFile(bundle) as archive:
        rows = json.loads(archive.read("kinerja-periodik.json"))
        assert len({row["npsn"] for row in rows}) == 2
        assert all(archive.read(row["path"][0]["dok_uri"]).startswith(b"%PDF-") for row in rows)
        entries = {name: archive.read(name) for name in archive.namelist()}
    assert verify(bundle) == []
    # Streamed document by document, laid out exactly as the in-memory writer lays out a zip.
    assert bundle.read_bytes() == bundles.zip_bytes(entries)
    for school in schools:
        assert list((target / "build" / "sekolah" / school.name / "pdf").rglob("*.pdf"))


RunCli = Callable[..., Result]
