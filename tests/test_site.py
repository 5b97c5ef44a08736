"""The progress site: pages generated from the records, public mode, escaping, invalid records.

Golden Markdown of the generated pages lives in tests/golden/site/ (regenerate with
KINERJA_UPDATE_GOLDEN=1). The public-mode test scans every file of the public site for every
NIP and every reflection or note in the demo school.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kinerja_build import domain
from kinerja_build.cli import cli
from kinerja_build.load import DEFAULT_MAX_BYTES, load_file
from kinerja_build.site import pages
from kinerja_build.validate import validate

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
GOLDEN = TESTS / "golden" / "site"
GURU = "198305172009011004"


def _build(root: Path, out: Path, *extra: str) -> Result:
    args = ["build", "--root", str(root), "--out", str(out), "--hanya", "situs", *extra]
    return CliRunner().invoke(cli, args, catch_exceptions=False, env={"NO_COLOR": "1"})


@pytest.fixture(scope="module")
def public_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("publik")
    result = _build(REPO, out, "--publik")
    assert result.exit_code == 0, result.output
    return out / "site"


def _secrets(root: Path) -> tuple[set[str], set[str]]:
    """Every NIP and every reflection/note text of the school's records."""
    nips: set[str] = set()
    texts: set[str] = set()
    keys = ("refleksi", "catatan", "alasan", "target", "rekomendasi", "rencana_tindak_lanjut",
            "capaian", "tantangan", "rencana_perbaikan", "upaya_refleksi", "upaya_mempelajari",
            "perubahan_praktik", "laporan")  # fmt: skip

    def walk(value: object, key: str = "") -> None:
        if isinstance(value, dict):
            for child_key, child in value.items():
                walk(child, str(child_key))
        elif isinstance(value, list):
            for child in value:
                walk(child, key)
        elif isinstance(value, str):
            if re.fullmatch(r"\d{18}", value):
                nips.add(value)
            elif key in keys and len(value) > 25:
                texts.add(value)

    for path in (root / "records").rglob("*.yaml"):
        loaded = load_file(path, path.name, DEFAULT_MAX_BYTES)
        assert loaded.ok
        walk(loaded.data)
    return nips, texts


@pytest.mark.slow
def test_public_site_leaks_no_nip_and_no_reflection(public_site: Path) -> None:
    nips, texts = _secrets(REPO)
    assert len(nips) >= 14 and len(texts) >= 50  # the scan looks at real data
    files = [path for path in public_site.rglob("*") if path.is_file()]
    assert any(path.name == "search_index.json" for path in files)
    assert not list(public_site.rglob("*.pdf")), "PDFs carry NIPs: never on a public site"
    for path in files:
        content = path.read_bytes().decode("utf-8", "replace")
        if path.suffix == ".json":  # \u escapes of the search index, decoded
            content = json.dumps(json.loads(content), ensure_ascii=False)
        content = html.unescape(content)  # pages encode ' _ * … as entities
        compact = content.replace(" ", "")
        for nip in nips:
            assert nip not in compact, f"NIP {nip} in {path}"
            assert domain.format_nip(nip) not in content, f"NIP {nip} in {path}"
        for text in texts:
            probe = " ".join(text.split())[:40]
            assert probe not in " ".join(content.split()), f"record text in {path}: {probe}"


@pytest.mark.slow
def test_public_site_masks_nips_and_leaves_out_ratings(public_site: Path) -> None:
    page = next((public_site / "periode" / "2025").glob("drs-ujang-suherman.html"))
    text = html.unescape(page.read_text(encoding="utf-8"))
    assert "1968***********001" in text
    for label in domain.PREDIKAT_LABELS.values():
        assert f">{label}<" not in text
    assert "Rating hasil kerja" not in text


def test_current_periode_follows_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    school = validate(REPO).school
    monkeypatch.setenv(
        "SOURCE_DATE_EPOCH", str(int(dt.datetime(2024, 9, 1, tzinfo=dt.UTC).timestamp()))
    )
    assert pages.current_periode(school) == "2024-2"
    monkeypatch.setenv(
        "SOURCE_DATE_EPOCH", str(int(dt.datetime(2025, 3, 1, tzinfo=dt.UTC).timestamp()))
    )
    assert pages.current_periode(school) == "2025"
    monkeypatch.setenv(
        "SOURCE_DATE_EPOCH", str(int(dt.datetime(2031, 1, 1, tzinfo=dt.UTC).timestamp()))
    )
    assert pages.current_periode(school) == pages.periodes(school)[-1]  # none contains it


def test_mask_nip() -> None:
    assert pages.mask_nip("196802141994121001") == "1968***********001"
    assert pages.mask_nip("non-asn-x") == "non-asn-x"


