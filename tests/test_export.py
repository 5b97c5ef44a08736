"""The BKN export bundle: contents, readiness, reproducibility, and tamper detection.

The base school (4 people, 2024-1 and 2025) is exported with `kinerja ekspor bkn`; expectations
are derived from the records through `domain.py`. Tampering tests rewrite a real bundle in one
way each and expect `kinerja ekspor periksa` to name the problem with its own code.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from kinerja_build import domain
from kinerja_build.cli import cli
from kinerja_build.export import bundle as bundles
from kinerja_build.export.verify import verify
from kinerja_build.load import DEFAULT_MAX_BYTES, load_file

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
BASE = TESTS / "cases" / "base"
KS = "197404122000031003"
GURU = "198305172009011004"
NON_ASN = "non-asn-rina-marlina"
GOLDEN = TESTS / "golden" / "ekspor"


def _run(*args: str, env: dict[str, str] | None = None) -> Result:
    environment = {"NO_COLOR": "1", "SOURCE_DATE_EPOCH": "", **(env or {})}
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, env=environment)


def _export(root: Path, *extra: str) -> Result:
    """`ekspor bkn` without rendering PDFs (the bundle's data is under test, not the PDFs)."""
    return _run("ekspor", "bkn", "--root", str(root), "--tanpa-pdf", *extra)


def _bundle(root: Path, periode: str) -> Path:
    return root / "build" / "ekspor-bkn" / f"kinerja-20999303-{periode}.zip"


def _read(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _load(path: Path) -> dict[str, Any]:
    loaded = load_file(path, path.name, DEFAULT_MAX_BYTES)
    assert loaded.ok
    data: dict[str, Any] = loaded.data
    return data


# -- contents ---------------------------------------------------------------------------------


def test_bundle_contents_follow_the_records(school: Path) -> None:
    result = _export(school, "--periode", "2025")
    assert result.exit_code == 0, result.output
    files = _read(_bundle(school, "2025"))
    assert {
        "kinerja-periodik.json",
        "skp-tahunan.json",
        "angka-kredit.json",
        "pegawai.csv",
        "penilaian.csv",
        "manifest.json",
        "schema/kinerja-periodik.schema.json",
        "schema/manifest.schema.json",
    } <= set(files)
    periodik = json.loads(files["kinerja-periodik.json"])
    exported = {row["nip"] for row in periodik}
    # Exported: ASN with an agreed plan and a valid assessment; the non-ASN teacher is not.
    assert NON_ASN not in exported
    for row in periodik:
        folder = school / "records" / "kinerja" / "2025" / row["nip"]
        penilaian = _load(folder / "penilaian.yaml")
        rencana = _load(folder / "rencana.yaml")
        assert rencana["status"][-1]["status"] == "disepakati"
        hasil, perilaku = penilaian["rating_hasil_kerja"], penilaian["rating_perilaku_kerja"]
        assert row["hasilKinerjaNilai"] == domain.RATING_CODES[hasil]
        assert row["perilakuKerjaNilai"] == domain.RATING_CODES[perilaku]
        assert row["kuadranKinerjaNilai"] == domain.PREDIKAT_CODES[domain.predikat(hasil, perilaku)]
        assert (row["bulanMulaiPenilaian"], row["bulanSelesaiPenilaian"]) == (1, 12)
        assert row["tahun"] == row["tahunMulaiPenilaian"] == row["tahunSelesaiPenilaian"] == 2025
        person = _load(school / "records" / "pegawai" / f"{row['nip']}.yaml")
        if person["status_kepegawaian"] == "pns":
            assert row["koefisienId"] == domain.KOEFISIEN[person["jenjang_jabatan"]][1]
        assert row["sumber"]["penilaian"] == f"records/kinerja/2025/{row['nip']}/penilaian.yaml"
    credit = json.loads(files["angka-kredit.json"])
    assert {item["nip"] for item in credit} == {
        row["nip"] for row in periodik if row["statusKepegawaian"] == "pns"
    }
    assert json.loads(files["skp-tahunan.json"]), "annual periode: skp-tahunan has entries"


def test_semester_bundle_has_no_annual_result_and_says_why(school: Path) -> None:
    assert _export(school, "--periode", "2024-1").exit_code == 0
    files = _read(_bundle(school, "2024-1"))
    assert json.loads(files["skp-tahunan.json"]) == []
    manifest = json.loads(files["manifest.json"])
    assert any("semester" in note for note in manifest["catatan"])
    for row in json.loads(files["kinerja-periodik.json"]):
        assert (row["bulanMulaiPenilaian"], row["bulanSelesaiPenilaian"]) == (1, 6)
    for item in json.loads(files["angka-kredit.json"]):
        assert item["bulan"] == 6


def test_manifest_lists_every_file_with_checksum(school: Path) -> None:
    assert _export(school, "--periode", "2025").exit_code == 0
    files = _read(_bundle(school, "2025"))
    manifest = json.loads(files["manifest.json"])
    listed = {item["nama"]: item for item in manifest["berkas"]}
    assert set(listed) == set(files) - {"manifest.json"}
    import hashlib

    for name, item in listed.items():
        assert item["sha256"] == hashlib.sha256(files[name]).hexdigest()
        assert item["ukuran"] == len(files[name])
    assert manifest["periode"] == "2025" and manifest["npsn"] == "20999303"
    assert manifest["jumlah"]["diekspor"] == len(json.loads(files["kinerja-periodik.json"]))
    assert manifest["git_commit"] is None, "not a git repository"


def test_manifest_records_the_git_commit(school: Path) -> None:
    import subprocess

    git = ["git", "-C", str(school), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "records"], check=True)
    head = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
    assert _export(school, "--periode", "2025").exit_code == 0
    manifest = json.loads(_read(_bundle(school, "2025"))["manifest.json"])
    assert manifest["git_commit"] == head.stdout.strip()
    # Refs packed (as after `git gc`): HEAD is still found without running git.
    subprocess.run([*git, "pack-refs", "--all"], check=True)
    assert _export(school, "--periode", "2025").exit_code == 0
    manifest = json.loads(_read(_bundle(school, "2025"))["manifest.json"])
    assert manifest["git_commit"] == head.stdout.strip()


def test_bundle_json_matches_golden(school: Path) -> None:
    """Golden copy of the JSON of the 2025 bundle. Regenerate: KINERJA_UPDATE_GOLDEN=1 pytest."""
    import os

    assert _export(school, "--periode", "2025").exit_code == 0
    files = _read(_bundle(school, "2025"))
    for name in ("kinerja-periodik.json", "skp-tahunan.json", "angka-kredit.json"):
        golden = GOLDEN / name
        if os.environ.get("KINERJA_UPDATE_GOLDEN"):
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_bytes(files[name])
        assert files[name] == golden.read_bytes(), f"{name} differs from {golden}"


def test_csv_opens_in_spreadsheets_and_defuses_formulas(school: Path) -> None:
    person = school / "records" / "pegawai" / f"{GURU}.yaml"
    text = person.read_text(encoding="utf-8")
    name = _load(person)["nama"]
    person.write_text(
        text.replace(f"nama: {name}", 'nama: "=HYPERLINK(\\"x\\")"'), encoding="utf-8"
    )
    assert _export(school, "--periode", "2025").exit_code == 0
    raw = _read(_bundle(school, "2025"))["pegawai.csv"]
    assert raw.startswith("\ufeff".encode()), "BOM: Excel then reads UTF-8"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["NIP", "Nama"]
    names = [row[1] for row in rows[1:]]
    assert '\'=HYPERLINK("x")' in names
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)


