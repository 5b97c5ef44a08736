"""The loader: positions, safety limits, and never raising on bad input."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from kinerja_build.load import MAX_DEPTH, _syntax_diagnostic, load_file, load_text, locate
from kinerja_build.validate import validate


def codes(text: str) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.column) for d in load_text(text, "x.yaml").diagnostics]


def test_plain_mapping_loads_with_typed_scalars() -> None:
    loaded = load_text(
        "a: teks\nb: 12\nc: 1.5\nd: true\ne: null\nf: 2025-01-08\ng: [1, 2]\n", "x.yaml"
    )
    assert loaded.ok
    assert loaded.data == {
        "a": "teks",
        "b": 12,
        "c": 1.5,
        "d": True,
        "e": None,
        "f": "2025-01-08",  # dates stay text; the schema checks their format
        "g": [1, 2],
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\nb: 2\na: 3\n", [("KIN002", 3, 1)]),
        ("a:\n  x: 1\n  x: 2\n  y: 1\n  y: 2\n", [("KIN002", 3, 3), ("KIN002", 5, 3)]),
        ("a: !foo 1\n", [("KIN003", 1, 4)]),
        ("a: !!python/object:os.system x\n", [("KIN003", 1, 4)]),
        ("a: !!binary aGVsbG8=\n", [("KIN003", 1, 4)]),
        ("a: &x [1]\nb: *x\n", [("KIN004", 1, 4)]),
        ("base: {a: 1}\n<<: {b: 2}\n", [("KIN004", 2, 1)]),
        ("a: b: c\n", [("KIN001", 1, 5)]),
        ("a:\n\t- 1\n", [("KIN001", 2, 1)]),
        ("a: 1\n---\nb: 2\n", [("KIN011", 2, 1)]),
        ("", [("KIN008", 1, 1)]),
        ("# hanya komentar\n", [("KIN008", 1, 1)]),
        ("- 1\n- 2\n", [("KIN008", 1, 1)]),
        ("? [1, 2]\n: x\n", [("KIN008", 1, 3)]),
        ("1: x\n", [("KIN008", 1, 1)]),
        ("a: 'tidak ditutup\n", [("KIN001", 1, 4)]),  # the opening quote, not the end
        ("a: x\x07y\n", [("KIN006", 1, 5)]),
    ],
)
def test_bad_yaml_becomes_a_diagnostic(text: str, expected: list[tuple[str, int, int]]) -> None:
    assert codes(text) == expected


# Broken YAML a person writes, the place of the mistake, and the Indonesian explanation. Both
# parsers are asked: libyaml (the loader) and pure PyYAML (its fallback), whose problem texts
# differ ("did not find expected key" / "expected <block end>, but found '<scalar>'").
SYNTAX_ERRORS = [
    ("nama: A\nmapel:\n\t- Seni\n", 3, 1, "tab dipakai sebagai indentasi"),
    ("nama: A\nalamat:\n  jalan: x\n\tdesa: y\n", 4, 1, "tab dipakai sebagai indentasi"),
    ("nama: A\nnip: '123\n", 2, 6, "tanda kutip yang dibuka di sini tidak ditutup"),
    ('nama: "Budi\nnip: "123"\n', 1, 7, "tanda kutip yang dibuka di sini tidak ditutup"),
    ("nama: A\nnip 123\nx: 1\n", 2, 1, "titik dua tidak ditemukan"),
    ("nama: A\nalamat:\n  jalan x\n  desa: y\n", 3, 3, "titik dua tidak ditemukan"),
    ("nama: Budi: guru\n", 1, 11, "titik dua (`:`) di tempat yang tidak semestinya"),
    ("nama: A\nalamat:\n  jalan: x\n   desa: y\n", 4, 8, "titik dua (`:`) di tempat"),
    ("nama: A\nalamat:\n    jalan: x\n  desa: y\n", 4, 3, "indentasi tidak cocok"),
    ("mapel:\n  - a\n  b: 1\n", 3, 3, "daftar terputus"),
    ("mapel: [a, b\nnama: x\n", 1, 8, "kurung siku `[` yang dibuka di sini tidak ditutup"),
    ("a: {x: 1\nb: 2\n", 1, 4, "kurung kurawal `{` yang dibuka di sini tidak ditutup"),
    ("nama: 'a' b\n", 1, 11, "ada teks setelah tanda kutip penutup"),
    ("nama: @budi\n", 1, 7, "karakter `@` tidak boleh mengawali nilai"),
    ("a: - b\n", 1, 4, "butir daftar (`- `) tidak boleh"),
    ("a: ]\n", 1, 4, "nilai tidak ditemukan di sini"),
    ("a: |x\n  y\n", 1, 5, "teks blok"),
]


@pytest.mark.parametrize(("text", "line", "column", "message"), SYNTAX_ERRORS)
def test_syntax_errors_are_explained_in_indonesian_where_the_mistake_is(
    text: str, line: int, column: int, message: str
) -> None:
    with pytest.raises(yaml.MarkedYAMLError) as pure:
        yaml.compose(text, Loader=yaml.SafeLoader)
    for diagnostic in (
        load_text(text, "x.yaml").diagnostics[0],
        _syntax_diagnostic(pure.value, "x.yaml", text),
    ):
        assert (diagnostic.code, diagnostic.line) == ("KIN001", line), diagnostic
        assert message in diagnostic.message, diagnostic.message
        assert diagnostic.message.startswith("YAML tidak dapat dibaca: ")
        assert "PyYAML" not in diagnostic.message  # a known problem: no English at all
        assert diagnostic.hint
    assert load_text(text, "x.yaml").diagnostics[0].column == column


def test_an_unknown_parser_problem_keeps_its_words_as_a_short_suffix() -> None:
    error = yaml.MarkedYAMLError(
        "while parsing something new",
        None,
        "found a problem no table knows about, described at great length by the parser",
        yaml.Mark("x.yaml", 0, 1, 2, None, None),
    )
    diagnostic = _syntax_diagnostic(error, "x.yaml", "a: b\nc: d\n")
    assert (diagnostic.line, diagnostic.column) == (2, 3)
    assert diagnostic.message.startswith("YAML tidak dapat dibaca: susunannya tidak sah di sini.")
    suffix = diagnostic.message.removeprefix(
        "YAML tidak dapat dibaca: susunannya tidak sah di sini."
    )
    assert suffix.startswith(" (PyYAML: found a problem no table knows about")
    assert suffix.endswith("…)") and len(suffix) < 75


def test_billion_laughs_is_refused_without_expanding() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index in range(1, 12):
        previous, current = chr(96 + index), chr(97 + index)
        lines.append(f"{current}: &{current} [" + ",".join([f"*{previous}"] * 9) + "]")
    result = load_text("\n".join(lines), "bom.yaml")
    assert result.data is None
    assert {d.code for d in result.diagnostics} == {"KIN004"}


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 10_000, 200_000])
def test_deep_nesting_is_refused_before_libyaml_recurses(depth: int) -> None:
    # libyaml's composer would crash the interpreter on the deepest of these.
    result = load_text("a: " + "[" * depth + "]" * depth, "dalam.yaml")
    assert [d.code for d in result.diagnostics] == ["KIN007"]


def test_compact_sequence_nesting_is_refused() -> None:
    # "- - - - x" nests one level per two characters on a single line.
    assert [d.code for d in load_text("a:\n  " + "- " * 200_000 + "x\n", "x.yaml").diagnostics] == [
        "KIN007"
    ]


def test_deep_block_nesting_is_refused() -> None:
    text = "".join("  " * level + "a:\n" for level in range(300)) + "  " * 300 + "b\n"
    assert [d.code for d in load_text(text, "x.yaml").diagnostics] == ["KIN007"]


def test_moderate_nesting_within_limit_loads() -> None:
    depth = MAX_DEPTH - 2
    assert load_text("a: " + "[" * depth + "]" * depth, "x.yaml").ok


def test_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "besar.yaml"
    path.write_text("a: " + "x" * 2000 + "\n", encoding="utf-8")
    loaded = load_file(path, "besar.yaml", max_bytes=1024)
    assert [d.code for d in loaded.diagnostics] == ["KIN005"]
    assert "2.004" in loaded.diagnostics[0].message


def test_binary_and_latin1(tmp_path: Path) -> None:
    binary = tmp_path / "b.yaml"
    binary.write_bytes(b"a: 1\n\x00\x01\x02")
    assert [(d.code, d.line, d.column) for d in load_file(binary, "b.yaml").diagnostics] == [
        ("KIN006", 2, 1)
    ]
    latin = tmp_path / "l.yaml"
    latin.write_bytes("nama: Bu Sri\nkota: Caf\xe9\n".encode("latin-1"))
    assert [(d.code, d.line, d.column) for d in load_file(latin, "l.yaml").diagnostics] == [
        ("KIN006", 2, 10)
    ]


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffnama: Sri\n".encode())
    assert load_file(path, "bom.yaml").data == {"nama": "Sri"}


def test_missing_file_is_a_diagnostic(tmp_path: Path) -> None:
    assert [d.code for d in load_file(tmp_path / "tidak-ada.yaml", "x").diagnostics] == ["KIN012"]


def test_locate_values_keys_and_missing_paths(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("a: 1\nb:\n  c: [x, y]\n  d:\n    - e: 2\n", encoding="utf-8")
    assert locate(path, ("a",)) == (1, 4)
    assert locate(path, ("b", "c", 1)) == (3, 10)
    assert locate(path, ("b", "d", 0, "e")) == (5, 10)
    assert locate(path, ("b", "d", 0, "e"), key=True) == (5, 7)
    assert locate(path, ("b", "tidak-ada")) == (3, 3)  # nearest existing parent
    assert locate(path, ()) == (1, 1)
    assert locate(tmp_path / "hilang.yaml", ("a",)) == (0, 0)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symlinks unsupported")
def test_symlink_out_of_the_repository_is_not_read(school: Path, tmp_path: Path) -> None:
    secret = tmp_path / "rahasia.yaml"
    secret.write_text("nama: rahasia\n", encoding="utf-8")
    link = school / "records" / "pegawai" / "199001012015011001.yaml"
    link.symlink_to(secret)
    outside_dir = tmp_path / "luar"
    outside_dir.mkdir()
    (school / "records" / "kinerja" / "2025" / "tautan").symlink_to(
        outside_dir, target_is_directory=True
    )
    report = validate(school).report
    found = {(d.code, d.file) for d in report}
    assert ("KIN009", "records/pegawai/199001012015011001.yaml") in found
    assert ("KIN009", "records/kinerja/2025/tautan") in found
    assert not any("rahasia" in d.message for d in report)


def test_symlink_inside_the_repository_is_followed(school: Path) -> None:
    pegawai = sorted((school / "records" / "pegawai").glob("*.yaml"))[0]
    alias = school / "records" / "pegawai" / "salinan.yaml"
    alias.symlink_to(pegawai)
    report = validate(school).report
    assert "KIN009" not in {d.code for d in report}
