"""Hostile pull requests (issue 17): every file of a school repository is written by an adversary.

One test (or one parametrised group) per class of attack: symlinks in the output tree, `--out` onto
folders kinerja did not make, a mkdocs.yml that would run code, symlinks that read the outside
world, the NIP mask bypass, control characters in terminal output, and the crash/hang inputs.
Forged export bundles for `kinerja ekspor periksa` are at the end.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

Run = Callable[..., Result]


def _tree(folder: Path) -> dict[str, bytes]:
    """Every regular file below folder with its bytes (symlinks not followed)."""
    found = {}
    for directory, _subfolders, names in os.walk(folder):
        for name in names:
            path = Path(directory) / name
            if not path.is_symlink():
                found[path.relative_to(folder).as_posix()] = path.read_bytes()
    return found


# --- symlinks in the output tree -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("link", "target"),
    [
        ("build/site", "../records"),  # the site would replace every record
        ("build/pdf", "../templates"),  # stale-PDF cleaning would delete there
        ("build", "../elsewhere"),  # the whole output outside the repository
        ("build/ekspor-bkn", "../records"),
    ],
)
def test_symlinks_in_the_output_tree_are_refused(
    run_cli: Run, school: Path, link: str, target: str
) -> None:
    (school / "templates").mkdir()
    (school / "templates" / "punya-sekolah.pdf").write_bytes(b"%PDF-1.7 milik sekolah")
    (school.parent / "elsewhere").mkdir()
    (school / link).parent.mkdir(parents=True, exist_ok=True)
    (school / link).symlink_to(target)
    before = _tree(school.parent)
    result = run_cli("build", "--root", str(school), "--hanya", "situs")
    assert result.exit_code == 2, result.output
    assert "tautan simbolik" in result.output
    assert _tree(school.parent) == before


def test_default_output_folder_keeps_files_kinerja_did_not_write(
    run_cli: Run, school: Path
) -> None:
    arsip = school / "build" / "pdf" / "arsip" / "2019" / "lama.pdf"
    arsip.parent.mkdir(parents=True)
    arsip.write_bytes(b"%PDF arsip pengguna")
    (school / "build" / "validasi.json").write_text("{}", encoding="utf-8")  # an older build
    result = run_cli("build", "--root", str(school), "--hanya", "situs")
    assert result.exit_code == 0, result.output
    assert arsip.read_bytes() == b"%PDF arsip pengguna"
    manifest = json.loads((school / "build" / ".kinerja-keluaran.json").read_text("utf-8"))
    assert "site/index.html" in manifest["berkas"]
    assert not any(name.startswith("pdf/arsip") for name in manifest["berkas"])


def test_a_forged_manifest_cannot_make_kinerja_delete_outside_its_outputs(
    run_cli: Run, school: Path
) -> None:
    out = school / "build"
    out.mkdir()
    mine = out / "pdf" / "arsip" / "catatan.txt"
    mine.parent.mkdir(parents=True)
    mine.write_bytes(b"milik pengguna")
    outside = school.parent / "di-luar.pdf"
    outside.write_bytes(b"%PDF di luar")
    forged = [
        "../records/sekolah.yaml",
        str(outside),
        "pdf/../../di-luar.pdf",
        "pdf/arsip/../../../records/sekolah.yaml",
        "site/..",
    ]
    (out / ".kinerja-keluaran.json").write_text(json.dumps({"berkas": forged}), "utf-8")
    sekolah = (school / "records" / "sekolah.yaml").read_bytes()
    result = run_cli("build", "--root", str(school), "--hanya", "situs")
    assert result.exit_code == 0, result.output
    assert (school / "records" / "sekolah.yaml").read_bytes() == sekolah
    assert outside.read_bytes() == b"%PDF di luar"
    assert mine.read_bytes() == b"milik pengguna"


def test_stale_site_pages_of_an_earlier_build_are_removed(run_cli: Run, school: Path) -> None:
    (school / "site").mkdir()
    (school / "site" / "sementara.md").write_text("# Sementara\n", encoding="utf-8")
    assert run_cli("build", "--root", str(school), "--hanya", "situs").exit_code == 0
    assert (school / "build" / "site" / "sementara.html").is_file()
    (school / "site" / "sementara.md").unlink()
    mine = school / "build" / "site" / "milik-pengguna.txt"
    mine.write_text("jangan dihapus", encoding="utf-8")
    assert run_cli("build", "--root", str(school), "--hanya", "situs").exit_code == 0
    assert not (school / "build" / "site" / "sementara.html").exists()
    assert mine.read_text(encoding="utf-8") == "jangan dihapus"


# --- --out onto existing and protected folders ---------------------------------------------------


@pytest.mark.parametrize("out", ["site", "site/hasil", "templates", "templates/pdf", "schemas"])
def test_output_inside_a_source_folder_is_refused(run_cli: Run, school: Path, out: str) -> None:
    (school / "site").mkdir(exist_ok=True)
    (school / "templates" / "pdf").mkdir(parents=True, exist_ok=True)
    (school / "templates" / "pdf" / "kop.pdf").write_bytes(b"%PDF kop")
    before = _tree(school)
    result = run_cli("build", "--root", str(school), "--out", str(school / out))
    assert result.exit_code == 2, result.output
    assert "folder sumber" in result.output
    assert _tree(school) == before


def test_output_onto_a_foreign_folder_is_refused(
    run_cli: Run, school: Path, tmp_path: Path
) -> None:
    documents = tmp_path / "dokumen-saya"
    (documents / "pdf").mkdir(parents=True)
    (documents / "pdf" / "penting.pdf").write_bytes(b"%PDF penting")
    (documents / "surat.txt").write_text("surat", encoding="utf-8")
    before = _tree(documents)
    result = run_cli("build", "--root", str(school), "--out", str(documents))
    assert result.exit_code == 2, result.output
    assert "bukan buatan kinerja" in result.output
    assert _tree(documents) == before


# --- mkdocs.yml never runs code --------------------------------------------------------------------

_MKDOCS_BASE = (
    "site_name: Situs sekolah\n"
    "theme:\n  name: material\n  language: id\n  font: false\n"
    "plugins:\n  - search\n  - kinerja\n"
)


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ("hooks:\n  - kait.py\n", "KIN911"),
        ("INHERIT: kait.yml\n", "KIN911"),
        ("site_author: !!python/object/apply:kait.tandai []\n", "KIN003"),
        ("extra:\n  x: !!python/name:kait.tandai\n", "KIN003"),
        ("theme_x: &a [*a]\n", "KIN004"),
    ],
)
def test_mkdocs_yml_cannot_run_python(
    run_cli: Run, school: Path, tmp_path: Path, extra: str, code: str
) -> None:
    marker = tmp_path / "dijalankan"
    hook = (
        f"from pathlib import Path\nPath({str(marker)!r}).write_text('x')\ndef tandai(*a): pass\n"
    )
    (school / "kait.py").write_text(hook, encoding="utf-8")
    (school / "kait.yml").write_text("hooks: [kait.py]\n", encoding="utf-8")
    (school / "mkdocs.yml").write_text(_MKDOCS_BASE + extra, encoding="utf-8")
    result = run_cli("build", "--root", str(school), "--hanya", "situs")
    assert not marker.exists(), "mkdocs.yml ran Python from the repository"
    assert code in result.output, result.output
    assert (school / "build" / "site" / "index.html").is_file()


def test_mkdocs_alias_bomb_is_refused_quickly(run_cli: Run, school: Path) -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for index in range(1, 12):
        previous, current = chr(ord("a") + index - 1), chr(ord("a") + index)
        lines.append(f"{current}: &{current} [" + ",".join([f"*{previous}"] * 9) + "]")
    (school / "mkdocs.yml").write_text(_MKDOCS_BASE + "\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("build", "--root", str(school), "--hanya", "situs")
    assert "KIN004" in result.output


def test_site_stage_never_reads_the_current_directorys_mkdocs_yml(
    run_cli: Run, school: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    marker = tmp_path / "dijalankan"
    (elsewhere / "kait.py").write_text(
        f"from pathlib import Path\nPath({str(marker)!r}).write_text('x')\n", encoding="utf-8"
    )
    (elsewhere / "mkdocs.yml").write_text("site_name: x\nhooks: [kait.py]\n", encoding="utf-8")
    monkeypatch.chdir(elsewhere)
    result = run_cli("build", "--root", str(school), "--hanya", "situs")
    assert result.exit_code == 0, result.output
    assert not marker.exists()


def test_mkdocs_options_that_read_files_are_dropped(run_cli: Run, school: Path) -> None:
    (school / "mkdocs.yml").write_text(
        _MKDOCS_BASE
        + "markdown_extensions:\n  - pymdownx.snippets:\n      base_path: [/etc]\n"
        + "theme_extra: 1\n",
        encoding="utf-8",
    )
    (school / "site").mkdir()
    (school / "site" / "index.md").write_text('# Beranda\n\n--8<-- "hostname"\n', "utf-8")
    result = run_cli("build", "--root", str(school), "--hanya", "situs")
    assert "KIN911" in result.output and "pymdownx.snippets" not in _site_text(school)
    hostname = Path("/etc/hostname").read_text(encoding="utf-8").strip()
    assert not hostname or hostname not in _page(school, "index.html")


def _page(school: Path, name: str) -> str:
    return (school / "build" / "site" / name).read_text(encoding="utf-8")


def _site_text(school: Path) -> str:
    return "".join(
        path.read_text(encoding="utf-8", errors="replace")
        for path in (school / "build" / "site").rglob("*.html")
    )


# --- symlinks that read the outside world ----------------------------------------------------------


def test_symlinks_in_the_site_folder_are_not_published(
    run_cli: Run, school: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "rahasia.md"
    secret.write_text("# Rahasia\n\nKATA-SANDI-RAHASIA\n", encoding="utf-8")
    (tmp_path / "folder-rahasia").mkdir()
    (tmp_path / "folder-rahasia" / "x.md").write_text("KATA-SANDI-RAHASIA\n", encoding="utf-8")
    (school / "site").mkdir()
    (school / "site" / "bocor.md").symlink_to(secret)
    (school / "site" / "folder").symlink_to(tmp_path / "folder-rahasia")
    os.mkfifo(school / "site" / "antrian.md")
    result = run_cli("build", "--root", str(school), "--hanya", "situs")
    assert result.exit_code == 0, result.output
    assert result.output.count("KIN912") == 3
    assert "KATA-SANDI-RAHASIA" not in "".join(
        path.read_text(encoding="utf-8", errors="replace")
        for path in (school / "build" / "site").rglob("*")
        if path.is_file()
    )


def test_a_docs_dir_outside_the_repository_is_refused(
    run_cli: Run, school: Path, tmp_path: Path
) -> None:
    (tmp_path / "luar").mkdir()
    (tmp_path / "luar" / "index.md").write_text("KATA-SANDI-RAHASIA\n", encoding="utf-8")
    (school / "mkdocs.yml").write_text(_MKDOCS_BASE + "docs_dir: ../luar\n", encoding="utf-8")
    result = run_cli("build", "--root", str(school), "--hanya", "situs")
    assert "KIN911" in result.output
    assert "KATA-SANDI-RAHASIA" not in _site_text(school)
    (school / "mkdocs.yml").write_text(_MKDOCS_BASE + "docs_dir: halaman\n", encoding="utf-8")
    (school / "halaman").symlink_to(tmp_path / "luar")
    result = run_cli("build", "--root", str(school), "--hanya", "situs")
    assert "KIN912" in result.output
    assert "KATA-SANDI-RAHASIA" not in _site_text(school)


def _copy(source: Path, target: Path) -> None:
    shutil.copytree(source, target, symlinks=True)


def test_records_folder_that_is_a_symlink_is_not_walked(
    run_cli: Run, school: Path, tmp_path: Path
) -> None:
    shutil.move(school / "records", tmp_path / "records-asli")
    (school / "records").symlink_to(tmp_path / "records-asli")
    result = run_cli("validate", "--root", str(school), "--format", "json")
    report = json.loads(result.output)
    assert result.exit_code == 1
    assert [d["code"] for d in report["diagnostik"]] == ["KIN009"]
    assert report["berkas_diperiksa"] == 0


def test_kinerja_yml_that_is_a_symlink_is_not_read(
    run_cli: Run, school: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "rahasia.yml"
    secret.write_text("aturan:\n  KATA-SANDI-RAHASIA: galat\n", encoding="utf-8")
    (school / "kinerja.yml").symlink_to(secret)
    result = run_cli("validate", "--root", str(school))
    assert result.exit_code == 2, result.output
    assert "KIN009" in result.output and "KATA-SANDI-RAHASIA" not in result.output


def _school_template(school: Path, body: str) -> Path:
    folder = school / "templates" / "pdf"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "rencana-kinerja.html.j2").write_text(body, encoding="utf-8")
    return folder


def test_a_template_including_a_symlink_is_refused(school: Path, tmp_path: Path) -> None:
    from kinerja_build.render.templates import TemplateProblem, TemplateSet

    secret = tmp_path / "rahasia.html"
    secret.write_text("KATA-SANDI-RAHASIA", encoding="utf-8")
    folder = _school_template(school, '{% include "bocor.html" %}')
    (folder / "bocor.html").symlink_to(secret)
    (folder / "antrian.html").unlink(missing_ok=True)
    os.mkfifo(folder / "antrian.html")
    templates = TemplateSet(school)
    templates.fingerprint()  # must not block on the FIFO nor read the link
    html = templates.render("rencana-kinerja.html.j2", {})
    assert isinstance(html, TemplateProblem) and html.code == "KIN903", html
    (folder / "rencana-kinerja.html.j2").write_text('{% include "antrian.html" %}', "utf-8")
    html = TemplateSet(school).render("rencana-kinerja.html.j2", {})
    assert isinstance(html, TemplateProblem) and html.code == "KIN903", html


def test_a_templates_folder_that_is_a_symlink_is_not_used(school: Path, tmp_path: Path) -> None:
    from kinerja_build.render.templates import PACKAGE_TEMPLATES, TemplateSet

    (tmp_path / "luar" / "pdf").mkdir(parents=True)
    (tmp_path / "luar" / "pdf" / "rencana-kinerja.html.j2").write_text("RAHASIA", "utf-8")
    (school / "templates").symlink_to(tmp_path / "luar")
    templates = TemplateSet(school)
    assert templates.search == [PACKAGE_TEMPLATES] and templates.refused


def test_a_template_that_never_ends_is_stopped(
    school: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kinerja_build.render import templates as module

    monkeypatch.setattr(module, "MAX_RENDER_SECONDS", 1.0)
    loops = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"
    _school_template(school, loops)
    html = module.TemplateSet(school).render("rencana-kinerja.html.j2", {})
    assert isinstance(html, module.TemplateProblem) and "detik" in html.message
    _school_template(school, "{% for a in range(100000) %}" + "x" * 100 + "{% endfor %}")
    html = module.TemplateSet(school).render("rencana-kinerja.html.j2", {})
    assert isinstance(html, module.TemplateProblem) and "MB HTML" in html.message


def test_a_document_with_too_many_pages_is_refused() -> None:
    from kinerja_build.render import pdf

    html = "<p style='page-break-after: always'>x</p>" * (pdf.MAX_PAGES + 1)
    result = pdf.render_pdf(pdf.PdfTask("x.pdf", html, "file:///nonexistent/", ()))
    assert result.content is None and "halaman" in result.failure


# --- crash and hang inputs ---------------------------------------------------------------------------


def test_fifo_and_device_in_records_do_not_hang(run_cli: Run, school: Path) -> None:
    fifo = school / "records" / "pegawai" / "199999999999999999.yaml"
    os.mkfifo(fifo)
    result = run_cli("validate", "--root", str(school), "--format", "json")
    found = {(d["file"], d["code"]) for d in json.loads(result.output)["diagnostik"]}
    assert ("records/pegawai/199999999999999999.yaml", "KIN012") in found


def _remove_chains(top: Path) -> None:
    """Delete the chains again: pytest's own clean-up (shutil.rmtree) recurses and would fail."""
    subprocess.run(["rm", "-rf", str(top)], check=True)