def test_cell_guard() -> None:
    assert bundles._cell("=1+1") == "'=1+1"
    assert bundles._cell("-2") == "'-2"
    assert bundles._cell("Ibu Sri") == "Ibu Sri"
    assert bundles._cell(None) == ""


# -- readiness ---------------------------------------------------------------------------------


def _not_ready(root: Path, periode: str) -> list[dict[str, str]]:
    path = root / "build" / "ekspor-bkn" / f"belum-siap-{periode}.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))
    return rows


def _set_plan_status(root: Path, periode: str, pegawai: str, keep: int) -> None:
    """Cut the plan's status history to its first `keep` entries (and drop later stages)."""
    folder = root / "records" / "kinerja" / periode / pegawai
    for name in ("siklus.yaml", "pengembangan-kompetensi.yaml", "penilaian.yaml", "tugas.yaml"):
        (folder / name).unlink(missing_ok=True)
    plan = folder / "rencana.yaml"
    lines = plan.read_text(encoding="utf-8").splitlines()
    start = lines.index("status:")
    entries = [i for i, line in enumerate(lines) if line.startswith("  - status:") and i > start]
    cut = entries[keep] if keep < len(entries) else len(lines)
    plan.write_text("\n".join(lines[:cut]) + "\n", encoding="utf-8")


# One row per pre-sync check that `kinerja ekspor bkn` reports from the records.
READINESS = [
    ("non_asn", "KIN801", "tidak perlu"),
    ("plan_submitted", "KIN802", "kepala sekolah"),
    ("not_assessed", "KIN803", "kepala sekolah"),
    ("no_ks_plan", "KIN806", "kepala sekolah"),
    ("no_unor", "KIN807", "operator sekolah"),
    ("no_jenjang", "KIN808", "operator sekolah"),
    ("invalid_record", "KIN809", "kepala sekolah"),
    ("bad_nip", "KIN809", "operator sekolah"),
]


