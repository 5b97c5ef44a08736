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
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from click.testing import CliRunner, Result
from pdf_layer import (
    PAGE_NUMBER,
    content_text,
    descendants,
    full_text,
    hyphenated,
    marked_content,
    only_signatures,
    page_texts,
    signers,
    structure_elements,
)
from PIL import Image
from pypdf import PdfReader

from kinerja_build import domain
from kinerja_build.cli import cli
from kinerja_build.load import DEFAULT_MAX_BYTES, load_file
from kinerja_build.render.fetcher import AssetRefused, SafeFetcher
from kinerja_build.render.finish import read_stamp

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
    """The document's content (page numbers, running header and watermark left out)."""
    return "\n".join(page_texts(pdf))


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
    expected = _expected_documents(built)
    packs = {
        f"build/cetak/{periode}/{pegawai_id}.pdf" for periode, pegawai_id, _ in _records(built)
    }
    packs |= {f"build/cetak/{periode}/sekolah.pdf" for periode, _, _ in _records(built)}
    assert found == expected | packs


# -- print packs -------------------------------------------------------------------------


@pytest.mark.slow
def test_print_packs_hold_the_documents_in_filing_order_and_stay_tagged(built: Path) -> None:
    folder = built / "build" / "pdf" / "2025"
    pack = built / "build" / "cetak" / "2025" / f"{GURU}.pdf"
    order = [
        "rencana-kinerja.pdf",
        "lembar-observasi.pdf",
        "pengembangan-kompetensi.pdf",
        "evaluasi-kinerja.pdf",
        "konversi-angka-kredit.pdf",
    ]
    members = [folder / GURU / name for name in order if (folder / GURU / name).is_file()]
    assert len(members) >= 3
    expected = [text for member in members for text in page_texts(member)]
    assert page_texts(pack) == expected, "same pages, same order, artifacts still artifacts"
    with pikepdf.open(pack) as pdf:
        assert pdf.Root.Lang == "id" and "/StructTreeRoot" in pdf.Root
        parts = [element for element in structure_elements(pdf) if element.S == "/Part"]
        assert len(parts) == len(members), "each document is a Part of one Document"
        linked = {element.objgen for element in structure_elements(pdf)}
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        mapping = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        for page in pdf.pages:
            for tag, mcid, _ in marked_content(page):
                if tag != "/Artifact":
                    element = mapping[int(page.obj.StructParents)][mcid]
                    assert element.objgen in linked and element.Pg.objgen == page.obj.objgen
        with pdf.open_outline() as outline:
            titles = [item.title for item in outline.root]
        assert titles == [PdfReader(member).metadata.title.split(" — ")[0] for member in members]
        xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
        assert 'pdfaid:part="2"' in xmp and 'pdfuaid:part="1"' in xmp


@pytest.mark.slow
def test_school_pack_starts_with_the_recap(built: Path) -> None:
    pack = built / "build" / "cetak" / "2025" / "sekolah.pdf"
    recap = built / "build" / "pdf" / "2025" / "rekap-kinerja-sekolah.pdf"
    texts = page_texts(pack)
    recap_texts = page_texts(recap)
    assert texts[: len(recap_texts)] == recap_texts
    people = [path for path in (built / "build" / "cetak" / "2025").glob("*.pdf")]
    total = sum(len(page_texts(path)) for path in people if path.name != "sekolah.pdf")
    assert len(texts) == len(recap_texts) + total


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
def test_masa_kerja_golongan_from_the_latest_sk_hand_computed(built: Path) -> None:
    # GURU's SK pangkat terakhir (TMT 1 April 2017) states a masa kerja golongan of 8 years
    # 3 months. To 31 December 2025, the end of the periode, add 8 years 8 months (April 2017
    # to December 2025, the 31st being past the 1st): 16 years 11 months. Counting from the
    # TMT pangkat alone would give 8 years 8 months.
    text = _text(built / "build" / "pdf" / "2025" / GURU / "konversi-angka-kredit.pdf")
    assert "Masa Kerja Golongan 16 tahun 11 bulan" in " ".join(text.split())


@pytest.mark.slow
def test_documents_the_dinas_signs_carry_the_dinas_letterhead(built: Path) -> None:
    def letterhead(pdf: Path) -> str:
        return " ".join(page_texts(pdf)[0].split()[:12])

    for name in ("rencana-kinerja.pdf", "evaluasi-kinerja.pdf", "konversi-angka-kredit.pdf"):
        top = letterhead(built / "build" / "pdf" / "2025" / KS / name)
        assert top.startswith("PEMERINTAH KABUPATEN SUKAMAJU DINAS PENDIDIKAN"), (name, top)
        assert "SMP NEGERI 3" not in top
    for pdf in (
        built / "build" / "pdf" / "2025" / KS / "lembar-observasi.pdf",  # the KS's own sheet
        built / "build" / "pdf" / "2025" / GURU / "evaluasi-kinerja.pdf",
    ):
        assert "SMP NEGERI 3 SUKAMAJU" in letterhead(pdf), pdf


