"""The official documents: what `kinerja build` renders, checked by text, metadata and pages.

Most checks read one build of the small base school (plus the KS's submitted 2026 plan from the
demo, so that a draft exists). Tests that change records or templates build their own copy.
Expectations come from the records themselves (names, statuses, predikat via the domain
module), never from hard-coded copies of the output.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from PIL import Image
from pypdf import PdfReader

from kinerja_build import domain
from kinerja_build.cli import cli
from kinerja_build.load import DEFAULT_MAX_BYTES, load_file
from kinerja_build.render.fetcher import AssetRefused, SafeFetcher

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
BASE = TESTS / "cases" / "base"
KS = "197404122000031003"
GURU = "198305172009011004"


def _build(root: Path, *extra: str, env: dict[str, str] | None = None) -> Result:
    args = ["build", "--root", str(root), "--hanya", "pdf", "--jobs", "1", *extra]
    environment = {"NO_COLOR": "1", "SOURCE_DATE_EPOCH": "", **(env or {})}
    return CliRunner().invoke(cli, args, catch_exceptions=False, env=environment)


def _make_school(target: Path) -> Path:
    shutil.copytree(BASE, target)
    shutil.copytree(REPO / "schemas", target / "schemas")
    # A submitted (not yet agreed) plan, so that draft documents exist.
    draft = target / "records" / "kinerja" / "2026" / KS
    draft.mkdir(parents=True)
    shutil.copy(REPO / "records" / "kinerja" / "2026" / KS / "rencana.yaml", draft)
    # A raster logo (the demo's is SVG): it must arrive in the PDF as an image.
    Image.new("RGB", (64, 64), (31, 78, 121)).save(target / "records" / "logo.png")
    sekolah = target / "records" / "sekolah.yaml"
    sekolah.write_text(sekolah.read_text(encoding="utf-8") + "logo: logo.png\n", encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _make_school(tmp_path_factory.mktemp("render") / "sekolah")
    result = _build(root)
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """The base school cut to the KS and one guru in 2025: quick to build."""
    root = _make_school(tmp_path / "sekolah")
    for folder in (root / "records" / "kinerja").glob("*/*"):
        if folder.parent.name != "2025" or folder.name not in (KS, GURU):
            shutil.rmtree(folder)
    for folder in (root / "records" / "kinerja").iterdir():
        if not any(folder.iterdir()):
            folder.rmdir()
    result = CliRunner().invoke(cli, ["validate", "--root", str(root)], env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    return root


def _text(pdf: Path) -> str:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages)
    return re.sub(r"[ \t]+", " ", text)


def _records(root: Path) -> Iterator[tuple[str, str, dict[str, dict[str, Any]]]]:
    for folder in sorted((root / "records" / "kinerja").glob("*/*")):
        data = {path.stem: _load(path) for path in folder.glob("*.yaml")}
        yield folder.parent.name, folder.name, data


def _load(path: Path) -> dict[str, Any]:
    """A record as kinerja reads it (dates stay strings, as in the plan hash)."""
    loaded = load_file(path, path.name, DEFAULT_MAX_BYTES)
    assert loaded.ok, loaded.diagnostics
    data: dict[str, Any] = loaded.data
    return data


def _person(root: Path, pegawai_id: str) -> dict[str, Any]:
    return _load(root / "records" / "pegawai" / f"{pegawai_id}.yaml")


# -- which documents exist ---------------------------------------------------------------


def _expected_documents(root: Path) -> set[str]:
    expected = set()
    for periode, pegawai_id, data in _records(root):
        folder = f"build/pdf/{periode}/{pegawai_id}"
        if "rencana" in data:
            expected.add(f"{folder}/rencana-kinerja.pdf")
        siklus = data.get("siklus") or {}
        if "b_observasi" in siklus:
            expected.add(f"{folder}/lembar-observasi.pdf")
        if "pengembangan-kompetensi" in data:
            expected.add(f"{folder}/pengembangan-kompetensi.pdf")
        if "penilaian" in data:
            expected.add(f"{folder}/evaluasi-kinerja.pdf")
            if _person(root, pegawai_id)["status_kepegawaian"] == "pns":
                expected.add(f"{folder}/konversi-angka-kredit.pdf")
        expected.add(f"build/pdf/{periode}/rekap-kinerja-sekolah.pdf")
    return expected


@pytest.mark.slow
def test_every_expected_document_is_rendered_and_nothing_else(built: Path) -> None:
    found = {path.relative_to(built).as_posix() for path in (built / "build").rglob("*.pdf")}
    assert found == _expected_documents(built)


@pytest.mark.slow
def test_non_pns_get_no_angka_kredit_document(built: Path) -> None:
    for path in (built / "build" / "pdf").rglob("konversi-angka-kredit.pdf"):
        assert _person(built, path.parent.name)["status_kepegawaian"] == "pns"


# -- content -----------------------------------------------------------------------------


@pytest.mark.slow
def test_evaluation_document_follows_the_official_layout(built: Path) -> None:
    for periode, pegawai_id, data in _records(built):
        if "penilaian" not in data:
            continue
        penilaian = data["penilaian"]
        pdf = built / "build" / "pdf" / periode / pegawai_id / "evaluasi-kinerja.pdf"
        text = _text(pdf)
        person = _person(built, pegawai_id)
        for heading in (
            "DOKUMEN EVALUASI KINERJA PEGAWAI",
            "PEGAWAI YANG DINILAI",
            "PEJABAT PENILAI KINERJA",
            "ATASAN PEJABAT PENILAI KINERJA",
            "CAPAIAN KINERJA ORGANISASI",
            "PREDIKAT KINERJA PEGAWAI",
            "CATATAN/REKOMENDASI",
            "Pegawai yang Dinilai,",
            "Pejabat Penilai Kinerja,",
        ):
            assert heading in text, (pdf, heading)
        assert str(person["nama"]) in text
        predikat = domain.predikat(
            str(penilaian["rating_hasil_kerja"]), str(penilaian["rating_perilaku_kerja"])
        )
        assert domain.PREDIKAT_LABELS[predikat] in text
        day = domain.parse_date(str(penilaian["tanggal"]))
        assert day is not None
        assert f"Sukamaju, {domain.tanggal_indonesia(day)}" in text
        jenis = "AKHIR" if "-" not in periode else f"SEMESTER {'I' * int(periode[-1])}"
        assert f"PERIODE: {jenis}" in text
        if person["status_kepegawaian"] == "non_asn":
            assert str(person.get("nip", "")) not in text.replace(" ", "") or not person.get("nip")
        else:
            assert domain.format_nip(str(person["nip"])) in text
        assert len(PdfReader(pdf).pages) == 1, "the evaluation form fits on one page"


@pytest.mark.slow
def test_angka_kredit_uses_the_domain_formula(built: Path) -> None:
    for path in sorted((built / "build" / "pdf").rglob("konversi-angka-kredit.pdf")):
        periode, pegawai_id = path.parent.parent.name, path.parent.name
        penilaian = _load(built / "records" / "kinerja" / periode / pegawai_id / "penilaian.yaml")
        person = _person(built, pegawai_id)
        predikat = domain.predikat(
            penilaian["rating_hasil_kerja"], penilaian["rating_perilaku_kerja"]
        )
        months = domain.parse_periode(periode).months
        value = domain.round_ak(
            domain.angka_kredit(predikat, str(person["jenjang_jabatan"]), months)
        )
        text = _text(path)
        assert domain.format_decimal(value) in text
        assert f"{domain.PREDIKAT_PERCENT[predikat]}%" in text
        assert "KONVERSI PREDIKAT KINERJA KE ANGKA KREDIT" in text


@pytest.mark.slow
def test_observation_sheet_has_every_focus_and_level(built: Path) -> None:
    for periode, pegawai_id, data in _records(built):
        siklus = data.get("siklus") or {}
        if "b_observasi" not in siklus:
            continue
        text = _text(built / "build" / "pdf" / periode / pegawai_id / "lembar-observasi.pdf")
        for column in ("Fokus Perilaku", "Perilaku yang Dianjurkan", "Perilaku yang Dihindari"):
            assert column in text.replace("\n", " ").replace("- ", "")
        for item in siklus["b_observasi"]["hasil"]:
            level = domain.TINGKAT_OBSERVASI_LEVEL[item["tingkat"]]
            assert f"{level} — " in text


@pytest.mark.slow
def test_plan_lists_berakhlak_and_approval_history(built: Path) -> None:
    for periode, pegawai_id, data in _records(built):
        plan = data.get("rencana")
        if not plan:
            continue
        text = _text(built / "build" / "pdf" / periode / pegawai_id / "rencana-kinerja.pdf")
        flat = " ".join(text.split())
        for value in ("Berorientasi Pelayanan", "Akuntabel", "Kompeten", "Kolaboratif"):
            assert value in flat
        for entry in plan["status"]:
            day = domain.parse_date(str(entry["tanggal"]))
            assert day is not None and domain.tanggal_indonesia(day) in flat
        assert domain.canonical_plan_hash(plan) in flat.replace(" ", "")


@pytest.mark.slow
def test_draft_watermark_exactly_while_the_plan_is_not_agreed(built: Path) -> None:
    seen_draft = seen_final = False
    for periode, pegawai_id, data in _records(built):
        plan = data.get("rencana")
        if not plan:
            continue
        agreed = plan["status"][-1]["status"] == "disepakati"
        text = _text(built / "build" / "pdf" / periode / pegawai_id / "rencana-kinerja.pdf")
        assert ("DRAF" in text) is not agreed, (periode, pegawai_id)
        seen_draft |= not agreed
        seen_final |= agreed
    assert seen_draft and seen_final


@pytest.mark.slow
def test_recap_lists_everyone_with_stage(built: Path) -> None:
    for periode_dir in sorted((built / "records" / "kinerja").iterdir()):
        text = _text(built / "build" / "pdf" / periode_dir.name / "rekap-kinerja-sekolah.pdf")
        assert "REKAP KINERJA SEKOLAH" in text
        for folder in periode_dir.iterdir():
            assert str(_person(built, folder.name)["nama"]) in text


@pytest.mark.slow
def test_page_numbers_in_indonesian(built: Path) -> None:
    pdf = built / "build" / "pdf" / "2025" / GURU / "rencana-kinerja.pdf"
    pages = len(PdfReader(pdf).pages)
    text = _text(pdf)
    for page in range(1, pages + 1):
        assert f"Halaman {page} dari {pages}" in text


# -- PDF properties ----------------------------------------------------------------------


@pytest.mark.slow
def test_metadata_language_and_pdfa(built: Path) -> None:
    pdf = built / "build" / "pdf" / "2025" / GURU / "evaluasi-kinerja.pdf"
    reader = PdfReader(pdf)
    info = reader.metadata
    assert info is not None
    name = str(_person(built, GURU)["nama"])
    assert info.title == f"Dokumen Evaluasi Kinerja Pegawai — {name} — Tahun 2025"
    assert info.author == "SMP Negeri 3 Sukamaju"
    assert info.subject == "Dokumen Evaluasi Kinerja Pegawai, periode Tahun 2025"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "id"
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfaid:part(>|=\")2", xmp), xmp
    assert re.search(r"pdfaid:conformance(>|=\")A", xmp), xmp
    assert "/StructTreeRoot" in root, "PDF/A-2a documents are tagged"


@pytest.mark.slow
def test_only_the_bundled_font_is_used_and_embedded(built: Path) -> None:
    fonts = 0
    pages = [page for pdf in (built / "build").rglob("*.pdf") for page in PdfReader(pdf).pages]
    for page in pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target["/FontDescriptor"].get_object()
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            assert "Liberation-Sans" in str(target["/BaseFont"]), "only the bundled font"
            fonts += 1
    assert fonts


@pytest.mark.slow
def test_logo_is_embedded(built: Path) -> None:
    page = PdfReader(built / "build" / "pdf" / "2025" / GURU / "evaluasi-kinerja.pdf").pages[0]
    images = [
        item.get_object()
        for item in page["/Resources"].get("/XObject", {}).values()
        if item.get_object().get("/Subtype") == "/Image"
    ]
    assert images, "logo missing"


@pytest.mark.slow
def test_same_records_give_the_same_bytes(built: Path, tmp_path: Path) -> None:
    other = tmp_path / "again"
    shutil.copytree(built, other, ignore=shutil.ignore_patterns("build"))
    assert _build(other).exit_code == 0
    first = sorted((built / "build" / "pdf").rglob("*.pdf"))
    assert first
    for path in first:
        twin = other / path.relative_to(built)
        assert twin.read_bytes() == path.read_bytes(), path


@pytest.mark.slow
def test_source_date_epoch_sets_the_document_dates(tiny: Path) -> None:
    assert _build(tiny, env={"SOURCE_DATE_EPOCH": "1767225600"}).exit_code == 0  # 2026-01-01
    info = PdfReader(tiny / "build" / "pdf" / "2025" / GURU / "evaluasi-kinerja.pdf").metadata
    assert info is not None and info.creation_date is not None
    assert info.creation_date.strftime("%Y-%m-%d") == "2026-01-01"


# -- incremental, parallel ---------------------------------------------------------------


def _stamps(root: Path) -> dict[str, int]:
    return {
        path.relative_to(root).as_posix(): path.stat().st_mtime_ns
        for path in (root / "build" / "pdf").rglob("*.pdf")
    }


@pytest.mark.slow
def test_second_build_renders_nothing_and_an_edit_rerenders_one_person(tiny: Path) -> None:
    assert _build(tiny).exit_code == 0
    before = _stamps(tiny)
    second = _build(tiny)
    assert "0 dibuat" in second.output
    assert _stamps(tiny) == before

    # A note only the evaluation shows: exactly that document is rendered again.
    penilaian = tiny / "records" / "kinerja" / "2025" / GURU / "penilaian.yaml"
    text = penilaian.read_text(encoding="utf-8")
    penilaian.write_text(text.replace("catatan: ", "catatan: Diperbarui. ", 1), encoding="utf-8")
    third = _build(tiny)
    assert third.exit_code == 0, third.output
    after = _stamps(tiny)
    assert {path for path in before if after[path] != before[path]} == {
        f"build/pdf/2025/{GURU}/evaluasi-kinerja.pdf"
    }
    assert "Diperbarui." in _text(tiny / "build" / "pdf" / "2025" / GURU / "evaluasi-kinerja.pdf")

    # The teacher's name is on all their documents and on the recaps, and nowhere else.
    person = tiny / "records" / "pegawai" / f"{GURU}.yaml"
    name = str(_person(tiny, GURU)["nama"])
    person.write_text(
        person.read_text(encoding="utf-8").replace(name, name + " Putra"), encoding="utf-8"
    )
    assert _build(tiny).exit_code == 0
    final = _stamps(tiny)
    changed = {path for path in after if final[path] != after[path]}
    expected = {path for path in after if f"/{GURU}/" in path or "rekap" in path}
    assert changed == expected


@pytest.mark.slow
def test_parallel_build_gives_the_same_bytes(built: Path, tmp_path: Path) -> None:
    other = tmp_path / "parallel"
    shutil.copytree(built, other, ignore=shutil.ignore_patterns("build"))
    result = CliRunner().invoke(
        cli,
        ["build", "--root", str(other), "--hanya", "pdf", "--jobs", "2"],
        catch_exceptions=False,
        env={"NO_COLOR": "1", "SOURCE_DATE_EPOCH": ""},
    )
    assert result.exit_code == 0, result.output
    for path in sorted((built / "build" / "pdf").rglob("*.pdf")):
        assert (other / path.relative_to(built)).read_bytes() == path.read_bytes(), path


# -- invalid records, removed records ------------------------------------------------------


@pytest.mark.slow
def test_invalid_record_blocks_only_its_documents(tiny: Path) -> None:
    penilaian = tiny / "records" / "kinerja" / "2025" / GURU / "penilaian.yaml"
    penilaian.write_text(
        penilaian.read_text(encoding="utf-8").replace("tanggal:", "tanggal: bukan-tanggal\nx:", 1),
        encoding="utf-8",
    )
    refused = _build(tiny)
    assert refused.exit_code == 1
    assert not (tiny / "build" / "pdf").exists(), "without --allow-errors nothing is rendered"

    result = _build(tiny, "--allow-errors")
    assert result.exit_code == 1
    # KIN901 is an info: the summary line names the skipped document, validasi.json has the code.
    report = json.loads((tiny / "build" / "validasi.json").read_text(encoding="utf-8"))
    assert "KIN901" in {item["code"] for item in report["diagnostik"]}
    guru = tiny / "build" / "pdf" / "2025" / GURU
    assert not (guru / "evaluasi-kinerja.pdf").exists()
    assert (tiny / "build" / "pdf" / "2025" / KS / "evaluasi-kinerja.pdf").is_file()
    assert f"dilewati pdf/2025/{GURU}/evaluasi-kinerja.pdf" in result.output


@pytest.mark.slow
def test_documents_of_removed_records_are_deleted(tiny: Path) -> None:
    assert _build(tiny).exit_code == 0
    evaluation = tiny / "build" / "pdf" / "2025" / GURU / "evaluasi-kinerja.pdf"
    assert evaluation.is_file()
    (tiny / "records" / "kinerja" / "2025" / GURU / "penilaian.yaml").unlink()
    result = _build(tiny)
    assert result.exit_code == 0, result.output
    assert not evaluation.exists()
    assert "PDF lama dihapus" in result.output


# -- templates, assets, logo -----------------------------------------------------------------


def _override(root: Path, name: str, body: str) -> Path:
    folder = root / "templates" / "pdf"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.slow
def test_school_template_override_wins(tiny: Path) -> None:
    original = (REPO / "templates" / "pdf" / "evaluasi-kinerja.html.j2").read_text(encoding="utf-8")
    _override(
        tiny,
        "evaluasi-kinerja.html.j2",
        original.replace("{% block isi %}", "{% block isi %}<p>Format Kabupaten Sukamaju</p>"),
    )
    assert _build(tiny).exit_code == 0
    text = _text(tiny / "build" / "pdf" / "2025" / GURU / "evaluasi-kinerja.pdf")
    assert "Format Kabupaten Sukamaju" in text


@pytest.mark.slow
@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        (
            '{% extends "_base.html.j2" %}\n{% block isi %}\n{% if %}\n{% endblock %}\n',
            3,
            "sintaks",
        ),
        (
            '{% extends "_base.html.j2" %}\n{% block isi %}\n\n{{ tidak_ada.nama }}\n{% endblock %}\n',
            4,
            "tidak_ada",
        ),
        (
            '{% extends "_base.html.j2" %}\n{% block isi %}\n'
            '{{ "".__class__.__mro__[1].__subclasses__() }}\n{% endblock %}\n',
            3,
            "unsafe",
        ),
    ],
    ids=["syntax", "undefined", "sandbox"],
)
def test_broken_override_is_a_diagnostic_with_template_line(
    tiny: Path, body: str, line: int, words: str
) -> None:
    _override(tiny, "evaluasi-kinerja.html.j2", body)
    result = _build(tiny)
    assert result.exit_code == 1
    assert f"templates/pdf/evaluasi-kinerja.html.j2:{line}:1: galat KIN902" in result.output
    assert words in result.output
    assert "Traceback" not in result.output
    assert not list((tiny / "build" / "pdf").rglob("evaluasi-kinerja.pdf"))
    assert list((tiny / "build" / "pdf").rglob("rencana-kinerja.pdf")), "others still render"


@pytest.mark.slow
@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/logo.png",
        "../../../records/pegawai/198305172009011004.yaml",
    ],
)
def test_assets_outside_the_allowed_folders_are_refused(tiny: Path, url: str) -> None:
    original = (REPO / "templates" / "pdf" / "evaluasi-kinerja.html.j2").read_text(encoding="utf-8")
    _override(
        tiny,
        "evaluasi-kinerja.html.j2",
        original.replace("{% block isi %}", f'{{% block isi %}}<img src="{url}">'),
    )
    result = _build(tiny)
    assert result.exit_code == 1, result.output
    assert "KIN903" in result.output
    assert "ditolak" in result.output
    assert not list((tiny / "build" / "pdf").rglob("evaluasi-kinerja.pdf"))


def test_fetcher_serves_only_allowed_files(tmp_path: Path) -> None:
    allowed = tmp_path / "aset"
    allowed.mkdir()
    (allowed / "gaya.css").write_text("p { color: red }", encoding="utf-8")
    (tmp_path / "rahasia.txt").write_text("rahasia", encoding="utf-8")
    fetcher = SafeFetcher([allowed])
    assert fetcher.fetch((allowed / "gaya.css").as_uri()).read() == b"p { color: red }"
    assert fetcher.fetch("data:text/plain,halo").read() == b"halo"
    for url in (
        (tmp_path / "rahasia.txt").as_uri(),
        allowed.as_uri() + "/../rahasia.txt",
        "file:///etc/passwd",
        "file://server/share/x.png",
        "http://127.0.0.1/",
        (allowed / "tidak-ada.css").as_uri(),
    ):
        with pytest.raises(AssetRefused):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 6


def test_symlink_out_of_the_asset_folder_is_refused(tmp_path: Path) -> None:
    allowed = tmp_path / "aset"
    allowed.mkdir()
    (tmp_path / "rahasia.txt").write_text("rahasia", encoding="utf-8")
    os.symlink(tmp_path / "rahasia.txt", allowed / "tautan.css")
    with pytest.raises(AssetRefused):
        SafeFetcher([allowed]).fetch((allowed / "tautan.css").as_uri())


@pytest.mark.slow
@pytest.mark.parametrize(
    ("logo", "reason"),
    [("tidak-ada.png", "tidak ditemukan"), ("../rahasia.png", "di luar folder records/")],
)
def test_bad_logo_is_reported_and_documents_still_made(tiny: Path, logo: str, reason: str) -> None:
    sekolah = tiny / "records" / "sekolah.yaml"
    sekolah.write_text(
        sekolah.read_text(encoding="utf-8").replace("logo: logo.png", f"logo: {logo}"),
        encoding="utf-8",
    )
    Image.new("RGB", (8, 8)).save(tiny / "rahasia.png")
    result = _build(tiny)
    assert result.exit_code == 1
    assert "records/sekolah.yaml:" in result.output and "galat KIN904" in result.output
    assert reason in result.output
    assert "Traceback" not in result.output
    evaluation = tiny / "build" / "pdf" / "2025" / GURU / "evaluasi-kinerja.pdf"
    page = PdfReader(evaluation).pages[0]
    assert not page["/Resources"].get("/XObject"), "no logo from outside records/"


def test_build_cli_help_mentions_outputs(run_cli: Callable[..., Result]) -> None:
    result = run_cli("build", "--help")
    assert "build/pdf/" in result.output and "--jobs" in result.output