@pytest.mark.parametrize(("change", "code", "pihak"), READINESS)
def test_person_not_ready_is_listed_with_reason_and_who_acts(
    school: Path, change: str, code: str, pihak: str
) -> None:
    records = school / "records"
    target = GURU
    if change == "non_asn":
        target = NON_ASN
    elif change == "plan_submitted":
        _set_plan_status(school, "2025", GURU, keep=1)
    elif change == "not_assessed":
        (records / "kinerja" / "2025" / GURU / "penilaian.yaml").unlink()
    elif change == "no_ks_plan":
        shutil.rmtree(records / "kinerja" / "2025" / KS)
    elif change == "no_unor":
        sekolah = records / "sekolah.yaml"
        lines = sekolah.read_text(encoding="utf-8").splitlines()
        sekolah.write_text("\n".join(x for x in lines if not x.startswith("unor:")) + "\n")
    elif change == "no_jenjang":
        # The validator already requires a jenjang of every guru PNS (KIN303); a KS may lack it.
        target = KS
        person = records / "pegawai" / f"{KS}.yaml"
        lines = person.read_text(encoding="utf-8").splitlines()
        person.write_text(
            "\n".join(x for x in lines if not x.startswith("jenjang_jabatan:")) + "\n"
        )
        # Without a jenjang the stated angka kredit cannot be checked (KIN604): leave it out.
        penilaian = records / "kinerja" / "2025" / KS / "penilaian.yaml"
        kept, skipping = [], False
        for line in penilaian.read_text(encoding="utf-8").splitlines():
            skipping = line.startswith("angka_kredit:") or (skipping and line.startswith(" "))
            if not skipping:
                kept.append(line)
        penilaian.write_text("\n".join(kept) + "\n", encoding="utf-8")
    elif change == "invalid_record":
        penilaian = records / "kinerja" / "2025" / GURU / "penilaian.yaml"
        text = penilaian.read_text(encoding="utf-8")
        penilaian.write_text(text.replace("rating_hasil_kerja:", "rating_hasil:"), encoding="utf-8")
    elif change == "bad_nip":
        person = records / "pegawai" / f"{GURU}.yaml"
        text = person.read_text(encoding="utf-8")
        person.write_text(text.replace(f'nip: "{GURU}"', 'nip: "198305172009013004"'))
    result = _export(school, "--periode", "2025")
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1)
    rows = [row for row in _not_ready(school, "2025") if row["Kode"] == code]
    assert rows, (change, _not_ready(school, "2025"), result.output)
    assert any(row["Pihak yang perlu bertindak"] == pihak for row in rows), rows
    if change not in ("no_unor", "no_ks_plan"):
        assert any(row["ID pegawai"] == target for row in rows)
    exported = json.loads(_read(_bundle(school, "2025"))["kinerja-periodik.json"])
    assert target not in {row["nip"] for row in exported} or change == "no_ks_plan"
    assert code in result.output


def test_non_asn_get_only_the_reason_that_applies(school: Path) -> None:
    """Non-ASN are never exported (KIN801): school-wide reasons and their own record errors
    are not what keeps them out, so their row says KIN801 and nothing else."""
    records = school / "records"
    shutil.rmtree(records / "kinerja" / "2025" / KS)  # KIN806 for everybody else
    sekolah = records / "sekolah.yaml"
    lines = sekolah.read_text(encoding="utf-8").splitlines()
    sekolah.write_text("\n".join(x for x in lines if not x.startswith("unor:")) + "\n")  # KIN807
    plan = records / "kinerja" / "2025" / NON_ASN / "rencana.yaml"
    plan.write_text(plan.read_text(encoding="utf-8") + "tak_dikenal: 1\n", encoding="utf-8")
    result = _export(school, "--periode", "2025")
    assert "Traceback" not in result.output
    rows = _not_ready(school, "2025")
    assert [row["Kode"] for row in rows if row["ID pegawai"] == NON_ASN] == ["KIN801"], rows
    assert {"KIN806", "KIN807"} <= {row["Kode"] for row in rows if row["ID pegawai"] == GURU}


def test_school_wide_reasons_are_reported_once_and_listed_per_person(school: Path) -> None:
    """KIN806 (no agreed KS plan) and KIN807 (no UNOR) are facts about the school: one
    diagnostic each per periode, naming how many people they hold back, while each of those
    people's not-ready rows still carries the reason."""
    records = school / "records"
    shutil.rmtree(records / "kinerja" / "2025" / KS)
    sekolah = records / "sekolah.yaml"
    lines = sekolah.read_text(encoding="utf-8").splitlines()
    sekolah.write_text("\n".join(x for x in lines if not x.startswith("unor:")) + "\n")
    result = _export(school, "--periode", "2025")
    assert "Traceback" not in result.output
    rows = _not_ready(school, "2025")
    held = {
        code: sorted(row["ID pegawai"] for row in rows if row["Kode"] == code)
        for code in ("KIN806", "KIN807")
    }
    # Everyone ASN; the KS's own plan is KIN802, not KIN806; the non-ASN has KIN801 only.
    assert held["KIN807"] == sorted([KS, GURU, "199301202022212007"]), rows
    assert held["KIN806"] == sorted([GURU, "199301202022212007"]), rows
    for code, people in held.items():
        shown = [line for line in result.output.splitlines() if f" {code} " in line]
        assert len(shown) == 1, result.output
        assert "Ekspor BKN 2025, seluruh sekolah: " in shown[0], shown
        assert shown[0].endswith(f"Menahan ekspor {len(people)} pegawai."), shown


# Who must act on the KS's own plan comes from the model's next step: the KS makes, submits and
# agrees to it, the Dinas approves it (keep: status entries kept, None: no plan at all).
KS_PLAN = [
    (None, "Belum ada rencana kinerja.", "kepala sekolah"),
    (1, "Rencana kinerja belum disepakati (status terakhir: diajukan).", "dinas"),
    (2, "Rencana kinerja belum disepakati (status terakhir: disetujui).", "kepala sekolah"),
]