@pytest.mark.slow
def test_ks_observation_sheet_shows_recommended_and_avoided_behaviour(built: Path) -> None:
    text = " ".join(_text(built / "build" / "pdf" / "2025" / KS / "lembar-observasi.pdf").split())
    assert "Memakai data hasil obse" in text  # D3 reference data, matched by the fokus name
    assert "belum dicocokkan dengan rubrik resmi" in text, "unconfirmed wording is said so"


@pytest.mark.slow
def test_2024_report_counts_points_against_the_minimum(built: Path) -> None:
    checked = 0
    for periode, pegawai_id, data in _records(built):
        report = data.get("pengembangan-kompetensi")
        if not periode.startswith("2024") or not report or "rencana" not in data:
            continue
        points = {item["id"]: item["poin"] for item in data["rencana"]["pengembangan_kompetensi"]}
        total = sum(points[key] for key in {item["rencana"] for item in report["kegiatan"]})
        pdf = built / "build" / "pdf" / periode / pegawai_id / "pengembangan-kompetensi.pdf"
        text = " ".join(_text(pdf).split())
        assert f"Jumlah poin kegiatan yang dilaporkan: {total} (minimal 32 poin" in text
        assert "http" not in text, "evidence as short references"
        checked += 1
    assert checked


@pytest.mark.slow
def test_recap_lists_the_roster_and_is_never_dated_after_the_build(tiny: Path) -> None:
    epoch = "1767225600"  # 1 January 2026: before the end of the periode 2026
    school = tiny / "records" / "kinerja" / "2026" / KS
    school.mkdir(parents=True)
    shutil.copy(REPO / "records" / "kinerja" / "2026" / KS / "rencana.yaml", school)
    assert _build(tiny, env={"SOURCE_DATE_EPOCH": epoch}).exit_code == 0
    text = " ".join(_text(tiny / "build" / "pdf" / "2026" / "rekap-kinerja-sekolah.pdf").split())
    people = sorted((tiny / "records" / "pegawai").glob("*.yaml"))
    assert f"Jumlah pegawai Belum mulai Perencanaan Pelaksanaan Penilaian {len(people)} " in text
    for path in people:
        assert str(_person(tiny, path.stem)["nama"]) in text
    assert (
        "Sukamaju, 1 Januari 2026" in text and "31 Desember 2026" not in text.split("Sukamaju,")[-1]
    )


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
        assert "SHA-256" not in flat, "no developer jargon on a signed page"


def _watermarked(pdf: Path) -> bool:
    """Whether every page paints the DRAF watermark (an image behind the page, no text)."""
    with pikepdf.open(pdf) as document:
        return all(_artifact_drawings(page) for page in document.pages)


def _artifact_drawings(page: pikepdf.Page) -> int:
    """XObjects drawn inside Artifact marked content (the logo is a Figure, not an artifact)."""
    stack: list[bool] = []
    count = 0
    for instruction in pikepdf.parse_content_stream(page, "BMC BDC EMC Do"):
        operator = str(instruction.operator)
        if operator in ("BMC", "BDC"):
            stack.append(str(instruction.operands[0]) == "/Artifact")
        elif operator == "EMC" and stack:
            stack.pop()
        elif operator == "Do" and any(stack):
            count += 1
    return count


@pytest.mark.slow
def test_draft_watermark_exactly_while_the_plan_is_not_agreed(built: Path) -> None:
    seen_draft = seen_final = False
    for periode, pegawai_id, data in _records(built):
        plan = data.get("rencana")
        if not plan:
            continue
        agreed = plan["status"][-1]["status"] == "disepakati"
        pdf = built / "build" / "pdf" / periode / pegawai_id / "rencana-kinerja.pdf"
        text = _text(pdf)
        assert ("BELUM FINAL" in text) is not agreed, (periode, pegawai_id)
        assert _watermarked(pdf) is not agreed, (periode, pegawai_id)
        assert "DRAF" not in full_text(pdf), "the watermark is a graphic, not text"
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
def test_page_numbers_in_indonesian_and_marked_as_artifacts(built: Path) -> None:
    pdf = built / "build" / "pdf" / "2025" / GURU / "rencana-kinerja.pdf"
    pages = len(PdfReader(pdf).pages)
    assert pages > 1
    text = full_text(pdf)
    for page in range(1, pages + 1):
        assert f"Halaman {page} dari {pages}" in text
    assert not PAGE_NUMBER.search(_text(pdf)), "page numbers are artifacts, not content"


