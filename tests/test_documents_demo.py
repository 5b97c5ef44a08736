"""Every document of the demo school read as its users read it: sign-ready, clean text layer.

One build of the whole demo (about a minute of CPU on two workers); the checks read the text
layer with pypdf and the structure tree with pikepdf (helpers in pdf_layer.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pikepdf
import pytest
import yaml
from click.testing import CliRunner
from pdf_layer import (
    PAGE_NUMBER,
    descendants,
    hyphenated,
    marked_content,
    only_signatures,
    page_texts,
    signers,
    structure_elements,
)

from kinerja_build import domain
from kinerja_build.cli import cli

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "sekolah"
    root.mkdir()
    for name in ("records", "schemas"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "kinerja.yml", root / "kinerja.yml")
    result = CliRunner().invoke(
        cli,
        ["build", "--root", str(root), "--hanya", "pdf", "--jobs", "2"],
        catch_exceptions=False,
        env={"NO_COLOR": "1", "SOURCE_DATE_EPOCH": ""},
    )
    assert result.exit_code == 0, result.output
    return root


def _people(root: Path) -> dict[str, dict[str, Any]]:
    people = {}
    for path in (root / "records" / "pegawai").glob("*.yaml"):
        people[path.stem] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return people


def _identities(root: Path, pdf: Path, people: dict[str, dict[str, Any]]) -> list[tuple[str, str]]:
    """(name, formatted NIP of an ASN or "") of whom a document is about."""
    folder = pdf.parent.name
    ids = (
        [folder]
        if folder in people
        else [p.name for p in (root / "records" / "kinerja" / folder).iterdir()]
    )
    found = []
    for pegawai_id in ids:
        person = people[pegawai_id]
        asn = person["status_kepegawaian"] in ("pns", "pppk")
        found.append((str(person["nama"]), domain.format_nip(str(person["nip"])) if asn else ""))
    return found


def test_every_demo_document_is_sign_ready(demo: Path) -> None:
    people = _people(demo)
    school = str(yaml.safe_load((demo / "records" / "sekolah.yaml").read_text())["nama"])
    pdfs = sorted((demo / "build" / "pdf").rglob("*.pdf"))
    assert len(pdfs) > 150
    problems = []
    everyone = signers(demo)
    for pdf in pdfs:
        texts = page_texts(pdf)
        text = "\n".join(texts)
        identities = _identities(demo, pdf, people)
        for name, nip in identities:
            if name not in text.replace("\n", " "):
                problems.append((pdf, "name", name))
            if nip and nip not in text:
                problems.append((pdf, "NIP broken", nip))
        words = {w.strip(",.") for name, _ in identities for w in name.split()} | set(
            school.split()
        )
        problems += [(pdf, "hyphenated", word) for word in words if hyphenated(text, word)]
        if only_signatures(texts[-1], everyone):
            problems.append((pdf, "last page holds only signatures", texts[-1][:80]))
        if "DRAF" in text or PAGE_NUMBER.search(text) or "Kode verifikasi" in text:
            problems.append((pdf, "artifact in the text layer", ""))
    assert not problems, problems[:10]


def test_every_demo_table_has_header_cells_and_margins_are_artifacts(demo: Path) -> None:
    for path in sorted((demo / "build").rglob("*.pdf")):
        with pikepdf.open(path) as pdf:
            elements = list(structure_elements(pdf))
            for table in (element for element in elements if element.S == "/Table"):
                assert any(cell.S == "/TH" for cell in descendants(table)), path
            for page in pdf.pages:
                assert ("/Artifact", None, "/Pagination") in list(marked_content(page)), path


def test_demo_print_packs(demo: Path) -> None:
    for periode in (demo / "records" / "kinerja").iterdir():
        folder = demo / "build" / "cetak" / periode.name
        assert (folder / "sekolah.pdf").is_file()
        for person in periode.iterdir():
            assert (folder / f"{person.name}.pdf").is_file()