@pytest.mark.parametrize(("keep", "message", "pihak"), KS_PLAN)
def test_ks_plan_names_the_ks_and_the_dinas_never_a_guru(
    school: Path, keep: int | None, message: str, pihak: str
) -> None:
    if keep is None:
        shutil.rmtree(school / "records" / "kinerja" / "2025" / KS)
    else:
        _set_plan_status(school, "2025", KS, keep=keep)
    result = _export(school, "--periode", "2025")
    assert "Traceback" not in result.output
    rows = [
        (row["Alasan"], row["Pihak yang perlu bertindak"])
        for row in _not_ready(school, "2025")
        if row["ID pegawai"] == KS and row["Kode"] == "KIN802"
    ]
    assert rows == [(message, pihak)], (_not_ready(school, "2025"), result.output)


def test_ks_broken_records_name_the_ks_and_the_dinas(school: Path) -> None:
    """KIN809 on a KS's own plan is the KS's to fix; on the KS's assessment, the Dinas's."""
    folder = school / "records" / "kinerja" / "2025" / KS
    for name in ("rencana.yaml", "penilaian.yaml"):
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8") + "tak_dikenal: 1\n", encoding="utf-8")
    _export(school, "--periode", "2025")
    rows = {
        (Path(row["Berkas"]).name, row["Pihak yang perlu bertindak"])
        for row in _not_ready(school, "2025")
        if row["ID pegawai"] == KS and row["Kode"] == "KIN809"
    }
    assert rows == {("rencana.yaml", "kepala sekolah"), ("penilaian.yaml", "dinas")}


# The KS status at the assessment date. Records with a Plt or no KS at all no longer validate
# (approval rules KIN310/KIN311 fire first and block through KIN809), so the readiness check
# itself is exercised on the validated model: (status, code, blocks the export, who acts).
ASSESSOR = [
    ("plt", "KIN805", False, "dinas"),
    ("kosong", "KIN804", True, "dinas"),
]


@pytest.mark.parametrize(("status", "code", "blocks", "pihak"), ASSESSOR)
def test_assessor_status_is_checked_before_export(
    school: Path, status: str, code: str, blocks: bool, pihak: str
) -> None:
    from kinerja_build.export.readiness import assess
    from kinerja_build.validate import validate

    result = validate(school)
    assert result.school.sekolah is not None and result.school.sekolah.data is not None
    entry = result.school.sekolah.data["kepala_sekolah"][0]
    entry["status"] = status
    if status == "kosong":
        entry.pop("pegawai", None)
    verdicts = {v.pegawai: v for v in assess(result.school, domain.parse_periode("2025"), [])}
    guru = verdicts[GURU]
    found = guru.reasons if blocks else guru.warnings
    assert [(reason.code, reason.pihak) for reason in found] == [(code, pihak)]
    assert guru.ready is not blocks
    assert not verdicts[KS].warnings, "the KS is assessed by the Dinas, not by a Plt"


# Validator cases (tests/cases/invalid) whose problems make the real PMM → e-Kinerja sync fail
# (DOMAIN: NIP structure, duplicate NIP, no atasan, predikat not matching the ratings, angka
# kredit, jenjang without coefficient). Each keeps its validator code and blocks the person
# through KIN809; the export names that code and who must act.
SYNC_BREAKING = [
    "KIN301-nip-struktur",
    "KIN302-nip-ganda",
    "KIN310-tanpa-atasan",
    "KIN601-predikat-bukan-max",
    "KIN602-angka-kredit-salah",
    "KIN604-jenjang-kosong",
]


def _overlay(case: Path, root: Path) -> dict[str, Any]:
    """Apply a validator case's overlay to the school at `root`, as tests/test_cases.py does."""
    spec = _load(case / "case.yaml")
    assert not spec.get("buat"), "generated files are not supported here"
    for relative in spec.get("hapus", []):
        (root / relative).unlink()
    for source in sorted(case.rglob("*")):
        if source.is_file() and source.name != "case.yaml":
            target = root / source.relative_to(case)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    return spec


@pytest.mark.parametrize("case", SYNC_BREAKING)
def test_records_with_validator_errors_are_not_exported(school: Path, case: str) -> None:
    spec = _overlay(TESTS / "cases" / "invalid" / case, school)
    result = _export(school, "--periode", "2025")
    assert result.exit_code in (0, 1) and "Traceback" not in result.output
    rows = _not_ready(school, "2025")
    exported = {
        row["nip"] for row in json.loads(_read(_bundle(school, "2025"))["kinerja-periodik.json"])
    }
    in_2025 = {path.name for path in (school / "records" / "kinerja" / "2025").iterdir()}
    checked = 0
    for expected in spec["harapan"]:
        parts = Path(expected["file"]).parts
        person = Path(parts[-1]).stem if parts[1] == "pegawai" else parts[3]
        if (parts[1] == "kinerja" and parts[2] != "2025") or person not in in_2025:
            continue
        pegawai = _load(school / "records" / "pegawai" / f"{person}.yaml")
        if pegawai["status_kepegawaian"] == "non_asn":  # never exported: KIN801 says it all
            assert [row["Kode"] for row in rows if row["ID pegawai"] == person] == ["KIN801"]
            assert person not in exported
            checked += 1
            continue
        codes = {item["code"] for item in spec["harapan"] if item["file"] == expected["file"]}
        listed = [
            row
            for row in rows
            if row["ID pegawai"] == person
            and row["Kode"] == "KIN809"
            and row["Berkas"] == expected["file"]
        ]
        assert listed, (case, expected, rows)
        assert any(row["Alasan"].split(":")[0] in codes for row in listed), listed
        assert all(row["Pihak yang perlu bertindak"] for row in listed)
        assert person not in exported
        checked += 1
    assert checked, f"{case}: no expectation concerns a person of periode 2025"