@pytest.fixture
def deep_school(school: Path) -> Iterator[Path]:
    before = os.getcwd()
    yield school
    os.chdir(before)
    _remove_chains(school)


def test_directory_chain_deeper_than_python_recursion(run_cli: Run, deep_school: Path) -> None:
    """records/ (walked without recursion), site/ (mkdocs' own walk would recurse) and build/."""
    school = deep_school
    deep = school / "records"
    os.chdir(deep)  # relative mkdir keeps each path short of PATH_MAX
    try:
        for _ in range(1200):
            os.mkdir("d")
            os.chdir("d")
    finally:
        os.chdir(school)
    result = run_cli("validate", "--root", str(school))
    assert result.exit_code in (0, 1), result.output
    pages = school / "site"
    pages.mkdir()
    os.chdir(pages)
    try:
        for _ in range(1200):
            os.mkdir("d")
            os.chdir("d")
        Path("halaman.md").write_text("# Dalam\n", encoding="utf-8")
    finally:
        os.chdir(school)
    result = run_cli("build", "--root", str(school), "--hanya", "situs")
    assert result.exit_code == 0 and "KIN912" in result.output, result.output
    chain = school / "build" / "site" / "tua"
    chain.mkdir(parents=True)
    os.chdir(chain)
    try:
        for _ in range(1200):
            os.mkdir("d")
            os.chdir("d")
    finally:
        os.chdir(school)
    result = run_cli("build", "--root", str(school), "--hanya", "situs")
    assert result.exit_code == 2 and "tidak wajar" in result.output, result.output