@pytest.fixture
def base_school(school: Path) -> Path:
    shutil.copy(REPO / "mkdocs.yml", school / "mkdocs.yml")
    (school / "site").mkdir()  # docs_dir, as `kinerja init` creates it
    return school


@pytest.mark.slow
def test_record_text_is_escaped(base_school: Path, tmp_path: Path) -> None:
    report = base_school / "records" / "kinerja" / "2025" / GURU / "pengembangan-kompetensi.yaml"
    text = report.read_text(encoding="utf-8")
    hostile = "<script>alert('x')</script> <img src=x onerror=alert(1)> *tebal* [tautan](http://x)"
    text = re.sub(
        r"refleksi: >-\n(\s+).*", lambda m: f"refleksi: >-\n{m[1]}{hostile}", text, count=1
    )
    report.write_text(text, encoding="utf-8")
    result = _build(base_school, tmp_path / "out")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out" / "site" / "periode" / "2025" / f"{GURU}.html").read_text(
        encoding="utf-8"
    )
    assert "&lt;script&gt;alert" in page
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert 'href="http://x"' not in page


@pytest.mark.slow
def test_record_text_cannot_change_the_markdown(base_school: Path, tmp_path: Path) -> None:
    """Multi-line text must not start Markdown blocks: attr_list would even add attributes."""
    folder = base_school / "records" / "kinerja" / "2025" / GURU
    penilaian = folder / "penilaian.yaml"
    text = penilaian.read_text(encoding="utf-8")
    hostile = (
        "ALPHA\\n{: onmouseover=alert(7) }\\n# BETA\\n1. GAMMA\\n\\n    DELTA\\n!!! danger EPS"
    )
    penilaian.write_text(
        re.sub(r"(?m)^catatan: .*$", lambda _: f'catatan: "{hostile}"', text), encoding="utf-8"
    )
    siklus = folder / "siklus.yaml"
    text = siklus.read_text(encoding="utf-8")
    siklus.write_text(
        text.replace("catatan: Rubrik tiga", 'catatan: "sel | ZETA\\n# ETA" #', 1), encoding="utf-8"
    )
    result = _build(base_school, tmp_path / "out")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out" / "site" / "periode" / "2025" / f"{GURU}.html").read_text(
        encoding="utf-8"
    )
    assert "onmouseover" in page and 'onmouseover="' not in page
    assert "<p><em>Catatan:</em> ALPHA<br>" in page
    for word in ("BETA", "GAMMA", "DELTA", "EPS"):
        assert re.search(rf"<br>[^<]*{word}", page), word  # still in the same paragraph
    assert re.search(r"<td>sel &#124; ZETA<br>&#35; ETA</td>", page)


@pytest.mark.slow
def test_hostile_name_cannot_break_out_of_the_title(base_school: Path, tmp_path: Path) -> None:
    """Material's <title> decodes entities (`striptags`); the plugin must keep them encoded."""
    person = base_school / "records" / "pegawai" / f"{GURU}.yaml"
    text = person.read_text(encoding="utf-8")
    person.write_text(
        re.sub(r"(?m)^nama: .*$", 'nama: "Ahmad </title><script>alert(1)</script>"', text),
        encoding="utf-8",
    )
    result = _build(base_school, tmp_path / "out")
    assert result.exit_code == 0, result.output
    site = tmp_path / "out" / "site"
    page = (site / "periode" / "2025" / f"{GURU}.html").read_text(encoding="utf-8")
    assert "<title>Ahmad &lt;/title&gt;&lt;script&gt;" in page
    for path in site.rglob("*.html"):
        assert "<script>alert" not in path.read_text(encoding="utf-8"), path


@pytest.mark.slow
def test_invalid_records_appear_marked_with_their_diagnostics(
    base_school: Path, tmp_path: Path
) -> None:
    penilaian = base_school / "records" / "kinerja" / "2025" / GURU / "penilaian.yaml"
    penilaian.write_text(
        penilaian.read_text(encoding="utf-8").replace("rating_hasil_kerja:", "rating_hasil:"),
        encoding="utf-8",
    )
    result = _build(base_school, tmp_path / "out", "--allow-errors")
    assert result.exit_code == 1
    site = tmp_path / "out" / "site"
    dashboard = (site / "periode" / "2025" / "index.html").read_text(encoding="utf-8")
    assert "tidak valid" in dashboard
    page = (site / "periode" / "2025" / f"{GURU}.html").read_text(encoding="utf-8")
    assert "Catatan ini belum valid" in page and "KIN102" in page
    validation = (site / "validasi.html").read_text(encoding="utf-8")
    assert "KIN102" in validation and f"{GURU}.html" in validation
    # The message's quoted field name is shown as code; the record is named in words, its file
    # and line folded away; each person's group links to their latest page.
    assert "Kolom <code>rating_hasil</code> tidak dikenal" in html.unescape(validation)
    assert "<strong>Penilaian tahun 2025</strong>" in validation
    assert re.search(
        rf"<summary>Letak dan kode</summary><code>records/kinerja/2025/{GURU}/penilaian\.yaml:\d+:\d+",
        validation,
    )
    assert 'href="periode/2025/non-asn-rina-marlina.html"' in validation
    # Errors come before warnings and infos: the person with the error is the first group.
    assert validation.index(f"{GURU}.html") < validation.index("non-asn-rina-marlina.html")