# -- reproducibility, PDFs -------------------------------------------------------------------------


def test_same_records_give_the_same_zip(school: Path, tmp_path: Path) -> None:
    assert _export(school).exit_code == 0
    other = tmp_path / "lain"
    shutil.copytree(school, other, ignore=shutil.ignore_patterns("build"))
    assert _export(other).exit_code == 0
    for periode in ("2024-1", "2025"):
        assert _bundle(school, periode).read_bytes() == _bundle(other, periode).read_bytes()
    with zipfile.ZipFile(_bundle(school, "2025")) as archive:
        names = archive.namelist()
        assert names == sorted(names)
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_source_date_epoch_sets_the_entry_times(school: Path) -> None:
    assert (
        _run(
            "ekspor",
            "bkn",
            "--root",
            str(school),
            "--tanpa-pdf",
            env={"SOURCE_DATE_EPOCH": "1767225600"},
        ).exit_code
        == 0
    )
    with zipfile.ZipFile(_bundle(school, "2025")) as archive:
        assert {info.date_time[:3] for info in archive.infolist()} == {(2026, 1, 1)}


@pytest.mark.slow
def test_without_pdfs_the_bundle_says_so_and_with_pdfs_attaches_them(school: Path) -> None:
    without = _export(school, "--periode", "2025")
    assert "0 dokumen evaluasi dilampirkan" in without.output
    manifest = json.loads(_read(_bundle(school, "2025"))["manifest.json"])
    assert any("tidak dilampirkan" in note for note in manifest["catatan"])

    built = _run("build", "--root", str(school), "--hanya", "pdf", "--hanya", "ekspor", "-j", "1")
    assert built.exit_code == 0, built.output
    files = _read(_bundle(school, "2025"))
    periodik = json.loads(files["kinerja-periodik.json"])
    for row in periodik:
        (document,) = row["path"]
        assert document["dok_id"] == "890"
        assert files[document["dok_uri"]].startswith(b"%PDF-")
    assert _run("ekspor", "periksa", str(_bundle(school, "2025"))).exit_code == 0


@pytest.mark.slow
def test_ekspor_bkn_alone_renders_the_evaluation_documents_it_attaches(school: Path) -> None:
    result = _run("ekspor", "bkn", "--root", str(school), "--periode", "2025")
    assert result.exit_code == 0, result.output
    files = _read(_bundle(school, "2025"))
    periodik = json.loads(files["kinerja-periodik.json"])
    assert periodik
    for row in periodik:
        (document,) = row["path"]
        assert files[document["dok_uri"]].startswith(b"%PDF-")
    rendered = sorted(p.name for p in (school / "build" / "pdf").rglob("*.pdf"))
    assert set(rendered) == {"evaluasi-kinerja.pdf"}, "only the documents the bundle needs"
    assert not (school / "build" / "pdf" / "2024-1").exists(), "only the periode asked for"
    assert _run("ekspor", "periksa", str(_bundle(school, "2025"))).exit_code == 0


def _sheet(path: Path | bytes) -> Any:
    import openpyxl

    source = io.BytesIO(path) if isinstance(path, bytes) else path
    return openpyxl.load_workbook(source).active


def test_spreadsheets_beside_the_csvs_keep_nips_as_text(school: Path) -> None:
    _set_plan_status(school, "2025", GURU, keep=1)  # one person not ready: a row in the list
    assert _export(school).exit_code == 0
    files = _read(_bundle(school, "2025"))
    for name in ("pegawai", "penilaian"):
        sheet = _sheet(files[f"{name}.xlsx"])
        rows = list(
            csv.reader(io.StringIO(files[f"{name}.csv"].decode("utf-8-sig")), delimiter=";")
        )
        cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
        assert [str(value) for value in cells[0]] == rows[0], "same Indonesian headers"
        assert cells[0][:2] == ["NIP", "Nama"]
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref.startswith("A1:")
        nips = [row[0] for row in sheet.iter_rows(min_row=2)]
        assert nips and all(cell.data_type == "s" and len(cell.value) == 18 for cell in nips)
        assert [cell.value for cell in nips] == [row[0] for row in rows[1:]]
    penilaian = _sheet(files["penilaian.xlsx"])
    assert penilaian["C1"].value == "NPSN" and penilaian["C2"].value == "20999303"
    listed = _sheet(school / "build" / "ekspor-bkn" / "belum-siap-2025.xlsx")
    header = [cell.value for cell in next(listed.iter_rows())]
    assert header[:3] == ["ID pegawai", "NIP", "Nama"]
    people = {row[0].value: row for row in listed.iter_rows(min_row=2)}
    assert people[GURU][1].value == GURU and people[GURU][1].data_type == "s"
    assert _run("ekspor", "periksa", str(_bundle(school, "2025"))).exit_code == 0