# --- the NIP mask bypass ------------------------------------------------------------------------------


def test_a_nip_with_a_trailing_newline_is_invalid_in_both_engines() -> None:
    from kinerja_build import schema

    assert re.search(r"^[0-9]{18}$", "197404122000031003\n"), "Python's `$` is the hole"
    assert not schema.fast_verdict("pegawai", {"nip": "197404122000031003\n"})
    problems = schema.check("pegawai", {"nip": "197404122000031003\n"})
    assert ("nip",) in {problem.json_path for problem in problems}


def test_a_nip_with_a_trailing_newline_is_never_published_unmasked(
    run_cli: Run, school: Path
) -> None:
    person = school / "records" / "pegawai" / "197404122000031003.yaml"
    text = person.read_text(encoding="utf-8")
    person.write_text(
        text.replace('nip: "197404122000031003"', 'nip: "197404122000031003\\n"'), "utf-8"
    )
    result = run_cli("validate", "--root", str(school), "--format", "json")
    found = {
        (d["file"], d["code"], d["json_path"]) for d in json.loads(result.output)["diagnostik"]
    }
    assert ("records/pegawai/197404122000031003.yaml", "KIN105", "/nip") in found
    result = run_cli(
        "build", "--root", str(school), "--hanya", "situs", "--publik", "--allow-errors"
    )
    published = "".join(
        path.read_text(encoding="utf-8", errors="replace")
        for path in (school / "build" / "site").rglob("*")
        if path.is_file()
    )
    assert "197404122000031003" not in published