@pytest.mark.slow
def test_continuation_pages_say_whose_document_they_are(built: Path) -> None:
    pdf = built / "build" / "pdf" / "2025" / GURU / "rencana-kinerja.pdf"
    person = _person(built, GURU)
    header = f"{person['nama']} · NIP {domain.format_nip(str(person['nip']))} · Rencana Kinerja"
    pages = PdfReader(pdf).pages
    raw = [re.sub(r"[ \t]+", " ", page.extract_text() or "") for page in pages]
    assert header not in raw[0], "the first page has the letterhead instead"
    for page, text in zip(pages[1:], raw[1:], strict=True):
        assert header in text and "Tahun 2025" in text
        assert header not in content_text(page), "the running header is an artifact"


@pytest.mark.slow
def test_every_document_is_sign_ready(built: Path) -> None:
    """NIPs whole, identity unhyphenated, no page of only signatures, no artifacts as text."""
    school = "SMP Negeri 3 Sukamaju"
    pdfs = sorted((built / "build" / "pdf").rglob("*.pdf"))
    everyone = signers(built)
    assert pdfs
    for pdf in pdfs:
        texts = page_texts(pdf)
        text = "\n".join(texts)
        names = _names_in(built, pdf)
        for name, nip in names:
            assert name in text.replace("\n", " "), (pdf, name)
            if nip:
                assert domain.format_nip(nip) in text, (pdf, nip, "NIP broken across lines")
        for word in {w for name, _ in names for w in name.split()} | set(school.split()):
            assert not hyphenated(text, word.strip(",.")), (pdf, word)
        assert not only_signatures(texts[-1], everyone), (pdf, texts[-1])
        assert "DRAF" not in text and not PAGE_NUMBER.search(text), pdf
        assert "Kode verifikasi" not in text, "the footer code is an artifact"


def test_a_page_of_only_signatures_is_recognised() -> None:
    """The check above can fail: two side-by-side signature blocks alone on a page."""
    page = (
        "Sukamaju, 21 Januari 2025 Sukamaju, 20 Januari 2025\n"
        "Pegawai yang Dinilai, Pejabat Penilai Kinerja,\n"
        "Drs. Ujang Suherman Dedi Kurniawan, S.Pd., M.Pd.\n"
        "NIP. 19680214 199412 1 001 NIP. 19740412 200003 1 003\n"
    )
    names = ["Drs. Ujang Suherman", "Dedi Kurniawan, S.Pd., M.Pd."]
    assert only_signatures(page, names)
    assert not only_signatures("E. RIWAYAT PERSETUJUAN\n" + page, names)


def _names_in(root: Path, pdf: Path) -> list[tuple[str, str]]:
    """(name, NIP of an ASN or "") of the people a document is about."""
    folder = pdf.parent.name
    people = (
        [folder]
        if (root / "records" / "pegawai" / f"{folder}.yaml").is_file()
        else [path.name for path in (root / "records" / "kinerja" / folder).iterdir()]
    )
    found = []
    for pegawai_id in people:
        person = _person(root, pegawai_id)
        asn = person["status_kepegawaian"] in ("pns", "pppk")
        found.append((str(person["nama"]), str(person.get("nip", "")) if asn else ""))
    return found


@pytest.mark.slow
def test_tables_have_header_cells_and_margins_are_artifacts(built: Path) -> None:
    for pdf_path in sorted((built / "build" / "pdf").rglob("*.pdf")):
        with pikepdf.open(pdf_path) as pdf:
            elements = list(structure_elements(pdf))
            tables = [element for element in elements if element.S == "/Table"]
            assert tables, pdf_path
            for table in tables:
                assert any(cell.S == "/TH" for cell in descendants(table)), pdf_path
            for cell in (element for element in elements if element.S == "/TH"):
                assert cell.A.Scope in ("/Column", "/Row"), pdf_path
            linked = {element.objgen for element in elements}
            parent_tree = pdf.Root.StructTreeRoot.ParentTree.Nums
            for page in pdf.pages:
                marks = list(marked_content(page))
                assert ("/Artifact", None, "/Pagination") in marks, pdf_path
                mapping = parent_tree[2 * int(page.obj.StructParents) + 1]
                for tag, mcid, _ in marks:
                    if tag != "/Artifact":
                        assert mcid is not None and mapping[mcid].objgen in linked, pdf_path


