"""The layout module: record paths both ways, output paths, and no path literal elsewhere."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from kinerja_build import layout
from kinerja_build.layout import Misplaced, RecordKind, RecordPlace

PACKAGE = Path(layout.__file__).resolve().parent
NIP = "198703152010012004"


@pytest.mark.parametrize(
    ("kind", "periode", "owner", "rel"),
    [
        (RecordKind.SEKOLAH, None, None, "records/sekolah.yaml"),
        (RecordKind.PEGAWAI, None, NIP, f"records/pegawai/{NIP}.yaml"),
        (RecordKind.PEGAWAI, None, "non-asn-rina", "records/pegawai/non-asn-rina.yaml"),
        (RecordKind.RENCANA, "2025", NIP, f"records/kinerja/2025/{NIP}/rencana.yaml"),
        (RecordKind.SIKLUS, "2024-1", NIP, f"records/kinerja/2024-1/{NIP}/siklus.yaml"),
        (
            RecordKind.PENGEMBANGAN_KOMPETENSI,
            "2024-2",
            NIP,
            f"records/kinerja/2024-2/{NIP}/pengembangan-kompetensi.yaml",
        ),
        (RecordKind.TUGAS, "2026", "non-asn-rina", "records/kinerja/2026/non-asn-rina/tugas.yaml"),
        (RecordKind.PENILAIAN, "2025", NIP, f"records/kinerja/2025/{NIP}/penilaian.yaml"),
    ],
)
def test_record_path_and_back(
    kind: RecordKind, periode: str | None, owner: str | None, rel: str
) -> None:
    assert layout.record_path(kind, periode, owner) == rel
    assert layout.parse_record_path(rel) == RecordPlace(kind, periode, owner)


@pytest.mark.parametrize(
    "rel",
    [
        "records/sekolah.yml",  # only .yaml is a record
        "records/catatan.yaml",
        "records/pegawai/Budi Santoso.yaml",
        "records/pegawai/sub/x.yaml",
        "records/kinerja/2025/rencana.yaml",
        "records/kinerja/2025/x/y/rencana.yaml",
        "records/kinerja/25/x/rencana.yaml",
        "records/kinerja/2024-3/x/rencana.yaml",
        f"records/kinerja/2025/{NIP}/sekolah.yaml",  # not a per-periode kind
        f"records/kinerja/2025/{NIP}/pegawai.yaml",
        f"records/kinerja/2025/{NIP}/catatan.yaml",
        f"records/kinerja/2025/../{NIP}/rencana.yaml",
        "sekolah.yaml",
        "site/records/sekolah.yaml",
        "",
    ],
)
def test_anything_else_is_refused_with_a_hint(rel: str) -> None:
    place = layout.parse_record_path(rel)
    assert isinstance(place, Misplaced)
    assert place.hint


def test_record_kinds_are_listed_once() -> None:
    assert [kind.value for kind in RecordKind] == [
        "sekolah",
        "pegawai",
        "rencana",
        "siklus",
        "pengembangan-kompetensi",
        "tugas",
        "penilaian",
    ]
    assert tuple(RecordKind)[2:] == layout.PERIOD_KINDS
    assert RecordKind.PENGEMBANGAN_KOMPETENSI.label == "pengembangan kompetensi"


def test_output_paths() -> None:
    out = Path("/tmp/keluaran")
    assert layout.pdf_document("2025", NIP, "evaluasi") == f"pdf/2025/{NIP}/evaluasi-kinerja.pdf"
    assert layout.pdf_path(out, "2025", NIP, "rencana") == (
        out / "pdf" / "2025" / NIP / "rencana-kinerja.pdf"
    )
    assert layout.pdf_recap("2024-1") == "pdf/2024-1/rekap-kinerja-sekolah.pdf"
    assert layout.in_pdf_dir(Path("/x"), layout.pdf_recap("2025")) == Path(
        "/x/2025/rekap-kinerja-sekolah.pdf"
    )
    assert layout.export_file(layout.export_bundle_name("20999303", "2025")) == (
        "ekspor-bkn/kinerja-20999303-2025.zip"
    )
    assert layout.export_names("1", "2025") == {
        "kinerja-1-2025.zip",
        "belum-siap-2025.csv",
        "belum-siap-2025.xlsx",
    }
    assert layout.PDF_CACHE == "pdf/.cache.json"
    assert layout.VALIDATION_REPORT == "validasi.json"


# -- no path literal outside layout.py ---------------------------------------------------------

# A literal is a path when it has no whitespace (messages have) and names a place of the trees.
_EXACT = {
    "records", "site", "templates", "schemas", "ekspor-bkn", "validasi.json", "mkdocs.yml",
    "kinerja.yml", "kinerja.yaml", "sekolah.yaml", ".cache.json", ".situs-kosong",
}  # fmt: skip
_FRAGMENT = re.compile(
    r"records/|/records|kinerja/|pegawai/|pdf/|/pdf|ekspor-bkn|belum-siap|validasi\.json"
    r"|sekolah\.yaml|\.cache\.json|site/|build/|\.(ya?ml|pdf|zip)$"
)
# Literals that look like paths of the trees but are not, each with the reason.
_NOT_LAYOUT = {
    ("render/pdf.py", "'pdf/a-2a'"): "WeasyPrint's name of the PDF/A variant",
    ("resources.py", "'referensi.yaml'"): "a data file inside the package",
    ("scaffold.py", "'sekolah.yaml.j2'"): "the name of a `kinerja init` template",
    (
        "export/__init__.py",
        "f\"dokumen/{row['nip']}-evaluasi-kinerja.pdf\"",
    ): "an entry inside the bundle zip (the bundle's own format)",
    ("app/gitcommit.py", "f'kinerja/{actor}'"): "a git branch name",
    ("app/server.py", "f'/pegawai/{person}'"): "a URL of the web app",
    ("app/server.py", "f'/pegawai/{actor}'"): "a URL of the web app",
    ("app/server.py", "'/pegawai/{pegawai}'"): "a route of the web app",
}


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        kinds = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
        if isinstance(node, kinds) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _path_literals(source: str) -> list[tuple[int, str]]:
    tree = ast.parse(source)
    skip = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            skip.update(id(value) for value in node.values)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = [v.value for v in node.values if isinstance(v, ast.Constant)]
        elif (
            isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
        ):
            parts = [node.value]
        else:
            continue
        if any(re.search(r"\s", part) or "://" in part for part in parts):
            continue  # a message for people (it may mention a path) or a URL
        if any(part in _EXACT or _FRAGMENT.search(part) for part in parts):
            found.append((node.lineno, ast.unparse(node)))
    return found


def test_scanner_finds_path_literals() -> None:
    """The check below would catch the forms paths used to take (it can fail)."""
    source = (
        'a = root / "records" / "pegawai"\n'
        'b = f"pdf/{periode}/{owner}/x.pdf"\n'
        'c = f"{EXPORT}/belum-siap-{periode}.csv"\n'
        'd = "Berkas records/sekolah.yaml tidak ada."\n'
        'e = "situs"\n'
        'f = "https://example.org/records/x.yaml"\n'
    )
    assert sorted(line for line, _ in _path_literals(source)) == [1, 2, 3]


def test_no_path_literal_outside_layout() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel == "layout.py":
            continue
        for line, literal in _path_literals(path.read_text(encoding="utf-8")):
            if (rel, literal) not in _NOT_LAYOUT:
                offenders.append(f"kinerja_build/{rel}:{line}: {literal}")
    assert not offenders, "ask kinerja_build/layout.py for these paths:\n" + "\n".join(offenders)


def test_stages_are_imported_directly_and_do_not_import_the_pipeline() -> None:
    """build.py names every stage of stage.STAGES; no stage module imports build.py."""
    from kinerja_build import build, stage

    assert tuple(build.STAGE_FUNCTIONS) == stage.STAGES
    build_source = (PACKAGE / "build.py").read_text(encoding="utf-8")
    assert "importlib" not in build_source
    for folder in ("render", "export", "site"):
        for path in (PACKAGE / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            imported = {
                node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
            } | {
                alias.name
                for node in ast.walk(tree)
                if isinstance(node, ast.Import)
                for alias in node.names
            }
            assert "kinerja_build.build" not in imported, path