# --- control characters in names reaching the terminal and CI logs ------------------------------------


@pytest.mark.parametrize(
    "nama", ["Sri\\n::error file=records/x.yaml::palsu", "::warning::palsu", "Sri\\e[2J\\rpalsu"]
)
def test_names_cannot_fake_workflow_commands_or_rewrite_the_terminal(
    run_cli: Run, school: Path, nama: str
) -> None:
    person = school / "records" / "pegawai" / "197404122000031003.yaml"
    text = person.read_text(encoding="utf-8")
    person.write_text(
        text.replace("nama: Dedi Kurniawan, S.Pd., M.Pd.", f'nama: "{nama}"'), "utf-8"
    )
    result = run_cli("build", "--root", str(school), "--hanya", "ekspor", "--allow-errors")
    assert "palsu" in result.output, "the name is shown (made harmless), not dropped"
    for line in result.output.splitlines():
        assert not line.lstrip().startswith("::"), line
        assert not any(ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 for char in line), line


# --- what the generated workflow grants each job ------------------------------------------------------


def test_only_the_comment_job_may_write_and_it_runs_no_repository_code(
    run_cli: Run, tmp_path: Path
) -> None:
    import yaml

    assert run_cli("init", str(tmp_path / "s"), "--periode", "2025").exit_code == 0
    text = (tmp_path / "s" / ".github" / "workflows" / "kinerja.yml").read_text("utf-8")
    workflow = yaml.safe_load(text)
    assert workflow["permissions"] == {"contents": "read"}
    writers = {
        name: job
        for name, job in workflow["jobs"].items()
        if "write" in (job.get("permissions") or {}).values()
    }
    assert list(writers) == ["komentar"]
    steps = writers["komentar"]["steps"]
    assert not any("run" in step or "checkout" in step.get("uses", "") for step in steps)
    assert "head.repo.full_name == github.repository" in writers["komentar"]["if"]
    checkout = next(s for s in workflow["jobs"]["periksa"]["steps"] if "checkout" in s["uses"])
    assert checkout["with"]["persist-credentials"] is False