def test_rebuild_removes_outputs_of_periodes_that_no_longer_exist(school: Path) -> None:
    assert _export(school).exit_code == 0
    folder = school / "build" / "ekspor-bkn"
    mine = folder / "catatan-operator.txt"
    mine.write_text("bukan buatan kinerja", encoding="utf-8")
    lookalike = folder / "belum-siap-2023.csv"  # same pattern, but kinerja never wrote it
    lookalike.write_text("x", encoding="utf-8")
    assert (folder / "belum-siap-2024-1.xlsx").is_file()
    shutil.rmtree(school / "records" / "kinerja" / "2024-1")
    result = _export(school)
    assert result.exit_code == 0, result.output
    assert not _bundle(school, "2024-1").exists()
    assert not (folder / "belum-siap-2024-1.csv").exists()
    assert not (folder / "belum-siap-2024-1.xlsx").exists()
    assert "kinerja-20999303-2024-1.zip" in result.output
    assert _bundle(school, "2025").is_file() and (folder / "belum-siap-2025.xlsx").is_file()
    assert mine.is_file() and lookalike.is_file(), "files kinerja did not write stay"


def test_exporting_one_periode_keeps_the_others(school: Path) -> None:
    assert _export(school).exit_code == 0
    assert _export(school, "--periode", "2025").exit_code == 0
    assert _bundle(school, "2024-1").is_file()
    shutil.rmtree(school / "records" / "kinerja" / "2024-1")
    assert _export(school, "--periode", "2025").exit_code == 0
    assert not _bundle(school, "2024-1").exists()


@pytest.mark.parametrize("periode", ["2023", "2099", "2024-2"])
def test_unknown_periode_is_a_usage_error(school: Path, periode: str) -> None:
    """Unparseable (2023), or a periode the school has no records for: exit 2, not an empty run."""
    result = _export(school, "--periode", periode)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "Periode yang ada di sekolah ini: 2024-1, 2025" in result.output
    assert not (school / "build" / "ekspor-bkn").exists()


# -- verification ---------------------------------------------------------------------------------