@pytest.mark.slow
def test_schemas_are_published_for_editors(tmp_path: Path) -> None:
    result = _build(REPO, tmp_path)
    assert result.exit_code == 0, result.output
    for name in ("rencana", "siklus", "penilaian", "umum"):
        published = tmp_path / "site" / "schemas" / f"{name}.schema.json"
        assert published.read_bytes() == (REPO / "schemas" / f"{name}.schema.json").read_bytes()
    rules_page = (tmp_path / "site" / "referensi" / "aturan.html").read_text(encoding="utf-8")
    assert "KIN601" in rules_page and "KIN903" in rules_page and "KIN827" in rules_page
    fields = html.unescape(
        (tmp_path / "site" / "referensi" / "kolom.html").read_text(encoding="utf-8")
    )
    assert "rating_hasil_kerja" in fields and "di_atas_ekspektasi" in fields
    # No CDN: every script and stylesheet comes from the site itself.
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', index)


@pytest.mark.slow
def test_pdfs_are_copied_and_linked_when_built(base_school: Path, tmp_path: Path) -> None:
    for folder in (base_school / "records" / "kinerja").glob("*/*"):
        if folder.parent.name != "2025" or folder.name != GURU:
            shutil.rmtree(folder) if folder.name not in (GURU, "197404122000031003") else None
    out = tmp_path / "out"
    args = [
        "build",
        "--root",
        str(base_school),
        "--out",
        str(out),
        "-j",
        "1",
        "--hanya",
        "pdf",
        "--hanya",
        "situs",
    ]
    result = CliRunner().invoke(cli, args, catch_exceptions=False, env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    page = (out / "site" / "periode" / "2025" / f"{GURU}.html").read_text(encoding="utf-8")
    assert f'href="{GURU}-evaluasi-kinerja.pdf"' in page
    copied = out / "site" / "periode" / "2025" / f"{GURU}-evaluasi-kinerja.pdf"
    assert (
        copied.read_bytes() == (out / "pdf" / "2025" / GURU / "evaluasi-kinerja.pdf").read_bytes()
    )


@pytest.mark.slow
def test_no_pdf_links_without_pdfs(tmp_path: Path) -> None:
    assert _build(REPO, tmp_path).exit_code == 0
    for page in (tmp_path / "site" / "periode").rglob("*.html"):
        assert ".pdf" not in page.read_text(encoding="utf-8"), page


@pytest.mark.slow
def test_mkdocs_build_works_directly(base_school: Path, tmp_path: Path) -> None:
    out = tmp_path / "mkdocs-out"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "-q",
            "-f",
            str(base_school / "mkdocs.yml"),
            "-d",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert (out / "periode" / "2025" / f"{GURU}.html").is_file()


@pytest.mark.parametrize("page", ["dashboard-2025", "guru-2025"])
def test_generated_pages_match_golden(page: str, school: Path) -> None:
    """Regenerate with KINERJA_UPDATE_GOLDEN=1 after an intended change.

    `school` is the base case with its schemas, so the modelines resolve and the pages show
    only what the records say.
    """
    result = validate(school)
    data = pages.SiteData(
        result.school, list(result.report.diagnostics), False, result.config.referensi
    )
    text = (
        pages.dashboard_page(data, "2025")
        if page.startswith("dashboard")
        else pages.person_page(data, "2025", GURU)
    )
    golden = GOLDEN / f"{page}.md"
    if os.environ.get("KINERJA_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_mkdocs_config_without_the_plugin_is_a_diagnostic(
    base_school: Path, tmp_path: Path
) -> None:
    config = base_school / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("  - kinerja\n", ""), encoding="utf-8"
    )
    result = _build(base_school, tmp_path / "out")
    assert result.exit_code == 1
    assert "KIN910" in result.output and "plugin `kinerja`" in result.output
    assert "Traceback" not in result.output