# --- diagnostic flood ------------------------------------------------------------------------------------


def test_a_run_keeps_a_bounded_number_of_diagnostics_and_counts_the_rest() -> None:
    from kinerja_build import diagnostics, report
    from kinerja_build.severity import make

    flood = (
        make("KIN102", f"records/pegawai/{index}.yaml", "Kolom tidak dikenal.")
        for index in range(diagnostics.MAX_DIAGNOSTICS + 500)
    )
    result = diagnostics.Report()
    result.extend(flood)
    assert len(result.diagnostics) == diagnostics.MAX_DIAGNOSTICS
    assert result.omitted == result.omitted_errors == 500 and not result.ok
    assert "500 temuan lain tidak ditampilkan" in report.summary_line(result)
    assert json.loads(report.format_json(result))["tidak_ditampilkan"] == 500


def test_one_record_with_a_million_violations_stays_small(school: Path) -> None:
    from kinerja_build import schema

    data = {f"kolom_{index}": "x" for index in range(50_000)}  # the loader's MAX_NODES
    problems = schema.check("pegawai", data)
    assert len(problems) == schema.MAX_PROBLEMS_PER_FILE + 1
    assert problems[-1].code == "KIN017" and "lain" in problems[-1].message


# --- forged export bundles ------------------------------------------------------------------------------