@pytest.mark.slow
def test_verification_code_and_fingerprint_in_metadata(built: Path) -> None:
    pdf = built / "build" / "pdf" / "2025" / GURU / "evaluasi-kinerja.pdf"
    stamp = read_stamp(pdf.read_bytes())
    assert stamp is not None
    assert stamp.document == f"pdf/2025/{GURU}/evaluasi-kinerja.pdf"
    assert re.fullmatch(r"[0-9a-f]{64}", stamp.fingerprint)
    assert stamp.code == f"{stamp.fingerprint[:4]}-{stamp.fingerprint[4:8]}".upper()
    assert f"Kode verifikasi {stamp.code}" in full_text(pdf)
    penilaian = f"records/kinerja/2025/{GURU}/penilaian.yaml"
    assert any(source.startswith(penilaian + "@") for source in stamp.sources)


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
    assert re.search(r"pdfuaid:part(>|=\")1", xmp), "identified as PDF/UA-1 too"
    assert "http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>" in xmp, "PDF/A extension"


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


@pytest.mark.slow
def test_packs_follow_the_documents(tiny: Path) -> None:
    assert _build(tiny).exit_code == 0
    pack = tiny / "build" / "cetak" / "2025" / f"{GURU}.pdf"
    school = tiny / "build" / "cetak" / "2025" / "sekolah.pdf"
    before = school.read_bytes()
    assert pack.is_file()
    shutil.rmtree(tiny / "records" / "kinerja" / "2025" / GURU)
    result = _build(tiny)
    assert result.exit_code == 0, result.output
    assert not pack.exists(), "the pack of a person without documents is removed"
    assert school.read_bytes() != before, "the school pack is merged again"
    assert len(page_texts(school)) == len(
        page_texts(tiny / "build" / "pdf" / "2025" / "rekap-kinerja-sekolah.pdf")
    ) + len(page_texts(tiny / "build" / "cetak" / "2025" / f"{KS}.pdf"))


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
@pytest.mark.slow
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
@pytest.mark.slow
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


# -- verification of a signed document ---------------------------------------------------


def _git(root: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Uji",
        "GIT_AUTHOR_EMAIL": "uji@example.invalid",
        "GIT_COMMITTER_NAME": "Uji",
        "GIT_COMMITTER_EMAIL": "uji@example.invalid",
    }
    done = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, env=env, check=True
    )
    return done.stdout.strip()


@pytest.mark.slow
def test_verifikasi_matches_head_then_names_what_changed(tiny: Path, tmp_path: Path) -> None:
    _git(tiny, "init", "-q", "-b", "main")
    _git(tiny, "add", "records", "schemas")
    _git(tiny, "commit", "-q", "-m", "catatan awal")
    first = _git(tiny, "rev-parse", "--short=12", "HEAD")
    assert _build(tiny).exit_code == 0
    signed = tmp_path / "ditandatangani.pdf"  # the archived copy, outside the build folder
    shutil.copy(tiny / "build" / "pdf" / "2025" / GURU / "evaluasi-kinerja.pdf", signed)
    runner = CliRunner()
    args = ["verifikasi", str(signed), "--root", str(tiny)]
    ok = runner.invoke(cli, args, env={"NO_COLOR": "1"})
    assert ok.exit_code == 0, ok.output
    assert f"COCOK: pdf/2025/{GURU}/evaluasi-kinerja.pdf" in ok.output
    assert first in ok.output and f"records/kinerja/2025/{GURU}/penilaian.yaml" in ok.output

    # An uncommitted edit does not count: what is signed is compared with what is committed.
    penilaian = tiny / "records" / "kinerja" / "2025" / GURU / "penilaian.yaml"
    penilaian.write_text(
        penilaian.read_text(encoding="utf-8").replace("catatan: ", "catatan: Diubah. ", 1),
        encoding="utf-8",
    )
    assert runner.invoke(cli, args, env={"NO_COLOR": "1"}).exit_code == 0
    _git(tiny, "commit", "-q", "-am", "ubah catatan penilaian")
    changed = runner.invoke(cli, args, env={"NO_COLOR": "1"})
    assert changed.exit_code == 1, changed.output
    assert "TIDAK COCOK" in changed.output
    assert f"records/kinerja/2025/{GURU}/penilaian.yaml berubah" in changed.output
    assert f"commit {_git(tiny, 'rev-parse', '--short', first)}" in changed.output
    assert "ubah catatan penilaian" in changed.output


@pytest.mark.slow
def test_verifikasi_refuses_a_pdf_without_stamp(tiny: Path, tmp_path: Path) -> None:
    other = tmp_path / "lain.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(other)
    result = CliRunner().invoke(cli, ["verifikasi", str(other), "--root", str(tiny)])
    assert result.exit_code == 2
    assert "tidak memuat cap kinerja" in result.output
    assert "Traceback" not in result.output
