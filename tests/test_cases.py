"""Data-driven cases: tests/cases/{valid,invalid}/<case>/ over the base school in tests/cases/base/.

Each case directory holds `case.yaml` and an overlay of files copied over a fresh copy of the base
school. `case.yaml` keys:

    deskripsi: what the case shows (Indonesian or English)
    hapus: [records/...]          files of the base to delete first (optional)
    buat:                         hostile files generated at test time (optional)
      records/pegawai/x.yaml: {jenis: besar | biner | bersarang | latin1 | bom_alias | kendali
                                                 | tautan_luar}
    harapan:                      the exact error/warning diagnostics expected (info is ignored)
      - {file: records/..., code: KIN401, path: /praktik_kinerja/indikator, baris: 5, kolom: 14}
    menguji: [KIN311]             valid cases: the rules whose passing side this case exercises
    hari_ini: 2025-02-15          the build date deadlines are judged on (optional; default
                                  1 January 2024, before any deadline, so other cases stay clean)

`path`, `baris` (line) and `kolom` (column) are optional in an expectation; when given they must match.
`pesan` (optional) is a fragment the diagnostic's message must contain.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from kinerja_build import rules
from kinerja_build.validate import validate

CASES = Path(__file__).resolve().parent / "cases"
REPO = CASES.parent.parent
BASE = CASES / "base"
BEFORE_ANY_DEADLINE = dt.date(2024, 1, 1)


def _cases(kind: str) -> list[Path]:
    return sorted(p for p in (CASES / kind).iterdir() if (p / "case.yaml").is_file())


def _spec(case: Path) -> dict[str, Any]:
    data = yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{case}/case.yaml must be a mapping"
    return data


def _generate(path: Path, kind: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "besar":
        path.write_text("catatan: |\n" + ("  " + "x" * 100 + "\n") * 12_000, encoding="utf-8")
    elif kind == "biner":
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    elif kind == "bersarang":
        path.write_text("nama: " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    elif kind == "latin1":
        path.write_bytes("nama: Bu Sri Wahyuni, S.Pd.\nalamat: Jl. Caf\xe9\n".encode("latin-1"))
    elif kind == "bom_alias":
        lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
        for index in range(1, 9):
            previous, current = chr(ord("a") + index - 1), chr(ord("a") + index)
            lines.append(f"{current}: &{current} [" + ",".join([f"*{previous}"] * 9) + "]")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif kind == "tautan_luar":  # a symlink that leaves the repository
        path.symlink_to("/etc/hostname")
    elif kind == "kendali":
        path.write_text("nama: Sri\x07 Wahyuni\n", encoding="utf-8")
    else:  # pragma: no cover - a typo in case.yaml
        raise AssertionError(f"unknown generated file kind {kind}")


def materialise(case: Path, target: Path) -> dict[str, Any]:
    """Base school + case overlay in `target`; returns the case spec."""
    spec = _spec(case)
    shutil.copytree(BASE, target)
    shutil.copytree(REPO / "schemas", target / "schemas")  # as `kinerja init` does
    for relative in spec.get("hapus", []):
        (target / relative).unlink()
    for source in sorted(case.rglob("*")):
        if source.is_file() and source.name != "case.yaml":
            destination = target / source.relative_to(case)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination)
    for relative, options in (spec.get("buat") or {}).items():
        _generate(target / relative, options["jenis"])
    return spec


def _today(spec: dict[str, Any]) -> dt.date:
    value = spec.get("hari_ini", BEFORE_ANY_DEADLINE)
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _actual(root: Path, today: dt.date = BEFORE_ANY_DEADLINE) -> list[dict[str, Any]]:
    result = validate(root, today)
    return [
        {
            "file": d.file,
            "code": d.code,
            "path": d.pointer,
            "baris": d.line,
            "kolom": d.column,
            "message": d.message,
        }
        for d in result.report
        if d.severity.value in ("error", "warning")
    ]


def _matches(expected: dict[str, Any], actual: dict[str, Any]) -> bool:
    return all(
        value in actual["message"] if key == "pesan" else actual[key] == value
        for key, value in expected.items()
    )


# PyYAML's and libyaml's own words: a syntax error (KIN001) is explained in Indonesian instead.
_PARSER_ENGLISH = re.compile(
    r"\b(while|parsing|scanning|expected|found|could not|not allowed|block end|token)\b", re.I
)


@pytest.mark.parametrize("case", _cases("invalid"), ids=lambda p: p.name)
def test_invalid_case(case: Path, tmp_path: Path) -> None:
    spec = materialise(case, tmp_path / "repo")
    expected = spec.get("harapan") or []
    assert expected, f"{case.name}: an invalid case must list its expected diagnostics"
    actual = _actual(tmp_path / "repo", _today(spec))
    unmatched = list(actual)
    for item in expected:
        found = next((a for a in unmatched if _matches(item, a)), None)
        assert found is not None, (
            f"{case.name}: expected {item}, got:\n{json.dumps(actual, indent=1, ensure_ascii=False)}"
        )
        unmatched.remove(found)
    assert not unmatched, (
        f"{case.name}: unexpected diagnostics:\n{json.dumps(unmatched, indent=1, ensure_ascii=False)}"
    )
    for item in actual:
        if item["code"] == "KIN001":
            assert not _PARSER_ENGLISH.search(item["message"]), f"{case.name}: {item['message']}"


@pytest.mark.parametrize("case", _cases("valid"), ids=lambda p: p.name)
def test_valid_case(case: Path, tmp_path: Path) -> None:
    spec = materialise(case, tmp_path / "repo")
    actual = _actual(tmp_path / "repo", _today(spec))
    allowed = spec.get("harapan") or []
    unexpected = [a for a in actual if not any(_matches(item, a) for item in allowed)]
    assert not unexpected, (
        f"{case.name}: expected clean, got:\n{json.dumps(unexpected, indent=1, ensure_ascii=False)}"
    )


def test_base_school_is_clean(tmp_path: Path) -> None:
    shutil.copytree(BASE, tmp_path / "repo")
    shutil.copytree(REPO / "schemas", tmp_path / "repo" / "schemas")
    assert _actual(tmp_path / "repo") == []


def test_every_code_has_an_invalid_case() -> None:
    covered = {
        item["code"] for case in _cases("invalid") for item in _spec(case).get("harapan") or []
    }
    # KIN305 is informational (non-ASN): it is checked by its valid case and a unit test.
    # Render (KIN9xx) and export (KIN8xx) codes come from `kinerja build`/`kinerja ekspor`:
    # tests/test_render.py, test_export.py and test_review.py cover each of them (for KIN8xx,
    # test_export.py::test_every_export_code_is_exercised enforces it). District codes (KIN95x)
    # come from `kinerja dinas build`: tests/test_dinas.py covers each of them.
    missing = sorted(
        r.code
        for r in rules.all_rules()
        if r.code not in covered
        and r.severity.value != "info"
        and r.scope not in ("render", "ekspor", "review", "dinas")
    )
    assert not missing, f"codes without an invalid case: {missing}"


def test_every_rule_has_a_valid_case() -> None:
    covered = {code for case in _cases("valid") for code in _spec(case).get("menguji") or []}
    missing = sorted(
        r.code for r in rules.all_rules() if r.check is not None and r.code not in covered
    )
    assert not missing, f"workflow rules without a valid case: {missing}"