def _forged(path: Path, entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for info, content in entries:
            archive.writestr(info, content)
    encrypted = [isinstance(info, zipfile.ZipInfo) and info.comment == b"x" for info, _ in entries]
    if any(encrypted):  # zipfile clears the flag on write: set it in the central directory
        raw = bytearray(path.read_bytes())
        central = raw.index(b"PK\x01\x02")
        raw[central + 8] |= 0x1
        path.write_bytes(bytes(raw))
    return path


def _entry(name: str, *, mode: int = 0o100644, flags: int = 0) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.external_attr = mode << 16
    if flags & 0x1:
        info.comment = b"x"  # marks the entry for _forged to flag as encrypted
    return info


_MANIFEST = b'{"versi": 1}'


@pytest.mark.parametrize(
    ("entries", "why"),
    [
        ([("manifest.json", _MANIFEST), ("./manifest.json", _MANIFEST)], "`.`"),
        ([("dokumen//x.pdf", b"%PDF")], "`//`"),
        ([("dokumen\\x.pdf", b"%PDF")], "miring terbalik"),
        ([(_entry("dokumen/x.pdf", mode=0o120777), b"/etc/passwd")], "tautan simbolik"),
        ([(_entry("dokumen/x.pdf", flags=0x1), b"%PDF")], "terenkripsi"),
        ([("dokumen/x\u202efdp.exe", b"%PDF")], "bidi"),
        ([("dokumen/" + "x" * 300 + ".pdf", b"%PDF")], "karakter"),
        ([("Manifest.json", _MANIFEST), ("manifest.json", _MANIFEST)], "ganda"),
    ],
)
def test_forged_bundles_are_refused(
    run_cli: Run, tmp_path: Path, entries: list[tuple[Any, bytes]], why: str
) -> None:
    bundle = _forged(tmp_path / "kinerja-20999303-2025.zip", entries)
    result = run_cli("ekspor", "periksa", str(bundle))
    assert result.exit_code == 1, result.output
    assert "KIN820" in result.output and why in result.output, result.output
    assert "\u202e" not in result.output


def test_duplicate_json_keys_in_a_bundle_are_refused() -> None:
    from kinerja_build.export import verify

    answer = verify._json(
        {"manifest.json": b'{"periode": "2025", "periode": "2024"}'}, "manifest.json", "b.zip"
    )
    assert not isinstance(answer, dict) and answer.code == "KIN825" and "ganda" in answer.message


def test_periksa_refuses_a_fifo_instead_of_hanging(run_cli: Run, tmp_path: Path) -> None:
    fifo = tmp_path / "kinerja.zip"
    os.mkfifo(fifo)
    result = run_cli("ekspor", "periksa", str(fifo))
    assert result.exit_code == 2 and "bukan berkas biasa" in result.output


# --- kinerja diff over a history with symlinks ------------------------------------------------------------


def test_diff_over_history_with_symlinks_leaving_the_repository(run_cli: Run, school: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.email=a@b", "-c", "user.name=a", *args],
            cwd=school,
            check=True,
            capture_output=True,
        )

    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-qm", "awal")
    git("checkout", "-qb", "fitur")
    (school / "records" / "pegawai" / "199999999999999999.yaml").symlink_to("/etc/passwd")
    (school / "records" / "kinerja" / "keluar").symlink_to("../../..")
    git("add", "-A")
    git("commit", "-qm", "tautan")
    result = run_cli("diff", "main", "HEAD", "--root", str(school))
    assert result.exit_code == 0, result.output
    assert "root:" not in result.output