def _rewrite(
    source: Path, target: Path, change: Callable[[dict[str, bytes]], dict[str, bytes]]
) -> Path:
    files = change(_read(source))
    with zipfile.ZipFile(target, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return target


def _json_edit(
    name: str, edit: Callable[[Any], None]
) -> Callable[[dict[str, bytes]], dict[str, bytes]]:
    def change(files: dict[str, bytes]) -> dict[str, bytes]:
        value = json.loads(files[name])
        edit(value)
        files[name] = json.dumps(value).encode()
        return files

    return change


def _rehash(files: dict[str, bytes]) -> dict[str, bytes]:
    """Recompute the manifest so that only the semantic check can catch the tampering."""
    import hashlib

    manifest = json.loads(files["manifest.json"])
    for item in manifest["berkas"]:
        item["sha256"] = hashlib.sha256(files[item["nama"]]).hexdigest()
        item["ukuran"] = len(files[item["nama"]])
    files["manifest.json"] = json.dumps(manifest).encode()
    return files


def _rehash_after(
    change: Callable[[dict[str, bytes]], dict[str, bytes]],
) -> Callable[[dict[str, bytes]], dict[str, bytes]]:
    return lambda files: _rehash(change(files))


def _flip_byte(files: dict[str, bytes]) -> dict[str, bytes]:
    content = bytearray(files["penilaian.csv"])
    content[-3] ^= 1
    files["penilaian.csv"] = bytes(content)
    return files


def _wrong_predikat(files: dict[str, bytes]) -> dict[str, bytes]:
    def edit(rows: Any) -> None:
        rows[0]["kuadranKinerjaNilai"] = 1 if rows[0]["kuadranKinerjaNilai"] != 1 else 2

    return _rehash(_json_edit("kinerja-periodik.json", edit)(files))


def _wrong_credit(files: dict[str, bytes]) -> dict[str, bytes]:
    def edit(items: Any) -> None:
        items[0]["angkaKredit"] = items[0]["angkaKredit"] + 1
        items[0]["kreditUtamaBaru"] = items[0]["angkaKredit"]

    return _rehash(_json_edit("angka-kredit.json", edit)(files))


TAMPERING: dict[str, tuple[Callable[[dict[str, bytes]], dict[str, bytes]], str]] = {
    "changed-byte": (_flip_byte, "KIN823"),
    "missing-file": (
        lambda files: {k: v for k, v in files.items() if k != "angka-kredit.json"},
        "KIN822",
    ),
    "extra-file": (lambda files: {**files, "catatan.txt": b"tambahan"}, "KIN824"),
    "wrong-predikat": (_wrong_predikat, "KIN826"),
    "wrong-angka-kredit": (_wrong_credit, "KIN827"),
    "not-json": (lambda files: _rehash({**files, "skp-tahunan.json": b"{bukan json"}), "KIN825"),
    "schema-violation": (
        lambda files: _rehash(
            _json_edit("kinerja-periodik.json", lambda rows: rows[0].update(nip="123"))(files)
        ),
        "KIN825",
    ),
    "wrong-predikat-label": (
        _rehash_after(
            _json_edit(
                "kinerja-periodik.json",
                lambda rows: rows[0].update(
                    predikat="Sangat Kurang" if rows[0]["predikat"] != "Sangat Kurang" else "Baik"
                ),
            )
        ),
        "KIN826",
    ),
    "wrong-months": (
        _rehash_after(
            _json_edit(
                "kinerja-periodik.json", lambda rows: rows[0].update(bulanSelesaiPenilaian=6)
            )
        ),
        "KIN826",
    ),
    "duplicate-row": (
        _rehash_after(_json_edit("kinerja-periodik.json", lambda rows: rows.append(rows[0]))),
        "KIN826",
    ),
    "annual-differs": (
        _rehash_after(
            _json_edit(
                "skp-tahunan.json",
                lambda rows: rows[0].update(
                    perilakuKerjaNilai=rows[0]["perilakuKerjaNilai"] % 3 + 1
                ),
            )
        ),
        "KIN826",
    ),
    "wrong-count": (
        _json_edit("manifest.json", lambda manifest: manifest["jumlah"].update(diekspor=99)),
        "KIN826",
    ),
    "credit-dropped": (
        _rehash_after(_json_edit("angka-kredit.json", lambda items: items.clear())),
        "KIN827",
    ),
    "wrong-koefisien-id": (
        _rehash_after(
            _json_edit(
                "angka-kredit.json",
                lambda items: items[0].update(
                    koefisienId=42 if items[0]["koefisienId"] != 42 else 12
                ),
            )
        ),
        "KIN827",
    ),
    "nan-credit": (
        lambda files: _rehash(
            {
                **files,
                "angka-kredit.json": files["angka-kredit.json"].replace(
                    b'"angkaKredit": ', b'"angkaKredit": NaN, "x": ', 1
                ),
            }
        ),
        "KIN825",
    ),
    "manifest-not-object": (lambda files: {**files, "manifest.json": b"[]"}, "KIN825"),
    "manifest-deeply-nested": (
        lambda files: {**files, "manifest.json": b"[" * 50_000 + b"]" * 50_000},
        "KIN825",
    ),
    "path-traversal": (lambda files: {**files, "../../etc/passwd": b"x"}, "KIN820"),
    "windows-path": (lambda files: {**files, "C:\\Windows\\x.txt": b"x"}, "KIN820"),
    "absolute-path": (lambda files: {**files, "/tmp/x": b"x"}, "KIN820"),
    "no-manifest": (
        lambda files: {k: v for k, v in files.items() if k != "manifest.json"},
        "KIN822",
    ),
}


@pytest.mark.parametrize("kind", sorted(TAMPERING))
def test_tampered_bundle_is_caught(school: Path, tmp_path: Path, kind: str) -> None:
    assert _export(school, "--periode", "2025").exit_code == 0
    original = _bundle(school, "2025")
    assert _run("ekspor", "periksa", str(original)).exit_code == 0
    change, code = TAMPERING[kind]
    tampered = _rewrite(original, tmp_path / f"{kind}.zip", change)
    result = _run("ekspor", "periksa", str(tampered))
    assert result.exit_code == 1, result.output
    assert code in result.output
    assert "Traceback" not in result.output


def test_a_bundle_with_more_documents_than_a_school_has_verifies(
    school: Path, tmp_path: Path
) -> None:
    """A district's merged bundle carries one document per person of every school: far more
    entries (and bytes) than one school's. They are hashed as they stream, and counted."""
    assert _export(school, "--periode", "2025").exit_code == 0
    files = _read(_bundle(school, "2025"))
    manifest = json.loads(files["manifest.json"])
    for index in range(12_000):
        name, content = f"dokumen/{index:06d}-lampiran.pdf", b"%PDF-1.7\n" + bytes(index % 251)
        files[name] = content
        digest = hashlib.sha256(content).hexdigest()
        manifest["berkas"].append({"nama": name, "sha256": digest, "ukuran": len(content)})
    manifest["berkas"].sort(key=lambda item: item["nama"])
    manifest["jumlah"]["dokumen"] = manifest["jumlah"].get("dokumen", 0) + 12_000
    files["manifest.json"] = json.dumps(manifest).encode()
    big = tmp_path / "besar.zip"
    big.write_bytes(bundles.zip_bytes(files))
    assert verify(big) == []


def _zip_bomb(original: bytes, path: Path) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("kinerja-periodik.json", b"0" * (50 * 1024 * 1024))


def _central_entry(data: bytes, name: str) -> int:
    """Offset of the central directory header of entry `name`."""
    offset = data.index(b"PK\x01\x02")
    while True:
        length = int.from_bytes(data[offset + 28 : offset + 30], "little")
        if data[offset + 46 : offset + 46 + length] == name.encode():
            return offset
        offset = data.index(b"PK\x01\x02", offset + 4)


def _huge_declared_size(original: bytes, path: Path) -> None:
    data = bytearray(original)
    entry = _central_entry(original, "kinerja-periodik.json")
    data[entry + 24 : entry + 28] = (0x7FFF_0000).to_bytes(4, "little")  # uncompressed size
    path.write_bytes(bytes(data))


def _local_entry(data: bytes, name: str) -> int:
    entry = _central_entry(data, name)
    return int.from_bytes(data[entry + 42 : entry + 46], "little")


def _flipped_compressed_byte(original: bytes, path: Path) -> None:
    data = bytearray(original)
    local = _local_entry(original, "kinerja-periodik.json")
    name_length = int.from_bytes(data[local + 26 : local + 28], "little")
    extra_length = int.from_bytes(data[local + 28 : local + 30], "little")
    data[local + 30 + name_length + extra_length + 40] ^= 0x55  # inside the deflate stream
    path.write_bytes(bytes(data))


def _local_name_differs(original: bytes, path: Path) -> None:
    data = bytearray(original)
    local = _local_entry(original, "skp-tahunan.json")
    data[local + 30] = ord("x")  # the local header now names another file than the directory
    path.write_bytes(bytes(data))


# Damage below the zip layer, applied to the bytes of a real bundle: (change, code).
HOSTILE: dict[str, tuple[Callable[[bytes, Path], None], str]] = {
    "zip-bomb": (_zip_bomb, "KIN821"),
    "huge-declared-size": (_huge_declared_size, "KIN821"),
    "flipped-compressed-byte": (_flipped_compressed_byte, "KIN823"),
    "local-name-differs": (_local_name_differs, "KIN823"),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_damaged_archive_is_caught_without_traceback(
    school: Path, tmp_path: Path, kind: str
) -> None:
    assert _export(school, "--periode", "2025").exit_code == 0
    change, code = HOSTILE[kind]
    damaged = tmp_path / f"{kind}.zip"
    change(_bundle(school, "2025").read_bytes(), damaged)
    result = CliRunner().invoke(cli, ["ekspor", "periksa", str(damaged)], env={"NO_COLOR": "1"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 1, result.output
    assert code in result.output


def test_every_export_code_is_exercised() -> None:
    """The tables above cover every code the registry declares for the export (KIN8xx)."""
    from kinerja_build import rules

    declared = {rule.code for rule in rules.all_rules() if rule.scope == "ekspor"}
    exercised = (
        {code for _, code, _ in READINESS}
        | {code for _, code, _, _ in ASSESSOR}
        | {code for _, code in TAMPERING.values()}
        | {code for _, code in HOSTILE.values()}
    )
    assert declared == exercised, (declared - exercised, exercised - declared)


@pytest.mark.parametrize("content", [None, b"bukan zip", b""])
def test_not_a_bundle_is_a_usage_error(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "x.zip"
    if content is not None:
        path.write_bytes(content)
    result = _run("ekspor", "periksa", str(path))
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_export_codes_are_listed_by_kinerja_rules(run_cli: Callable[..., Result]) -> None:
    from kinerja_build import rules

    listed = run_cli("rules").output
    codes = [rule.code for rule in rules.all_rules() if rule.scope == "ekspor"]
    assert len(codes) >= 17
    for code in codes:
        assert code in listed


@pytest.mark.parametrize(
    ("setting", "severity", "exit_code"),
    [(None, "peringatan", 0), ("galat", "galat", 1), ("mati", None, 0)],
)
def test_school_config_sets_the_severity_of_export_checks(
    school: Path, setting: str | None, severity: str | None, exit_code: int
) -> None:
    """`aturan:` in kinerja.yml changes how a check is reported, never who is exported."""
    from kinerja_build.export import build_exports
    from kinerja_build.stage import BuildContext, judged
    from kinerja_build.validate import validate

    sekolah = school / "records" / "sekolah.yaml"
    lines = sekolah.read_text(encoding="utf-8").splitlines()
    sekolah.write_text("\n".join(x for x in lines if not x.startswith("unor:")) + "\n")
    if setting:
        (school / "kinerja.yml").write_text(f"aturan:\n  KIN807: {setting}\n", encoding="utf-8")
    context = BuildContext(school, school / "build", validate(school))
    outcome = judged(build_exports(context, "2025"), context)  # as every caller of a stage does
    reported = {d.severity.label for d in outcome.diagnostics if d.code == "KIN807"}
    assert reported == ({severity} if severity else set())
    result = _export(school, "--periode", "2025")
    assert result.exit_code == exit_code, result.output
    # The reason is always shown, once: as a diagnostic line while it is a warning or an error,
    # else (switched off: the person still stays out) in the not-ready list of the summary.
    listed = result.output.count("[KIN807; operator sekolah]")
    printed = result.output.count(f"{severity} KIN807 ") if severity else 0
    # A fact about the school: shown once for the periode, holding back everyone but the non-ASN.
    assert (listed, printed) == ((0, 1) if severity else (1, 0)), result.output
    assert "Menahan ekspor 3 pegawai." in result.output or "(3 pegawai tertahan)" in result.output
    assert json.loads(_read(_bundle(school, "2025"))["kinerja-periodik.json"]) == []
    assert "KIN807" in {row["Kode"] for row in _not_ready(school, "2025")}
